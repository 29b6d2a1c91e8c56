package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func write(t *testing.T, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSources(t *testing.T) {
	t.Parallel()
	c, err := Load(write(t, `theme: dark
sources:
  - name: openrouter
    kind: openai
    url: https://openrouter.ai/api/v1
    key_env: OPENROUTER_API_KEY
  - kind: ollama
  - name: hub
    kind: hf
    filter: text-generation
    limit: 20
discover: false
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Sources) != 3 || c.Sources[0].KeyEnv != "OPENROUTER_API_KEY" || c.Sources[1].Name != "ollama" ||
		c.Sources[1].URL != "http://127.0.0.1:11434" || c.Sources[2].Limit != 20 || c.DiscoverEnabled() || c.Theme != "dark" {
		t.Errorf("config %+v", c)
	}
}

// A source with a mistake is left out, named with its line; the other
// sources and settings still apply.
func TestSourceMistakes(t *testing.T) {
	t.Parallel()
	tests := []struct{ src, want string }{
		{"sources:\n  - kind: openai\n  - kind: ollama\n", "line 3: sources[0]: an openai source needs the server's URL"},
		{"sources:\n  - kind: ollama\n  - kind: nope\n    url: http://x\n", `line 4: sources[1]: unknown kind "nope"`},
		{"sources:\n  - kind: ollama\n    key_env: sk-123 secret\n", "is not the name of an environment variable (write the variable's name, never the key)"},
		{"sources:\n  - kind: hf\n    limit: 100000\n", "limit 100000: a listing is from 1 to 1000 models"},
		{"sources:\n  - kind: ollama\n    token: x\n", `line 4: unknown field "token"`},
	}
	for _, tc := range tests {
		c, err := Load(write(t, "mouse: false\n"+tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: %v, want one line containing %q", tc.src, err, tc.want)
		}
		if strings.Contains(tc.want, "sources[") && (c.MouseEnabled() || len(c.Sources) > 1) {
			t.Errorf("%q: the rest of the config was lost: %+v", tc.src, c)
		}
	}
	c, err := Load(write(t, "sources:\n  - name: a\n    kind: ollama\n  - name: a\n    kind: hf\n"))
	if err == nil || !strings.Contains(err.Error(), `two sources are named "a"`) || len(c.Sources) != 0 {
		t.Errorf("a name twice: %+v, %v", c, err)
	}
}

func TestPaths(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if p := Path(env(map[string]string{"XDG_CONFIG_HOME": "/x"})); p != "/x/pipette/config.yaml" {
		t.Errorf("Path = %q", p)
	}
	if p := Path(env(map[string]string{"HOME": "/h"})); p != "/h/.config/pipette/config.yaml" {
		t.Errorf("Path = %q", p)
	}
	if p := Path(env(nil)); p != "" {
		t.Errorf("Path with no home = %q", p)
	}
	if c, err := Load(""); err != nil || len(c.Sources) != 0 {
		t.Errorf("Load(\"\") = %+v, %v", c, err)
	}
}

// TestAliasesRefused: an alias bomb (nine aliases of nine, nine deep: 387
// million strings once expanded, gigabytes) is refused at once, naming the
// first anchor's line, and so is any anchor, alias or merge key.
func TestAliasesRefused(t *testing.T) {
	t.Parallel()
	bomb := []string{"theme: dark", "keys:", `  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]`}
	prev := "a"
	for _, n := range strings.Split("bcdefghi", "") {
		bomb = append(bomb, "  "+n+": &"+n+" ["+strings.TrimSuffix(strings.Repeat("*"+prev+",", 9), ",")+"]")
		prev = n
	}
	for _, tc := range []struct{ name, src, line string }{
		{"bomb", strings.Join(bomb, "\n") + "\n", "line 3:"},
		{"anchor only", "theme: &t dark\n", "line 1:"},
		{"alias in sources", "keys:\n  quit: &q [q]\nsources:\n  - name: *q\n", "line 2:"},
		{"merge key", "sources:\n  - &s {kind: ollama}\n  - <<: *s\n    name: two\n", "line 2:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			c, err := Load(write(t, tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.line+" YAML anchors and aliases (&name, *name) are not allowed here") {
				t.Errorf("Load = %+v, %v; want the anchor refused at %s", c, err, tc.line)
			}
			if c.Theme != "" || len(c.Keys) != 0 || len(c.Sources) != 0 {
				t.Errorf("settings applied from a refused file: %+v", c)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %s", d)
			}
		})
	}
}

// TestOversizedConfig: a config file over MaxSize is not read.
func TestOversizedConfig(t *testing.T) {
	t.Parallel()
	c, err := Load(write(t, "theme: dark\n# "+strings.Repeat("x", MaxSize)+"\n"))
	if err == nil || !strings.Contains(err.Error(), "is over the 1 MiB the config file may be") || c.Theme != "" {
		t.Errorf("Load = %+v, %v", c, err)
	}
}
