package ui

import (
	"fmt"
	"sort"
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
	shown   int // events drawn
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
	}
}

// show draws the trace with the given ID.
func (p *tracePanel) show(id string) {
	t, ok := p.wb.traces.get(id)
	if !ok {
		p.clear("The gateway's trace of this message is no longer kept.")
		return
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
		return "Trace: @connections call on " + t.connID
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
			s.title, s.lines = templateStep(e)
		case emulator.EventIntegration:
			s.title, s.lines = integrationStep(e)
		case emulator.EventAuthorizer:
			s.title, s.lines = authorizerStep(e)
		case emulator.EventFrameOut:
			s.title = fmt.Sprintf("Frame out (%s)", formatSize(e.Size))
			s.lines = []stepLine{{text: e.Data, code: true}}
		case emulator.EventConnections:
			s.title, s.lines = connectionsStep(e)
		case emulator.EventError:
			s.title = "Error"
			if e.Code != 0 {
				s.title += ": " + e.Code.String()
			}
			if e.Status != 0 {
				s.title += fmt.Sprintf(" (%d)", e.Status)
			}
			s.lines = []stepLine{{text: e.Error}}
		case emulator.EventLimit:
			s.title = "Limit"
			if c := e.Close; c != nil {
				s.title += fmt.Sprintf(": close %d %s", c.Code, c.Reason)
			}
			s.lines = []stepLine{{text: e.Error}}
		case emulator.EventConnect:
			s.title, s.lines = connectStep(e)
		case emulator.EventDisconnect:
			s.title = "$disconnect"
			if c := e.Close; c != nil {
				s.title += fmt.Sprintf(": close %d %s", c.Code, c.Reason)
			}
		default:
			s.title = e.Kind.String()
		}
		if e.Error != "" && e.Kind != emulator.EventError && e.Kind != emulator.EventLimit {
			s.lines = append(s.lines, stepLine{label: "error", text: e.Error})
		}
		s.failed = s.failed || e.Error != "" || e.Kind == emulator.EventError || e.Kind == emulator.EventLimit ||
			e.Kind == emulator.EventConnect && e.Connect != nil && e.Connect.Outcome == emulator.ConnectRejected ||
			e.Kind == emulator.EventAuthorizer && e.Authorizer != nil && !e.Authorizer.Allowed ||
			e.Kind == emulator.EventConnections && e.Code != 0
		steps = append(steps, s)
	}
	return steps
}

func templateStep(e emulator.Event) (string, []stepLine) {
	tr := e.Template
	if tr == nil {
		return "Template", nil
	}
	title := capitalize(tr.Side.String()+" "+strconv.Quote(tr.Key)) + " template"
	var lines []stepLine
	if tr.Value != "" {
		lines = append(lines, stepLine{label: "chosen by", text: strconv.Quote(tr.Value)})
	}
	return title, append(lines,
		stepLine{label: "input", text: tr.Input, code: true},
		stepLine{label: "output", text: tr.Output, code: true})
}

func integrationStep(e emulator.Event) (string, []stepLine) {
	title := "Integration"
	var lines []stepLine
	if in := e.Integration; in != nil {
		if in.Type != "" {
			lines = append(lines, stepLine{label: "type", text: in.Type})
		}
		switch in.Selection {
		case emulator.ResponseMatched:
			lines = append(lines, stepLine{label: "integration response", text: in.Response, code: true})
		case emulator.ResponseNoMatch:
			lines = append(lines, stepLine{label: "integration response", text: "none matched the status"})
		case emulator.ResponseProxy:
			lines = append(lines, stepLine{label: "answer", text: "a proxy integration has no integration responses: the backend's body is the frame"})
		}
	}
	if e.Status != 0 {
		title += fmt.Sprintf(": status %d", e.Status)
	}
	return title, append(lines, lambdaLines(e.Lambda)...)
}

func lambdaLines(l *emulator.LambdaCall) []stepLine {
	if l == nil {
		return nil
	}
	lines := []stepLine{{label: "function", text: l.Function}, {label: "event sent", text: l.Event, code: true}}
	if l.Result != "" {
		lines = append(lines, stepLine{label: "result", text: l.Result, code: true})
	}
	if l.FunctionError != "" {
		lines = append(lines, stepLine{label: "function error", text: l.FunctionError})
	}
	return lines
}

