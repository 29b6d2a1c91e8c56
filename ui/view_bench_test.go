package ui

import (
	"encoding/json"
	"pipette/ui/common"
	"pipette/ui/components/graphics"
	"pipette/ui/internal/uitest"
	"pipette/ui/keys"
	"testing"
	"time"

	"pipette/catalog"
	"pipette/client"
	"pipette/themes"
)

// BenchmarkTryViewJSON is one frame (a spinner tick or a key) of the Try
// tab showing a large JSON result.
func BenchmarkTryViewJSON(b *testing.B) {
	t := newTryPane(benchCommon())
	t.entry, t.has = catalog.Entry{Ref: catalog.MustParseRef("test/Big/1.0.0"), InputKind: catalog.KindJSON}, true
	t.SetSize(120, 40)
	t.resp = &client.Response{Value: uitest.BigJSON(), ContentType: "application/json", Duration: time.Millisecond}
	t.refreshOutput()
	b.ResetTimer()
	for b.Loop() {
		_ = t.View("⠋")
	}
}

// BenchmarkModelTickTryJSON is a spinner frame of the whole program (the
// tick's Update and the View) while a large JSON result is in the Try tab
// and another run is under way.
func BenchmarkModelTickTryJSON(b *testing.B) {
	m := newTestModel(b, 160, 48, "dark")
	selectRef(b, m, "test/Shout")
	press(b, m, "enter")
	m.try.resp = &client.Response{Value: uitest.BigJSON(), ContentType: "application/json", Duration: time.Millisecond}
	m.try.refreshOutput()
	m.try.running = true
	b.ResetTimer()
	for b.Loop() {
		m.Update(tickMsg{gen: m.tickGen, at: testTime})
		_ = m.View()
	}
}

// BenchmarkColorJSON is what a finished run, a resize or a theme change
// costs the Try tab with a 200 KB JSON result.
func BenchmarkColorJSON(b *testing.B) {
	st := themes.New(themes.Dark())
	bs, _ := json.MarshalIndent(uitest.BigJSON().JSON, "", "  ")
	b.SetBytes(int64(len(bs)))
	for b.Loop() {
		_ = st.ColorJSON(string(bs))
	}
}

func benchCommon() *common.Common {
	return &common.Common{Styles: themes.New(themes.Dark()), Keys: keys.Default(), Graphics: graphics.New(graphics.ImagesHalfBlocks)}
}
