// Package connections is the window's connections panel: every connection
// the embedded gateway holds (the window's client tabs and anything else: a
// browser frontend under test, wscat), with a message to send to one or all
// of them and a way to drop one, the way a backend does through
// @connections. It knows the window only through Host, and the gateway only
// through Gateway.
package connections

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/emulator"
	"wsworkbench/ui/flow"
	"wsworkbench/ui/format"
)

// Gateway is what the panel uses of the gateway: its connections, the
// @connections operations, and the idle and maximum-duration timeouts
// brought forward.
type Gateway interface {
	Connections() []emulator.ConnectionInfo
	PostToConnection(id string, data []byte) error
	DeleteConnection(id string) error
	ExpireIdle(id string) error
	ExpireMaxDuration(id string) error
}

var _ Gateway = (*emulator.Gateway)(nil)

// Host is what the panel needs from the window. Its methods are called on
// the UI goroutine.
type Host interface {
	// Gateway returns the gateway running now (TLS on or off replaces it).
	Gateway() Gateway
	// Tab names the client tab that holds a connection and gives its
	// position among the tabs; ok is false when no tab holds it.
	Tab(connID string) (name string, order int, ok bool)
	// Selected tells the window a person selected a connection (it shows
	// its tab and its $connect trace).
	Selected(connID string)
	// Listed hands the window each list of connections the panel reads.
	Listed(infos []emulator.ConnectionInfo)
	// Watch opens the watch view of a connection no tab holds.
	Watch(connID string)
}

// Panel lists the connections. It is used on the UI goroutine only.
type Panel struct {
	host Host

	list       *widget.List
	title      *widget.Label
	sendEntry  *widget.Entry
	sendBtn    *widget.Button
	discBtn    *widget.Button
	watchBtn   *widget.Button
	nowBtn     *widget.Button // Timeouts: its menu brings the idle or maximum-duration timeout forward
	nowMenu    *fyne.Menu
	allBtn     *widget.Button
	result     *widget.Label
	infos      []emulator.ConnectionInfo
	selectedID string
	syncing    bool
	lastPoll   time.Time
}

// minInterval bounds how often message traffic refreshes the panel (its
// counters); connects and disconnects refresh it at once.
const minInterval = 250 * time.Millisecond

// New returns the panel; Object lays it out.
func New(host Host) *Panel {
	p := &Panel{host: host}
	p.title = widget.NewLabel("Connections")
	p.title.TextStyle = fyne.TextStyle{Bold: true}
	p.list = widget.NewList(func() int { return len(p.infos) }, newConnRow, p.updateRow)
	p.list.OnSelected = p.onSelected
	p.sendEntry = widget.NewMultiLineEntry()
	p.sendEntry.TextStyle = fyne.TextStyle{Monospace: true}
	p.sendEntry.SetText(`{"message": "pushed from the backend"}`)
	p.sendEntry.SetMinRowsVisible(1)
	p.sendBtn = widget.NewButtonWithIcon("Send", theme.MailSendIcon(), p.onSend)
	p.discBtn = widget.NewButtonWithIcon("Disconnect", theme.CancelIcon(), p.onDisconnect)
	p.watchBtn = widget.NewButtonWithIcon("Watch", theme.VisibilityIcon(), p.onWatch)
	p.allBtn = widget.NewButtonWithIcon("Send to All", theme.MailForwardIcon(), p.onSendAll)
	p.nowMenu = fyne.NewMenu("",
		fyne.NewMenuItem("Idle timeout now", p.expire("the idle timeout", Gateway.ExpireIdle)),
		fyne.NewMenuItem("Max duration now", p.expire("the maximum connection duration", Gateway.ExpireMaxDuration)))
	p.nowBtn = widget.NewButtonWithIcon("Timeouts", theme.HistoryIcon(), p.onTimeouts)
	p.result = widget.NewLabel("")
	p.result.Truncation = fyne.TextTruncateEllipsis
	p.result.SizeName = theme.SizeNameCaptionText
	p.setSelected("")
	return p
}

