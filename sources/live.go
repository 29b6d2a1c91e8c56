package sources

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"pipette/catalog"
	"pipette/sources/upstream"
)

// Backend is one model server spoken to in its own protocol. The kinds live
// in the sub-packages (ollama, openai, oip, hf, pipette); Live turns any of
// them into a catalog source with a status.
type Backend interface {
	// Probe asks the server something cheap and returns its version ("" when
	// it does not say); an error means it is down or not that kind of server.
	Probe(ctx context.Context) (string, error)
	// List lists the server's models (light: what its list endpoints say).
	List(ctx context.Context) ([]catalog.Entry, error)
	// Get describes one model by its id, with docs; a NotFound *catalog.Error
	// when the server has no such model.
	Get(ctx context.Context, id string) (catalog.Entry, error)
	// Stream calls the model e describes (e.Ref.Version is the version to
	// call, "" for the server's default), handing pieces of text to emit.
	Stream(ctx context.Context, e catalog.Entry, in catalog.Value, emit func(catalog.Chunk) error) (catalog.Output, error)
}

// Searcher is a backend whose models are found by searching rather than
// listed whole (the Hugging Face Hub).
type Searcher interface {
	Search(ctx context.Context, query string, limit int) ([]catalog.Entry, error)
}

// Timing of a Live source.
const (
	// ListTTL is how long a listing is reused before the server is asked again.
	ListTTL = 30 * time.Second
	// ListTimeout bounds one listing (probe, list and the details it asks).
	ListTimeout = 10 * time.Second
	// RetryMin and RetryMax bound the wait before a down source is asked
	// again; it doubles after each failure in between.
	RetryMin = 1 * time.Second
	RetryMax = 30 * time.Second
)

// Live is one remote source in the catalog: a Backend with the last listing
// kept, its status (up, or down and why), and recovery: a down source is
// asked again after a back-off (1 s, doubling to 30 s), so it comes back by
// itself, and every call it answers proves it up. Safe for concurrent use.
type Live struct {
	spec Spec
	b    Backend

	mu       sync.Mutex
	entries  []catalog.Entry
	byID     map[string]int
	listedAt time.Time
	status   catalog.SourceStatus
	retry    time.Duration // current back-off while down
	retryAt  time.Time
	retryMin time.Duration
	retryMax time.Duration
	details  map[string]detail
	refresh  *refreshCall  // the listing under way, shared by everyone who waits for it
	gen      uint64        // changes whenever what List returns does
	checking chan struct{} // the Check under way (check.go); closed when it ends
}

type detail struct {
	e  catalog.Entry
	at time.Time
}

type refreshCall struct {
	done chan struct{}
	err  error
}

// NewLive wraps b as the source spec describes.
func NewLive(spec Spec, b Backend) *Live {
	return &Live{spec: spec, b: b, details: map[string]detail{}, retryMin: RetryMin, retryMax: RetryMax, status: catalog.SourceStatus{
		Name: spec.Name, Kind: spec.Kind, URL: spec.ShownURL(), State: catalog.SourceChecking, Discovered: spec.Discovered,
	}}
}

// Name is the source's name: the owner of its references.
func (l *Live) Name() string { return l.spec.Name }

// Spec is how the source was configured.
func (l *Live) Spec() Spec { return l.spec }

// Backend is the server behind the source.
func (l *Live) Backend() Backend { return l.b }

// Status is how the source is doing.
func (l *Live) Status() catalog.SourceStatus {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.status
}

// List returns the source's models: the last listing while it is fresh,
// else a new one. While the source is down it returns the last listing it
// had, each entry marked unavailable with the reason, and asks the server
// again once the back-off has passed.
func (l *Live) List(ctx context.Context) ([]catalog.Entry, error) {
	entries, _, err := l.list(ctx)
	return entries, err
}

