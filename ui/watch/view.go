// Package watch is the window's watch view: the history of one connection
// that is not a client tab (a browser frontend under test, wscat), read
// from the gateway's bounded per-connection history, with a way to push a
// frame to it and to close, drop or expire it. The window shows it as a
// tab or a tile beside the client tabs; the view gives the tab its title
// (Name, TabTitle) and its unread count. It knows the window only through
// Host and the gateway only through Gateway.
package watch

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/emulator"
	"wsworkbench/ui/format"
)

// Gateway is what the view uses of the gateway.
type Gateway interface {
	History(id string, afterSeq uint64) (emulator.History, bool)
	PostToConnection(id string, data []byte) error
	CloseConnection(id string, code int, reason string) error
	DropConnection(id string) error
	ExpireIdle(id string) error
	ExpireMaxDuration(id string) error
	Connection(id string) (emulator.ConnectionInfo, bool)
}

var _ Gateway = (*emulator.Gateway)(nil)

// Host is what the view needs from the window; its methods are called on
// the UI goroutine.
type Host interface {
	// Gateway returns the gateway running now.
	Gateway() Gateway
	// ShowTrace shows the trace of a request in the trace panel.
	ShowTrace(requestID string)
	// ExportAs asks for a folder and a file name (offering name), asks
	// before replacing a file, then writes data() there atomically and
	// calls done with the path; it writes nothing when the person cancels.
	ExportAs(title, name string, data func() ([]byte, error), done func(path string))
}

// CloseCodes are the close codes the view offers.
var CloseCodes = []string{"1000 Normal", "1001 Going away", "1011 Internal error", "1012 Service restart"}

// View shows one connection's history. It is used on the UI goroutine only.
type View struct {
	host   Host
	connID string
	who    string // "localhost:3000", "Chrome/120": the tab's title (Who)

	read  transcript              // what the gateway's history gave so far
	shown []emulator.HistoryEntry // what the search keeps
	// follow keeps the newest row in sight; selecting an older row stops
	// it, selecting the last one starts it again.
	follow bool

	title   *widget.Label
	details *widget.Label
	search  *widget.Entry
	list    *widget.List
	acts    *actions
	export  *widget.Button // Export…: onExport
	content fyne.CanvasObject
}

// New returns the view of connection connID and reads its history so far.
func New(host Host, connID string) *View {
	v := &View{host: host, connID: connID, follow: true}
	info, _ := host.Gateway().Connection(connID)
	v.who = Who(info)
	v.title = widget.NewLabel("Watching " + connID)
	v.title.TextStyle = fyne.TextStyle{Bold: true}
	v.title.Truncation = fyne.TextTruncateEllipsis
	v.details = widget.NewLabel(format.Details(info.Origin, info.UserAgent, info.Subprotocol, info.Query))
	v.details.SizeName = theme.SizeNameCaptionText
	v.details.Truncation = fyne.TextTruncateEllipsis
	if v.details.Text == "" {
		v.details.SetText("The upgrade request had no origin, user agent, subprotocol or query string.")
	}
	v.search = widget.NewEntry()
	v.search.SetPlaceHolder("Search the frames")
	v.search.OnChanged = func(string) { v.filter() }
	v.list = widget.NewList(func() int { return len(v.shown) }, newRow, v.updateRow)
	v.list.OnSelected = v.onSelected
	v.acts = newActions(host, connID)
	v.export = widget.NewButtonWithIcon("Export…", theme.DocumentSaveIcon(), v.onExport)
	top := container.NewVBox(v.title, v.details, v.search)
	// The list and the actions share the height, as a tab's log and
	// composer do, so a tile (a quarter of a small window) still shows
	// rows; the actions scroll when the share is too small for them.
	actions := container.NewVScroll(container.NewVBox(v.acts.pushRow, v.acts.closeRow,
		container.NewBorder(nil, nil, nil, v.export, v.acts.result)))
	split := container.NewVSplit(v.list, actions)
	split.Offset = 0.62
	v.content = container.NewBorder(top, nil, nil, nil, split)
	v.Poll()
	return v
}

