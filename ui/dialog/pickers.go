package dialog

import (
	"fmt"
	"pipette/internal/human"

	"pipette/catalog"
	"pipette/ui/common"
	"pipette/ui/history"
	"pipette/ui/keys"
)

// NewPalette is the command palette: every command, the focused scope's
// first, found by its description, key or synonyms, and the catalog's
// models (found by models) to jump to.
func NewPalette(com *common.Common, focused keys.Scope, models func(q string) []catalog.Entry) *Picker {
	var items []Item
	seen := map[string]bool{}
	for _, sc := range []keys.Scope{focused, keys.ScopeGlobal, keys.ScopeCatalog, keys.ScopeDocs, keys.ScopeTry, keys.ScopeCode, keys.ScopeChain, keys.ScopeCompare} {
		for _, b := range com.Keys.InScope(sc) {
			k := sc.String() + "." + string(b.ID)
			if seen[k] || !b.Enabled() {
				continue
			}
			seen[k] = true
			title := b.Help().Desc
			if sc != keys.ScopeGlobal {
				title = sc.String() + ": " + title
			}
			items = append(items, Item{Title: title, Key: b.Help().Key, Also: b.Synonyms, Action: RunCommand{Scope: sc, ID: b.ID}})
		}
	}
	var more func(string) []Item
	if models != nil {
		more = func(q string) []Item {
			var out []Item
			for _, e := range models(q) {
				out = append(out, Item{Title: "go to " + e.Ref.Path(), Detail: e.Tagline, Key: "model", Action: JumpToModel{Path: e.Ref.Path()}})
			}
			return out
		}
	}
	return NewPicker(com, "Commands", "a command, a key or a model", items, more)
}

// NewTags picks a tag to filter the catalog by.
func NewTags(com *common.Common, tags []catalog.TagCount) *Picker {
	items := []Item{{Title: "all models", Detail: "no tag filter", Action: PickTag{}}}
	for _, t := range tags {
		items = append(items, Item{Title: "#" + t.Tag, Key: fmt.Sprint(t.Count), Action: PickTag{Tag: t.Tag}})
	}
	return NewPicker(com, "Filter by tag", "tag", items, nil)
}

// NewHistory lists past runs, newest first, to replay one.
func NewHistory(com *common.Common, records []history.Record) *Picker {
	items := make([]Item, 0, len(records))
	for _, r := range records {
		detail := r.Output
		if r.Error != "" {
			detail = r.Error + ": " + r.Output
		}
		items = append(items, Item{
			Title:  r.Ref + "  " + common.OneLine(summarise(r.Input, r.Binary, 40)),
			Detail: "→ " + common.OneLine(common.Truncate(detail, 200)),
			Key:    r.Time.Local().Format("Jan 2 15:04") + " " + human.Duration(r.Duration),
			Action: Replay{Record: r},
		})
	}
	return NewPicker(com, "Run history", "model or input", items, nil)
}

func summarise(in string, binary bool, n int) string {
	if binary {
		return "(binary input)"
	}
	return common.Truncate(in, n+1)
}

// NewExport asks how to export the chain.
func NewExport(com *common.Common) *Picker {
	var items []Item
	for _, f := range []ExportFormat{ExportYAML, ExportGo, ExportShell} {
		items = append(items,
			Item{Title: string(f) + " to a file", Action: Export{Format: f, ToFile: true}},
			Item{Title: string(f) + " to the clipboard", Action: Export{Format: f}})
	}
	return NewPicker(com, "Export the chain", "format", items, nil)
}