func authorizerStep(e emulator.Event) (string, []stepLine) {
	a := e.Authorizer
	if a == nil {
		return "Authorizer", nil
	}
	title := "Authorizer " + a.Name + ": "
	switch {
	case a.Allowed:
		title += "allowed"
	default:
		title += fmt.Sprintf("denied (%d)", e.Status)
	}
	if a.Cached {
		title += " (cached)"
	}
	lines := []stepLine{{label: "why", text: a.Reason}}
	if a.Principal != "" {
		lines = append(lines, stepLine{label: "principal", text: a.Principal, code: true})
	}
	for _, k := range sortedKeys(a.Context) {
		lines = append(lines, stepLine{label: "context." + k, text: a.Context[k], code: true})
	}
	return title, append(lines, lambdaLines(e.Lambda)...)
}

func connectStep(e emulator.Event) (string, []stepLine) {
	c := e.Connect
	if c == nil {
		return "$connect", nil
	}
	title := "$connect " + c.Outcome.String()
	if e.Status != 0 {
		title += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	var lines []stepLine
	if c.RemoteAddr != "" {
		lines = append(lines, stepLine{label: "from", text: c.RemoteAddr})
	}
	if len(c.Query) > 0 {
		lines = append(lines, stepLine{label: "query string", text: c.Query.Encode(), code: true})
	}
	if len(c.Subprotocols) > 0 {
		lines = append(lines, stepLine{label: "subprotocols requested", text: strings.Join(c.Subprotocols, ", "), code: true})
		chosen := c.Subprotocol
		if chosen == "" {
			chosen = "none"
		}
		lines = append(lines, stepLine{label: "subprotocol selected", text: chosen, code: true})
		if c.SubprotocolMissing() {
			lines = append(lines, stepLine{label: "warning", text: "the client asked for a subprotocol and none was selected: browsers fail this handshake (the $connect integration must answer a Sec-WebSocket-Protocol header)"})
		}
	}
	for _, k := range sortedKeys(c.Header) {
		lines = append(lines, stepLine{label: k, text: strings.Join(c.Header[k], ", "), code: true})
	}
	return title, lines
}

func connectionsStep(e emulator.Event) (string, []stepLine) {
	c := e.Connections
	if c == nil {
		return "@connections", nil
	}
	title := fmt.Sprintf("@connections %s %s: %d", c.Method, c.Target, e.Status)
	if e.Code != 0 {
		title += " " + e.Code.String()
	}
	var lines []stepLine
	if c.Method == "POST" {
		lines = append(lines, stepLine{label: formatSize(e.Size), text: e.Data, code: true})
	}
	return title, lines
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// routeStep explains route selection: the expression, its value, and the
// route chosen, or why $default, or why Forbidden.
func routeStep(e emulator.Event) (string, []stepLine, bool) {
	r := e.Route
	if r == nil {
		return "Route: " + e.RouteKey, nil, false
	}
	lines := []stepLine{{label: "expression", text: r.Expression, code: true}}
	switch r.Outcome {
	case emulator.RouteMatched:
		lines = append(lines, stepLine{label: "value", text: strconv.Quote(r.Value), code: true})
		return "Route: " + e.RouteKey, lines, false
	case emulator.RouteFallback:
		lines = append(lines,
			stepLine{label: "value", text: strconv.Quote(r.Value), code: true},
			stepLine{label: "why $default", text: "no route has the key " + strconv.Quote(r.Value)})
		return "Route: $default", lines, false
	case emulator.RouteDefault:
		lines = append(lines, stepLine{label: "why $default", text: "the expression cannot be evaluated against this message (it is not JSON, or the field is missing)"})
		return "Route: $default", lines, false
	case emulator.RouteForbidden:
		if r.Value != "" {
			lines = append(lines, stepLine{label: "value", text: strconv.Quote(r.Value), code: true})
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
