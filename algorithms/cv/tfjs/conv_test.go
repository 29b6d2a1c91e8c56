package tfjs

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// naiveConv is the textbook NHWC convolution in float64, the yardstick.
func naiveConv(x []float32, xs []int, f []float32, fs []int, bias []float32, sh, sw, dh, dw, top, left, oh, ow int, act func(float64) float64) []float64 {
	n, h, w, cin := xs[0], xs[1], xs[2], xs[3]
	kh, kw, cout := fs[0], fs[1], fs[3]
	out := make([]float64, n*oh*ow*cout)
	for b := range n {
		for oy := range oh {
			for ox := range ow {
				for co := range cout {
					s := 0.0
					if bias != nil {
						s = float64(bias[co])
					}
					for ky := range kh {
						for kx := range kw {
							iy, ix := oy*sh-top+ky*dh, ox*sw-left+kx*dw
							if iy < 0 || iy >= h || ix < 0 || ix >= w {
								continue
							}
							for ci := range cin {
								s += at(x, xs, b, iy, ix, ci) * at(f, fs, ky, kx, ci, co)
							}
						}
					}
					out[((b*oh+oy)*ow+ox)*cout+co] = act(s)
				}
			}
		}
	}
	return out
}

func linearAct(v float64) float64 { return v }

// The NanoDet pattern, converted from ONNX: NCHW input, Pad, Transpose to
// NHWC, Conv2D, bias Add, Transpose back, LeakyRelu. Fusion must fold the
// pad, the bias and the activation into one convolution and give the same
// numbers as doing each step.
func TestConvFusedLikeONNX(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	for _, c := range []struct {
		h, w, cin, cout, k, stride int
	}{
		{7, 9, 3, 16, 3, 2}, {6, 5, 16, 20, 3, 1}, {5, 3, 8, 33, 1, 1}, {4, 4, 40, 16, 3, 1},
	} {
		b := &graphBuilder{}
		x := b.input("x")
		pad := 1
		if c.k == 1 {
			pad = 0
		}
		p := b.node("pad", "Pad", []string{x, b.ints("pads", []int{4, 2}, 0, 0, 0, 0, pad, pad, pad, pad)}, nil)
		tr := b.node("t1", "Transpose", []string{p, b.ints("p1", []int{4}, 0, 2, 3, 1)}, nil)
		fs := []int{c.k, c.k, c.cin, c.cout}
		f := randomFloats(rng, size(fs))
		bias := randomFloats(rng, c.cout)
		conv := b.node("conv", "Conv2D", []string{tr, b.floats("f", fs, f)}, map[string]any{
			"padding": "VALID", "strides": []int{1, c.stride, c.stride, 1}, "data_format": "NHWC", "dilations": []int{1, 1, 1, 1}})
		add := b.node("add", "Add", []string{conv, b.floats("bias", []int{c.cout}, bias)}, nil)
		back := b.node("t2", "Transpose", []string{add, b.ints("p2", []int{4}, 0, 3, 1, 2)}, nil)
		b.node("out", "LeakyRelu", []string{back}, map[string]any{"alpha": 0.1})

		xs := []int{1, c.cin, c.h, c.w}
		in := randomFloats(rng, size(xs))
		// One copy of the input into NHWC, one fused convolution; the
		// output stays NHWC in memory until it is read out.
		if kinds := fmt.Sprint(stepKinds(b.compile(t, xs, "out"))); kinds != "[*tfjs.transposeStep *tfjs.convStep]" {
			t.Errorf("steps %s, want the input transposed and one fused convolution", kinds)
		}
		got := b.run(t, xs, in, "out")[0]

		// The yardstick: NCHW → NHWC by hand, convolution, back to NCHW.
		nhwc := make([]float32, len(in))
		for ci := range c.cin {
			for y := range c.h {
				for x := range c.w {
					nhwc[(y*c.w+x)*c.cin+ci] = in[(ci*c.h+y)*c.w+x]
				}
			}
		}
		oh, ow := (c.h+2*pad-c.k)/c.stride+1, (c.w+2*pad-c.k)/c.stride+1
		leaky := func(v float64) float64 { return math.Max(v, 0.1*v) }
		want := naiveConv(nhwc, []int{1, c.h, c.w, c.cin}, f, fs, bias, c.stride, c.stride, 1, 1, pad, pad, oh, ow, leaky)
		nchw := make([]float64, len(want))
		for co := range c.cout {
			for y := range oh {
				for x := range ow {
					nchw[(co*oh+y)*ow+x] = want[(y*ow+x)*c.cout+co]
				}
			}
		}
		closeTo(t, "fused conv", got, []int{1, c.cout, oh, ow}, nchw, 1e-4)
	}
}

// Conv2D on NHWC input with SAME and EXPLICIT padding, dilation, and
// activations the kernel cannot apply itself (Relu6, LeakyRelu ≠ 0.1);
// _FusedConv2D with BiasAdd and Relu.
func TestConvVariants(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2, 2))
	xs := []int{2, 9, 7, 5}
	in := randomFloats(rng, size(xs))
	fs := []int{3, 3, 5, 18}
	f := randomFloats(rng, size(fs))
	bias := randomFloats(rng, 18)
	cases := []struct {
		name   string
		build  func(b *graphBuilder, x, filter, bias string) string
		stride int
		dil    int
		top    int
		left   int
		oh, ow int
		act    func(float64) float64
		bias   bool
	}{
		{"same, stride 2, relu6", func(b *graphBuilder, x, f, _ string) string {
			c := b.node("c", "Conv2D", []string{x, f}, map[string]any{"padding": "SAME", "strides": []int{1, 2, 2, 1}})
			return b.node("out", "Relu6", []string{c}, nil)
		}, 2, 1, 1, 1, 5, 4, func(v float64) float64 { return math.Min(math.Max(v, 0), 6) }, false},
		{"explicit, dilation 2, leaky 0.2", func(b *graphBuilder, x, f, bs string) string {
			c := b.node("c", "Conv2D", []string{x, f}, map[string]any{"padding": "EXPLICIT", "explicit_paddings": []int{0, 0, 2, 1, 0, 3, 0, 0},
				"strides": []int{1, 1, 1, 1}, "dilations": []int{1, 2, 2, 1}})
			a := b.node("a", "BiasAdd", []string{c, bs}, nil)
			return b.node("out", "LeakyRelu", []string{a}, map[string]any{"alpha": 0.2})
		}, 1, 2, 2, 0, 8, 6, func(v float64) float64 { return math.Max(v, 0.2*v) }, true},
		{"_FusedConv2D valid relu", func(b *graphBuilder, x, f, bs string) string {
			return b.node("out", "_FusedConv2D", []string{x, f, bs}, map[string]any{"padding": "VALID", "strides": []int{1, 1, 1, 1},
				"fused_ops": []string{"BiasAdd", "Relu"}, "num_args": 1})
		}, 1, 1, 0, 0, 7, 5, func(v float64) float64 { return math.Max(v, 0) }, true},
	}
	for _, c := range cases {
		b := &graphBuilder{}
		out := c.build(b, b.input("x"), b.floats("f", fs, f), b.floats("b", []int{18}, bias))
		got := b.run(t, xs, in, out)[0]
		var bs []float32
		if c.bias {
			bs = bias
		}
		want := naiveConv(in, xs, f, fs, bs, c.stride, c.stride, c.dil, c.dil, c.top, c.left, c.oh, c.ow, c.act)
		closeTo(t, c.name, got, []int{2, c.oh, c.ow, 18}, want, 1e-4)
	}
}
