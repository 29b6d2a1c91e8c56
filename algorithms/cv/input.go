package cv

import (
	"context"
	"image"
	"math"

	"pipette/algorithms/imagein"
	"pipette/catalog"
)

// detectOptions are the detector's knobs, shared by both face algorithms.
type detectOptions struct {
	MinScore  *float64 `json:"min_score"`
	InputSize *float64 `json:"input_size"`
}

const (
	defaultMinScore  = 0.5
	defaultInputSize = 416
	minInputSize     = 224
	maxInputSize     = 608
)

// resolve checks the options and fills in the defaults.
func (o detectOptions) resolve() (minScore float64, inputSize int, err error) {
	minScore, inputSize = defaultMinScore, defaultInputSize
	if o.MinScore != nil {
		minScore = *o.MinScore
		if minScore < 0 || minScore >= 1 {
			return 0, 0, catalog.InputErrorf("min_score is %g but must be at least 0 and below 1 (default %g)", minScore, defaultMinScore)
		}
	}
	if o.InputSize != nil {
		s := *o.InputSize
		if s != math.Trunc(s) || s < minInputSize || s > maxInputSize || int(s)%32 != 0 {
			return 0, 0, catalog.InputErrorf("input_size is %g but must be a multiple of 32 from %d to %d (default %d; larger finds smaller faces, smaller is faster)",
				s, minInputSize, maxInputSize, defaultInputSize)
		}
		inputSize = int(s)
	}
	return minScore, inputSize, nil
}

// detectRequest is what both face algorithms' requests share: the image and
// the detector's knobs.
type detectRequest struct {
	Image string `json:"image"`
	detectOptions
}

func (r *detectRequest) base() *detectRequest { return r }

// readRequest reads an input that is an image by itself or a JSON object
// with an "image" field and options (as imagein.Request reads them) into req,
// a pointer to a request struct embedding detectRequest. It returns the
// decoded image and the detector's resolved options.
func readRequest(ctx context.Context, in catalog.Value, req interface{ base() *detectRequest }, what string) (img image.Image, minScore float64, inputSize int, err error) {
	b := req.base()
	data, err := imagein.Request(ctx, in, req, &b.Image, what)
	if err != nil {
		return nil, 0, 0, err
	}
	if img, _, err = imagein.DecodeContext(ctx, data); err != nil {
		return nil, 0, 0, err
	}
	if minScore, inputSize, err = b.resolve(); err != nil {
		return nil, 0, 0, err
	}
	return img, minScore, inputSize, nil
}
