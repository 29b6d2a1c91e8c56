package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"pipette/ui/common"
	"pipette/ui/components/graphics"
	"pipette/ui/keys"
	"testing"
	"time"

	"pipette/catalog"
	"pipette/client"
	"pipette/pipebuilder"
	"pipette/themes"
)

// bigJSON is a result of a few thousand lines, as a large model answer.
func bigJSON() catalog.Value {
	rows := make([]any, 2000)
	for i := range rows {
		rows[i] = map[string]any{"id": i, "label": fmt.Sprintf("item %d", i), "score": float64(i) / 7, "ok": i%2 == 0}
	}
	return catalog.JSON(map[string]any{"rows": rows})
}

// BenchmarkTryViewJSON is one frame (a spinner tick or a key) of the Try
// tab showing a large JSON result.
func BenchmarkTryViewJSON(b *testing.B) {
	t := newTryPane(benchCommon())
	t.entry, t.has = catalog.Entry{Ref: catalog.MustParseRef("test/Big/1.0.0"), InputKind: catalog.KindJSON}, true
	t.SetSize(120, 40)
	t.resp = &client.Response{Value: bigJSON(), ContentType: "application/json", Duration: time.Millisecond}
	t.refreshOutput()
	b.ResetTimer()
	for b.Loop() {
		_ = t.View("⠋")
	}
}

func benchChainEditing(b *testing.B, preview catalog.Value) {
	p := newChainPane(benchCommon())
	p.c = &pipebuilder.Chain{Name: "big", Steps: []pipebuilder.Step{{ID: "a", Algo: "test/Big"}, {ID: "b", Algo: "test/Big"}}}
	p.trace = &pipebuilder.Trace{Steps: []pipebuilder.StepTrace{{ID: "a", Result: bigJSON(), Done: true}}}
	p.sel, p.editing, p.target = 1, true, "input"
	p.setPreview(preview, nil)
	p.SetSize(120, 40)
	b.ResetTimer()
	for b.Loop() {
		_ = p.View("⠋")
	}
}

// BenchmarkChainViewPreviewJSON is one frame of the builder while a mapping
// is edited over a large JSON preview.
func BenchmarkChainViewPreviewJSON(b *testing.B) { benchChainEditing(b, bigJSON()) }

// BenchmarkChainViewPreviewImage is the same over an image preview.
func BenchmarkChainViewPreviewImage(b *testing.B) {
	benchChainEditing(b, catalog.Bytes(gradientPNG(640, 480)))
}

func gradientPNG(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{R: uint8(x), G: uint8(y), B: 200, A: 255})
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

// BenchmarkModelTickTryJSON is a spinner frame of the whole program (the
// tick's Update and the View) while a large JSON result is in the Try tab
// and another run is under way.
func BenchmarkModelTickTryJSON(b *testing.B) {
	m := newTestModel(b, 160, 48, "dark")
	selectRef(b, m, "test/Shout")
	press(b, m, "enter")
	m.try.resp = &client.Response{Value: bigJSON(), ContentType: "application/json", Duration: time.Millisecond}
	m.try.refreshOutput()
	m.try.running = true
	b.ResetTimer()
	for b.Loop() {
		m.Update(tickMsg{gen: m.tickGen, at: testTime})
		_ = m.View()
	}
}

// BenchmarkChainLayoutView is what the builder does on a preview's answer or
// another message that lays the screen out again: SetSize at the same size,
// then View, with a large JSON result in the step detail.
func BenchmarkChainLayoutView(b *testing.B) {
	p := newChainPane(benchCommon())
	p.c = &pipebuilder.Chain{Name: "big", Steps: []pipebuilder.Step{{ID: "a", Algo: "test/Big"}}}
	p.trace = &pipebuilder.Trace{Steps: []pipebuilder.StepTrace{{ID: "a", Input: catalog.JSON(map[string]any{"n": 1}), Result: bigJSON(), ContentType: "json", Done: true}}}
	p.live["a"] = p.trace.Steps[0]
	p.SetSize(120, 40)
	_ = p.View("⠋")
	b.ResetTimer()
	for b.Loop() {
		p.SetSize(120, 40)
		_ = p.View("⠋")
	}
}

// BenchmarkColorJSON is what a finished run, a resize or a theme change
// costs the Try tab with a 200 KB JSON result.
func BenchmarkColorJSON(b *testing.B) {
	st := themes.New(themes.Dark())
	bs, _ := json.MarshalIndent(bigJSON().JSON, "", "  ")
	b.SetBytes(int64(len(bs)))
	for b.Loop() {
		_ = st.ColorJSON(string(bs))
	}
}

func benchCommon() *common.Common {
	return &common.Common{Styles: themes.New(themes.Dark()), Keys: keys.Default(), Graphics: graphics.New(graphics.ImagesHalfBlocks)}
}
