package tfjs

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// The tail of NanoDet's head: a transposed view split along channels,
// a sigmoid on one part, reshapes (with a target folded from
// SparseToDense + AddV2 of int constants, as ONNX conversions write them),
// transposes and a concat.
func TestShapeOpsThroughViews(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 3))
	b := &graphBuilder{}
	x := b.input("x") // NHWC [1,2,3,5]
	nchw := b.node("t", "Transpose", []string{x, b.ints("p", []int{4}, 0, 3, 1, 2)}, nil)
	split := b.node("split", "SplitV", []string{nchw, b.ints("sizes", []int{2}, 2, -1), b.ints("axis", []int{}, 1)}, map[string]any{"num_split": 2})
	sig := b.node("sig", "Sigmoid", []string{split}, nil)
	zeros := b.node("std", "SparseToDense", []string{
		b.ints("where", []int{0, 1}), b.ints("shape3", []int{1}, 3), b.ints("vals", []int{0}), b.ints("zero", []int{}, 0)}, nil)
	target := b.node("target", "AddV2", []string{b.ints("base", []int{3}, 1, 2, -1), zeros}, nil)
	flat := b.node("flat", "Reshape", []string{sig, target}, nil)
	b.node("scores", "Transpose", []string{flat, b.ints("p2", []int{3}, 0, 2, 1)}, nil)
	cat := b.node("cat", "ConcatV2", []string{split + ":1", split, b.ints("axis2", []int{}, -3)}, map[string]any{"N": 2})
	b.node("padded", "PadV2", []string{cat, b.ints("pads", []int{4, 2}, 0, 0, 0, 0, 1, 0, 0, 2), b.floats("v", []int{}, []float32{7})}, nil)

	xs := []int{1, 2, 3, 5}
	in := randomFloats(rng, size(xs))
	out := b.run(t, xs, in, "scores", "padded")

	// scores[0][p][c] = sigmoid(x[0][p/3][p%3][c]) for c < 2.
	var want []float64
	for p := range 6 {
		for c := range 2 {
			want = append(want, 1/(1+math.Exp(-at(in, xs, 0, p/3, p%3, c))))
		}
	}
	closeTo(t, "scores", out[0], []int{1, 6, 2}, want, 1e-6)

	// padded = concat(channels 2..4, channels 0..1) in NCHW, one row of 7s
	// above and two columns of 7s to the right.
	want = want[:0]
	for c := range 5 {
		for y := range 3 {
			for xx := range 5 {
				if y == 0 || xx >= 3 {
					want = append(want, 7)
				} else {
					want = append(want, at(in, xs, 0, y-1, xx, (c+2)%5))
				}
			}
		}
	}
	closeTo(t, "padded", out[1], []int{1, 5, 3, 5}, want, 0)
}

