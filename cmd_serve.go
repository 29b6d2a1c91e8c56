package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"pipette/algorithms/imagein"
	"pipette/catalog"
	"pipette/server"
)

const envKeys = "PIPETTE_API_KEYS" // comma-separated keys `pipette serve` accepts

func newServeCmd() *cobra.Command {
	var (
		addr           string
		keys           []string
		allowAnonymous bool
		maxBody        int64
		allowURLs      bool
		allowPrivate   bool
		maxPixels      int
		chainsDir      string
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the built-in catalog over the HTTP API",
		Long: `Serve the built-in catalog over the Algorithmia-compatible HTTP API:
POST /v1/algo/{owner}/{name}[/{version}] calls an algorithm, GET /v1/algorithms
lists the catalog, /metrics, /healthz and /readyz watch the server.

API keys come from --api-key (repeatable) and $` + envKeys + ` (comma-separated).
Clients send one as "Authorization: Simple KEY".

--chains DIR publishes every chain file (*.yaml, *.yml) of DIR as an algorithm
at its name and version, listed with the built-ins and called the same way;
chains may call each other. A file that does not load is reported on stderr
and left out; the rest are served.`,
		Example: `  pipette serve
  curl -H 'Content-Type: text/plain' -d 'what a great day' 127.0.0.1:8080/v1/algo/nlp/SentimentAnalysis

  PIPETTE_API_KEYS=k1,k2 pipette serve --addr 0.0.0.0:8080

  pipette serve --chains examples
  curl -H 'Content-Type: application/octet-stream' --data-binary @photo.jpg \
    '127.0.0.1:8080/v1/algo/demo/MemeGenerator?output=raw' > meme.png`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, _, err := net.SplitHostPort(addr); err != nil {
				return usageErrorf(cmd, "--addr %q is not host:port: write it like 127.0.0.1:8080", addr)
			}
			if maxBody < 0 {
				return usageErrorf(cmd, "--max-body %d is negative: give a size in bytes", maxBody)
			}
			if maxPixels < 0 {
				return usageErrorf(cmd, "--max-pixels %d is negative: give a pixel count", maxPixels)
			}
			imagein.SetPolicy(imagein.Policy{AllowURLs: allowURLs, AllowPrivate: allowPrivate, MaxPixels: maxPixels})

			reg := builtinCatalog()
			var (
				src    catalog.Source = reg
				runner catalog.Runner = reg
				served string
			)
			if chainsDir != "" {
				lib, err := loadChainLibrary(cmd, chainsDir, reg)
				if err != nil {
					return err
				}
				comb := lib.Combined()
				src, runner = comb, comb
				served = fmt.Sprintf(" (%s from %s)", plural(len(lib.Chains()), "chain"), chainsDir)
			}
			entries, err := src.List(cmd.Context())
			if err != nil {
				return fmt.Errorf("list the built-in catalog: %w", err)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			out := cmd.OutOrStdout()
			cfg := server.Config{
				Source: src,
				Runner: runner,
				// server.New trims the keys and drops blank ones (an unset
				// or trailing-comma $PIPETTE_API_KEYS).
				Keys:    append(slices.Clone(keys), strings.Split(os.Getenv(envKeys), ",")...),
				MaxBody: maxBody,
				Logger:  slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil)),
			}
			err = server.ListenAndServe(ctx, cfg, server.ListenOptions{
				Addr:           addr,
				AllowAnonymous: allowAnonymous,
				Ready: func(a net.Addr) {
					fmt.Fprintf(out, "pipette serving %s%s on http://%s\n", plural(len(entries), "algorithm"), served, a)
				},
			})
			return serveError(addr, err)
		},
	}
	fl := cmd.Flags()
	fl.SortFlags = false
	fl.StringVar(&addr, "addr", "127.0.0.1:8080", "listen on HOST:PORT (port 0 picks a free one)")
	fl.StringArrayVar(&keys, "api-key", nil, "accept this API KEY (repeatable; also $"+envKeys+")")
	fl.BoolVar(&allowAnonymous, "allow-anonymous", false, "serve without API keys on a non-loopback address")
	fl.Int64Var(&maxBody, "max-body", 10<<20, "largest request body in BYTES")
	fl.BoolVar(&allowURLs, "allow-url-fetch", false, "let image algorithms fetch http(s) URLs given as input")
	fl.BoolVar(&allowPrivate, "allow-private-urls", false, "let those URLs reach loopback and private addresses")
	fl.IntVar(&maxPixels, "max-pixels", imagein.DefaultMaxPixels, "refuse images larger than N pixels before decoding")
	fl.StringVar(&chainsDir, "chains", "", "also serve every chain file of DIR as an algorithm")
	return cmd
}

// serveError explains why the server stopped, when it was not asked to.
func serveError(addr string, err error) error {
	switch {
	case err == nil, errors.Is(err, context.Canceled):
		return nil
	case errors.Is(err, server.ErrAnonymousPublic):
		return fmt.Errorf("refusing to serve %s without an API key, since anyone who can reach it could run every algorithm: add --api-key KEY (or $%s), listen on 127.0.0.1, or pass --allow-anonymous", addr, envKeys)
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("cannot listen on %s: the address is already in use; stop the other server or pick another with --addr", addr)
	case errors.Is(err, syscall.EACCES):
		return fmt.Errorf("cannot listen on %s: permission denied; use a port above 1023", addr)
	}
	return err
}

// noArgs rejects stray arguments with a sentence that names them.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf(cmd, "%s takes no arguments, got %q", cmd.CommandPath(), strings.Join(args, " "))
	}
	return nil
}
