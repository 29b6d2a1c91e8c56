package server

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"pipette/algorithms/builtin"
	"pipette/catalog"
	"pipette/client"
	"pipette/internal/testenv"
)

// Every sample of every built-in algorithm gives the same answer in-process
// and over HTTP: same kind, same wire bytes, or the same error.
func TestRoundTripBuiltins(t *testing.T) {
	testenv.Slow(t) // every sample of every built-in, over HTTP
	t.Parallel()
	reg := builtin.New()
	ts := httptest.NewServer(New(Config{Source: reg, Runner: reg}))
	defer ts.Close()
	local := client.NewLocal(reg, reg)
	remote := client.New(ts.URL, "")
	entries, err := reg.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 {
		t.Skip("no built-in algorithms registered yet")
	}
	samples := 0
	for _, e := range entries {
		if e.Unavailable != "" {
			t.Logf("skip %s: %s", e.Ref.Path(), e.Unavailable)
			continue
		}
		for i, s := range e.Samples {
			if raceEnabled && i > 0 {
				break
			}
			samples++
			t.Run(e.Ref.Path()+"/"+s.Name, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				ref := e.Ref.WithVersion("")
				lr, lerr := local.AlgoRef(ref).WithStdout(true).Pipe(ctx, s.Input)
				rr, rerr := remote.AlgoRef(ref).WithStdout(true).Pipe(ctx, s.Input)
				if lerr != nil || rerr != nil {
					le, re := catalog.AsError(lerr), catalog.AsError(rerr)
					if le == nil || re == nil || le.Type != re.Type || le.Message != re.Message || le.Stack != re.Stack {
						t.Fatalf("errors differ:\n local  %v\n remote %v", lerr, rerr)
					}
					return
				}
				lw, err1 := lr.Value.WireResult()
				rw, err2 := rr.Value.WireResult()
				if err1 != nil || err2 != nil {
					t.Fatalf("wire: %v / %v", err1, err2)
				}
				if lr.ContentType != rr.ContentType || lr.Value.Kind != rr.Value.Kind || !bytes.Equal(lw, rw) {
					// An algorithm whose answers vary run to run cannot be
					// compared; say so rather than fail on it.
					again, err := local.AlgoRef(ref).Pipe(ctx, s.Input)
					if err == nil {
						aw, _ := again.Value.WireResult()
						if !bytes.Equal(aw, lw) {
							t.Skipf("%s answers differently each run", e.Ref)
						}
					}
					t.Fatalf("results differ:\n local  %s %.300s\n remote %s %.300s", lr.ContentType, lw, rr.ContentType, rw)
				}
				// Logs may carry timings, so only their presence must agree.
				if (lr.Stdout == "") != (rr.Stdout == "") {
					t.Errorf("stdout differs: %q vs %q", lr.Stdout, rr.Stdout)
				}
			})
		}
	}
	t.Logf("%d algorithms, %d samples compared", len(entries), samples)
}

// A client's remote Source reads this server's catalog back into the same
// entries the registry holds.
func TestRemoteSourceRoundTrip(t *testing.T) {
	t.Parallel()
	reg := testRegistry(nil)
	s := New(Config{Source: reg, Runner: reg, Keys: []string{"k"}})
	ts := httptest.NewServer(s)
	defer ts.Close()
	src := client.New(ts.URL, "k").Source()
	want, _ := reg.List(context.Background())
	got, err := src.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Ref != w.Ref || g.Tagline != w.Tagline || g.Docs != w.Docs || !slices.Equal(g.Tags, w.Tags) ||
			!slices.Equal(g.VersionNames(), w.VersionNames()) || len(g.Samples) != len(w.Samples) {
			t.Errorf("entry %d: got %+v\nwant %+v", i, g, w)
		}
	}
	e, err := src.Get(context.Background(), catalog.MustParseRef("test/Multi/1.2"))
	if err != nil || e.Ref.Version != "1.2.5" {
		t.Errorf("Get 1.2: %v %v", e.Ref, err)
	}
	_, err = src.Get(context.Background(), catalog.MustParseRef("test/Nope"))
	var ce *catalog.Error
	if !errors.As(err, &ce) || ce.Status != 404 || ce.Code != 1000 {
		t.Errorf("Get unknown: %v", err)
	}
	_, err = client.New(ts.URL, "wrong").Source().List(context.Background())
	if !errors.As(err, &ce) || ce.Status != 401 || ce.Code != 2002 {
		t.Errorf("wrong key: %v", err)
	}
}