// MaxPool after a -inf PadV2 (folded into the pool) equals SAME-style
// pooling that skips the border; elementwise ops broadcast.
func TestPoolAndBroadcast(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(4, 4))
	b := &graphBuilder{}
	x := b.input("x") // NHWC [1,5,6,2]
	padded := b.node("pad", "PadV2", []string{x, b.ints("pads", []int{4, 2}, 0, 0, 1, 1, 1, 1, 0, 0), b.floats("ninf", []int{}, []float32{float32(math.Inf(-1))})}, nil)
	pool := b.node("pool", "MaxPool", []string{padded}, map[string]any{"ksize": []int{1, 3, 3, 1}, "strides": []int{1, 2, 2, 1}, "padding": "VALID"})
	scale := b.floats("scale", []int{2}, []float32{2, -1})
	b.node("out", "Mul", []string{pool, scale}, nil)
	b.node("same", "MaxPool", []string{x}, map[string]any{"ksize": []int{1, 2, 2, 1}, "strides": []int{1, 2, 2, 1}, "padding": "SAME"})

	xs := []int{1, 5, 6, 2}
	in := randomFloats(rng, size(xs))
	p := b.compile(t, xs, "out", "same")
	for _, k := range stepKinds(p) {
		if strings.Contains(k, "pad") {
			t.Errorf("the -inf padding was not folded into the pool: %v", stepKinds(p))
		}
	}
	out := b.run(t, xs, in, "out", "same")
	pool3 := func(oh, ow, k, s, off int) []float64 {
		var v []float64
		for oy := range oh {
			for ox := range ow {
				for c := range 2 {
					m := math.Inf(-1)
					for ky := range k {
						for kx := range k {
							iy, ix := oy*s-off+ky, ox*s-off+kx
							if iy >= 0 && iy < 5 && ix >= 0 && ix < 6 {
								m = math.Max(m, at(in, xs, 0, iy, ix, c))
							}
						}
					}
					v = append(v, m)
				}
			}
		}
		return v
	}
	want := pool3(3, 3, 3, 2, 1)
	for i := range want {
		want[i] *= []float64{2, -1}[i%2]
	}
	closeTo(t, "pool×scale", out[0], []int{1, 3, 3, 2}, want, 1e-6)
	closeTo(t, "same pool", out[1], []int{1, 3, 3, 2}, pool3(3, 3, 2, 2, 0), 0)
}

// ResizeBilinear as tfjs's CPU kernel: half-pixel centres (NanoDet's
// upsampling), corner alignment, and neither.
func TestResizeBilinear(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 5))
	xs := []int{1, 3, 4, 2}
	in := randomFloats(rng, size(xs))
	for _, c := range []struct {
		align, center bool
		oh, ow        int
	}{{false, true, 6, 8}, {true, false, 5, 7}, {false, false, 2, 3}} {
		b := &graphBuilder{}
		b.node("out", "ResizeBilinear", []string{b.input("x"), b.ints("size", []int{2}, c.oh, c.ow)},
			map[string]any{"align_corners": c.align, "half_pixel_centers": c.center})
		got := b.run(t, xs, in, "out")[0]
		src := func(i, in, out int) (int, int, float64) {
			r := float64(in) / float64(out)
			if c.align && out > 1 {
				r = float64(in-1) / float64(out-1)
			}
			f := r * float64(i)
			if c.center {
				f = r*(float64(i)+0.5) - 0.5
			}
			lo := max(0, int(math.Floor(f)))
			return lo, min(in-1, int(math.Ceil(f))), f - float64(lo)
		}
		var want []float64
		for y := range c.oh {
			y0, y1, dy := src(y, 3, c.oh)
			for x := range c.ow {
				x0, x1, dx := src(x, 4, c.ow)
				for ch := range 2 {
					top := at(in, xs, 0, y0, x0, ch) + (at(in, xs, 0, y0, x1, ch)-at(in, xs, 0, y0, x0, ch))*dx
					bot := at(in, xs, 0, y1, x0, ch) + (at(in, xs, 0, y1, x1, ch)-at(in, xs, 0, y1, x0, ch))*dx
					want = append(want, top+(bot-top)*dy)
				}
			}
		}
		closeTo(t, "resize", got, []int{1, c.oh, c.ow, 2}, want, 1e-6)
	}
}

