// Package keys is every key binding of the TUI: actions by scope, remapped
// from the config file, looked up by the focused component, listed by the
// footer, the help and the command palette — all from the same bindings,
// so a remap shows everywhere.
package keys

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
)

// Action names one thing the user can do. Keys map to actions and so do
// palette entries, so both paths run the same code.
type Action string

const (
	Quit       Action = "quit"
	Help       Action = "help"
	Palette    Action = "palette"
	FocusNext  Action = "focus_next"
	FocusPrev  Action = "focus_prev"
	TabDocs    Action = "tab_docs"
	TabTry     Action = "tab_try"
	TabCode    Action = "tab_code"
	History    Action = "history"
	DataFiles  Action = "data_files"
	Reload     Action = "reload"
	Theme      Action = "toggle_theme"
	Zoom       Action = "zoom"
	Up         Action = "up"
	Down       Action = "down"
	PageUp     Action = "page_up"
	PageDown   Action = "page_down"
	Top        Action = "top"
	Bottom     Action = "bottom"
	Left       Action = "left"
	Right      Action = "right"
	Filter     Action = "filter"
	Clear      Action = "clear"
	Tags       Action = "tags"
	Sort       Action = "sort"
	Open       Action = "open"
	SearchNext Action = "search_next"
	SearchPrev Action = "search_prev"
	Run        Action = "run"
	Edit       Action = "edit"
	NextSample Action = "next_sample"
	PrevSample Action = "prev_sample"
	LoadFile   Action = "load_file"
	Editor     Action = "external_editor"
	Copy       Action = "copy"
	Save       Action = "save_output"
	NextLang   Action = "next_language"
	PrevLang   Action = "prev_language"
	Sources    Action = "sources"
	Mark       Action = "mark_compare"
	Compare    Action = "compare"
	Params     Action = "parameters"
	NextPage   Action = "next_page"
	PrevPage   Action = "prev_page"

	ChainAdd        Action = "chain_add"
	ChainFocus      Action = "chain_focus"
	ChainSave       Action = "chain_save"
	ChainSaveAs     Action = "chain_save_as"
	ChainOpen       Action = "chain_open"
	ChainPrev       Action = "chain_prev_step"
	ChainNext       Action = "chain_next_step"
	ChainMoveL      Action = "chain_move_earlier"
	ChainMoveR      Action = "chain_move_later"
	ChainRemove     Action = "chain_remove_step"
	ChainRename     Action = "chain_rename_step"
	ChainName       Action = "chain_rename"
	ChainMap        Action = "chain_edit_mapping"
	ChainRun        Action = "chain_run"
	ChainRunTo      Action = "chain_run_to_step"
	ChainInput      Action = "chain_edit_input"
	ChainLoadIn     Action = "chain_load_input"
	ChainExport     Action = "chain_export"
	ChainCopyStep   Action = "chain_copy_result"
	ChainKind       Action = "chain_input_kind"
	ChainSaveStep   Action = "chain_save_result"
	ChainZoom       Action = "chain_zoom_result"
	ChainToggleEach Action = "chain_toggle_each"
)

// Scope says where a binding is active.
type Scope int

const (
	ScopeGlobal Scope = iota
	ScopeCatalog
	ScopeDocs
	ScopeTry
	ScopeCode
	ScopeChain
	ScopeCompare
)

func (s Scope) String() string {
	return [...]string{"global", "catalog", "docs", "try", "code", "chain", "compare"}[s]
}

// Binding is one remappable key binding.
type Binding struct {
	ID    Action
	Scope Scope
	key.Binding
	// Synonyms are words the command palette also finds it by.
	Synonyms string
}

// KeyMap holds every binding. Bindings are looked up by scope: the focused
// pane's first, then the global ones.
type KeyMap struct {
	all []*Binding
}

