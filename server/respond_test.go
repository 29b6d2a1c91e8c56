package server

import (
	"math"
	"math/rand/v2"
	"testing"

	"pipette/catalog"
	"pipette/client"
)

// appendMetadata writes what catalog.MarshalJSON writes, whatever the
// duration and content type.
func TestAppendMetadataMatchesMarshal(t *testing.T) {
	t.Parallel()
	stdout := "a line\n"
	durations := []float64{0, 1e-9, 1e-7, 9.99999e-7, 1e-6, 0.000123, 0.015515986, 1, 2.5, 299.99, 1e20, 1e21, 1.5e300,
		math.SmallestNonzeroFloat64, math.MaxFloat64, math.Copysign(0, -1)}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		durations = append(durations, r.Float64()*math.Pow(10, float64(r.IntN(40)-20)))
	}
	for _, ct := range []string{"", "json", "text", "binary", "void", `we"ird`, "é"} {
		for _, d := range durations {
			for _, md := range []client.Metadata{
				{ContentType: ct, Duration: d},
				{ContentType: ct, Duration: d, Stdout: &stdout},
				{ContentType: ct, Duration: d, Generation: &client.GenerationJSON{Tokens: 3}},
			} {
				want, err := catalog.MarshalJSON(md)
				if err != nil {
					t.Fatal(err)
				}
				got, err := appendMetadata([]byte("x"), md)
				if err != nil || string(got) != "x"+string(want) {
					t.Fatalf("appendMetadata(%+v) = %s, %v; want x%s", md, got, err, want)
				}
			}
		}
	}
}
