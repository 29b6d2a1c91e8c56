package cv

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"pipette/algorithms/algotest"
	"pipette/catalog"
)

func runExpression(t testing.TB, in catalog.Value) FaceExpressionResult {
	t.Helper()
	return algotest.Result[FaceExpressionResult](t, FaceExpression(), in)
}

func (e Expressions) sum() float64 {
	return e.Neutral + e.Happy + e.Sad + e.Angry + e.Fearful + e.Disgusted + e.Surprised
}

// TensorFlow.js with face-api.js on the same weights reads the astronaut as
// happy (1.000) and the cameraman as neutral (0.919).
func TestFaceExpressionReference(t *testing.T) {
	t.Parallel()
	astro := runExpression(t, catalog.Bytes(algotest.TestImage(t, "astronaut.png")))
	if len(astro.Faces) != 1 {
		t.Fatalf("astronaut: %+v, want one face", astro)
	}
	f := astro.Faces[0]
	t.Logf("astronaut: %+v score %v", f, *f.Score)
	if f.Expression != "happy" || f.Expressions.Happy < 0.99 || astro.Mood != "happy" {
		t.Errorf("astronaut: expression %s %+v mood %s, want happy ≥ 0.99", f.Expression, f.Expressions, astro.Mood)
	}
	if f.Score == nil || !near(*f.Score, 0.975, 0.005) {
		t.Errorf("astronaut: detection score %v, want 0.975", f.Score)
	}
	if !near(f.Expressions.sum(), 1, 0.001) {
		t.Errorf("astronaut: probabilities sum to %v", f.Expressions.sum())
	}

	camera := runExpression(t, catalog.Bytes(algotest.TestImage(t, "camera.png")))
	if len(camera.Faces) != 1 {
		t.Fatalf("cameraman: %+v, want one face", camera)
	}
	t.Logf("cameraman: %+v", camera.Faces[0])
	if camera.Faces[0].Expression != "neutral" || camera.Mood != "neutral" || !near(camera.Faces[0].Expressions.Neutral, 0.919, 0.01) {
		t.Errorf("cameraman: %+v mood %s, want neutral 0.919 ± 0.01", camera.Faces[0], camera.Mood)
	}
}

func TestFaceExpressionNoFace(t *testing.T) {
	t.Parallel()
	res := runExpression(t, catalog.Bytes(algotest.TestImage(t, "coffee.png")))
	if len(res.Faces) != 0 || res.Faces == nil || res.Mood != "neutral" {
		t.Errorf("coffee: %+v, want no faces ([]) and mood neutral", res)
	}
}

// Boxes from cv/FaceDetection, passed on with their other fields, give the
// same answer as letting FaceExpression detect; an empty list reads nothing.
func TestFaceExpressionGivenFaces(t *testing.T) {
	t.Parallel()
	png := algotest.TestImage(t, "astronaut.png")
	uri := "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
	det := runDetection(t, catalog.Bytes(png))
	// Round-trip through JSON as a chain would.
	raw, err := json.Marshal(det.Faces)
	if err != nil {
		t.Fatal(err)
	}
	var faces []any
	if err := json.Unmarshal(raw, &faces); err != nil {
		t.Fatal(err)
	}
	faces[0].(map[string]any)["label"] = "face" // unknown fields are ignored
	res := runExpression(t, catalog.JSON(map[string]any{"image": uri, "faces": faces}))
	if len(res.Faces) != 1 || res.Faces[0].Expression != "happy" || res.Faces[0].Expressions.Happy < 0.99 {
		t.Fatalf("given faces: %+v", res)
	}
	if res.Faces[0].Box != det.Faces[0].Box || res.Faces[0].Score == nil || *res.Faces[0].Score != det.Faces[0].Score {
		t.Errorf("given faces: box/score %+v %v, want %+v", res.Faces[0].Box, res.Faces[0].Score, det.Faces[0])
	}

	// A box without a score, partly outside the image, is clipped; the
	// score stays absent.
	res = runExpression(t, catalog.JSON(map[string]any{"image": uri, "faces": []any{
		map[string]any{"box": map[string]any{"x": 400.0, "y": -10.0, "width": 200.0, "height": 100.0}},
	}}))
	if len(res.Faces) != 1 || res.Faces[0].Box != (Box{X: 400, Y: 0, Width: 112, Height: 90}) || res.Faces[0].Score != nil {
		t.Errorf("clipped box: %+v", res.Faces)
	}

	// cv/FaceDetection's whole result works as well as its faces.
	whole, err := catalog.JSON(det).Normalize()
	if err != nil {
		t.Fatal(err)
	}
	res = runExpression(t, catalog.JSON(map[string]any{"image": uri, "faces": whole.JSON}))
	if len(res.Faces) != 1 || res.Faces[0].Box != det.Faces[0].Box {
		t.Errorf("whole detection result as faces: %+v", res.Faces)
	}

	res = runExpression(t, catalog.JSON(map[string]any{"image": uri, "faces": []any{}}))
	if len(res.Faces) != 0 || res.Mood != "neutral" {
		t.Errorf("no faces given: %+v", res)
	}
}

