package tfjs

import "math"

// fuse rewrites the nodes (copies, in dependency order) so that a
// convolution absorbs what surrounds it, which the kernels do for free:
//
//   - Conv2D → Add/AddV2/BiasAdd of a constant [cout]: the bias;
//   - Conv2D → (Transpose|Identity)* → Relu/Relu6/LeakyRelu: the activation
//     (elementwise, so it commutes with the transposes);
//   - Pad with zeros → (Transpose|Identity)* → Conv2D: the padding, when
//     only height and width are padded;
//   - PadV2 with -inf → (Transpose|Identity)* → MaxPool: the padding.
//
// Each absorbed node becomes an Identity of its input; a node is absorbed
// only when nothing else reads what it would change.
func fuse(g *Graph, nodes []*node, outputs []ref) {
	uses := map[*node]int{}
	for _, n := range nodes {
		for _, in := range n.inputs {
			uses[in.node]++
		}
	}
	for _, o := range outputs {
		uses[o.node]++
	}
	for _, n := range nodes {
		switch n.op {
		case "Add", "AddV2", "BiasAdd":
			fuseBias(g, n, uses)
		case "Relu", "Relu6", "LeakyRelu":
			fuseActivation(n, uses)
		case "Conv2D":
			fusePad(g, n, uses, 0)
		case "MaxPool":
			fusePad(g, n, uses, math.Inf(-1))
		}
	}
}

func fusedOf(n *node) *fusion {
	if n.fused == nil {
		n.fused = &fusion{}
	}
	return n.fused
}

// becomeIdentity turns an absorbed node into a pass-through of input i.
func becomeIdentity(n *node, i int) {
	n.op, n.inputs, n.fused = "Identity", []ref{n.inputs[i]}, nil
}

func fuseBias(g *Graph, n *node, uses map[*node]int) {
	if len(n.inputs) != 2 {
		return
	}
	for i := range 2 {
		conv, bias := n.inputs[i], n.inputs[1-i]
		c := conv.node
		if c.op != "Conv2D" || conv.out != 0 || uses[c] != 1 || (c.fused != nil && (c.fused.bias != nil || c.fused.act.kind != actNone)) {
			continue
		}
		t := g.consts[bias.node.name]
		filter := filterOf(g, c)
		if bias.node.op != "Const" || t == nil || t.IsInt() || len(t.Shape) != 1 || filter == nil || t.Shape[0] != filter.Shape[3] {
			continue
		}
		fusedOf(c).bias = t.Float
		becomeIdentity(n, i)
		return
	}
}

// filterOf is a Conv2D's constant filter, or nil.
func filterOf(g *Graph, c *node) *Tensor {
	if len(c.inputs) < 2 || c.inputs[1].node.op != "Const" {
		return nil
	}
	t := g.consts[c.inputs[1].node.name]
	if t == nil || t.IsInt() || len(t.Shape) != 4 {
		return nil
	}
	return t
}

func fuseActivation(n *node, uses map[*node]int) {
	if len(n.inputs) != 1 {
		return
	}
	src := n.inputs[0].node
	for (src.op == "Transpose" || src.op == "Identity") && uses[src] == 1 && len(src.inputs) > 0 {
		src = src.inputs[0].node
	}
	if src.op != "Conv2D" || uses[src] != 1 || (src.fused != nil && src.fused.act.kind != actNone) {
		return
	}
	fusedOf(src).act = unaryOps[n.op](n)
	becomeIdentity(n, 0)
}

// fusePad folds a Pad (of fill) feeding n's first input, through
// transposes, into n's padding.
func fusePad(g *Graph, n *node, uses map[*node]int, fill float64) {
	if len(n.inputs) == 0 {
		return
	}
	if p, _ := n.attrs.str("padding", "VALID"); p != "VALID" {
		return
	}
	// Walk up, remembering the transposes to map the pads through.
	var perms [][]int
	src := n.inputs[0].node
	for (src.op == "Transpose" || src.op == "Identity") && uses[src] == 1 && len(src.inputs) > 0 {
		if src.op == "Transpose" {
			perm := constInts(g, src, 1)
			if perm == nil {
				return
			}
			perms = append(perms, perm)
		}
		src = src.inputs[0].node
	}
	if uses[src] != 1 || !padsWith(g, src, fill) {
		return
	}
	pads := constInts(g, src, 1)
	if len(pads) != 8 {
		return
	}
	// pads[2a], pads[2a+1] pad axis a of the Pad's output; a transpose's
	// output axis k is its input axis perm[k].
	for i := len(perms) - 1; i >= 0; i-- {
		perm := perms[i]
		if len(perm) != 4 {
			return
		}
		next := make([]int, 8)
		for k, a := range perm {
			if a < 0 || a >= 4 {
				return
			}
			next[2*k], next[2*k+1] = pads[2*a], pads[2*a+1]
		}
		pads = next
	}
	if pads[0] != 0 || pads[1] != 0 || pads[6] != 0 || pads[7] != 0 || min(pads[2], pads[3], pads[4], pads[5]) < 0 {
		return
	}
	f := fusedOf(n)
	f.pads = [4]int{f.pads[0] + pads[2], f.pads[1] + pads[3], f.pads[2] + pads[4], f.pads[3] + pads[5]}
	becomeIdentity(src, 0)
}

// padsWith says whether n is a Pad or PadV2 filling with the value fill.
func padsWith(g *Graph, n *node, fill float64) bool {
	switch {
	case n.op == "Pad" && len(n.inputs) == 2:
		return fill == 0
	case n.op == "PadV2" && len(n.inputs) == 3:
		c := n.inputs[2].node
		t := g.consts[c.name]
		return c.op == "Const" && t != nil && !t.IsInt() && len(t.Float) == 1 && float64(t.Float[0]) == fill
	}
	return false
}

// constInts is input i of n when it is a Const of integers.
func constInts(g *Graph, n *node, i int) []int {
	if i >= len(n.inputs) || n.inputs[i].node.op != "Const" {
		return nil
	}
	t := g.consts[n.inputs[i].node.name]
	if t == nil || !t.IsInt() {
		return nil
	}
	out := make([]int, len(t.Int))
	for i, v := range t.Int {
		out[i] = int(v)
	}
	return out
}
