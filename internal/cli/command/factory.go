// Package command is what every verb of the command line is built from: the
// Factory that hands a verb its streams, its client and the built-in catalog;
// the flags every verb takes; usage errors (exit code 2) and the sentence a
// user reads for any error. See docs/DESIGN.md, "The command line".
package command

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/spf13/pflag"

	"pipette/algorithms"
	"pipette/catalog"
	"pipette/client"
	"pipette/config"
	"pipette/data"
	"pipette/internal/cli/iostreams"
	"pipette/sources"
)

// Environment variables read by every verb.
const (
	EnvServer = "PIPETTE_API"     // address of a pipette server to use instead of the built-ins
	EnvKey    = "PIPETTE_API_KEY" // API key sent to that server
	EnvData   = "PIPETTE_DATA"    // the Data API's store: a folder, or s3://, gs://, azblob:// …
	// EnvDiscover set to 0 turns off the discovery of local model servers.
	EnvDiscover = "PIPETTE_DISCOVER"
)

// Factory gives a verb what it works with. One Factory serves one command
// line; tests make their own, with buffers for streams, an environment of
// their own and a catalog of fixtures, so they run in parallel.
type Factory struct {
	IO *iostreams.IOStreams
	// Getenv reads the environment (os.Getenv, or a test's map).
	Getenv func(string) string
	// Catalog is the built-in registry: what verbs use in-process and
	// `serve` hosts.
	Catalog func() *algorithms.Registry
	// Global holds the flags every verb takes, once the root has parsed them.
	Global Global

	configOnce sync.Once
	config     config.Config
	configErr  error
}

// Global is the flags every verb takes. The root command binds them as
// persistent flags; a new one is a field here, a line in Bind, and its use
// in the Factory.
type Global struct {
	Server  string   // --server URL: a pipette server instead of the built-ins
	Sources []string // --source [NAME=]KIND=URL: model servers added to the catalog

	flags *pflag.FlagSet
}

// Bind adds the global flags to fs (the root's persistent flags).
func (g *Global) Bind(fs *pflag.FlagSet) {
	fs.StringVar(&g.Server, "server", "", "use the pipette server at URL instead of the built-in catalog (env "+EnvServer+")")
	fs.StringArrayVar(&g.Sources, "source", nil, "add a model server's models to the catalog: KIND=URL or NAME=KIND=URL, KIND one of "+
		strings.Join(sources.Kinds, ", ")+" (repeatable; docs/SOURCES.md)")
	g.flags = fs
}

func (g *Global) changed(name string) bool {
	return g.flags != nil && g.flags.Changed(name)
}

// ServerAddress is the server the command was pointed at, by --server or
// $PIPETTE_API: as written (trimmed), for messages, and as a URL (http://
// when no scheme is given). Both are "" for the built-in catalog.
func (f *Factory) ServerAddress() (written, full string) {
	written = f.Getenv(EnvServer)
	if f.Global.changed("server") {
		written = f.Global.Server
	}
	written = strings.TrimSpace(written)
	full = written
	if full != "" && !strings.Contains(full, "://") {
		full = "http://" + full
	}
	return written, full
}

// Client returns the client every verb (and the TUI) calls through: the
// built-in registry in this process, or the server that --server or
// $PIPETTE_API names, authenticated with $PIPETTE_API_KEY; with the
// sources of config.yaml and --source merged in, and, on the built-ins,
// the local model servers discovery finds (unless discover: false or
// $PIPETTE_DISCOVER=0).
func (f *Factory) Client() (*client.Client, error) {
	base, err := f.baseClient()
	if err != nil {
		return nil, err
	}
	specs, err := f.SourceSpecs()
	if err != nil {
		return nil, err
	}
	addr, _ := f.ServerAddress()
	discover := addr == "" && f.discoverEnabled()
	if len(specs) == 0 && !discover {
		return base, nil
	}
	merged, err := sources.Merge(context.Background(), base.Source(), base.Runner(), specs, nil)
	if err != nil {
		return nil, UsageErrorf("%v", err)
	}
	if discover {
		merged.DiscoverLater(specs, nil)
	}
	if addr != "" {
		return client.NewLocal(merged, merged), nil
	}
	return client.NewLocal(merged, merged, client.WithStore(f.OpenStore)), nil
}

