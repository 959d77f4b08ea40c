package trace

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
	"wsworkbench/ui/format"
)

// Host is what the panel needs from the window.
type Host interface {
	// ConnectionOpen reports whether the gateway still holds a connection.
	ConnectionOpen(connID string) bool
}

// Source is a client tab's log as the panel reads it: the entries, and
// which gateway request each one belongs to.
type Source interface {
	Log() *client.Log
	// Request returns the gateway request of log entry seq.
	Request(seq uint64) (string, bool)
	// ConnectRequest returns the $connect request of the current
	// connection ("" when unknown).
	ConnectRequest() string
	// Embedded reports whether the tab talks to the embedded gateway (the
	// only one that reports traces).
	Embedded() bool
}

// Panel shows one message's path through the gateway: the selection
// expression and its value, the route chosen (and why), each template's
// input and output, the integration's status and the response chosen, and
// the frame sent back, with timings; errors stand out.
//
// It is used on the UI goroutine only.
type Panel struct {
	host  Host
	store *Store

	title *widget.Label
	steps *fyne.Container
	body  *container.Scroll

	// What is shown: a tab's log entry (resolved to a request later if its
	// route has not arrived yet), or a request directly.
	src     Source
	seq     uint64
	traceID string
	shown   int    // events drawn
	connID  string // the connection whose $connect is shown (from the connections panel)
	gone    bool   // the panel said that connection is gone
}

// New returns a panel showing the traces of store.
func New(store *Store, host Host) *Panel {
	p := &Panel{host: host, store: store}
	p.title = widget.NewLabel("Trace")
	p.title.TextStyle = fyne.TextStyle{Bold: true}
	p.title.Truncation = fyne.TextTruncateEllipsis
	p.steps = container.NewVBox()
	p.body = container.NewVScroll(p.steps)
	p.clear("Select a message in a tab's log to see how the gateway handled it.")
	return p
}

// Object returns the panel's widgets, laid out.
func (p *Panel) Object() fyne.CanvasObject {
	return container.NewBorder(p.title, nil, nil, nil, p.body)
}

// clear shows a hint instead of a trace.
func (p *Panel) clear(hint string) {
	p.traceID, p.shown = "", 0
	p.title.SetText("Trace")
	l := widget.NewLabel(hint)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.LowImportance
	p.steps.Objects = []fyne.CanvasObject{l}
	p.steps.Refresh()
}

// ShowEntry shows the trace of a tab's log entry (none for seq 0).
func (p *Panel) ShowEntry(src Source, seq uint64) {
	p.src, p.seq = src, seq
	p.connID, p.gone = "", false
	if src == nil || seq == 0 {
		p.src, p.seq = nil, 0
		p.clear("Select a message in a tab's log to see how the gateway handled it.")
		return
	}
	p.resolve(true)
}

// ShowConnect shows a connection's $connect trace.
func (p *Panel) ShowConnect(connID string) {
	p.src, p.seq = nil, 0
	id, ok := p.store.ConnectOf(connID)
	if !ok {
		p.clear("The gateway's Trace of this connection's $connect is no longer kept.")
		return
	}
	p.show(id)
	p.connID = connID
	p.gone = false
	p.CheckGone()
}

