package clients

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/client"
	"wsworkbench/ui/format"
	"wsworkbench/ui/internal/compact"
)

// LogView is a tab's message log: a widget.List over the client's ring
// buffer (never a text widget: a List draws only the rows on screen), with
// search, a direction filter, and the selected message in full below.
type LogView struct {
	Tab *Tab

	List       *widget.List
	Search     *widget.Entry
	DirSel     *widget.Select
	CountLabel *widget.Label
	Detail     *logDetail
	split      *container.Split

	filter   *client.Filter // nil: every entry
	View     []uint64       // with a filter: the matching entries, oldest first
	lastSeq  uint64         // the newest entry the view has searched
	lastGen  uint64
	Selected uint64 // the selected entry's Seq; 0 when none
	syncing  bool   // the list's selection is being moved to follow selected
	follow   bool   // the list shows the newest row as rows arrive
	ShownLen int    // the rows the list held at the last refresh

	FollowBtn *widget.Button
	rows      compact.Rows // measures the list's rows
}

// Directions the filter offers.
var dirChoices = []string{"All", "Sent", "Received", "Events"}

func newLogView(t *Tab) *LogView {
	v := &LogView{Tab: t, follow: true}
	v.rows.New = func() fyne.CanvasObject { return newLogRow(nil) }
	// A route named in a row opens in the API editor.
	v.List = widget.NewList(v.Len, func() fyne.CanvasObject { return newLogRow(t.p.host.OpenRoute) }, v.updateRow)
	v.List.OnSelected = v.onSelected
	v.Search = widget.NewEntry()
	v.Search.SetPlaceHolder("Search, or /regex/")
	v.DirSel = widget.NewSelect(dirChoices, nil)
	v.DirSel.SetSelectedIndex(0)
	v.CountLabel = widget.NewLabel("")
	v.Detail = newLogDetail(v)
	// Callbacks last: setting the initial values must not run them.
	v.Search.OnChanged = func(string) { v.onFilterChanged() }
	v.DirSel.OnChanged = func(string) { v.onFilterChanged() }
	return v
}

func (v *LogView) object() fyne.CanvasObject {
	v.FollowBtn = widget.NewButtonWithIcon("Newest", theme.MoveDownIcon(), v.OnFollow)
	export := widget.NewButtonWithIcon("Export", theme.DownloadIcon(), v.OnExport)
	clearBtn := widget.NewButtonWithIcon("Clear", theme.DeleteIcon(), v.OnClear)
	// One row of tools above the list (the search stretches; the
	// buttons wrap below it in a narrow tile); the count is in the tab's
	// header. Every pixel of height the tools leave is a row of log.
	tools := container.New(&searchBarLayout{}, v.Search, v.DirSel, v.FollowBtn, export, clearBtn)
	return v.Detail.object(container.NewBorder(tools, nil, nil, nil, v.List))
}

// Len is the number of rows.
func (v *LogView) Len() int {
	if v.filter != nil {
		return len(v.View)
	}
	return v.Tab.Model.Client().Log().Len()
}

// entryAt returns the entry shown in row i.
func (v *LogView) entryAt(i int) (client.Entry, bool) {
	log := v.Tab.Model.Client().Log()
	if v.filter != nil {
		if i < 0 || i >= len(v.View) {
			return client.Entry{}, false
		}
		return log.BySeq(v.View[i])
	}
	e := log.At(i)
	return e, e.Seq != 0
}

// IndexOf returns the row showing entry seq, or -1.
func (v *LogView) IndexOf(seq uint64) int {
	if v.filter != nil {
		i := sort.Search(len(v.View), func(i int) bool { return v.View[i] >= seq })
		if i < len(v.View) && v.View[i] == seq {
			return i
		}
		return -1
	}
	log := v.Tab.Model.Client().Log()
	if log.Len() == 0 {
		return -1
	}
	first := log.At(0).Seq
	if seq < first || seq-first >= uint64(log.Len()) {
		return -1
	}
	return int(seq - first)
}

func (v *LogView) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	row := o.(*LogRow)
	e, ok := v.entryAt(i)
	if !ok {
		row.Set(client.Entry{})
		return
	}
	row.Set(e)
}

