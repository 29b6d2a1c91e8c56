package sources

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pipette/algorithms/builtin"
	"pipette/catalog"
	"pipette/sources/ollama/ollamatest"
)

func TestParseFlag(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Spec
	}{
		{"ollama=http://127.0.0.1:11434", Spec{Name: "ollama", Kind: "ollama", URL: "http://127.0.0.1:11434"}},
		{"ollama", Spec{Name: "ollama", Kind: "ollama", URL: "http://127.0.0.1:11434"}},
		{"hf", Spec{Name: "hf", Kind: "hf", URL: "https://huggingface.co"}},
		{"openai=127.0.0.1:8080", Spec{Name: "openai", Kind: "openai", URL: "127.0.0.1:8080"}},
		{"llamacpp=openai=http://127.0.0.1:8080/v1", Spec{Name: "llamacpp", Kind: "openai", URL: "http://127.0.0.1:8080/v1"}},
		{"ollama=ollama=http://box:11434", Spec{Name: "ollama", Kind: "ollama", URL: "http://box:11434"}},
		{" OIP=http://kserve:8080 ", Spec{Name: "oip", Kind: "oip", URL: "http://kserve:8080"}},
	}
	for _, tc := range tests {
		got, err := ParseFlag(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseFlag(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	bad := []struct{ in, want string }{
		{"", `unknown kind ""`},
		{"nope=http://x", `write KIND=URL or NAME=KIND=URL`},
		{"lab=nope=http://x", `unknown kind "nope"`},
		{"openai", "an openai source needs the server's URL"},
		{"openai=ftp://x", "is not a server address"},
		{"openai=http://x/?q=1", "is not a server address"},
		{"Lab=openai=http://x", "source name \"Lab\" may hold lower-case letters"},
		{"my:lab=openai=http://x", "may hold lower-case letters"},
		{strings.Repeat("a", 41) + "=openai=http://x", "1 to 40 characters"},
	}
	for _, tc := range bad {
		_, err := ParseFlag(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseFlag(%q) = %v, want one line containing %q", tc.in, err, tc.want)
		}
	}
}

func TestDedupe(t *testing.T) {
	t.Parallel()
	a, _ := ParseFlag("ollama")
	b, _ := ParseFlag("ollama=http://box:11434")
	c, _ := ParseFlag("ollama=http://other:11434")
	got, err := Dedupe([]Spec{a, b, c})
	if err != nil || got[0].Name != "ollama" || got[1].Name != "ollama2" || got[2].Name != "ollama3" {
		t.Errorf("Dedupe = %+v, %v", got, err)
	}
	x, _ := ParseFlag("lab=pipette=http://a")
	y, _ := ParseFlag("lab=ollama=http://b")
	if _, err := Dedupe([]Spec{x, y}); err == nil || !strings.Contains(err.Error(), `two sources are named "lab"`) {
		t.Errorf("Dedupe(named twice) = %v", err)
	}
}

// A key goes to the source that names its variable, or to the host that
// issued it; never elsewhere.
func TestKeyGoesOnlyWhereItBelongs(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "sk-openai")
	t.Setenv("HF_TOKEN", "hf-token")
	t.Setenv("MY_KEY", "mine")
	tests := []struct {
		spec Spec
		want string
	}{
		{Spec{Kind: "openai", URL: "https://api.openai.com/v1"}, "sk-openai"},
		{Spec{Kind: "openai", URL: "http://127.0.0.1:8080"}, ""},
		{Spec{Kind: "openai", URL: "https://api.openai.com.evil.example/v1"}, ""},
		{Spec{Kind: "hf", URL: "https://huggingface.co"}, "hf-token"},
		{Spec{Kind: "openai", URL: "https://router.huggingface.co/v1"}, "hf-token"},
		{Spec{Kind: "openai", URL: "http://127.0.0.1:8080", KeyEnv: "MY_KEY"}, "mine"},
		{Spec{Kind: "openai", URL: "https://api.openai.com/v1", KeyEnv: "MY_KEY"}, "mine"},
	}
	for _, tc := range tests {
		if got := tc.spec.Key(); got != tc.want {
			t.Errorf("%+v: key %q, want %q", tc.spec, got, tc.want)
		}
	}
}

// ollamaDocs serves the examples of Ollama's API docs (../ollama/testdata)
// on a loopback address that can be stopped and started again.
type ollamaDocs struct {
	addr string
	srv  *http.Server
}

func (o *ollamaDocs) handler(t *testing.T) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := ollamatest.Routes[r.Method+" "+r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		b, err := os.ReadFile(filepath.Join(ollamatest.Dir(), name))
		if err != nil {
			t.Error(err)
		}
		w.Write(b)
	})
}

