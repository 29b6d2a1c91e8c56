package algotest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"image"
	_ "image/jpeg" // decoders for isImage
	_ "image/png"  //
	"io"
	"strings"
	"testing"
	"time"

	"pipette/algorithms"
	"pipette/catalog"
)

// Input kinds a fuzz target sends, chosen by its first argument.
const (
	fuzzJSON = iota
	fuzzText
	fuzzBinary
)

// Fuzz is the fuzz target of one algorithm's input and option decoding:
// whatever bytes arrive, as JSON, text or binary input, the algorithm
// answers with a result or an error a caller can read — never a panic
// (a.Run is called directly, without the registry's recover), never a Go
// stack in the message, never an unbounded allocation or a hang. The seeds
// are the algorithm's own samples, their images shrunk to one pixel so that
// each run is cheap and the mutations reach the options.
func Fuzz(f *testing.F, a algorithms.Algorithm) {
	pixel := base64.StdEncoding.EncodeToString(PNGHeaderWithPixel())
	for _, s := range a.Entry.Samples {
		switch s.Input.Kind {
		case catalog.KindJSON:
			raw, err := json.Marshal(shrinkImages(s.Input.JSON, pixel))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(byte(fuzzJSON), raw)
		case catalog.KindText:
			f.Add(byte(fuzzText), []byte(truncate(s.Input.Text)))
		case catalog.KindBinary:
			if isImage(s.Input.Bytes) {
				f.Add(byte(fuzzBinary), PNGHeaderWithPixel())
			} else {
				f.Add(byte(fuzzBinary), []byte(truncate(string(s.Input.Bytes))))
			}
		}
	}
	f.Fuzz(func(t *testing.T, kind byte, data []byte) {
		var in catalog.Value
		switch kind % 3 {
		case fuzzJSON:
			v, err := catalog.DecodeJSON(data)
			if err != nil {
				return
			}
			in = catalog.JSON(v)
		case fuzzText:
			in = catalog.Text(string(data))
		default:
			in = catalog.Bytes(data)
		}
		const budget = 256 << 20
		ctx, cancel := context.WithTimeout(catalog.WithMemoryBudget(context.Background(), budget), 10*time.Second)
		defer cancel()
		before := HeapAllocs()
		_, err := a.Run(ctx, in, io.Discard)
		if got := HeapAllocs() - before; got > 4*budget {
			t.Errorf("%s allocated %d MiB on %s", a.Entry.Ref.Path(), got>>20, in.Summary(120))
		}
		if err == nil || errors.Is(err, context.DeadlineExceeded) {
			return
		}
		var e *catalog.Error
		if !errors.As(err, &e) {
			t.Fatalf("%s on %s: %v (%T) is not a *catalog.Error", a.Entry.Ref.Path(), in.Summary(120), err, err)
		}
		if e.Message == "" || strings.Contains(e.Message, "goroutine ") || strings.Contains(e.Message, "panic:") {
			t.Fatalf("%s on %s: %q is not a sentence for a caller", a.Entry.Ref.Path(), in.Summary(120), e.Message)
		}
	})
}

// shrinkImages replaces, inside a sample's JSON, every string that holds an
// image by a one-pixel PNG, and cuts other long strings.
func shrinkImages(v any, pixel string) any {
	switch t := v.(type) {
	case string:
		s := t
		if i := strings.Index(s, ";base64,"); strings.HasPrefix(s, "data:") && i > 0 {
			s = s[i+len(";base64,"):]
		}
		if b, err := base64.StdEncoding.DecodeString(s); err == nil && isImage(b) {
			return pixel
		}
		return truncate(t)
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = shrinkImages(x, pixel)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = shrinkImages(x, pixel)
		}
		return out
	}
	return v
}

func isImage(b []byte) bool {
	_, _, err := image.DecodeConfig(bytes.NewReader(b))
	return err == nil
}

func truncate(s string) string {
	if len(s) > 4096 {
		return strings.ToValidUTF8(s[:4096], "")
	}
	return s
}
