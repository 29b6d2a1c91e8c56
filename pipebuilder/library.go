package pipebuilder

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"pipette/catalog"
	"pipette/client"
	"pipette/internal/chainfile"
)

// SourceName is the catalog source name of published chains; the API marks
// entries from it pipeline_enabled.
const SourceName = "chains"

// Library is a folder of chains published as algorithms: a catalog.Source
// listing them and a catalog.Runner running them, each at its name and
// version. Steps call the base catalog or other chains of the library. Load
// it with LoadLibrary; it is read-only afterwards and safe for concurrent use.
type Library struct {
	base     catalog.Source
	baseRun  catalog.Runner
	chains   map[string][]*Chain // by owner/name, newest version first
	problems []error
}

// LoadLibrary loads every *.yaml and *.yml file of dir as a chain
// (chainfile.ReadDir: a link out of dir is refused) and validates it
// against base and the other chains; see NewLibrary. The error is only for a
// folder that cannot be read.
func LoadLibrary(ctx context.Context, dir string, base catalog.Source, runner catalog.Runner) (*Library, error) {
	files, err := chainfile.ReadDir(dir, chainfile.DirOptions{})
	if err != nil {
		return nil, fmt.Errorf("load chains: %w", err)
	}
	return NewLibrary(ctx, files, base, runner)
}

// NewLibrary publishes the chain files read from a folder. A file that could
// not be read or fails to load, a chain that calls an unknown algorithm, a
// duplicate, a chain that would hide an algorithm of base, and every chain
// of a cycle (chains calling each other) are reported by Problems and left
// out; the rest are served. The error is only for a base catalog that cannot
// be asked.
func NewLibrary(ctx context.Context, files []chainfile.File, base catalog.Source, runner catalog.Runner) (*Library, error) {
	l := &Library{base: base, baseRun: runner, chains: map[string][]*Chain{}}
	defined := map[string]string{} // name@version → file
	for _, f := range files {
		path := f.Path
		if f.Err != nil {
			l.problems = append(l.problems, f.Err)
			continue
		}
		c, err := Parse(path, f.Data)
		if err != nil {
			l.problems = append(l.problems, err)
			continue
		}
		key := c.Name + "@" + c.Version
		if other, dup := defined[key]; dup {
			l.problems = append(l.problems, fmt.Errorf("%s: chain %s %s is already defined in %s; give it another version or name", path, c.Name, c.Version, other))
			continue
		}
		ref, _ := c.Ref()
		if _, err := base.Get(ctx, ref.WithVersion("")); err == nil {
			l.problems = append(l.problems, fmt.Errorf("%s: chain %s has the name of an algorithm of %s; give it another name", path, c.Name, base.Name()))
			continue
		} else if catalog.ErrorType(err) != catalog.EntityNotFoundError {
			return nil, fmt.Errorf("load chains: look up %s in %s: %w", c.Name, base.Name(), err)
		}
		defined[key] = path
		l.add(c)
	}
	l.refuseCycles()
	// Validating can only remove chains; a removed chain can break the ones
	// that call it, so repeat until nothing changes.
	for changed := true; changed; {
		changed = false
		for _, name := range l.names() {
			for _, c := range slices.Clone(l.chains[name]) {
				err := c.Validate(ctx, l.Combined())
				if err == nil {
					continue
				}
				var errs Errors
				if !errors.As(err, &errs) {
					return nil, fmt.Errorf("load chains: %w", err)
				}
				l.problems = append(l.problems, err)
				l.remove(c)
				changed = true
			}
		}
	}
	return l, nil
}

// Problems lists the files and chains that were left out, and why.
func (l *Library) Problems() []error { return l.problems }

// Chains returns the loaded chains, by name then newest version first.
func (l *Library) Chains() []*Chain {
	var out []*Chain
	for _, name := range l.names() {
		out = append(out, l.chains[name]...)
	}
	return out
}