func Default() *KeyMap {
	km := &KeyMap{}
	add := func(sc Scope, id Action, help string, keys ...string) {
		km.all = append(km.all, &Binding{ID: id, Scope: sc, Synonyms: synonyms[id],
			Binding: key.NewBinding(key.WithKeys(keys...), key.WithHelp(keyLabel(keys), help))})
	}
	add(ScopeGlobal, Quit, "quit", "q", "ctrl+c")
	add(ScopeGlobal, Help, "help", "?")
	add(ScopeGlobal, Palette, "commands", "ctrl+p")
	add(ScopeGlobal, FocusNext, "next pane", "tab")
	add(ScopeGlobal, FocusPrev, "previous pane", "shift+tab")
	add(ScopeGlobal, TabDocs, "docs tab", "1")
	add(ScopeGlobal, TabTry, "try tab", "2")
	add(ScopeGlobal, TabCode, "code tab", "3")
	add(ScopeGlobal, History, "run history", "H")
	add(ScopeGlobal, DataFiles, "data files", "D")
	add(ScopeGlobal, Reload, "reload catalog", "R")
	add(ScopeGlobal, Theme, "switch dark/light", "T")
	add(ScopeGlobal, Zoom, "zoom the detail pane", "z")
	add(ScopeGlobal, ChainAdd, "add the model to the chain", "a")
	add(ScopeGlobal, ChainFocus, "chain builder", "c")
	add(ScopeGlobal, ChainSave, "save the chain", "ctrl+s")
	add(ScopeGlobal, ChainOpen, "open a chain file", "ctrl+o")
	add(ScopeGlobal, Filter, "filter the catalog", "/")
	add(ScopeGlobal, Sources, "sources and their status", "S")
	add(ScopeGlobal, Compare, "compare the marked models", "C")

	add(ScopeCatalog, Up, "up", "up", "k")
	add(ScopeCatalog, Down, "down", "down", "j")
	add(ScopeCatalog, PageUp, "page up", "pgup", "ctrl+u")
	add(ScopeCatalog, PageDown, "page down", "pgdown", "ctrl+d")
	add(ScopeCatalog, Top, "first", "home", "g")
	add(ScopeCatalog, Bottom, "last", "end", "G")
	add(ScopeCatalog, Filter, "filter", "/")
	add(ScopeCatalog, Clear, "clear filter", "esc")
	add(ScopeCatalog, Tags, "filter by tag", "#")
	add(ScopeCatalog, Sort, "sort name/size/recent", "s")
	add(ScopeCatalog, Mark, "mark for compare", "m")
	add(ScopeCatalog, Open, "try", "enter")

	add(ScopeDocs, Up, "scroll up", "up", "k")
	add(ScopeDocs, Down, "scroll down", "down", "j")
	add(ScopeDocs, PageUp, "page up", "pgup", "ctrl+u")
	add(ScopeDocs, PageDown, "page down", "pgdown", "ctrl+d", "space")
	add(ScopeDocs, Top, "top", "home", "g")
	add(ScopeDocs, Bottom, "bottom", "end", "G")
	add(ScopeDocs, Filter, "search docs", "/")
	add(ScopeDocs, SearchNext, "next match", "n")
	add(ScopeDocs, SearchPrev, "previous match", "N")
	add(ScopeDocs, Clear, "clear search / back", "esc")

	add(ScopeTry, Run, "run", "r", "ctrl+r")
	add(ScopeTry, Edit, "edit input", "i", "e")
	add(ScopeTry, Clear, "cancel run / stop editing / back", "esc")
	add(ScopeTry, NextSample, "next sample", "]")
	add(ScopeTry, PrevSample, "previous sample", "[")
	add(ScopeTry, LoadFile, "load file as input", "o")
	add(ScopeTry, Editor, "edit in $EDITOR", "E")
	add(ScopeTry, Copy, "copy output", "y")
	add(ScopeTry, Save, "save output to file", "w")
	add(ScopeTry, Params, "parameters (chat and completion)", "p")
	add(ScopeTry, Up, "scroll output up", "up", "k")
	add(ScopeTry, Down, "scroll output down", "down", "j")

	add(ScopeCode, NextLang, "next language", "]")
	add(ScopeCode, PrevLang, "previous language", "[")
	add(ScopeCode, Left, "scroll left", "left", "h")
	add(ScopeCode, Right, "scroll right", "right", "l")
	add(ScopeCode, Copy, "copy snippet", "y")
	add(ScopeCode, Clear, "back to the catalog", "esc")
	add(ScopeCode, Up, "scroll up", "up", "k")
	add(ScopeCode, Down, "scroll down", "down", "j")
	add(ScopeCode, Top, "top", "home", "g")
	add(ScopeCode, Bottom, "bottom", "end", "G")

	add(ScopeCompare, Run, "run every model", "r", "ctrl+r")
	add(ScopeCompare, Edit, "edit the input", "i", "e")
	add(ScopeCompare, Params, "parameters", "p")
	add(ScopeCompare, Clear, "cancel all / back", "esc")
	add(ScopeCompare, NextPage, "next model", "right", "l")
	add(ScopeCompare, PrevPage, "previous model", "left", "h")
	add(ScopeCompare, Mark, "drop the model", "x", "delete")
	add(ScopeCompare, Up, "scroll up", "up", "k")
	add(ScopeCompare, Down, "scroll down", "down", "j")

	add(ScopeChain, ChainPrev, "previous step", "left", "h")
	add(ScopeChain, ChainNext, "next step", "right", "l")
	add(ScopeChain, ChainMoveL, "move step earlier", "shift+left", "K")
	add(ScopeChain, ChainMoveR, "move step later", "shift+right", "J")
	add(ScopeChain, ChainRun, "run the chain", "r", "ctrl+r")
	add(ScopeChain, ChainRunTo, "run up to this step", "u")
	add(ScopeChain, Clear, "cancel run / back", "esc")
	add(ScopeChain, ChainMap, "edit the step's mapping", "i", "enter")
	add(ScopeChain, ChainRename, "rename step", "n")
	add(ScopeChain, ChainName, "rename the chain", "N")
	add(ScopeChain, ChainSaveAs, "save the chain as…", "S")
	add(ScopeChain, ChainRemove, "remove step", "x", "delete")
	add(ScopeChain, ChainInput, "edit the chain's input", "I")
	add(ScopeChain, ChainLoadIn, "load a file as the chain's input", "o")
	add(ScopeChain, ChainKind, "chain input kind text/json/binary", "t")
	add(ScopeChain, ChainExport, "export YAML/Go/shell", "e")
	add(ScopeChain, ChainCopyStep, "copy the step's result", "y")
	add(ScopeChain, ChainSaveStep, "save the step's result to a file", "w")
	add(ScopeChain, ChainZoom, "show the step's result large", "z")
	add(ScopeChain, ChainToggleEach, "map with input or each (editing)", "ctrl+t")
	add(ScopeChain, Up, "scroll up", "up", "k")
	add(ScopeChain, Down, "scroll down", "down", "j")
	add(ScopeChain, PageUp, "page up", "pgup", "ctrl+u")
	add(ScopeChain, PageDown, "page down", "pgdown", "ctrl+d")
	add(ScopeChain, Top, "top", "home", "g")
	add(ScopeChain, Bottom, "bottom", "end", "G")
	return km
}

