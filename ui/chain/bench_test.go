package chain

import (
	"testing"

	"pipette/catalog"
	"pipette/pipebuilder"
	"pipette/themes"
	"pipette/ui/common"
	"pipette/ui/components/graphics"
	"pipette/ui/internal/uitest"
	"pipette/ui/keys"
)

func benchBuilder() *Builder {
	com := &common.Common{Styles: themes.New(themes.Dark()), Keys: keys.Default(), Graphics: graphics.New(graphics.ImagesHalfBlocks)}
	return New(com, Options{})
}

func benchEditing(b *testing.B, preview catalog.Value) {
	p := benchBuilder()
	p.c = &pipebuilder.Chain{Name: "big", Steps: []pipebuilder.Step{{ID: "a", Algo: "test/Big"}, {ID: "b", Algo: "test/Big"}}}
	p.trace = &pipebuilder.Trace{Steps: []pipebuilder.StepTrace{{ID: "a", Result: uitest.BigJSON(), Done: true}}}
	p.sel, p.editing, p.target = 1, true, targetInput
	p.setPreview(preview, nil)
	p.SetSize(120, 40)
	b.ResetTimer()
	for b.Loop() {
		p.Prepare()
		_ = p.View()
	}
}

// BenchmarkChainViewPreviewJSON is one frame of the builder while a mapping
// is edited over a large JSON preview.
func BenchmarkChainViewPreviewJSON(b *testing.B) { benchEditing(b, uitest.BigJSON()) }

// BenchmarkChainViewPreviewImage is the same over an image preview.
func BenchmarkChainViewPreviewImage(b *testing.B) {
	benchEditing(b, catalog.Bytes(uitest.Gradient(640, 480)))
}

// BenchmarkChainLayoutView is what the builder does on a preview's answer or
// another message that lays the screen out again: SetSize at the same size,
// then a frame, with a large JSON result in the step detail.
func BenchmarkChainLayoutView(b *testing.B) {
	p := benchBuilder()
	p.c = &pipebuilder.Chain{Name: "big", Steps: []pipebuilder.Step{{ID: "a", Algo: "test/Big"}}}
	p.trace = &pipebuilder.Trace{Steps: []pipebuilder.StepTrace{{ID: "a", Input: catalog.JSON(map[string]any{"n": 1}), Result: uitest.BigJSON(), ContentType: "json", Done: true}}}
	p.live["a"] = p.trace.Steps[0]
	p.SetSize(120, 40)
	p.Prepare()
	b.ResetTimer()
	for b.Loop() {
		p.SetSize(120, 40)
		p.Prepare()
		_ = p.View()
	}
}
