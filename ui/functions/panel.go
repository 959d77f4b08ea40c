// Package functions is the window's Functions panel: the open workspace's
// Lambda functions that the workbench runs itself (package localfn), each
// with its runtime, its state (cold, warm, busy, crashed) and a Restart
// button; the selected function's recent invocations (time, duration, cold
// start, error); and the selected invocation's log, START to REPORT.
//
// The panel reads everything through Source, so it knows nothing of the
// controller. Its methods run on Fyne's goroutine.
package functions

import (
	"encoding/json"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/emulator/localfn"
	"wsworkbench/ui/format"
)

// Source is what the panel shows and acts on: the open workspace's local
// functions.
type Source interface {
	// Status is every function's state, sorted by name (nil when none run
	// here).
	Status() []localfn.FunctionStatus
	// Restart stops function's instances: its next call is a cold start.
	Restart(function string) error
	// Note says why the workspace's functions do not run here ("" when
	// they do).
	Note() string
}

// Panel is the Functions panel. See the package comment.
type Panel struct {
	src Source

	fns    []localfn.FunctionStatus
	selFn  string // the selected function's name
	selReq string // the selected invocation's request ID
	// pinned: a person picked selReq; until then the newest call shows.
	pinned bool
	invs   []localfn.Invocation

	title   *widget.Label
	note    *widget.Label
	fnList  *widget.List
	invList *widget.List
	logHead *widget.Label
	// logText is the selected invocation's log: a TextGrid scrolls long
	// lines sideways (a print after Node's timestamp and request ID) where
	// a list of labels would cut them.
	logText *widget.TextGrid
	content fyne.CanvasObject
	syncing bool // selecting rows from Update, not from a person
}

// New returns the panel; call Update to fill it.
func New(src Source) *Panel {
	p := &Panel{src: src}
	p.title = widget.NewLabel("Functions")
	p.title.TextStyle = fyne.TextStyle{Bold: true}
	p.note = widget.NewLabel("")
	p.note.Wrapping = fyne.TextWrapWord
	p.note.Importance = widget.LowImportance
	p.fnList = widget.NewList(func() int { return len(p.fns) }, p.newFnRow, p.updateFnRow)
	p.fnList.OnSelected = p.onSelectFunction
	p.invList = widget.NewList(func() int { return len(p.invs) }, newInvRow, p.updateInvRow)
	p.invList.OnSelected = p.onSelectInvocation
	p.logHead = widget.NewLabel("")
	p.logHead.TextStyle = fyne.TextStyle{Bold: true}
	p.logHead.Truncation = fyne.TextTruncateEllipsis
	p.logText = widget.NewTextGrid()
	invs := container.NewBorder(widget.NewLabel("Recent invocations"), nil, nil, nil, p.invList)
	logs := container.NewBorder(p.logHead, nil, nil, nil, container.NewScroll(p.logText))
	lower := container.NewVSplit(invs, logs)
	lower.Offset = 0.4
	split := container.NewVSplit(p.fnList, lower)
	split.Offset = 0.3
	p.content = container.NewBorder(container.NewVBox(p.title, p.note), nil, nil, nil, split)
	return p
}

// Object returns the panel's widgets, laid out.
func (p *Panel) Object() fyne.CanvasObject { return p.content }

// Update reads the functions' state again and redraws what changed.
func (p *Panel) Update() {
	p.fns = p.src.Status()
	note := p.src.Note()
	if len(p.fns) == 0 && note == "" {
		note = "The workspace has no Lambda function with local code. A function with CodeUri, Handler and Runtime (SAM), Code.ZipFile, or a serverless.yml handler runs here when no Lambda endpoint is set."
	}
	p.note.SetText(note)
	if note == "" {
		p.note.Hide()
	} else {
		p.note.Show()
	}
	p.fnList.Refresh()
	sel := -1
	for i, f := range p.fns {
		if f.Name == p.selFn {
			sel = i
		}
	}
	if sel < 0 && len(p.fns) > 0 {
		sel = 0
	}
	p.syncing = true
	if sel >= 0 {
		p.selFn = p.fns[sel].Name
		p.fnList.Select(sel)
		p.invs = p.fns[sel].Recent
	} else {
		p.selFn, p.invs = "", nil
		p.fnList.UnselectAll()
	}
	p.invList.Refresh()
	p.selectInvocation()
	p.syncing = false
}

// selectInvocation keeps the selected invocation, or picks the newest, and
// shows its log.
func (p *Panel) selectInvocation() {
	idx := -1
	for i, inv := range p.invs {
		if p.pinned && inv.RequestID == p.selReq {
			idx = i
		}
	}
	if idx < 0 && len(p.invs) > 0 {
		idx = 0
	}
	if idx < 0 {
		p.selReq = ""
		p.invList.UnselectAll()
		p.showLog(nil)
		return
	}
	p.selReq = p.invs[idx].RequestID
	p.invList.Select(idx)
	p.showLog(&p.invs[idx])
}

