package llm

import (
	"fmt"
	"strings"

	"pipette/catalog"
)

// maxDocSection bounds one section of generated docs (a license, a
// template): a screenful is enough to read, and the source keeps the rest.
const maxDocSection = 32 << 10

// Card is the markdown table of what is known about a model: the fields a
// user compares models by, each row only when the source said it.
func Card(m catalog.Model) string {
	var rows [][2]string
	add := func(k, v string) {
		if v != "" {
			rows = append(rows, [2]string{k, v})
		}
	}
	add("kind", string(m.Kind))
	add("family", m.Family)
	add("parameters", m.ParamsString())
	add("quantization", m.Quantization)
	if m.ContextLength > 0 {
		add("context", fmt.Sprintf("%d tokens", m.ContextLength))
	}
	add("size", m.SizeString())
	add("capabilities", strings.Join(m.Capabilities, ", "))
	add("modalities", strings.Join(m.Modalities, ", "))
	if p := m.Pricing; p != nil {
		add("pricing", PricingString(*p))
	}
	if m.Loaded {
		add("loaded", "yes, in memory now")
	}
	add("revision", m.Revision)
	if !m.Modified.IsZero() {
		add("modified", m.Modified.UTC().Format("2006-01-02"))
	}
	if m.Downloads > 0 {
		add("downloads", fmt.Sprintf("%d last month", m.Downloads))
	}
	if m.Likes > 0 {
		add("likes", fmt.Sprint(m.Likes))
	}
	if len(rows) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("| | |\n|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s |\n", r[0], cell(r[1]))
	}
	return b.String()
}

// PricingString is a price list in dollars per million tokens, the unit
// providers quote; "free" for a zero price.
func PricingString(p catalog.Pricing) string {
	if p == (catalog.Pricing{}) {
		return "free"
	}
	var parts []string
	if p.Prompt > 0 {
		parts = append(parts, fmt.Sprintf("$%.4g/M input tokens", p.Prompt*1e6))
	}
	if p.Completion > 0 {
		parts = append(parts, fmt.Sprintf("$%.4g/M output tokens", p.Completion*1e6))
	}
	if p.Request > 0 {
		parts = append(parts, fmt.Sprintf("$%.4g a request", p.Request))
	}
	if p.Image > 0 {
		parts = append(parts, fmt.Sprintf("$%.4g an image", p.Image))
	}
	return strings.Join(parts, ", ")
}

// Usage is the docs section on how to call a model of this kind through
// pipette.
func Usage(kind catalog.ModelKind) string {
	switch kind {
	case catalog.ModelChat:
		return "## Calling it\n\nSend text (one user message), or JSON:\n\n" +
			"```json\n{\"system\": \"…\", \"messages\": [{\"role\": \"user\", \"content\": \"…\"}],\n \"options\": {\"temperature\": 0.7, \"max_tokens\": 256, \"stop\": [\"\\n\\n\"], \"top_p\": 0.9, \"seed\": 1}}\n```\n\n" +
			"The answer is text, streamed as it is generated; the call's metadata has the time to first token and tokens/s.\n"
	case catalog.ModelCompletion:
		return "## Calling it\n\nSend text (the prompt to continue), or JSON `{\"prompt\": \"…\", \"options\": {…}}` " +
			"with the options of a chat model. The answer is the continuation as text, streamed.\n"
	case catalog.ModelEmbedding:
		return "## Calling it\n\nSend text, or a JSON list of texts. The answer is " +
			"`{\"dimensions\": N, \"embedding\": […]}`, or `{\"dimensions\": N, \"embeddings\": [[…], …]}` for a list.\n"
	}
	return ""
}

// Section is a markdown section holding text as a fenced block, cut to a
// readable size; "" when text is empty.
func Section(title, text string) string {
	text = strings.TrimSpace(text)
	if text == "" {
		return ""
	}
	if len(text) > maxDocSection {
		text = strings.ToValidUTF8(text[:maxDocSection], "") + "\n…"
	}
	fence := "```"
	for strings.Contains(text, fence) {
		fence += "`"
	}
	return fmt.Sprintf("## %s\n\n%s\n%s\n%s\n", title, fence, text, fence)
}

// cell keeps a table cell on one line.
func cell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\n", " "), "|", "\\|")
}