// list is List with the generation of what it returns: the same
// generation, the same listing.
func (l *Live) list(ctx context.Context) ([]catalog.Entry, uint64, error) {
	l.mu.Lock()
	now := time.Now()
	fresh := !l.listedAt.IsZero() && now.Sub(l.listedAt) < ListTTL && l.status.State == catalog.SourceUp
	waiting := l.status.State == catalog.SourceDown && now.Before(l.retryAt)
	if fresh || waiting {
		defer l.mu.Unlock()
		entries, err := l.listingLocked()
		return entries, l.gen, err
	}
	call := l.refresh
	if call == nil {
		call = &refreshCall{done: make(chan struct{})}
		l.refresh = call
		go l.relist(call)
	}
	l.mu.Unlock()
	select {
	case <-call.done:
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	entries, err := l.listingLocked()
	return entries, l.gen, err
}

// listingLocked is the listing as callers see it.
func (l *Live) listingLocked() ([]catalog.Entry, error) {
	if l.status.State != catalog.SourceDown {
		return l.entries, nil
	}
	if len(l.entries) == 0 {
		return nil, errors.New(l.status.Reason)
	}
	out := make([]catalog.Entry, len(l.entries))
	for i, e := range l.entries {
		e.Unavailable = fmt.Sprintf("%s is down: %s", l.spec.Name, l.status.Reason)
		out[i] = e
	}
	return out, nil
}

// relist asks the server for its listing, with its own deadline: whoever
// started it may stop waiting, but the answer is kept for the next caller.
func (l *Live) relist(call *refreshCall) {
	ctx, cancel := context.WithTimeout(context.Background(), ListTimeout)
	defer cancel()
	version, err := l.b.Probe(ctx)
	var entries []catalog.Entry
	if err == nil {
		entries, err = l.b.List(ctx)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("%s did not list its models within %s", l.spec.ShownURL(), ListTimeout)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err == nil {
		entries = sortedByRef(entries)
		if !sameListing(l.entries, entries) {
			l.entries = entries
			l.gen++
		}
		l.byID = make(map[string]int, len(l.entries))
		for i, e := range l.entries {
			l.byID[e.Ref.ModelID()] = i
		}
		l.listedAt = time.Now()
		l.status.Version = version
		l.status.Models = len(entries)
		l.markLocked(nil)
	} else {
		l.markLocked(err)
	}
	call.err = err
	l.refresh = nil
	close(call.done)
}

// mark records what an answer (or its absence) says about the source: any
// answer proves it up; an unreachable server, or a failed listing, puts it
// down until the back-off passes.
func (l *Live) mark(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.markLocked(err)
}

// observe records what a call's outcome says: a success proves the source
// up; an unreachable server puts it down. An error answer says neither (the
// input may never have left pipette).
func (l *Live) observe(err error) {
	switch {
	case err == nil:
		l.mark(nil)
	case upstream.IsUnreachable(err):
		l.mark(err)
	}
}

func (l *Live) markLocked(err error) {
	before := l.status
	defer func() {
		if l.status.State != before.State || l.status.Reason != before.Reason {
			l.gen++ // down entries are listed marked unavailable, with the reason
		}
	}()
	l.status.Checked = time.Now()
	if err == nil {
		l.status.State, l.status.Reason = catalog.SourceUp, ""
		l.retry, l.retryAt = 0, time.Time{}
		return
	}
	l.status.State, l.status.Reason = catalog.SourceDown, reason(err)
	switch {
	case l.retry == 0:
		l.retry = l.retryMin
	case l.retry < l.retryMax:
		l.retry = min(2*l.retry, l.retryMax)
	}
	l.retryAt = l.status.Checked.Add(l.retry)
}

// reason is an error as the status line shows it: one sentence.
func reason(err error) string {
	var ce *catalog.Error
	if errors.As(err, &ce) {
		return ce.Message
	}
	return err.Error()
}

// Get returns the model ref names, with its docs. A version in ref is
// resolved against the model's versions when the source has versions (OIP);
// a model without versions answers only to none or "latest".
func (l *Live) Get(ctx context.Context, ref catalog.Ref) (catalog.Entry, error) {
	id := ref.ModelID()
	l.mu.Lock()
	d, ok := l.details[id]
	l.mu.Unlock()
	if !ok || time.Since(d.at) >= ListTTL {
		e, err := l.b.Get(ctx, id)
		l.observe(err)
		if err != nil {
			return catalog.Entry{}, err
		}
		d = detail{e: e, at: time.Now()}
		l.mu.Lock()
		if len(l.details) > 1024 {
			clear(l.details)
		}
		l.details[id] = d
		l.mu.Unlock()
	}
	return resolveVersion(d.e, ref)
}

// resolveVersion pins e to the version ref asks for.
func resolveVersion(e catalog.Entry, ref catalog.Ref) (catalog.Entry, error) {
	if ref.Version == "" || ref.Version == "latest" {
		return e, nil
	}
	if len(e.Versions) == 0 {
		return catalog.Entry{}, catalog.NotFound("algorithm %s not found: %s has no versions; call it without one", ref.URI(), ref.WithVersion("").String())
	}
	v, err := catalog.Resolve(e.VersionNames(), ref.Version)
	if err != nil {
		return catalog.Entry{}, catalog.NotFound("algorithm %s not found: %v (published: %s)", ref.URI(), err, joinVersions(e.VersionNames()))
	}
	e.Ref.Version = v
	return e, nil
}

func joinVersions(vs []string) string {
	if len(vs) == 0 {
		return "none"
	}
	out := vs[0]
	for _, v := range vs[1:] {
		out += ", " + v
	}
	return out
}

// entryFor is the entry a call needs: the listing's when it has the model
// and the call names no version, else the server's own answer.
func (l *Live) entryFor(ctx context.Context, ref catalog.Ref) (catalog.Entry, error) {
	if ref.Version == "" || ref.Version == "latest" {
		l.mu.Lock()
		i, ok := l.byID[ref.ModelID()]
		var e catalog.Entry
		if ok {
			e = l.entries[i]
		}
		l.mu.Unlock()
		if ok {
			return e, nil
		}
	}
	return l.Get(ctx, ref)
}

// Run calls the model ref names and returns its whole answer.
func (l *Live) Run(ctx context.Context, ref catalog.Ref, in catalog.Value) (catalog.Output, error) {
	return l.Stream(ctx, ref, in, nil)
}

// Stream calls the model ref names, handing each piece of text to emit as
// it arrives (emit may be nil).
func (l *Live) Stream(ctx context.Context, ref catalog.Ref, in catalog.Value, emit func(catalog.Chunk) error) (catalog.Output, error) {
	e, err := l.entryFor(ctx, ref)
	if err != nil {
		return catalog.Output{}, err
	}
	if err := ctx.Err(); err != nil {
		return catalog.Output{}, err
	}
	out, err := l.b.Stream(ctx, e, in, emit)
	l.observe(err)
	if err != nil {
		return catalog.Output{}, err
	}
	out.Version = e.Ref.Version
	return out, nil
}

// sortedByRef is entries in reference order. Sorting a permutation and then
// copying each entry once costs far less than moving 320-byte entries
// around while sorting them.
func sortedByRef(entries []catalog.Entry) []catalog.Entry {
	if slices.IsSortedFunc(entries, byRef) {
		return entries
	}
	perm := make([]int32, len(entries))
	for i := range perm {
		perm[i] = int32(i)
	}
	slices.SortStableFunc(perm, func(a, b int32) int { return byRef(entries[a], entries[b]) })
	out := make([]catalog.Entry, len(entries))
	for i, j := range perm {
		out[i] = entries[j]
	}
	return out
}

// sameListing reports whether a new listing shows what the old one did, so
// that a source relisted every half minute does not make its catalog merge
// everything again when nothing changed.
func sameListing(old, cur []catalog.Entry) bool {
	if len(old) != len(cur) || old == nil {
		return false
	}
	for i := range old {
		a, b := &old[i], &cur[i]
		if a.Ref != b.Ref || a.Tagline != b.Tagline || a.Label != b.Label || a.Unavailable != b.Unavailable || !sameModel(a.Model, b.Model) {
			return false
		}
	}
	return true
}

// sameModel compares what a listing's model says that its tagline may not:
// in memory or not, which revision.
func sameModel(a, b *catalog.Model) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Loaded == b.Loaded && a.Revision == b.Revision && a.Modified.Equal(b.Modified)
}
