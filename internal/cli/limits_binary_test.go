package cli_test

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pipette/algorithms/algotest"
	"pipette/internal/cli/clitest"
	"pipette/internal/testenv"
)

// TestBinaryHostileInputs sends the built binary the inputs of issue 8 that
// used to kill it or take gigabytes: each answers one sentence of the right
// error type and exits 1.
func TestBinaryHostileInputs(t *testing.T) {
	testenv.Slow(t) // builds the binary; the jq cases run for seconds
	bin := binary(t)
	pixel := base64.StdEncoding.EncodeToString(algotest.PNGHeaderWithPixel())
	strip := filepath.Join(t.TempDir(), "strip.png")
	if err := os.WriteFile(strip, algotest.StripPNG(t, 1, 40_000_000), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"resize overflow", []string{"call", "image/Transform", "-j", `{"image": "` + pixel + `", "op": "resize", "width": 3037000500}`}, "TooLargeError"},
		{"resize to 2^32", []string{"call", "image/Transform", "-j", `{"image": "` + pixel + `", "op": "resize", "width": 4294967296, "height": 1}`}, "TooLargeError"},
		{"a 40 MP row", []string{"call", "image/Transform", "-j", `{"image": "` + pixel + `", "op": "resize", "width": 40000000, "height": 1}`}, "TooLargeError"},
		{"hashing a tall strip", []string{"call", "image/PerceptualHash", "-B", strip}, "TooLargeError"},
		{"jq: a list without end", []string{"call", "util/Transform", "-j", `{"program": "[range(1e12)] | length"}`}, "OutOfMemoryError"},
		{"jq: a huge index", []string{"call", "util/Transform", "-j", `{"program": ".[536870911] = 1"}`}, "OutOfMemoryError"},
		{"jq: deep nesting", []string{"call", "util/Transform", "-j", `{"program": "reduce range(3000000) as $i (null; [.]) | tojson | length"}`}, "OutOfMemoryError"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			// Under an address-space limit of 6 GB, which the old binary
			// died under at once.
			r := clitest.RunBinary(t, "sh", append([]string{"-c", `ulimit -v 6000000 && exec "$0" "$@"`, bin}, c.args...)...)
			if r.Code != 1 {
				t.Errorf("exit code %d, want 1; stderr %q", r.Code, r.Stderr)
			}
			clitest.CheckOneSentence(t, r.Stderr, c.want)
			if d := time.Since(start); d > 40*time.Second {
				t.Errorf("took %v", d)
			}
			t.Logf("%v: %s", time.Since(start).Round(time.Millisecond), strings.TrimSpace(r.Stderr))
		})
	}
}
