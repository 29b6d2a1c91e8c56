package tui_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"pipette/internal/cli/clitest"
	"pipette/internal/cli/command"
	"pipette/internal/cli/tui"
)

// TestTUIOptions: flags and the config file become Options (a flag given
// wins over the config); nothing is opened.

// root is `pipette` with only this verb: the test binary links no other.
var root = clitest.Verbs(func(f *command.Factory) *cobra.Command { return tui.NewCmd(f, nil) })

func TestTUIOptions(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, "pipette"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "pipette", "config.yaml"), []byte("theme: light\nimages: off\nmouse: false\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	chain := clitest.WriteFile(t, "c.yaml", clitest.EchoChain)
	for _, tc := range []struct {
		name   string
		config bool
		args   []string
		check  func(o *tui.Options) bool
	}{
		{"defaults", false, nil, func(o *tui.Options) bool { return o.Theme == "auto" && o.Images == "auto" && o.Config.MouseEnabled() }},
		{"from the config", true, nil, func(o *tui.Options) bool { return o.Theme == "light" && o.Images == "off" && !o.Config.MouseEnabled() }},
		{"flags win", true, []string{"--theme", "dark", "--images", "halfblocks"}, func(o *tui.Options) bool { return o.Theme == "dark" && o.Images == "halfblocks" }},
		{"plain has no images", false, []string{"--plain", "--images", "kitty"}, func(o *tui.Options) bool { return o.Plain && o.Images == "off" }},
		{"a chain file", false, []string{chain}, func(o *tui.Options) bool { return o.ChainFile == chain }},
		{"a new chain file", false, []string{"new.yaml"}, func(o *tui.Options) bool { return o.ChainFile == "new.yaml" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := clitest.New(t, root)
			if tc.config {
				h.Setenv("XDG_CONFIG_HOME", home)
			} else {
				h.Setenv("XDG_CONFIG_HOME", t.TempDir())
			}
			f, _, _ := h.Factory(strings.NewReader(""))
			var got *tui.Options
			cmd := tui.NewCmd(f, func(_ context.Context, o *tui.Options) error { got = o; return nil })
			cmd.SetArgs(tc.args)
			if err := cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			if !tc.check(got) {
				t.Errorf("%v: options %+v", tc.args, *got)
			}
		})
	}
}

func TestTUIUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--images", "sixel"}, "sixel"},
		{[]string{"--theme", "neon"}, "neon"},
		{[]string{"lss"}, `unknown command or chain file "lss"`},
		{[]string{"a.yaml", "b.yaml"}, "accepts at most 1 arg"},
	} {
		h := clitest.New(t, root).Setenv("XDG_CONFIG_HOME", t.TempDir())
		f, _, _ := h.Factory(strings.NewReader(""))
		cmd := tui.NewCmd(f, func(context.Context, *tui.Options) error { t.Errorf("%v ran", tc.args); return nil })
		cmd.SetArgs(tc.args)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		err := cmd.Execute()
		if err == nil || !strings.Contains(err.Error(), tc.want) || !command.IsUsageError(err) {
			t.Errorf("%v: %v, want a usage error containing %q", tc.args, err, tc.want)
		}
	}
}
