package cv

import (
	"bytes"
	"context"
	_ "embed"
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

//go:embed docs/face_expression.md
var faceExpressionDocs string

// Expressions are the probabilities of the seven expressions, summing to 1,
// in the network's order.
type Expressions struct {
	Neutral   float64 `json:"neutral"`
	Happy     float64 `json:"happy"`
	Sad       float64 `json:"sad"`
	Angry     float64 `json:"angry"`
	Fearful   float64 `json:"fearful"`
	Disgusted float64 `json:"disgusted"`
	Surprised float64 `json:"surprised"`
}

// ExpressionFace is one face with its expression. Score is the detection
// score; it is absent when the caller gave the box without one.
type ExpressionFace struct {
	Box         Box         `json:"box"`
	Score       *float64    `json:"score,omitempty"`
	Expression  string      `json:"expression"`
	Expressions Expressions `json:"expressions"`
}

// FaceExpressionResult is cv/FaceExpression's output. Mood is the
// expression of the main face, "neutral" when there is none: it is what a
// chain feeds on (a caption search, a sentiment target).
type FaceExpressionResult struct {
	Width  int              `json:"width"`
	Height int              `json:"height"`
	Faces  []ExpressionFace `json:"faces"`
	Mood   string           `json:"mood"`
}

type faceExpressionRequest struct {
	detectRequest
	Faces json.RawMessage `json:"faces"`
}

// maxExpressionFaces bounds one call's work (each face costs a network run).
const maxExpressionFaces = 64

const faceExpressionExpected = "an image (" + imagein.FileForms + "), " +
	`or {"image": …, "min_score": 0.5, "input_size": 416}, or {"image": …, "faces": [{"box": {"x", "y", "width", "height"}}, …]} to reuse cv/FaceDetection's boxes`

// FaceExpression is cv/FaceExpression: face-api.js's FaceExpressionNet on
// every face, found by cv/FaceDetection's network or given.
func FaceExpression() algorithms.Algorithm {
	return algorithms.Algorithm{
		Entry: catalog.Entry{
			Ref: catalog.Ref{Owner: "cv", Name: "FaceExpression", Version: "1.0.0"},
			Versions: []catalog.VersionInfo{{
				Version:      "1.0.0",
				ReleaseNotes: "First release: face-api.js FaceExpressionNet (MIT weights) in pure Go; 7 expressions per face and the photo's mood.",
			}},
			Label:      "Face Expression",
			Tagline:    "Each face's expression (happy, sad, angry…) and the mood",
			Docs:       faceExpressionDocs,
			Tags:       []string{"cv", "image", "faces", "emotion", "classification", "neural-network"},
			InputKind:  catalog.KindAny,
			OutputKind: catalog.KindJSON,
			InputSchema: json.RawMessage(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "description": "An image (raw bytes, or a string holding ` + imagein.StringForms + `), or an object with the image, detector options and optionally the faces to read.",
  "oneOf": [
    {"type": "string", "minLength": 1},
    {"type": "object", "required": ["image"], "additionalProperties": false, "properties": {
      "image": {"type": "string", "minLength": 1, "description": "` + imagein.StringForms + `"},
      "faces": {"type": ["array", "object", "null"], "maxItems": 64, "description": "faces to read instead of detecting them: cv/FaceDetection's faces (or its whole result); other fields are ignored",
        "items": {"type": "object", "required": ["box"], "properties": {
          "box": {"type": "object", "required": ["x", "y", "width", "height"], "properties": {
            "x": {"type": "number"}, "y": {"type": "number"}, "width": {"type": "number", "exclusiveMinimum": 0}, "height": {"type": "number", "exclusiveMinimum": 0}}},
          "score": {"type": "number"}}}},
      "min_score": {"type": "number", "minimum": 0, "exclusiveMaximum": 1, "default": 0.5},
      "input_size": {"type": "integer", "minimum": 224, "maximum": 608, "multipleOf": 32, "default": 416}
    }}
  ]
}`),
			OutputSchema: json.RawMessage(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["width", "height", "faces", "mood"],
  "properties": {
    "width": {"type": "integer"}, "height": {"type": "integer"},
    "mood": {"enum": ["neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"]},
    "faces": {"type": "array", "items": {"type": "object", "required": ["box", "expression", "expressions"], "properties": {
      "box": {"type": "object", "required": ["x", "y", "width", "height"]},
      "score": {"type": "number"},
      "expression": {"enum": ["neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"]},
      "expressions": {"type": "object", "description": "probability of each expression, summing to 1"}}}}
  }
}`),
			Samples: []catalog.Sample{
				{Name: "astronaut portrait (JPEG bytes)", Input: catalog.Bytes(astronautJPEG)},
				{Name: "cameraman, with a given face box", Input: catalog.JSON(map[string]any{
					"image": dataURI("image/jpeg", cameramanJPEG),
					"faces": []any{map[string]any{"box": map[string]any{"x": 95, "y": 65, "width": 34, "height": 35}}},
				})},
			},
			SampleOutput: `{"width":256,"height":256,"faces":[{"box":{"x":81,"y":37,"width":58,"height":55},"score":0.9621,"expression":"happy","expressions":{"neutral":0,"happy":1,"sad":0,"angry":0,"fearful":0,"disgusted":0,"surprised":0}}],"mood":"happy"}`,
			License:      "MIT",
		},
		Run: runFaceExpression,
	}
}

