package clitest

import (
	"context"
	"io"
	"testing"

	"pipette/algorithms"
	"pipette/catalog"
	"pipette/internal/replay"
	"pipette/sources/ollama/ollamatest"
)

// Fixtures is a registry with one algorithm of each result kind, so the
// output paths are tested whatever the built-in catalog holds: test/Echo
// (any → any, two samples, logs), test/Picture (text → a PNG's bytes) and
// test/Picky (only takes a number).
func Fixtures() *algorithms.Registry {
	reg := algorithms.NewRegistry("fixtures")
	reg.Register(
		algorithms.Algorithm{
			Entry: catalog.Entry{
				Ref: catalog.MustParseRef("test/Echo/1.0.0"), Tagline: "returns its input unchanged",
				InputKind: catalog.KindAny, OutputKind: catalog.KindAny, Tags: []string{"util"},
				Samples: []catalog.Sample{{Name: "hello", Input: catalog.Text("hello")}, {Name: "list", Input: catalog.JSON([]any{1.0, "two"})}},
			},
			Run: func(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
				io.WriteString(stdout, "echoing "+string(in.Kind))
				return in, nil
			},
		},
		algorithms.Algorithm{
			Entry: catalog.Entry{
				Ref: catalog.MustParseRef("test/Picture/1.0.0"), Tagline: "draws a picture",
				InputKind: catalog.KindText, OutputKind: catalog.KindBinary, Tags: []string{"image"},
			},
			Run: func(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
				return catalog.Bytes([]byte(FakePNG)), nil
			},
		},
		algorithms.Algorithm{
			Entry: catalog.Entry{
				Ref: catalog.MustParseRef("test/Picky/1.0.0"), Tagline: "only takes numbers",
				InputKind: catalog.KindJSON, OutputKind: catalog.KindJSON,
			},
			Run: func(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
				if _, ok := in.JSON.(float64); !ok {
					return catalog.Value{}, catalog.InputErrorf("send a number, such as 42")
				}
				return in, nil
			},
		},
	)
	return reg
}

// FakePNG is what test/Picture returns: a PNG's signature and a few bytes.
const FakePNG = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR fake image bytes \x00\xff"

// Chains over the fixtures.
const (
	// EchoChain is a text chain of two steps, the second mapping its input.
	EchoChain = `chain: v1
name: test/EchoTwice
version: 1.2.3
tagline: echoes its input twice
input: text
steps:
  - id: first
    algo: test/Echo/1.0.0
  - id: second
    algo: test/Echo/1.*
    input: '{said: .steps.first}'
`
	// PickyChain is a JSON chain whose second step fails unless given a
	// number.
	PickyChain = `chain: v1
name: test/PickyChain
version: 1.0.0
input: json
steps:
  - id: echo
    algo: test/Echo/1.0.0
  - id: picky
    algo: test/Picky/1.0.0
`
	// PictureChain is a binary chain of one step.
	PictureChain = `chain: v1
name: test/Frame
version: 1.0.0
input: binary
steps:
  - id: echo
    algo: test/Echo/1.0.0
`
)

// OllamaDocs serves the examples of Ollama's API docs (models, details,
// a streamed chat; sources/ollama/testdata/README.md says where each comes
// from), for tests of verbs with --source ollama=URL.
func OllamaDocs(t testing.TB) *replay.Server { return ollamatest.Docs(t) }