// Object returns the panel's widgets, laid out.
func (p *Panel) Object() fyne.CanvasObject {
	// The actions take three short lines under the list, whatever the
	// panel's width: the buttons wrap rather than widen the panel, and the
	// result is one line.
	actions := container.NewVBox(
		p.sendEntry,
		container.New(&flow.Layout{}, p.sendBtn, p.allBtn, p.discBtn, p.watchBtn, p.nowBtn),
		p.result,
	)
	return container.NewBorder(p.title, actions, nil, nil, p.list)
}

// connRow is one connection: its ID and owner, then whether a tab holds
// it, its source and counters.
type connRow struct {
	widget.BaseWidget
	id, who, stats *widget.Label
	content        fyne.CanvasObject
}

func newConnRow() fyne.CanvasObject {
	r := &connRow{
		id:    widget.NewLabel("Mg_ugfpqPHcCIVA="),
		who:   widget.NewLabel(""),
		stats: widget.NewLabel(""),
	}
	r.id.TextStyle = fyne.TextStyle{Monospace: true}
	r.who.TextStyle = fyne.TextStyle{Bold: true}
	r.who.Truncation = fyne.TextTruncateEllipsis
	r.stats.Truncation = fyne.TextTruncateEllipsis
	r.stats.SizeName = theme.SizeNameCaptionText
	r.content = container.NewVBox(container.NewBorder(nil, nil, r.id, nil, r.who), r.stats)
	r.ExtendBaseWidget(r)
	return r
}

func (r *connRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.content) }

func (p *Panel) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i < 0 || i >= len(p.infos) {
		return
	}
	ci := p.infos[i]
	r := o.(*connRow)
	r.id.SetText(ci.ID)
	// The owner has the first line beside the ID; whether a tab holds
	// the connection starts the second.
	r.who.SetText(p.Owner(ci))
	r.stats.SetText(statsLine(p.Kind(ci), ci, time.Now()))
}

// statsLine is a connection row's second line: whether a tab holds it,
// its traffic and when it was last active first, which a narrow panel
// still shows (the line ends in an ellipsis), then its age and source.
func statsLine(kind string, ci emulator.ConnectionInfo, now time.Time) string {
	return fmt.Sprintf("%s · in %d / out %d · active %s · connected %s · %s",
		kind, ci.FramesIn, ci.FramesOut, format.Ago(ci.LastActiveAt, now), format.Ago(ci.ConnectedAt, now), ci.SourceIP)
}

// Owner names who holds a connection: a tab of this window, or the client's
// user agent in a few words ("Chrome 131 · Linux", "wscat"); the
// selected connection's details show the whole header.
func (p *Panel) Owner(ci emulator.ConnectionInfo) string {
	if name, _, ok := p.host.Tab(ci.ID); ok {
		return name
	}
	if ua := format.ShortUserAgent(ci.UserAgent); ua != "" {
		return ua
	}
	return "(no user agent)"
}

// Kind says whether a tab of this window holds a connection ("tab") or
// something outside it does ("external").
func (p *Panel) Kind(ci emulator.ConnectionInfo) string {
	if _, _, ok := p.host.Tab(ci.ID); ok {
		return "tab"
	}
	return "external"
}

// Details are what the upgrade request said about a connection: origin,
// user agent, subprotocol and query string, those it had.
func Details(ci emulator.ConnectionInfo) string {
	return format.Details(ci.Origin, ci.UserAgent, ci.Subprotocol, ci.Query)
}

// onWatch opens the selected connection's watch view.
func (p *Panel) onWatch() {
	if p.selectedID != "" {
		p.host.Watch(p.selectedID)
	}
}