// expressionTarget is one face to read: the region cropped for the network
// and what is reported about it.
type expressionTarget struct {
	crop  image.Rectangle
	box   Box
	score *float64
}

func runFaceExpression(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
	var req faceExpressionRequest
	img, minScore, inputSize, err := readRequest(ctx, in, &req, faceExpressionExpected)
	if err != nil {
		return catalog.Value{}, err
	}
	bounds := img.Bounds()
	start := time.Now()
	var targets []expressionTarget
	given, err := facesList(req.Faces)
	if err != nil {
		return catalog.Value{}, err
	}
	if given != nil {
		if targets, err = givenFaces(given, bounds); err != nil {
			return catalog.Value{}, err
		}
	} else {
		found, err := detectFaces(ctx, img, minScore, inputSize)
		if err != nil {
			return catalog.Value{}, err
		}
		for _, f := range found {
			box, ok := f.pixelBox(bounds)
			crop, cropOK := f.crop(bounds)
			if !ok || !cropOK {
				continue
			}
			score := algorithms.Round(f.score, 4)
			targets = append(targets, expressionTarget{crop: crop, box: box, score: &score})
		}
		if len(targets) > maxExpressionFaces {
			fmt.Fprintf(stdout, "%d faces found; reading the %d best\n", len(targets), maxExpressionFaces)
			targets = targets[:maxExpressionFaces]
		}
	}
	detected := time.Since(start)

	net, err := expressionClassifier()
	if err != nil {
		return catalog.Value{}, catalog.Errorf(catalog.InitializationError, "the expression network's embedded weights cannot be loaded: %v", err)
	}
	res := FaceExpressionResult{Width: bounds.Dx(), Height: bounds.Dy(), Faces: []ExpressionFace{}, Mood: "neutral"}
	lead := -1
	for i, t := range targets {
		probs, err := net.predict(ctx, img, t.crop)
		if err != nil {
			return catalog.Value{}, err
		}
		top := 0
		for j, p := range probs {
			if p > probs[top] {
				top = j
			}
		}
		res.Faces = append(res.Faces, ExpressionFace{
			Box:        t.box,
			Score:      t.score,
			Expression: expressionLabels[top],
			Expressions: Expressions{
				Neutral: algorithms.Round(probs[0], 4), Happy: algorithms.Round(probs[1], 4), Sad: algorithms.Round(probs[2], 4), Angry: algorithms.Round(probs[3], 4),
				Fearful: algorithms.Round(probs[4], 4), Disgusted: algorithms.Round(probs[5], 4), Surprised: algorithms.Round(probs[6], 4),
			},
		})
		if lead < 0 || outranks(t, targets[lead]) {
			lead = i
		}
	}
	if lead >= 0 {
		res.Mood = res.Faces[lead].Expression
	}
	fmt.Fprintf(stdout, "%d face(s) on a %d×%d image: faces in %d ms, expressions in %d ms\n",
		len(res.Faces), bounds.Dx(), bounds.Dy(), detected.Milliseconds(), (time.Since(start) - detected).Milliseconds())
	return catalog.JSON(res), nil
}

