package util

import (
	"context"
	"encoding/base64"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"pipette/algorithms/algotest"
	"pipette/catalog"
	"pipette/data"
)

func runUploadIn(t *testing.T, ctx context.Context, in catalog.Value) (UploadResult, error) {
	t.Helper()
	out, err := Upload().Run(ctx, in, io.Discard)
	if err != nil {
		return UploadResult{}, err
	}
	return out.JSON.(UploadResult), nil
}

func TestUploadStoresAndLinks(t *testing.T) {
	t.Parallel()
	ctx := algotest.DataContext(t)
	a, _ := data.AccessFrom(ctx)
	png := algotest.TestImage(t, "chelsea.png")
	tests := []struct {
		name     string
		in       catalog.Value
		wantPath string
		wantType string
		want     []byte
	}{
		{"binary", catalog.Bytes(png), "data://.my/uploads/", "image/png", png},
		{"text", catalog.Text("hello\n"), "data://.my/uploads/", "text/plain; charset=utf-8", []byte("hello\n")},
		{"a data URI string", catalog.JSON("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)), "data://.my/uploads/", "image/png", png},
		{"text with a name and path", catalog.JSON(map[string]any{"text": `{"a": 1}`, "name": "a.json", "path": "data://.my/j/a.json"}),
			"data://.my/j/a.json", "application/json", []byte(`{"a": 1}`)},
		{"a named file", catalog.JSON(map[string]any{"file": base64.StdEncoding.EncodeToString([]byte("x,y\n1,2\n")), "name": "t.csv"}),
			"data://.my/uploads/", "text/csv", []byte("x,y\n1,2\n")},
	}
	for _, tt := range tests {
		res, err := runUploadIn(t, ctx, tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !strings.HasPrefix(res.Path, tt.wantPath) || !strings.HasPrefix(res.ContentType, tt.wantType) || res.Size != len(tt.want) {
			t.Errorf("%s: %+v", tt.name, res)
		}
		p, _ := data.ParseURI(res.Path)
		got, err := a.Store.ReadAll(context.Background(), a.Owner, p, 1<<30)
		if err != nil || string(got) != string(tt.want) {
			t.Errorf("%s: stored %d bytes, %v", tt.name, len(got), err)
		}
		// The URL is a signed link the store honours.
		u, err := url.Parse(res.URL)
		if err != nil || u.Host != "127.0.0.1:8080" || res.Expires == nil {
			t.Fatalf("%s: url %q expires %v", tt.name, res.URL, res.Expires)
		}
		r, _, err := a.Store.OpenLink(context.Background(), strings.TrimPrefix(u.Path, data.HostedPrefix), u.Query().Get("expires"), u.Query().Get("signature"))
		if err != nil {
			t.Errorf("%s: the link is refused: %v", tt.name, err)
			continue
		}
		r.Close()
	}
	// The same content lands at the same path, once.
	r1, _ := runUploadIn(t, ctx, catalog.Bytes(png))
	r2, _ := runUploadIn(t, ctx, catalog.Bytes(png))
	if r1.Path != r2.Path || !strings.HasSuffix(r1.Path, ".png") {
		t.Errorf("same content, paths %s and %s", r1.Path, r2.Path)
	}
	// expires_in sets the link's life.
	res, err := runUploadIn(t, ctx, catalog.JSON(map[string]any{"text": "x", "expires_in": 60.0}))
	if err != nil {
		t.Fatal(err)
	}
	exp, _ := time.Parse(time.RFC3339, *res.Expires)
	if d := time.Until(exp); d < 50*time.Second || d > 70*time.Second {
		t.Errorf("expires_in 60 gave a link for %s", d)
	}
	// An upload can be read back as a data:// input of an image algorithm's.
	back, err := runUploadIn(t, ctx, catalog.JSON(r1.Path))
	if err != nil || back.Size != len(png) {
		t.Errorf("re-upload from %s: %+v %v", r1.Path, back, err)
	}
}

func TestUploadRefuses(t *testing.T) {
	t.Parallel()
	ctx := algotest.DataContext(t)
	for _, tt := range []struct {
		name  string
		in    catalog.Value
		typ   string
		words string
	}{
		{"empty bytes", catalog.Bytes(nil), catalog.InputError, "nothing to upload"},
		{"empty text", catalog.Text(""), catalog.InputError, "nothing to upload"},
		{"a number", catalog.JSON(3.0), catalog.InputError, "expected the file's bytes"},
		{"neither file nor text", catalog.JSON(map[string]any{"name": "x"}), catalog.InputError, `neither "file" nor "text"`},
		{"both", catalog.JSON(map[string]any{"file": "eA==", "text": "x"}), catalog.InputError, "not both"},
		{"unknown field", catalog.JSON(map[string]any{"text": "x", "ttl": 3.0}), catalog.InputError, `unknown field "ttl"`},
		{"expires_in 0", catalog.JSON(map[string]any{"text": "x", "expires_in": 0.0}), catalog.InputError, "whole number from 1 to 31536000 (seconds"},
		{"expires_in -1", catalog.JSON(map[string]any{"text": "x", "expires_in": -1.0}), catalog.InputError, "whole number from 1 to 31536000"},
		{"expires_in 1.5", catalog.JSON(map[string]any{"text": "x", "expires_in": 1.5}), catalog.InputError, "whole number from 1 to 31536000"},
		{"expires_in 2^31", catalog.JSON(map[string]any{"text": "x", "expires_in": float64(1 << 31)}), catalog.InputError, "whole number from 1 to 31536000"},
		{"expires_in 2^63", catalog.JSON(map[string]any{"text": "x", "expires_in": float64(1 << 63)}), catalog.InputError, "whole number from 1 to 31536000"},
		{"a name with a directory", catalog.JSON(map[string]any{"text": "x", "name": "../x"}), catalog.InputError, "without directories"},
		{"a path that is not a reference", catalog.JSON(map[string]any{"text": "x", "path": ".my/x"}), catalog.InputError, "write a file's data reference"},
		{"a traversal path", catalog.JSON(map[string]any{"text": "x", "path": "data://.my/../x"}), catalog.InputError, `".." segment`},
		{"another owner's space", catalog.JSON(map[string]any{"text": "x", "path": "data://someone/x"}), catalog.InputError, "belongs to another owner"},
		{"a missing data:// file", catalog.JSON("data://.my/none.png"), catalog.EntityNotFoundError, "does not exist"},
	} {
		_, err := runUploadIn(t, ctx, tt.in)
		algotest.WantError(t, err, tt.typ, tt.words)
		if e := catalog.AsError(err); e != nil && e.Status != 0 {
			t.Errorf("%s: the algorithm's error carries HTTP status %d, which would answer as a platform error", tt.name, e.Status)
		}
	}
	_, err := runUploadIn(t, context.Background(), catalog.Text("x"))
	algotest.WantError(t, err, catalog.UnsupportedError, "this call has none")
}

// In-process with a folder store there is no server to serve a link: the
// URL is the file's file:// URL, and nothing expires.
func TestUploadLocalFolder(t *testing.T) {
	t.Parallel()
	st, err := data.Open(context.Background(), t.TempDir(), data.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := data.WithAccess(context.Background(), data.Access{Store: st, Owner: data.AnonymousOwner})
	res, err := runUploadIn(t, ctx, catalog.Text("hi"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.URL, "file:///") || !strings.HasSuffix(res.URL, "/anonymous/uploads/"+strings.TrimPrefix(res.Path, "data://.my/uploads/")) || res.Expires != nil {
		t.Errorf("local upload: %+v", res)
	}
	mem, _ := data.Open(context.Background(), "mem://", data.Options{})
	defer mem.Close()
	_, err = runUploadIn(t, data.WithAccess(context.Background(), data.Access{Store: mem, Owner: data.AnonymousOwner}), catalog.Text("hi"))
	algotest.WantError(t, err, catalog.UnsupportedError, "no link outside a server")
}
