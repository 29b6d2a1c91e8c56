// Package config reads pipette's settings file,
// $XDG_CONFIG_HOME/pipette/config.yaml, for the TUI and every verb, and
// says where state files live. A mistake in the file is one sentence naming
// its line; the rest of the file still applies wherever it can.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"pipette/internal/human"
	"pipette/internal/smallfile"
	"pipette/sources"
	"pipette/themes"
)

// Config is $XDG_CONFIG_HOME/pipette/config.yaml.
//
//	server: http://localhost:8080      # default: the built-in catalog in-process
//	api_key_env: PIPETTE_API_KEY       # which variable holds the server's key
//	theme: auto                        # auto, dark, light, ansi, plain
//	images: auto                       # auto, kitty, halfblocks, off
//	mouse: true
//	keys:                              # action or scope.action → key(s)
//	  quit: [q, ctrl+q]
//	  try.run: ctrl+r
//	sources:                           # model servers added to the catalog (docs/SOURCES.md)
//	  - name: openrouter
//	    kind: openai                     # pipette, ollama, openai, oip, hf
//	    url: https://openrouter.ai/api/v1
//	    key_env: OPENROUTER_API_KEY      # the variable holding the key, never the key
//	discover: true                     # look for Ollama, llama-server, LM Studio on their usual ports
type Config struct {
	Server    string             `yaml:"server"`
	APIKeyEnv string             `yaml:"api_key_env"`
	Theme     string             `yaml:"theme"`
	Images    string             `yaml:"images"`
	Mouse     *bool              `yaml:"mouse"`
	Keys      map[string]KeyList `yaml:"keys"`
	Sources   []sources.Spec     `yaml:"sources"`
	Discover  *bool              `yaml:"discover"`
}

// KeyList accepts one key or a list of keys.
type KeyList []string

func (k *KeyList) UnmarshalYAML(unmarshal func(any) error) error {
	var one string
	if err := unmarshal(&one); err == nil {
		*k = KeyList{one}
		return nil
	}
	var many []string
	if err := unmarshal(&many); err != nil {
		return errors.New("a key binding is a key or a list of keys, like ctrl+r or [r, ctrl+r]")
	}
	*k = many
	return nil
}

// KeyOverrides returns the config's key bindings as plain lists.
func (c Config) KeyOverrides() map[string][]string {
	out := make(map[string][]string, len(c.Keys))
	for n, k := range c.Keys {
		out[n] = k
	}
	return out
}

// MouseEnabled is the mouse setting, on unless the config turns it off.
func (c Config) MouseEnabled() bool { return c.Mouse == nil || *c.Mouse }

// DiscoverEnabled is the discover setting, on unless the config turns it off.
func (c Config) DiscoverEnabled() bool { return c.Discover == nil || *c.Discover }

// Path is where the config file lives, read from the environment getenv
// gives ($XDG_CONFIG_HOME, else $HOME/.config); "" when neither is set.
func Path(getenv func(string) string) string {
	dir := getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "pipette", "config.yaml")
}

// StatePath is where a state file (the run history, the draft) lives:
// $XDG_STATE_HOME/pipette, else $HOME/.local/state/pipette.
func StatePath(getenv func(string) string, name string) string {
	dir := getenv("XDG_STATE_HOME")
	if dir == "" {
		home := getenv("HOME")
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "pipette", name)
}

// MaxSize bounds the config file: settings are small, and anything bigger
// is not a config file.
const MaxSize = 1 << 20

// Load reads the config at path. A missing file (or path "") is the zero
// Config. A malformed one returns the zero Config and an error naming the
// line, so the caller can start with defaults and show what to fix. Only a
// regular file of at most MaxSize is read, and YAML anchors and aliases are
// refused before anything is decoded: a few lines of aliases can stand for
// gigabytes of values.
func Load(path string) (Config, error) {
	var c Config
	if path == "" {
		return c, nil
	}
	data, err := smallfile.Read(path, MaxSize, "the config file")
	var refused *smallfile.Refusal
	switch {
	case errors.Is(err, os.ErrNotExist):
		return c, nil
	case errors.As(err, &refused):
		return c, fmt.Errorf("config: %v; started with defaults", err)
	case err != nil:
		return c, fmt.Errorf("config %s: %v; started with defaults", path, human.FileError(err))
	}
	if err := refuseAliases(path, data); err != nil {
		return c, err
	}
	if err := yaml.UnmarshalWithOptions(data, &c, yaml.DisallowUnknownField()); err != nil {
		return Config{}, configError(path, err)
	}
	// A theme name that does not exist is a mistake like any other in the
	// file: reported with its line, and the rest of the config still applies.
	if c.Theme != "" {
		if _, err := themes.ByName(c.Theme, true); err != nil {
			c.Theme = ""
			return c, fmt.Errorf("config %s line %d: %v; started with the auto theme", path, settingLine(data, "theme"), err)
		}
	}
	return c, checkSources(&c, path, data)
}

// refuseAliases names the first YAML anchor or alias of data, if any. The
// syntax tree holds an alias as one node, so finding it costs nothing
// however much it would expand to.
func refuseAliases(path string, data []byte) error {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return configError(path, err)
	}
	for _, typ := range []ast.NodeType{ast.AnchorType, ast.AliasType} {
		if nodes := ast.FilterFile(typ, f); len(nodes) > 0 {
			tok := nodes[0].GetToken()
			return fmt.Errorf("config %s line %d: YAML anchors and aliases (&name, *name) are not allowed here: write the value out; started with defaults", path, tok.Position.Line)
		}
	}
	return nil
}

// checkSources checks each source and leaves out the ones with a mistake,
// naming the first: the others still join the catalog.
func checkSources(c *Config, path string, data []byte) error {
	var first error
	kept := c.Sources[:0]
	for i, sp := range c.Sources {
		if err := sp.Check(); err != nil {
			if first == nil {
				first = fmt.Errorf("config %s line %d: sources[%d]: %v; started without that source", path, settingLine(data, fmt.Sprintf("sources[%d]", i)), i, err)
			}
			continue
		}
		kept = append(kept, sp)
	}
	c.Sources = kept
	if _, err := sources.Dedupe(c.Sources); err != nil && first == nil {
		first = fmt.Errorf("config %s line %d: %v; started without the sources", path, settingLine(data, "sources"), err)
		c.Sources = nil
	}
	return first
}

// settingLine is the line of a top-level setting in a config file, or 0.
func settingLine(data []byte, key string) int {
	p, err := yaml.PathString("$." + key)
	if err != nil {
		return 0
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return 0
	}
	n, err := p.FilterFile(f)
	if err != nil || n == nil || n.GetToken() == nil {
		return 0
	}
	return n.GetToken().Position.Line
}

func configError(path string, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		msg := ye.GetMessage()
		if i := strings.Index(msg, "Go struct field"); i >= 0 {
			msg = "wrong type for this setting"
		}
		return fmt.Errorf("config %s line %d: %s; started with defaults", path, ye.GetToken().Position.Line, msg)
	}
	return fmt.Errorf("config %s: %v; started with defaults", path, err)
}
