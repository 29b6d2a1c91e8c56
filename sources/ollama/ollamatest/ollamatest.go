// Package ollamatest serves the examples of Ollama's API docs — the files
// of sources/ollama/testdata, whose README says where each comes from — to
// the tests of any package that needs an Ollama to list, document and call.
// One table of routes, so a new endpoint of the source is served everywhere.
package ollamatest

import (
	"path/filepath"
	"runtime"
	"testing"

	"pipette/internal/replay"
)

// Routes are Ollama's endpoints ("METHOD /path") and the example each answers with.
var Routes = map[string]string{
	"GET /api/tags":      "tags.json",
	"GET /api/ps":        "ps.json",
	"GET /api/version":   "version.json",
	"POST /api/show":     "show.json",
	"POST /api/chat":     "chat.ndjson",
	"POST /api/generate": "generate.ndjson",
	"POST /api/embed":    "embed.json",
}

// Dir is the folder of the examples.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata")
}

// Docs serves the examples until the test ends.
func Docs(t testing.TB) *replay.Server { return replay.New(t, Dir(), Routes) }
