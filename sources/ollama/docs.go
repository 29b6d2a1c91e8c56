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
	if model.Kind == catalog.ModelChat {
		b.WriteString("A JSON `{\"prompt\": \"…\"}` (with `system` and `options` as above) is sent to Ollama's `/api/generate` " +
			"rather than `/api/chat`; there `\"suffix\": \"…\"` asks for the text between the prompt and the suffix " +
			"(models with the `insert` capability, such as code models), and `\"raw\": true` sends the prompt as it is, " +
			"without the model's template.\n\n")
	}
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
