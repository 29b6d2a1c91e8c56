// Package serve is `pipette serve`: the built-in catalog, and the chains of
// a folder, over the Algorithmia-compatible HTTP API.
package serve

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"pipette/algorithms"
	"pipette/algorithms/imagein"
	"pipette/algorithms/workers"
	"pipette/catalog"
	"pipette/data"
	"pipette/internal/cli/command"
	"pipette/internal/cli/iostreams"
	"pipette/internal/human"
	"pipette/server"
	"pipette/sources"
)

// flagChainsLinksOut lets --chains publish links that leave the folder.
const flagChainsLinksOut = "chains-follow-links"

// EnvKeys holds the comma-separated keys `pipette serve` accepts.
const EnvKeys = "PIPETTE_API_KEYS"

// Options are what `serve` was asked. A new setting is a field here, its
// flag in addFlags, its check in check and its use in Run.
type Options struct {
	IO      *iostreams.IOStreams
	Catalog func(context.Context) (catalog.Source, catalog.Runner, []*sources.Live, error)
	Getenv  func(string) string
	// Builtin is the built-in registry Catalog serves, whose heavy image
	// algorithms Isolate sends to worker processes.
	Builtin     func() *algorithms.Registry
	Isolate     bool // --isolate
	IsolateNice int  // --isolate-nice

	Addr           string
	Keys           []string // --api-key, then $PIPETTE_API_KEYS
	AllowAnonymous bool
	MaxBody        int64
	AllowURLs      bool
	AllowPrivate   bool
	MaxPixels      int
	ChainsDir      string
	ChainsLinksOut bool   // --chains-follow-links: publish links out of ChainsDir too
	Tuning         Tuning // admission, memory and client limits

	// The Data API: its store (a folder or a URL; "" = DataLocation), the
	// largest file it keeps, and the address links to its files use.
	Data         string
	DataLocation func() string
	MaxFile      int64
	PublicURL    string
}

// NewCmd makes `serve`; runF, when not nil, runs instead of serving (tests
// of the flags).
func NewCmd(f *command.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IO, Catalog: f.ServeCatalog, Builtin: f.Catalog, Getenv: f.Getenv, DataLocation: f.DataLocation}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the built-in catalog over the HTTP API",
		Long: `Serve the built-in catalog over the Algorithmia-compatible HTTP API:
POST /v1/algo/{owner}/{name}[/{version}] calls an algorithm, GET /v1/algorithms
lists the catalog, /metrics, /healthz and /readyz watch the server.

API keys come from --api-key (repeatable) and $` + EnvKeys + ` (comma-separated).
Clients send one as "Authorization: Simple KEY".

--chains DIR publishes every chain file (*.yaml, *.yml) of DIR as an algorithm
at its name and version, listed with the built-ins and called the same way;
chains may call each other. A file that does not load is reported on stderr
and left out; the rest are served. Only regular files of at most 4 MiB are
read; a link to a file outside DIR is left out unless --chains-follow-links.

CPU-heavy calls (image/Transform, OverlayText, DrawBoxes, DominantColors,
ocr/ExtractText, nlp/Summarize) run in worker processes, re-executions of
pipette at the lowest scheduling priority (nice 19) with a hard memory limit:
the server's other calls get the cores first, and a call that runs out of
memory ends its worker, not the server. --isolate-nice sets their priority;
--isolate=false runs them inside the server.`,
		Example: `  pipette serve
  curl -H 'Content-Type: text/plain' -d 'what a great day' 127.0.0.1:8080/v1/algo/nlp/SentimentAnalysis

  PIPETTE_API_KEYS=k1,k2 pipette serve --addr 0.0.0.0:8080

  pipette serve --chains examples
  curl -H 'Content-Type: application/octet-stream' --data-binary @photo.jpg \
    '127.0.0.1:8080/v1/algo/demo/FaceMemeGenerator?output=raw' > meme.png`,
		Args: command.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			// server.New trims the keys and drops blank ones (an unset or
			// trailing-comma $PIPETTE_API_KEYS).
			opts.Keys = append(slices.Clone(opts.Keys), strings.Split(opts.Getenv(EnvKeys), ",")...)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	opts.addFlags(cmd.Flags())
	return cmd
}

