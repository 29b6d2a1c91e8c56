package validate_test

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"pipette/internal/cli/clitest"
	"pipette/internal/cli/command"
	"pipette/internal/cli/validate"
)

// root is `pipette` with only this verb: the test binary links no other.
var root = clitest.Verbs(func(f *command.Factory) *cobra.Command { return validate.NewCmd(f, nil) })

func TestValidate(t *testing.T) {
	t.Parallel()
	h := clitest.New(t, root).UseCatalog(clitest.Fixtures())
	good := clitest.WriteFile(t, "echo.yaml", clitest.EchoChain)
	r := h.Run("", "validate", good)
	if r.Code != 0 || r.Stdout != "ok: test/EchoTwice 1.2.3, 2 steps (first → second)\n" || r.Stderr != "" {
		t.Errorf("%+v", r)
	}
	bad := clitest.WriteFile(t, "bad.yaml", strings.Replace(clitest.EchoChain, "test/Echo/1.*", "test/Echo/2.*", 1))
	r = h.Run("", "validate", good, bad)
	if r.Code != 1 || !strings.HasPrefix(r.Stdout, "ok: test/EchoTwice") {
		t.Errorf("%+v", r)
	}
	clitest.CheckOneSentence(t, r.Stderr, "bad.yaml:10:11: step `second` calls test/Echo/2.*, which has no version 2.* (published: 1.0.0)")
	r = h.Run("", "validate")
	if r.Code != 2 {
		t.Errorf("no file: exit %d", r.Code)
	}
}