// outranks says whether face a is a better "main face" than b: the more
// confident detection, or the larger face when the scores tie or are unknown.
func outranks(a, b expressionTarget) bool {
	sa, sb := -1.0, -1.0
	if a.score != nil {
		sa = *a.score
	}
	if b.score != nil {
		sb = *b.score
	}
	if sa != sb {
		return sa > sb
	}
	return a.box.Width*a.box.Height > b.box.Width*b.box.Height
}

// crop is the region face-api.js cuts out for the expression network: the
// box clipped at the image borders, then floored.
func (f faceBox) crop(bounds image.Rectangle) (image.Rectangle, bool) {
	x := max(f.x0, 0)
	y := max(f.y0, 0)
	w := min(f.x1-x, float64(bounds.Dx())-x)
	h := min(f.y1-y, float64(bounds.Dy())-y)
	if !(w >= 1 && h >= 1) { // also false for NaN
		return image.Rectangle{}, false
	}
	r := image.Rect(0, 0, int(math.Floor(w)), int(math.Floor(h))).Add(image.Pt(int(math.Floor(x)), int(math.Floor(y))))
	if r.Dx() <= 0 || r.Dy() <= 0 {
		return image.Rectangle{}, false
	}
	return r.Add(bounds.Min).Intersect(bounds), true
}

// givenFace is what is read of each caller-given face: the box, and the
// score when present. Other fields (expression, label…) are ignored so that
// any tool's face objects can be passed on.
type givenFace struct {
	Box *struct {
		X      *float64 `json:"x"`
		Y      *float64 `json:"y"`
		Width  *float64 `json:"width"`
		Height *float64 `json:"height"`
	} `json:"box"`
	Score *float64 `json:"score"`
}

// facesList reads "faces": absent or null means detect (nil); otherwise a
// list of face objects, or cv/FaceDetection's whole result (an object with a
// "faces" list), so that a chain can pass either.
func facesList(raw json.RawMessage) ([]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	if raw[0] == '{' {
		var result struct {
			Faces json.RawMessage `json:"faces"`
		}
		if err := json.Unmarshal(raw, &result); err == nil && len(result.Faces) > 0 && result.Faces[0] == '[' {
			raw = result.Faces
		}
	}
	list := []json.RawMessage{}
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, catalog.InputErrorf(`"faces" should be a list of faces {"box": {"x", "y", "width", "height"}} (or cv/FaceDetection's result); got %s`, clip(string(raw), 80))
	}
	return list, nil
}

func givenFaces(raw []json.RawMessage, bounds image.Rectangle) ([]expressionTarget, error) {
	if len(raw) > maxExpressionFaces {
		return nil, catalog.InputErrorf("%d faces given; at most %d per call: split them over several calls", len(raw), maxExpressionFaces)
	}
	targets := make([]expressionTarget, 0, len(raw))
	for i, r := range raw {
		var f givenFace
		if err := json.Unmarshal(r, &f); err != nil || f.Box == nil ||
			f.Box.X == nil || f.Box.Y == nil || f.Box.Width == nil || f.Box.Height == nil {
			return nil, catalog.InputErrorf(`face %d should be an object with "box": {"x", "y", "width", "height"} in pixels, as cv/FaceDetection returns; got %s`, i+1, clip(string(r), 80))
		}
		x, y := math.Round(*f.Box.X), math.Round(*f.Box.Y)
		w, h := math.Round(*f.Box.Width), math.Round(*f.Box.Height)
		if w < 1 || h < 1 {
			return nil, catalog.InputErrorf("face %d's box is %g×%g pixels: width and height must be at least 1", i+1, *f.Box.Width, *f.Box.Height)
		}
		r := image.Rect(int(x), int(y), int(x+w), int(y+h)).Intersect(image.Rect(0, 0, bounds.Dx(), bounds.Dy()))
		if r.Empty() {
			return nil, catalog.InputErrorf("face %d's box (%g,%g %g×%g) lies outside the %d×%d image", i+1, x, y, w, h, bounds.Dx(), bounds.Dy())
		}
		t := expressionTarget{crop: r.Add(bounds.Min), box: Box{X: r.Min.X, Y: r.Min.Y, Width: r.Dx(), Height: r.Dy()}}
		if f.Score != nil {
			s := *f.Score
			t.score = &s
		}
		targets = append(targets, t)
	}
	return targets, nil
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
