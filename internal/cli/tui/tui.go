// Package tui is `pipette` with no verb: the terminal workbench (package
// ui), on the catalog the Factory's client sees or the server the config
// file names, optionally opening a chain file in the chain builder.
package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"

	"pipette/client"
	"pipette/config"
	"pipette/internal/cli/command"
	"pipette/themes"
	"pipette/ui"
	"pipette/ui/components/graphics"
)

// Options are what the TUI was asked, flags and config file together.
type Options struct {
	Factory *command.Factory

	Theme     string // --theme, else the config's
	Plain     bool
	NoMouse   bool
	Images    string // --images, else the config's
	Debug     bool   // --debug: figures for pipette's developers (filter times)
	ChainFile string // the CHAIN.yaml argument

	Config    config.Config
	ConfigErr error // a mistake in the config file, shown on the status line
}

// NewCmd makes the command that opens the TUI; the root command is this one
// with the verbs added. runF, when not nil, runs instead of the TUI (tests of
// the flags).
func NewCmd(f *command.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Factory: f}
	cmd := &cobra.Command{
		Use:   "pipette [CHAIN.yaml]",
		Short: "A terminal workbench for a catalog of models",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.resolve(cmd, args); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Theme, "theme", "auto", "colour theme: "+strings.Join(themes.Names, ", ")+" (auto follows the terminal's background)")
	fl.BoolVar(&opts.Plain, "plain", false, "no colour, ASCII borders and a text spinner, for screen readers and dumb terminals")
	fl.StringVar(&opts.Images, "images", graphics.ImagesAuto, "image previews: "+strings.Join(graphics.ImageModes, ", ")+" (auto uses kitty graphics where the terminal surely draws them, else half blocks)")
	fl.BoolVar(&opts.NoMouse, "no-mouse", false, "leave the mouse to the terminal (text selection)")
	fl.BoolVar(&opts.Debug, "debug", false, "show figures for pipette's developers on the status line (how long the filter took)")
	return cmd
}

// resolve merges the flags with the config file (a flag given wins) and
// checks the chain file argument.
func (o *Options) resolve(cmd *cobra.Command, args []string) error {
	o.Config, o.ConfigErr = config.Load(config.Path(o.Factory.Getenv))
	fl := cmd.Flags()
	if !fl.Changed("theme") && o.Config.Theme != "" {
		o.Theme = o.Config.Theme
	}
	if _, err := themes.ByName(o.Theme, true); err != nil {
		return command.UsageErrorf("%v", err)
	}
	if fl.Changed("images") {
		images, err := graphics.ParseImageMode(o.Images)
		if err != nil {
			return command.UsageErrorf("%v", err)
		}
		o.Images = images
	} else if o.Config.Images != "" {
		// A bad value in the config is reported on the status line by the
		// UI, which then starts with half blocks, like any config mistake.
		o.Images = o.Config.Images
	}
	if o.Plain {
		o.Images = graphics.ImagesOff
	}
	if len(args) == 1 {
		o.ChainFile = args[0]
		// With subcommands, a mistyped command lands here: only a path that
		// exists or looks like a chain file is taken as one.
		if _, err := os.Stat(o.ChainFile); err != nil && !strings.HasSuffix(o.ChainFile, ".yaml") && !strings.HasSuffix(o.ChainFile, ".yml") {
			return command.UsageErrorf("unknown command or chain file %q", o.ChainFile)
		}
	}
	return nil
}

// startGCQuiet is how long after start the garbage collector waits: start-up
// allocates a few megabytes (the catalog, the model, the first frames) on
// the small heap package init leaves, which would start a collection — one
// of the machine's two cores for a few milliseconds — while the first frame
// is being made and drawn. startHeapCap collects anyway past that.
const (
	startGCQuiet = 300 * time.Millisecond
	startHeapCap = 256 << 20
)

// quietGC turns the garbage collector off for d (it still collects past
// heapCap) and returns what turns it back on sooner.
func quietGC(d time.Duration, heapCap int64) (restore func()) {
	percent := debug.SetGCPercent(-1)
	limit := debug.SetMemoryLimit(heapCap)
	var once sync.Once
	back := func() {
		once.Do(func() {
			debug.SetGCPercent(percent)
			debug.SetMemoryLimit(limit)
		})
	}
	t := time.AfterFunc(d, back)
	return func() {
		t.Stop()
		back()
	}
}

// Run opens the TUI and returns when it quits.
func Run(ctx context.Context, opts *Options) error {
	defer quietGC(startGCQuiet, startHeapCap)()
	f, cfg := opts.Factory, opts.Config
	serverURL, _ := f.ServerAddress() // as written: the TUI shows it
	keyEnv := command.EnvKey
	var (
		c   *client.Client
		err error
	)
	if serverURL == "" && cfg.Server != "" {
		serverURL = cfg.Server
		if cfg.APIKeyEnv != "" {
			keyEnv = cfg.APIKeyEnv
		}
		c = client.New(serverURL, f.Getenv(keyEnv))
	} else if c, err = f.Client(); err != nil {
		return err
	}

	// 120 frames a second: a key's answer waits for the next frame, up to
	// 8 ms instead of 17 at the default 60 (nothing is drawn when nothing
	// changed, so an idle screen costs no more).
	progOpts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithFPS(120)}
	if opts.Plain {
		progOpts = append(progOpts, tea.WithColorProfile(colorprofile.Ascii))
	}
	m := ui.New(ui.Options{
		Client:      c,
		Theme:       opts.Theme,
		Plain:       opts.Plain,
		Mouse:       cfg.MouseEnabled() && !opts.NoMouse,
		Keys:        cfg.KeyOverrides(),
		Notice:      opts.ConfigErr,
		HistoryPath: config.StatePath(f.Getenv, "history.jsonl"),
		ChainFile:   opts.ChainFile,
		DraftPath:   config.StatePath(f.Getenv, "draft.yaml"),
		ServerURL:   strings.TrimSpace(serverURL),
		APIKey:      f.Getenv(keyEnv) != "",
		Dark:        true,
		Images:      opts.Images,
		Debug:       opts.Debug,
	})
	if _, err := tea.NewProgram(m, progOpts...).Run(); err != nil && !errors.Is(err, tea.ErrInterrupted) {
		if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("tui: %w", err)
	}
	return nil
}
