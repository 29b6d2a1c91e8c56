package pipebuilder

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"pipette/catalog"
)

func TestEditing(t *testing.T) {
	t.Parallel()
	c := NewChain("me/Draft", catalog.KindText)
	for _, algo := range []string{"test/Words/1.0.0", "test/Upper/1.0.0", "test/Upper/2.0.0"} {
		if _, err := c.AddStep(algo); err != nil {
			t.Fatal(err)
		}
	}
	if got := c.Pipeline(); got != "words → upper → upper2" {
		t.Fatalf("pipeline %s", got)
	}
	c.Steps[1].Each = ".steps.words"
	c.Steps[2].Input = `.steps.upper | join(" ")`
	c.Output = `{a: .steps["upper"], b: .steps."upper2"}`
	if err := c.Compile(); err != nil {
		t.Fatal(err)
	}
	if err := c.RenameStep(1, "loud"); err != nil {
		t.Fatal(err)
	}
	if c.Steps[2].Input != `.steps.loud | join(" ")` || c.Output != `{a: .steps.loud, b: .steps."upper2"}` {
		t.Errorf("rename did not rewrite references: %q %q", c.Steps[2].Input, c.Output)
	}
	if err := c.RenameStep(2, "loud"); err == nil {
		t.Errorf("a duplicate id was accepted")
	}
	err := c.MoveStep(2, 0)
	var errs Errors
	if !errors.As(err, &errs) || !strings.Contains(err.Error(), "refers to .steps.loud, which runs later (step 3)") {
		t.Errorf("moving a step before the one it uses: %v", err)
	}
	if err := c.MoveStep(0, 2); err != nil {
		t.Fatal(err)
	}
	tr, err := Run(context.Background(), localClient(), c, catalog.Text("a b"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"a": []any{"A", "B"}, "b": "v2:A B"}; !jsonSame(tr.Output.JSON, want) {
		t.Errorf("edited chain output %v", tr.Output.JSON)
	}
	if err := c.RemoveStep(1); err == nil || !strings.Contains(err.Error(), "no step has that id") {
		t.Errorf("removing a used step: %v", err)
	}
	if b, err := c.Marshal(); err != nil || !strings.Contains(string(b), "upper2") {
		t.Errorf("a draft with problems still saves: %v\n%s", err, b)
	}
}

func jsonSame(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func TestPreviewAndTraceJSON(t *testing.T) {
	t.Parallel()
	c := mustParse(wordsChain)
	tr, err := Run(context.Background(), localClient(), c, catalog.Text("x yy"), Options{UpTo: "loud"})
	if err != nil {
		t.Fatal(err)
	}
	v, err := tr.Preview(context.Background(), `{parts: .steps.loud, sep: "+"}`, false, false)
	if err != nil || !jsonSame(v.JSON, map[string]any{"parts": []any{"X", "YY"}, "sep": "+"}) {
		t.Errorf("preview: %v %v", v, err)
	}
	if v, err := tr.Preview(context.Background(), `.steps.joined`, false, false); err != nil || v.Kind != catalog.KindJSON || v.JSON != nil {
		t.Errorf("a step not reached yet previews as null: %v %v", v, err)
	}
	if _, err := tr.Preview(context.Background(), `.input`, true, false); err == nil {
		t.Errorf("each over a string previewed")
	}
	if _, err := tr.Preview(context.Background(), `{`, false, false); err == nil {
		t.Errorf("a syntax error previewed")
	}
	line, err := json.Marshal(tr.Steps[1])
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	json.Unmarshal(line, &got)
	if got["step"] != "loud" || got["content_type"] != "json" || got["items"] != 2.0 || got["input_kind"] != "json" ||
		!jsonSame(got["result"], []any{"X", "YY"}) || got["error"] != nil {
		t.Errorf("trace line %s", line)
	}

	fail := mustParse("chain: v1\nname: t/F\nversion: 1.0.0\ninput: text\nsteps:\n  - id: f\n    algo: test/Fail/1.0.0\n")
	tr, _ = Run(context.Background(), localClient(), fail, catalog.Text("no"), Options{})
	line, _ = json.Marshal(tr.Steps[0])
	if !strings.Contains(string(line), `"error":{"message":"step f (test/Fail/1.0.0): InputError: this input is not ok; its input was \"no\"","error_type":"InputError"}`) {
		t.Errorf("failed step line %s", line)
	}
}

func TestRunCallerDeadline(t *testing.T) {
	t.Parallel()
	c := mustParse("chain: v1\nname: t/S\nversion: 1.0.0\ninput: json\nsteps:\n  - id: nap\n    algo: test/Slow/1.0.0\n    input: 5000\n")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := Run(ctx, localClient(), c, catalog.JSON(nil), Options{})
	if err == nil || err.Error() != "step nap (test/Slow/1.0.0): the chain did not finish in time; its input was 5000" || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("caller's deadline: %v", err)
	}
}

func TestInputValue(t *testing.T) {
	t.Parallel()
	c := NewChain("a/B", catalog.KindJSON)
	if v, err := c.InputValue([]byte(` {"a": 1} `)); err != nil || !jsonSame(v.JSON, map[string]any{"a": 1}) {
		t.Errorf("json input: %v %v", v, err)
	}
	if _, err := c.InputValue([]byte(`{`)); err == nil || !strings.Contains(err.Error(), "chain a/B takes JSON input") {
		t.Errorf("bad json: %v", err)
	}
	c.Input = catalog.KindBinary
	if v, _ := c.InputValue([]byte{1, 2}); v.Kind != catalog.KindBinary {
		t.Errorf("binary input: %v", v)
	}
}

// A preview sends a binary value of the trace passed through a mapping as
// bytes again, as Run does, and leaves other strings text.
func TestPreviewKeepsBinary(t *testing.T) {
	t.Parallel()
	png := []byte("\x89PNG\r\n\x1a\n")
	tr := &Trace{Input: catalog.Bytes(png), Steps: []StepTrace{{ID: "a", Done: true, Result: catalog.Text("hi")}}}
	v, err := tr.Preview(context.Background(), `.input`, false, false)
	if err != nil || v.Kind != catalog.KindBinary || string(v.Bytes) != string(png) {
		t.Errorf("Preview(.input) = %#v, %v; want the input's bytes", v, err)
	}
	v, err = tr.Preview(context.Background(), `.steps.a`, false, false)
	if err != nil || v.Kind != catalog.KindText || v.Text != "hi" {
		t.Errorf("Preview(.steps.a) = %#v, %v; want the text hi", v, err)
	}
}