func (o *Options) addFlags(fl *pflag.FlagSet) {
	fl.SortFlags = false
	fl.StringVar(&o.Addr, "addr", "127.0.0.1:8080", "listen on HOST:PORT (port 0 picks a free one)")
	fl.StringArrayVar(&o.Keys, "api-key", nil, "accept this API KEY (repeatable; also $"+EnvKeys+")")
	fl.BoolVar(&o.AllowAnonymous, "allow-anonymous", false, "serve without API keys on a non-loopback address")
	fl.Int64Var(&o.MaxBody, "max-body", 10<<20, "largest request body in BYTES")
	fl.BoolVar(&o.AllowURLs, "allow-url-fetch", false, "let image algorithms fetch http(s) URLs given as input")
	fl.BoolVar(&o.AllowPrivate, "allow-private-urls", false, "let those URLs reach loopback and private addresses")
	fl.IntVar(&o.MaxPixels, "max-pixels", imagein.DefaultMaxPixels, "refuse images larger than N pixels before decoding")
	fl.StringVar(&o.ChainsDir, "chains", "", "also serve every chain file of DIR as an algorithm")
	fl.BoolVar(&o.ChainsLinksOut, flagChainsLinksOut, false, "with --chains, also publish links in DIR to chain files outside it")
	fl.StringVar(&o.Data, "data", "", "keep the Data API's files in DIR or at an s3://, gs:// or azblob:// URL (default $"+command.EnvData+" or ~/.local/share/pipette/data)")
	fl.Int64Var(&o.MaxFile, "max-file", data.DefaultMaxFileSize, "largest file the Data API keeps, in BYTES")
	fl.BoolVar(&o.Isolate, "isolate", true, "run CPU-heavy calls (image work, OCR, summaries) in low-priority worker processes with a hard memory limit (false: inside the server)")
	fl.IntVar(&o.IsolateNice, "isolate-nice", workers.Nice, "the scheduling priority of those workers, 0 (the server's own) to 19 (the lowest)")
	fl.StringVar(&o.PublicURL, "public-url", "", "this server's address as callers reach it, for links to stored files (default: the address each request used)")
	o.Tuning.addFlags(fl)
}

// check refuses settings that cannot work, before anything starts.
func (o *Options) check() error {
	if _, _, err := net.SplitHostPort(o.Addr); err != nil {
		return command.UsageErrorf("--addr %q is not host:port: write it like 127.0.0.1:8080", o.Addr)
	}
	if o.MaxBody < 0 {
		return command.UsageErrorf("--max-body %d is negative: give a size in bytes", o.MaxBody)
	}
	if o.MaxPixels < 0 {
		return command.UsageErrorf("--max-pixels %d is negative: give a pixel count", o.MaxPixels)
	}
	if o.IsolateNice < 0 || o.IsolateNice > 19 {
		return command.UsageErrorf("--isolate-nice %d is not a priority from 0 (the server's own) to 19 (the lowest)", o.IsolateNice)
	}
	if o.MaxFile < 1 || o.MaxFile > 1<<50 {
		return command.UsageErrorf("--max-file %d is not a size from 1 byte to 1 PiB", o.MaxFile)
	}
	if o.PublicURL != "" {
		u, err := url.Parse(o.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
			return command.UsageErrorf("--public-url %q is not an http(s) address: write it like https://pipette.example.org", o.PublicURL)
		}
	}
	return o.Tuning.check()
}

