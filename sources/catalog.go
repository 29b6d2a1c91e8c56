// Package sources puts models that run elsewhere into pipette's catalog:
// another pipette, Ollama, OpenAI-compatible servers (llama-server, vLLM,
// LM Studio, OpenRouter, the Hugging Face router), Open Inference Protocol
// v2 servers (KServe, Triton, MLServer) and the Hugging Face Hub. Each
// source is named; its models' references are the source's name and the
// model id, encoded (catalog.EncodeName): ollama/llama3.2:3b. A Catalog
// merges the sources with the built-in catalog into one that lists,
// searches, describes and calls them all, and knows which sources are up.
// docs/API.md describes the references and the fields this adds.
package sources

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"pipette/catalog"
)

// Catalog is a base catalog (the built-ins, or a pipette server) with remote
// sources merged in. References whose owner is a source's name go to that
// source; everything else to the base. It is a catalog.Source, Runner and
// Streamer, and reports its sources' status.
type Catalog struct {
	base    catalog.Source
	baseRun catalog.Runner
	mu      sync.RWMutex
	remotes []*Live
	byName  map[string]*Live

	discoverOnce sync.Once
	discover     func()      // nil: no discovery
	discoverDone atomic.Bool // discover has run

	mergeMu sync.Mutex
	merged  mergedListing // the last merged listing, reused while nothing changed
}

// mergedListing is a merged listing and what it was made from: the base's
// entries (by what a listing shows) and each source's listing generation.
type mergedListing struct {
	base []baseKey
	gens []uint64
	out  []catalog.Entry
}

type baseKey struct {
	ref                         catalog.Ref
	tagline, label, unavailable string
}

// maxKeyedBase is the largest base whose listing is compared to reuse a
// merge: comparing a larger one costs about what merging it again does.
const maxKeyedBase = 4096

// NewCatalog merges remotes into base. A source whose name is an owner of
// the base catalog would hide its algorithms; that is an error naming both.
func NewCatalog(ctx context.Context, base catalog.Source, run catalog.Runner, remotes ...*Live) (*Catalog, error) {
	c := &Catalog{base: base, baseRun: run, byName: map[string]*Live{}}
	owners := map[string]bool{}
	if len(remotes) > 0 {
		if entries, err := base.List(ctx); err == nil {
			for _, e := range entries {
				owners[e.Ref.Owner] = true
			}
		}
	}
	for _, l := range remotes {
		if err := c.add(l, owners); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *Catalog) add(l *Live, owners map[string]bool) error {
	if owners[l.Name()] {
		return fmt.Errorf("source name %q is already an owner of the %s catalog (%s/…): name the source otherwise", l.Name(), c.base.Name(), l.Name())
	}
	if _, dup := c.byName[l.Name()]; dup {
		return fmt.Errorf("two sources are named %q: give each its own name", l.Name())
	}
	c.remotes = append(c.remotes, l)
	c.byName[l.Name()] = l
	return nil
}

// Add merges one more source (a discovered one, found after start).
func (c *Catalog) Add(l *Live) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.add(l, nil)
}

// DiscoverLater makes the catalog look for the usual local servers
// (Discover) the first time it is listed, or asked for a model of a source
// discovery could name, rather than now: a verb on the built-ins never
// waits for it, and the TUI lists in the background. configured are the
// sources already given, which discovery leaves alone.
func (c *Catalog) DiscoverLater(configured []Spec, hc *http.Client) {
	c.discover = func() {
		for _, sp := range Discover(context.Background(), configured, DiscoverBudget) {
			if l, err := Open(sp, hc); err == nil {
				_ = c.Add(l) // a name taken meanwhile keeps its source
			}
		}
	}
}

func (c *Catalog) discovered() {
	if c.discover != nil {
		c.discoverOnce.Do(func() {
			c.discover()
			c.discoverDone.Store(true)
		})
	}
}