// What the files hold or ask for that pipette cannot run is an error that
// names it, at Load or Compile.
func TestLoadAndCompileErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		build func(b *graphBuilder)
		want  string
	}{
		{"unknown op", func(b *graphBuilder) { b.node("out", "Erf", []string{b.input("x")}, nil) }, "op Erf is not supported"},
		{"missing input", func(b *graphBuilder) { b.node("out", "Relu", []string{"nowhere"}, nil) }, `no node "nowhere"`},
		{"cycle", func(b *graphBuilder) {
			b.input("x")
			b.node("a", "Add", []string{"x", "out"}, nil)
			b.node("out", "Relu", []string{"a"}, nil)
		}, "cycle"},
		{"const without weights", func(b *graphBuilder) {
			b.node("c", "Const", nil, nil)
			b.node("out", "Add", []string{b.input("x"), "c"}, nil)
		}, `constant "c" has no weights`},
		{"bad transpose", func(b *graphBuilder) {
			b.node("out", "Transpose", []string{b.input("x"), b.ints("p", []int{4}, 0, 0, 1, 2)}, nil)
		}, "not a permutation"},
		{"reshape that does not fit", func(b *graphBuilder) {
			b.node("out", "Reshape", []string{b.input("x"), b.ints("s", []int{2}, 5, -1)}, nil)
		}, "do not fit"},
		{"huge pad", func(b *graphBuilder) {
			b.node("out", "Pad", []string{b.input("x"), b.ints("p", []int{4, 2}, 0, 0, 0, 1<<30, 0, 1<<30, 0, 0)}, nil)
		}, "paddings"},
		{"pad past the memory limit", func(b *graphBuilder) {
			b.node("out", "Pad", []string{b.input("x"), b.ints("p", []int{4, 2}, 0, 0, 0, 1<<20, 0, 1<<20, 0, 0)}, nil)
		}, "more than"},
		{"negative pad", func(b *graphBuilder) {
			b.node("out", "Pad", []string{b.input("x"), b.ints("p", []int{4, 2}, 0, 0, -1, 0, 0, 0, 0, 0)}, nil)
		}, "paddings"},
		{"filter that does not fit", func(b *graphBuilder) {
			b.node("out", "Conv2D", []string{b.input("x"), b.floats("f", []int{5, 5, 3, 1}, make([]float32, 75))}, map[string]any{"padding": "VALID"})
		}, "does not fit"},
		{"NCHW convolution", func(b *graphBuilder) {
			b.node("out", "Conv2D", []string{b.input("x"), b.floats("f", []int{1, 1, 3, 1}, make([]float32, 3))}, map[string]any{"data_format": "NCHW"})
		}, "NHWC only"},
	}
	for _, c := range cases {
		b := &graphBuilder{}
		c.build(b)
		j, open := b.files()
		g, err := Load(j, open)
		if err == nil {
			_, err = g.Compile([]Input{{Name: "x", Shape: []int{1, 4, 4, 3}}}, []string{"out"})
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.want)
		}
	}
}

// float16 and uint8 quantised weights decode as tfjs decodes them.
func TestQuantisedWeights(t *testing.T) {
	t.Parallel()
	half := []uint16{0x3c00, 0xc000, 0x0001, 0x7c00, 0x3555}
	want := []float32{1, -2, 5.9604645e-08, float32(math.Inf(1)), 0.33325195}
	var raw []byte
	for _, h := range half {
		raw = append(raw, byte(h), byte(h>>8))
	}
	tq, n, err := decodeWeight(weightSpec{Name: "h", Shape: []int{5}, Dtype: "float32", Quantization: &struct {
		Dtype string  `json:"dtype"`
		Scale float64 `json:"scale"`
		Min   float64 `json:"min"`
	}{Dtype: "float16"}}, raw)
	if err != nil || n != 10 {
		t.Fatal(err, n)
	}
	for i, v := range want {
		if tq.Float[i] != v {
			t.Errorf("half %#x = %v, want %v", half[i], tq.Float[i], v)
		}
	}
	u8, _, err := decodeWeight(weightSpec{Name: "u", Shape: []int{2}, Dtype: "float32", Quantization: &struct {
		Dtype string  `json:"dtype"`
		Scale float64 `json:"scale"`
		Min   float64 `json:"min"`
	}{Dtype: "uint8", Scale: 0.5, Min: -1}}, []byte{0, 4})
	if err != nil || u8.Float[0] != -1 || u8.Float[1] != 1 {
		t.Errorf("uint8: %v %v", u8, err)
	}
}