// synonyms are the words people look for a command by when they do not
// know its name: "theme" for the dark/light switch.
var synonyms = map[Action]string{
	Quit:          "exit close leave",
	Help:          "keys shortcuts bindings manual",
	Palette:       "commands search",
	FocusNext:     "pane focus switch",
	FocusPrev:     "pane focus switch back",
	History:       "runs past previous replay recent log",
	DataFiles:     "data store upload uploads files storage data:// browse",
	Reload:        "refresh catalog retry",
	Theme:         "theme colour color colours colors mode appearance",
	Zoom:          "fullscreen maximise maximize enlarge bigger",
	Filter:        "find search",
	Tags:          "category categories facet label",
	Sort:          "order recent size name",
	Sources:       "servers status down up offline online",
	Mark:          "select compare side by side",
	Compare:       "side by side models several benchmark race",
	Params:        "temperature tokens stop system options",
	Run:           "execute call try start go",
	Edit:          "type change modify",
	LoadFile:      "open read input file",
	Editor:        "vim emacs nano external",
	Copy:          "clipboard yank",
	Save:          "write file output export",
	NextSample:    "example",
	PrevSample:    "example",
	NextLang:      "language snippet curl go python javascript",
	PrevLang:      "language snippet",
	ChainAdd:      "pipeline step append",
	ChainFocus:    "pipeline builder open",
	ChainSave:     "write file",
	ChainSaveAs:   "write file save as copy another path",
	ChainOpen:     "load file read",
	ChainRun:      "execute pipeline start",
	ChainRunTo:    "execute partial",
	ChainMap:      "jq mapping input transform",
	ChainRemove:   "delete",
	ChainRename:   "name",
	ChainName:     "name title",
	ChainExport:   "yaml go shell script code",
	ChainCopyStep: "clipboard yank result",
	ChainSaveStep: "write file image result output",
	ChainZoom:     "fullscreen enlarge preview image bigger",
	ChainInput:    "type text",
	ChainLoadIn:   "open file input",
	ChainKind:     "type text json binary",
	ChainMoveL:    "reorder earlier left",
	ChainMoveR:    "reorder later right",
}

