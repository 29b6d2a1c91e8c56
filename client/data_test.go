package client_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"pipette/algorithms"
	"pipette/catalog"
	"pipette/client"
	"pipette/data"
	"pipette/server"
)

// dataClients are an in-process client over a folder store and a remote
// one over a server with a store of its own: the helpers behave the same.
func dataClients(t *testing.T) map[string]*client.Client {
	t.Helper()
	reg := algorithms.NewRegistry("test")
	dir := t.TempDir()
	local := client.NewLocal(reg, reg, client.WithStore(func() (*data.Store, error) {
		return data.Open(context.Background(), dir, data.Options{PageSize: 2})
	}))
	st, err := data.Open(context.Background(), "mem://", data.Options{PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ts := httptest.NewServer(server.New(server.Config{Source: reg, Runner: reg, Data: st, Keys: []string{"k"}}))
	t.Cleanup(ts.Close)
	return map[string]*client.Client{"local": local, "remote": client.New(ts.URL, "k")}
}

func TestDataHelpers(t *testing.T) {
	t.Parallel()
	for name, c := range dataClients(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			robots := c.Dir("data://.my/robots")
			if ok, err := robots.Exists(ctx); ok || err != nil {
				t.Fatalf("Exists before Create: %v %v", ok, err)
			}
			if err := robots.Create(ctx, nil); err != nil {
				t.Fatal(err)
			}
			if ok, err := robots.Exists(ctx); !ok || err != nil {
				t.Fatalf("Exists after Create: %v %v", ok, err)
			}
			if err := robots.Dir("friendly").Create(ctx, nil); err != nil {
				t.Fatal(err)
			}
			for i, content := range []any{"Leader of the Autobots", []byte{0, 1, 0xff}, strings.NewReader("streamed")} {
				if err := robots.File(fmt.Sprintf("f%d", i)).Put(ctx, content); err != nil {
					t.Fatalf("Put %T: %v", content, err)
				}
			}
			if err := robots.File("j.json").PutJSON(ctx, map[string]int{"a": 1}); err != nil {
				t.Fatal(err)
			}
			if got, err := c.File("data://.my/robots/f0").Get(ctx); err != nil || string(got) != "Leader of the Autobots" {
				t.Errorf("Get: %q %v", got, err)
			}
			if got, _ := robots.File("f1").Get(ctx); string(got) != "\x00\x01\xff" {
				t.Errorf("binary Get: %q", got)
			}
			if got, _ := robots.File("j.json").Get(ctx); string(got) != `{"a":1}` {
				t.Errorf("PutJSON stored %q", got)
			}
			if ok, err := robots.File("f2").Exists(ctx); !ok || err != nil {
				t.Errorf("file Exists: %v %v", ok, err)
			}
			if ok, _ := c.File("data://.my/robots").Exists(ctx); ok {
				t.Error("a directory Exists as a file")
			}
			// List pages through (page size 2) and yields every entry once.
			var names []string
			for e, err := range robots.List(ctx) {
				if err != nil {
					t.Fatal(err)
				}
				if !e.Dir && (e.Size == 0 || time.Since(e.LastModified) > time.Hour) {
					t.Errorf("entry %+v", e)
				}
				names = append(names, fmt.Sprint(e.Name, e.Dir))
			}
			slices.Sort(names)
			if fmt.Sprint(names) != "[f0false f1false f2false friendlytrue j.jsonfalse]" {
				t.Errorf("List: %v", names)
			}
			// Errors are the API's sentences.
			_, err := c.File("data://.my/robots/none").Get(ctx)
			if e := catalog.AsError(err); e == nil || e.Status != 404 || !strings.Contains(e.Message, "does not exist") {
				t.Errorf("Get missing: %v", err)
			}
			if _, err := robots.Delete(ctx, false); err == nil || !strings.Contains(err.Error(), "not empty") {
				t.Errorf("Delete non-empty: %v", err)
			}
			if err := robots.File("f0").Delete(ctx); err != nil {
				t.Fatal(err)
			}
			if n, err := robots.Delete(ctx, true); err != nil || n != 3 {
				t.Errorf("Delete force: %d %v", n, err)
			}
			for _, err := range c.Dir("data://.my/robots").List(ctx) {
				if err == nil || !strings.Contains(err.Error(), "does not exist") {
					t.Errorf("List of a deleted dir: %v", err)
				}
			}
			if err := c.File("data://.my/../x").Put(ctx, "x"); err == nil || !strings.Contains(err.Error(), `".."`) {
				t.Errorf("traversal Put: %v", err)
			}
			if err := c.File("data://.my/x").Put(ctx, 42); err == nil {
				t.Error("Put of an int was accepted")
			}
		})
	}
	reg := algorithms.NewRegistry("test")
	_, err := client.NewLocal(reg, reg).File("data://.my/x").Get(context.Background())
	if err == nil || !strings.Contains(err.Error(), "no data store") {
		t.Errorf("a client without a store: %v", err)
	}
}
