package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"pipette/catalog"
	"pipette/client"
)

func listPage(t *testing.T, u string, headers ...string) client.Page[client.AlgorithmJSON] {
	t.Helper()
	a := get(t, u, headers...)
	if a.status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", u, a.status, a.body)
	}
	var p client.Page[client.AlgorithmJSON]
	if err := json.Unmarshal(a.body, &p); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	// The paged shape always has the three keys, null when there is no next page.
	m := a.json(t)
	for _, k := range []string{"marker", "next_link", "results"} {
		if _, ok := m[k]; !ok {
			t.Errorf("page lacks %q: %s", k, a.body)
		}
	}
	return p
}

func names(p client.Page[client.AlgorithmJSON]) []string {
	var out []string
	for _, a := range p.Results {
		out = append(out, a.Owner+"/"+a.Name)
	}
	return out
}

func TestCatalogPaging(t *testing.T) {
	t.Parallel()
	s, ts, _ := newTest(t, nil)
	all, err := s.src.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range all {
		want = append(want, e.Ref.Path())
	}

	first := listPage(t, ts.URL+"/v1/algorithms")
	if got := names(first); !slices.Equal(got, want) || first.Marker != nil || first.NextLink != nil {
		t.Fatalf("default page: %v marker %v, want %v and no marker", got, first.Marker, want)
	}

	var got []string
	u := ts.URL + "/v1/algorithms?limit=3"
	pages := 0
	for u != "" {
		p := listPage(t, u)
		pages++
		got = append(got, names(p)...)
		if p.NextLink == nil {
			if p.Marker != nil {
				t.Errorf("marker %q without a next_link", *p.Marker)
			}
			break
		}
		if p.Marker == nil || len(p.Results) != 3 {
			t.Fatalf("page %d: %d results, marker %v", pages, len(p.Results), p.Marker)
		}
		nl, err := url.Parse(*p.NextLink)
		if err != nil || nl.Query().Get("marker") != *p.Marker || nl.Host != strings.TrimPrefix(ts.URL, "http://") {
			t.Fatalf("next_link %q does not carry marker %q on this host", *p.NextLink, *p.Marker)
		}
		u = *p.NextLink
	}
	if !slices.Equal(got, want) {
		t.Errorf("paged through %v, want %v", got, want)
	}
	if wantPages := (len(want) + 2) / 3; pages != wantPages {
		t.Errorf("%d pages, want %d", pages, wantPages)
	}

	// A marker past the end is an empty last page, not an error.
	end := listPage(t, ts.URL+"/v1/algorithms?marker="+encodeMarker(1000))
	if len(end.Results) != 0 || end.Marker != nil {
		t.Errorf("past the end: %v", names(end))
	}
	for _, q := range []string{"limit=0", "limit=1001", "limit=x", "marker=garbage", "marker=" + url.QueryEscape(encodeMarker(-1))} {
		wantPlatformError(t, get(t, ts.URL+"/v1/algorithms?"+q), http.StatusBadRequest, 0, "InputError")
	}
	if p := listPage(t, ts.URL+"/v1/algorithms?limit=1000"); len(p.Results) != len(want) {
		t.Errorf("limit=1000 gave %d", len(p.Results))
	}
}