// remoteFor is the source a reference's owner names, discovering first when
// the owner is a name discovery gives.
func (c *Catalog) remoteFor(owner string) *Live {
	if l := c.Remote(owner); l != nil || c.discover == nil {
		return l
	}
	for _, u := range Usual {
		if u.Spec.Name == owner {
			c.discovered()
			return c.Remote(owner)
		}
	}
	return nil
}

// Remotes are the merged sources, in the order they were given.
func (c *Catalog) Remotes() []*Live {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return slices.Clone(c.remotes)
}

// Remote is the source named name, or nil.
func (c *Catalog) Remote(name string) *Live {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.byName[name]
}

// Base is the catalog the sources were merged into.
func (c *Catalog) Base() catalog.Source { return c.base }

// Name is the base's name, and the sources' names after a "+".
func (c *Catalog) Name() string {
	names := []string{c.base.Name()}
	for _, l := range c.Remotes() {
		names = append(names, l.Name())
	}
	return strings.Join(names, "+")
}

// Statuses are the sources' statuses, in order.
func (c *Catalog) Statuses() []catalog.SourceStatus {
	var out []catalog.SourceStatus
	for _, l := range c.Remotes() {
		out = append(out, l.Status())
	}
	return out
}

// List is the base's entries and every source's, sorted by reference. The
// sources are asked at once; one that is down adds the models it had (marked
// unavailable) or none, and never fails the listing. Only the base failing
// does. While nothing changed the same slice is returned again (merging 100k
// entries anew each time would cost milliseconds): callers read it and never
// write to it. The first List looks for the usual local servers first
// (DiscoverLater).
func (c *Catalog) List(ctx context.Context) ([]catalog.Entry, error) {
	c.discovered()
	return c.ListKnown(ctx)
}

// Discovering says the usual local servers are still to be looked for: the
// next List does (DiscoverLater).
func (c *Catalog) Discovering() bool { return c.discover != nil && !c.discoverDone.Load() }

// ListKnown is List of the sources known so far, without looking for local
// servers first: the TUI's first listing, whose frame never waits for
// discovery (it lists again afterwards).
func (c *Catalog) ListKnown(ctx context.Context) ([]catalog.Entry, error) {
	remotes := c.Remotes()
	lists := make([][]catalog.Entry, len(remotes))
	gens := make([]uint64, len(remotes))
	var wg sync.WaitGroup
	for i, l := range remotes {
		wg.Go(func() { lists[i], gens[i], _ = l.list(ctx) })
	}
	base, err := c.base.List(ctx)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	if len(remotes) == 0 {
		return base, nil
	}
	var keys []baseKey
	if len(base) <= maxKeyedBase {
		keys = make([]baseKey, len(base))
		for i, e := range base {
			keys[i] = baseKey{e.Ref, e.Tagline, e.Label, e.Unavailable}
		}
		c.mergeMu.Lock()
		m := c.merged
		c.mergeMu.Unlock()
		if m.out != nil && slices.Equal(m.gens, gens) && slices.Equal(m.base, keys) {
			return m.out, nil
		}
	}
	kept := make([]catalog.Entry, 0, len(base))
	for _, e := range base {
		if c.Remote(e.Ref.Owner) == nil {
			kept = append(kept, e)
		}
	}
	if !slices.IsSortedFunc(kept, byRef) {
		slices.SortStableFunc(kept, byRef)
	}
	out := mergeSorted(append(lists, kept))
	if keys != nil {
		c.mergeMu.Lock()
		c.merged = mergedListing{base: keys, gens: gens, out: out}
		c.mergeMu.Unlock()
	}
	return out, nil
}

// byRef orders entries by owner, then name.
func byRef(a, b catalog.Entry) int {
	return cmp.Or(strings.Compare(a.Ref.Owner, b.Ref.Owner), strings.Compare(a.Ref.Name, b.Ref.Name))
}

