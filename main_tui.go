package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"

	"pipette/client"
	"pipette/themes"
	"pipette/ui"
)

// runTUI opens the terminal workbench on the catalog newClient picks (or the
// server the config file names when neither --server nor $PIPETTE_API is set).
func runTUI(cmd *cobra.Command, args []string) error {
	cfg, cfgErr := ui.LoadConfig(ui.ConfigPath())
	var err error

	theme, _ := cmd.Flags().GetString("theme")
	if !cmd.Flags().Changed("theme") && cfg.Theme != "" {
		theme = cfg.Theme
	}
	if _, err := themes.ByName(theme, true); err != nil {
		return usageErrorf(cmd, "%v", err)
	}
	plain, _ := cmd.Flags().GetBool("plain")
	noMouse, _ := cmd.Flags().GetBool("no-mouse")
	images, _ := cmd.Flags().GetString("images")
	if cmd.Flags().Changed("images") {
		if images, err = ui.ParseImageMode(images); err != nil {
			return usageErrorf(cmd, "%v", err)
		}
	} else if cfg.Images != "" {
		// A bad value in the config is reported on the status line by the
		// UI, which then starts with half blocks, like any config mistake.
		images = cfg.Images
	}
	if plain {
		images = ui.ImagesOff
	}

	serverURL, _ := serverAddress(cmd) // as written: the TUI shows it
	keyEnv := envKey
	var c *client.Client
	if serverURL == "" && cfg.Server != "" {
		serverURL = cfg.Server
		if cfg.APIKeyEnv != "" {
			keyEnv = cfg.APIKeyEnv
		}
		c = client.New(serverURL, os.Getenv(keyEnv))
	} else {
		c, err = newClient(cmd)
		if err != nil {
			return err
		}
	}

	chainFile := ""
	if len(args) == 1 {
		chainFile = args[0]
		// With subcommands, a mistyped command lands here: only a path that
		// exists or looks like a chain file is taken as one.
		if _, err := os.Stat(chainFile); err != nil && !strings.HasSuffix(chainFile, ".yaml") && !strings.HasSuffix(chainFile, ".yml") {
			return usageErrorf(cmd, "unknown command or chain file %q", chainFile)
		}
	}

	opts := []tea.ProgramOption{tea.WithContext(cmd.Context())}
	if plain {
		opts = append(opts, tea.WithColorProfile(colorprofile.Ascii))
	}
	m := ui.New(ui.Options{
		Client:      c,
		Theme:       theme,
		Plain:       plain,
		Mouse:       cfg.MouseEnabled() && !noMouse,
		Keys:        cfg.KeyOverrides(),
		Notice:      cfgErr,
		HistoryPath: ui.StatePath("history.jsonl"),
		ChainFile:   chainFile,
		DraftPath:   ui.StatePath("draft.yaml"),
		ServerURL:   strings.TrimSpace(serverURL),
		APIKey:      os.Getenv(keyEnv) != "",
		Dark:        true,
		Images:      images,
	})
	if _, err := tea.NewProgram(m, opts...).Run(); err != nil && !errors.Is(err, tea.ErrInterrupted) {
		if errors.Is(err, tea.ErrProgramKilled) && cmd.Context().Err() != nil {
			return nil
		}
		return fmt.Errorf("tui: %w", err)
	}
	return nil
}

// addTUIFlags adds the flags that only the TUI reads.
func addTUIFlags(root *cobra.Command) {
	root.Flags().String("theme", "auto", "colour theme: "+strings.Join(themes.Names, ", ")+" (auto follows the terminal's background)")
	root.Flags().Bool("plain", false, "no colour, ASCII borders and a text spinner, for screen readers and dumb terminals")
	root.Flags().String("images", ui.ImagesAuto, "image previews: "+strings.Join(ui.ImageModes, ", ")+" (auto uses kitty graphics where the terminal surely draws them, else half blocks)")
	root.Flags().Bool("no-mouse", false, "leave the mouse to the terminal (text selection)")
}
