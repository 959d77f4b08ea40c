package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/client"
	"wsworkbench/emulator"
)

// tracePanel shows one message's path through the gateway: the selection
// expression and its value, the route chosen (and why), each template's
// input and output, the integration's status and the response chosen, and
// the frame sent back, with timings; errors stand out.
type tracePanel struct {
	wb *workbench

	title *widget.Label
	steps *fyne.Container
	body  *container.Scroll

	// What is shown: a tab's log entry (resolved to a request later if its
	// route has not arrived yet), or a request directly.
	tab     *clientTab
	seq     uint64
	traceID string
	shown   int    // events drawn
	connID  string // the connection whose $connect is shown (from the connections panel)
	gone    bool   // the panel said that connection is gone
}

func newTracePanel(wb *workbench) *tracePanel {
	p := &tracePanel{wb: wb}
	p.title = widget.NewLabel("Trace")
	p.title.TextStyle = fyne.TextStyle{Bold: true}
	p.title.Truncation = fyne.TextTruncateEllipsis
	p.steps = container.NewVBox()
	p.body = container.NewVScroll(p.steps)
	p.clear("Select a message in a tab's log to see how the gateway handled it.")
	return p
}

func (p *tracePanel) object() fyne.CanvasObject {
	return container.NewBorder(p.title, nil, nil, nil, p.body)
}

// clear shows a hint instead of a trace.
func (p *tracePanel) clear(hint string) {
	p.traceID, p.shown = "", 0
	p.title.SetText("Trace")
	l := widget.NewLabel(hint)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.LowImportance
	p.steps.Objects = []fyne.CanvasObject{l}
	p.steps.Refresh()
}

// showEntry shows the trace of a tab's log entry.
func (p *tracePanel) showEntry(t *clientTab, seq uint64) {
	p.tab, p.seq = t, seq
	p.connID, p.gone = "", false
	if t == nil || seq == 0 {
		p.tab, p.seq = nil, 0
		p.clear("Select a message in a tab's log to see how the gateway handled it.")
		return
	}
	p.resolve(true)
}

// showConnect shows a connection's $connect trace.
func (p *tracePanel) showConnect(connID string) {
	p.tab, p.seq = nil, 0
	id, ok := p.wb.traces.connectOf(connID)
	if !ok {
		p.clear("The gateway's trace of this connection's $connect is no longer kept.")
		return
	}
	p.show(id)
	p.connID = connID
	p.gone = false
	p.checkGone()
}

// checkGone says so above the trace when the connection whose $connect it
// shows has gone.
func (p *tracePanel) checkGone() {
	if p.connID == "" || p.gone {
		return
	}
	if _, ok := p.wb.gw.Connection(p.connID); ok {
		return
	}
	p.gone = true
	p.title.SetText("Trace: $connect of " + p.connID + " (gone)")
	l := widget.NewLabel("This connection is gone: the gateway no longer holds " + p.connID + ". Its $connect is shown as it happened.")
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.WarningImportance
	p.steps.Objects = append([]fyne.CanvasObject{l}, p.steps.Objects...)
	p.steps.Refresh()
}

// resolve finds the request of the selected entry and shows its trace.
func (p *tracePanel) resolve(force bool) {
	e, ok := p.tab.model.Client().Log().BySeq(p.seq)
	if !ok {
		p.clear("That message is no longer in the log.")
		return
	}
	id, ok := p.tab.model.request(p.seq)
	if !ok && e.Dir == client.Event && strings.HasPrefix(e.Note, "connected") {
		id, ok = p.tab.model.connectRequest(), p.tab.model.connectRequest() != ""
	}
	if !ok {
		if force || p.traceID != "" {
			p.clear(noTraceHint(e, p.tab.target.url == ""))
		}
		return
	}
	if id != p.traceID || force {
		p.show(id)
	}
}

// noTraceHint says why a log entry has no trace.
func noTraceHint(e client.Entry, embedded bool) string {
	switch {
	case !embedded:
		return "This tab talks to another server: only the embedded gateway's messages have a trace."
	case e.Dir == client.Event:
		return "Events of the connection itself have no trace; select a message."
	case e.Route == "":
		return "The gateway has not reported on this message (yet)."
	}
	return "The gateway's trace of this message is no longer kept (it keeps the latest " + strconv.Itoa(defaultTraceCapacity) + ")."
}

