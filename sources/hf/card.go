package hf

import (
	"fmt"
	"strings"

	"pipette/catalog"
	"pipette/sources/llm"
)

// cardDocs is a model's docs: the Hub's card of its details, then its model
// card (the README without its YAML header, whose fields the card shows).
func cardDocs(md catalog.Model, m apiModel, card string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\nOn the Hugging Face Hub: https://huggingface.co/%s\n\n", m.ID, m.ID)
	b.WriteString(llm.Card(md))
	if lic := licenseOf(anyLicense(m)); lic != "" {
		fmt.Fprintf(&b, "| license | %s |\n", lic)
	}
	if m.LibraryName != "" {
		fmt.Fprintf(&b, "| library | %s |\n", m.LibraryName)
	}
	b.WriteString("\n")
	if u := llm.Usage(md.Kind); u != "" {
		b.WriteString(u + "\n")
	}
	body := stripFrontMatter(card)
	if len(body) > maxCard {
		body = strings.ToValidUTF8(body[:maxCard], "") + "\n…"
	}
	b.WriteString("---\n\n" + strings.TrimSpace(body) + "\n")
	return b.String()
}

func anyLicense(m apiModel) any {
	if m.CardData == nil {
		return nil
	}
	return m.CardData.License
}

// stripFrontMatter drops a README's leading YAML block (--- … ---).
func stripFrontMatter(s string) string {
	t := strings.TrimLeft(s, "\ufeff \t\r\n")
	if !strings.HasPrefix(t, "---") {
		return s
	}
	rest := t[3:]
	if i := strings.Index(rest, "\n---"); i >= 0 {
		after := rest[i+4:]
		if j := strings.IndexByte(after, '\n'); j >= 0 {
			return after[j+1:]
		}
		return ""
	}
	return s
}
