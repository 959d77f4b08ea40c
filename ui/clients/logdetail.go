package clients

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
	v      *LogView
	head   *widget.Label
	Body   *widget.Label
	pretty *widget.Check
	toggle *widget.Button // collapses the detail to its bar, or opens it

	bar    fyne.CanvasObject // the summary, Pretty JSON, Copy, the toggle
	scroll fyne.CanvasObject // the message, at least detailLines high
}

// detailLines is how many lines of the message the detail shows at least
// while it is open.
const detailLines = 2

func newLogDetail(v *LogView) *logDetail {
	d := &logDetail{v: v}
	d.pretty = widget.NewCheck("Pretty JSON", nil)
	d.pretty.SetChecked(true)
	d.head = widget.NewLabel("")
	d.head.Truncation = fyne.TextTruncateEllipsis
	d.Body = widget.NewLabel("")
	d.Body.TextStyle = fyne.TextStyle{Monospace: true}
	d.Body.Wrapping = fyne.TextWrapBreak
	d.Body.Selectable = true
	d.show()
	d.pretty.OnChanged = func(bool) { d.show() } // after SetChecked: it must not run then
	return d
}

// build makes the detail's bar and its scrolling text; the log view
// places them (arrange).
func (d *logDetail) build() {
	copyBtn := widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), d.onCopy)
	d.toggle = widget.NewButtonWithIcon("", theme.MenuDropDownIcon(), d.v.OnToggleDetail)
	d.toggle.Importance = widget.LowImportance
	d.bar = container.NewBorder(nil, nil, d.toggle, container.NewHBox(d.pretty, copyBtn), d.head)
	d.scroll = container.New(&minLines{lines: detailLines, text: d.Body}, container.NewVScroll(d.Body))
}

// showToggle points the toggle down (the detail is open: it collapses) or
// up (it opens).
func (d *logDetail) showToggle(open bool) {
	if open {
		d.toggle.SetIcon(theme.MenuDropDownIcon())
	} else {
		d.toggle.SetIcon(theme.MenuDropUpIcon())
	}
}

// minLines is a layout whose one object fills it and which is at least
// lines lines of text's height high.
type minLines struct {
	lines int
	text  *widget.Label
}

func (l *minLines) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
}

func (l *minLines) MinSize([]fyne.CanvasObject) fyne.Size {
	th := l.text.Theme()
	line := fyne.MeasureText("M", th.Size(theme.SizeNameText), l.text.TextStyle).Height
	return fyne.NewSize(0, float32(l.lines)*line+2*th.Size(theme.SizeNameInnerPadding))
}

// text returns the selected message's text as the pane shows it.
func (d *logDetail) text() (client.Entry, string, bool) {
	if d.v.Selected == 0 {
		return client.Entry{}, "", false
	}
	e, ok := d.v.Tab.Model.Client().Log().BySeq(d.v.Selected)
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
		d.Body.SetText("")
		return
	}
	d.head.SetText(entrySummary(e))
	if len(text) > maxDetailBytes {
		text = text[:maxDetailBytes] + fmt.Sprintf("\n… (%d more bytes; Copy copies all)", len(text)-maxDetailBytes)
	}
	d.Body.SetText(text)
}

// onCopy copies the selected message (pretty when Pretty JSON is on).
func (d *logDetail) onCopy() {
	if _, text, ok := d.text(); ok {
		d.v.Tab.p.host.Window().Clipboard().SetContent(text)
	}
}
