// Package compare is one input against two to four models side by side:
// the models marked in the catalog, each streaming its answer into its own
// column at once, with its timing (time to first token, tokens/s, total),
// run together and cancelled together. A terminal too narrow for every
// column shows them a page at a time.
package compare

import (
	"fmt"
	"slices"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/client"
	"pipette/ui/common"
	"pipette/ui/components/editor"
	"pipette/ui/components/modelinfo"
	"pipette/ui/components/params"
	"pipette/ui/components/stream"
	"pipette/ui/dialog"
	"pipette/ui/keys"
)

// Bounds on the models compared.
const (
	MinModels = 2
	MaxModels = 4
	// minColumn is the narrowest a column may be; narrower terminals page.
	minColumn = 36
)

// LeaveMsg asks the root to leave the compare view.
type LeaveMsg struct{}

// Compare is the compare view.
type Compare struct {
	com    *common.Common
	client *client.Client
	w, h   int

	marked []catalog.Entry // marked in the catalog, in the order marked
	models []catalog.Entry // the models compared
	runs   []*stream.Run   // one per model, nil before the first run
	scroll []int           // per column: first line shown; -1 follows the end
	sel    int             // the column keys act on

	input   textarea.Model
	editing bool
	params  params.Params
	styled  any
}

// New makes the compare view; c runs the models.
func New(com *common.Common, c *client.Client) *Compare {
	in := editor.New(com)
	in.Placeholder = "the input every model gets"
	return &Compare{com: com, client: c, input: in}
}

func (c *Compare) Init() tea.Cmd { return nil }

// Toggle marks e for comparing, or unmarks it; the sentence says what
// happened, for the status line.
func (c *Compare) Toggle(e catalog.Entry) string {
	path := e.Ref.Path()
	if i := slices.IndexFunc(c.marked, func(m catalog.Entry) bool { return m.Ref.Path() == path }); i >= 0 {
		c.marked = slices.Delete(c.marked, i, i+1)
		return fmt.Sprintf("unmarked %s (%d marked)", path, len(c.marked))
	}
	if len(c.marked) == MaxModels {
		return fmt.Sprintf("compare takes up to %d models: m on a marked one unmarks it", MaxModels)
	}
	c.marked = append(c.marked, e)
	if len(c.marked) < MinModels {
		return fmt.Sprintf("marked %s: mark another with m, then C compares them", path)
	}
	return fmt.Sprintf("marked %s (%d marked): C compares them", path, len(c.marked))
}

// Marked says the model at path is marked.
func (c *Compare) Marked(path string) bool {
	return slices.ContainsFunc(c.marked, func(m catalog.Entry) bool { return m.Ref.Path() == path })
}

// Open compares the marked models (with extra, the selected model, when
// only one is marked) on input; ok is false, with the sentence why, when
// there are too few.
func (c *Compare) Open(extra *catalog.Entry, input string) (ok bool, why string) {
	models := slices.Clone(c.marked)
	if len(models) < MinModels && extra != nil && !c.Marked(extra.Ref.Path()) {
		models = append(models, *extra)
	}
	if len(models) < MinModels {
		return false, "mark two to four models in the catalog with m, then press C"
	}
	same := len(models) == len(c.models)
	for i := range models {
		same = same && models[i].Ref.Path() == c.models[i].Ref.Path()
	}
	if !same {
		c.Stop()
		c.models, c.runs, c.scroll, c.sel = models, make([]*stream.Run, len(models)), make([]int, len(models)), 0
		for i := range c.scroll {
			c.scroll[i] = -1
		}
	}
	if c.input.Value() == "" {
		c.input.SetValue(input)
	}
	c.SetSize(c.w, c.h)
	return true, ""
}

// Models are the models compared.
func (c *Compare) Models() []catalog.Entry { return c.models }

// Params are the parameters the calls are made with.
func (c *Compare) Params() params.Params { return c.params }

// SetParams sets the parameters of the next run.
func (c *Compare) SetParams(p params.Params) { c.params = p }

// Editing says the input has the keyboard.
func (c *Compare) Editing() bool { return c.editing }

// Running says a model is still answering.
func (c *Compare) Running() bool {
	return slices.ContainsFunc(c.runs, func(r *stream.Run) bool { return r.Running() })
}

