package cv

import (
	"context"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"io"
	"math"
	"time"

	"pipette/algorithms"
	"pipette/algorithms/imagein"
	"pipette/catalog"
)

//go:embed docs/face_detection.md
var faceDetectionDocs string

// Sample photos, downscaled to 256×256 so the catalog stays light (both
// algorithms still find the face in them; TestSamples checks it).
var (
	//go:embed samples/astronaut.jpg
	astronautJPEG []byte
	//go:embed samples/cameraman.jpg
	cameramanJPEG []byte
)

// Box is a face's rectangle in input-image pixels, clamped to the image.
type Box struct {
	X      int `json:"x"`
	Y      int `json:"y"`
	Width  int `json:"width"`
	Height int `json:"height"`
}

// DetectedFace is one face found by cv/FaceDetection. image/OverlayText's
// "avoid" option reads these objects (their "box"), so the shape is part of
// the contract.
type DetectedFace struct {
	Box   Box     `json:"box"`
	Score float64 `json:"score"`
}

// FaceDetectionResult is cv/FaceDetection's output.
type FaceDetectionResult struct {
	Width  int            `json:"width"`
	Height int            `json:"height"`
	Faces  []DetectedFace `json:"faces"`
}

type faceDetectionRequest struct {
	detectRequest
}

const faceDetectionExpected = "an image (" + imagein.FileForms + "), " +
	`or {"image": …, "min_score": 0.5, "input_size": 416}`

// FaceDetection is cv/FaceDetection: face-api.js's TinyFaceDetector in pure Go.
func FaceDetection() algorithms.Algorithm {
	return algorithms.Algorithm{
		Entry: catalog.Entry{
			Ref: catalog.Ref{Owner: "cv", Name: "FaceDetection", Version: "1.0.0"},
			Versions: []catalog.VersionInfo{{
				Version:      "1.0.0",
				ReleaseNotes: "First release: face-api.js TinyFaceDetector (MIT weights) ported to pure Go, boxes and scores.",
			}},
			Label:      "Face Detection",
			Tagline:    "Find faces in a photo: boxes and confidence, offline",
			Docs:       faceDetectionDocs,
			Tags:       []string{"cv", "image", "faces", "detection", "neural-network"},
			InputKind:  catalog.KindAny,
			OutputKind: catalog.KindJSON,
			InputSchema: json.RawMessage(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "description": "An image (raw bytes, or a string holding ` + imagein.StringForms + `), or an object with the image and options.",
  "oneOf": [
    {"type": "string", "minLength": 1},
    {"type": "object", "required": ["image"], "additionalProperties": false, "properties": {
      "image": {"type": "string", "minLength": 1, "description": "` + imagein.StringForms + `"},
      "min_score": {"type": "number", "minimum": 0, "exclusiveMaximum": 1, "default": 0.5, "description": "keep faces scoring above this"},
      "input_size": {"type": "integer", "minimum": 224, "maximum": 608, "multipleOf": 32, "default": 416, "description": "network resolution: larger finds smaller faces, smaller is faster"}
    }}
  ]
}`),
			OutputSchema: json.RawMessage(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["width", "height", "faces"],
  "properties": {
    "width": {"type": "integer"}, "height": {"type": "integer"},
    "faces": {"type": "array", "description": "best score first", "items": {"$ref": "#/$defs/face"}}
  },
  "$defs": {
    "box": {"type": "object", "required": ["x", "y", "width", "height"], "properties": {
      "x": {"type": "integer"}, "y": {"type": "integer"}, "width": {"type": "integer"}, "height": {"type": "integer"}}},
    "face": {"type": "object", "required": ["box", "score"], "properties": {
      "box": {"$ref": "#/$defs/box"}, "score": {"type": "number", "minimum": 0, "maximum": 1}}}
  }
}`),
			Samples: []catalog.Sample{
				{Name: "astronaut portrait (JPEG bytes)", Input: catalog.Bytes(astronautJPEG)},
				// At the default 416 this small photo's face scores just under
				// 0.5; a grid closer to the photo's own size sees it.
				{Name: "cameraman, small photo, input_size 320", Input: catalog.JSON(map[string]any{
					"image":      dataURI("image/jpeg", cameramanJPEG),
					"input_size": 320,
				})},
			},
			SampleOutput: `{"width":256,"height":256,"faces":[{"box":{"x":81,"y":37,"width":58,"height":55},"score":0.9621}]}`,
			License:      "MIT",
		},
		Run: runFaceDetection,
	}
}

func runFaceDetection(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
	var req faceDetectionRequest
	img, minScore, inputSize, err := readRequest(ctx, in, &req, faceDetectionExpected)
	if err != nil {
		return catalog.Value{}, err
	}
	start := time.Now()
	found, err := detectFaces(ctx, img, minScore, inputSize)
	if err != nil {
		return catalog.Value{}, err
	}
	b := img.Bounds()
	res := FaceDetectionResult{Width: b.Dx(), Height: b.Dy(), Faces: []DetectedFace{}}
	for _, f := range found {
		if box, ok := f.pixelBox(b); ok {
			res.Faces = append(res.Faces, DetectedFace{Box: box, Score: algorithms.Round(f.score, 4)})
		}
	}
	fmt.Fprintf(stdout, "TinyFaceDetector at %d×%d on a %d×%d image: %d face(s) in %d ms\n",
		inputSize, inputSize, b.Dx(), b.Dy(), len(res.Faces), time.Since(start).Milliseconds())
	return catalog.JSON(res), nil
}

// detectFaces runs the shared detector, built on first use.
func detectFaces(ctx context.Context, img image.Image, minScore float64, inputSize int) ([]faceBox, error) {
	d, err := faceDetector()
	if err != nil {
		return nil, catalog.Errorf(catalog.InitializationError, "the face detector's embedded weights cannot be loaded: %v", err)
	}
	return d.detect(ctx, img, inputSize, minScore)
}

// pixelBox rounds the box to whole pixels and clamps it to the image; ok is
// false when nothing of it is left inside.
func (f faceBox) pixelBox(bounds image.Rectangle) (Box, bool) {
	w, h := float64(bounds.Dx()), float64(bounds.Dy())
	x0 := math.Round(min(max(f.x0, 0), w))
	y0 := math.Round(min(max(f.y0, 0), h))
	x1 := math.Round(min(max(f.x1, 0), w))
	y1 := math.Round(min(max(f.y1, 0), h))
	if !(x1 > x0 && y1 > y0) { // also false for NaN
		return Box{}, false
	}
	return Box{X: int(x0), Y: int(y0), Width: int(x1 - x0), Height: int(y1 - y0)}, true
}

func dataURI(mime string, data []byte) string {
	return "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(data)
}