// refresh draws new steps of the trace shown, or a trace that was not known
// when its entry was selected.
func (p *tracePanel) refresh() {
	if p.tab != nil && p.seq != 0 && p.traceID == "" {
		p.resolve(false)
		return
	}
	if p.traceID == "" {
		return
	}
	if t, ok := p.wb.traces.get(p.traceID); ok && len(t.events) != p.shown {
		p.draw(t)
		p.gone = false
	}
	p.checkGone()
}

// show draws the trace with the given ID.
func (p *tracePanel) show(id string) {
	t, ok := p.wb.traces.get(id)
	if !ok {
		p.clear("The gateway's trace of this message is no longer kept.")
		return
	}
	if id != p.traceID {
		// Another trace starts at its top, not where the last one was
		// scrolled to.
		p.body.ScrollToTop()
	}
	p.traceID = id
	p.draw(t)
}

func (p *tracePanel) draw(t trace) {
	p.shown = len(t.events)
	p.title.SetText(traceTitle(t))
	var objs []fyne.CanvasObject
	for _, s := range traceSteps(t) {
		objs = append(objs, stepObject(s))
	}
	p.steps.Objects = objs
	p.steps.Refresh()
}

func traceTitle(t trace) string {
	switch t.kind {
	case traceConnect:
		return "Trace: $connect of " + t.connID
	case traceDisconnect:
		return "Trace: $disconnect of " + t.connID
	case tracePost:
		return "Trace: @connections POST to " + t.connID
	case traceMessage:
		return "Trace: message on route " + t.route
	}
	return "Trace"
}

// traceStep is one step of a trace as the panel shows it.
type traceStep struct {
	title  string
	lines  []stepLine
	at     time.Duration // since the trace began
	took   time.Duration
	failed bool
}

// stepLine is a labelled value of a step; code is shown in monospace.
type stepLine struct {
	label string
	text  string
	code  bool
}

// traceSteps turns a trace's events into the steps the panel shows.
func traceSteps(t trace) []traceStep {
	var steps []traceStep
	for _, e := range t.events {
		s := traceStep{at: e.Time.Sub(t.start), took: e.Duration}
		switch e.Kind {
		case emulator.EventFrameIn:
			s.title = fmt.Sprintf("Frame in (%s)", formatSize(e.Size))
			s.lines = []stepLine{{text: e.Data, code: true}}
		case emulator.EventRoute:
			s.title, s.lines, s.failed = routeStep(e)
		case emulator.EventTemplate:
			s.title = capitalize(e.Template) + " template"
			if e.Value != "" {
				s.lines = append(s.lines, stepLine{label: "chosen by", text: strconv.Quote(e.Value)})
			}
			s.lines = append(s.lines,
				stepLine{label: "input", text: e.Input, code: true},
				stepLine{label: "output", text: e.Output, code: true})
			if e.Error != "" {
				s.failed = true
				s.lines = append(s.lines, stepLine{label: "error", text: e.Error})
			}
		case emulator.EventIntegration:
			s.title = "Integration"
			if strings.HasPrefix(e.Detail, "authorizer ") {
				s.title = "Authorizer " + strings.TrimPrefix(e.Detail, "authorizer ")
			}
			if e.Status != 0 {
				s.title += fmt.Sprintf(": status %d", e.Status)
			}
			if e.Response != "" {
				s.lines = append(s.lines, stepLine{label: "integration response", text: e.Response, code: true})
			} else if e.Error == "" && e.Status != 0 {
				s.lines = append(s.lines, stepLine{label: "integration response", text: "none matched the status"})
			}
			if e.Error != "" {
				s.failed = true
				s.lines = append(s.lines, stepLine{label: "error", text: e.Error})
			}
		case emulator.EventFrameOut:
			s.title = fmt.Sprintf("Frame out (%s)", formatSize(e.Size))
			if e.Outcome == "@connections" {
				s.title += " via @connections"
			}
			s.lines = []stepLine{{text: e.Data, code: true}}
		case emulator.EventError:
			s.failed = true
			s.title = "Error"
			if e.Outcome != "" {
				s.title += ": " + e.Outcome
			}
			if e.Status != 0 {
				s.title += fmt.Sprintf(" (%d)", e.Status)
			}
			s.lines = []stepLine{{text: e.Error}}
		case emulator.EventLimit:
			s.failed = true
			s.title = "Limit"
			if e.Code != 0 {
				s.title += fmt.Sprintf(": close %d %s", e.Code, e.Reason)
			}
			s.lines = []stepLine{{text: e.Error}}
		case emulator.EventConnect:
			s.title = "$connect " + e.Outcome
			if e.Status != 0 {
				s.title += fmt.Sprintf(" (HTTP %d)", e.Status)
			}
			s.failed = e.Outcome == emulator.ConnectRejected
			if e.Detail != "" {
				s.lines = append(s.lines, stepLine{label: "how", text: e.Detail})
			}
			if e.RemoteAddr != "" {
				s.lines = append(s.lines, stepLine{label: "from", text: e.RemoteAddr})
			}
			if e.Error != "" {
				s.lines = append(s.lines, stepLine{label: "error", text: e.Error})
			}
		case emulator.EventDisconnect:
			s.title = fmt.Sprintf("$disconnect: close %d %s", e.Code, e.Reason)
			if e.Error != "" {
				s.failed = true
				s.lines = append(s.lines, stepLine{label: "error", text: e.Error})
			}
		default:
			s.title = string(e.Kind)
			if e.Error != "" {
				s.failed = true
				s.lines = append(s.lines, stepLine{text: e.Error})
			}
		}
		steps = append(steps, s)
	}
	return steps
}

