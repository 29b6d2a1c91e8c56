package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkHandlerCall is the server's own cost of one call, without the
// network: routing, admission, reading the body, running test/Echo, the
// answer and the log line (formatted, written nowhere).
func BenchmarkHandlerCall(b *testing.B) {
	for _, tc := range []struct{ name, ct, body string }{
		{"text", "text/plain", "what a great day"},
		{"json", "application/json", `{"text": "what a great day", "n": 42, "tags": ["a", "b"]}`},
	} {
		b.Run(tc.name, func(b *testing.B) {
			reg := testRegistry(nil)
			// The logger serve uses, batching its lines to nowhere.
			logger, _ := NewLogger(io.Discard)
			s := New(Config{Source: reg, Runner: reg, Logger: logger})
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req := httptest.NewRequest(http.MethodPost, "/v1/algo/test/Echo", strings.NewReader(tc.body))
					req.Header.Set("Content-Type", tc.ct)
					rec := httptest.NewRecorder()
					s.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("%d %s", rec.Code, rec.Body)
					}
				}
			})
		})
	}
}
