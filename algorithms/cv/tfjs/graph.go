package tfjs

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Graph is a loaded model: its nodes and dequantised weights. It is
// read-only once loaded; Compile makes runnable programs from it.
type Graph struct {
	nodes  []*node
	byName map[string]*node
	consts map[string]*Tensor
}

// node is one graph node. Compile works on copies, so rewriting a node
// while fusing never changes the Graph.
type node struct {
	name   string
	op     string
	inputs []ref
	attrs  attrs
	// fused holds what fuse folded into a convolution or pooling.
	fused *fusion
}

// ref names one output of a node ("name:1" in model.json).
type ref struct {
	node *node
	out  int
}

// Load reads model.json and the weight files it lists, which open returns
// by the path written in the manifest.
func Load(modelJSON []byte, open func(path string) ([]byte, error)) (*Graph, error) {
	var m modelFile
	if err := json.Unmarshal(modelJSON, &m); err != nil {
		return nil, fmt.Errorf("model.json: %w", err)
	}
	if m.Format != "" && m.Format != "graph-model" {
		return nil, fmt.Errorf("model.json is a %q, not a graph model", m.Format)
	}
	defs := m.ModelTopology.Node
	if len(defs) == 0 {
		return nil, errors.New("model.json has no nodes")
	}
	if len(defs) > maxNodes {
		return nil, fmt.Errorf("model.json has %d nodes, more than the %d pipette reads", len(defs), maxNodes)
	}
	weights, err := readWeights(m.WeightsManifest, open)
	if err != nil {
		return nil, err
	}
	g := &Graph{byName: make(map[string]*node, len(defs)), consts: map[string]*Tensor{}}
	for _, d := range defs {
		if d.Name == "" || d.Op == "" {
			return nil, errors.New("model.json has a node without a name or an op")
		}
		if _, dup := g.byName[d.Name]; dup {
			return nil, fmt.Errorf("model.json has two nodes named %q", d.Name)
		}
		n := &node{name: d.Name, op: d.Op, attrs: attrs{node: d.Name, m: d.Attr}}
		g.nodes = append(g.nodes, n)
		g.byName[d.Name] = n
		if d.Op == "Const" {
			t, ok := weights[d.Name]
			if !ok {
				return nil, fmt.Errorf("constant %q has no weights in the manifest", d.Name)
			}
			g.consts[d.Name] = t
		}
	}
	for i, d := range defs {
		for _, in := range d.Input {
			if strings.HasPrefix(in, "^") {
				continue // a control dependency orders nothing in a pure graph
			}
			r, err := g.resolve(in)
			if err != nil {
				return nil, fmt.Errorf("node %q: %w", d.Name, err)
			}
			g.nodes[i].inputs = append(g.nodes[i].inputs, r)
		}
	}
	return g, nil
}

// resolve turns "name" or "name:k" into a ref.
func (g *Graph) resolve(name string) (ref, error) {
	if n, ok := g.byName[name]; ok {
		return ref{node: n}, nil
	}
	if i := strings.LastIndexByte(name, ':'); i > 0 {
		k, err := strconv.Atoi(name[i+1:])
		if n, ok := g.byName[name[:i]]; ok && err == nil && k >= 0 && k < 64 {
			return ref{node: n, out: k}, nil
		}
	}
	return ref{}, fmt.Errorf("no node %q in the graph", name)
}

// Inputs lists the graph's placeholders.
func (g *Graph) Inputs() []string {
	var names []string
	for _, n := range g.nodes {
		if n.op == "Placeholder" {
			names = append(names, n.name)
		}
	}
	return names
}

// reachable returns copies of the nodes the outputs depend on, in an order
// where every node comes after its inputs, with refs remapped to the copies.
func (g *Graph) reachable(outputs []ref) ([]*node, map[*node]*node, error) {
	const (
		unseen = iota
		visiting
		done
	)
	state := map[*node]int{}
	var order []*node
	var visit func(n *node) error
	visit = func(n *node) error {
		switch state[n] {
		case visiting:
			return fmt.Errorf("the graph has a cycle through %q", n.name)
		case done:
			return nil
		}
		state[n] = visiting
		for _, in := range n.inputs {
			if err := visit(in.node); err != nil {
				return err
			}
		}
		state[n] = done
		order = append(order, n)
		return nil
	}
	for _, o := range outputs {
		if err := visit(o.node); err != nil {
			return nil, nil, err
		}
	}
	copies := make(map[*node]*node, len(order))
	for _, n := range order {
		c := *n
		c.inputs = slices.Clone(n.inputs)
		copies[n] = &c
	}
	list := make([]*node, len(order))
	for i, n := range order {
		c := copies[n]
		for j, in := range c.inputs {
			c.inputs[j].node = copies[in.node]
		}
		list[i] = c
	}
	return list, copies, nil
}