// refresh shows new entries: it extends the filtered view, rebinds the rows
// on screen (an entry may have been cleared, or got its route), keeps the
// selection on its entry as the ring drops old ones, and follows the newest
// entry unless the person scrolled up.
//
// Every change rebinds the rows on screen: widget.List rebinds only rows
// that come into view when it scrolls, so a list that is told only to
// scroll to the bottom goes on drawing what its rows showed before a Clear
// (the log's first rows then are new entries with the same row numbers).
func (v *LogView) refresh() {
	log := v.Tab.Model.Client().Log()
	gen := log.Generation()
	if gen == v.lastGen {
		return
	}
	v.lastGen = gen
	// Whether the person left the list at its end is judged on what it
	// showed before these entries arrived.
	v.follow = v.atEnd(v.ShownLen)
	if v.filter != nil {
		v.extendView(log)
	}
	v.ShownLen = v.Len()
	v.updateCount(log)
	if v.Selected != 0 {
		if idx := v.IndexOf(v.Selected); idx >= 0 {
			v.syncing = true
			v.List.Select(idx) // no-op when the row did not move
			v.syncing = false
			v.Detail.show() // its route may have arrived
		} else {
			v.dropSelection() // the selected entry is no longer shown
		}
	}
	v.List.Refresh()
	if v.follow {
		v.List.ScrollToBottom()
	}
	v.updateFollowButton()
}

// rowHeight is the height of one row and the gap below it, as the list
// lays them out.
func (v *LogView) rowHeight() float32 { return v.rows.Step() }

// atEnd reports whether the list, holding n rows, shows its last row (or
// has not been laid out yet, or every row fits).
func (v *LogView) atEnd(n int) bool {
	h := v.List.Size().Height
	if h <= 0 || n == 0 {
		return true
	}
	content := float32(n) * v.rowHeight()
	return v.List.GetScrollOffset()+h >= content-v.rowHeight()/2
}

// updateFollowButton makes the newest button stand out while the list does
// not show the newest entry.
func (v *LogView) updateFollowButton() {
	if v.FollowBtn == nil {
		return
	}
	imp := widget.MediumImportance
	text := "Newest"
	if !v.follow {
		imp = widget.HighImportance
		text = "Newest ↓"
	}
	if v.FollowBtn.Importance != imp || v.FollowBtn.Text != text {
		v.FollowBtn.Importance = imp
		v.FollowBtn.SetText(text)
	}
}

// extendView drops entries the log no longer holds from the filtered view
// and adds the matching new ones.
func (v *LogView) extendView(log *client.Log) {
	n := log.Len()
	if n == 0 {
		v.View = v.View[:0]
		return
	}
	oldest := log.At(0).Seq
	drop := sort.Search(len(v.View), func(i int) bool { return v.View[i] >= oldest })
	if drop > 0 {
		v.View = append(v.View[:0], v.View[drop:]...)
	}
	if v.lastSeq < oldest-1 {
		v.lastSeq = oldest - 1
	}
	v.View = append(v.View, log.Search(v.filter, v.lastSeq)...)
	v.lastSeq = log.At(n - 1).Seq
}

func (v *LogView) updateCount(log *client.Log) {
	n := log.Len()
	var s string
	if v.filter != nil {
		s = fmt.Sprintf("%d of %s match", len(v.View), format.Plural(n, "message"))
	} else {
		s = format.Plural(n, "message")
	}
	if d := log.Dropped(); d > 0 {
		s += fmt.Sprintf(" (%d older ones dropped: the log keeps %d)", d, log.Capacity())
	}
	if v.CountLabel.Text != s {
		v.CountLabel.SetText(s)
	}
}

// reset forgets what the view has shown (the tab has a new client).
func (v *LogView) reset() {
	v.lastGen = 0
	v.lastSeq = 0
	v.Selected = 0
	v.View = nil
	v.follow = true
	v.ShownLen = 0
	v.onFilterChanged()
}

