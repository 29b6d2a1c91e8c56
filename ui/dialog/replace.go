package dialog

import (
	"pipette/internal/filestamp"
	"pipette/ui/common"
)

// NewReplace asks before a write replaces what is at path, as v says (a
// file changed on disk since it was read, another file, a missing folder),
// or creates missing (the outermost folder that does not exist). what is
// what would be written ("the chain"). Cancel comes first, so enter and esc
// both keep the file: replacing takes y. saveAs offers another path.
func NewReplace(com *common.Common, q Question, v filestamp.Verdict, path, what, missing string, saveAs bool) *Confirm {
	title, lines, yes := path+" already exists", []string{"writing " + what + " replaces what it holds"}, "replace it"
	switch v {
	case filestamp.Changed:
		title = path + " changed on disk since it was opened"
		lines = []string{"writing " + what + " loses what was changed there"}
	case filestamp.NoFolder:
		title, yes = "Create the folder "+missing+"?", "create it and write"
		lines = []string{"to write " + what + " to " + path}
	}
	options := []Option{{Key: "n", Label: "cancel", Choice: ChoiceNo}, {Key: "y", Label: yes, Choice: ChoiceYes}}
	if saveAs {
		options = append(options, Option{Key: "a", Label: "save as…", Choice: ChoiceSaveAs})
	}
	return NewConfirm(com, q, title, lines, options...)
}
