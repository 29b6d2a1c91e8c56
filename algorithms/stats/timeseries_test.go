package stats

import (
	"context"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"pipette/algorithms"
	"pipette/algorithms/algotest"
	"pipette/catalog"
)

func runTS(t *testing.T, in catalog.Value) timeSeriesResult {
	t.Helper()
	return algotest.WireResult[timeSeriesResult](t, TimeSeries(), in)
}

// synthetic is trend 0.5/step + a weekly cycle + small noise, with one
// spike of +25 at index spikeAt.
func synthetic(n, spikeAt int) []any {
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]any, n)
	for i := range out {
		v := 10 + 0.5*float64(i) + 4*math.Sin(2*math.Pi*float64(i)/7) + rng.NormFloat64()*0.5
		if i == spikeAt {
			v += 25
		}
		out[i] = v
	}
	return out
}

func TestTimeSeriesSynthetic(t *testing.T) {
	for _, n := range []int{98, 100, 123} { // whole weeks, and lengths where 7 falls between FFT bins
		res := runTS(t, catalog.JSON(map[string]any{"values": synthetic(n, 40)}))
		if math.Abs(res.Trend.Slope-0.5) > 0.03 || res.Trend.R2 < 0.9 {
			t.Errorf("n=%d: trend %+v, want slope ≈ 0.5 and a high r2", n, res.Trend)
		}
		if res.Period == nil || math.Abs(res.Period.Period-7) > 0.05 || res.Period.Strength < 0.4 {
			t.Errorf("n=%d: period %+v, want ≈ 7 and strong", n, res.Period)
		}
		if res.SeasonRemoved != 7 {
			t.Errorf("n=%d: season removed %d, want 7", n, res.SeasonRemoved)
		}
		if len(res.Anomalies) != 1 || res.Anomalies[0].Index != 40 || res.Anomalies[0].Z < 5 {
			t.Errorf("n=%d: anomalies %+v, want only index 40 with a large z", n, res.Anomalies)
		}
		if res.Summary.Count != n || res.Summary.Min > res.Summary.Quantiles.P5 || res.Summary.Quantiles.P95 > res.Summary.Max {
			t.Errorf("n=%d: summary %+v", n, res.Summary)
		}
	}
}

func TestTimeSeriesHandComputedSummary(t *testing.T) {
	// 1..9 then 10: mean 5.5, sample std √(82.5/9), line y = 1 + x exactly.
	res := runTS(t, catalog.JSON([]any{1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0}))
	s := res.Summary
	if s.Count != 10 || s.Mean != 5.5 || math.Abs(s.Std-math.Sqrt(82.5/9)) > 1e-6 || s.Min != 1 || s.Max != 10 {
		t.Errorf("summary %+v", s)
	}
	if s.Quantiles.P50 != 5 && s.Quantiles.P50 != 5.5 {
		t.Errorf("median %v, want 5 or 5.5 depending on interpolation", s.Quantiles.P50)
	}
	if res.Trend.Slope != 1 || res.Trend.Intercept != 1 || res.Trend.R2 != 1 {
		t.Errorf("trend %+v, want slope 1, intercept 1, r2 1", res.Trend)
	}
	if len(res.Anomalies) != 0 || res.Period != nil {
		t.Errorf("a straight line has no anomalies and no period, got %+v and %+v", res.Anomalies, res.Period)
	}
	// Nor has a long straight line with awkward steps, where rounding noise
	// is all that is left after the fit.
	line := make([]any, 500)
	for i := range line {
		line[i] = 1e6 + 0.1*float64(i)
	}
	if res := runTS(t, catalog.JSON(line)); len(res.Anomalies) != 0 || res.Period != nil || res.SeasonRemoved != 0 {
		t.Errorf("long line: anomalies %+v, period %+v", res.Anomalies, res.Period)
	}
}

func TestTimeSeriesHintAndNegativeAnomaly(t *testing.T) {
	vals := synthetic(84, -1)
	vals[30] = vals[30].(float64) - 30
	res := runTS(t, catalog.JSON(map[string]any{"values": vals, "period_hint": 7.0, "z": 4.0}))
	// The sine has variance 8, the dip adds 30²/84 ≈ 10.7 around a mean near
	// zero: the weekly sinusoid explains a bit under half of the variance.
	if res.Hint == nil || res.Hint.Period != 7 || res.Hint.Strength < 0.3 || res.Period == nil || math.Abs(res.Hint.Strength-res.Period.Strength) > 0.01 {
		t.Errorf("hint %+v (detected %+v), want period 7 as strong as the detected weekly cycle", res.Hint, res.Period)
	}
	if len(res.Anomalies) != 1 || res.Anomalies[0].Index != 30 || res.Anomalies[0].Z > -4 {
		t.Errorf("anomalies %+v, want one dip at 30 with z ≤ −4", res.Anomalies)
	}
}

func TestTimeSeriesShortAndConstant(t *testing.T) {
	res := runTS(t, catalog.JSON([]any{5.0, 5.0, 5.0, 5.0}))
	if res.Period != nil || res.Trend.Slope != 0 || res.Trend.R2 != 0 || res.Summary.Std != 0 || len(res.Anomalies) != 0 {
		t.Errorf("constant series: %+v", res)
	}
	// A pasted list in a text body works too.
	if res := runTS(t, catalog.Text("[1, 2, 4, 8]")); res.Summary.Count != 4 || res.Summary.Max != 8 {
		t.Errorf("text list: %+v", res.Summary)
	}
}

func TestTimeSeriesBadInput(t *testing.T) {
	for literal, wantIn := range map[string]string{
		`[1, 2]`:                        "between 3",
		`[1, "two", 3]`:                 "values[1]",
		`[1, null, 3]`:                  "values[1] is null",
		`{"values": [1, 2, 3], "z": 0}`: `"z"`,
		`{"values": [1, 2, 3, 4, 5, 6], "period_hint": 5}`: "period_hint",
		`{"vals": [1, 2, 3]}`:                              "vals",
		`{"period_hint": 7}`:                               `no "values"`,
		`"hello"`:                                          "expected",
	} {
		v, err := catalog.DecodeJSON([]byte(literal))
		if err != nil {
			t.Fatal(err)
		}
		_, err = TimeSeries().Run(context.Background(), catalog.JSON(v), io.Discard)
		if catalog.ErrorType(err) != catalog.InputError || !strings.Contains(err.Error(), wantIn) {
			t.Errorf("%s: got %v, want an InputError mentioning %s", literal, err, wantIn)
		}
	}
	big := []any{1e308, 1e308, 1e308, -1e308}
	if _, err := TimeSeries().Run(context.Background(), catalog.JSON(big), io.Discard); catalog.ErrorType(err) != catalog.InputError {
		t.Errorf("overflowing values: got %v, want an InputError", err)
	}
}

func TestTimeSeriesCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := TimeSeries().Run(ctx, catalog.JSON(synthetic(100, 3)), nil); err == nil {
		t.Fatal("a cancelled context should stop the analysis")
	}
}

// Each sample runs through a Registry, as the Try tab and the server run it.
func TestTimeSeriesSamplesRunThroughRegistry(t *testing.T) {
	entries := algotest.RunSamples(t, []algorithms.Algorithm{TimeSeries()}, nil)
	if v := entries[0].Ref.Version; v != "1.0.0" {
		t.Fatalf("entry incomplete: version %s", v)
	}
}

func BenchmarkTimeSeries(b *testing.B) {
	algotest.BenchmarkSample(b, TimeSeries(), 0)
}