// Refresh reads the gateway's connections and shows them.
func (p *Panel) Refresh() {
	p.lastPoll = time.Now()
	infos := p.host.Gateway().Connections()
	p.sortInfos(infos)
	p.infos = infos
	p.host.Listed(infos)
	p.title.SetText(fmt.Sprintf("Connections (%d)", len(infos)))
	p.list.Refresh()
	idx := -1
	for i, ci := range infos {
		if ci.ID == p.selectedID {
			idx = i
		}
	}
	if p.selectedID != "" && idx < 0 {
		p.result.SetText(p.selectedID + " is gone.")
		p.setSelected("")
		p.syncing = true
		p.list.UnselectAll()
		p.syncing = false
	} else if idx >= 0 {
		p.syncing = true
		p.list.Select(idx)
		p.syncing = false
	}
}

// sortInfos orders connections as the tabs are (the first tab's first),
// then every other connection, oldest first.
func (p *Panel) sortInfos(infos []emulator.ConnectionInfo) {
	rank := map[string]int{}
	for _, ci := range infos {
		if _, order, ok := p.host.Tab(ci.ID); ok {
			rank[ci.ID] = order + 1
		}
	}
	sort.SliceStable(infos, func(i, j int) bool {
		ri, rj := rank[infos[i].ID], rank[infos[j].ID]
		switch {
		case ri != 0 && rj != 0:
			return ri < rj
		case ri != 0 || rj != 0:
			return ri != 0
		}
		return infos[i].ConnectedAt.Before(infos[j].ConnectedAt)
	})
}

// Due reports whether traffic alone should refresh the panel now.
func (p *Panel) Due() bool { return time.Since(p.lastPoll) >= minInterval }

func (p *Panel) onSelected(i widget.ListItemID) {
	if p.syncing || i < 0 || i >= len(p.infos) {
		return
	}
	ci := p.infos[i]
	p.setSelected(ci.ID)
	p.host.Selected(ci.ID)
}

// setSelected selects the connection with the given ID ("" for none).
func (p *Panel) setSelected(id string) {
	p.selectedID = id
	if id == "" {
		p.result.SetText("Select a connection to send to it as a backend does (POST @connections), to disconnect it or to expire its timeouts now.")
		p.result.Importance = widget.LowImportance
		p.result.Refresh()
		p.sendBtn.Disable()
		p.discBtn.Disable()
		p.watchBtn.Disable()
		p.nowBtn.Disable()
		return
	}
	var ci emulator.ConnectionInfo
	for _, c := range p.infos {
		if c.ID == id {
			ci = c
		}
	}
	text := fmt.Sprintf("%s · %s · %s · connected at %s", ci.ID, p.Kind(ci), ci.RemoteAddr, ci.ConnectedAt.Format("15:04:05"))
	if d := Details(ci); d != "" {
		text += "\n" + d
	}
	p.result.SetText(text)
	p.result.Importance = widget.LowImportance
	p.result.Refresh()
	p.sendBtn.Enable()
	p.discBtn.Enable()
	p.nowBtn.Enable()
	// A tab shows its own traffic; the watch view is for the others.
	if p.Kind(ci) == "external" {
		p.watchBtn.Enable()
	} else {
		p.watchBtn.Disable()
	}
}

// SelectID selects the connection with the given ID, as a click does, if
// the panel lists it.
func (p *Panel) SelectID(id string) bool {
	for i, ci := range p.infos {
		if ci.ID == id {
			p.list.Select(i)
			return true
		}
	}
	return false
}

// onSend posts the entry's text to the selected connection, as
// POST @connections/{id} does.
func (p *Panel) onSend() {
	if p.selectedID == "" {
		return
	}
	err := p.host.Gateway().PostToConnection(p.selectedID, []byte(p.sendEntry.Text))
	if err != nil {
		p.result.SetText("Not sent: " + err.Error())
		p.result.Importance = widget.DangerImportance
	} else {
		p.result.SetText(fmt.Sprintf("Sent %s to %s at %s.", format.Size(len(p.sendEntry.Text)), p.selectedID, time.Now().Format("15:04:05")))
		p.result.Importance = widget.SuccessImportance
	}
	p.result.Refresh()
}

