package ls_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"

	"pipette/algorithms/builtin"
	"pipette/internal/cli/clitest"
	"pipette/internal/cli/command"
	"pipette/internal/cli/ls"
)

// root is `pipette` with only this verb: the test binary links no other.
var root = clitest.Verbs(func(f *command.Factory) *cobra.Command { return ls.NewCmd(f, nil) })

func TestLsListsTheCatalog(t *testing.T) {
	t.Parallel()
	r := clitest.New(t, root).UseCatalog(builtin.Registry()).Run("", "ls")
	if r.Code != 0 {
		t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
	}
	lines := strings.Split(strings.TrimRight(r.Stdout, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "REF") || !strings.Contains(lines[0], "TAGLINE") {
		t.Errorf("no header: %q", lines[0])
	}
	entries, _ := builtin.Registry().List(context.Background())
	if got, want := len(lines)-1, len(entries); got != want {
		t.Errorf("%d rows for %d algorithms:\n%s", got, want, r.Stdout)
	}
	if !strings.Contains(r.Stdout, "nlp/SentimentAnalysis") || !strings.Contains(r.Stdout, "1.0.0") {
		t.Errorf("nlp/SentimentAnalysis 1.0.0 missing:\n%s", r.Stdout)
	}
	if strings.Contains(r.Stdout, "\x1b[") {
		t.Errorf("escape codes in piped output:\n%q", r.Stdout)
	}
}

func TestLsSearchesBestFirst(t *testing.T) {
	t.Parallel()
	h := clitest.New(t, root).UseCatalog(builtin.Registry())
	r := h.Run("", "ls", "sent")
	if r.Code != 0 {
		t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
	}
	if !strings.Contains(r.Stdout, "nlp/SentimentAnalysis") {
		t.Errorf("ls sent misses nlp/SentimentAnalysis:\n%s", r.Stdout)
	}
	r = h.Run("", "ls", "sentiment")
	rows := strings.Split(strings.TrimRight(r.Stdout, "\n"), "\n")
	if len(rows) < 2 || !strings.HasPrefix(rows[1], "nlp/SentimentAnalysis ") {
		t.Errorf("ls sentiment: nlp/SentimentAnalysis is not first:\n%s", r.Stdout)
	}
	all := h.Run("", "ls")
	if len(rows) >= len(strings.Split(all.Stdout, "\n")) && len(rows) > 2 {
		t.Errorf("ls sentiment keeps every row:\n%s", r.Stdout)
	}
}

func TestLsNoMatch(t *testing.T) {
	t.Parallel()
	h := clitest.New(t, root)
	r := h.Run("", "ls", "qqqzzzxxx")
	if r.Code != 0 || r.Stdout != "" {
		t.Errorf("exit %d, stdout %q", r.Code, r.Stdout)
	}
	if !strings.Contains(r.Stderr, `no algorithm matches "qqqzzzxxx"`) {
		t.Errorf("stderr %q", r.Stderr)
	}
	r = h.Run("", "ls", "qqqzzzxxx", "--json")
	if strings.TrimSpace(r.Stdout) != "[]" {
		t.Errorf("ls --json with no match: %q", r.Stdout)
	}
}

func TestLsTagAndJSON(t *testing.T) {
	t.Parallel()
	h := clitest.New(t, root).UseCatalog(clitest.Fixtures())
	r := h.Run("", "ls", "--tag", "IMAGE", "--json")
	if r.Code != 0 {
		t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
	}
	var objs []map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &objs); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.Stdout)
	}
	if len(objs) != 1 || objs[0]["owner"] != "test" || objs[0]["name"] != "Picture" || objs[0]["output_kind"] != "binary" {
		t.Errorf("ls --tag image --json = %v", objs)
	}
	r = h.Run("", "ls", "--tag", "nosuchtag")
	if !strings.Contains(r.Stderr, `no algorithm is tagged "nosuchtag"`) {
		t.Errorf("stderr %q", r.Stderr)
	}
}

