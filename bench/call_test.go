package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"pipette/algorithms"
	"pipette/algorithms/nlp"
	"pipette/catalog"
	"pipette/client"
	"pipette/server"
)

// The echo input is the same small JSON document everywhere, so the HTTP call
// and the bare echo move the same bytes.
var echoInput = map[string]any{"text": "what a great day", "n": 42.0, "tags": []any{"a", "b"}}

const sentimentInput = "what a great day"

// registry holds a trivial echo (the cost of pipette itself) and a real model
// (nlp/SentimentAnalysis, VADER), and nothing else, so the figures do not
// depend on what else is built in.
func registry() *algorithms.Registry {
	reg := algorithms.NewRegistry("bench")
	reg.Register(
		algorithms.Algorithm{
			Entry: catalog.Entry{
				Ref: catalog.MustParseRef("bench/Echo/1.0.0"), Tagline: "returns its input",
				InputKind: catalog.KindAny, OutputKind: catalog.KindAny,
			},
			Run: func(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) { return in, nil },
		},
		nlp.SentimentAnalysis(),
	)
	return reg
}

func benchCalls(b *testing.B, c *client.Client) {
	ctx := context.Background()
	for _, bc := range []struct {
		name, ref string
		input     any
	}{
		{"echo", "bench/Echo", echoInput},
		{"sentiment", "nlp/SentimentAnalysis", sentimentInput},
	} {
		b.Run(bc.name, func(b *testing.B) {
			algo := c.Algo(bc.ref)
			if _, err := algo.Pipe(ctx, bc.input); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := algo.Pipe(ctx, bc.input); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCallInProcess is one Pipe() on the in-process client: input
// normalisation, registry lookup and version resolution, the algorithm, and
// result normalisation.
func BenchmarkCallInProcess(b *testing.B) {
	reg := registry()
	benchCalls(b, client.NewLocal(reg, reg))
}

// BenchmarkCallHTTP is the same call through the HTTP client and pipette's
// server on loopback: encoding, a keep-alive request, routing, auth,
// metrics, the wire envelope and its decoding.
func BenchmarkCallHTTP(b *testing.B) {
	reg := registry()
	srv := httptest.NewServer(server.New(server.Config{Source: reg, Runner: reg}))
	defer srv.Close()
	benchCalls(b, client.New(srv.URL, ""))
}

// BenchmarkBareHTTPEcho is the floor: a net/http handler that decodes a JSON
// body and writes it back in the API's envelope, called with net/http over
// loopback. Whatever pipette's HTTP call costs beyond this is pipette's.
func BenchmarkBareHTTPEcho(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v any
		if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"result":   v,
			"metadata": map[string]any{"content_type": "json", "duration": 0.0},
		})
	}))
	defer srv.Close()
	body, err := json.Marshal(echoInput)
	if err != nil {
		b.Fatal(err)
	}
	hc := &http.Client{}
	call := func() {
		resp, err := hc.Post(srv.URL+"/v1/algo/bench/Echo", "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		var out struct {
			Result   any            `json:"result"`
			Metadata map[string]any `json:"metadata"`
		}
		err = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if err != nil || out.Result == nil {
			b.Fatalf("echo answered %v (%v)", out, err)
		}
	}
	call()
	b.ReportAllocs()
	for b.Loop() {
		call()
	}
}
