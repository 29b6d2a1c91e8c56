package image

import (
	"context"
	"image"
	"image/color"
	"io"
	"math"
	"reflect"
	"testing"

	"github.com/lucasb-eyer/go-colorful"

	"pipette/algorithms/algotest"
	"pipette/catalog"
)

func dominant(t *testing.T, in catalog.Value) DominantColorsResult {
	t.Helper()
	return algotest.Result[DominantColorsResult](t, DominantColors(), in)
}

func hsv(c DominantColor) (h, s, v float64) {
	return colorful.Color{R: float64(c.RGB[0]) / 255, G: float64(c.RGB[1]) / 255, B: float64(c.RGB[2]) / 255}.Hsv()
}

func checkShares(t *testing.T, res DominantColorsResult) {
	t.Helper()
	var sum float64
	for i, c := range res.Colors {
		sum += c.Share
		if i > 0 && c.Share > res.Colors[i-1].Share {
			t.Errorf("colours not sorted by share: %v", res.Colors)
		}
	}
	if math.Abs(sum-1) > 0.01 {
		t.Errorf("shares sum to %.4f, want 1", sum)
	}
}

func TestDominantColorsAstronautHasOrangeSuit(t *testing.T) {
	t.Parallel()
	res := dominant(t, catalog.Bytes(algotest.TestImage(t, "astronaut.png")))
	if len(res.Colors) != 5 {
		t.Fatalf("got %d colours, want the default 5", len(res.Colors))
	}
	checkShares(t, res)
	orange := false
	for _, c := range res.Colors[:4] {
		h, s, v := hsv(c)
		if h >= 5 && h <= 40 && s > 0.45 && v > 0.5 {
			orange = true
		}
	}
	if !orange {
		t.Errorf("no orange among the top colours of the astronaut: %+v", res.Colors)
	}
	// Repeatable: a second run gives exactly the same palette.
	again := dominant(t, catalog.Bytes(algotest.TestImage(t, "astronaut.png")))
	if !reflect.DeepEqual(res, again) {
		t.Errorf("two runs differ:\n%+v\n%+v", res, again)
	}
}

func TestDominantColorsCoffeeIsBrown(t *testing.T) {
	t.Parallel()
	res := dominant(t, catalog.JSON(map[string]any{"image": encodeB64(algotest.TestImage(t, "coffee.png")), "k": 3.0}))
	if len(res.Colors) != 3 {
		t.Fatalf("got %d colours, want 3", len(res.Colors))
	}
	checkShares(t, res)
	browns := 0
	for _, c := range res.Colors {
		// Brown is a dark orange: hue between red and yellow, not bright.
		if h, s, v := hsv(c); (h <= 45 || h >= 350) && s > 0.3 && v < 0.85 {
			browns++
		}
	}
	if browns < 2 {
		t.Errorf("want at least 2 browns among the coffee's 3 colours: %+v", res.Colors)
	}
}

func TestDominantColorsExactOnFlatImage(t *testing.T) {
	t.Parallel()
	// 3/4 blue, 1/4 red, and a transparent column that must not count.
	img := image.NewNRGBA(image.Rect(0, 0, 5, 4))
	for y := 0; y < 4; y++ {
		for x := 0; x < 4; x++ {
			c := color.NRGBA{0, 0, 255, 255}
			if x == 0 {
				c = color.NRGBA{255, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	res := dominant(t, catalog.JSON(map[string]any{"image": encodeB64(pngBytes(t, img)), "k": 8.0}))
	want := []DominantColor{{Hex: "#0000ff", RGB: [3]int{0, 0, 255}, Share: 0.75}, {Hex: "#ff0000", RGB: [3]int{255, 0, 0}, Share: 0.25}}
	if !reflect.DeepEqual(res.Colors, want) || res.Pixels != 16 {
		t.Errorf("got %+v (%d pixels), want %+v from 16 pixels", res.Colors, res.Pixels, want)
	}
}

func TestDominantColorsBadInput(t *testing.T) {
	t.Parallel()
	src := encodeB64(algotest.TestImage(t, "text.png"))
	for _, c := range []struct {
		in   catalog.Value
		want string
	}{
		{catalog.JSON(map[string]any{"image": src, "k": 0.0}), `"k" is 0`},
		{catalog.JSON(map[string]any{"image": src, "k": 17.0}), "1 to 16"},
		{catalog.JSON(map[string]any{"image": src, "k": 2.5}), `"k"`},
		{catalog.JSON(map[string]any{"image": encodeB64(pngBytes(t, image.NewNRGBA(image.Rect(0, 0, 3, 3))))}), "transparent"},
		{catalog.Bytes([]byte("hello, this is not a picture")), "not an image"},
	} {
		_, err := runDominantColors(context.Background(), c.in, io.Discard)
		algotest.WantError(t, err, catalog.InputError, c.want)
	}
}

func BenchmarkDominantColors(b *testing.B) {
	algotest.BenchmarkSample(b, DominantColors(), 0)
}