func (o *ollamaDocs) start(t *testing.T) {
	t.Helper()
	addr := o.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var ln net.Listener
	var err error
	for range 50 { // the port may take a moment to be free again
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	o.addr = ln.Addr().String()
	o.srv = &http.Server{Handler: o.handler(t)}
	go o.srv.Serve(ln)
}

func (o *ollamaDocs) stop() { o.srv.Close() }

func newMerged(t *testing.T, o *ollamaDocs) (*Catalog, *Live) {
	t.Helper()
	l, err := Open(Spec{Name: "ollama", Kind: KindOllama, URL: "http://" + o.addr}, nil)
	if err != nil {
		t.Fatal(err)
	}
	reg := builtin.Registry()
	c, err := NewCatalog(context.Background(), reg, reg, l)
	if err != nil {
		t.Fatal(err)
	}
	return c, l
}

func TestCatalogMergesAndRoutes(t *testing.T) {
	t.Parallel()
	o := &ollamaDocs{}
	o.start(t)
	defer o.stop()
	c, l := newMerged(t, o)
	if st := l.Status(); st.State != catalog.SourceChecking {
		t.Errorf("before any listing: %+v", st)
	}
	entries, err := c.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, e := range entries {
		refs = append(refs, e.Ref.String())
	}
	all := strings.Join(refs, " ")
	if !strings.Contains(all, "nlp/SentimentAnalysis/1.0.0") || !strings.Contains(all, "ollama/llama3.2:latest") ||
		strings.Index(all, "nlp/") > strings.Index(all, "ollama/") {
		t.Errorf("merged listing, sorted by reference: %s", all)
	}
	st := l.Status()
	if st.State != catalog.SourceUp || st.Models != 2 || st.Version != "0.5.1" || st.URL != "http://"+o.addr {
		t.Errorf("status %+v", st)
	}
	if got := c.Statuses(); len(got) != 1 || got[0].Name != "ollama" {
		t.Errorf("Statuses = %+v", got)
	}
	// Built-ins and remote models are called the same way.
	out, err := c.Run(context.Background(), catalog.MustParseRef("nlp/SentimentAnalysis"), catalog.Text("what a great day"))
	if err != nil || out.Value.Kind != catalog.KindJSON {
		t.Errorf("built-in: %+v, %v", out, err)
	}
	var pieces int
	out, err = c.Stream(context.Background(), catalog.MustParseRef("ollama/llama3.2:latest"), catalog.Text("why is the sky blue?"),
		func(catalog.Chunk) error { pieces++; return nil })
	if err != nil || out.Value.Text != "The sky is blue." || pieces != 3 || out.Generation == nil {
		t.Errorf("remote: %+v, %d pieces, %v", out, pieces, err)
	}
	if _, err := c.Get(context.Background(), catalog.MustParseRef("ollama/llama3.2:latest/1.0.0")); catalog.ErrorType(err) != catalog.EntityNotFoundError ||
		!strings.Contains(err.Error(), "has no versions; call it without one") {
		t.Errorf("versioned remote ref: %v", err)
	}
	if _, err := NewCatalog(context.Background(), builtin.Registry(), builtin.Registry(), NewLive(Spec{Name: "nlp", Kind: KindOllama, URL: "http://x"}, l.Backend())); err == nil ||
		!strings.Contains(err.Error(), `source name "nlp" is already an owner of the builtin catalog`) {
		t.Errorf("a source named like a built-in owner: %v", err)
	}
}

// A source that goes down shows as down, with why; its models stay listed,
// marked unavailable; the rest of the catalog works; when the server is
// back, the source comes back by itself.
func TestSourceDownAndBack(t *testing.T) {
	t.Parallel()
	o := &ollamaDocs{}
	o.start(t)
	c, l := newMerged(t, o)
	l.retryMin, l.retryMax = 50*time.Millisecond, 100*time.Millisecond
	ctx := context.Background()
	if _, err := c.List(ctx); err != nil {
		t.Fatal(err)
	}
	o.stop()
	// A call finds it down at once.
	_, err := c.Run(ctx, catalog.MustParseRef("ollama/llama3.2:latest"), catalog.Text("hi"))
	if err == nil || !strings.Contains(err.Error(), "cannot reach ollama at http://"+o.addr+": ") {
		t.Fatalf("call to a stopped server: %v", err)
	}
	st := l.Status()
	if st.State != catalog.SourceDown || !strings.Contains(st.Reason, "cannot reach ollama") {
		t.Errorf("status %+v", st)
	}
	entries, err := c.List(ctx)
	if err != nil {
		t.Fatalf("the catalog fails with its source: %v", err)
	}
	var builtins, unavailable int
	for _, e := range entries {
		switch {
		case e.Ref.Owner == "ollama" && strings.HasPrefix(e.Unavailable, "ollama is down: cannot reach"):
			unavailable++
		case e.Ref.Owner != "ollama":
			builtins++
		}
	}
	if unavailable != 2 || builtins < 10 {
		t.Errorf("while down: %d built-ins, %d unavailable models", builtins, unavailable)
	}
	o.start(t) // the same address
	defer o.stop()
	deadline := time.Now().Add(5 * time.Second)
	for l.Status().State != catalog.SourceUp && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		c.List(ctx)
	}
	if st := l.Status(); st.State != catalog.SourceUp || st.Reason != "" {
		t.Fatalf("did not come back: %+v", st)
	}
	entries, _ = c.List(ctx)
	for _, e := range entries {
		if e.Unavailable != "" && e.Ref.Owner == "ollama" {
			t.Errorf("still unavailable after coming back: %s %s", e.Ref, e.Unavailable)
		}
	}
}