// onFilterChanged rebuilds the view for the search text and direction.
func (v *LogView) onFilterChanged() {
	if v.Search == nil || v.DirSel == nil {
		return
	}
	var dirs []client.Dir
	switch v.DirSel.Selected {
	case "Sent":
		dirs = []client.Dir{client.Sent}
	case "Received":
		dirs = []client.Dir{client.Received}
	case "Events":
		dirs = []client.Dir{client.Event}
	}
	q := v.Search.Text
	if q == "" && len(dirs) == 0 {
		v.filter = nil
		v.View = nil
	} else {
		f, err := client.ParseFilter(q, dirs...)
		if err != nil {
			v.CountLabel.SetText(format.ErrorText(err))
			return
		}
		v.filter = f
		v.View = v.View[:0]
		v.lastSeq = 0
		v.extendView(v.Tab.Model.Client().Log())
	}
	// A new view starts at its newest row, or at the selected entry when
	// the view holds it.
	v.lastGen = 0
	v.ShownLen = 0
	v.refresh()
	if v.Selected != 0 {
		if idx := v.IndexOf(v.Selected); idx >= 0 {
			v.List.ScrollTo(idx)
		}
	}
}

func (v *LogView) onSelected(id widget.ListItemID) {
	if v.syncing {
		return
	}
	e, ok := v.entryAt(id)
	if !ok {
		return
	}
	v.Selected = e.Seq
	v.Detail.show()
	v.Tab.p.showTrace(v.Tab, e.Seq)
	// In a narrow window the trace shares a column with the editor: a
	// row selected by hand is a request to see its trace.
	v.Tab.p.host.RevealTrace()
}

// OnFollow shows the newest entry and follows new ones; the selection
// stays.
func (v *LogView) OnFollow() {
	v.follow = true
	v.List.Refresh()
	v.List.ScrollToBottom()
	v.updateFollowButton()
}

// dropSelection forgets the selected entry (it left the log or the view).
func (v *LogView) dropSelection() {
	v.Selected = 0
	v.syncing = true
	v.List.UnselectAll()
	v.syncing = false
	v.Detail.show()
}

// OnClear empties the log and shows it empty at once.
func (v *LogView) OnClear() {
	v.Tab.Model.Client().Log().Clear()
	v.View = v.View[:0]
	v.dropSelection()
	v.follow = true
	v.ShownLen = 0
	v.lastGen = 0
	v.refresh()
	v.Tab.p.host.Changed()
}

// OnExport saves the log as JSON lines, through exportAs (never a dialog
// that writes before the export is known to work).
func (v *LogView) OnExport() {
	name := strings.ReplaceAll(v.Tab.Name, " ", "-") + "-" + time.Now().Format("20060102-150405") + ".jsonl"
	v.Tab.p.host.ExportAs("Export the log of "+v.Tab.Name, name, func() ([]byte, error) {
		var b bytes.Buffer
		err := v.ExportTo(&b)
		return b.Bytes(), err
	}, func(path string) {
		v.Tab.p.host.Notice("Exported the log of " + v.Tab.Name + " to " + path)
	})
}

// ExportTo writes the log as JSON lines.
func (v *LogView) ExportTo(w io.Writer) error {
	return v.Tab.Model.Client().Log().ExportJSONL(w)
}

// entrySummary is a log entry's one-line description: time, direction,
// size, route and round-trip time.
func entrySummary(e client.Entry) string {
	parts := []string{e.Time.Format("15:04:05.000"), e.Dir.String()}
	if e.Dir != client.Event {
		parts = append(parts, format.Size(e.Size))
	}
	if e.Route != "" {
		parts = append(parts, "route "+e.Route)
	}
	if e.RTT > 0 {
		if e.Dir == client.Event {
			parts = append(parts, "handshake "+format.Duration(e.RTT))
		} else {
			parts = append(parts, "round trip "+format.Duration(e.RTT))
		}
	}
	if e.Note != "" && e.Dir != client.Event {
		parts = append(parts, e.Note)
	}
	return strings.Join(parts, " · ")
}

func dirArrow(d client.Dir) string {
	switch d {
	case client.Sent:
		return "→"
	case client.Received:
		return "←"
	}
	return "•"
}

// maxRowRunes is how much of a message a log row shows.
const maxRowRunes = 200

// oneLine returns s on one line, cut to maxRowRunes.
func oneLine(s string) string {
	cut := false
	if len(s) > maxRowRunes*4 {
		s = s[:maxRowRunes*4]
		for !utf8.ValidString(s) && len(s) > 0 {
			s = s[:len(s)-1]
		}
		cut = true
	}
	if strings.ContainsAny(s, "\r\n\t") {
		s = strings.NewReplacer("\r\n", " ⏎ ", "\n", " ⏎ ", "\r", " ", "\t", " ").Replace(s)
	}
	if utf8.RuneCountInString(s) > maxRowRunes {
		r := []rune(s)
		s = string(r[:maxRowRunes])
		cut = true
	}
	if cut {
		s += "…"
	}
	return s
}

