package ui

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
)

// action names one thing the user can do. Keys map to actions and so do
// palette entries, so both paths run the same code.
type action string

const (
	actQuit       action = "quit"
	actHelp       action = "help"
	actPalette    action = "palette"
	actFocusNext  action = "focus_next"
	actFocusPrev  action = "focus_prev"
	actTabDocs    action = "tab_docs"
	actTabTry     action = "tab_try"
	actTabCode    action = "tab_code"
	actHistory    action = "history"
	actReload     action = "reload"
	actTheme      action = "toggle_theme"
	actZoom       action = "zoom"
	actUp         action = "up"
	actDown       action = "down"
	actPageUp     action = "page_up"
	actPageDown   action = "page_down"
	actTop        action = "top"
	actBottom     action = "bottom"
	actFilter     action = "filter"
	actClear      action = "clear"
	actTags       action = "tags"
	actSort       action = "sort"
	actOpen       action = "open"
	actSearchNext action = "search_next"
	actSearchPrev action = "search_prev"
	actRun        action = "run"
	actEdit       action = "edit"
	actNextSample action = "next_sample"
	actPrevSample action = "prev_sample"
	actLoadFile   action = "load_file"
	actEditor     action = "external_editor"
	actCopy       action = "copy"
	actSave       action = "save_output"
	actNextLang   action = "next_language"
	actPrevLang   action = "prev_language"

	actChainAdd      action = "chain_add"
	actChainFocus    action = "chain_focus"
	actChainSave     action = "chain_save"
	actChainOpen     action = "chain_open"
	actChainPrev     action = "chain_prev_step"
	actChainNext     action = "chain_next_step"
	actChainMoveL    action = "chain_move_earlier"
	actChainMoveR    action = "chain_move_later"
	actChainRemove   action = "chain_remove_step"
	actChainRename   action = "chain_rename_step"
	actChainName     action = "chain_rename"
	actChainMap      action = "chain_edit_mapping"
	actChainRun      action = "chain_run"
	actChainRunTo    action = "chain_run_to_step"
	actChainInput    action = "chain_edit_input"
	actChainLoadIn   action = "chain_load_input"
	actChainExport   action = "chain_export"
	actChainCopyStep action = "chain_copy_result"
	actChainKind     action = "chain_input_kind"
)

// scope says where a binding is active.
type scope int

const (
	scopeGlobal scope = iota
	scopeCatalog
	scopeDocs
	scopeTry
	scopeCode
	scopeChain
)

func (s scope) String() string {
	return [...]string{"global", "catalog", "docs", "try", "code", "chain"}[s]
}

// binding is one remappable key binding.
type binding struct {
	id    action
	scope scope
	key.Binding
}

// KeyMap holds every binding. Bindings are looked up by scope: the focused
// pane's first, then the global ones.
type KeyMap struct {
	all []*binding
}

