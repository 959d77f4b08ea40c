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
// It places the log above it (object): in a split, above its bar alone
// when it is collapsed, or alone in a tile.
type logDetail struct {
	v      *LogView
	head   *widget.Label
	Body   *widget.Label
	pretty *widget.Check
	toggle *widget.Button // collapses the detail to its bar, or opens it

	bar    fyne.CanvasObject // the summary, Pretty JSON, Copy, the toggle
	scroll fyne.CanvasObject // the message, at least detailLines high

	top    fyne.CanvasObject // the log: the list with its tools
	split  *container.Split  // the log above the detail
	box    *fyne.Container   // the split, or what replaces it
	inTile bool              // in a tile: no detail
	closed bool              // collapsed to its bar
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

// object builds the detail and places top, the log, above it.
func (d *logDetail) object(top fyne.CanvasObject) fyne.CanvasObject {
	copyBtn := widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), d.onCopy)
	d.toggle = widget.NewButtonWithIcon("", theme.MenuDropDownIcon(), d.OnToggle)
	d.toggle.Importance = widget.LowImportance
	d.bar = container.NewBorder(nil, nil, d.toggle, container.NewHBox(d.pretty, copyBtn), d.head)
	d.scroll = container.New(&minLines{lines: detailLines, text: d.Body}, container.NewVScroll(d.Body))
	if _, _, ok := d.text(); !ok {
		d.scroll.Hide() // nothing selected yet (show)
	}
	d.top = top
	d.split = container.NewVSplit(widget.NewLabel(""), widget.NewLabel(""))
	d.split.Offset = detailOffset
	d.box = container.NewStack()
	d.arrange()
	return d.box
}

// detailOffset is where the log and its detail divide at the first
// start: 1 gives the detail its minimum (its bar and detailLines lines of
// the message), so the log gets the rest of the height on every screen;
// dragging the divider up gives the detail more.
const detailOffset = 1

// arrange puts the log and the detail into the box: the log alone in a
// tile, the detail's bar below the log when it is collapsed, or the
// detail in a split below the log.
func (d *logDetail) arrange() {
	var content fyne.CanvasObject
	switch {
	case d.inTile:
		content = d.top
	case d.closed:
		content = container.NewBorder(nil, d.bar, nil, nil, d.top)
	default:
		d.split.Leading = d.top
		d.split.Trailing = container.NewBorder(d.bar, nil, nil, nil, d.scroll)
		content = d.split
	}
	if d.inTile || d.closed {
		d.split.Leading, d.split.Trailing = widget.NewLabel(""), widget.NewLabel("") // the log and the bar move out of the split
	}
	d.split.Refresh()
	d.box.Objects = []fyne.CanvasObject{content}
	d.box.Refresh()
}

// setInTile shows the log without the detail (in a tile, where height is
// short), or with it.
func (d *logDetail) setInTile(on bool) {
	d.inTile = on
	d.arrange()
}

// Open reports whether the detail shows below the log (it does not in a
// tile, or when collapsed).
func (d *logDetail) Open() bool { return !d.inTile && !d.closed }

// OnToggle collapses the detail to its bar, giving the log its height, or
// opens it again.
func (d *logDetail) OnToggle() {
	d.closed = !d.closed
	d.showToggle(!d.closed)
	d.arrange()
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

// show shows the selected message, or a hint when none is. With none, the
// detail is its bar alone: an empty message area would only take the
// log's rows (on a small or zoomed screen, most of them).
func (d *logDetail) show() {
	e, text, ok := d.text()
	d.showBody(ok)
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

// showBody shows the message area below the bar, or hides it, and lets
// the split give the log what the detail no longer takes (or back). A log
// that showed its newest row goes on showing it, and the selected row
// stays in view.
func (d *logDetail) showBody(on bool) {
	if d.scroll == nil || d.scroll.Visible() == on {
		return
	}
	following := d.v.atEnd(d.v.ShownLen) // judged before the log's height changes
	if on {
		d.scroll.Show()
	} else {
		d.scroll.Hide()
	}
	d.split.Refresh()
	if following {
		d.v.List.ScrollToBottom()
	} else if idx := d.v.IndexOf(d.v.Selected); idx >= 0 {
		d.v.List.ScrollTo(idx)
	}
}

// BodyShown reports whether the message area shows below the bar.
func (d *logDetail) BodyShown() bool { return d.scroll != nil && d.scroll.Visible() }

// onCopy copies the selected message (pretty when Pretty JSON is on).
func (d *logDetail) onCopy() {
	if _, text, ok := d.text(); ok {
		d.v.Tab.p.host.Window().Clipboard().SetContent(text)
	}
}