// DataClient is the client of the Data API verbs: the server's store as
// the owner of $PIPETTE_API_KEY, or this machine's as its anonymous owner.
func (f *Factory) DataClient() (*client.Client, error) { return f.baseClient() }

func (f *Factory) baseClient() (*client.Client, error) {
	addr, full := f.ServerAddress()
	if addr == "" {
		reg := f.Catalog()
		return client.NewLocal(reg, reg, client.WithStore(f.OpenStore)), nil
	}
	u, err := url.Parse(full)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(addr, " \t") {
		return nil, UsageErrorf("server address %q is not a URL: write it like http://127.0.0.1:8080", addr)
	}
	return client.New(full, f.Getenv(EnvKey)), nil
}

// Config is config.yaml, read once; its error says which line is wrong and
// that the rest still applies.
func (f *Factory) Config() (config.Config, error) {
	f.configOnce.Do(func() {
		f.config, f.configErr = config.Load(config.Path(f.Getenv))
	})
	return f.config, f.configErr
}

// SourceSpecs are the sources to merge: config.yaml's, then --source's,
// each with a name of its own. A config mistake leaves that source out
// (the TUI shows why; verbs go on); a --source mistake is a usage error.
func (f *Factory) SourceSpecs() ([]sources.Spec, error) {
	cfg, _ := f.Config()
	specs := append([]sources.Spec(nil), cfg.Sources...)
	for _, s := range f.Global.Sources {
		sp, err := sources.ParseFlag(s)
		if err != nil {
			return nil, UsageErrorf("%v", err)
		}
		specs = append(specs, sp)
	}
	specs, err := sources.Dedupe(specs)
	if err != nil {
		return nil, UsageErrorf("%v", err)
	}
	return specs, nil
}

// ServeCatalog is what `serve` hosts: the built-ins with the sources of
// config.yaml and --source merged in (never discovered ones: a server puts
// only what it is told behind its API), or the built-ins alone.
func (f *Factory) ServeCatalog(ctx context.Context) (catalog.Source, catalog.Runner, []*sources.Live, error) {
	reg := f.Catalog()
	specs, err := f.SourceSpecs()
	if err != nil || len(specs) == 0 {
		return reg, reg, nil, err
	}
	merged, err := sources.Merge(ctx, reg, reg, specs, nil)
	if err != nil {
		return nil, nil, nil, UsageErrorf("%v", err)
	}
	return merged, merged, merged.Remotes(), nil
}

func (f *Factory) discoverEnabled() bool {
	if v := strings.TrimSpace(f.Getenv(EnvDiscover)); v == "0" || strings.EqualFold(v, "false") {
		return false
	}
	cfg, _ := f.Config()
	return cfg.DiscoverEnabled()
}

// DataLocation is the Data API's store of this machine: $PIPETTE_DATA, else
// $XDG_DATA_HOME/pipette/data (~/.local/share/pipette/data). The in-process
// verbs use it as its anonymous owner, and `pipette serve` serves it unless
// told otherwise, so what one stores the other sees.
func (f *Factory) DataLocation() string {
	if where := strings.TrimSpace(f.Getenv(EnvData)); where != "" {
		return where
	}
	dir := f.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			home = "."
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "pipette", "data")
}

// OpenStore opens the store at DataLocation.
func (f *Factory) OpenStore() (*data.Store, error) {
	st, err := data.Open(context.Background(), f.DataLocation(), data.Options{})
	if err != nil {
		return nil, fmt.Errorf("%w (set $%s to another folder or URL)", err, EnvData)
	}
	return st, nil
}
