package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pipette/client"
	"pipette/ui/dialog"
)

// builderIn is a pipette started on the state directory state (its drafts
// in state/drafts), closed when the test ends.
func builderIn(t *testing.T, state string, opt Options) *Model {
	t.Helper()
	reg := testRegistry()
	opt.DraftPath = filepath.Join(state, "draft.yaml")
	m := newChainModelWith(t, client.NewLocal(reg, reg), 100, 30, opt)
	t.Cleanup(m.builder.Close)
	return m
}

// ownDraft is what the builder's own draft file holds.
func ownDraft(t *testing.T, m *Model) string {
	t.Helper()
	b, err := os.ReadFile(m.builder.DraftPath())
	if err != nil {
		t.Fatalf("the builder's draft: %v", err)
	}
	return string(b)
}

// leaveDraft puts a draft in state/drafts as a pipette that exited would.
func leaveDraft(t *testing.T, state, id, yaml string) string {
	t.Helper()
	dir := filepath.Join(state, "drafts")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, id+".draft.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestChainTwoBuildersDrafts: two pipettes at once keep a draft each;
// neither is offered the other's while it runs nor writes over it; once one
// has gone (quit or killed: its lock goes either way), the next pipette is
// offered its draft and not the running one's.
func TestChainTwoBuildersDrafts(t *testing.T) {
	state := t.TempDir()
	a := builderIn(t, state, Options{})
	b := builderIn(t, state, Options{})
	addSteps(t, a, "test/Shout")
	addSteps(t, b, "test/WordCount", "test/Shout")
	addSteps(t, a, "test/Shout")
	if a.builder.DraftPath() == b.builder.DraftPath() {
		t.Fatalf("both write %s", a.builder.DraftPath())
	}
	if got := ownDraft(t, a); !strings.Contains(got, "id: shout2") || strings.Contains(got, "wordcount") {
		t.Errorf("a's draft:\n%s", got)
	}
	if got := ownDraft(t, b); !strings.Contains(got, "id: wordcount") || strings.Contains(got, "shout2") {
		t.Errorf("b's draft was clobbered:\n%s", got)
	}
	if a.dialog != nil || b.dialog != nil {
		t.Errorf("a running pipette's draft was offered")
	}
	a.builder.Close()
	c := builderIn(t, state, Options{})
	s := plainScreen(c)
	if _, ok := dialogIs[*dialog.Confirm](c); !ok || !strings.Contains(s, "shout → shout2") || strings.Contains(s, "wordcount") {
		t.Fatalf("the third pipette should be offered a's draft only:\n%s", s)
	}
}

// TestChainBrokenDraftSetAside: a draft that is not a chain is set aside
// with a time, the status line says where, and the next edit does not
// write over it.
func TestChainBrokenDraftSetAside(t *testing.T) {
	state := t.TempDir()
	broken := "chain: v1\nsteps: [\n  - id: cut short by a crash"
	leaveDraft(t, state, "broken", broken)
	// Two broken ones are one line.
	two := t.TempDir()
	leaveDraft(t, two, "b1", broken)
	leaveDraft(t, two, "b2", broken)
	if m2 := builderIn(t, two, Options{}); !strings.Contains(m2.status.Text(), "2 drafts could not be read and were set aside in "+filepath.Join(two, "drafts")) {
		t.Errorf("two broken drafts: status %q", m2.status.Text())
	}
	m := builderIn(t, state, Options{})
	aside, _ := filepath.Glob(filepath.Join(state, "drafts", "broken.unreadable-*.yaml"))
	if len(aside) != 1 {
		t.Fatalf("set aside: %v", aside)
	}
	if !strings.Contains(m.status.Text(), "set aside as "+aside[0]) {
		t.Errorf("the status line does not say where the draft went: %q", m.status.Text())
	}
	addSteps(t, m, "test/Shout")
	if b, _ := os.ReadFile(aside[0]); string(b) != broken {
		t.Errorf("the broken draft changed:\n%s", b)
	}
	if m.dialog != nil {
		t.Errorf("a broken draft was offered")
	}
}

// TestChainDraftsNewestFirst: the drafts left behind are offered newest
// first, the next one after a discard.
func TestChainDraftsNewestFirst(t *testing.T) {
	state := t.TempDir()
	for i, name := range []string{"Old", "New", "Mid"} {
		path := leaveDraft(t, state, "d"+name, "chain: v1\nname: me/"+name+"\nversion: 1.0.0\ninput: text\nsteps:\n  - id: s"+name+"\n    algo: test/Shout/1.0.0\n")
		at := testTime.Add(time.Duration([]int{1, 3, 2}[i]) * time.Hour)
		if err := os.Chtimes(path, at, at); err != nil {
			t.Fatal(err)
		}
	}
	m := builderIn(t, state, Options{})
	assertFits(t, m)
	if s := plainScreen(m); !strings.Contains(s, "2 drafts older") || strings.Index(s, "me/Mid · ") > strings.Index(s, "me/Old · ") {
		t.Errorf("the first offer does not list the older drafts in order:\n%s", s)
	}
	var order []string
	for range 3 {
		s := plainScreen(m)
		// The draft offered is the first named.
		first, at := "", len(s)
		for _, name := range []string{"me/New", "me/Mid", "me/Old"} {
			if i := strings.Index(s, name+" · "); i >= 0 && i < at {
				first, at = name, i
			}
		}
		order = append(order, first)
		press(t, m, "d")
	}
	if got := strings.Join(order, " "); got != "me/New me/Mid me/Old" {
		t.Errorf("offered %q, want newest first", got)
	}
}

const commentedChain = `# Loud, then counted.
chain: v1   # the format
name: me/Commented
version: 1.0.0
input: text
steps:
  # Shout first.
  - id: shout   # the loud one
    algo: test/Shout/1.0.0

  # Then count.
  - id: count
    algo: test/WordCount/1.0.0
    input: '{text: .steps.shout}'   # a mapping
# The end.
`

// openChain starts a builder on a chain file holding src.
func openChain(t *testing.T, src string) (*Model, string) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "chain.yaml")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return builderIn(t, filepath.Join(dir, "state"), Options{ChainFile: file}), file
}

