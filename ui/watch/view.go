// Package watch is the window's watch view: the history of one connection
// that is not a client tab (a browser frontend under test, wscat), read
// from the gateway's bounded per-connection history, with a way to push a
// frame to it and to close, drop or expire it. The window shows it as a
// tab or a tile beside the client tabs; the view gives the tab its title
// (Name, TabTitle) and its unread count. It knows the window only through
// Host and the gateway only through Gateway.
package watch

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/emulator"
	"wsworkbench/ui/controller"
	"wsworkbench/ui/flow"
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
}

// CloseCodes are the close codes the view offers.
var CloseCodes = []string{"1000 Normal", "1001 Going away", "1011 Internal error", "1012 Service restart"}

// View shows one connection's history. It is used on the UI goroutine only.
type View struct {
	host   Host
	connID string
	who    string // "localhost:3000", "Chrome/120": the tab's title (Who)

	seenSeq   uint64 // the newest entry a person has seen (MarkSeen)
	closeNote string // the close as the history tells it ("closed 1011 boom")

	all       []emulator.HistoryEntry // everything read so far, oldest first
	shown     []emulator.HistoryEntry // what the search keeps
	lastSeq   uint64
	dropped   uint64 // entries the view itself let go
	gwDropped uint64 // entries the gateway's bound dropped
	closed    bool
	// follow keeps the newest row in sight; selecting an older row stops
	// it, selecting the last one starts it again.
	follow bool

	title    *widget.Label
	details  *widget.Label
	search   *widget.Entry
	list     *widget.List
	push     *widget.Entry
	sendBtn  *widget.Button
	code     *widget.Select
	reason   *widget.Entry
	closeBtn *widget.Button
	dropBtn  *widget.Button
	idleBtn  *widget.Button
	maxBtn   *widget.Button
	result   *widget.Label
	content  fyne.CanvasObject

	exportPath *widget.Entry
	exportBtn  *widget.Button
	// replace is the path the person agreed to replace (Export tapped
	// again after "already exists").
	replace string
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
	v.push = widget.NewEntry()
	v.push.TextStyle = fyne.TextStyle{Monospace: true}
	v.push.SetText(`{"message": "pushed from the workbench"}`)
	v.sendBtn = widget.NewButtonWithIcon("Send", theme.MailSendIcon(), v.onSend)
	v.code = widget.NewSelect(CloseCodes, nil)
	v.code.SetSelectedIndex(0)
	v.reason = widget.NewEntry()
	v.reason.SetPlaceHolder("reason")
	v.closeBtn = widget.NewButton("Close", v.onClose)
	v.dropBtn = widget.NewButton("Drop TCP", v.action("Dropped the TCP connection (the client sees 1006).", func(g Gateway) error { return g.DropConnection(v.connID) }))
	v.idleBtn = widget.NewButton("Idle now", v.action("Expired the idle timeout.", func(g Gateway) error { return g.ExpireIdle(v.connID) }))
	v.maxBtn = widget.NewButton("Max duration now", v.action("Expired the maximum duration.", func(g Gateway) error { return g.ExpireMaxDuration(v.connID) }))
	v.result = widget.NewLabel("Select a frame to see its trace.")
	v.result.Importance = widget.LowImportance
	v.result.Truncation = fyne.TextTruncateEllipsis

	v.exportPath = widget.NewEntry()
	v.exportPath.SetText(defaultExportPath(connID))
	v.exportPath.OnChanged = func(string) { v.setReplace("") }
	v.exportPath.OnSubmitted = func(string) { v.onExport() }
	v.exportBtn = widget.NewButtonWithIcon("Export", theme.DocumentSaveIcon(), v.onExport)

	pushRow := container.NewBorder(nil, nil, nil, v.sendBtn, v.push)
	exportRow := container.NewBorder(nil, nil, nil, v.exportBtn, v.exportPath)
	closeRow := container.New(&flow.Layout{}, v.code, container.NewGridWrap(fyne.NewSize(140, v.reason.MinSize().Height), v.reason), v.closeBtn, v.dropBtn, v.idleBtn, v.maxBtn)
	top := container.NewVBox(v.title, v.details, v.search)
	// The list and the actions share the height, as a tab's log and
	// composer do, so a tile (a quarter of a small window) still shows
	// rows; the actions scroll when the share is too small for them.
	actions := container.NewVScroll(container.NewVBox(pushRow, closeRow, exportRow, v.result))
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
	if v.closed {
		return false
	}
	h, ok := v.host.Gateway().History(v.connID, v.lastSeq)
	if !ok {
		v.closed = true
		v.setTitle()
		v.setEnabled(false)
		return true
	}
	v.gwDropped = h.Dropped // the gateway counts all it dropped
	if len(h.Entries) == 0 && !h.Closed {
		return false
	}
	for _, e := range h.Entries {
		v.all = append(v.all, e)
		v.lastSeq = e.Seq
		if e.Dir == emulator.HistoryEvent && strings.HasPrefix(e.Note, "closed") {
			v.closeNote = e.Note
		}
	}
	// The gateway bounds its history; the view keeps the same bound.
	if n := len(v.all) - maxEntries; n > 0 {
		v.dropped += uint64(n)
		v.all = append(v.all[:0:0], v.all[n:]...)
	}
	if h.Closed {
		v.closed = true
		v.setEnabled(false)
	}
	v.setTitle()
	v.filter()
	return true
}

