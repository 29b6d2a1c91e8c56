package pipebuilder

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse: any bytes give a chain or an error, never a panic; a chain
// that loads writes back to YAML that loads to an equal chain, and exports
// to Go and shell without error.
func FuzzParse(f *testing.F) {
	f.Add([]byte(wordsChain))
	f.Add([]byte("chain: v1\nname: a/B\nversion: 1.0.0\ninput: binary\nsteps:\n  - id: x\n    algo: a/C\n    input: |\n      {a: .input,\n       b: 1}\noutput: .steps.x\n"))
	f.Add([]byte("chain: v1\nname: [\n"))
	f.Add([]byte("- a\n- b\n"))
	f.Add([]byte("x: &a 1\ny: *a\n"))
	f.Add([]byte("chain: v1\n---\nchain: v1\n"))
	f.Add([]byte("steps:\n  - id: a\n    each: '[.steps.a[] | {x: .}]'\n"))
	if examples, err := filepath.Glob("../examples/*.yaml"); err == nil {
		for _, path := range examples {
			if b, err := os.ReadFile(path); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		// A draft, however wrong, saves: the builder autosaves it.
		if d, err := ParseDraft("fuzz.yaml", src); d != nil {
			if _, err := d.Marshal(); err != nil {
				t.Fatalf("a draft does not save: %v", err)
			}
		} else if err == nil {
			t.Fatalf("no draft and no error")
		}
		c, err := Parse("fuzz.yaml", src)
		if err != nil {
			if c != nil {
				t.Fatalf("a chain and an error")
			}
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatalf("an empty error")
			}
			return
		}
		b, err := c.Marshal()
		if err != nil {
			t.Fatalf("a loaded chain does not marshal: %v", err)
		}
		back, err := Parse("back.yaml", b)
		if err != nil || !back.Equal(c) {
			t.Fatalf("round trip: %v\n%s", err, b)
		}
		if _, err := ExportGo(c, GoExportOptions{}); err != nil {
			t.Fatalf("export Go: %v", err)
		}
		if _, err := ExportShell(c); err != nil && !strings.Contains(err.Error(), "NUL") {
			t.Fatalf("export shell: %v", err)
		}
	})
}