// The mood follows the most confident face, then the largest.
func TestFaceExpressionMood(t *testing.T) {
	t.Parallel()
	score := func(s float64) *float64 { return &s }
	small := expressionTarget{box: Box{Width: 10, Height: 10}, score: score(0.9)}
	big := expressionTarget{box: Box{Width: 50, Height: 50}, score: score(0.6)}
	if !outranks(small, big) || outranks(big, small) {
		t.Error("a more confident face should outrank a larger one")
	}
	small.score, big.score = nil, nil
	if !outranks(big, small) || outranks(small, big) {
		t.Error("without scores the larger face should win")
	}
}

func TestFaceExpressionBadInput(t *testing.T) {
	t.Parallel()
	uri := "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(astronautJPEG)
	many := make([]any, maxExpressionFaces+1)
	for i := range many {
		many[i] = map[string]any{"box": map[string]any{"x": 0.0, "y": 0.0, "width": 10.0, "height": 10.0}}
	}
	cases := []struct {
		name string
		in   catalog.Value
		want string
	}{
		{"not an image", catalog.Bytes([]byte{0x89, 'P', 'N', 'G', 0, 1, 2}), "not an image"},
		{"a list", catalog.JSON([]any{"x"}), "got a JSON list"},
		{"input_size 100", catalog.JSON(map[string]any{"image": uri, "input_size": 100.0}), "input_size is 100"},
		{"face without box", catalog.JSON(map[string]any{"image": uri, "faces": []any{map[string]any{"x": 1.0}}}), `face 1 should be an object with "box"`},
		{"face not an object", catalog.JSON(map[string]any{"image": uri, "faces": []any{"face"}}), "face 1 should be"},
		{"empty box", catalog.JSON(map[string]any{"image": uri, "faces": []any{map[string]any{"box": map[string]any{"x": 1.0, "y": 1.0, "width": 0.0, "height": 5.0}}}}), "at least 1"},
		{"box outside", catalog.JSON(map[string]any{"image": uri, "faces": []any{map[string]any{"box": map[string]any{"x": 900.0, "y": 1.0, "width": 10.0, "height": 5.0}}}}), "outside the 256×256 image"},
		{"too many faces", catalog.JSON(map[string]any{"image": uri, "faces": many}), "at most 64"},
		{"faces not a list", catalog.JSON(map[string]any{"image": uri, "faces": "all of them"}), `"faces" should be a list`},
	}
	for _, c := range cases {
		_, err := runFaceExpression(context.Background(), c.in, io.Discard)
		var ce *catalog.Error
		if !errors.As(err, &ce) || ce.Type != catalog.InputError || !strings.Contains(ce.Message, c.want) {
			t.Errorf("%s: got %v, want an InputError containing %q", c.name, err, c.want)
		}
	}
}

// Concurrent calls share the networks built once; each gets the same answer.
func TestConcurrentCalls(t *testing.T) {
	t.Parallel()
	in := catalog.JSON(map[string]any{"image": dataURI("image/jpeg", astronautJPEG), "input_size": 224.0})
	want := runExpression(t, in)
	if len(want.Faces) != 1 {
		t.Fatalf("astronaut at 224: %+v", want)
	}
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			v, err := runFaceExpression(context.Background(), in, io.Discard)
			if err == nil && !reflect.DeepEqual(v.JSON, want) {
				err = fmt.Errorf("got %+v, want %+v", v.JSON, want)
			}
			errs <- err
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
