package nlp

import (
	"strings"
	"unicode/utf8"

	"pipette/algorithms"
	"pipette/catalog"
)

// maxTextBytes bounds the text the in-project text algorithms accept: the
// summarizer's sentence graph is quadratic, and a caller who sends a whole
// book by mistake should hear so rather than wait.
const maxTextBytes = 2 << 20

// textField is embedded in each algorithm's options so that one decoder
// serves every "text, or {"text": …, options}" input.
type textField struct {
	Text string `json:"text"`
}

func (t *textField) setText(s string) { t.Text = s }
func (t *textField) text() string     { return t.Text }

type textCarrier interface {
	setText(string)
	text() string
}

// decodeTextRequest reads an input that is plain text, a JSON string, UTF-8
// bytes, or a JSON object {"text": …, options} into dst. what names the
// object form for error messages.
func decodeTextRequest(in catalog.Value, dst textCarrier, what string) error {
	switch in.Kind {
	case catalog.KindText:
		dst.setText(in.Text)
	case catalog.KindBinary:
		if !utf8.Valid(in.Bytes) {
			return catalog.InputErrorf("expected UTF-8 text or JSON %s; got %d bytes that are not UTF-8 text", what, len(in.Bytes))
		}
		dst.setText(string(in.Bytes))
	case catalog.KindJSON:
		if s, ok := in.JSON.(string); ok {
			dst.setText(s)
			break
		}
		switch in.JSON.(type) {
		case nil, bool, float64, []any:
			return catalog.InputErrorf("expected text or a JSON object %s; got %s", what, algorithms.JSONKind(in.JSON))
		}
		if err := algorithms.DecodeJSONInput(in, dst, what); err != nil {
			return err
		}
		if dst.text() == "" {
			return catalog.InputErrorf(`the object has no "text" (or it is empty); expected %s`, what)
		}
	default:
		return catalog.InputErrorf("expected text or a JSON object %s; got %s input", what, in.Kind)
	}
	if len(dst.text()) > maxTextBytes {
		return catalog.InputErrorf("the text is %d bytes; the limit is %d bytes (2 MiB): send a shorter text or split it", len(dst.text()), maxTextBytes)
	}
	if !utf8.ValidString(dst.text()) {
		return catalog.InputErrorf("the text is not valid UTF-8; send UTF-8 text")
	}
	if strings.TrimSpace(dst.text()) == "" {
		return catalog.InputErrorf("the text is empty; send some text, either as plain text or as JSON %s", what)
	}
	return nil
}

// textSample builds a catalog sample of plain text.
func textSample(name, text string) catalog.Sample {
	return catalog.Sample{Name: name, Input: catalog.Text(text)}
}
