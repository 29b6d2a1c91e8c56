package stats

import (
	"context"
	_ "embed"
	"encoding/json"
	"io"
	"math"
	"math/cmplx"
	"slices"

	"gonum.org/v1/gonum/dsp/fourier"
	"gonum.org/v1/gonum/stat"

	"pipette/algorithms"
	"pipette/catalog"
)

//go:embed docs/timeseries.md
var timeSeriesDocs string

const (
	timeSeriesMinValues = 3
	timeSeriesMaxValues = 1_000_000
	// periodMinValues is the shortest series whose spectrum is worth
	// reading: two cycles of the shortest period (2) and then some.
	periodMinValues = 8
	// seasonMinStrength is the spectral share above which a detected period
	// is treated as a real season and removed before scoring anomalies; white
	// noise of a few hundred points rarely puts 20% of its energy in one bin.
	seasonMinStrength = 0.2
	defaultZ          = 3.0
)

type timeSeriesRequest struct {
	Values     []*float64 `json:"values"`
	PeriodHint *float64   `json:"period_hint"`
	Z          *float64   `json:"z"`
}

type quantiles struct {
	P5  float64 `json:"p5"`
	P25 float64 `json:"p25"`
	P50 float64 `json:"p50"`
	P75 float64 `json:"p75"`
	P95 float64 `json:"p95"`
}

type seriesSummary struct {
	Count     int       `json:"count"`
	Mean      float64   `json:"mean"`
	Std       float64   `json:"std"`
	Min       float64   `json:"min"`
	Max       float64   `json:"max"`
	Quantiles quantiles `json:"quantiles"`
}

type linearTrend struct {
	Slope     float64 `json:"slope"`
	Intercept float64 `json:"intercept"`
	R2        float64 `json:"r2"`
}

type periodicity struct {
	Period    float64 `json:"period"`
	Strength  float64 `json:"strength"`
	Frequency float64 `json:"frequency"`
}

type anomaly struct {
	Index int     `json:"index"`
	Value float64 `json:"value"`
	Z     float64 `json:"z"`
}

type timeSeriesResult struct {
	Summary       seriesSummary `json:"summary"`
	Trend         linearTrend   `json:"trend"`
	Period        *periodicity  `json:"period"`
	Hint          *periodicity  `json:"period_hint,omitempty"`
	SeasonRemoved int           `json:"season_removed"`
	Anomalies     []anomaly     `json:"anomalies"`
}

const timeSeriesSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "TimeSeries input: a list of numbers, or an object",
  "oneOf": [
    {"type": "array", "items": {"type": "number"}, "minItems": 3},
    {"type": "object", "required": ["values"], "additionalProperties": false, "properties": {
      "values": {"type": "array", "items": {"type": "number"}, "minItems": 3, "maxItems": 1000000, "description": "equally spaced observations, oldest first"},
      "period_hint": {"type": "number", "minimum": 2, "description": "a season you expect, in steps (7 for daily data with a weekly cycle)"},
      "z": {"type": "number", "exclusiveMinimum": 0, "default": 3, "description": "flag points whose residual is at least this many standard deviations out"}
    }}
  ]
}`

// TimeSeries is stats/TimeSeries: summary statistics, linear trend, FFT
// seasonality and z-score anomalies of an evenly spaced series.
func TimeSeries() algorithms.Algorithm {
	return algorithms.Algorithm{
		Entry: catalog.Entry{
			Ref:         catalog.Ref{Owner: "stats", Name: "TimeSeries", Version: "1.0.0"},
			Versions:    []catalog.VersionInfo{{Version: "1.0.0", ReleaseNotes: "First release: summary and quantiles, linear trend, FFT period, z-score anomalies on the deseasonalised residual."}},
			Label:       "Time Series Summary",
			Tagline:     "Summary, trend, season (FFT) and anomalies of a series",
			Docs:        timeSeriesDocs,
			Tags:        []string{"stats", "timeseries", "anomalies", "fft", "trend"},
			InputKind:   catalog.KindJSON,
			OutputKind:  catalog.KindJSON,
			InputSchema: []byte(timeSeriesSchema),
			License:     "BSD-3-Clause",
			Samples: []catalog.Sample{
				{Name: "Daily visits: growth, weekly cycle, one spike", Input: catalog.JSON(map[string]any{"values": sampleVisits(), "z": 3.0})},
				{Name: "Monthly temperatures with a hint", Input: catalog.JSON(map[string]any{"values": sampleTemperatures(), "period_hint": 12.0})},
				{Name: "A plain list", Input: catalog.JSON([]any{12.0, 14.0, 13.0, 15.0, 14.0, 16.0, 15.0, 17.0, 16.0, 45.0, 17.0, 19.0, 18.0, 20.0})},
			},
		},
		Run: runTimeSeries,
	}
}

const timeSeriesExpected = `a list of numbers, or {"values": [numbers], "period_hint": 7, "z": 3}`

func runTimeSeries(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
	req, err := decodeTimeSeries(in)
	if err != nil {
		return catalog.Value{}, err
	}
	values := make([]float64, len(req.Values))
	for i, v := range req.Values {
		if v == nil {
			return catalog.Value{}, catalog.InputErrorf("values[%d] is null; fill in or drop missing observations before sending the series", i)
		}
		if math.IsNaN(*v) || math.IsInf(*v, 0) {
			// Only an in-process caller (a jq mapping's nan or infinite) can
			// send these; JSON has no way to write them.
			return catalog.Value{}, catalog.InputErrorf("values[%d] is %g, not a finite number; send real observations", i, *v)
		}
		values[i] = *v
	}
	n := len(values)
	if n < timeSeriesMinValues || n > timeSeriesMaxValues {
		return catalog.Value{}, catalog.InputErrorf("the series has %d values; send between %d and %d", n, timeSeriesMinValues, timeSeriesMaxValues)
	}
	z := defaultZ
	if req.Z != nil {
		if z = *req.Z; !(z > 0) || math.IsInf(z, 1) {
			return catalog.Value{}, catalog.InputErrorf(`"z" is %g; it must be a positive number of standard deviations (3 is usual)`, z)
		}
	}
	if req.PeriodHint != nil && !(*req.PeriodHint >= 2 && *req.PeriodHint <= float64(n)/2) {
		return catalog.Value{}, catalog.InputErrorf(`"period_hint" is %g; it must be between 2 and half the series length (%d) so that two cycles fit`, *req.PeriodHint, n/2)
	}

	res := timeSeriesResult{Anomalies: []anomaly{}}
	res.Summary = summarize(values)

	t := make([]float64, n)
	for i := range t {
		t[i] = float64(i)
	}
	intercept, slope := stat.LinearRegression(t, values, nil, false)
	res.Trend = linearTrend{Slope: slope, Intercept: intercept, R2: stat.RSquared(t, values, nil, intercept, slope)}
	if math.IsNaN(res.Trend.R2) {
		res.Trend.R2 = 0 // a constant series: the line explains nothing, and nothing needed explaining
	}

	resid := make([]float64, n)
	for i, v := range values {
		resid[i] = v - (intercept + slope*t[i])
	}
	if err := ctx.Err(); err != nil {
		return catalog.Value{}, err
	}

	// A series the line fits exactly leaves only rounding noise (~1e-15);
	// reading periods or anomalies into that noise would be nonsense.
	scale := math.Max(1, math.Max(math.Abs(res.Summary.Mean), res.Summary.Std))
	_, residStd := stat.MeanStdDev(resid, nil)
	exact := residStd <= 1e-9*scale
	if n >= periodMinValues && !exact {
		res.Period = dominantPeriod(resid)
	}
	if err := ctx.Err(); err != nil {
		return catalog.Value{}, err
	}
	season := 0
	if res.Period != nil && res.Period.Strength >= seasonMinStrength {
		season = int(math.Round(res.Period.Period))
	}
	if req.PeriodHint != nil {
		res.Hint = &periodicity{Period: *req.PeriodHint, Frequency: 1 / *req.PeriodHint, Strength: sinusoidShare(resid, 1 / *req.PeriodHint)}
		season = int(math.Round(*req.PeriodHint))
	}
	if season >= 2 && n >= 2*season {
		removeSeason(resid, season)
		res.SeasonRemoved = season
	}

	mean, std := stat.MeanStdDev(resid, nil)
	if !exact && std > 1e-9*scale {
		for i, r := range resid {
			if i%65536 == 0 {
				if err := ctx.Err(); err != nil {
					return catalog.Value{}, err
				}
			}
			if score := (r - mean) / std; math.Abs(score) >= z {
				res.Anomalies = append(res.Anomalies, anomaly{Index: i, Value: values[i], Z: score})
			}
		}
	}
	roundResult(&res)
	if !resultFinite(res) {
		return catalog.Value{}, catalog.InputErrorf("the values are too large to sum without overflow; rescale the series (e.g. divide by 1e6) and try again")
	}
	return catalog.JSON(res), nil
}

func decodeTimeSeries(in catalog.Value) (timeSeriesRequest, error) {
	var req timeSeriesRequest
	switch in.Kind {
	case catalog.KindJSON:
		if list, ok := in.JSON.([]any); ok {
			req.Values = make([]*float64, len(list))
			for i, x := range list {
				switch v := x.(type) {
				case float64:
					req.Values[i] = &v
				case nil:
				default:
					return req, catalog.InputErrorf("values[%d] is %s, not a number; expected %s", i, algorithms.JSONKind(x), timeSeriesExpected)
				}
			}
			return req, nil
		}
		if err := algorithms.DecodeJSONInput(in, &req, timeSeriesExpected); err != nil {
			return req, err
		}
		if req.Values == nil {
			return req, catalog.InputErrorf(`the object has no "values"; expected %s`, timeSeriesExpected)
		}
		return req, nil
	case catalog.KindText:
		// A pasted list ("[1, 2, 3]") arrives as text from some clients.
		var list []*float64
		if err := json.Unmarshal([]byte(in.Text), &list); err == nil {
			req.Values = list
			return req, nil
		}
	}
	return req, catalog.InputErrorf("expected JSON: %s; got %s input", timeSeriesExpected, in.Kind)
}

func summarize(values []float64) seriesSummary {
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	mean, std := stat.MeanStdDev(values, nil)
	q := func(p float64) float64 { return stat.Quantile(p, stat.LinInterp, sorted, nil) }
	return seriesSummary{
		Count: len(values), Mean: mean, Std: std,
		Min: sorted[0], Max: sorted[len(sorted)-1],
		Quantiles: quantiles{P5: q(0.05), P25: q(0.25), P50: q(0.5), P75: q(0.75), P95: q(0.95)},
	}
}

// maxPaddedFFT bounds the zero-padded transform (2^20 points, 24 MiB of
// coefficients); longer series have fine frequency resolution already.
const maxPaddedFFT = 1 << 20

// dominantPeriod finds the strongest cycle in a detrended series among the
// periods that fit at least twice (2 … n/2 steps). The series is zero-padded
// to a power of two of about 8n before the FFT, which samples the spectrum
// eight times more finely than its n bins: a weekly cycle in 100 days then
// reads 7.0 rather than the nearest bin's 100/14 = 7.14. A parabola through
// the peak and its neighbours refines it further.
func dominantPeriod(resid []float64) *periodicity {
	n := len(resid)
	m := 1
	for m < n {
		m <<= 1
	}
	for m < 8*n && m < maxPaddedFFT {
		m <<= 1
	}
	padded := make([]float64, m)
	copy(padded, resid)
	coeffs := fourier.NewFFT(m).Coefficients(nil, padded)
	power := make([]float64, len(coeffs))
	for k, c := range coeffs {
		power[k] = real(c)*real(c) + imag(c)*imag(c)
	}
	// Bin k is a period of m/k steps.
	lo := int(math.Ceil(2 * float64(m) / float64(n)))
	hi := m / 2
	best := -1
	for k := max(lo, 1); k <= hi && k < len(power); k++ {
		if best < 0 || power[k] > power[best] {
			best = k
		}
	}
	if best < 0 || power[best] <= 0 {
		return nil
	}
	kf := float64(best)
	if best > lo && best+1 < len(power) {
		a, b, c := power[best-1], power[best], power[best+1]
		if d := a - 2*b + c; d < 0 {
			kf += math.Max(-0.5, math.Min(0.5, 0.5*(a-c)/d))
		}
	}
	f := kf / float64(m)
	return &periodicity{Period: 1 / f, Frequency: f, Strength: sinusoidShare(resid, f)}
}

// sinusoidShare is the share of the series' variance (about its mean) that
// the best-fitting sinusoid at frequency f explains: 2|X(f)|²/(n·Σr²),
// where X is the Fourier sum at f (exact at the FFT's bins, a close
// approximation between them). A pure sinusoid scores 1, white noise of n
// points about 2/n.
func sinusoidShare(resid []float64, f float64) float64 {
	mean := 0.0
	for _, r := range resid {
		mean += r
	}
	mean /= float64(len(resid))
	var x complex128
	energy := 0.0
	for t, r := range resid {
		d := r - mean
		energy += d * d
		x += complex(d, 0) * cmplx.Exp(complex(0, -2*math.Pi*f*float64(t)))
	}
	if energy == 0 {
		return 0
	}
	// At the Nyquist frequency (period 2) the sinusoid is ±1 alternation, a
	// single real component: no factor 2.
	factor := 2.0
	if f >= 0.5-1e-9 {
		factor = 1
	}
	return math.Min(1, factor*(real(x)*real(x)+imag(x)*imag(x))/(float64(len(resid))*energy))
}

// removeSeason subtracts from each point the mean of the points at the same
// phase of the season, leaving what trend and season do not explain.
func removeSeason(resid []float64, season int) {
	sums := make([]float64, season)
	counts := make([]int, season)
	for i, r := range resid {
		sums[i%season] += r
		counts[i%season]++
	}
	for i := range resid {
		resid[i] -= sums[i%season] / float64(counts[i%season])
	}
}

func roundResult(r *timeSeriesResult) {
	s := &r.Summary
	for _, p := range []*float64{&s.Mean, &s.Std, &s.Min, &s.Max, &s.Quantiles.P5, &s.Quantiles.P25, &s.Quantiles.P50, &s.Quantiles.P75, &s.Quantiles.P95,
		&r.Trend.Slope, &r.Trend.Intercept, &r.Trend.R2} {
		*p = algorithms.Round(*p, 6)
	}
	for _, p := range []*periodicity{r.Period, r.Hint} {
		if p != nil {
			p.Period, p.Strength, p.Frequency = algorithms.Round(p.Period, 6), algorithms.Round(p.Strength, 6), algorithms.Round(p.Frequency, 6)
		}
	}
	for i := range r.Anomalies {
		r.Anomalies[i].Z = algorithms.Round(r.Anomalies[i].Z, 6)
	}
}

func resultFinite(r timeSeriesResult) bool {
	_, err := json.Marshal(r)
	return err == nil
}

// sampleVisits is eight weeks of made-up daily website visits: steady
// growth, quiet weekends, and a burst on day 38 when a post went viral.
func sampleVisits() []any {
	weekly := []float64{0, 14, 18, 16, 12, -22, -38}
	wobble := []float64{3, -2, 4, -1, 0, 2, -3, 1, -4, 2, 0, -1, 3}
	out := make([]any, 56)
	for i := range out {
		v := 420 + 2.5*float64(i) + weekly[i%7] + wobble[i%len(wobble)]
		if i == 38 {
			v += 260
		}
		out[i] = v
	}
	return out
}

// sampleTemperatures is four years of made-up monthly mean temperatures
// (°C) for a temperate city, warming slightly.
func sampleTemperatures() []any {
	out := make([]any, 48)
	for i := range out {
		season := -8.5 * math.Cos(2*math.Pi*float64(i)/12)
		out[i] = math.Round((11+season+0.01*float64(i)+0.6*math.Sin(float64(i)*1.7))*10) / 10
	}
	return out
}
