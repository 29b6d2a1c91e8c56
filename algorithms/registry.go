// Package algorithms holds pipette's built-in algorithms, grouped by owner in
// sub-packages (nlp, cv, image, text, util, …), and the Registry that turns
// them into a catalog.Source and a catalog.Runner.
package algorithms

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"pipette/catalog"
)

// Func runs an algorithm on one input. It writes anything it wants to log to
// stdout (returned to callers who ask for it) and returns its result, or a
// *catalog.Error: InputError for input it cannot use, saying what it expected.
type Func func(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error)

// Algorithm is one version of one built-in algorithm: its catalog entry (Ref
// with an exact Version, docs, samples…) and the code that runs it.
type Algorithm struct {
	Entry catalog.Entry
	Run   Func
	// Isolate marks CPU-heavy work (image operations, TextRank over a long
	// text) that a host may run in a worker process at a low priority (see
	// Registry.SetIsolator), so that it leaves the cores to the host's
	// light calls and a call that exhausts memory kills only its worker.
	// Its Run must use nothing of its context but the deadline, the memory
	// budget, the log wanted flag and a data store it is not given in
	// worker processes (data:// inputs run in-process). A JSON result comes
	// back decoded (maps, not the algorithm's types), its wire text as the
	// algorithm's types wrote it. Not for algorithms that load large
	// models, which every worker would load again.
	Isolate bool
}

// Isolator runs the algorithms marked Isolate somewhere other than the
// calling goroutine: worker processes (package algorithms/workers).
type Isolator interface {
	// Run runs a on in. ran is false when it could not be run there (no
	// worker can start, an input it cannot carry): the registry then runs
	// it in-process.
	Run(ctx context.Context, a Algorithm, in catalog.Value) (out catalog.Output, ran bool, err error)
}

// Registry is a set of algorithms, safe for concurrent use once built.
type Registry struct {
	name     string
	mu       sync.RWMutex
	algs     map[string][]Algorithm // by owner/name, newest version first
	isolator atomic.Pointer[Isolator]
}

// NewRegistry returns an empty registry named name ("builtin").
func NewRegistry(name string) *Registry {
	return &Registry{name: name, algs: map[string][]Algorithm{}}
}

// Register adds algorithms. It panics on a malformed entry or a duplicate
// version: both are programming errors caught by the first test run.
func (r *Registry) Register(algs ...Algorithm) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, a := range algs {
		ref := a.Entry.Ref
		if ref.Owner == "" || ref.Name == "" || a.Run == nil {
			panic(fmt.Sprintf("algorithms: incomplete algorithm %q", ref))
		}
		if _, err := catalog.ParseVersion(ref.Version); err != nil {
			panic(fmt.Sprintf("algorithms: %s: %v", ref.Path(), err))
		}
		key := ref.Path()
		for _, old := range r.algs[key] {
			if old.Entry.Ref.Version == ref.Version {
				panic(fmt.Sprintf("algorithms: %s registered twice", ref))
			}
		}
		a.Entry.Source = r.name
		list := append(r.algs[key], a)
		slices.SortFunc(list, func(x, y Algorithm) int {
			vx, _ := catalog.ParseVersion(x.Entry.Ref.Version)
			vy, _ := catalog.ParseVersion(y.Entry.Ref.Version)
			return vy.Compare(vx)
		})
		r.algs[key] = list
	}
}

// SetIsolator makes the registry run the algorithms marked Isolate through
// iso (nil: in-process, the default). pipette serve sets it; pipette call,
// the TUI and tests run everything in-process unless they ask.
func (r *Registry) SetIsolator(iso Isolator) {
	if iso == nil {
		r.isolator.Store(nil)
		return
	}
	r.isolator.Store(&iso)
}

// Name is the source name shown in the UI ("builtin").
func (r *Registry) Name() string { return r.name }

// List returns the newest version of every algorithm, sorted by reference,
// each with the list of all its versions.
func (r *Registry) List(ctx context.Context) ([]catalog.Entry, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]catalog.Entry, 0, len(r.algs))
	for _, list := range r.algs {
		out = append(out, r.entry(list, list[0]))
	}
	slices.SortFunc(out, func(a, b catalog.Entry) int { return strings.Compare(a.Ref.Path(), b.Ref.Path()) })
	return out, nil
}

