package pipebuilder_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"pipette/catalog"
	"pipette/client"
	"pipette/pipebuilder"
	"pipette/server"
)

func writeChains(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func chainCalling(name, version string, algos ...string) string {
	var b strings.Builder
	b.WriteString("chain: v1\nname: " + name + "\nversion: " + version + "\ntagline: calls " + strings.Join(algos, ", ") + "\ninput: text\nsteps:\n")
	for i, a := range algos {
		b.WriteString("  - id: s" + string(rune('a'+i)) + "\n    algo: " + a + "\n")
	}
	return b.String()
}

func TestLibrary(t *testing.T) {
	t.Parallel()
	dir := writeChains(t, map[string]string{
		"shout.yaml":      chainCalling("lib/Shout", "1.0.0", "test/Upper/1.0.0"),
		"shout2.yml":      chainCalling("lib/Shout", "1.1.0", "test/Upper/2.0.0"),
		"outer.yaml":      chainCalling("lib/Outer", "1.0.0", "lib/Shout/1.0.0", "test/Length/1.0.0"),
		"a.yaml":          chainCalling("cyc/A", "1.0.0", "cyc/B/1.0.0"),
		"b.yaml":          chainCalling("cyc/B", "1.0.0", "test/Upper", "cyc/A"),
		"self.yaml":       chainCalling("cyc/Self", "1.0.0", "cyc/Self"),
		"dependent.yaml":  chainCalling("lib/OnCycle", "1.0.0", "cyc/A/1.0.0"),
		"shout_copy.yaml": chainCalling("lib/Shout", "1.0.0", "test/Echo"),
		"hide.yaml":       chainCalling("test/Upper", "9.0.0", "test/Echo"),
		"broken.yaml":     "chain: v1\nname: lib/Broken\nversion: 1.0.0\ninput: text\nsteps:\n  - id: a\n    algo: test/Nope/1.0.0\n",
		"bad.yaml":        "chain: v1\nname: [\n",
		"notes.txt":       "not a chain",
	})
	reg := pipebuilder.NewTestRegistry()
	lib, err := pipebuilder.LoadLibrary(context.Background(), dir, reg, reg)
	if err != nil {
		t.Fatal(err)
	}
	var problems []string
	for _, p := range lib.Problems() {
		problems = append(problems, strings.ReplaceAll(p.Error(), dir+string(filepath.Separator), ""))
	}
	for _, want := range []string{
		"bad.yaml:2:7: this is not valid YAML",
		"shout_copy.yaml: chain lib/Shout 1.0.0 is already defined in",
		"hide.yaml: chain test/Upper has the name of an algorithm of test; give it another name",
		"a.yaml, b.yaml: chains cyc/A → cyc/B → cyc/A call each other in a cycle",
		"self.yaml: chain cyc/Self calls itself",
		"broken.yaml:7:11: step `a` calls test/Nope/1.0.0, which is not in the catalog",
		"dependent.yaml:8:11: step `sa` calls cyc/A/1.0.0, which is not in the catalog",
	} {
		found := false
		for _, p := range problems {
			found = found || strings.Contains(p, want)
		}
		if !found {
			t.Errorf("no problem says %q; problems:\n%s", want, strings.Join(problems, "\n"))
		}
	}
	if len(problems) != 7 {
		t.Errorf("%d problems, want 7:\n%s", len(problems), strings.Join(problems, "\n"))
	}
	var names []string
	for _, c := range lib.Chains() {
		names = append(names, c.Name+"@"+c.Version)
	}
	if got := strings.Join(names, " "); got != "lib/Outer@1.0.0 lib/Shout@1.1.0 lib/Shout@1.0.0" {
		t.Errorf("loaded chains: %s", got)
	}

	comb := lib.Combined()
	e, err := comb.Get(context.Background(), catalog.MustParseRef("lib/Shout"))
	if err != nil || e.Ref.Version != "1.1.0" || e.Source != "chains" || len(e.Versions) != 2 || e.InputKind != catalog.KindText ||
		e.OutputKind != catalog.KindText || !strings.Contains(e.Docs, "1. **sa** — `test/Upper/2.0.0` on the chain's input") ||
		len(e.Samples) != 1 || e.Samples[0].Input.Text != "hello world" {
		t.Errorf("chain entry: %v %+v", err, e)
	}
	all, err := comb.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, e := range all {
		refs = append(refs, e.Ref.Path())
	}
	if !strings.Contains(strings.Join(refs, " "), "lib/Outer lib/Shout test/Echo") {
		t.Errorf("combined list: %v", refs)
	}

	// One request runs a chain that calls a chain; the answer is what Run gives.
	ts := httptest.NewServer(server.New(server.Config{Source: comb, Runner: comb}))
	defer ts.Close()
	resp, err := client.New(ts.URL, "").Algo("lib/Outer/1.0.0").Pipe(context.Background(), "a b")
	if err != nil {
		t.Fatal(err)
	}
	outer := lib.Chains()[0]
	tr, err := pipebuilder.Run(context.Background(), client.NewLocal(comb, comb), outer, catalog.Text("a b"), pipebuilder.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"text": "A B", "length": 3.0}
	if !reflect.DeepEqual(resp.Result, want) || !reflect.DeepEqual(tr.Output.JSON, want) {
		t.Errorf("published chain answered %#v, Run gives %#v, want %#v", resp.Result, tr.Output.JSON, want)
	}
	// A failing step names itself through the API too.
	_, err = client.New(ts.URL, "").Algo("lib/Shout/1.0.0").Pipe(context.Background(), map[string]any{"x": 1})
	if err == nil || catalog.ErrorType(err) != catalog.InputError ||
		!strings.Contains(err.Error(), `chain lib/Shout: step sa (test/Upper/1.0.0): InputError: expected text, got json; its input was {"x":1}`) {
		t.Errorf("failing chain over HTTP: %v", err)
	}
}

// A published chain's trace is its stdout, built only when the caller asks:
// each line holds a step's input and result, which for an image chain means
// several base64 copies of the photo on every call.
func TestLibraryTraceOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	dir := writeChains(t, map[string]string{"shout.yaml": chainCalling("lib/Shout", "1.0.0", "test/Upper/1.0.0", "test/Length/1.0.0")})
	reg := pipebuilder.NewTestRegistry()
	lib, err := pipebuilder.LoadLibrary(context.Background(), dir, reg, reg)
	if err != nil {
		t.Fatal(err)
	}
	ref := catalog.MustParseRef("lib/Shout")
	out, err := lib.Run(context.Background(), ref, catalog.Text("hi"))
	if err != nil || out.Stdout != "" {
		t.Errorf("without stdout wanted: err %v, stdout %q, want none", err, out.Stdout)
	}
	out, err = lib.Run(catalog.WithStdoutWanted(context.Background()), ref, catalog.Text("hi"))
	if err != nil || strings.Count(out.Stdout, "\n") != 2 || !strings.Contains(out.Stdout, `"step":"sa"`) {
		t.Errorf("with stdout wanted: err %v, stdout %q, want one line per step", err, out.Stdout)
	}
}