func (l *Library) names() []string {
	names := make([]string, 0, len(l.chains))
	for n := range l.chains {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func (l *Library) add(c *Chain) {
	list := append(l.chains[c.Name], c)
	slices.SortFunc(list, func(a, b *Chain) int {
		va, _ := catalog.ParseVersion(a.Version)
		vb, _ := catalog.ParseVersion(b.Version)
		return vb.Compare(va)
	})
	l.chains[c.Name] = list
}

func (l *Library) remove(c *Chain) {
	list := slices.DeleteFunc(l.chains[c.Name], func(x *Chain) bool { return x == c })
	if len(list) == 0 {
		delete(l.chains, c.Name)
		return
	}
	l.chains[c.Name] = list
}

// refuseCycles removes every chain that is part of a cycle of chains calling
// chains, naming the cycle. Edges go by name: any version of a chain that
// calls any version of another.
func (l *Library) refuseCycles() {
	calls := map[string][]string{}
	for name, versions := range l.chains {
		for _, c := range versions {
			for _, s := range c.Steps {
				p := s.ref.Path()
				if _, ok := l.chains[p]; ok && !slices.Contains(calls[name], p) {
					calls[name] = append(calls[name], p)
				}
			}
		}
		slices.Sort(calls[name])
	}
	const (
		unseen = iota
		onPath
		finished
	)
	state := map[string]int{}
	var path []string
	inCycle := map[string]bool{}
	var visit func(n string)
	visit = func(n string) {
		state[n] = onPath
		path = append(path, n)
		for _, m := range calls[n] {
			switch state[m] {
			case unseen:
				visit(m)
			case onPath:
				i := slices.Index(path, m)
				cycle := append(slices.Clone(path[i:]), m)
				for _, x := range cycle {
					inCycle[x] = true
				}
				msg := fmt.Sprintf("chains %s call each other in a cycle; a chain cannot (even indirectly) call itself", strings.Join(cycle, " → "))
				if len(cycle) == 2 {
					msg = fmt.Sprintf("chain %s calls itself; a chain cannot (even indirectly) call itself", m)
				}
				files := []string{}
				for _, x := range cycle[:len(cycle)-1] {
					for _, c := range l.chains[x] {
						files = append(files, c.File)
					}
				}
				l.problems = append(l.problems, fmt.Errorf("%s: %s", strings.Join(files, ", "), msg))
			}
		}
		path = path[:len(path)-1]
		state[n] = finished
	}
	for _, n := range l.names() {
		if state[n] == unseen {
			visit(n)
		}
	}
	for n := range inCycle {
		delete(l.chains, n)
	}
}

// Name is "chains".
func (l *Library) Name() string { return SourceName }

// List returns the newest version of every chain as a catalog entry.
func (l *Library) List(ctx context.Context) ([]catalog.Entry, error) {
	var out []catalog.Entry
	for _, name := range l.names() {
		out = append(out, l.entry(l.chains[name][0]))
	}
	return out, nil
}

// Get returns the chain ref names, at the version it asks for.
func (l *Library) Get(ctx context.Context, ref catalog.Ref) (catalog.Entry, error) {
	c, err := l.lookup(ref)
	if err != nil {
		return catalog.Entry{}, err
	}
	return l.entry(c), nil
}

func (l *Library) lookup(ref catalog.Ref) (*Chain, error) {
	list := l.chains[ref.Path()]
	if len(list) == 0 {
		return nil, catalog.NotFound("algorithm %s not found", catalog.Ref{Owner: ref.Owner, Name: ref.Name}.URI())
	}
	versions := make([]string, len(list))
	for i, c := range list {
		versions[i] = c.Version
	}
	v, err := catalog.Resolve(versions, ref.Version)
	if err != nil {
		return nil, catalog.NotFound("algorithm %s not found: %v (published: %s)", ref.URI(), err, strings.Join(versions, ", "))
	}
	for _, c := range list {
		if c.Version == v {
			return c, nil
		}
	}
	return nil, catalog.NotFound("algorithm %s not found", ref.URI())
}

func (l *Library) entry(c *Chain) catalog.Entry {
	e := c.Entry()
	e.Versions = nil
	for _, v := range l.chains[c.Name] {
		e.Versions = append(e.Versions, catalog.VersionInfo{Version: v.Version})
	}
	return e
}

// Run runs the chain ref names on in. A failed step comes back as a
// *catalog.Error of the step's error type whose message names the step; the
// run's trace is the output's Stdout, one JSON line per step, when the
// caller asked for it (catalog.StdoutWanted).
func (l *Library) Run(ctx context.Context, ref catalog.Ref, in catalog.Value) (catalog.Output, error) {
	c, err := l.lookup(ref)
	if err != nil {
		return catalog.Output{}, err
	}
	comb := l.Combined()
	tr, err := Run(ctx, client.NewLocal(comb, comb), c, in, Options{})
	var log bytes.Buffer
	if catalog.StdoutWanted(ctx) {
		// Each line carries the step's input and result; for an image chain
		// that is several base64 copies of the photo, so only when asked.
		for _, s := range tr.Steps {
			if line, err := s.MarshalJSON(); err == nil {
				log.Write(line)
				log.WriteByte('\n')
			}
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return catalog.Output{Stdout: log.String(), Version: c.Version}, ctx.Err()
		}
		typ := catalog.ErrorType(err)
		if typ == "" {
			typ = catalog.AlgorithmError
		}
		return catalog.Output{Stdout: log.String(), Version: c.Version}, &catalog.Error{Type: typ, Message: fmt.Sprintf("chain %s: %v", c.Name, err)}
	}
	return catalog.Output{Value: tr.Output, Stdout: log.String(), Version: c.Version}, nil
}

// Combined is the base catalog and the library's chains as one catalog: what
// `pipette serve --chains DIR` serves, and what chain steps call.
func (l *Library) Combined() *Combined { return &Combined{lib: l} }

// Combined is a catalog.Source and catalog.Runner over a base catalog and a
// library of chains; a chain's name is never one of the base's.
type Combined struct{ lib *Library }

// Name is the base catalog's name followed by "+chains".
func (c *Combined) Name() string { return c.lib.base.Name() + "+" + SourceName }

// List returns the base's entries and the chains, sorted by reference.
func (c *Combined) List(ctx context.Context) ([]catalog.Entry, error) {
	out, err := c.lib.base.List(ctx)
	if err != nil {
		return nil, err
	}
	chains, _ := c.lib.List(ctx)
	out = append(slices.Clone(out), chains...)
	slices.SortStableFunc(out, func(a, b catalog.Entry) int { return strings.Compare(a.Ref.Path(), b.Ref.Path()) })
	return out, nil
}

// Get looks ref up among the chains, then in the base.
func (c *Combined) Get(ctx context.Context, ref catalog.Ref) (catalog.Entry, error) {
	if _, ok := c.lib.chains[ref.Path()]; ok {
		return c.lib.Get(ctx, ref)
	}
	return c.lib.base.Get(ctx, ref)
}

// Run runs a chain, or an algorithm of the base.
func (c *Combined) Run(ctx context.Context, ref catalog.Ref, in catalog.Value) (catalog.Output, error) {
	if _, ok := c.lib.chains[ref.Path()]; ok {
		return c.lib.Run(ctx, ref, in)
	}
	return c.lib.baseRun.Run(ctx, ref, in)
}