// LogRow is one row of the log: time, direction, the message on one line,
// and its route, size and round-trip time.
type LogRow struct {
	widget.BaseWidget
	Time, Dir, Text, Meta *widget.Label
	Route                 *RouteLink
	content               fyne.CanvasObject
	parts                 *fyne.Container // the labels, in logRowLayout
	Seq                   uint64          // the entry shown; 0 for none
}

func newLogRow(onRoute func(string)) *LogRow {
	r := &LogRow{
		Time:  widget.NewLabel("00:00:00.000"),
		Dir:   widget.NewLabel("→"),
		Text:  widget.NewLabel(""),
		Route: newRouteLink(),
		Meta:  widget.NewLabel(""),
	}
	r.Time.TextStyle = fyne.TextStyle{Monospace: true}
	r.Dir.TextStyle = fyne.TextStyle{Bold: true}
	r.Text.TextStyle = fyne.TextStyle{Monospace: true}
	// Clip, not ellipsis: Fyne shapes the whole text anew for an ellipsis,
	// which at 60 refreshes a second was half the window's work.
	r.Text.Truncation = fyne.TextTruncateClip
	// Legible on a projector: no faint (low importance) text; the route,
	// what this workbench is about, in the theme's primary colour when it
	// links to the route in the editor.
	r.Route.onTap = onRoute
	r.Route.TextStyle = fyne.TextStyle{Monospace: true}
	r.Route.Truncation = fyne.TextTruncateClip
	r.parts = container.New(logRowLayout{}, r.Time, r.Dir, r.Text, r.Route, r.Meta)
	r.content = container.New(compact.Layout{}, r.parts) // a dense log
	r.ExtendBaseWidget(r)
	return r
}

func (r *LogRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.content) }

// Set shows e.
func (r *LogRow) Set(e client.Entry) {
	r.Seq = e.Seq
	if e.Seq == 0 {
		r.Time.SetText("")
		r.Dir.SetText("")
		r.Text.SetText("")
		r.Route.setRoute("")
		r.Meta.SetText("")
		r.relayout()
		return
	}
	r.Time.SetText(e.Time.Format("15:04:05.000"))
	r.Dir.SetText(dirArrow(e.Dir))
	imp := widget.MediumImportance
	switch e.Dir {
	case client.Sent:
		imp = widget.HighImportance
	case client.Received:
		imp = widget.SuccessImportance
	}
	if r.Dir.Importance != imp {
		r.Dir.Importance = imp
		r.Dir.Refresh()
	}
	var meta []string
	if e.Dir == client.Event {
		r.Text.TextStyle = fyne.TextStyle{Italic: true}
		r.Text.SetText(e.Note)
	} else {
		r.Text.TextStyle = fyne.TextStyle{Monospace: true}
		text := e.Text
		if e.Binary {
			text = "(binary, base64) " + text
		}
		r.Text.SetText(oneLine(text))
		meta = append(meta, format.Size(e.Size))
	}
	if e.RTT > 0 {
		meta = append(meta, format.Duration(e.RTT))
	}
	r.Route.setRoute(e.Route)
	r.Meta.SetText(strings.Join(meta, " · "))
	r.relayout()
}

// relayout lays the row out again: which parts show depends on the texts.
func (r *LogRow) relayout() {
	r.parts.Layout.Layout(r.parts.Objects, r.parts.Size())
}

// logRowLayout lays a log row out so the message text keeps most of the
// row however narrow the log is, and every row of a log looks alike:
//
//   - the time (left) shows on every row of a log at least
//     1/timeShare of the time's width wide (it depends on the width, not
//     on the text, so all rows keep it or all drop it);
//   - then the direction arrow, the text, the route and the size and
//     round trip (right);
//   - the size gives way first, when the text is not whole and has less
//     than textShare of the row;
//   - then the route is cut (to nothing, if need be) when that makes the
//     text whole, and is never more than RouteShare of the row. The
//     detail below the log shows all of them for the selected row.
//
// Objects: time, dir, text, route, meta.
type logRowLayout struct{}