// TestChainSaveKeepsComments: ctrl+s over a commented file keeps every
// comment and changes only the edited lines; so does the draft.
func TestChainSaveKeepsComments(t *testing.T) {
	m, file := openChain(t, commentedChain)
	press(t, m, "l", "n")
	retype(t, m, "words")
	if b := ownDraft(t, m); !strings.Contains(b, "# Shout first.") || !strings.Contains(b, "id: words") {
		t.Errorf("the draft lost the file's comments:\n%s", b)
	}
	press(t, m, "ctrl+s")
	b, _ := os.ReadFile(file)
	if want := strings.Replace(commentedChain, "id: count", "id: words", 1); string(b) != want {
		t.Errorf("saved:\n%s\nwant:\n%s", b, want)
	}
	if !strings.Contains(m.status.Text(), "saved the chain to "+file) {
		t.Errorf("status %q", m.status.Text())
	}
	// Saving again, the file unchanged on disk since, asks nothing.
	press(t, m, "N")
	retype(t, m, "me/Renamed")
	press(t, m, "ctrl+s")
	if m.dialog != nil {
		t.Fatalf("a second save asked:\n%s", plainScreen(m))
	}
	if b, _ := os.ReadFile(file); !strings.Contains(string(b), "name: me/Renamed\n") || !strings.Contains(string(b), "# The end.") {
		t.Errorf("second save:\n%s", b)
	}
}

