package image

import (
	"encoding/json"
	"hash/fnv"
	"math"
	"strings"
	"unicode/utf8"

	"pipette/algorithms"
	"pipette/catalog"
)

// labeledBox is one box to draw, in image pixels (not yet clamped).
type labeledBox struct {
	x0, y0, x1, y1 int
	label          string
	score          float64
	hasScore       bool
	class          int // for the colour: class_id, or a hash of the label
}

const (
	maxDrawBoxes   = 1000
	maxLabelRunes  = 64
	maxLineWidth   = 64
	drawBoxesWhere = `"boxes" (a list of {"label", "score", "box": {"x", "y", "width", "height"}}, or cv/ObjectDetection's or cv/FaceDetection's result), or the result's own "objects" or "faces"`
)

// drawBoxesRequest is image/DrawBoxes' input. Boxes come from "boxes", or,
// when a chain merged a detector's result into the request, from its
// "objects" or "faces".
type drawBoxesRequest struct {
	Image     string          `json:"image"`
	Boxes     json.RawMessage `json:"boxes"`
	Objects   json.RawMessage `json:"objects"`
	Faces     json.RawMessage `json:"faces"`
	LineWidth *float64        `json:"line_width"`
	Labels    *bool           `json:"labels"`
	Width     json.RawMessage `json:"width"`  // a detector's result carries its size: ignored
	Height    json.RawMessage `json:"height"` // likewise
}

// boxList finds the list of boxes in the request.
func (r *drawBoxesRequest) boxList() ([]json.RawMessage, error) {
	raw := r.Boxes
	switch {
	case len(raw) > 0 && string(raw) != "null":
	case len(r.Objects) > 0:
		raw = r.Objects
	case len(r.Faces) > 0:
		raw = r.Faces
	default:
		return nil, catalog.InputErrorf("there are no boxes to draw: give %s", drawBoxesWhere)
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		// A detector's whole result: {"objects": […]} or {"faces": […]}.
		var result struct {
			Objects []json.RawMessage `json:"objects"`
			Faces   []json.RawMessage `json:"faces"`
		}
		if err := json.Unmarshal(raw, &result); err != nil || (result.Objects == nil && result.Faces == nil) {
			return nil, catalog.InputErrorf("the boxes are not a list: give %s", drawBoxesWhere)
		}
		list = append(result.Objects, result.Faces...)
	}
	if len(list) > maxDrawBoxes {
		return nil, catalog.InputErrorf("there are %d boxes; at most %d are drawn in one call (keep the best, e.g. cv/ObjectDetection's max_results)", len(list), maxDrawBoxes)
	}
	return list, nil
}

// boxItem is one entry: a detection with a "box", or a bare box with an
// optional label and score.
type boxItem struct {
	Box     *boxCoords `json:"box"`
	Label   string     `json:"label"`
	Score   *float64   `json:"score"`
	ClassID *float64   `json:"class_id"`
	boxCoords
}

type boxCoords struct {
	X      *float64 `json:"x"`
	Y      *float64 `json:"y"`
	Width  *float64 `json:"width"`
	Height *float64 `json:"height"`
}

// parseBox reads entry i of the list.
func parseBox(i int, raw json.RawMessage) (labeledBox, error) {
	var it boxItem
	if err := json.Unmarshal(raw, &it); err != nil {
		return labeledBox{}, catalog.InputErrorf(`box %d is not an object like {"label": "cat", "score": 0.9, "box": {"x": 10, "y": 20, "width": 100, "height": 80}}`, i)
	}
	c := it.boxCoords
	if it.Box != nil {
		c = *it.Box
	}
	if c.X == nil || c.Y == nil || c.Width == nil || c.Height == nil {
		return labeledBox{}, catalog.InputErrorf(`box %d lacks one of "x", "y", "width", "height" (pixels)`, i)
	}
	if *c.Width < 0 || *c.Height < 0 {
		return labeledBox{}, catalog.InputErrorf("box %d has a negative width or height", i)
	}
	// Far outside any image is as good as the edge: clamp before adding,
	// so 2^63 cannot wrap.
	clamp := func(f float64) int { return algorithms.SatInt(math.Round(max(-1e7, min(1e7, f)))) }
	b := labeledBox{
		x0: clamp(*c.X), y0: clamp(*c.Y),
		x1: clamp(*c.X + *c.Width), y1: clamp(*c.Y + *c.Height),
		label: strings.TrimSpace(it.Label),
	}
	if utf8.RuneCountInString(b.label) > maxLabelRunes {
		b.label = string([]rune(b.label)[:maxLabelRunes-1]) + "…"
	}
	if it.Score != nil {
		if !(*it.Score >= 0 && *it.Score <= 1) {
			return labeledBox{}, catalog.InputErrorf("box %d has score %g; scores run from 0 to 1", i, *it.Score)
		}
		b.score, b.hasScore = *it.Score, true
	}
	switch {
	case it.ClassID != nil:
		id := *it.ClassID
		if id != math.Trunc(id) || id < 0 || id > math.MaxInt32 {
			return labeledBox{}, catalog.InputErrorf("box %d has class_id %g; class ids are whole numbers from 0", i, id)
		}
		b.class = int(id)
	case b.label != "":
		b.class = labelHash(b.label)
	}
	return b, nil
}

// labelHash gives a label without a class id a stable colour (the TUI's
// box overlay picks the same one).
func labelHash(s string) int {
	h := fnv.New32a()
	h.Write([]byte(s))
	return int(h.Sum32() >> 1)
}

// lineWidth resolves "line_width": 0 or absent picks one from the image.
func (r *drawBoxesRequest) lineWidth(w, h int) (int, error) {
	if r.LineWidth != nil && *r.LineWidth != 0 {
		lw := *r.LineWidth
		if err := catalog.CheckNumber("line_width", lw, 1, maxLineWidth, true, "pixels; 0 or absent: chosen from the image's size"); err != nil {
			return 0, err
		}
		return int(lw), nil
	}
	return max(2, min(w, h)/150), nil
}
