package faults

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/emulator/model"
)

// Host is what the panel needs from the window; its methods are called on
// the UI goroutine.
type Host interface {
	// Faults are the workspace's faults now.
	Faults() model.Faults
	// SetFaults puts faults into the workspace and the running gateway.
	SetFaults(model.Faults) error
	// Connections are the IDs of the gateway's open connections, for the
	// connection picker.
	Connections() []string
}

// Panel edits the faults. It is used on the UI goroutine only.
type Panel struct {
	host Host

	route, latency, answerLatency, jitter, drop, errRate *widget.Entry
	errFrame                                             *widget.Select
	refuse                                               *widget.Select
	every, limit, gone, closeAfter, closeAfterSec        *widget.Entry
	closeCode                                            *widget.Select

	// One connection's faults.
	conn                              *widget.SelectEntry
	connOptions                       []string // what the picker offers
	connLatency, connAnswer, connDrop *widget.Entry
	connErrFrame                      *widget.Select
	connErrRate                       *widget.Entry
	connGone                          *widget.Check
	connCloseAfter                    *widget.Entry
	connCloseCode                     *widget.Select
	off                               *widget.Check
	applyBtn                          *widget.Button
	result                            *widget.Label
	content                           fyne.CanvasObject
	loading                           bool
}

const none = "none"

// New returns the panel showing the host's faults.
func New(host Host) *Panel {
	p := &Panel{host: host}
	entry := func(hint string) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder(hint)
		e.OnSubmitted = func(string) { p.apply() }
		return e
	}
	p.route = entry("all routes")
	p.latency = entry("0")
	p.answerLatency = entry("0")
	p.jitter = entry("0")
	p.drop = entry("0 (0 to 1)")
	p.errFrame = widget.NewSelect(append([]string{none}, model.ErrorFrames...), nil)
	p.errRate = entry("every message")
	p.refuse = widget.NewSelect([]string{none, "429", "500", "502"}, nil)
	p.every = entry("every connect")
	p.limit = entry("0 (0 to 1)")
	p.gone = entry("0 (0 to 1)")
	p.closeAfter = entry("never")
	p.closeAfterSec = entry("never")
	codes := []string{"1000", "1001", "1011", "1012", "drop"}
	p.closeCode = widget.NewSelect(codes, nil)
	p.conn = widget.NewSelectEntry(nil)
	p.conn.SetPlaceHolder("pick or paste a connection ID")
	p.conn.OnChanged = func(string) {
		if !p.loading {
			p.loadConn()
		}
	}
	p.connLatency = entry("0")
	p.connAnswer = entry("0")
	p.connDrop = entry("0 (0 to 1)")
	p.connErrFrame = widget.NewSelect(append([]string{none}, model.ErrorFrames...), nil)
	p.connErrRate = entry("every message")
	p.connGone = widget.NewCheck("@connections answers 410 while it is open", nil)
	p.connCloseAfter = entry("never")
	p.connCloseCode = widget.NewSelect(codes, nil)
	p.off = widget.NewCheck("All faults off", func(bool) {
		if !p.loading {
			p.apply()
		}
	})
	p.applyBtn = widget.NewButton("Apply faults", p.apply)
	p.applyBtn.Importance = widget.HighImportance
	p.result = widget.NewLabel("")
	p.result.Wrapping = fyne.TextWrapWord

	form := widget.NewForm(
		widget.NewFormItem("Route", p.route),
		widget.NewFormItem("Latency (ms)", p.latency),
		widget.NewFormItem("Before answer (ms)", p.answerLatency),
		widget.NewFormItem("Jitter (ms)", p.jitter),
		widget.NewFormItem("Drop fraction", p.drop),
		widget.NewFormItem("Error frame", p.errFrame),
		widget.NewFormItem("Error rate", p.errRate),
		widget.NewFormItem("Refuse connects", p.refuse),
		widget.NewFormItem("… every Nth", p.every),
		widget.NewFormItem("@connections 429", p.limit),
		widget.NewFormItem("@connections 410", p.gone),
		widget.NewFormItem("Close after N msgs", p.closeAfter),
		widget.NewFormItem("… or after N s", p.closeAfterSec),
		widget.NewFormItem("… with code", p.closeCode),
	)
	connForm := widget.NewForm(
		widget.NewFormItem("Connection", p.conn),
		widget.NewFormItem("Latency (ms)", p.connLatency),
		widget.NewFormItem("Before answer (ms)", p.connAnswer),
		widget.NewFormItem("Drop fraction", p.connDrop),
		widget.NewFormItem("Error frame", p.connErrFrame),
		widget.NewFormItem("Error rate", p.connErrRate),
		widget.NewFormItem("", p.connGone),
		widget.NewFormItem("Close after N s", p.connCloseAfter),
		widget.NewFormItem("… with code", p.connCloseCode),
	)
	title := widget.NewLabel("Faults")
	title.TextStyle = fyne.TextStyle{Bold: true}
	connTitle := widget.NewLabel("One connection")
	connTitle.TextStyle = fyne.TextStyle{Bold: true}
	p.content = container.NewVScroll(container.NewVBox(title, p.off, form, widget.NewSeparator(), connTitle, connForm, p.applyBtn, p.result))
	p.Load()
	return p
}

