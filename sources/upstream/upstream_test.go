package upstream

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"pipette/catalog"
)

func TestErrorMessage(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		`{"error":"model 'x' not found"}`:                      "model 'x' not found",
		`{"error":{"message":"Incorrect API key","code":401}}`: "Incorrect API key",
		`{"message":"rate limited"}`:                           "rate limited",
		`{"detail":"Not Found"}`:                               "Not Found",
		`Bad Gateway`:                                          "Bad Gateway",
		`<html><body>Bad Gateway</body></html>`:                "",
	} {
		if got := ErrorMessage([]byte(body)); got != want {
			t.Errorf("ErrorMessage(%s) = %q, want %q", body, got, want)
		}
	}
}

// A password in a source's URL is sent, never shown.
func TestCredentialsInURL(t *testing.T) {
	t.Parallel()
	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		w.WriteHeader(http.StatusTeapot)
		io.WriteString(w, `{"error":"short and stout"}`)
	}))
	defer srv.Close()
	c, err := New("ollama", strings.Replace(srv.URL, "http://", "http://me:s3cret@", 1), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	err = c.GetJSON(context.Background(), "/x", nil)
	if auth != "Basic bWU6czNjcmV0" {
		t.Errorf("Authorization %q", auth)
	}
	if strings.Contains(err.Error(), "s3cret") || strings.Contains(c.Who(), "me:") || strings.Contains(c.Base(), "s3cret") {
		t.Errorf("credentials shown: %v / %s / %s", err, c.Who(), c.Base())
	}
	if !strings.Contains(err.Error(), "answered 418 I'm a teapot: short and stout") {
		t.Errorf("error %v", err)
	}
}

func TestStatusErrors(t *testing.T) {
	t.Parallel()
	for status, want := range map[int]string{
		401: catalog.ThirdPartyCredentialError, 403: catalog.ThirdPartyCredentialError, 404: catalog.EntityNotFoundError,
		400: catalog.InputError, 422: catalog.InputError, 429: catalog.AlgorithmError, 500: catalog.AlgorithmError,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(status) }))
		c, _ := New("x", srv.URL, "k", nil)
		err := c.GetJSON(context.Background(), "/", nil)
		if catalog.ErrorType(err) != want {
			t.Errorf("%d: %v, want %s", status, err, want)
		}
		srv.Close()
	}
}

func TestBoundedJSON(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`["`))
		chunk := []byte(strings.Repeat("x", 1<<20))
		for i := 0; i < MaxJSON>>20+2; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	c, _ := New("x", srv.URL, "", nil)
	var v any
	err := c.GetJSON(context.Background(), "/big", &v)
	if catalog.ErrorType(err) != catalog.TooLargeError || !strings.Contains(err.Error(), "more than 64 MiB; pipette stopped reading") {
		t.Errorf("%v", err)
	}
}

func TestParseURL(t *testing.T) {
	t.Parallel()
	for in, ok := range map[string]bool{"http://a:1": true, "a:11434": true, "https://a/v1": true, "ftp://a": false, "http://": false, "http://a/?x=1": false, "": false} {
		if _, err := ParseURL(in); (err == nil) != ok {
			t.Errorf("ParseURL(%q) = %v", in, err)
		}
	}
}