// SetCompact leaves out the upgrade request's details (a tile's title
// names the connection already), so a tile's list keeps its room.
func (v *View) SetCompact(on bool) {
	if on {
		v.details.Hide()
	} else {
		v.details.Show()
	}
}

// Object is the view's content.
func (v *View) Object() fyne.CanvasObject { return v.content }

// ConnectionID is the watched connection.
func (v *View) ConnectionID() string { return v.connID }

// Poll reads the entries added since the last poll and shows them; it
// reports whether anything changed (new entries, the close). The window
// calls it from its refresh, at most once a frame.
func (v *View) Poll() bool {
	if v.read.closed {
		return false
	}
	h, ok := v.host.Gateway().History(v.connID, v.read.lastSeq)
	if !ok {
		v.read.closed = true
		v.setTitle()
		v.acts.setEnabled(false)
		return true
	}
	if !v.read.add(h) {
		return false
	}
	if v.read.closed {
		v.acts.setEnabled(false)
	}
	v.setTitle()
	v.filter()
	return true
}

func (v *View) setTitle() {
	t := fmt.Sprintf("Watching external connection %s · %d entries", v.connID, len(v.read.all))
	if n := v.read.dropped + v.read.gwDropped; n > 0 {
		t += fmt.Sprintf(" (%d older not kept)", n)
	}
	v.title.Importance = widget.MediumImportance
	if v.read.closed {
		t += " · " + v.read.closedText()
		v.title.Importance = widget.DangerImportance
	}
	v.title.SetText(t)
}

// Who names who holds a watched connection, short enough for a tab in
// the tab bar of a 1024-pixel window beside two client tabs: its origin
// (without the scheme) or a short form of its user agent; "" when the
// upgrade request had neither.
func Who(ci emulator.ConnectionInfo) string {
	const maxWhoRunes = 22
	who := ci.Origin
	if i := strings.Index(who, "://"); i >= 0 {
		who = who[i+3:]
	}
	if who == "" {
		who = format.ShortUserAgent(ci.UserAgent)
	}
	if r := []rune(who); len(r) > maxWhoRunes {
		who = string(r[:maxWhoRunes-1]) + "…"
	}
	return who
}

// ShortID is the start of a connection ID, enough to tell two connections
// from one origin apart: "Mg_ugf…".
func ShortID(connID string) string {
	if len(connID) > 6 {
		return connID[:6] + "…"
	}
	return connID
}

// Who is who holds the connection (Who), as the tab's title starts.
func (v *View) Who() string { return v.who }

// TabTitle is the tab's title: who holds the connection (with the start
// of its ID when withID is set, or when Who is ""), the unread frames and
// "closed". The window asks for the ID when two watch tabs share a Who;
// the tab's eye icon says it is watched.
func (v *View) TabTitle(withID bool) string {
	t := v.who
	switch {
	case t == "":
		t = ShortID(v.connID)
	case withID:
		t += " " + ShortID(v.connID)
	}
	return t + v.marks()
}

// TileTitle is the title above the view as a tile, which has no icon:
// "external:", who, the start of the ID and the marks.
func (v *View) TileTitle() string {
	t := "external: "
	if v.who != "" {
		t += v.who + " "
	}
	return t + ShortID(v.connID) + v.marks()
}

// marks are the unread frames and the close, after a title.
func (v *View) marks() string {
	t := format.Unread(v.Unread())
	if v.read.closed {
		t += " · closed"
	}
	return t
}

// Closed reports whether the connection has closed (the view keeps its
// history).
func (v *View) Closed() bool { return v.read.closed }

// Unread counts the frames in and out since MarkSeen, up to 100.
func (v *View) Unread() int { return v.read.unread() }