// Run sends the input to every model at once.
func (c *Compare) Run() tea.Cmd {
	switch {
	case c.Running():
		return common.Info("already running; esc cancels all")
	case c.client == nil || len(c.models) == 0:
		return nil
	}
	text := c.input.Value()
	var cmds []tea.Cmd
	for i, e := range c.models {
		if e.Unavailable != "" {
			c.runs[i] = nil
			continue
		}
		r, cmd := stream.Start(c.client, e.Ref, inputFor(e, text, c.params))
		c.runs[i], c.scroll[i] = r, -1
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

// inputFor is what model e is sent for the text typed: a chat or
// completion model gets the parameters folded in; a JSON model the text
// parsed as JSON when it is JSON.
func inputFor(e catalog.Entry, text string, p params.Params) catalog.Value {
	if modelinfo.Streams(e) {
		return params.Input(modelinfo.Kind(e), text, p)
	}
	if e.InputKind == catalog.KindJSON || e.InputKind == catalog.KindAny {
		if v, err := catalog.DecodeJSON([]byte(text)); err == nil {
			return catalog.JSON(v)
		}
	}
	return catalog.Text(text)
}

// Stop cancels every model still answering; it says whether one was.
func (c *Compare) Stop() bool {
	any := false
	for _, r := range c.runs {
		if r.Running() {
			r.Cancel()
			any = true
		}
	}
	return any
}

// Tick advances the running calls' elapsed times.
func (c *Compare) Tick(now time.Time) {
	for _, r := range c.runs {
		if r != nil {
			r.Tick(now)
		}
	}
}

// Update takes the runs' messages, and keys and pastes when focused.
func (c *Compare) Update(msg tea.Msg) tea.Cmd {
	if stream.Handles(msg) {
		for _, r := range c.runs {
			if r == nil {
				continue
			}
			if ok, cmd := r.Update(msg); ok {
				return cmd
			}
		}
		return nil
	}
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if c.editing {
			return c.editKey(msg)
		}
		if id, ok := c.com.Keys.Lookup(keys.ScopeCompare, msg); ok {
			return c.Perform(id)
		}
		return nil
	}
	if c.editing {
		var cmd tea.Cmd
		c.input, cmd = c.input.Update(msg)
		return cmd
	}
	return nil
}

// editKey is a key while the input has the keyboard: esc stops editing,
// the run keys an editor leaves alone run.
func (c *Compare) editKey(msg tea.KeyPressMsg) tea.Cmd {
	km := c.com.Keys
	if keys.Matches(msg, km.Find(keys.ScopeCompare, keys.Clear)) {
		c.editing = false
		c.input.Blur()
		return nil
	}
	if b, ok := keys.InEditor(km.Find(keys.ScopeCompare, keys.Run), ""); ok && key.Matches(msg, b) {
		c.editing = false
		c.input.Blur()
		return c.Run()
	}
	var cmd tea.Cmd
	c.input, cmd = c.input.Update(msg)
	return cmd
}

// Perform does one of the compare scope's actions.
func (c *Compare) Perform(id keys.Action) tea.Cmd {
	switch id {
	case keys.Run:
		return c.Run()
	case keys.Edit:
		c.editing = true
		return c.input.Focus()
	case keys.Params:
		return dialog.Open(dialog.NewParams(c.com, "every chat model compared", c.params))
	case keys.Clear:
		if c.Stop() {
			return common.Info("cancelled every model")
		}
		return func() tea.Msg { return LeaveMsg{} }
	case keys.NextPage:
		c.sel = min(c.sel+1, len(c.models)-1)
	case keys.PrevPage:
		c.sel = max(c.sel-1, 0)
	case keys.Mark:
		return c.drop()
	case keys.Up:
		c.scrollBy(-1)
	case keys.Down:
		c.scrollBy(1)
	}
	return nil
}

// drop takes the selected model out of the comparison (and unmarks it).
func (c *Compare) drop() tea.Cmd {
	if len(c.models) <= MinModels {
		return common.Info(fmt.Sprintf("compare needs at least %d models; esc goes back to the catalog", MinModels))
	}
	i := c.sel
	if r := c.runs[i]; r.Running() {
		r.Cancel()
	}
	path := c.models[i].Ref.Path()
	c.models = slices.Delete(c.models, i, i+1)
	c.runs = slices.Delete(c.runs, i, i+1)
	c.scroll = slices.Delete(c.scroll, i, i+1)
	c.marked = slices.DeleteFunc(c.marked, func(e catalog.Entry) bool { return e.Ref.Path() == path })
	c.sel = min(c.sel, len(c.models)-1)
	return common.Info("dropped " + path)
}

// scrollBy moves the selected column's text by d lines; scrolled to its
// end, it follows the text again.
func (c *Compare) scrollBy(d int) {
	if len(c.models) == 0 {
		return
	}
	lines, h := c.columnLines(c.sel), c.textHeight()
	last := max(0, len(lines)-h)
	pos := c.scroll[c.sel]
	if pos < 0 {
		pos = last
	}
	pos = max(0, pos+d)
	if pos >= last {
		pos = -1
	}
	c.scroll[c.sel] = pos
}

// SetSize sizes the view to the body.
func (c *Compare) SetSize(w, h int) {
	c.w, c.h = w, h
	c.input.SetWidth(max(1, w-2))
	c.input.SetHeight(inputHeight(h))
}

// inputHeight is the rows the input takes: three, or two on a short screen.
func inputHeight(h int) int {
	if h < 20 {
		return 2
	}
	return 3
}

// perPage is how many columns fit side by side.
func (c *Compare) perPage() int {
	return max(1, min(len(c.models), c.w/minColumn))
}

// ShortHelp is the footer's keys for the view's state.
func (c *Compare) ShortHelp() []key.Binding {
	km := c.com.Keys
	var out []key.Binding
	add := func(id keys.Action, desc string) {
		if b := km.Find(keys.ScopeCompare, id); b != nil && b.Enabled() {
			out = append(out, keys.Relabel(b, desc))
		}
	}
	switch {
	case c.editing:
		add(keys.Clear, "done editing")
		if b, ok := keys.InEditor(km.Find(keys.ScopeCompare, keys.Run), "run all"); ok {
			out = append(out, b)
		}
	case c.Running():
		add(keys.Clear, "cancel all")
		if c.perPage() < len(c.models) {
			add(keys.NextPage, "next model")
		}
	default:
		add(keys.Run, "run all")
		add(keys.Edit, "edit input")
		add(keys.Params, "parameters")
		if c.perPage() < len(c.models) {
			add(keys.NextPage, "next model")
		}
		add(keys.Mark, "drop")
		add(keys.Clear, "back")
	}
	return out
}

// FullHelp is every compare binding.
func (c *Compare) FullHelp() [][]key.Binding {
	return c.com.Keys.FullHelp(keys.ScopeCompare)
}

func editorStyles(c *Compare) textarea.Styles { return editor.Styles(c.com) }
