package imagein

import (
	"bytes"
	"context"
	"encoding/base64"
	"testing"

	"pipette/algorithms/algotest"
	"pipette/catalog"
)

func TestRequestForms(t *testing.T) {
	t.Parallel()
	raw := samplePNG(t)
	b64 := base64.StdEncoding.EncodeToString(raw)
	type opts struct {
		Image string `json:"image"`
		K     int    `json:"k"`
	}
	forms := map[string]catalog.Value{
		"bytes":             catalog.Bytes(raw),
		"base64 text":       catalog.Text(b64),
		"data URI string":   catalog.JSON("data:image/png;base64," + b64),
		"object":            catalog.JSON(map[string]any{"image": b64, "k": 3.0}),
		"object typed text": catalog.Text(`{"image": "` + b64 + `", "k": 3}`),
		"object as bytes":   catalog.Bytes([]byte(` {"image": "` + b64 + `", "k": 3}` + "\n")),
	}
	for name, in := range forms {
		var o opts
		data, err := Request(context.Background(), in, &o, &o.Image, "an image")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(data, raw) {
			t.Errorf("%s: got %d bytes, want the %d of the sample PNG", name, len(data), len(raw))
		}
		if _, isObject, _ := Object(in, "an image"); isObject && o.K != 3 {
			t.Errorf("%s: k = %d, want 3", name, o.K)
		}
	}
	bad := map[string]struct {
		in    catalog.Value
		words []string
	}{
		"list":          {catalog.JSON([]any{1.0}), []string{"expected an image; got a JSON list"}},
		"number":        {catalog.JSON(2.0), []string{"expected an image; got a JSON number"}},
		"no image":      {catalog.JSON(map[string]any{"k": 3.0}), []string{`the "image" field is missing or empty; expected an image`}},
		"unknown field": {catalog.JSON(map[string]any{"image": b64, "colour": "red"}), []string{"colour"}},
		"not base64":    {catalog.Text("%% not an image %%"), []string{"not valid base64", "data://"}},
	}
	for name, c := range bad {
		var o opts
		_, err := Request(context.Background(), c.in, &o, &o.Image, "an image")
		t.Run(name, func(t *testing.T) { algotest.WantError(t, err, catalog.InputError, c.words...) })
	}
}
