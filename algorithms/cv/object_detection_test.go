package cv

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"testing"

	"pipette/algorithms/algotest"
	"pipette/catalog"
)

// reference.json holds what TensorFlow.js itself finds with the same
// model, pre- and post-processing (testdata/nanodet/reference.js made it).
type nanodetReference struct {
	TFJS       string  `json:"tfjs"`
	Backend    string  `json:"backend"`
	MinScore   float64 `json:"min_score"`
	MaxResults int     `json:"max_results"`
	Images     []struct {
		File    string           `json:"file"`
		Width   int              `json:"width"`
		Height  int              `json:"height"`
		Objects []DetectedObject `json:"objects"`
	} `json:"images"`
}

func detectIn(t testing.TB, name string, opts map[string]any) ObjectDetectionResult {
	t.Helper()
	if opts == nil {
		return algotest.Result[ObjectDetectionResult](t, ObjectDetection(), catalog.Bytes(algotest.TestImage(t, name)))
	}
	req := map[string]any{"image": base64.StdEncoding.EncodeToString(algotest.TestImage(t, name))}
	for k, v := range opts {
		req[k] = v
	}
	return algotest.Result[ObjectDetectionResult](t, ObjectDetection(), catalog.JSON(req))
}

// Every detection TensorFlow.js makes, pipette makes: same class, box
// within 2 px, score within 0.01; and nothing else (a detection that close
// to min_score may fall on either side of it).
func TestObjectDetectionMatchesTFJS(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/nanodet/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref nanodetReference
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Images) < 4 || ref.Backend != "cpu" {
		t.Fatalf("reference.json: %d images on backend %q, want at least 4 on cpu", len(ref.Images), ref.Backend)
	}
	images := ref.Images
	if raceEnabled {
		images = images[:2]
	}
	for _, want := range images {
		t.Run(want.File, func(t *testing.T) {
			t.Parallel()
			got := detectIn(t, want.File, map[string]any{"min_score": ref.MinScore, "max_results": ref.MaxResults})
			if got.Width != want.Width || got.Height != want.Height {
				t.Fatalf("size %dx%d, want %dx%d", got.Width, got.Height, want.Width, want.Height)
			}
			compareDetections(t, got.Objects, want.Objects, ref.MinScore)
		})
	}
}

func compareDetections(t *testing.T, got, want []DetectedObject, minScore float64) {
	t.Helper()
	used := make([]bool, len(got))
	for _, w := range want {
		match := -1
		for i, g := range got {
			if !used[i] && g.ClassID == w.ClassID && g.Label == w.Label && near(g.Score, w.Score, 0.01) && boxNear(g.Box, w.Box, 2) {
				match = i
				break
			}
		}
		switch {
		case match >= 0:
			used[match] = true
		case w.Score < minScore+0.01:
			t.Logf("tfjs's %s %.4f %+v is at the threshold; pipette may leave it out", w.Label, w.Score, w.Box)
		default:
			t.Errorf("tfjs finds %s %.4f at %+v; pipette does not (it finds %+v)", w.Label, w.Score, w.Box, got)
		}
	}
	for i, g := range got {
		if !used[i] && g.Score >= minScore+0.01 {
			t.Errorf("pipette finds %s %.4f at %+v, which tfjs does not", g.Label, g.Score, g.Box)
		}
	}
}

func boxNear(a, b Box, px int) bool {
	return abs(a.X-b.X) <= px && abs(a.Y-b.Y) <= px &&
		abs(a.X+a.Width-b.X-b.Width) <= px && abs(a.Y+a.Height-b.Y-b.Height) <= px
}

// With the defaults, the obvious thing in each photo is found where it is.
func TestObjectDetectionFindsTheObvious(t *testing.T) {
	t.Parallel()
	cases := []struct {
		file, label string
		center      image.Point // roughly where the object is
	}{
		{"chelsea.png", "cat", image.Pt(225, 150)},
		{"coffee.png", "cup", image.Pt(290, 145)},
		{"astronaut.png", "person", image.Pt(190, 260)},
	}
	if raceEnabled {
		cases = cases[:1]
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			t.Parallel()
			res := detectIn(t, c.file, nil)
			for _, o := range res.Objects {
				b := o.Box
				if o.Label == c.label && c.center.In(image.Rect(b.X, b.Y, b.X+b.Width, b.Y+b.Height)) {
					return
				}
			}
			t.Errorf("no %s around %v in %s: %+v", c.label, c.center, c.file, res.Objects)
		})
	}
}