// Object is the panel's content.
func (p *Panel) Object() fyne.CanvasObject { return p.content }

// Load shows the host's faults.
func (p *Panel) Load() {
	p.loading = true
	defer func() { p.loading = false }()
	p.connOptions = p.host.Connections()
	p.conn.SetOptions(p.connOptions)
	fm := FromFaults(p.host.Faults(), strings.TrimSpace(p.conn.Text))
	p.route.SetText(fm.Route)
	p.latency.SetText(fm.LatencyMS)
	p.answerLatency.SetText(fm.AnswerLatencyMS)
	p.jitter.SetText(fm.JitterMS)
	p.drop.SetText(fm.Drop)
	p.errFrame.SetSelected(orNone(fm.Error))
	p.errRate.SetText(fm.ErrorRate)
	p.refuse.SetSelected(orNone(fm.RefuseStatus))
	p.every.SetText(fm.RefuseEvery)
	p.limit.SetText(fm.LimitExceeded)
	p.gone.SetText(fm.Gone)
	p.closeAfter.SetText(fm.CloseAfterMessages)
	p.closeAfterSec.SetText(fm.CloseAfterSeconds)
	p.closeCode.SetSelected(orCode(fm.CloseCode))
	p.off.SetChecked(fm.Disabled)
	p.showConn(fm)
	p.showState(p.host.Faults())
}

// RefreshConnections offers the connections open now in the picker (the
// window calls it when a connection opens or closes), leaving what is
// typed in it alone.
func (p *Panel) RefreshConnections() {
	ids := p.host.Connections()
	if slices.Equal(ids, p.connOptions) {
		return
	}
	p.connOptions = ids
	p.conn.SetOptions(ids)
	p.showState(p.host.Faults()) // faults for a connection that closed act no more
}

// loadConn shows the faults of the connection picked.
func (p *Panel) loadConn() {
	p.loading = true
	defer func() { p.loading = false }()
	p.showConn(FromFaults(p.host.Faults(), strings.TrimSpace(p.conn.Text)))
}

func (p *Panel) showConn(fm Form) {
	p.connLatency.SetText(fm.ConnLatencyMS)
	p.connAnswer.SetText(fm.ConnAnswerLatencyMS)
	p.connDrop.SetText(fm.ConnDrop)
	p.connErrFrame.SetSelected(orNone(fm.ConnError))
	p.connErrRate.SetText(fm.ConnErrorRate)
	p.connGone.SetChecked(fm.ConnGone)
	p.connCloseAfter.SetText(fm.ConnCloseAfterSec)
	p.connCloseCode.SetSelected(orCode(fm.ConnCloseCode))
}

func orCode(s string) string {
	if s == "" {
		return "1000"
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return none
	}
	return s
}

func notNone(s string) string {
	if s == none {
		return ""
	}
	return s
}

