package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/client"
)

// logDetail is the pane under a tab's log: the selected message in full,
// pretty-printed when it is JSON (Pretty JSON turns that off), and Copy.
type logDetail struct {
	v      *logView
	head   *widget.Label
	body   *widget.Label
	pretty *widget.Check
}

func newLogDetail(v *logView) *logDetail {
	d := &logDetail{v: v}
	d.pretty = widget.NewCheck("Pretty JSON", nil)
	d.pretty.SetChecked(true)
	d.head = widget.NewLabel("")
	d.head.Truncation = fyne.TextTruncateEllipsis
	d.body = widget.NewLabel("")
	d.body.TextStyle = fyne.TextStyle{Monospace: true}
	d.body.Wrapping = fyne.TextWrapBreak
	d.body.Selectable = true
	d.show()
	d.pretty.OnChanged = func(bool) { d.show() } // after SetChecked: it must not run then
	return d
}

func (d *logDetail) object() fyne.CanvasObject {
	copyBtn := widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), d.onCopy)
	bar := container.NewBorder(nil, nil, nil, container.NewHBox(d.pretty, copyBtn), d.head)
	return container.NewBorder(bar, nil, nil, nil, container.NewVScroll(d.body))
}

// text returns the selected message's text as the pane shows it.
func (d *logDetail) text() (client.Entry, string, bool) {
	if d.v.selected == 0 {
		return client.Entry{}, "", false
	}
	e, ok := d.v.tab.model.Client().Log().BySeq(d.v.selected)
	if !ok {
		return client.Entry{}, "", false
	}
	text := e.Text
	if e.Dir == client.Event {
		text = e.Note
	}
	if d.pretty.Checked && client.LooksLikeJSON(text) {
		if p, err := client.PrettyJSON(text); err == nil {
			text = p
		}
	}
	return e, text, true
}

// maxDetailBytes bounds what the detail pane draws of one message; Copy
// still copies all of it.
const maxDetailBytes = 64 << 10

// show shows the selected message, or a hint when none is.
func (d *logDetail) show() {
	e, text, ok := d.text()
	if !ok {
		d.head.SetText("Select a message to see it in full, and its trace.")
		d.body.SetText("")
		return
	}
	d.head.SetText(entrySummary(e))
	if len(text) > maxDetailBytes {
		text = text[:maxDetailBytes] + fmt.Sprintf("\n… (%d more bytes; Copy copies all)", len(text)-maxDetailBytes)
	}
	d.body.SetText(text)
}

// onCopy copies the selected message (pretty when Pretty JSON is on).
func (d *logDetail) onCopy() {
	if _, text, ok := d.text(); ok {
		d.v.tab.wb.win.Clipboard().SetContent(text)
	}
}