const (
	textShare  = 0.6
	timeShare  = 0.25
	RouteShare = 0.25
)

func (logRowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	timeL, dir, text, route, meta := objs[0], objs[1], objs[2], objs[3], objs[4]
	w := size.Width
	// Widths are of slots: a part's text and a gap of an eighth of a
	// label's inner padding each side. A label is as wide as its slot
	// and the rest of its padding, which overlaps its neighbours'
	// (labels draw nothing there): a dense row, as a log wants.
	ip := theme.InnerPadding()
	ext := ip - ip/8
	slot := func(labelW float32) float32 { return max(labelW-2*ext, 0) }
	dirW := slot(dir.MinSize().Width)
	timeW := slot(timeL.MinSize().Width)
	if timeW > w*timeShare {
		timeW = 0
	}
	// The route label cuts its text, so its MinSize is not its text's
	// width.
	routeW := float32(0)
	rl := route.(*RouteLink)
	if rl.Text != "" {
		routeW = min(slot(labelWidth(&rl.Label)), w*RouteShare)
	}
	metaW := slot(meta.MinSize().Width)
	if meta.(*widget.Label).Text == "" {
		metaW = 0
	}
	rest := func() float32 { return w - dirW - routeW - timeW - metaW }
	// The text's own width, up to what a row can show at all.
	need := slot(labelWidth(text.(*widget.Label)))
	if rest() < need && rest() < w*textShare {
		metaW = 0
	}
	if short := need - rest(); short > 0 && short <= routeW {
		routeW -= short // the text is whole with the route cut
		if routeW < dirW {
			routeW = 0 // not a character of it would show
		}
	}
	setShown(timeL, timeW > 0)
	setShown(meta, metaW > 0)
	setShown(route, routeW > 0)
	x := float32(0)
	place := func(o fyne.CanvasObject, width float32) {
		o.Move(fyne.NewPos(x-ext, 0))
		o.Resize(fyne.NewSize(width+2*ext, size.Height))
		x += width
	}
	if timeW > 0 {
		place(timeL, timeW)
	}
	place(dir, dirW)
	place(text, max(rest(), 0))
	if routeW > 0 {
		place(route, routeW)
	}
	if metaW > 0 {
		place(meta, metaW)
	}
}

// labelWidth is the width l needs to show its whole text.
func labelWidth(l *widget.Label) float32 {
	th := l.Theme()
	return fyne.MeasureText(l.Text, th.Size(theme.SizeNameText), l.TextStyle).Width + 2*th.Size(theme.SizeNameInnerPadding)
}

// MinSize is one line high and narrow: the text gives way first.
func (logRowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(objs[1].MinSize().Width*3, h)
}

// setShown shows or hides o, touching it only when that changes.
func setShown(o fyne.CanvasObject, shown bool) {
	switch {
	case shown && !o.Visible():
		o.Show()
	case !shown && o.Visible():
		o.Hide()
	}
}

// RouteLink is a log row's route: a link to the route in the API editor
// when it names one ("@connections" and "?" are not routes, and do not look
// like links).
type RouteLink struct {
	widget.Label
	onTap func(key string)
}

func newRouteLink() *RouteLink {
	r := &RouteLink{}
	r.ExtendBaseWidget(r)
	return r
}

// isRouteKey reports whether a log row's route names a route of the API.
func isRouteKey(s string) bool { return s != "" && s != "?" && s != "@connections" }

func (r *RouteLink) setRoute(key string) {
	imp := widget.MediumImportance
	if isRouteKey(key) && r.onTap != nil {
		imp = widget.HighImportance
	}
	if r.Importance != imp {
		r.Importance = imp
		r.Refresh()
	}
	r.SetText(key)
}

// Tapped opens the route.
func (r *RouteLink) Tapped(*fyne.PointEvent) {
	if r.onTap != nil && isRouteKey(r.Text) {
		r.onTap(r.Text)
	}
}

// Cursor is a hand over a link.
func (r *RouteLink) Cursor() desktop.Cursor {
	if r.onTap != nil && isRouteKey(r.Text) {
		return desktop.PointerCursor
	}
	return desktop.DefaultCursor
}