func keyLabel(keys []string) string {
	if len(keys) == 0 {
		return ""
	}
	return strings.Join(keys[:min(2, len(keys))], "/")
}

// Lookup returns the action bound to k in sc (falling back to global).
func (km *KeyMap) Lookup(sc Scope, k fmt.Stringer) (Action, bool) {
	for _, want := range []Scope{sc, ScopeGlobal} {
		for _, b := range km.all {
			if b.Scope == want && key.Matches(k, b.Binding) {
				return b.ID, true
			}
		}
	}
	return "", false
}

// inScope lists the bindings of sc, in definition order.
func (km *KeyMap) InScope(sc Scope) []*Binding {
	var out []*Binding
	for _, b := range km.all {
		if b.Scope == sc {
			out = append(out, b)
		}
	}
	return out
}

// Label is an action with what the footer says it does there.
type Label struct {
	ID   Action
	Desc string
}

// Short is the footer's bindings of sc for labels, each relabelled; those
// unbound or disabled are left out.
func (km *KeyMap) Short(sc Scope, labels ...Label) []key.Binding {
	var out []key.Binding
	for _, l := range labels {
		if b := km.Find(sc, l.ID); b != nil && b.Enabled() {
			out = append(out, Relabel(b, l.Desc))
		}
	}
	return out
}

// FullHelp is every binding of sc as one column of a help.KeyMap's
// FullHelp: what a component lists in the full help.
func (km *KeyMap) FullHelp(sc Scope) [][]key.Binding {
	var out []key.Binding
	for _, b := range km.InScope(sc) {
		out = append(out, b.Binding)
	}
	return [][]key.Binding{out}
}

// find returns the binding for id in sc.
func (km *KeyMap) Find(sc Scope, id Action) *Binding {
	for _, b := range km.all {
		if b.Scope == sc && b.ID == id {
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
			if (scoped && b.Scope.String() == sc && string(b.ID) == id) || (!scoped && string(b.ID) == name) {
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
		return fmt.Errorf("unknown key Binding %s in config; run pipette and press ? to see the Action names", strings.Join(bad, ", "))
	}
	return nil
}

// All is every binding, in definition order.
func (km *KeyMap) All() []*Binding { return km.all }

// Relabel is b with another description: the footer says what a key does
// in the state at hand ("cancel" rather than "cancel run / back").
func Relabel(b *Binding, desc string) key.Binding {
	out := b.Binding
	out.SetHelp(b.Help().Key, desc)
	return out
}

// InEditor is b without its printable keys, which an editor needs for
// text, and with a label naming what is left; ok is false when nothing is
// (a binding remapped to letters only does not work while editing).
func InEditor(b *Binding, desc string) (key.Binding, bool) {
	var ks []string
	for _, k := range b.Keys() {
		if len([]rune(k)) > 1 && k != "space" {
			ks = append(ks, k)
		}
	}
	if len(ks) == 0 {
		return key.Binding{}, false
	}
	return key.NewBinding(key.WithKeys(ks...), key.WithHelp(keyLabel(ks), desc)), true
}

// Matches says whether msg is one of b's keys (a nil binding matches none).
func Matches(msg fmt.Stringer, b *Binding) bool {
	return b != nil && b.Enabled() && key.Matches(msg, b.Binding)
}

// MatchesInEditor says msg is one of b's keys that an editor leaves alone
// (see InEditor): how a remapped run key still works while typing.
func MatchesInEditor(msg fmt.Stringer, b *Binding) bool {
	if b == nil {
		return false
	}
	kb, ok := InEditor(b, "")
	if !ok {
		return false
	}
	for _, k := range kb.Keys() {
		if msg.String() == k {
			return true
		}
	}
	return false
}
