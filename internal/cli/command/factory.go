// Package command is what every verb of the command line is built from: the
// Factory that hands a verb its streams, its client and the built-in catalog;
// the flags every verb takes; usage errors (exit code 2) and the sentence a
// user reads for any error. See docs/DESIGN.md, "The command line".
package command

import (
	"net/url"
	"strings"

	"github.com/spf13/pflag"

	"pipette/algorithms"
	"pipette/client"
	"pipette/internal/cli/iostreams"
)

// Environment variables read by every verb.
const (
	EnvServer = "PIPETTE_API"     // address of a pipette server to use instead of the built-ins
	EnvKey    = "PIPETTE_API_KEY" // API key sent to that server
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
}

// Global is the flags every verb takes. The root command binds them as
// persistent flags; a new one is a field here, a line in Bind, and its use
// in the Factory.
type Global struct {
	Server string // --server URL: a pipette server instead of the built-ins

	flags *pflag.FlagSet
}

// Bind adds the global flags to fs (the root's persistent flags).
func (g *Global) Bind(fs *pflag.FlagSet) {
	fs.StringVar(&g.Server, "server", "", "use the pipette server at URL instead of the built-in catalog (env "+EnvServer+")")
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
// $PIPETTE_API names, authenticated with $PIPETTE_API_KEY.
func (f *Factory) Client() (*client.Client, error) {
	addr, full := f.ServerAddress()
	if addr == "" {
		reg := f.Catalog()
		return client.NewLocal(reg, reg), nil
	}
	u, err := url.Parse(full)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(addr, " \t") {
		return nil, UsageErrorf("server address %q is not a URL: write it like http://127.0.0.1:8080", addr)
	}
	return client.New(full, f.Getenv(EnvKey)), nil
}