// mergeSorted merges lists each sorted by reference into one, copying runs:
// the lists of sources rarely interleave (each is one owner), so a merge of
// 100k entries is a few copies, where sorting the whole again would move
// large entries around O(n log n) times (2 s for 100k Hub entries).
func mergeSorted(lists [][]catalog.Entry) []catalog.Entry {
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	out := make([]catalog.Entry, 0, n)
	heads := make([]int, len(lists))
	for len(out) < n {
		best, next := -1, -1 // the list with the smallest head, and the one after it
		for i, l := range lists {
			if heads[i] == len(l) {
				continue
			}
			switch {
			case best < 0 || byRef(l[heads[i]], lists[best][heads[best]]) < 0:
				best, next = i, best
			case next < 0 || byRef(l[heads[i]], lists[next][heads[next]]) < 0:
				next = i
			}
		}
		run := lists[best][heads[best]:]
		if next >= 0 {
			bound := lists[next][heads[next]]
			run = run[:sort.Search(len(run), func(j int) bool { return byRef(run[j], bound) > 0 })]
			if len(run) == 0 {
				run = lists[best][heads[best] : heads[best]+1]
			}
		}
		out = append(out, run...)
		heads[best] += len(run)
	}
	return out
}

// Get describes the algorithm or model ref names.
func (c *Catalog) Get(ctx context.Context, ref catalog.Ref) (catalog.Entry, error) {
	if l := c.remoteFor(ref.Owner); l != nil {
		return l.Get(ctx, ref)
	}
	return c.base.Get(ctx, ref)
}

// Run calls the algorithm or model ref names.
func (c *Catalog) Run(ctx context.Context, ref catalog.Ref, in catalog.Value) (catalog.Output, error) {
	if l := c.remoteFor(ref.Owner); l != nil {
		return l.Run(ctx, ref, in)
	}
	return c.baseRun.Run(ctx, ref, in)
}

// Stream calls ref, handing pieces of text to emit as a model produces
// them. An algorithm that does not stream answers in one piece at the end
// (emit is not called).
func (c *Catalog) Stream(ctx context.Context, ref catalog.Ref, in catalog.Value, emit func(catalog.Chunk) error) (catalog.Output, error) {
	if l := c.remoteFor(ref.Owner); l != nil {
		return l.Stream(ctx, ref, in, emit)
	}
	if s, ok := c.baseRun.(catalog.Streamer); ok {
		return s.Stream(ctx, ref, in, emit)
	}
	return c.baseRun.Run(ctx, ref, in)
}

// Search asks the sources that search (the Hub) for query, at most limit
// models each, concurrently; a source that fails adds nothing. The base and
// the listed sources are searched by fuzzy-matching their listing instead.
func (c *Catalog) Search(ctx context.Context, query string, limit int) []catalog.Entry {
	var (
		mu  sync.Mutex
		out []catalog.Entry
		wg  sync.WaitGroup
	)
	for _, l := range c.Remotes() {
		s, ok := l.Backend().(Searcher)
		if !ok {
			continue
		}
		wg.Go(func() {
			found, err := s.Search(ctx, query, limit)
			l.observe(err)
			mu.Lock()
			out = append(out, found...)
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

// Open builds the Live source a spec describes, with hc for its requests
// (nil: a client with pipette's dial and TLS timeouts).
func Open(sp Spec, hc *http.Client) (*Live, error) {
	if err := sp.Check(); err != nil {
		return nil, err
	}
	b, err := openBackend(sp, hc)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", sp.Name, err)
	}
	return NewLive(sp, b), nil
}

// Merge opens the sources specs describe and merges them into base (run
// runs it). hc is the HTTP client of their requests (nil: the default).
func Merge(ctx context.Context, base catalog.Source, run catalog.Runner, specs []Spec, hc *http.Client) (*Catalog, error) {
	specs, err := Dedupe(specs)
	if err != nil {
		return nil, err
	}
	lives := make([]*Live, 0, len(specs))
	for _, sp := range specs {
		l, err := Open(sp, hc)
		if err != nil {
			return nil, err
		}
		lives = append(lives, l)
	}
	return NewCatalog(ctx, base, run, lives...)
}
