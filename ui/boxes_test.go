package ui

import (
	"strings"
	"testing"

	"pipette/algorithms"
	"pipette/algorithms/cv"
	"pipette/client"
)

// A result with boxes (the real cv/ObjectDetection on its samples) shows
// the input image with the boxes drawn over it and a legend, above the
// JSON; for JSON input the image comes from its "image" field.
func TestTryDrawsBoxesOverTheInput(t *testing.T) {
	t.Parallel()
	reg := algorithms.NewRegistry("boxes")
	reg.Register(cv.ObjectDetection(), cv.FaceDetection())
	m := newTestModelWith(t, client.NewLocal(reg, reg), 100, 44, "dark")
	selectRef(t, m, "cv/ObjectDetection")
	press(t, m, "enter", "r")
	s := plainScreen(m)
	for _, want := range []string{"3 box(es) over the input", "cat 0.47", "dog 0.43", `"objects"`} {
		if !strings.Contains(s, want) {
			t.Errorf("the screen lacks %q:\n%s", want, s)
		}
	}
	// Half blocks in truecolor, the cat's frame in its class's brown.
	if raw := screen(m); !strings.Contains(raw, "▀") || !strings.Contains(raw, "2;140;86;75m") {
		t.Errorf("no picture with the cat's brown frame:\n%s", s)
	}
	press(t, m, "]", "r") // the coffee sample: JSON with a data URI
	if s := plainScreen(m); !strings.Contains(s, "box(es) over the input") || !strings.Contains(s, "cup ") {
		t.Errorf("the JSON sample's image was not shown with its boxes:\n%s", s)
	}
	// Faces have no label: the legend numbers them.
	press(t, m, "esc")
	selectRef(t, m, "cv/FaceDetection")
	press(t, m, "enter", "r")
	if s := plainScreen(m); !strings.Contains(s, "1 box(es) over the input") || !strings.Contains(s, "box 1 0.96") {
		t.Errorf("the face was not shown:\n%s", s)
	}
}
