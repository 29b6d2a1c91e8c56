package cv

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"pipette/algorithms"
	"pipette/algorithms/imagein"
	"pipette/catalog"
)

//go:embed docs/object_detection.md
var objectDetectionDocs string

// Sample photos for cv/ObjectDetection, downscaled so the catalog stays
// light (TestObjectDetectionSamples checks what they find).
var (
	//go:embed samples/chelsea.jpg
	chelseaJPEG []byte
	//go:embed samples/coffee.jpg
	coffeeJPEG []byte
)

// DetectedObject is one object found by cv/ObjectDetection. Its box has
// the shape of DetectedFace's, so image/DrawBoxes and image/OverlayText's
// "avoid" read both.
type DetectedObject struct {
	Label   string  `json:"label"`
	ClassID int     `json:"class_id"`
	Score   float64 `json:"score"`
	Box     Box     `json:"box"`
}

// ObjectDetectionResult is cv/ObjectDetection's output.
type ObjectDetectionResult struct {
	Width   int              `json:"width"`
	Height  int              `json:"height"`
	Objects []DetectedObject `json:"objects"`
}

type objectDetectionRequest struct {
	Image      string            `json:"image"`
	MinScore   *float64          `json:"min_score"`
	MaxResults *float64          `json:"max_results"`
	Classes    []json.RawMessage `json:"classes"`
}

const (
	defaultObjectScore = 0.25
	defaultMaxObjects  = 20
	maxMaxObjects      = 100
)

const objectDetectionExpected = "an image (" + imagein.FileForms + "), " +
	`or {"image": …, "min_score": 0.25, "max_results": 20, "classes": ["cat", "dog"]}`

// ObjectDetection is cv/ObjectDetection: NanoDet-g, 80 COCO classes.
func ObjectDetection() algorithms.Algorithm {
	return algorithms.Algorithm{
		Entry: catalog.Entry{
			Ref: catalog.Ref{Owner: "cv", Name: "ObjectDetection", Version: "1.0.0"},
			Versions: []catalog.VersionInfo{{
				Version:      "1.0.0",
				ReleaseNotes: "First release: NanoDet-g-416 (80 COCO classes) run by pipette's TensorFlow.js graph interpreter; labels, scores and boxes.",
			}},
			Label:        "Object Detection (COCO)",
			Tagline:      "Find 80 kinds of things in a photo, offline",
			Docs:         objectDetectionDocs,
			Tags:         []string{"cv", "image", "detection", "coco", "objects", "neural-network"},
			InputKind:    catalog.KindAny,
			OutputKind:   catalog.KindJSON,
			InputSchema:  json.RawMessage(objectDetectionInputSchema),
			OutputSchema: json.RawMessage(objectDetectionOutputSchema),
			Samples: []catalog.Sample{
				{Name: "Chelsea the cat (JPEG bytes)", Input: catalog.Bytes(chelseaJPEG)},
				{Name: "coffee, cups only, best 3", Input: catalog.JSON(map[string]any{
					"image":       dataURI("image/jpeg", coffeeJPEG),
					"classes":     []any{"cup", "wine glass", "bowl"},
					"max_results": 3,
				})},
			},
			SampleOutput: objectDetectionSampleOutput,
			License:      "Apache-2.0",
		},
		Run: runObjectDetection,
	}
}

func runObjectDetection(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
	var req objectDetectionRequest
	data, err := imagein.Request(ctx, in, &req, &req.Image, objectDetectionExpected)
	if err != nil {
		return catalog.Value{}, err
	}
	minScore, limit, keep, err := req.resolve()
	if err != nil {
		return catalog.Value{}, err
	}
	img, _, err := imagein.DecodeContext(ctx, data)
	if err != nil {
		return catalog.Value{}, err
	}
	start := time.Now()
	found, err := detectObjects(ctx, img, minScore, keep, limit)
	if err != nil {
		if ctx.Err() != nil {
			return catalog.Value{}, err
		}
		return catalog.Value{}, catalog.Errorf(catalog.InitializationError, "the object detector's embedded model cannot be run: %v", err)
	}
	b := img.Bounds()
	res := ObjectDetectionResult{Width: b.Dx(), Height: b.Dy(), Objects: []DetectedObject{}}
	for _, d := range found {
		if box, ok := d.box.pixelBox(b); ok {
			res.Objects = append(res.Objects, DetectedObject{
				Label: cocoLabels[d.class], ClassID: d.class, Score: algorithms.Round(d.box.score, 4), Box: box,
			})
		}
	}
	fmt.Fprintf(stdout, "NanoDet-g at %d×%d on a %d×%d image: %d object(s) in %d ms\n",
		nanodetSize, nanodetSize, b.Dx(), b.Dy(), len(res.Objects), time.Since(start).Milliseconds())
	return catalog.JSON(res), nil
}

// resolve checks the options and fills in the defaults; keep says whether
// a class id is wanted.
func (r *objectDetectionRequest) resolve() (minScore float64, limit int, keep func(int) bool, err error) {
	minScore, limit = defaultObjectScore, defaultMaxObjects
	if r.MinScore != nil {
		minScore = *r.MinScore
		if !(minScore >= 0 && minScore < 1) {
			return 0, 0, nil, catalog.InputErrorf("min_score is %g but must be at least 0 and below 1 (default %g)", minScore, defaultObjectScore)
		}
	}
	if r.MaxResults != nil {
		n := *r.MaxResults
		if err := catalog.CheckNumber("max_results", n, 1, maxMaxObjects, true, fmt.Sprintf("default %d", defaultMaxObjects)); err != nil {
			return 0, 0, nil, err
		}
		limit = int(n)
	}
	keep = func(int) bool { return true }
	if r.Classes == nil {
		return minScore, limit, keep, nil
	}
	if len(r.Classes) == 0 || len(r.Classes) > nanodetLabels {
		return 0, 0, nil, catalog.InputErrorf("classes has %d entries but must list 1 to %d labels or class ids (leave it out to keep every class)", len(r.Classes), nanodetLabels)
	}
	var wanted [nanodetLabels]bool
	for _, raw := range r.Classes {
		id, err := classID(raw)
		if err != nil {
			return 0, 0, nil, err
		}
		wanted[id] = true
	}
	return minScore, limit, func(c int) bool { return wanted[c] }, nil
}

// classID reads one entry of "classes": a COCO label ("cat", any case) or
// a class id from 0 to 79.
func classID(raw json.RawMessage) (int, error) {
	var label string
	if json.Unmarshal(raw, &label) == nil {
		want := strings.ToLower(strings.TrimSpace(label))
		for i, l := range cocoLabels {
			if l == want || strings.ReplaceAll(l, " ", "_") == want {
				return i, nil
			}
		}
		return 0, catalog.InputErrorf("classes: %q is not one of the 80 COCO labels (the docs list them, e.g. \"person\", \"cat\", \"cup\")", label)
	}
	var id float64
	if json.Unmarshal(raw, &id) == nil {
		if id != math.Trunc(id) || id < 0 || id >= nanodetLabels {
			return 0, catalog.InputErrorf("classes: %g is not a class id; ids are whole numbers from 0 to %d", id, nanodetLabels-1)
		}
		return int(id), nil
	}
	return 0, catalog.InputErrorf("classes: %s is neither a label nor a class id", string(raw))
}
