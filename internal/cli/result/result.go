// Package result prints what `call` and `run` produced, by its kind: JSON
// pretty-printed (coloured on a terminal, as the TUI colours it), text as
// is, binary to -o FILE or to a pipe but never dumped on a terminal.
package result

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"charm.land/lipgloss/v2"

	"pipette/catalog"
	"pipette/client"
	"pipette/data"
	"pipette/internal/atomicfile"
	"pipette/internal/cli/iostreams"
	"pipette/internal/human"
	"pipette/themes"
)

// Write prints or saves the result of what (an algorithm or a chain) to
// output ("" or "-" for stdout); again is the command that made it, for the
// hint to save binary.
func Write(ios *iostreams.IOStreams, what, again string, resp *client.Response, output string) error {
	out, errw := ios.Out, ios.ErrOut
	var body []byte
	switch resp.Value.Kind {
	case catalog.KindText:
		body = []byte(resp.Value.Text)
		if output == "" && !strings.HasSuffix(resp.Value.Text, "\n") {
			body = append(body, '\n')
		}
	case catalog.KindJSON:
		b, err := PrettyJSON(resp.Value.JSON)
		if err != nil {
			return fmt.Errorf("print the result of %s: %w", what, err)
		}
		body = b
		if output == "" && ios.IsStdoutTTY() {
			_, err := io.WriteString(ios.ColorOut(), jsonStyles(ios.HasDarkBackground()).ColorJSON(string(b)))
			return err
		}
	case catalog.KindBinary:
		body = resp.Value.Bytes
		if output == "" && ios.IsStdoutTTY() {
			sniffed := http.DetectContentType(body)
			fmt.Fprintf(errw, "The result is %s of binary data (%s), not shown on a terminal: save it with -o FILE or pipe it, as in `%s … > result%s`.\n",
				human.Bytes(int64(len(body))), sniffed, again, data.Extension(sniffed))
			return nil
		}
	default: // void: nothing to print
		if output == "" {
			if ios.IsStderrTTY() {
				fmt.Fprintln(errw, "(no result)")
			}
			return nil
		}
	}
	if output != "" && output != "-" {
		if err := atomicfile.Write(output, body, 0o644); err != nil {
			return fmt.Errorf("cannot write the result to %s: %v", output, human.FileError(err))
		}
		if ios.IsStderrTTY() {
			fmt.Fprintf(errw, "wrote %s (%s) to %s\n", human.Bytes(int64(len(body))), resp.ContentType, output)
		}
		return nil
	}
	_, err := out.Write(body)
	return err
}

// Footer is the faint line a terminal shows on stderr after a result:
// what ran, how much, how long.
func Footer(ios *iostreams.IOStreams, parts ...string) {
	if !ios.IsStderrTTY() {
		return
	}
	dim := lipgloss.NewStyle().Faint(true)
	fmt.Fprintln(ios.ColorErrOut(), dim.Render(strings.Join(parts, " · ")))
}

// PrettyJSON indents v with two spaces and keeps "<", ">" and "&" readable.
func PrettyJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// jsonStyles colours JSON on a terminal as the TUI does, in its dark or
// light theme.
func jsonStyles(dark bool) *themes.Styles {
	if dark {
		return themes.New(themes.Dark())
	}
	return themes.New(themes.Light())
}