// onSendAll posts the entry's text to every connection the gateway holds,
// one POST @connections/{id} each, as a broadcast backend does.
func (p *Panel) onSendAll() {
	infos := p.host.Gateway().Connections()
	if len(infos) == 0 {
		p.showResult("No connections to send to.", widget.DangerImportance)
		return
	}
	data := []byte(p.sendEntry.Text)
	sent := 0
	var failed []string
	for _, ci := range infos {
		if err := p.host.Gateway().PostToConnection(ci.ID, data); err != nil {
			failed = append(failed, ci.ID+": "+err.Error())
			continue
		}
		sent++
	}
	if len(failed) > 0 {
		p.showResult(fmt.Sprintf("Sent to %d of %d; not sent to %s", sent, len(infos), strings.Join(failed, "; ")), widget.DangerImportance)
		return
	}
	p.showResult(fmt.Sprintf("Sent %s to all %s at %s.", format.Size(len(data)), format.Plural(sent, "connection"), time.Now().Format("15:04:05")), widget.SuccessImportance)
}

func (p *Panel) showResult(text string, imp widget.Importance) {
	p.result.SetText(text)
	p.result.Importance = imp
	p.result.Refresh()
}

// onDisconnect closes the selected connection as DELETE @connections/{id}
// does (1000, its $disconnect runs).
func (p *Panel) onDisconnect() {
	if p.selectedID == "" {
		return
	}
	if err := p.host.Gateway().DeleteConnection(p.selectedID); err != nil {
		p.result.SetText("Not disconnected: " + err.Error())
		p.result.Importance = widget.DangerImportance
	} else {
		p.result.SetText("Disconnected " + p.selectedID + ".")
		p.result.Importance = widget.LowImportance
	}
	p.result.Refresh()
}

// onTimeouts shows the menu that brings a timeout of the selected
// connection forward, under the Timeouts button.
func (p *Panel) onTimeouts() {
	c := fyne.CurrentApp().Driver().CanvasForObject(p.nowBtn)
	if c == nil || p.selectedID == "" {
		return
	}
	widget.ShowPopUpMenuAtRelativePosition(p.nowMenu, c, fyne.NewPos(0, p.nowBtn.Size().Height), p.nowBtn)
}

// expire returns the handler of a timeout's "now" button: it closes the
// selected connection as that timeout would (1001 Going away; a tab of
// the window says which timeout).
func (p *Panel) expire(what string, f func(Gateway, string) error) func() {
	return func() {
		if p.selectedID == "" {
			return
		}
		if err := f(p.host.Gateway(), p.selectedID); err != nil {
			p.showResult("Not closed: "+err.Error(), widget.DangerImportance)
			return
		}
		p.showResult(fmt.Sprintf("Closed %s as %s does (1001 Going away).", p.selectedID, what), widget.LowImportance)
	}
}

// Infos returns the connections listed, in the panel's order.
func (p *Panel) Infos() []emulator.ConnectionInfo { return p.infos }

// SelectedID returns the selected connection's ID, or "".
func (p *Panel) SelectedID() string { return p.selectedID }

// Controls are the panel's widgets a person uses, by name, for tests.
type Controls struct {
	Title, Result               *widget.Label
	Message                     *widget.Entry
	Send, SendToAll, Disconnect *widget.Button
	Watch, Timeouts             *widget.Button
	// TimeoutsMenu is the Timeouts button's menu: "Idle timeout now",
	// "Max duration now".
	TimeoutsMenu *fyne.Menu
}

// Controls returns the panel's controls.
func (p *Panel) Controls() Controls {
	return Controls{Title: p.title, Result: p.result, Message: p.sendEntry, Send: p.sendBtn, SendToAll: p.allBtn, Disconnect: p.discBtn, Watch: p.watchBtn, Timeouts: p.nowBtn, TimeoutsMenu: p.nowMenu}
}