// TestLsJSONIsASummary: `ls --json` stays small (it printed ~1 MB, every
// sample's input image in it): each algorithm's summary, with the names of
// its samples; --full prints the whole algorithm objects, samples included.
func TestLsJSONIsASummary(t *testing.T) {
	t.Parallel()
	h := clitest.New(t, root).UseCatalog(builtin.Registry())
	entries, _ := builtin.Registry().List(context.Background())
	summary, full := h.Run("", "ls", "--json"), h.Run("", "ls", "--json", "--full")
	var sums, fulls []map[string]any
	if err := json.Unmarshal([]byte(summary.Stdout), &sums); err != nil || len(sums) != len(entries) {
		t.Fatalf("ls --json: %d objects for %d algorithms (%v) %s", len(sums), len(entries), err, summary.Stderr)
	}
	if err := json.Unmarshal([]byte(full.Stdout), &fulls); err != nil || len(fulls) != len(entries) {
		t.Fatalf("ls --json --full: %d objects for %d algorithms (%v) %s", len(fulls), len(entries), err, full.Stderr)
	}
	if n := len(summary.Stdout); n > 64<<10 || n*10 > len(full.Stdout) {
		t.Errorf("ls --json prints %d bytes (--full %d): want a summary under 64 KiB", n, len(full.Stdout))
	}
	for i, s := range sums {
		f := fulls[i]
		if s["name"] != f["name"] || s["owner"] != f["owner"] || s["input_kind"] != f["input_kind"] ||
			s["details"].(map[string]any)["tagline"] != f["details"].(map[string]any)["tagline"] ||
			s["version_info"].(map[string]any)["semantic_version"] != f["version_info"].(map[string]any)["semantic_version"] {
			t.Errorf("the summary of %v differs from its whole object:\n%v", f["name"], s)
		}
		if _, ok := s["samples"]; ok || s["input_schema"] != nil || s["details"].(map[string]any)["summary"] != nil {
			t.Errorf("the summary of %v carries samples, schemas or docs", s["name"])
		}
		if names, samples := s["sample_names"].([]any), f["samples"].([]any); len(names) != len(samples) || len(samples) > 0 && names[0] != samples[0].(map[string]any)["name"] {
			t.Errorf("%v: sample_names %v for samples %d", s["name"], names, len(samples))
		}
	}
	if r := h.Run("", "ls", "--full"); r.Code != 2 || !strings.Contains(r.Stderr, "--full is for --json") {
		t.Errorf("ls --full without --json: exit %d, stderr %q", r.Code, r.Stderr)
	}
}

func TestLsTerminalFitsTheWidth(t *testing.T) {
	t.Parallel()
	for _, profile := range []colorprofile.Profile{colorprofile.Ascii, colorprofile.TrueColor} {
		t.Run(profile.String(), func(t *testing.T) {
			t.Parallel()
			r := clitest.New(t, root).UseCatalog(clitest.Fixtures()).Terminal(60, profile).Run("", "ls", "pic")
			if r.Code != 0 {
				t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
			}
			for _, line := range strings.Split(strings.TrimRight(r.Stdout, "\n"), "\n") {
				if w := len([]rune(clitest.StripANSI(line))); w > 60 {
					t.Errorf("line of width %d on a 60-column terminal: %q", w, line)
				}
				if strings.HasSuffix(line, " ") {
					t.Errorf("trailing spaces: %q", line)
				}
			}
			if !strings.Contains(clitest.StripANSI(r.Stdout), "test/Picture") {
				t.Errorf("no test/Picture:\n%s", r.Stdout)
			}
			// The matched letters are magenta where colours are shown.
			if colored := strings.Contains(r.Stdout, ";35;"); colored != (profile == colorprofile.TrueColor) {
				t.Errorf("colour in output: %v with the %s profile:\n%q", colored, profile, r.Stdout)
			}
		})
	}
}