// MarkSeen forgets the unread frames (the view is on screen).
func (v *View) MarkSeen() { v.read.seenSeq = v.read.lastSeq }

// filter keeps the entries whose text or note holds the search text.
func (v *View) filter() {
	v.shown = v.read.matching(v.search.Text, v.shown[:0])
	v.list.Refresh()
	if v.follow {
		v.list.ScrollToBottom()
	}
}

// Rows returns the rendered text of each row the list shows, for tests.
func (v *View) Rows() []string {
	out := make([]string, len(v.shown))
	for i, e := range v.shown {
		out[i] = RowText(e)
	}
	return out
}

// arrow is an entry's direction as the tabs' logs show it.
func arrow(d emulator.HistoryDir) string {
	switch d {
	case emulator.HistoryIn:
		return "→" // from the client to the gateway
	case emulator.HistoryOut:
		return "←"
	default:
		return "•"
	}
}

// RowText is an entry as one line: time, arrow, text, note.
func RowText(e emulator.HistoryEntry) string {
	return e.Time.Format("15:04:05.000") + " " + arrow(e.Dir) + " " + lineText(e)
}

// lineText is an entry's data on one line (white space squeezed), then its
// note in brackets.
func lineText(e emulator.HistoryEntry) string {
	s := strings.Join(strings.Fields(e.Data), " ")
	if len(s) > maxLine {
		s = s[:maxLine] + "…"
	}
	if e.Note != "" {
		if s != "" {
			s += "  "
		}
		s += "(" + e.Note + ")"
	}
	return s
}

// maxLine bounds a row's text; the trace panel shows the whole frame.
const maxLine = 400

type row struct {
	widget.BaseWidget
	when, text *widget.Label
	content    fyne.CanvasObject
}

func newRow() fyne.CanvasObject {
	r := &row{when: widget.NewLabel("00:00:00.000 →"), text: widget.NewLabel("")}
	r.when.TextStyle = fyne.TextStyle{Monospace: true}
	r.text.TextStyle = fyne.TextStyle{Monospace: true}
	r.text.Truncation = fyne.TextTruncateEllipsis
	r.content = container.NewBorder(nil, nil, r.when, nil, r.text)
	r.ExtendBaseWidget(r)
	return r
}

func (r *row) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.content) }

func (v *View) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i < 0 || i >= len(v.shown) {
		return
	}
	e := v.shown[i]
	r := o.(*row)
	r.when.SetText(e.Time.Format("15:04:05.000") + " " + arrow(e.Dir))
	r.text.SetText(lineText(e))
	if e.Dir == emulator.HistoryEvent {
		r.text.Importance = widget.LowImportance
	} else {
		r.text.Importance = widget.MediumImportance
	}
}

func (v *View) onSelected(i widget.ListItemID) {
	if i < 0 || i >= len(v.shown) {
		return
	}
	e := v.shown[i]
	v.follow = i == len(v.shown)-1
	if e.RequestID == "" {
		v.acts.show("This entry has no trace (an @connections post or an event without a request).", widget.LowImportance)
		return
	}
	v.host.ShowTrace(e.RequestID)
	v.acts.show("Trace of request "+e.RequestID+" in the trace panel.", widget.LowImportance)
}

// Controls are the view's widgets, by name, for tests.
type Controls struct {
	Title, Details, Result               *widget.Label
	Search, Push, Reason                 *widget.Entry
	Export                               *widget.Button
	Code                                 *widget.Select
	List                                 *widget.List
	Send, Close, Drop, Idle, MaxDuration *widget.Button
}

// Controls returns the view's controls.
func (v *View) Controls() Controls {
	a := v.acts
	return Controls{Title: v.title, Details: v.details, Result: a.result, Search: v.search, Push: a.push, Reason: a.reason, Code: a.code,
		Export: v.export,
		List:   v.list, Send: a.sendBtn, Close: a.closeBtn, Drop: a.dropBtn, Idle: a.idleBtn, MaxDuration: a.maxBtn}
}