func (p *Panel) showLog(inv *localfn.Invocation) {
	if inv == nil {
		p.logHead.SetText("Log")
		p.logText.SetText("")
		return
	}
	p.logHead.SetText("Log of " + inv.RequestID)
	p.logText.SetText(strings.TrimRight(inv.Log, "\n"))
}

func (p *Panel) onSelectFunction(i widget.ListItemID) {
	if p.syncing || i >= len(p.fns) {
		return
	}
	if p.fns[i].Name != p.selFn {
		p.selFn, p.selReq, p.pinned = p.fns[i].Name, "", false
		p.Update()
	}
}

func (p *Panel) onSelectInvocation(i widget.ListItemID) {
	if p.syncing || i >= len(p.invs) {
		return
	}
	p.selReq, p.pinned = p.invs[i].RequestID, true
	p.showLog(&p.invs[i])
}

func (p *Panel) onRestart(function string) {
	if err := p.src.Restart(function); err != nil {
		p.note.SetText(err.Error())
		p.note.Show()
		return
	}
	p.Update()
}

// fnRow is one function: its name, then its runtime, handler and state,
// with Restart on the right.
type fnRow struct {
	widget.BaseWidget
	name, detail *widget.Label
	restart      *widget.Button
	box          fyne.CanvasObject
	function     string
}

func (r *fnRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.box) }

func (p *Panel) newFnRow() fyne.CanvasObject {
	r := &fnRow{name: widget.NewLabel(""), detail: widget.NewLabel("")}
	r.name.TextStyle = fyne.TextStyle{Bold: true}
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.detail.Truncation = fyne.TextTruncateEllipsis
	r.detail.SizeName = theme.SizeNameCaptionText
	r.restart = widget.NewButtonWithIcon("Restart", theme.ViewRefreshIcon(), func() { p.onRestart(r.function) })
	r.box = container.NewBorder(nil, nil, nil, r.restart, container.NewVBox(r.name, r.detail))
	r.ExtendBaseWidget(r)
	return r
}

func (p *Panel) updateFnRow(i widget.ListItemID, o fyne.CanvasObject) {
	r := o.(*fnRow)
	f := p.fns[i]
	r.function = f.Name
	r.name.SetText(f.Name)
	r.detail.SetText(FunctionDetail(f))
	r.detail.Importance = stateImportance(f.State)
	r.detail.Refresh()
}

// FunctionDetail is the second line of a function's row: "nodejs20.x ·
// app.handler · warm (1 instance)".
func FunctionDetail(f localfn.FunctionStatus) string {
	s := f.Runtime + " · " + f.Handler + " · " + string(f.State)
	switch f.State {
	case localfn.StateWarm:
		s += " (" + format.Plural(f.Instances, "instance") + ")"
	case localfn.StateBusy:
		s += fmt.Sprintf(" (%d running)", f.Busy)
	}
	return s
}

func stateImportance(s localfn.State) widget.Importance {
	switch s {
	case localfn.StateCrashed:
		return widget.DangerImportance
	case localfn.StateBusy:
		return widget.WarningImportance
	case localfn.StateWarm:
		return widget.SuccessImportance
	}
	return widget.LowImportance
}

func newInvRow() fyne.CanvasObject {
	l := widget.NewLabel("")
	l.TextStyle = fyne.TextStyle{Monospace: true}
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

func (p *Panel) updateInvRow(i widget.ListItemID, o fyne.CanvasObject) {
	inv := p.invs[i]
	l := o.(*widget.Label)
	l.SetText(InvocationLine(inv))
	if inv.FunctionError != "" {
		l.Importance = widget.DangerImportance
	} else {
		l.Importance = widget.MediumImportance
	}
	l.Refresh()
}

// InvocationLine is an invocation's row: "22:31:05.123  12.5 ms  cold
// error: TypeError: bad thing" (cold marks a cold start).
func InvocationLine(inv localfn.Invocation) string {
	s := inv.Start.Format("15:04:05.000") + "  " + format.Duration(inv.Duration)
	if inv.Cold { // the init duration is in the log's REPORT line
		s += "  cold"
	}
	if inv.FunctionError != "" {
		s += "  error: " + errorSummary(inv.Payload)
	}
	return s
}

// errorSummary is "errorType: errorMessage" from a Lambda error object.
func errorSummary(payload []byte) string {
	var e struct {
		Type string `json:"errorType"`
		Msg  string `json:"errorMessage"`
	}
	if err := json.Unmarshal(payload, &e); err != nil || e.Type == "" && e.Msg == "" {
		return strings.TrimSpace(string(payload))
	}
	if e.Type == "" {
		return e.Msg
	}
	return e.Type + ": " + e.Msg
}