// TestLsFlags reads the flags into Options without listing anything.
func TestLsFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want ls.Options
	}{
		{nil, ls.Options{}},
		{[]string{"sent", "analysis"}, ls.Options{Query: "sent analysis"}},
		{[]string{"--tag", "image", "--json"}, ls.Options{Tag: "image", JSON: true}},
		{[]string{"--json", "--full"}, ls.Options{JSON: true, Full: true}},
	} {
		f, _, _ := clitest.New(t, root).Factory(strings.NewReader(""))
		var got *ls.Options
		cmd := ls.NewCmd(f, func(_ context.Context, o *ls.Options) error { got = o; return nil })
		cmd.SetArgs(tc.args)
		if err := cmd.Execute(); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if got.Query != tc.want.Query || got.Tag != tc.want.Tag || got.JSON != tc.want.JSON || got.Full != tc.want.Full {
			t.Errorf("%v: options %+v, want %+v", tc.args, *got, tc.want)
		}
	}
}

// With a source, ls lists its models with the built-ins: their kind, size
// and context; filters by kind and source; sorts by size.
func TestLsWithASource(t *testing.T) {
	t.Parallel()
	o := clitest.OllamaDocs(t)
	h := clitest.New(t, root).UseCatalog(builtin.Registry())
	r := h.Run("", "--source", "ollama="+o.URL, "ls", "--kind", "chat", "--sort", "size")
	if r.Code != 0 {
		t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
	}
	want := "REF                        VERSION  KINDS  SIZE    CONTEXT  TAGLINE\n" +
		"ollama/deepseek-r1:latest           chat   4.7 GB  8K       chat, 8.0B, Q4_K_M, 8K ctx, 4.7 GB\n" +
		"ollama/llama3.2:latest              chat   2.0 GB  8K       chat, 8.0B, Q4_K_M, 8K ctx, 2.0 GB\n"
	if r.Stdout != want {
		t.Errorf("ls --kind chat --sort size:\n%s\nwant\n%s", r.Stdout, want)
	}
	r = h.Run("", "--source", "ollama="+o.URL, "ls", "--from", "builtin")
	if r.Code != 0 || strings.Contains(r.Stdout, "ollama/") || !strings.Contains(r.Stdout, "nlp/SentimentAnalysis") {
		t.Errorf("ls --from builtin: %s %s", r.Stdout, r.Stderr)
	}
	r = h.Run("", "--source", "ollama="+o.URL, "ls", "--json", "llama3.2")
	var objs []map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &objs); err != nil || len(objs) == 0 {
		t.Fatalf("ls --json: %v %s", err, r.Stdout)
	}
	if objs[0]["owner"] != "ollama" || objs[0]["name"] != "llama3.2:latest" || objs[0]["model"].(map[string]any)["size"] != 2019393189.0 {
		t.Errorf("ls --json: %v", objs[0])
	}
	for _, bad := range [][]string{{"ls", "--sort", "weight"}, {"ls", "--kind", "robot"}, {"--source", "nope=http://x", "ls"}} {
		if r := h.Run("", bad...); r.Code != 2 {
			t.Errorf("%v: exit %d, stderr %q", bad, r.Code, r.Stderr)
		}
	}
}

// A source that is down is said so on stderr; the built-ins are listed.
func TestLsWithADownSource(t *testing.T) {
	t.Parallel()
	o := clitest.OllamaDocs(t)
	url := o.URL
	o.Close()
	r := clitest.New(t, root).UseCatalog(builtin.Registry()).Run("", "--source", "ollama="+url, "ls")
	if r.Code != 0 || !strings.Contains(r.Stdout, "nlp/SentimentAnalysis") {
		t.Fatalf("exit %d, stdout %s", r.Code, r.Stdout)
	}
	clitest.CheckOneSentence(t, r.Stderr, "warning: source ollama ("+url+") is down: cannot reach ollama at "+url+": connection refused (is it running?)")
}