// routeStep explains route selection: the expression, its value, and the
// route chosen, or why $default, or why Forbidden.
func routeStep(e emulator.Event) (string, []stepLine, bool) {
	lines := []stepLine{{label: "expression", text: e.Expression, code: true}}
	switch e.Outcome {
	case emulator.RouteMatched:
		lines = append(lines, stepLine{label: "value", text: strconv.Quote(e.Value), code: true})
		return "Route: " + e.RouteKey, lines, false
	case emulator.RouteFallback:
		lines = append(lines,
			stepLine{label: "value", text: strconv.Quote(e.Value), code: true},
			stepLine{label: "why $default", text: "no route has the key " + strconv.Quote(e.Value)})
		return "Route: $default", lines, false
	case emulator.RouteDefault:
		lines = append(lines, stepLine{label: "why $default", text: "the expression cannot be evaluated against this message (it is not JSON, or the field is missing)"})
		return "Route: $default", lines, false
	case emulator.RouteForbidden:
		if e.Value != "" {
			lines = append(lines, stepLine{label: "value", text: strconv.Quote(e.Value), code: true})
		}
		lines = append(lines, stepLine{label: "why Forbidden", text: "no route matched and the API has no $default route"})
		return "Route: none (Forbidden)", lines, true
	}
	return "Route: " + e.RouteKey, lines, false
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// maxStepText bounds one value drawn in a step.
const maxStepText = 16 << 10

// stepObject draws a step: a title with its time, then its values.
func stepObject(s traceStep) fyne.CanvasObject {
	title := widget.NewLabel(s.title)
	title.TextStyle = fyne.TextStyle{Bold: true}
	title.Wrapping = fyne.TextWrapWord
	timing := widget.NewLabel(stepTiming(s))
	timing.SizeName = theme.SizeNameCaptionText
	var icon fyne.CanvasObject
	if s.failed {
		title.Importance = widget.DangerImportance
		icon = widget.NewIcon(theme.NewErrorThemedResource(theme.ErrorIcon()))
	} else {
		icon = widget.NewIcon(theme.NewSuccessThemedResource(theme.NavigateNextIcon()))
	}
	box := container.NewVBox(container.NewBorder(nil, nil, icon, timing, title))
	for _, l := range s.lines {
		text := l.text
		if len(text) > maxStepText {
			text = text[:maxStepText] + "…"
		}
		if text == "" {
			text = "(empty)"
		}
		v := widget.NewLabel(text)
		v.Wrapping = fyne.TextWrapBreak
		v.Selectable = true
		if l.code {
			v.TextStyle = fyne.TextStyle{Monospace: true}
		}
		if s.failed && l.label == "" || l.label == "error" || strings.HasPrefix(l.label, "why Forbidden") {
			v.Importance = widget.DangerImportance
		}
		if l.label == "" {
			box.Add(v)
			continue
		}
		k := widget.NewLabel(l.label)
		k.TextStyle = fyne.TextStyle{Italic: true}
		box.Add(container.NewBorder(nil, nil, k, nil, v))
	}
	box.Add(widget.NewSeparator())
	return box
}

func stepTiming(s traceStep) string {
	t := "+" + formatRTT(s.at)
	if s.took > 0 {
		t += " (took " + formatRTT(s.took) + ")"
	}
	return t
}