// maxEntries bounds what the view keeps of a long-lived connection.
const maxEntries = 10000

func (v *View) setTitle() {
	t := fmt.Sprintf("Watching external connection %s · %d entries", v.connID, len(v.all))
	if n := v.dropped + v.gwDropped; n > 0 {
		t += fmt.Sprintf(" (%d older not kept)", n)
	}
	v.title.Importance = widget.MediumImportance
	if v.closed {
		t += " · " + v.closedText()
		v.title.Importance = widget.DangerImportance
	}
	v.title.SetText(t)
}

// closedText says the connection closed, and how when the history says.
func (v *View) closedText() string {
	if v.closeNote == "" {
		return "closed"
	}
	return v.closeNote // "closed 1011 boom"
}

// Who names who holds a watched connection, short enough for a tab in
// the tab bar of a 1024-pixel window beside two client tabs: its origin
// (without the scheme) or a short form of its user agent; "" when the
// upgrade request had neither.
func Who(ci emulator.ConnectionInfo) string {
	who := ci.Origin
	if i := strings.Index(who, "://"); i >= 0 {
		who = who[i+3:]
	}
	if r := []rune(who); len(r) > 20 {
		who = string(r[:19]) + "…"
	}
	if who == "" {
		who = ShortAgent(ci.UserAgent)
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

// ShortAgent is the part of a user agent that names the client: the
// browser and its major version ("Firefox/128", "Chrome/120"), or the first
// product ("wscat/5.2.0", "Go-http-client/1.1"), at most 20 characters
// (the tab bar holds the client tabs too).
func ShortAgent(ua string) string {
	fields := strings.Fields(ua)
	if len(fields) == 0 {
		return ""
	}
	out := fields[0]
	if strings.HasPrefix(out, "Mozilla/") {
	browsers:
		for _, b := range []string{"Edg/", "OPR/", "Firefox/", "HeadlessChrome/", "Chrome/", "Version/", "Safari/"} {
			for _, f := range fields {
				if strings.HasPrefix(f, b) {
					out = f
					if b == "Version/" {
						out = "Safari/" + strings.TrimPrefix(f, b)
					}
					break browsers
				}
			}
		}
		if name, ver, ok := strings.Cut(out, "/"); ok {
			ver, _, _ = strings.Cut(ver, ".")
			out = name + "/" + ver
		}
	}
	if r := []rune(out); len(r) > 20 {
		out = string(r[:19]) + "…"
	}
	return out
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
	if v.closed {
		t += " · closed"
	}
	return t
}

// Closed reports whether the connection has closed (the view keeps its
// history).
func (v *View) Closed() bool { return v.closed }

// Unread counts the frames in and out since MarkSeen, up to 100.
func (v *View) Unread() int {
	n := 0
	for i := len(v.all) - 1; i >= 0 && n < 100; i-- {
		e := v.all[i]
		if e.Seq <= v.seenSeq {
			break
		}
		if e.Dir != emulator.HistoryEvent {
			n++
		}
	}
	return n
}

// MarkSeen forgets the unread frames (the view is on screen).
func (v *View) MarkSeen() { v.seenSeq = v.lastSeq }

func (v *View) setEnabled(on bool) {
	for _, b := range []*widget.Button{v.sendBtn, v.closeBtn, v.dropBtn, v.idleBtn, v.maxBtn} {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

// filter keeps the entries whose text or note holds the search text.
func (v *View) filter() {
	q := strings.ToLower(strings.TrimSpace(v.search.Text))
	v.shown = v.shown[:0]
	for _, e := range v.all {
		if q == "" || strings.Contains(strings.ToLower(e.Data), q) || strings.Contains(strings.ToLower(e.Note), q) {
			v.shown = append(v.shown, e)
		}
	}
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
		v.show("This entry has no trace (an @connections post or an event without a request).", widget.LowImportance)
		return
	}
	v.host.ShowTrace(e.RequestID)
	v.show("Trace of request "+e.RequestID+" in the trace panel.", widget.LowImportance)
}

func (v *View) onSend() {
	err := v.host.Gateway().PostToConnection(v.connID, []byte(v.push.Text))
	if err != nil {
		v.show("Not sent: "+err.Error(), widget.DangerImportance)
		return
	}
	v.show("Sent "+format.Size(len(v.push.Text))+".", widget.SuccessImportance)
}

func (v *View) onClose() {
	code, _ := strconv.Atoi(strings.Fields(v.code.Selected + " 1000")[0])
	if err := v.host.Gateway().CloseConnection(v.connID, code, v.reason.Text); err != nil {
		v.show("Not closed: "+err.Error(), widget.DangerImportance)
		return
	}
	v.show(fmt.Sprintf("Closed with %d.", code), widget.LowImportance)
}

func (v *View) action(done string, f func(Gateway) error) func() {
	return func() {
		if err := f(v.host.Gateway()); err != nil {
			v.show(err.Error(), widget.DangerImportance)
			return
		}
		v.show(done, widget.LowImportance)
	}
}

func (v *View) show(text string, imp widget.Importance) {
	v.result.SetText(text)
	v.result.Importance = imp
	v.result.Refresh()
}

// defaultExportPath is a file in the home folder named after the
// connection and the time.
func defaultExportPath(connID string) string {
	dir, err := os.UserHomeDir()
	if err != nil {
		dir = "."
	}
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, connID)
	return filepath.Join(dir, "watch-"+safe+"-"+time.Now().Format("20060102-150405")+".jsonl")
}

// onExport writes what the view holds (every entry, not only those the
// search keeps) as the gateway's transcript JSONL, atomically, after the
// checks: a file name, a folder that exists, not a folder, and a second
// tap to replace a file that exists.
func (v *View) onExport() {
	path, err := v.checkExport(v.exportPath.Text)
	if err != nil {
		v.show("Not exported: "+err.Error(), widget.DangerImportance)
		return
	}
	if _, err := os.Stat(path); err == nil && v.replace != path {
		v.setReplace(path)
		v.show(filepath.Base(path)+" already exists: tap Replace to replace it.", widget.WarningImportance)
		return
	}
	var buf bytes.Buffer
	h := emulator.History{Entries: v.all, Dropped: v.dropped + v.gwDropped, Closed: v.closed}
	if err := h.WriteJSONL(&buf); err == nil {
		err = controller.WriteFileAtomic(path, buf.Bytes())
	}
	if err != nil {
		v.show("Not exported: "+err.Error(), widget.DangerImportance)
		return
	}
	v.setReplace("")
	v.show(fmt.Sprintf("Exported %d entries to %s.", len(v.all), path), widget.SuccessImportance)
}

// checkExport returns the absolute path to export to, or what is wrong.
func (v *View) checkExport(path string) (string, error) {
	path = strings.TrimSpace(path)
	if path == "" || strings.HasSuffix(path, string(filepath.Separator)) {
		return "", errors.New("choose a file name")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(filepath.Dir(abs)); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("the folder %s does not exist", filepath.Dir(abs))
	}
	if fi, err := os.Stat(abs); err == nil && !fi.Mode().IsRegular() {
		return "", fmt.Errorf("%s is not a regular file", abs)
	}
	return abs, nil
}

func (v *View) setReplace(path string) {
	v.replace = path
	text := "Export"
	if path != "" {
		text = "Replace"
	}
	if v.exportBtn.Text != text {
		v.exportBtn.SetText(text)
	}
}

// Controls are the view's widgets, by name, for tests.
type Controls struct {
	Title, Details, Result               *widget.Label
	Search, Push, Reason, ExportPath     *widget.Entry
	Export                               *widget.Button
	Code                                 *widget.Select
	List                                 *widget.List
	Send, Close, Drop, Idle, MaxDuration *widget.Button
}

// Controls returns the view's controls.
func (v *View) Controls() Controls {
	return Controls{Title: v.title, Details: v.details, Result: v.result, Search: v.search, Push: v.push, Reason: v.reason, Code: v.code,
		ExportPath: v.exportPath, Export: v.exportBtn,
		List: v.list, Send: v.sendBtn, Close: v.closeBtn, Drop: v.dropBtn, Idle: v.idleBtn, MaxDuration: v.maxBtn}
}