// TestChainSaveAsksWhenChangedOnDisk: ctrl+s over a file changed since it
// was opened asks; enter and n leave it, a offers another path, y replaces.
func TestChainSaveAsksWhenChangedOnDisk(t *testing.T) {
	m, file := openChain(t, commentedChain)
	press(t, m, "l", "n")
	retype(t, m, "words")
	changed := commentedChain + "# Added in an editor.\n"
	if err := os.WriteFile(file, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	press(t, m, "ctrl+s")
	if !strings.Contains(plainScreen(m), "changed on disk since it was opened") {
		t.Fatalf("no question:\n%s", plainScreen(m))
	}
	press(t, m, "enter") // enter cancels: replacing takes y
	if b, _ := os.ReadFile(file); string(b) != changed || m.dialog != nil {
		t.Fatalf("enter wrote the file or left the question open:\n%s", b)
	}
	press(t, m, "ctrl+s", "n")
	if b, _ := os.ReadFile(file); string(b) != changed {
		t.Fatalf("n wrote the file:\n%s", b)
	}
	press(t, m, "ctrl+s", "a")
	if p := prompt(t, m); p.Value() != file {
		t.Fatalf("a did not offer save as: %q", p.Value())
	}
	press(t, m, "esc", "ctrl+s", "y")
	if b, _ := os.ReadFile(file); !strings.Contains(string(b), "id: words") || strings.Contains(string(b), "Added in an editor") {
		t.Errorf("y did not replace the file:\n%s", b)
	}
}

// TestChainSaveAs: S writes the chain to another file (comments kept),
// which becomes the chain's file; the path typed replaces the suggested one
// at the first key; an existing file is replaced only after y.
func TestChainSaveAs(t *testing.T) {
	m, file := openChain(t, commentedChain)
	other := filepath.Join(filepath.Dir(file), "other.yaml")
	if err := os.WriteFile(other, []byte("keep me\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	press(t, m, "S", "type:"+other, "enter")
	if !strings.Contains(plainScreen(m), other+" already exists") {
		t.Fatalf("no question before replacing another file:\n%s", plainScreen(m))
	}
	press(t, m, "n")
	if b, _ := os.ReadFile(other); string(b) != "keep me\n" {
		t.Fatalf("replaced without a yes: %s", b)
	}
	fresh := filepath.Join(filepath.Dir(file), "fresh.yaml")
	press(t, m, "S", "type:"+fresh, "enter")
	if b, _ := os.ReadFile(fresh); string(b) != commentedChain {
		t.Errorf("save as did not keep the layout:\n%s", b)
	}
	press(t, m, "ctrl+s")
	if m.dialog != nil || !strings.Contains(m.status.Text(), "saved the chain to "+fresh) {
		t.Errorf("ctrl+s after save as should write the new file without asking: %q\n%s", m.status.Text(), plainScreen(m))
	}
}

// TestSaveOutputAsks: w over an existing file asks, and into a folder that
// does not exist asks before creating it.
func TestSaveOutputAsks(t *testing.T) {
	m := newTestModel(t, 100, 30, "dark")
	selectRef(t, m, "test/Shout")
	press(t, m, "enter", "2", "r")
	dir := t.TempDir()
	existing := filepath.Join(dir, "out.txt")
	if err := os.WriteFile(existing, []byte("before"), 0o644); err != nil {
		t.Fatal(err)
	}
	press(t, m, "w")
	retype(t, m, existing)
	if !strings.Contains(plainScreen(m), "already exists") {
		t.Fatalf("w over a file did not ask:\n%s", plainScreen(m))
	}
	press(t, m, "n")
	if b, _ := os.ReadFile(existing); string(b) != "before" {
		t.Fatalf("n wrote: %s", b)
	}
	press(t, m, "w")
	retype(t, m, existing)
	press(t, m, "y")
	if b, _ := os.ReadFile(existing); string(b) != "HELLO PIPETTE" {
		t.Errorf("y did not write the output: %q", b)
	}

	nested := filepath.Join(dir, "new", "deeper", "out.txt")
	press(t, m, "w")
	retype(t, m, nested)
	if !strings.Contains(plainScreen(m), "Create the folder "+filepath.Join(dir, "new")) {
		t.Fatalf("no question before creating folders:\n%s", plainScreen(m))
	}
	press(t, m, "esc")
	if _, err := os.Stat(filepath.Join(dir, "new")); err == nil {
		t.Fatal("esc created the folder")
	}
	press(t, m, "w")
	retype(t, m, nested)
	press(t, m, "y")
	if b, _ := os.ReadFile(nested); string(b) != "HELLO PIPETTE" {
		t.Errorf("the output is not in the new folder: %q", b)
	}
}