func TestObjectDetectionOptions(t *testing.T) {
	t.Parallel()
	// Only the classes asked for, at most max_results of them.
	res := detectIn(t, "camera.png", map[string]any{"classes": []any{"car", 9.0}, "max_results": 2, "min_score": 0.2})
	if len(res.Objects) != 2 {
		t.Fatalf("got %+v, want the 2 best cars and traffic lights", res.Objects)
	}
	for _, o := range res.Objects {
		if o.Label != "car" && o.Label != "traffic light" {
			t.Errorf("got a %s, asked for cars and traffic lights", o.Label)
		}
	}
	if res.Objects[0].Score < res.Objects[1].Score {
		t.Errorf("not best first: %+v", res.Objects)
	}
	// A threshold above every score leaves an empty list, not null.
	res = detectIn(t, "camera.png", map[string]any{"min_score": 0.99})
	if res.Objects == nil || len(res.Objects) != 0 {
		t.Errorf("min_score 0.99: %+v, want []", res.Objects)
	}
}

// Every number a user sends is checked: 2^31, 2^32, 2^63, -1 and friends
// get one sentence, before the image is even decoded.
func TestObjectDetectionRejectsBadOptions(t *testing.T) {
	t.Parallel()
	img := base64.StdEncoding.EncodeToString(tinyPNG(t, 2, 2))
	cases := []struct {
		opts map[string]any
		want string
	}{
		{map[string]any{"min_score": -1}, "min_score is -1"},
		{map[string]any{"min_score": 1}, "below 1"},
		{map[string]any{"min_score": math.Pow(2, 31)}, "min_score is 2.147483648e+09"},
		{map[string]any{"max_results": 0}, `"max_results" is 0;`},
		{map[string]any{"max_results": -1}, `"max_results" is -1;`},
		{map[string]any{"max_results": 1.5}, "whole number"},
		{map[string]any{"max_results": 101}, "from 1 to 100"},
		{map[string]any{"max_results": math.Pow(2, 31)}, "from 1 to 100"},
		{map[string]any{"max_results": math.Pow(2, 32)}, "from 1 to 100"},
		{map[string]any{"max_results": math.Pow(2, 63)}, "from 1 to 100"},
		{map[string]any{"classes": []any{}}, "1 to 80"},
		{map[string]any{"classes": []any{"unicorn"}}, `"unicorn" is not one of the 80 COCO labels`},
		{map[string]any{"classes": []any{80}}, "80 is not a class id"},
		{map[string]any{"classes": []any{-1}}, "-1 is not a class id"},
		{map[string]any{"classes": []any{math.Pow(2, 31)}}, "not a class id"},
		{map[string]any{"classes": []any{math.Pow(2, 63)}}, "not a class id"},
		{map[string]any{"classes": []any{2.5}}, "2.5 is not a class id"},
		{map[string]any{"classes": []any{true}}, "neither a label nor a class id"},
		{map[string]any{"classes": make([]any, 81)}, "81 entries"},
	}
	for _, c := range cases {
		req := map[string]any{"image": img}
		for k, v := range c.opts {
			req[k] = v
		}
		_, err := ObjectDetection().Run(context.Background(), catalog.JSON(req), io.Discard)
		algotest.WantError(t, err, catalog.InputError, c.want)
	}
}

func tinyPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Degenerate but valid images give an answer, not a crash.
func TestObjectDetectionTinyImages(t *testing.T) {
	t.Parallel()
	sizes := []image.Point{{1, 1}, {1, 1000}, {700, 2}}
	if raceEnabled {
		sizes = sizes[:1]
	}
	for _, s := range sizes {
		res := algotest.Result[ObjectDetectionResult](t, ObjectDetection(), catalog.Bytes(tinyPNG(t, s.X, s.Y)))
		if res.Width != s.X || res.Height != s.Y || res.Objects == nil {
			t.Errorf("%v: %+v", s, res)
		}
	}
}

// A cancelled call stops between layers with the context's error.
func TestObjectDetectionCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := ObjectDetection().Run(ctx, catalog.Bytes(tinyPNG(t, 8, 8)), io.Discard)
	if err == nil {
		t.Fatal("a cancelled call succeeded")
	}
}

// checkObjectSample is TestSamples' look at cv/ObjectDetection's samples:
// the cat in the first, only cups (and the like) in the second.
func checkObjectSample(t *testing.T, i int, res map[string]any) {
	t.Helper()
	objects, _ := res["objects"].([]any)
	labels := map[string]bool{}
	for _, o := range objects {
		labels[o.(map[string]any)["label"].(string)] = true
	}
	switch {
	case i == 0 && !labels["cat"]:
		t.Errorf("sample 0 finds %v, want a cat", labels)
	case i == 1 && (!labels["cup"] || len(objects) > 3 || labels["dining table"]):
		t.Errorf("sample 1 finds %v, want at most 3 cups, glasses or bowls", objects)
	}
}
