package image

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"pipette/algorithms/algotest"
	"pipette/algorithms/imagein"
	"pipette/catalog"
)

// testImage reads one of the shared test images.
func pngBytes(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decodeOut(t testing.TB, v catalog.Value) (image.Image, string) {
	t.Helper()
	if v.Kind != catalog.KindBinary {
		t.Fatalf("result kind %s, want binary", v.Kind)
	}
	img, format, err := image.Decode(bytes.NewReader(v.Bytes))
	if err != nil {
		t.Fatalf("result is not an image: %v", err)
	}
	return img, format
}

func TestImageFromURL(t *testing.T) {
	// Not parallel: it changes the process-wide policy.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/photo.jpg" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(sampleIPhoneEXIF)
	}))
	defer srv.Close()
	in := catalog.JSON(map[string]any{"image": srv.URL + "/photo.jpg"})

	_, err := runMetadata(context.Background(), in, io.Discard)
	algotest.WantError(t, err, catalog.UnsupportedError, "does not fetch image URLs")

	imagein.SetPolicy(imagein.Policy{AllowURLs: true, AllowPrivate: true})
	defer imagein.SetPolicy(imagein.Policy{})
	v, err := runMetadata(context.Background(), in, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if md := v.JSON.(ImageMetadata); md.Width != 205 || md.EXIF == nil || md.EXIF.Model != "iPhone 4S" {
		t.Errorf("metadata of the fetched photo: %+v", md)
	}
	_, err = runMetadata(context.Background(), catalog.Text(srv.URL+"/missing.jpg"), io.Discard)
	algotest.WantError(t, err, catalog.InputError, "404")
}
