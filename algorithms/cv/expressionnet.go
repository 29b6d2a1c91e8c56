package cv

import (
	"context"
	"fmt"
	"image"
	"math"
)

// expressionLabels are FaceExpressionNet's outputs, in the network's order.
var expressionLabels = [7]string{"neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"}

// faceExpressionNet is face-api.js's FaceExpressionNet: a 112×112 face goes
// through four dense blocks (each halves the size), a global average pool
// and a fully connected layer to 7 logits.
type faceExpressionNet struct {
	blocks [4]denseBlock
	fc     []float32 // [256][7]
	fcBias []float32
}

// denseBlock is face-api's denseBlock4: a stride-2 entry convolution, then
// three separable convolutions, each fed the ReLU of the sum of everything
// before it in the block.
type denseBlock struct {
	entryConv *convLayer      // first block: plain 3×3 conv
	entrySep  *separableLayer // other blocks: separable conv
	convs     [3]separableLayer
}

var expressionMean = [3]float32{122.782, 117.001, 104.298}

const (
	expressionInput    = 112
	expressionFeatures = 256
)

func newFaceExpressionNet(w *weightMap) (*faceExpressionNet, error) {
	n := &faceExpressionNet{}
	channels := []int{3, 32, 64, 128, 256}
	for i := range n.blocks {
		p := fmt.Sprintf("dense%d/", i)
		cin, cout := channels[i], channels[i+1]
		blk := &n.blocks[i]
		if i == 0 {
			c, err := w.conv(p+"conv0/", 3, cin, cout, 2, true, relu)
			if err != nil {
				return nil, err
			}
			blk.entryConv = &c
		} else {
			s, err := w.separable(p+"conv0/", cin, cout, 2, relu)
			if err != nil {
				return nil, err
			}
			blk.entrySep = &s
		}
		for j := range blk.convs {
			s, err := w.separable(fmt.Sprintf("%sconv%d/", p, j+1), cout, cout, 1, linear)
			if err != nil {
				return nil, err
			}
			blk.convs[j] = s
		}
	}
	var err error
	if n.fc, err = w.tensor("fc/weights", expressionFeatures, len(expressionLabels)); err != nil {
		return nil, err
	}
	if n.fcBias, err = w.tensor("fc/bias", len(expressionLabels)); err != nil {
		return nil, err
	}
	return n, nil
}

func (b *denseBlock) forward(x tensor) tensor {
	var out1 tensor
	if b.entryConv != nil {
		out1 = forward(b.entryConv, x)
	} else {
		out1 = forward(b.entrySep, x)
	}
	out2 := forward(&b.convs[0], out1)
	out3 := forward(&b.convs[1], addRelu(out1, out2))
	out4 := forward(&b.convs[2], addRelu(out1, out2, out3))
	return addRelu(out1, out2, out3, out4)
}

// predict returns the probabilities of the 7 expressions for the face in
// the region crop of img (clipped to the image, not empty).
func (n *faceExpressionNet) predict(ctx context.Context, img image.Image, crop image.Rectangle) ([7]float64, error) {
	var probs [7]float64
	w, h := crop.Dx(), crop.Dy()
	side := max(w, h)
	// Centred in its square: face-api puts round(diff/2) after the face and
	// the rest before it.
	ox, oy := 0, 0
	if w < h {
		ox = (h - w) - int(math.Round(float64(h-w)*0.5))
	} else {
		oy = (w - h) - int(math.Round(float64(w-h)*0.5))
	}
	x := squareInput(img, crop, side, ox, oy, expressionInput, expressionMean)
	for i := range n.blocks {
		if err := ctx.Err(); err != nil {
			return probs, err
		}
		x = n.blocks[i].forward(x)
	}
	// avgPool 7×7 over the final 7×7 map is a global average.
	var features [expressionFeatures]float64
	for p := range x.h * x.w {
		for c, v := range x.data[p*x.c : (p+1)*x.c] {
			features[c] += float64(v)
		}
	}
	var logits [7]float64
	biggest := math.Inf(-1)
	for o := range logits {
		s := float64(n.fcBias[o])
		for c, f := range features {
			s += f / float64(x.h*x.w) * float64(n.fc[c*len(logits)+o])
		}
		logits[o] = s
		biggest = max(biggest, s)
	}
	var sum float64
	for o, l := range logits {
		probs[o] = math.Exp(l - biggest)
		sum += probs[o]
	}
	for o := range probs {
		probs[o] /= sum
	}
	return probs, nil
}