// form reads the fields.
func (p *Panel) form() Form {
	return Form{
		Route: p.route.Text, LatencyMS: p.latency.Text, AnswerLatencyMS: p.answerLatency.Text, JitterMS: p.jitter.Text, Drop: p.drop.Text,
		Error: notNone(p.errFrame.Selected), ErrorRate: p.errRate.Text,
		RefuseStatus: notNone(p.refuse.Selected), RefuseEvery: p.every.Text,
		LimitExceeded: p.limit.Text, Gone: p.gone.Text,
		CloseAfterMessages: p.closeAfter.Text, CloseAfterSeconds: p.closeAfterSec.Text, CloseCode: p.closeCode.Selected,
		Disabled: p.off.Checked,
		Conn:     p.conn.Text, ConnLatencyMS: p.connLatency.Text, ConnAnswerLatencyMS: p.connAnswer.Text, ConnDrop: p.connDrop.Text,
		ConnError: notNone(p.connErrFrame.Selected), ConnErrorRate: p.connErrRate.Text,
		ConnGone: p.connGone.Checked, ConnCloseAfterSec: p.connCloseAfter.Text, ConnCloseCode: p.connCloseCode.Selected,
	}
}

// apply hands the fields to the host; an invalid field changes nothing.
func (p *Panel) apply() {
	f, err := p.form().Apply(p.host.Faults())
	if err == nil {
		err = p.host.SetFaults(f)
	}
	if err != nil {
		p.result.SetText("Not applied: " + err.Error())
		p.result.Importance = widget.DangerImportance
		p.result.Refresh()
		return
	}
	p.showState(f)
}

func (p *Panel) showState(f model.Faults) {
	switch {
	case f.Acting(func(id string) bool { return slices.Contains(p.connOptions, id) }):
		p.result.SetText("Faults on: the gateway applies them now.")
		p.result.Importance = widget.WarningImportance
	case f.Active():
		p.result.SetText("Only faults for connections that are not open are set: none acts now.")
		p.result.Importance = widget.LowImportance
	case f.Disabled && !f.Zero():
		p.result.SetText("All faults off (kept for later).")
		p.result.Importance = widget.LowImportance
	default:
		p.result.SetText("No faults.")
		p.result.Importance = widget.LowImportance
	}
	p.result.Refresh()
}

// Controls are the panel's widgets, by name, for tests.
type Controls struct {
	Route, Latency, AnswerLatency, Jitter, Drop, ErrorRate, Every, Limit, Gone, CloseAfter, CloseAfterSeconds *widget.Entry
	ErrorFrame, Refuse, CloseCode                                                                             *widget.Select
	Off                                                                                                       *widget.Check
	Apply                                                                                                     *widget.Button
	Result                                                                                                    *widget.Label

	Conn                                     *widget.SelectEntry
	ConnOptions                              []string // what Conn\'s menu offers
	ConnLatency, ConnAnswerLatency, ConnDrop *widget.Entry
	ConnErrorFrame                           *widget.Select
	ConnErrorRate                            *widget.Entry
	ConnGone                                 *widget.Check
	ConnCloseAfter                           *widget.Entry
	ConnCloseCode                            *widget.Select
}

// Controls returns the panel's controls.
func (p *Panel) Controls() Controls {
	return Controls{Route: p.route, Latency: p.latency, AnswerLatency: p.answerLatency, Jitter: p.jitter, Drop: p.drop, ErrorRate: p.errRate,
		Every: p.every, Limit: p.limit, Gone: p.gone, CloseAfter: p.closeAfter, CloseAfterSeconds: p.closeAfterSec,
		ErrorFrame: p.errFrame, Refuse: p.refuse, CloseCode: p.closeCode, Off: p.off, Apply: p.applyBtn, Result: p.result,
		Conn: p.conn, ConnOptions: p.connOptions, ConnLatency: p.connLatency, ConnAnswerLatency: p.connAnswer, ConnDrop: p.connDrop,
		ConnErrorFrame: p.connErrFrame, ConnErrorRate: p.connErrRate,
		ConnGone: p.connGone, ConnCloseAfter: p.connCloseAfter, ConnCloseCode: p.connCloseCode}
}