// Get resolves ref's version and returns that version's entry.
func (r *Registry) Get(ctx context.Context, ref catalog.Ref) (catalog.Entry, error) {
	a, err := r.Lookup(ref)
	if err != nil {
		return catalog.Entry{}, err
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.entry(r.algs[ref.Path()], a), nil
}

func (r *Registry) entry(list []Algorithm, a Algorithm) catalog.Entry {
	e := a.Entry
	e.Versions = make([]catalog.VersionInfo, len(list))
	for i, v := range list {
		e.Versions[i] = catalog.VersionInfo{Version: v.Entry.Ref.Version, ReleaseNotes: releaseNotes(v.Entry)}
	}
	return e
}

func releaseNotes(e catalog.Entry) string {
	for _, v := range e.Versions {
		if v.Version == e.Ref.Version {
			return v.ReleaseNotes
		}
	}
	return ""
}

// Lookup finds the algorithm version that ref asks for.
func (r *Registry) Lookup(ref catalog.Ref) (Algorithm, error) {
	r.mu.RLock()
	list := r.algs[ref.Path()]
	r.mu.RUnlock()
	if len(list) == 0 {
		return Algorithm{}, catalog.NotFound("algorithm %s not found", catalog.Ref{Owner: ref.Owner, Name: ref.Name}.URI())
	}
	if ref.Version == "" || ref.Version == "latest" {
		return list[0], nil // Register keeps the list newest first
	}
	versions := make([]string, len(list))
	for i, a := range list {
		versions[i] = a.Entry.Ref.Version
	}
	v, err := catalog.Resolve(versions, ref.Version)
	if err != nil {
		return Algorithm{}, catalog.NotFound("algorithm %s not found: %v (published: %s)", ref.URI(), err, strings.Join(versions, ", "))
	}
	for _, a := range list {
		if a.Entry.Ref.Version == v {
			return a, nil
		}
	}
	panic("unreachable")
}

// Run runs the algorithm ref names. A panic inside the algorithm becomes an
// AlgorithmError naming the algorithm and where it failed; it never escapes.
func (r *Registry) Run(ctx context.Context, ref catalog.Ref, in catalog.Value) (out catalog.Output, err error) {
	a, err := r.Lookup(ref)
	if err != nil {
		return catalog.Output{}, err
	}
	if a.Entry.Unavailable != "" {
		return catalog.Output{}, catalog.Errorf(catalog.UnsupportedError, "%s cannot run here: %s", a.Entry.Ref.Path(), a.Entry.Unavailable)
	}
	if err := ctx.Err(); err != nil {
		return catalog.Output{}, err
	}
	if iso := r.isolator.Load(); iso != nil && a.Isolate {
		if out, ran, err := (*iso).Run(ctx, a, in); ran {
			return out, err
		}
	}
	var stdout bytes.Buffer
	defer func() {
		if p := recover(); p != nil {
			out, err = catalog.Output{}, CrashError(a.Entry.Ref, p, debug.Stack())
		}
	}()
	v, err := a.Run(ctx, in, &stdout)
	if err != nil {
		return catalog.Output{Stdout: stdout.String(), Version: a.Entry.Ref.Version}, err
	}
	return catalog.Output{Value: v, Stdout: stdout.String(), Version: a.Entry.Ref.Version}, nil
}

// CrashError is the error of algorithm ref that panicked with p: the
// sentence a caller reads, the frame where it failed, and the panic itself
// for the host's log.
func CrashError(ref catalog.Ref, p any, stack []byte) *catalog.Error {
	return &catalog.Error{
		Type:    catalog.AlgorithmError,
		Message: fmt.Sprintf("%s crashed: %v", ref, p),
		Stack:   panicFrame(stack),
		Panic:   &catalog.Panic{Value: p, Stack: stack},
	}
}

// panicFrame keeps the one frame of a panic's stack that says where the
// algorithm failed (the first frame outside the runtime), as "func (file:line)".
// Callers never see a dump of pipette's internals.
func panicFrame(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	for i := 0; i+1 < len(lines); i++ {
		fn := strings.TrimSpace(lines[i])
		if strings.HasPrefix(fn, "panic(") {
			if i+3 < len(lines) {
				fn = strings.TrimSpace(lines[i+2])
				loc := strings.TrimSpace(lines[i+3])
				if j := strings.LastIndex(loc, " +0x"); j > 0 {
					loc = loc[:j]
				}
				if j := strings.LastIndex(loc, "/"); j > 0 {
					loc = loc[j+1:]
				}
				if j := strings.LastIndex(fn, "("); j > 0 {
					fn = fn[:j]
				}
				return "at " + fn + " (" + loc + ")"
			}
		}
	}
	return ""
}