func defaultKeyMap() *KeyMap {
	km := &KeyMap{}
	add := func(sc scope, id action, help string, keys ...string) {
		km.all = append(km.all, &binding{id: id, scope: sc, Binding: key.NewBinding(key.WithKeys(keys...), key.WithHelp(keyLabel(keys), help))})
	}
	add(scopeGlobal, actQuit, "quit", "q", "ctrl+c")
	add(scopeGlobal, actHelp, "help", "?")
	add(scopeGlobal, actPalette, "commands", "ctrl+p")
	add(scopeGlobal, actFocusNext, "next pane", "tab")
	add(scopeGlobal, actFocusPrev, "previous pane", "shift+tab")
	add(scopeGlobal, actTabDocs, "docs tab", "1")
	add(scopeGlobal, actTabTry, "try tab", "2")
	add(scopeGlobal, actTabCode, "code tab", "3")
	add(scopeGlobal, actHistory, "run history", "H")
	add(scopeGlobal, actReload, "reload catalog", "R")
	add(scopeGlobal, actTheme, "switch dark/light", "T")
	add(scopeGlobal, actZoom, "zoom the detail pane", "z")
	add(scopeGlobal, actChainAdd, "add the model to the chain", "a")
	add(scopeGlobal, actChainFocus, "chain builder", "c")
	add(scopeGlobal, actChainSave, "save the chain", "ctrl+s")
	add(scopeGlobal, actChainOpen, "open a chain file", "ctrl+o")

	add(scopeCatalog, actUp, "up", "up", "k")
	add(scopeCatalog, actDown, "down", "down", "j")
	add(scopeCatalog, actPageUp, "page up", "pgup", "ctrl+u")
	add(scopeCatalog, actPageDown, "page down", "pgdown", "ctrl+d")
	add(scopeCatalog, actTop, "first", "home", "g")
	add(scopeCatalog, actBottom, "last", "end", "G")
	add(scopeCatalog, actFilter, "filter", "/")
	add(scopeCatalog, actClear, "clear filter", "esc")
	add(scopeCatalog, actTags, "filter by tag", "#")
	add(scopeCatalog, actSort, "sort name/recent", "s")
	add(scopeCatalog, actOpen, "try", "enter")

	add(scopeDocs, actUp, "scroll up", "up", "k")
	add(scopeDocs, actDown, "scroll down", "down", "j")
	add(scopeDocs, actPageUp, "page up", "pgup", "ctrl+u")
	add(scopeDocs, actPageDown, "page down", "pgdown", "ctrl+d", "space")
	add(scopeDocs, actTop, "top", "home", "g")
	add(scopeDocs, actBottom, "bottom", "end", "G")
	add(scopeDocs, actFilter, "search docs", "/")
	add(scopeDocs, actSearchNext, "next match", "n")
	add(scopeDocs, actSearchPrev, "previous match", "N")
	add(scopeDocs, actClear, "clear search", "esc")

	add(scopeTry, actRun, "run", "r", "ctrl+r")
	add(scopeTry, actEdit, "edit input", "i", "e")
	add(scopeTry, actClear, "cancel run / stop editing", "esc")
	add(scopeTry, actNextSample, "next sample", "]")
	add(scopeTry, actPrevSample, "previous sample", "[")
	add(scopeTry, actLoadFile, "load file as input", "o")
	add(scopeTry, actEditor, "edit in $EDITOR", "E")
	add(scopeTry, actCopy, "copy output", "y")
	add(scopeTry, actSave, "save output to file", "w")
	add(scopeTry, actUp, "scroll output up", "up", "k")
	add(scopeTry, actDown, "scroll output down", "down", "j")

	add(scopeCode, actNextLang, "next language", "]", "right", "l")
	add(scopeCode, actPrevLang, "previous language", "[", "left", "h")
	add(scopeCode, actCopy, "copy snippet", "y")
	add(scopeCode, actUp, "scroll up", "up", "k")
	add(scopeCode, actDown, "scroll down", "down", "j")

	add(scopeChain, actChainPrev, "previous step", "left", "h", "k")
	add(scopeChain, actChainNext, "next step", "right", "l", "j")
	add(scopeChain, actChainMoveL, "move step earlier", "shift+left", "K")
	add(scopeChain, actChainMoveR, "move step later", "shift+right", "J")
	add(scopeChain, actChainRun, "run the chain", "r", "ctrl+r")
	add(scopeChain, actChainRunTo, "run up to this step", "u")
	add(scopeChain, actClear, "cancel run / back", "esc")
	add(scopeChain, actChainMap, "edit the step's mapping", "i", "enter")
	add(scopeChain, actChainRename, "rename step", "n")
	add(scopeChain, actChainName, "rename the chain", "N")
	add(scopeChain, actChainRemove, "remove step", "x", "delete")
	add(scopeChain, actChainInput, "edit the chain's input", "I")
	add(scopeChain, actChainLoadIn, "load a file as the chain's input", "o")
	add(scopeChain, actChainKind, "chain input kind text/json/binary", "t")
	add(scopeChain, actChainExport, "export YAML/Go/shell", "e")
	add(scopeChain, actChainCopyStep, "copy the step's result", "y")
	add(scopeChain, actUp, "scroll up", "up")
	add(scopeChain, actDown, "scroll down", "down")
	add(scopeChain, actPageUp, "page up", "pgup", "ctrl+u")
	add(scopeChain, actPageDown, "page down", "pgdown", "ctrl+d")
	return km
}

func keyLabel(keys []string) string {
	if len(keys) == 0 {
		return ""
	}
	return strings.Join(keys[:min(2, len(keys))], "/")
}

// Lookup returns the action bound to k in sc (falling back to global).
func (km *KeyMap) lookup(sc scope, k fmt.Stringer) (action, bool) {
	for _, want := range []scope{sc, scopeGlobal} {
		for _, b := range km.all {
			if b.scope == want && key.Matches(k, b.Binding) {
				return b.id, true
			}
		}
	}
	return "", false
}

// inScope lists the bindings of sc, in definition order.
func (km *KeyMap) inScope(sc scope) []*binding {
	var out []*binding
	for _, b := range km.all {
		if b.scope == sc {
			out = append(out, b)
		}
	}
	return out
}

// find returns the binding for id in sc.
func (km *KeyMap) find(sc scope, id action) *binding {
	for _, b := range km.all {
		if b.scope == sc && b.id == id {
			return b
		}
	}
	return nil
}

// Remap applies user bindings from the config file: "scope.action" (or just
// "action" for a global one, or for the first binding of that name) to keys.
// Unknown names are reported together so one typo does not hide another.
func (km *KeyMap) Remap(m map[string][]string) error {
	var bad []string
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		keys := m[name]
		sc, id, scoped := strings.Cut(name, ".")
		hit := false
		for _, b := range km.all {
			if (scoped && b.scope.String() == sc && string(b.id) == id) || (!scoped && string(b.id) == name) {
				b.SetKeys(keys...)
				b.SetHelp(keyLabel(keys), b.Help().Desc)
				hit = true
			}
		}
		if !hit {
			bad = append(bad, name)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("unknown key binding %s in config; run pipette and press ? to see the action names", strings.Join(bad, ", "))
	}
	return nil
}
