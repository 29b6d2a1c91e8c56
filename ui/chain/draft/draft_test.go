package draft

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// chainYAML is a small chain with n steps.
func chainYAML(name string, steps int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "chain: v1\nname: %s\nversion: 0.1.0\ninput: text\nsteps:\n", name)
	for i := range steps {
		fmt.Fprintf(&b, "  - id: s%d\n    algo: nlp/SentimentAnalysis\n", i)
	}
	return []byte(b.String())
}

func offeredNames(f Found) []string {
	var names []string
	for _, o := range f.Offers {
		names = append(names, o.Chain.Name)
	}
	return names
}

func noErrs(t *testing.T, f Found) {
	t.Helper()
	for _, err := range f.Errs {
		t.Errorf("scan: %v", err)
	}
}

func needFlock(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("drafts are locked with flock, which this system lacks")
	}
}

// TestTwoBuildersKeepTheirOwnDrafts: two builders at once each write their
// own draft, neither sees the other's as an offer nor touches it; once one
// exits, the other is offered its draft.
func TestTwoBuildersKeepTheirOwnDrafts(t *testing.T) {
	t.Parallel()
	needFlock(t)
	dir := t.TempDir()
	a, err := New(dir, "").Start()
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(dir, "").Start()
	if err != nil {
		t.Fatal(err)
	}
	if a.Path() == b.Path() {
		t.Fatalf("two builders share %s", a.Path())
	}
	if err := a.Save(1, chainYAML("me/A", 1)); err != nil {
		t.Fatal(err)
	}
	if err := b.Save(1, chainYAML("me/B", 2)); err != nil {
		t.Fatal(err)
	}
	for _, own := range []*Draft{a, b} {
		found := New(dir, "").Scan(own)
		noErrs(t, found)
		if len(found.Offers) != 0 || len(found.SetAside) != 0 {
			t.Errorf("a running builder's draft was offered: %v", offeredNames(found))
		}
	}
	for d, want := range map[*Draft]string{a: "me/A", b: "me/B"} {
		if data, err := os.ReadFile(d.Path()); err != nil || !strings.Contains(string(data), want) {
			t.Errorf("%s holds %q, %v; want the chain %s", d.Path(), data, err, want)
		}
		if st, err := os.Stat(d.Path()); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("draft %s is not private: %v %v", d.Path(), st.Mode(), err)
		}
	}
	a.Close()
	found := New(dir, "").Scan(b)
	noErrs(t, found)
	if got := offeredNames(found); !slices.Equal(got, []string{"me/A"}) {
		t.Errorf("after A exits, B is offered %v, want [me/A]", got)
	}
	if err := b.Save(2, chainYAML("me/B", 3)); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(found.Offers[0].Path); !strings.Contains(string(data), "me/A") {
		t.Errorf("B's save touched A's draft: %s", data)
	}
}

