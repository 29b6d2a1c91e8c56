package ollama

import (
	"strings"

	"pipette/catalog"
	"pipette/sources/llm"
)

// showDocs is a model's docs from /api/show: the card of its details, then
// its parameters, template, system prompt, license and modelfile as Ollama
// gives them.
func showDocs(model catalog.Model, sh *showResponse) string {
	var b strings.Builder
	b.WriteString("# " + model.ID + "\n\nAn Ollama model.\n\n")
	b.WriteString(llm.Card(model) + "\n")
	b.WriteString(llm.Usage(model.Kind) + "\n")
	for _, s := range []struct{ title, text string }{
		{"Parameters", sh.Parameters},
		{"Template", sh.Template},
		{"System prompt", sh.System},
		{"License", sh.License},
		{"Modelfile", sh.Modelfile},
	} {
		if sec := llm.Section(s.title, s.text); sec != "" {
			b.WriteString(sec + "\n")
		}
	}
	return strings.TrimSpace(b.String()) + "\n"
}