// Discovery finds a server on a usual port only when it answers that
// server's probe, and leaves configured addresses alone.
func TestDiscoverLeavesConfiguredAlone(t *testing.T) {
	t.Parallel()
	configured := []Spec{{Name: "mine", Kind: KindOllama, URL: "http://localhost:11434"}, {Name: "llamacpp", Kind: KindOpenAI, URL: "http://box:9000"}}
	for _, u := range Usual[:2] {
		if !taken(u.Spec, configured) {
			t.Errorf("%s: not taken", u.Spec.Name)
		}
	}
	if taken(Usual[2].Spec, configured) {
		t.Errorf("lmstudio taken")
	}
	start := time.Now()
	Discover(context.Background(), nil, DiscoverBudget)
	if d := time.Since(start); d > DiscoverBudget+20*time.Millisecond {
		t.Errorf("discovery took %s", d)
	}
}

// Discovery adds what answers its probe, leaves out a port where something
// else answers (a pipette serve on 8080 has no /health), and takes no
// longer than its budget when a port holds a server that never answers.
func TestDiscoverFindsByProbe(t *testing.T) {
	t.Parallel()
	o := &ollamaDocs{}
	o.start(t)
	defer o.stop()
	silent, err := net.Listen("tcp", "127.0.0.1:0") // accepts, never answers
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	candidates := []Candidate{
		{Spec{Name: "ollama", Kind: KindOllama, URL: "http://" + o.addr}, "/api/version"},
		{Spec{Name: "llamacpp", Kind: KindOpenAI, URL: "http://" + o.addr}, "/health"}, // another server: 404
		{Spec{Name: "lmstudio", Kind: KindOpenAI, URL: "http://" + silent.Addr().String()}, "/api/v0/models"},
	}
	start := time.Now()
	found := discover(context.Background(), candidates, nil, 200*time.Millisecond)
	if d := time.Since(start); d > time.Second {
		t.Errorf("discovery took %s with a budget of 200ms", d)
	}
	if len(found) != 1 || found[0].Name != "ollama" || !found[0].Discovered {
		t.Errorf("found %+v", found)
	}
	if got := discover(context.Background(), candidates, []Spec{{Name: "mine", Kind: KindOllama, URL: "http://" + o.addr}}, 200*time.Millisecond); len(got) != 0 {
		t.Errorf("a configured address was discovered again: %+v", got)
	}
}

// ListKnown lists without looking for local servers, so the TUI's first
// frame never waits for discovery; the next List looks, once.
func TestListKnownLeavesDiscoveryForLater(t *testing.T) {
	t.Parallel()
	reg := builtin.Registry()
	c, err := NewCatalog(context.Background(), reg, reg)
	if err != nil {
		t.Fatal(err)
	}
	looked := 0
	c.discover = func() { looked++ }
	if !c.Discovering() {
		t.Fatal("discovery to come is not reported")
	}
	if es, err := c.ListKnown(context.Background()); err != nil || len(es) == 0 || looked != 0 || !c.Discovering() {
		t.Fatalf("ListKnown: %d entries, %v; looked %d times", len(es), err, looked)
	}
	for range 2 {
		if _, err := c.List(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if looked != 1 || c.Discovering() {
		t.Errorf("List looked %d times; discovering %v", looked, c.Discovering())
	}
}