// TestKilledBuildersDraftIsOffered runs a builder in another process, kills
// it with SIGKILL, and finds its draft offered; while it ran, it was not.
func TestKilledBuildersDraftIsOffered(t *testing.T) {
	t.Parallel()
	needFlock(t)
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldsDraft$")
	cmd.Env = append(os.Environ(), "DRAFT_HELPER_DIR="+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "saved ") {
		t.Fatalf("the helper did not save its draft: %q %v", line, err)
	}
	path := strings.TrimSpace(strings.TrimPrefix(line, "saved "))
	if found := New(dir, "").Scan(nil); len(found.Offers) != 0 {
		t.Fatalf("the running helper's draft was offered: %v", offeredNames(found))
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	found := New(dir, "").Scan(nil)
	noErrs(t, found)
	if len(found.Offers) != 1 || found.Offers[0].Path != path || found.Offers[0].Chain.Name != "me/Killed" {
		t.Fatalf("after SIGKILL, offered %v (want the helper's %s)", offeredNames(found), path)
	}
}

// TestHelperHoldsDraft is the other process of
// TestKilledBuildersDraftIsOffered: it saves a draft and waits.
func TestHelperHoldsDraft(t *testing.T) {
	dir := os.Getenv("DRAFT_HELPER_DIR")
	if dir == "" {
		t.Skip("runs as the helper process of TestKilledBuildersDraftIsOffered")
	}
	d, err := New(dir, "").Start()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Save(1, chainYAML("me/Killed", 2)); err != nil {
		t.Fatal(err)
	}
	fmt.Println("saved " + d.Path())
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n') // until killed
}

// TestUnreadableDraftIsSetAside: a draft that is not a chain is renamed
// with a time, never deleted, never offered, never overwritten — not by the
// next scan, not by a second one set aside in the same second.
func TestUnreadableDraftIsSetAside(t *testing.T) {
	t.Parallel()
	needFlock(t)
	dir := t.TempDir()
	clock := time.Date(2026, 3, 4, 5, 6, 7, 0, time.Local)
	s := New(dir, "")
	s.now = func() time.Time { return clock }
	broken := []byte("chain: v1\nsteps: [\n")
	for _, id := range []string{"one", "two"} {
		if err := os.WriteFile(filepath.Join(dir, id+draftExt), broken, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// What was set aside before, under the name the first would take.
	taken := filepath.Join(dir, "one"+unreadableTag+"20260304-050607.yaml")
	if err := os.WriteFile(taken, []byte("older"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "good"+draftExt), chainYAML("me/Good", 1), 0o600); err != nil {
		t.Fatal(err)
	}
	found := s.Scan(nil)
	noErrs(t, found)
	if got := offeredNames(found); !slices.Equal(got, []string{"me/Good"}) {
		t.Errorf("offered %v, want only me/Good", got)
	}
	if len(found.SetAside) != 2 {
		t.Fatalf("set aside %+v, want the two broken drafts", found.SetAside)
	}
	for _, sa := range found.SetAside {
		if b, err := os.ReadFile(sa.Path); err != nil || string(b) != string(broken) {
			t.Errorf("%s holds %q, %v; want the broken draft as it was", sa.Path, b, err)
		}
		if _, err := os.Stat(sa.Was); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is still where it was", sa.Was)
		}
		if !strings.Contains(sa.Path, "20260304-050607") || sa.Why == nil || !strings.Contains(sa.Why.Error(), "YAML") {
			t.Errorf("set aside as %s because %v; want a time in the name and the YAML error", sa.Path, sa.Why)
		}
	}
	if b, _ := os.ReadFile(taken); string(b) != "older" {
		t.Errorf("the earlier set-aside file was overwritten: %q", b)
	}
	again := s.Scan(nil)
	if len(again.SetAside) != 0 || len(again.Offers) != 1 {
		t.Errorf("a second scan set aside %v and offered %v", again.SetAside, offeredNames(again))
	}
}

// TestLegacyDraftIsMigrated: the draft.yaml of older versions is moved into
// the store, keeping its time, and offered; a broken one is set aside.
func TestLegacyDraftIsMigrated(t *testing.T) {
	t.Parallel()
	needFlock(t)
	for _, tc := range []struct {
		name    string
		data    []byte
		offered bool
	}{
		{"readable", chainYAML("me/Old", 2), true},
		{"broken", []byte("\tnot: [yaml"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			state := t.TempDir()
			legacy := filepath.Join(state, "draft.yaml")
			if err := os.WriteFile(legacy, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			old := time.Now().Add(-48 * time.Hour).Truncate(time.Second)
			if err := os.Chtimes(legacy, old, old); err != nil {
				t.Fatal(err)
			}
			found := New(filepath.Join(state, "drafts"), legacy).Scan(nil)
			noErrs(t, found)
			if _, err := os.Stat(legacy); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("draft.yaml is still there")
			}
			if tc.offered {
				if len(found.Offers) != 1 || found.Offers[0].Chain.Name != "me/Old" || !found.Offers[0].Saved.Equal(old) {
					t.Fatalf("offered %+v, want me/Old saved %v", found.Offers, old)
				}
				return
			}
			if len(found.Offers) != 0 || len(found.SetAside) != 1 {
				t.Fatalf("offered %v, set aside %v", offeredNames(found), found.SetAside)
			}
			if b, _ := os.ReadFile(found.SetAside[0].Path); string(b) != string(tc.data) {
				t.Errorf("the broken legacy draft was not kept as it was: %q", b)
			}
		})
	}
}

// TestOffersNewestFirst: several drafts left by builders that exited come
// newest first; an empty chain is not offered.
func TestOffersNewestFirst(t *testing.T) {
	t.Parallel()
	needFlock(t)
	dir := t.TempDir()
	base := time.Now().Add(-time.Hour)
	for i, name := range []string{"me/Oldest", "me/Newest", "me/Middle"} {
		path := filepath.Join(dir, fmt.Sprintf("d%d%s", i, draftExt))
		if err := os.WriteFile(path, chainYAML(name, 1), 0o600); err != nil {
			t.Fatal(err)
		}
		at := base.Add(time.Duration([]int{0, 20, 10}[i]) * time.Minute)
		if err := os.Chtimes(path, at, at); err != nil {
			t.Fatal(err)
		}
	}
	empty := filepath.Join(dir, "empty"+draftExt)
	if err := os.WriteFile(empty, chainYAML("me/Empty", 0), 0o600); err != nil {
		t.Fatal(err)
	}
	found := New(dir, "").Scan(nil)
	noErrs(t, found)
	if got := offeredNames(found); !slices.Equal(got, []string{"me/Newest", "me/Middle", "me/Oldest"}) {
		t.Errorf("offered %v, want newest first", got)
	}
	if _, err := os.Stat(empty); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the empty draft was kept")
	}
}

// TestAdoptAndDiscard: a restored draft becomes the builder's own (saves go
// to it, nobody else is offered it, a second taker is refused); a discarded
// one is set aside and no longer offered.
func TestAdoptAndDiscard(t *testing.T) {
	t.Parallel()
	needFlock(t)
	dir := t.TempDir()
	for _, name := range []string{"left", "thrown"} {
		if err := os.WriteFile(filepath.Join(dir, name+draftExt), chainYAML("me/"+name, 1), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	me, err := New(dir, "").Start()
	if err != nil {
		t.Fatal(err)
	}
	other, err := New(dir, "").Start()
	if err != nil {
		t.Fatal(err)
	}
	// This builder had written something before restoring: it is kept.
	if err := me.Save(1, chainYAML("me/Before", 1)); err != nil {
		t.Fatal(err)
	}
	before := me.Path()
	found := New(dir, "").Scan(me)
	byName := map[string]Offer{}
	for _, o := range found.Offers {
		byName[o.Chain.Name] = o
	}
	if err := me.Adopt(byName["me/left"], 5); err != nil {
		t.Fatal(err)
	}
	if err := other.Adopt(byName["me/left"], 1); !errors.Is(err, ErrTaken) {
		t.Errorf("a second builder adopted a taken draft: %v", err)
	}
	if me.Path() != byName["me/left"].Path {
		t.Errorf("after adopting, saves go to %s", me.Path())
	}
	// A save of the chain the builder had before, landing late.
	if err := me.Save(4, chainYAML("me/Stale", 1)); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(me.Path()); !strings.Contains(string(b), "me/left") {
		t.Errorf("a save older than the restore was written over the adopted draft:\n%s", b)
	}
	if err := me.Save(6, chainYAML("me/left", 2)); err != nil {
		t.Fatal(err)
	}
	where, err := New(dir, "").Discard(byName["me/thrown"])
	if err != nil || !strings.Contains(where, discardedTag) {
		t.Fatalf("discard: %s %v", where, err)
	}
	if b, _ := os.ReadFile(where); !strings.Contains(string(b), "me/thrown") {
		t.Errorf("the discarded draft is not kept at %s", where)
	}
	found = New(dir, "").Scan(other)
	if got := offeredNames(found); !slices.Equal(got, []string{"me/Before"}) {
		t.Errorf("offered %v; want only what this builder had before restoring (%s)", got, before)
	}
	me.Close()
	found = New(dir, "").Scan(other)
	if got := offeredNames(found); len(got) != 2 {
		t.Errorf("after the builder exits, offered %v; want its restored draft and its earlier one", got)
	}
}

// TestSaveOrderAndNoLeftovers: an older save landing late is dropped, and a
// builder that saved nothing leaves no file.
func TestSaveOrderAndNoLeftovers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d, err := New(dir, "").Start()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Save(2, chainYAML("me/New", 1)); err != nil {
		t.Fatal(err)
	}
	if err := d.Save(1, chainYAML("me/Old", 1)); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(d.Path()); !strings.Contains(string(b), "me/New") {
		t.Errorf("an older save replaced a newer one: %s", b)
	}
	d.Close()
	if err := d.Save(3, chainYAML("me/After", 1)); err == nil {
		t.Errorf("a closed draft saved")
	}
	idle, err := New(dir, "").Start()
	if err != nil {
		t.Fatal(err)
	}
	idle.Close()
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 2 {
		t.Errorf("files left: %v; want the saved draft and its lock only", names)
	}
}

// TestDiscardedArePruned keeps the newest discarded drafts only.
func TestDiscardedArePruned(t *testing.T) {
	t.Parallel()
	needFlock(t)
	dir := t.TempDir()
	s := New(dir, "")
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.Local)
	s.now = func() time.Time { clock = clock.Add(time.Minute); return clock }
	for i := range keepDiscarded + 3 {
		id := fmt.Sprintf("d%02d", i)
		if err := os.WriteFile(filepath.Join(dir, id+draftExt), chainYAML("me/D", 1), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Discard(Offer{ID: id, Path: filepath.Join(dir, id+draftExt)}); err != nil {
			t.Fatal(err)
		}
	}
	entries, _ := os.ReadDir(dir)
	var kept []string
	for _, e := range entries {
		kept = append(kept, e.Name())
	}
	if len(kept) != keepDiscarded || slices.ContainsFunc(kept, func(n string) bool { return strings.HasPrefix(n, "d00") || strings.HasPrefix(n, "d02") }) {
		t.Errorf("kept %v; want the newest %d", kept, keepDiscarded)
	}
}
