package ui

import (
	"context"
	"encoding/json"
	"io"
	"pipette/algorithms"
	"pipette/ui/common"
	"pipette/ui/components/graphics"
	"pipette/ui/internal/uitest"
	"pipette/ui/keys"
	"testing"

	"pipette/catalog"
	"pipette/client"
	"pipette/themes"
)

// BenchmarkModelTickTryJSON is a spinner frame of the whole program (the
// tick's Update and the View) while a large JSON result is in the Try tab
// and another run is under way.
func BenchmarkModelTickTryJSON(b *testing.B) {
	reg := testRegistry()
	reg.Register(algorithms.Algorithm{
		Entry: catalog.Entry{Ref: catalog.MustParseRef("test/Big/1.0.0"), InputKind: catalog.KindText, OutputKind: catalog.KindJSON, Samples: []catalog.Sample{{Input: catalog.Text("x")}}},
		Run: func(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
			if in.Text == "slow" {
				<-ctx.Done()
			}
			return uitest.BigJSON(), nil
		},
	})
	m := newTestModelWith(b, client.NewLocal(reg, reg), 160, 48, "dark")
	selectRef(b, m, "test/Big")
	press(b, m, "enter", "r", "i", "ctrl+k", "type:slow", "esc")
	_, _ = m.Update(keyMsg("r")) // a second run, under way
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