func TestCatalogSearchAndTags(t *testing.T) {
	t.Parallel()
	_, ts, _ := newTest(t, nil)
	p := listPage(t, ts.URL+"/v1/algorithms?q=multi")
	if got := names(p); len(got) == 0 || got[0] != "test/Multi" {
		t.Errorf("q=multi: %v, want test/Multi first", got)
	}
	p = listPage(t, ts.URL+"/v1/algorithms?q=zzzzqqq")
	if len(p.Results) != 0 || p.Results == nil {
		t.Errorf("no match: %v (results must be [] not null)", names(p))
	}
	p = listPage(t, ts.URL+"/v1/algorithms?tag=slow")
	if got := names(p); !slices.Equal(got, []string{"test/Sleep", "test/Slow", "test/Stubborn"}) {
		t.Errorf("tag=slow: %v", got)
	}
	p = listPage(t, ts.URL+"/v1/algorithms?tag=SLOW&q=slow")
	if got := names(p); len(got) != 3 || got[0] != "test/Slow" {
		t.Errorf("tag and q: %v, want the three slow ones with test/Slow first", got)
	}
	// Search results page like any list.
	p = listPage(t, ts.URL+"/v1/algorithms?tag=slow&limit=2")
	if len(p.Results) != 2 || p.NextLink == nil || !strings.Contains(*p.NextLink, "tag=slow") {
		t.Fatalf("first page of tag=slow: %v next %v", names(p), p.NextLink)
	}
	p2 := listPage(t, *p.NextLink)
	if got := names(p2); !slices.Equal(got, []string{"test/Stubborn"}) || p2.NextLink != nil {
		t.Errorf("second page: %v", got)
	}
}

func TestCatalogAlgorithm(t *testing.T) {
	t.Parallel()
	_, ts, _ := newTest(t, nil)
	a := get(t, ts.URL+"/v1/algorithms/test/Multi")
	var obj client.AlgorithmJSON
	if err := json.Unmarshal(a.body, &obj); err != nil || a.status != 200 {
		t.Fatalf("%d %s", a.status, a.body)
	}
	if obj.Name != "Multi" || obj.Owner != "test" || obj.ResourceType != "algorithm" ||
		obj.VersionInfo.SemanticVersion != "2.0.0" || obj.VersionInfo.ReleaseNotes != "release 2.0.0" ||
		obj.SelfLink != ts.URL+"/v1/algorithms/test/Multi" || obj.VersionInfo.SampleInput != "hello" ||
		!slices.Equal(obj.Versions, []string{"2.0.0", "1.2.5", "1.2.0", "1.0.0"}) {
		t.Errorf("object %+v", obj)
	}
	for v, want := range map[string]string{"1.2": "1.2.5", "1.*": "1.2.5", "1.0.0": "1.0.0", "latest": "2.0.0"} {
		a := get(t, ts.URL+"/v1/algorithms/test/Multi?version="+url.QueryEscape(v))
		var obj client.AlgorithmJSON
		if err := json.Unmarshal(a.body, &obj); err != nil || obj.VersionInfo.SemanticVersion != want {
			t.Errorf("version=%s: %s", v, a.body)
		}
		if obj.SelfLink != ts.URL+"/v1/algorithms/test/Multi?version="+want {
			t.Errorf("version=%s: self_link %q", v, obj.SelfLink)
		}
	}
	a = get(t, ts.URL+"/v1/algorithms/test/Multi", "X-Forwarded-Proto: https")
	if err := json.Unmarshal(a.body, &obj); err != nil || !strings.HasPrefix(obj.SelfLink, "https://") {
		t.Errorf("behind a TLS proxy: self_link %q", obj.SelfLink)
	}
	msg := wantPlatformError(t, get(t, ts.URL+"/v1/algorithms/nlp/Nope"), 404, 1000, "EntityNotFoundError")
	if msg != "algorithm algo://nlp/Nope not found" {
		t.Errorf("message %q", msg)
	}
	wantPlatformError(t, get(t, ts.URL+"/v1/algorithms/test/Multi?version=9.9"), 404, 1000, "EntityNotFoundError")
	wantPlatformError(t, get(t, ts.URL+"/v1/algorithms/test/Multi?version=x.y"), 404, 1000, "EntityNotFoundError")
}