// CheckGone says so above the trace when the connection whose $connect it
// shows has gone.
func (p *Panel) CheckGone() {
	if p.connID == "" || p.gone {
		return
	}
	if p.host.ConnectionOpen(p.connID) {
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
func (p *Panel) resolve(force bool) {
	e, ok := p.src.Log().BySeq(p.seq)
	if !ok {
		p.clear("That message is no longer in the log.")
		return
	}
	id, ok := p.src.Request(p.seq)
	if !ok && e.Dir == client.Event && strings.HasPrefix(e.Note, "connected") {
		id = p.src.ConnectRequest()
		ok = id != ""
	}
	if !ok {
		if force || p.traceID != "" {
			p.clear(noTraceHint(e, p.src.Embedded()))
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
	return "The gateway's Trace of this message is no longer kept (it keeps the latest " + strconv.Itoa(DefaultCapacity) + ")."
}

// Refresh draws new steps of the trace shown, or a trace that was not known
// when its entry was selected.
func (p *Panel) Refresh() {
	if p.src != nil && p.seq != 0 && p.traceID == "" {
		p.resolve(false)
		return
	}
	if p.traceID == "" {
		return
	}
	if t, ok := p.store.Get(p.traceID); ok && len(t.Events) != p.shown {
		p.draw(t)
		p.gone = false
	}
	p.CheckGone()
}

// ShowID shows the trace of the request with the given ID (a watch view's
// row).
func (p *Panel) ShowID(id string) { p.show(id) }

// show draws the trace with the given ID.
func (p *Panel) show(id string) {
	t, ok := p.store.Get(id)
	if !ok {
		p.clear("The gateway's Trace of this message is no longer kept.")
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

func (p *Panel) draw(t Trace) {
	p.shown = len(t.Events)
	p.title.SetText(traceTitle(t))
	var objs []fyne.CanvasObject
	for _, s := range Steps(t) {
		objs = append(objs, stepObject(s))
	}
	p.steps.Objects = objs
	p.steps.Refresh()
}

func traceTitle(t Trace) string {
	switch t.Kind {
	case Connect:
		return "Trace: $connect of " + t.ConnID
	case Disconnect:
		return "Trace: $disconnect of " + t.ConnID
	case Post:
		return "Trace: @connections call on " + t.ConnID
	case Message:
		return "Trace: message on route " + t.Route
	}
	return "Trace"
}

// Step is one step of a trace as the panel shows it.
type Step struct {
	Title  string
	Lines  []Line
	At     time.Duration // since the trace began
	Took   time.Duration
	Failed bool
}

// Line is a labelled value of a step; code is shown in monospace.
type Line struct {
	Label string
	Text  string
	Code  bool
	Fold  Fold // a JSON document shown pretty, under a header that folds it
}

// Fold says whether a step line is a foldable JSON document, and whether it
// starts open.
type Fold uint8

const (
	NoFold     Fold = iota
	FoldClosed      // a long document people look at less (the event sent)
	FoldOpen        // the answer, open at first
)

// Steps turns a trace's events into the steps the panel shows.
func Steps(t Trace) []Step {
	var steps []Step
	for _, e := range t.Events {
		s := Step{At: e.Time.Sub(t.Start), Took: e.Duration}
		switch e.Kind {
		case emulator.EventFrameIn:
			s.Title = fmt.Sprintf("Frame in (%s)", format.Size(e.Size))
			s.Lines = []Line{{Text: e.Data, Code: true}}
		case emulator.EventRoute:
			s.Title, s.Lines, s.Failed = routeStep(e)
		case emulator.EventTemplate:
			s.Title, s.Lines = templateStep(e)
		case emulator.EventIntegration:
			s.Title, s.Lines = integrationStep(e)
		case emulator.EventAuthorizer:
			s.Title, s.Lines = authorizerStep(e)
		case emulator.EventFrameOut:
			s.Title = fmt.Sprintf("Frame out (%s)", format.Size(e.Size))
			s.Lines = []Line{{Text: e.Data, Code: true}}
		case emulator.EventConnections:
			s.Title, s.Lines = connectionsStep(e)
		case emulator.EventError:
			s.Title = "Error"
			if e.Code != 0 {
				s.Title += ": " + e.Code.String()
			}
			if e.Status != 0 {
				s.Title += fmt.Sprintf(" (%d)", e.Status)
			}
			s.Lines = []Line{{Text: e.Error}}
		case emulator.EventLimit:
			s.Title = "Limit"
			if c := e.Close; c != nil {
				s.Title += fmt.Sprintf(": close %d %s", c.Code, c.Reason)
			}
			s.Lines = []Line{{Text: e.Error}}
		case emulator.EventConnect:
			s.Title, s.Lines = connectStep(e)
		case emulator.EventDisconnect:
			s.Title = "$disconnect"
			if c := e.Close; c != nil {
				s.Title += fmt.Sprintf(": close %d %s", c.Code, c.Reason)
			}
		default:
			s.Title = e.Kind.String()
		}
		if e.Error != "" && e.Kind != emulator.EventError && e.Kind != emulator.EventLimit {
			s.Lines = append(s.Lines, Line{Label: "error", Text: e.Error})
		}
		s.Failed = s.Failed || e.Error != "" || e.Kind == emulator.EventError || e.Kind == emulator.EventLimit ||
			e.Kind == emulator.EventConnect && e.Connect != nil && e.Connect.Outcome == emulator.ConnectRejected ||
			e.Kind == emulator.EventAuthorizer && e.Authorizer != nil && !e.Authorizer.Allowed ||
			e.Kind == emulator.EventConnections && e.Code != 0
		steps = append(steps, s)
	}
	return steps
}

func templateStep(e emulator.Event) (string, []Line) {
	tr := e.Template
	if tr == nil {
		return "Template", nil
	}
	title := capitalize(tr.Side.String()+" "+strconv.Quote(tr.Key)) + " template"
	var lines []Line
	if tr.Value != "" {
		lines = append(lines, Line{Label: "chosen by", Text: strconv.Quote(tr.Value)})
	}
	return title, append(lines,
		Line{Label: "input", Text: tr.Input, Code: true},
		Line{Label: "output", Text: tr.Output, Code: true})
}

func integrationStep(e emulator.Event) (string, []Line) {
	title := "Integration"
	var lines []Line
	if in := e.Integration; in != nil {
		if in.Type != "" {
			lines = append(lines, Line{Label: "type", Text: in.Type})
		}
		switch in.Selection {
		case emulator.ResponseMatched:
			lines = append(lines, Line{Label: "integration response", Text: in.Response, Code: true})
		case emulator.ResponseNoMatch:
			lines = append(lines, Line{Label: "integration response", Text: "none matched the status"})
		case emulator.ResponseProxy:
			lines = append(lines, Line{Label: "answer", Text: "a proxy integration has no integration responses: the backend's body is the frame"})
		}
	}
	if e.Status != 0 {
		title += fmt.Sprintf(": status %d", e.Status)
	}
	return title, append(lines, lambdaLines(e.Lambda)...)
}

func lambdaLines(l *emulator.LambdaCall) []Line {
	if l == nil {
		return nil
	}
	lines := []Line{{Label: "function", Text: l.Function}}
	if l.Duration > 0 {
		lines = append(lines, Line{Label: "call took", Text: format.Duration(l.Duration)})
	}
	lines = append(lines, Line{Label: "event sent", Text: l.Event, Code: true, Fold: FoldClosed})
	if l.Result != "" {
		lines = append(lines, Line{Label: "result received", Text: l.Result, Code: true, Fold: FoldOpen})
	}
	if l.FunctionError != "" {
		lines = append(lines, Line{Label: "function error", Text: l.FunctionError})
	}
	if l.Log != "" { // the workbench ran the function: its output, START to REPORT
		lines = append(lines, Line{Label: "function log", Text: strings.TrimRight(l.Log, "\n"), Code: true, Fold: FoldOpen})
	}
	return lines
}

func authorizerStep(e emulator.Event) (string, []Line) {
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
	lines := []Line{{Label: "why", Text: a.Reason}}
	if a.Principal != "" {
		lines = append(lines, Line{Label: "principal", Text: a.Principal, Code: true})
	}
	for _, k := range sortedKeys(a.Context) {
		lines = append(lines, Line{Label: "context." + k, Text: a.Context[k], Code: true})
	}
	return title, append(lines, lambdaLines(e.Lambda)...)
}

func connectStep(e emulator.Event) (string, []Line) {
	c := e.Connect
	if c == nil {
		return "$connect", nil
	}
	title := "$connect " + c.Outcome.String()
	if e.Status != 0 {
		title += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	var lines []Line
	if c.RemoteAddr != "" {
		lines = append(lines, Line{Label: "from", Text: c.RemoteAddr})
	}
	if len(c.Query) > 0 {
		lines = append(lines, Line{Label: "query string", Text: c.Query.Encode(), Code: true})
	}
	if len(c.Subprotocols) > 0 {
		lines = append(lines, Line{Label: "subprotocols requested", Text: strings.Join(c.Subprotocols, ", "), Code: true})
		chosen := c.Subprotocol
		if chosen == "" {
			chosen = "none"
		}
		lines = append(lines, Line{Label: "subprotocol selected", Text: chosen, Code: true})
		if c.SubprotocolMissing() {
			lines = append(lines, Line{Label: "warning", Text: "the client asked for a subprotocol and none was selected: browsers fail this handshake (the $connect integration must answer a Sec-WebSocket-Protocol header)"})
		}
	}
	for _, k := range sortedKeys(c.Header) {
		lines = append(lines, Line{Label: k, Text: strings.Join(c.Header[k], ", "), Code: true})
	}
	return title, lines
}

func connectionsStep(e emulator.Event) (string, []Line) {
	c := e.Connections
	if c == nil {
		return "@connections", nil
	}
	title := fmt.Sprintf("@connections %s %s: %d", c.Method, c.Target, e.Status)
	if e.Code != 0 {
		title += " " + e.Code.String()
	}
	var lines []Line
	if c.Method == "POST" {
		lines = append(lines, Line{Label: format.Size(e.Size), Text: e.Data, Code: true})
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
func routeStep(e emulator.Event) (string, []Line, bool) {
	r := e.Route
	if r == nil {
		return "Route: " + e.RouteKey, nil, false
	}
	lines := []Line{{Label: "expression", Text: r.Expression, Code: true}}
	switch r.Outcome {
	case emulator.RouteMatched:
		lines = append(lines, Line{Label: "value", Text: strconv.Quote(r.Value), Code: true})
		return "Route: " + e.RouteKey, lines, false
	case emulator.RouteFallback:
		lines = append(lines,
			Line{Label: "value", Text: strconv.Quote(r.Value), Code: true},
			Line{Label: "why $default", Text: "no route has the key " + strconv.Quote(r.Value)})
		return "Route: $default", lines, false
	case emulator.RouteDefault:
		lines = append(lines, Line{Label: "why $default", Text: "the expression cannot be evaluated against this message (it is not JSON, or the field is missing)"})
		return "Route: $default", lines, false
	case emulator.RouteForbidden:
		if r.Value != "" {
			lines = append(lines, Line{Label: "value", Text: strconv.Quote(r.Value), Code: true})
		}
		lines = append(lines, Line{Label: "why Forbidden", Text: "no route matched and the API has no $default route"})
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
func stepObject(s Step) fyne.CanvasObject {
	title := widget.NewLabel(s.Title)
	title.TextStyle = fyne.TextStyle{Bold: true}
	title.Wrapping = fyne.TextWrapWord
	timing := widget.NewLabel(StepTiming(s))
	timing.SizeName = theme.SizeNameCaptionText
	var icon fyne.CanvasObject
	if s.Failed {
		title.Importance = widget.DangerImportance
		icon = widget.NewIcon(theme.NewErrorThemedResource(theme.ErrorIcon()))
	} else {
		icon = widget.NewIcon(theme.NewSuccessThemedResource(theme.NavigateNextIcon()))
	}
	box := container.NewVBox(container.NewBorder(nil, nil, icon, timing, title))
	for _, l := range s.Lines {
		text := l.Text
		if len(text) > maxStepText {
			text = text[:maxStepText] + "…"
		}
		if text == "" {
			text = "(empty)"
		}
		v := widget.NewLabel(text)
		v.Wrapping = fyne.TextWrapBreak
		v.Selectable = true
		if l.Code {
			v.TextStyle = fyne.TextStyle{Monospace: true}
		}
		if s.Failed && l.Label == "" || l.Label == "error" || strings.HasPrefix(l.Label, "why Forbidden") {
			v.Importance = widget.DangerImportance
		}
		if l.Label == "warning" {
			v.Importance = widget.WarningImportance
		}
		if l.Fold != NoFold {
			box.Add(foldedJSON(l, v))
			continue
		}
		if l.Label == "" {
			box.Add(v)
			continue
		}
		k := widget.NewLabel(l.Label)
		k.TextStyle = fyne.TextStyle{Italic: true}
		box.Add(container.NewBorder(nil, nil, k, nil, v))
	}
	box.Add(widget.NewSeparator())
	return box
}

// foldedJSON shows a JSON document pretty-printed under a header with its
// size that opens and closes it.
func foldedJSON(l Line, v *widget.Label) fyne.CanvasObject {
	if p, err := client.PrettyJSON(l.Text); err == nil && len(p) <= maxStepText {
		v.SetText(p)
	}
	item := widget.NewAccordionItem(l.Label+" ("+format.Size(len(l.Text))+")", v)
	acc := widget.NewAccordion(item)
	if l.Fold == FoldOpen {
		acc.Open(0)
	}
	return acc
}

func StepTiming(s Step) string {
	t := "+" + format.Duration(s.At)
	if s.Took > 0 {
		t += " (took " + format.Duration(s.Took) + ")"
	}
	return t
}

// TraceID returns the ID of the trace shown, or "".
func (p *Panel) TraceID() string { return p.traceID }

// Shown returns how many of its events the trace shown draws.
func (p *Panel) Shown() int { return p.shown }

// Title returns the panel's title.
func (p *Panel) Title() string { return p.title.Text }

// StepsBox returns the container the steps are drawn in, for tests.
func (p *Panel) StepsBox() *fyne.Container { return p.steps }

// Body returns the panel's scroll, for tests.
func (p *Panel) Body() *container.Scroll { return p.body }
