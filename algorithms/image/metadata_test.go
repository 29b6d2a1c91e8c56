package image

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"io"
	"testing"

	"pipette/algorithms/algotest"
	"pipette/algorithms/imagein"
	"pipette/catalog"
)

// metadata goes through JSON, as a caller sees the result.
func metadata(t *testing.T, in catalog.Value) ImageMetadata {
	t.Helper()
	return algotest.WireResult[ImageMetadata](t, Metadata(), in)
}

func TestMetadataEXIF(t *testing.T) {
	t.Parallel()
	md := metadata(t, catalog.Bytes(sampleIPhoneEXIF))
	if md.Format != "jpeg" || md.Width != 205 || md.Height != 102 || md.Bytes != len(sampleIPhoneEXIF) || !md.WithinPixelLimit {
		t.Errorf("header: %+v", md)
	}
	e := md.EXIF
	if e == nil {
		t.Fatalf("no EXIF read from the iPhone sample (note %q)", md.EXIFError)
	}
	if e.Make != "Apple" || e.Model != "iPhone 4S" || e.Lens != "iPhone 4S back camera 4.28mm f/2.4" {
		t.Errorf("camera: make %q model %q lens %q", e.Make, e.Model, e.Lens)
	}
	if e.DateTaken != "2014-09-01T15:03:47" || e.ExposureTime != "1/1284 s" || e.FNumber != 2.4 || e.ISO != 50 ||
		e.FocalLengthMM != 4.28 || e.FocalLength35MM != 35 || e.FlashFired == nil || *e.FlashFired {
		t.Errorf("exposure: %+v", e)
	}
	if e.Orientation != 6 || e.OrientationText != "rotate 90° clockwise to display" {
		t.Errorf("orientation %d %q", e.Orientation, e.OrientationText)
	}
	// 59°19'57.17"N 18°3'53.79"E, 29 m.
	if g := e.GPS; g == nil || g.Latitude != 59.332547 || g.Longitude != 18.064942 || g.AltitudeM == nil || *g.AltitudeM != 29 {
		t.Errorf("gps %+v", e.GPS)
	}
	if e.Tags["Make"] != "Apple" || e.Tags["GPSLatitudeRef"] != "N" || e.Tags["FNumber"] != "12/5" || e.Tags["GPSLatitude"] != "59/1, 19/1, 5717/100" || e.Tags["MakerNote"] != "" {
		t.Errorf("tags: Make %q, GPSLatitudeRef %q, MakerNote %q", e.Tags["Make"], e.Tags["GPSLatitudeRef"], e.Tags["MakerNote"])
	}
}

func TestMetadataWithoutEXIF(t *testing.T) {
	t.Parallel()
	md := metadata(t, catalog.JSON(map[string]any{"image": encodeB64(algotest.TestImage(t, "chelsea.png"))}))
	if md.Format != "png" || md.Width != 451 || md.Height != 300 || md.ColorModel != "RGBA" || md.EXIF != nil || md.EXIFError != "" {
		t.Errorf("chelsea.png: %+v", md)
	}
	md = metadata(t, catalog.Bytes(algotest.TestImage(t, "camera.png")))
	if md.ColorModel != "Gray" {
		t.Errorf("camera.png colour model %q, want Gray", md.ColorModel)
	}
	md = metadata(t, catalog.Bytes(sampleCoffee))
	if md.Format != "jpeg" || md.EXIF != nil || md.EXIFError != "" || md.ColorModel != "YCbCr" {
		t.Errorf("coffee.jpg: %+v", md)
	}
}

// A JPEG with a hand-built EXIF block whose IFD offset points past the end:
// the header is still reported, with a note, not an error.
func TestMetadataDamagedEXIF(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	tiffHeader := []byte{'M', 'M', 0, 42, 0x7f, 0xff, 0xff, 0xff}
	payload := append([]byte("Exif\x00\x00"), tiffHeader...)
	app1 := append([]byte{0xff, 0xe1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}, payload...)
	data := append(append([]byte{0xff, 0xd8}, app1...), buf.Bytes()[2:]...)
	md := metadata(t, catalog.Bytes(data))
	if md.Width != 8 || md.EXIF != nil || md.EXIFError == "" {
		t.Errorf("damaged EXIF: %+v", md)
	}
}

func TestMetadataOverLimitIsReported(t *testing.T) {
	// Not parallel: it changes the process-wide policy.
	imagein.SetPolicy(imagein.Policy{MaxPixels: 1000})
	defer imagein.SetPolicy(imagein.Policy{})
	md := metadata(t, catalog.Bytes(algotest.TestImage(t, "astronaut.png")))
	if md.WithinPixelLimit || md.Width != 512 || md.Megapixels != 0.26 {
		t.Errorf("over the limit: %+v", md)
	}
}

func TestMetadataBadInput(t *testing.T) {
	t.Parallel()
	_, err := runMetadata(context.Background(), catalog.Bytes([]byte("plain words, no picture")), io.Discard)
	algotest.WantError(t, err, catalog.InputError, "not an image")
	_, err = runMetadata(context.Background(), catalog.JSON(map[string]any{"image": encodeB64(sampleCoffee), "deep": true}), io.Discard)
	algotest.WantError(t, err, catalog.InputError, "deep")
}

func BenchmarkMetadata(b *testing.B) {
	algotest.BenchmarkSample(b, Metadata(), 0)
}