func TestCatalogVersions(t *testing.T) {
	t.Parallel()
	_, ts, _ := newTest(t, nil)
	read := func(u string) client.Page[client.VersionJSON] {
		a := get(t, u)
		var p client.Page[client.VersionJSON]
		if err := json.Unmarshal(a.body, &p); err != nil || a.status != 200 {
			t.Fatalf("%s: %d %s", u, a.status, a.body)
		}
		return p
	}
	p := read(ts.URL + "/v1/algorithms/test/Multi/versions")
	var got []string
	for _, v := range p.Results {
		got = append(got, v.SemanticVersion)
		if v.ReleaseNotes != "release "+v.SemanticVersion || v.SelfLink != ts.URL+"/v1/algorithms/test/Multi?version="+v.SemanticVersion {
			t.Errorf("row %+v", v)
		}
	}
	if !slices.Equal(got, []string{"2.0.0", "1.2.5", "1.2.0", "1.0.0"}) || p.Marker != nil {
		t.Errorf("versions %v", got)
	}
	p = read(ts.URL + "/v1/algorithms/test/Multi/versions?limit=3")
	if len(p.Results) != 3 || p.NextLink == nil {
		t.Fatalf("limit=3: %+v", p)
	}
	p = read(*p.NextLink)
	if len(p.Results) != 1 || p.Results[0].SemanticVersion != "1.0.0" || p.NextLink != nil {
		t.Errorf("second page %+v", p)
	}
	wantPlatformError(t, get(t, ts.URL+"/v1/algorithms/nlp/Nope/versions"), 404, 1000, "EntityNotFoundError")
}

// countingSource counts List calls and can fail them.
type countingSource struct {
	catalog.Source
	lists atomic.Int64
	fail  atomic.Bool
	panic atomic.Bool
}

func (c *countingSource) List(ctx context.Context) ([]catalog.Entry, error) {
	c.lists.Add(1)
	if c.panic.Load() {
		panic("source exploded")
	}
	if c.fail.Load() {
		return nil, errors.New("remote catalog unreachable")
	}
	return c.Source.List(ctx)
}

func TestCatalogListingIsCached(t *testing.T) {
	t.Parallel()
	src := &countingSource{Source: testRegistry(nil)}
	s := New(Config{Source: src, Runner: testRegistry(nil)})
	ts := newHTTPTest(t, s)
	for i := 0; i < 5; i++ {
		listPage(t, ts+"/v1/algorithms?limit=2")
	}
	if n := src.lists.Load(); n != 1 {
		t.Errorf("List called %d times for 5 pages, want 1", n)
	}
	// A failing refresh keeps serving the last good listing.
	src.fail.Store(true)
	stale := *s.catalog.snap.Load()
	stale.at = stale.at.Add(-2 * catalogTTL)
	s.catalog.snap.Store(&stale)
	if p := listPage(t, ts+"/v1/algorithms"); len(p.Results) == 0 {
		t.Error("stale listing not served while the source fails")
	}
}

func TestCatalogSourceFailures(t *testing.T) {
	t.Parallel()
	src := &countingSource{Source: testRegistry(nil)}
	src.fail.Store(true)
	s := New(Config{Source: src, Runner: testRegistry(nil)})
	ts := newHTTPTest(t, s)
	msg := wantPlatformError(t, get(t, ts+"/v1/algorithms"), http.StatusServiceUnavailable, 0, "AlgorithmError")
	if !strings.Contains(msg, "remote catalog unreachable") {
		t.Errorf("message %q", msg)
	}
	// The failure is remembered briefly rather than retried on every request.
	wantPlatformError(t, get(t, ts+"/v1/algorithms"), http.StatusServiceUnavailable, 0, "AlgorithmError")
	if n := src.lists.Load(); n != 1 {
		t.Errorf("a failing source was asked %d times within %s", n, failRetry)
	}
	forget := func() {
		s.catalog.mu.Lock()
		s.catalog.failAt = s.catalog.failAt.Add(-2 * failRetry)
		s.catalog.mu.Unlock()
	}
	// A panic in the source is caught by the guard: a 500, and the server
	// keeps serving.
	forget()
	src.panic.Store(true)
	wantPlatformError(t, get(t, ts+"/v1/algorithms"), http.StatusInternalServerError, 0, "AlgorithmError")
	src.panic.Store(false)
	src.fail.Store(false)
	forget()
	if p := listPage(t, ts+"/v1/algorithms"); len(p.Results) == 0 {
		t.Error("no listing after the source recovered")
	}
}
