package shell

import (
	"os/exec"
	"testing"
)

// TestQuoteRoundTrips: sh prints back exactly what was quoted.
func TestQuoteRoundTrips(t *testing.T) {
	t.Parallel()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for _, s := range []string{"", "plain", "it's", "'", "''", `$HOME $(id) ` + "`id`", "a\nb", `back\slash "double"`, "* ? [a] ~ ; & | < >"} {
		out, err := exec.Command(sh, "-c", "printf %s "+Quote(s)).Output()
		if err != nil || string(out) != s {
			t.Errorf("Quote(%q) = %s: sh printed %q (%v)", s, Quote(s), out, err)
		}
	}
}
