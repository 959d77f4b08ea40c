package faults

import (
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
}

// Panel edits the faults. It is used on the UI goroutine only.
type Panel struct {
	host Host

	route, latency, jitter, drop, errRate *widget.Entry
	errFrame                              *widget.Select
	refuse                                *widget.Select
	every, limit, closeAfter              *widget.Entry
	closeCode                             *widget.Select
	off                                   *widget.Check
	applyBtn                              *widget.Button
	result                                *widget.Label
	content                               fyne.CanvasObject
	loading                               bool
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
	p.jitter = entry("0")
	p.drop = entry("0 (0 to 1)")
	p.errFrame = widget.NewSelect(append([]string{none}, model.ErrorFrames...), nil)
	p.errRate = entry("every message")
	p.refuse = widget.NewSelect([]string{none, "429", "500", "502"}, nil)
	p.every = entry("every connect")
	p.limit = entry("0 (0 to 1)")
	p.closeAfter = entry("never")
	p.closeCode = widget.NewSelect([]string{"1000", "1001", "1011", "1012", "drop"}, nil)
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
		widget.NewFormItem("Jitter (ms)", p.jitter),
		widget.NewFormItem("Drop fraction", p.drop),
		widget.NewFormItem("Error frame", p.errFrame),
		widget.NewFormItem("Error rate", p.errRate),
		widget.NewFormItem("Refuse connects", p.refuse),
		widget.NewFormItem("… every Nth", p.every),
		widget.NewFormItem("@connections 429", p.limit),
		widget.NewFormItem("Close after N msgs", p.closeAfter),
		widget.NewFormItem("… with code", p.closeCode),
	)
	title := widget.NewLabel("Faults")
	title.TextStyle = fyne.TextStyle{Bold: true}
	p.content = container.NewVScroll(container.NewVBox(title, p.off, form, p.applyBtn, p.result))
	p.Load()
	return p
}

// Object is the panel's content.
func (p *Panel) Object() fyne.CanvasObject { return p.content }

// Load shows the host's faults.
func (p *Panel) Load() {
	p.loading = true
	defer func() { p.loading = false }()
	fm := FromFaults(p.host.Faults())
	p.route.SetText(fm.Route)
	p.latency.SetText(fm.LatencyMS)
	p.jitter.SetText(fm.JitterMS)
	p.drop.SetText(fm.Drop)
	p.errFrame.SetSelected(orNone(fm.Error))
	p.errRate.SetText(fm.ErrorRate)
	p.refuse.SetSelected(orNone(fm.RefuseStatus))
	p.every.SetText(fm.RefuseEvery)
	p.limit.SetText(fm.LimitExceeded)
	p.closeAfter.SetText(fm.CloseAfterMessages)
	if fm.CloseCode == "" {
		fm.CloseCode = "1000"
	}
	p.closeCode.SetSelected(fm.CloseCode)
	p.off.SetChecked(fm.Disabled)
	p.showState(p.host.Faults())
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
		Route: p.route.Text, LatencyMS: p.latency.Text, JitterMS: p.jitter.Text, Drop: p.drop.Text,
		Error: notNone(p.errFrame.Selected), ErrorRate: p.errRate.Text,
		RefuseStatus: notNone(p.refuse.Selected), RefuseEvery: p.every.Text,
		LimitExceeded: p.limit.Text, CloseAfterMessages: p.closeAfter.Text, CloseCode: p.closeCode.Selected,
		Disabled: p.off.Checked,
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
	case f.Active():
		p.result.SetText("Faults on: the gateway applies them now.")
		p.result.Importance = widget.WarningImportance
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
	Route, Latency, Jitter, Drop, ErrorRate, Every, Limit, CloseAfter *widget.Entry
	ErrorFrame, Refuse, CloseCode                                     *widget.Select
	Off                                                               *widget.Check
	Apply                                                             *widget.Button
	Result                                                            *widget.Label
}

// Controls returns the panel's controls.
func (p *Panel) Controls() Controls {
	return Controls{Route: p.route, Latency: p.latency, Jitter: p.jitter, Drop: p.drop, ErrorRate: p.errRate,
		Every: p.every, Limit: p.limit, CloseAfter: p.closeAfter, ErrorFrame: p.errFrame, Refuse: p.refuse,
		CloseCode: p.closeCode, Off: p.off, Apply: p.applyBtn, Result: p.result}
}