// Run serves until ctx ends or SIGINT/SIGTERM arrives.
func Run(ctx context.Context, opts *Options) error {
	imagein.SetPolicy(imagein.Policy{AllowURLs: opts.AllowURLs, AllowPrivate: opts.AllowPrivate, MaxPixels: opts.MaxPixels})

	src, runner, remotes, err := opts.Catalog(ctx)
	if err != nil {
		return err
	}
	var served string
	if opts.ChainsDir != "" {
		lib, err := LoadChains(ctx, opts.IO, opts.ChainsDir, opts.ChainsLinksOut, src, runner)
		if err != nil {
			return err
		}
		comb := lib.Combined()
		src, runner = comb, comb
		served = fmt.Sprintf(" (%s from %s)", human.Plural(len(lib.Chains()), "chain"), opts.ChainsDir)
	}
	entries, err := src.List(ctx)
	if err != nil {
		return fmt.Errorf("list the built-in catalog: %w", err)
	}
	served += sourcesServed(remotes)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger, flushLog := server.NewLogger(opts.IO.ErrOut)
	defer flushLog()
	cfg := server.Config{
		Source:      src,
		Runner:      runner,
		Sources:     statuses(remotes),
		Keys:        opts.Keys,
		MaxBody:     opts.MaxBody,
		Logger:      logger,
		MemoryLimit: server.SetMemoryLimit(logger).Bytes,
	}
	opts.Tuning.apply(&cfg)
	if opts.Isolate && opts.Builtin != nil {
		stop := isolate(opts.Builtin(), workers.Options{Memory: max(cfg.CallMemory, catalog.DefaultMemoryBudget), Nice: opts.IsolateNice})
		defer stop()
		served += fmt.Sprintf(", heavy calls in worker processes at nice %d,", opts.IsolateNice)
	}
	where := opts.Data
	if where == "" && opts.DataLocation != nil {
		where = opts.DataLocation()
	}
	store, err := data.Open(ctx, where, data.Options{MaxFileSize: opts.MaxFile})
	if err != nil {
		return fmt.Errorf("%w: give another with --data", err)
	}
	defer store.Close()
	cfg.Data, cfg.PublicURL = store, opts.PublicURL
	err = server.ListenAndServe(ctx, cfg, server.ListenOptions{
		Addr:           opts.Addr,
		AllowAnonymous: opts.AllowAnonymous,
		Ready: func(a net.Addr) {
			fmt.Fprintf(opts.IO.Out, "pipette serving %s%s on http://%s\n", human.Plural(len(entries), "algorithm"), served, a)
		},
	})
	return serveError(opts.Addr, err)
}

// isolate makes reg run its heavy image algorithms in worker processes (that
// may use what a call may: the --call-memory, else the default budget), and
// starts one so that the first call does not wait for it. stop undoes it.
func isolate(reg *algorithms.Registry, o workers.Options) (stop func()) {
	w := workers.New(o)
	reg.SetIsolator(w)
	w.Warm(1)
	return func() {
		reg.SetIsolator(nil)
		w.Close()
	}
}

// serveError explains why the server stopped, when it was not asked to.
func serveError(addr string, err error) error {
	switch {
	case err == nil, errors.Is(err, context.Canceled):
		return nil
	case errors.Is(err, server.ErrAnonymousPublic):
		return fmt.Errorf("refusing to serve %s without an API key, since anyone who can reach it could run every algorithm: add --api-key KEY (or $%s), listen on 127.0.0.1, or pass --allow-anonymous", addr, EnvKeys)
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("cannot listen on %s: the address is already in use; stop the other server or pick another with --addr", addr)
	case errors.Is(err, syscall.EACCES):
		return fmt.Errorf("cannot listen on %s: permission denied; use a port above 1023", addr)
	}
	return err
}

// sourcesServed is what the "serving" line says of the sources: each one's
// name and state, with why when it is down.
func sourcesServed(remotes []*sources.Live) string {
	if len(remotes) == 0 {
		return ""
	}
	var parts []string
	for _, l := range remotes {
		st := l.Status()
		part := fmt.Sprintf("%s %s", st.Name, st.State)
		switch st.State {
		case catalog.SourceUp:
			part += fmt.Sprintf(", %s", human.Plural(st.Models, "model"))
		case catalog.SourceDown:
			part += ": " + st.Reason
		}
		parts = append(parts, part)
	}
	return fmt.Sprintf(" with %s (%s)", human.Plural(len(remotes), "source"), strings.Join(parts, "; "))
}

// statuses reports the sources' status to the server's /v1/sources.
func statuses(remotes []*sources.Live) catalog.StatusReporter {
	if len(remotes) == 0 {
		return nil
	}
	return liveStatuses(remotes)
}

type liveStatuses []*sources.Live

func (ls liveStatuses) Statuses() []catalog.SourceStatus {
	out := make([]catalog.SourceStatus, len(ls))
	for i, l := range ls {
		out[i] = l.Status()
	}
	return out
}
