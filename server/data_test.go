package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"pipette/algorithms"
	"pipette/catalog"
	"pipette/data"
)

const key1, key2 = "first-key", "second-key"

// newDataTest starts a server with keys key1 and key2 over a fresh store:
// a folder, or mem:// when where says so.
func newDataTest(t *testing.T, where string, opt data.Options, edit func(*Config)) (*data.Store, string) {
	t.Helper()
	if where == "" {
		where = t.TempDir()
	}
	store, err := data.Open(context.Background(), where, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	_, ts, _ := newTest(t, func(c *Config) {
		c.Data, c.Keys = store, []string{key1, key2}
		if edit != nil {
			edit(c)
		}
	})
	return store, ts.URL
}

func send(t *testing.T, method, u, body string, headers ...string) answer {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	setHeaders(req, headers)
	return do(t, req)
}

func as(key string) string { return "Authorization: Simple " + key }

// wantDataError checks a Data API error: its status, the API's error body
// and the same message in X-Error-Message, and returns the message.
func wantDataError(t *testing.T, a answer, status int, errorType, words string) {
	t.Helper()
	msg := wantPlatformError(t, a, status, 0, errorType)
	if !strings.Contains(msg, words) {
		t.Errorf("message %q does not say %q", msg, words)
	}
}

func TestDataFiles(t *testing.T) {
	t.Parallel()
	_, base := newDataTest(t, "", data.Options{}, nil)
	f := base + "/v1/data/.my/robots/Optimus_Prime.txt"

	a := send(t, "PUT", f, "Leader of the Autobots", as(key1))
	if a.status != 200 || compactJSON(t, string(a.body)) != `{"result":"data://.my/robots/Optimus_Prime.txt"}` {
		t.Fatalf("PUT: %d %s", a.status, a.body)
	}
	for _, tt := range []struct{ accept, ct string }{
		{"application/octet-stream", "application/octet-stream"},
		{"", "application/octet-stream"},
		{"text/plain", "text/plain; charset=utf-8"},
		{"application/json", "application/json"},
	} {
		a = send(t, "GET", f, "", as(key1), "Accept: "+tt.accept)
		if a.status != 200 || string(a.body) != "Leader of the Autobots" {
			t.Errorf("GET (Accept %q): %d %q", tt.accept, a.status, a.body)
		}
		h := a.header
		if h.Get("Content-Type") != tt.ct || h.Get("X-Data-Type") != "file" || h.Get("Content-Length") != "22" || h.Get("Last-Modified") == "" {
			t.Errorf("GET (Accept %q) headers: %v", tt.accept, h)
		}
	}
	a = send(t, "HEAD", f, "", as(key1))
	if a.status != 200 || a.header.Get("X-Data-Type") != "file" || len(a.body) != 0 {
		t.Errorf("HEAD: %d %v", a.status, a.header)
	}
	a = send(t, "HEAD", base+"/v1/data/.my/robots/nope", "", as(key1))
	if a.status != 404 || !strings.Contains(a.header.Get("X-Error-Message"), "does not exist") {
		t.Errorf("HEAD of a missing file: %d %v", a.status, a.header)
	}
	// Binary bytes come back byte for byte.
	bin := string([]byte{0, 0xff, 0x89, 'P', 'N', 'G', '\r', '\n'})
	if a = send(t, "PUT", base+"/v1/data/.my/bin", bin, as(key1)); a.status != 200 {
		t.Fatal(a.status)
	}
	if a = send(t, "GET", base+"/v1/data/.my/bin", "", as(key1)); string(a.body) != bin {
		t.Errorf("binary round trip: %q", a.body)
	}
	a = send(t, "DELETE", f, "", as(key1))
	if a.status != 200 || compactJSON(t, string(a.body)) != `{"result":{"deleted":1}}` {
		t.Errorf("DELETE: %d %s", a.status, a.body)
	}
	wantDataError(t, send(t, "GET", f, "", as(key1)), 404, "EntityNotFoundError", "data://.my/robots/Optimus_Prime.txt does not exist")
	// The newer clients' path is the same API.
	if a = send(t, "GET", base+"/v1/connector/data/.my/bin", "", as(key1)); string(a.body) != bin {
		t.Errorf("/v1/connector/data: %d %q", a.status, a.body)
	}
}

var lastModified = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

func TestDataDirectories(t *testing.T) {
	t.Parallel()
	for _, where := range []string{"", "mem://"} {
		t.Run("store="+where, func(t *testing.T) {
			t.Parallel()
			_, base := newDataTest(t, where, data.Options{PageSize: 2}, nil)
			a := send(t, "POST", base+"/v1/data/.my", `{"name": "robots"}`, as(key1), "Content-Type: application/json")
			if a.status != 200 || len(a.body) != 0 || a.header.Get("Content-Type") != "application/json" {
				t.Fatalf("POST: %d %q %v", a.status, a.body, a.header)
			}
			wantDataError(t, send(t, "POST", base+"/v1/data/.my", `{"name": "robots"}`, as(key1)), 409, "InputError", "data://.my/robots already exists")
			wantDataError(t, send(t, "POST", base+"/v1/data/.my", `{"nom": "x"}`, as(key1)), 400, "InputError", `unknown field "nom"`)
			wantDataError(t, send(t, "POST", base+"/v1/data/.my", `{"name": ".."}`, as(key1)), 400, "InputError", `".." segment`)
			wantDataError(t, send(t, "POST", base+"/v1/data/.my/none", `{"name": "x"}`, as(key1)), 404, "EntityNotFoundError", "does not exist")
			send(t, "POST", base+"/v1/data/.my/robots", `{"name": "friendly"}`, as(key1))
			for _, n := range []string{"R2-D2.txt", "T-800.txt", "HAL 9000"} {
				if a := send(t, "PUT", base+"/v1/data/.my/robots/"+url.PathEscape(n), n, as(key1)); a.status != 200 {
					t.Fatalf("PUT %s: %d %s", n, a.status, a.body)
				}
			}
			// Page through as the clients do, with ?marker=.
			var folders, files []string
			marker := ""
			for page := 0; ; page++ {
				u := base + "/v1/data/.my/robots"
				if marker != "" {
					u += "?marker=" + url.QueryEscape(marker)
				}
				a := send(t, "GET", u, "", as(key1))
				if a.status != 200 || a.header.Get("X-Data-Type") != "directory" || a.header.Get("Content-Type") != "application/json" {
					t.Fatalf("list: %d %v %s", a.status, a.header, a.body)
				}
				var l struct {
					Folders []map[string]any `json:"folders"`
					Files   []map[string]any `json:"files"`
					Marker  *string          `json:"marker"`
				}
				dec := json.NewDecoder(bytes.NewReader(a.body))
				if err := dec.Decode(&l); err != nil || l.Folders == nil || l.Files == nil {
					t.Fatalf("listing %s: %v", a.body, err)
				}
				for _, f := range l.Folders {
					folders = append(folders, f["name"].(string))
				}
				for _, f := range l.Files {
					files = append(files, f["filename"].(string))
					if !lastModified.MatchString(f["last_modified"].(string)) || f["size"].(float64) < 8 || len(f) != 3 {
						t.Errorf("file entry %v", f)
					}
				}
				if l.Marker == nil {
					break
				}
				if *l.Marker == "" || page > 10 {
					t.Fatalf("marker %q on page %d", *l.Marker, page)
				}
				marker = *l.Marker
			}
			if fmt.Sprint(folders, files) != "[friendly] [HAL 9000 R2-D2.txt T-800.txt]" {
				t.Errorf("listing: %v %v", folders, files)
			}
			a = send(t, "HEAD", base+"/v1/data/.my/robots", "", as(key1))
			if a.status != 200 || a.header.Get("X-Data-Type") != "directory" {
				t.Errorf("HEAD dir: %d %v", a.status, a.header)
			}
			// ACLs: listed on request, set with PATCH, refused where they do not apply.
			a = send(t, "GET", base+"/v1/data/.my/robots?acl=true", "", as(key1))
			if acl := a.json(t)["acl"]; fmt.Sprint(acl) != "map[read:[algo://.my/*]]" {
				t.Errorf("acl = %v", acl)
			}
			if a := send(t, "PATCH", base+"/v1/data/.my/robots", `{"acl": {"read": ["user://*"]}}`, as(key1)); a.status != 200 {
				t.Errorf("PATCH: %d %s", a.status, a.body)
			}
			wantDataError(t, send(t, "PATCH", base+"/v1/data/.my/robots", `{}`, as(key1)), 400, "InputError", `no "acl"`)
			wantDataError(t, send(t, "PATCH", base+"/v1/data/.my/robots", `{"acl": {"read": ["user://bob"]}}`, as(key1)), 400, "InputError", "not a read permission")
			// Deleting: a full directory only with force, with the count.
			a = send(t, "DELETE", base+"/v1/data/.my/robots", "", as(key1))
			if a.status != 409 || a.header.Get("X-Error-Message") == "" || compactJSON(t, string(a.body)) != compactJSON(t,
				`{"error":{"message":"data://.my/robots is not empty: delete it with force=true to delete everything in it","error_type":"InputError","deleted":0}}`) {
				t.Errorf("DELETE non-empty: %d %s", a.status, a.body)
			}
			a = send(t, "DELETE", base+"/v1/data/.my/robots?force=true", "", as(key1))
			if a.status != 200 || compactJSON(t, string(a.body)) != `{"result":{"deleted":3}}` {
				t.Errorf("DELETE force: %d %s", a.status, a.body)
			}
			wantDataError(t, send(t, "GET", base+"/v1/data/.my/robots", "", as(key1)), 404, "EntityNotFoundError", "does not exist")
		})
	}
}

// One key's .my is not another's; another owner's files are read only
// through a public directory, and never written.
func TestDataOwnership(t *testing.T) {
	t.Parallel()
	_, base := newDataTest(t, "", data.Options{}, nil)
	owner1 := data.OwnerForKey(key1)
	send(t, "POST", base+"/v1/data/.my", `{"name": "public", "acl": {"read": ["user://*"]}}`, as(key1))
	send(t, "PUT", base+"/v1/data/.my/private/x", "secret", as(key1))
	send(t, "PUT", base+"/v1/data/.my/public/x", "shared", as(key1))

	wantDataError(t, send(t, "GET", base+"/v1/data/.my/private/x", "", as(key2)), 404, "EntityNotFoundError", "does not exist")
	wantDataError(t, send(t, "GET", base+"/v1/data/"+owner1+"/private/x", "", as(key2)), 403, "InputError", "belongs to another owner and is not public")
	wantDataError(t, send(t, "GET", base+"/v1/data/"+owner1, "", as(key2)), 403, "InputError", "is not public")
	if a := send(t, "GET", base+"/v1/data/"+owner1+"/public/x", "", as(key2)); a.status != 200 || string(a.body) != "shared" {
		t.Errorf("public file: %d %s", a.status, a.body)
	}
	wantDataError(t, send(t, "PUT", base+"/v1/data/"+owner1+"/public/y", "mine now", as(key2)), 403, "InputError", "only its owner writes there")
	if a := send(t, "DELETE", base+"/v1/data/"+owner1+"/public/x", "", as(key2)); a.status != 403 {
		t.Errorf("DELETE of another's file: %d %s", a.status, a.body)
	}
	// Without a key, or with a wrong one, nothing is read.
	wantPlatformError(t, send(t, "GET", base+"/v1/data/.my/private/x", ""), 401, catalog.CodeUnauthorized, "InputError")
	wantPlatformError(t, send(t, "GET", base+"/v1/data/.my/private/x", "", as("wrong")), 401, catalog.CodeInvalidKey, "InputError")
}

// Every way of leaving the owner's space is refused with a 400 that says
// why, sent as raw as a hostile client would send it.
func TestDataPathTraversal(t *testing.T) {
	t.Parallel()
	store, base := newDataTest(t, "", data.Options{}, nil)
	send(t, "PUT", base+"/v1/data/.my/x", "mine", as(key1))
	for _, p := range []string{
		"/v1/data/.my/../" + data.OwnerForKey(key2) + "/x",
		"/v1/data/.my/%2e%2e/x",
		"/v1/data/.my/a/./x",
		"/hosted/a/../b",
		"//v1/data/.my/x/..",
		"/v1/data//etc/passwd",
		"/v1/data/.my/a%00b",
		"/v1/data/.my/a%5C..%5Cb",
		"/v1/data/.my/a%0Ab",
		"/v1/data/.my/%ff",
		"/v1/data/.my/" + strings.Repeat("n", 256),
		"/v1/data/.pipette/link-key",
		"/v1/data/",
	} {
		a := rawRequest(t, base, "GET "+p+" HTTP/1.1\r\nHost: x\r\nAuthorization: Simple "+key1+"\r\nConnection: close\r\n\r\n")
		if !strings.HasPrefix(a, "HTTP/1.1 400") || !strings.Contains(a, "X-Error-Message:") {
			t.Errorf("GET %s:\n%s", p, a)
		}
	}
	// Nothing outside the owner's space was created or read.
	if l, err := store.List(context.Background(), data.OwnerForKey(key1), data.Path{Owner: ".my"}, ""); err != nil || len(l.Files) != 1 {
		t.Errorf("store after the attempts: %+v %v", l, err)
	}
}

// rawRequest sends a request exactly as written, so no client cleans its path.
func rawRequest(t *testing.T, base, req string) string {
	t.Helper()
	u, _ := url.Parse(base)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(conn)
	return string(b)
}

func TestDataLimitsAndMethods(t *testing.T) {
	t.Parallel()
	_, base := newDataTest(t, "", data.Options{MaxFileSize: 10}, nil)
	if a := send(t, "PUT", base+"/v1/data/.my/f", "0123456789", as(key1)); a.status != 200 {
		t.Fatalf("PUT at the limit: %d %s", a.status, a.body)
	}
	wantDataError(t, send(t, "PUT", base+"/v1/data/.my/f", "0123456789A", as(key1)), 413, "TooLargeError", "limit of 10 bytes per file")
	// A body without a length (chunked) is cut at the limit too.
	req, _ := http.NewRequest("PUT", base+"/v1/data/.my/f", io.MultiReader(strings.NewReader("01234"), strings.NewReader("56789AB")))
	req.ContentLength = -1
	setHeaders(req, []string{as(key1)})
	wantDataError(t, do(t, req), 413, "TooLargeError", "limit of 10 bytes")
	if a := send(t, "GET", base+"/v1/data/.my/f", "", as(key1)); string(a.body) != "0123456789" {
		t.Errorf("after refused writes: %q", a.body)
	}
	wantDataError(t, send(t, "PUT", base+"/v1/data/.my/f/under", "x", as(key1)), 409, "InputError", "part of its path is a file")
	wantDataError(t, send(t, "PUT", base+"/v1/data/.my", "x", as(key1)), 409, "InputError", "top of a space")
	a := send(t, "OPTIONS", base+"/v1/data/.my/f", "", as(key1))
	wantDataError(t, a, 405, "UnsupportedError", "OPTIONS is not allowed")
	if a.header.Get("Allow") == "" {
		t.Error("405 without Allow")
	}
	// A server without a store says so.
	_, ts, _ := newTest(t, nil)
	wantDataError(t, send(t, "GET", ts.URL+"/v1/data/.my/f", ""), 404, "UnsupportedError", "no data store")
}

func TestHostedLinks(t *testing.T) {
	t.Parallel()
	store, base := newDataTest(t, "", data.Options{}, nil)
	owner := data.OwnerForKey(key1)
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
	send(t, "PUT", base+"/v1/data/.my/memes/cat.png", png, as(key1))
	send(t, "PUT", base+"/v1/data/.my/memes/page.html", "<script>alert(1)</script>", as(key1))
	ctx := context.Background()
	link, _, err := store.Link(ctx, owner, data.Path{Owner: owner, Rel: "memes/cat.png"}, base, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	a := get(t, link) // no API key: the signature is the permission
	if a.status != 200 || string(a.body) != png || a.header.Get("Content-Type") != "image/png" || a.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("link: %d %v", a.status, a.header)
	}
	html, _, _ := store.Link(ctx, owner, data.Path{Owner: owner, Rel: "memes/page.html"}, base, time.Hour)
	a = get(t, html)
	if !strings.Contains(a.header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("an HTML file is served without a sandbox: %v", a.header)
	}
	wantDataError(t, get(t, strings.Replace(link, "cat.png", "page.html", 1)), 403, "InputError", "signature is not valid")
	wantDataError(t, get(t, strings.Replace(link, "expires=", "expires=1", 1)), 403, "InputError", "signature is not valid")
	send(t, "DELETE", base+"/v1/data/.my/memes/cat.png", "", as(key1))
	wantDataError(t, get(t, link), 404, "EntityNotFoundError", "does not exist")
}

// An algorithm sees its caller's space: the owner of the key that called
// it, in a call and in an output=void run alike.
func TestDataAccessReachesAlgorithms(t *testing.T) {
	t.Parallel()
	store, base := newDataTest(t, "", data.Options{}, func(c *Config) {
		reg := algorithms.NewRegistry("test")
		reg.Register(testAlg("test/Save/1.0.0", "stores its input", nil,
			func(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
				a, ok := data.AccessFrom(ctx)
				if !ok {
					return catalog.Value{}, catalog.InputErrorf("no data access")
				}
				p, _ := data.ParseURI("data://.my/saved.txt")
				if _, err := a.Store.Put(ctx, a.Owner, p, strings.NewReader(in.Text)); err != nil {
					return catalog.Value{}, err
				}
				return catalog.Text(a.Owner + " " + a.LinkBase), nil
			}))
		c.Source, c.Runner, c.PublicURL = reg, reg, "https://pipette.example/"
	})
	a := post(t, base+"/v1/algo/test/Save", "text/plain", "by key 1", as(key1))
	if raw, _ := result(t, a); string(raw) != `"`+data.OwnerForKey(key1)+` https://pipette.example"` {
		t.Errorf("the algorithm saw %s", raw)
	}
	a = post(t, base+"/v1/algo/test/Save?output=void", "text/plain", "by key 2 in the background", as(key2))
	if a.status != 200 {
		t.Fatal(a.status)
	}
	p, _ := data.ParseURI("data://.my/saved.txt")
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := store.ReadAll(context.Background(), data.OwnerForKey(key2), p, 100)
		if err == nil {
			if string(got) != "by key 2 in the background" {
				t.Errorf("void run stored %q", got)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the void run stored nothing in key 2's space: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got, _ := store.ReadAll(context.Background(), data.OwnerForKey(key1), p, 100); string(got) != "by key 1" {
		t.Errorf("key 1's file is %q", got)
	}
}

// A PUT draws on its client's budget of body bytes as a call's body does:
// while another client is served, a client past its budget is refused
// (429, code 3006) before its file is read, and the other is not.
func TestDataPutsShareTheBodyBudget(t *testing.T) {
	t.Parallel()
	const maxBody = 128 << 10
	_, base := newDataTest(t, "", data.Options{}, func(c *Config) {
		c.MaxBody, c.BodyRate = maxBody, 16<<10 // a burst of 4 × 128 KiB, refilled slowly
	})
	f := base + "/v1/data/.my/big.bin"
	file := strings.Repeat("x", 4*maxBody)
	// A body of unknown length pays as it is read; alone, the client (the
	// other one, below) is not held back.
	req, err := http.NewRequest("PUT", base+"/v1/data/.my/chunked.bin", io.MultiReader(strings.NewReader(file)))
	if err != nil {
		t.Fatal(err)
	}
	setHeaders(req, []string{as(key2)})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.ContentLength == 0 {
		t.Errorf("a chunked PUT alone: %d", resp.StatusCode)
	}
	if a := send(t, "GET", base+"/v1/data/.my/chunked.bin", "", as(key2)); a.status != http.StatusOK || len(a.body) != len(file) {
		t.Errorf("the chunked file read back: %d, %d bytes of %d", a.status, len(a.body), len(file))
	}
	other := func() { // the other client, being served
		if a := send(t, "POST", base+"/v1/algo/test/Echo", "hi", as(key2), "Content-Type: text/plain"); a.status != http.StatusOK {
			t.Fatalf("the other client's call: %d %s", a.status, a.body)
		}
	}
	other()
	if a := send(t, "PUT", f, file, as(key1)); a.status != http.StatusOK {
		t.Fatalf("a PUT within the burst: %d %s", a.status, a.body)
	}
	other()
	a := send(t, "PUT", f, file, as(key1))
	msg := wantPlatformError(t, a, http.StatusTooManyRequests, CodeBodyRate, "UnsupportedError")
	if !strings.Contains(msg, "faster than this server takes from one client") || a.header.Get("Retry-After") == "" {
		t.Errorf("message %q, Retry-After %q", msg, a.header.Get("Retry-After"))
	}
	if a := send(t, "PUT", base+"/v1/data/.my/small.txt", "hello", as(key2)); a.status != http.StatusOK {
		t.Errorf("the other client's PUT: %d %s", a.status, a.body)
	}
}
