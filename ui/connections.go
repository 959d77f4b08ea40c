package ui

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/client"
	"wsworkbench/emulator"
)

// connectionsPanel lists every connection the gateway holds (the window's
// tabs and anything else: a browser, wscat), and sends to or drops the
// selected one the way a backend does through @connections.
type connectionsPanel struct {
	wb *workbench

	list       *widget.List
	title      *widget.Label
	sendEntry  *widget.Entry
	sendBtn    *widget.Button
	discBtn    *widget.Button
	allBtn     *widget.Button
	result     *widget.Label
	infos      []emulator.ConnectionInfo
	selectedID string
	syncing    bool
	lastPoll   time.Time
}

// connsMinInterval bounds how often message traffic refreshes the panel
// (its counters); connects and disconnects refresh it at once.
const connsMinInterval = 250 * time.Millisecond

func newConnectionsPanel(wb *workbench) *connectionsPanel {
	p := &connectionsPanel{wb: wb}
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
	p.allBtn = widget.NewButtonWithIcon("Send to All", theme.MailForwardIcon(), p.onSendAll)
	p.result = widget.NewLabel("")
	p.result.Truncation = fyne.TextTruncateEllipsis
	p.result.SizeName = theme.SizeNameCaptionText
	p.setSelected("")
	return p
}

func (p *connectionsPanel) object() fyne.CanvasObject {
	// The actions take three short lines under the list, whatever the
	// panel's width: the buttons wrap rather than widen the panel, and the
	// result is one line.
	actions := container.NewVBox(
		p.sendEntry,
		container.New(&flowLayout{}, p.sendBtn, p.allBtn, p.discBtn),
		p.result,
	)
	return container.NewBorder(p.title, actions, nil, nil, p.list)
}

// connRow is one connection: its ID and owner, then its source and counters.
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

func (p *connectionsPanel) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i < 0 || i >= len(p.infos) {
		return
	}
	ci := p.infos[i]
	r := o.(*connRow)
	r.id.SetText(ci.ID)
	r.who.SetText(p.owner(ci))
	r.stats.SetText(fmt.Sprintf("%s · in %d / out %d · connected %s · active %s",
		ci.SourceIP, ci.FramesIn, ci.FramesOut, ago(ci.ConnectedAt), ago(ci.LastActiveAt)))
}

// owner names who holds a connection: a tab of this window, or the client's
// user agent.
func (p *connectionsPanel) owner(ci emulator.ConnectionInfo) string {
	if t := p.wb.clients.byConnID(ci.ID); t != nil {
		return t.name
	}
	if ci.UserAgent != "" {
		return ci.UserAgent
	}
	return "(no user agent)"
}

// ago says how long ago t was, roughly.
func ago(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := time.Since(t)
	switch {
	case d < time.Second:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	}
	return t.Format("15:04:05")
}

// refresh reads the gateway's connections. It also gives a tab whose
// connection ID the event stream did not deliver (events are dropped only
// when the window falls far behind) its ID, by local address.
func (p *connectionsPanel) refresh() {
	p.lastPoll = time.Now()
	infos := p.wb.gw.Connections()
	p.sortInfos(infos)
	p.infos = infos
	for _, m := range p.wb.tabs.list() {
		c := m.Client()
		if c.ConnectionID() != "" || c.State().Phase != client.Open {
			continue
		}
		for _, ci := range infos {
			if ci.RemoteAddr == c.LocalAddr() {
				c.SetConnectionID(ci.ID)
			}
		}
	}
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
func (p *connectionsPanel) sortInfos(infos []emulator.ConnectionInfo) {
	rank := map[string]int{}
	for i, t := range p.wb.clients.list {
		if id := t.model.Client().ConnectionID(); id != "" {
			rank[id] = i + 1
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

// due reports whether traffic alone should refresh the panel now.
func (p *connectionsPanel) due() bool { return time.Since(p.lastPoll) >= connsMinInterval }

func (p *connectionsPanel) onSelected(i widget.ListItemID) {
	if p.syncing || i < 0 || i >= len(p.infos) {
		return
	}
	ci := p.infos[i]
	p.setSelected(ci.ID)
	if t := p.wb.clients.byConnID(ci.ID); t != nil {
		p.wb.clients.selectTab(t)
	}
	p.wb.tracer.showConnect(ci.ID)
}

// setSelected selects the connection with the given ID ("" for none).
func (p *connectionsPanel) setSelected(id string) {
	p.selectedID = id
	if id == "" {
		p.result.SetText("Select a connection to send to it as a backend does (POST @connections), or to disconnect it.")
		p.result.Importance = widget.LowImportance
		p.result.Refresh()
		p.sendBtn.Disable()
		p.discBtn.Disable()
		return
	}
	var ci emulator.ConnectionInfo
	for _, c := range p.infos {
		if c.ID == id {
			ci = c
		}
	}
	p.result.SetText(fmt.Sprintf("%s · %s · %s · connected at %s",
		ci.ID, p.owner(ci), ci.RemoteAddr, ci.ConnectedAt.Format("15:04:05")))
	p.result.Importance = widget.LowImportance
	p.result.Refresh()
	p.sendBtn.Enable()
	p.discBtn.Enable()
}

// selectID selects the connection with the given ID, if the panel lists it.
func (p *connectionsPanel) selectID(id string) bool {
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
func (p *connectionsPanel) onSend() {
	if p.selectedID == "" {
		return
	}
	err := p.wb.gw.PostToConnection(p.selectedID, []byte(p.sendEntry.Text))
	if err != nil {
		p.result.SetText("Not sent: " + err.Error())
		p.result.Importance = widget.DangerImportance
	} else {
		p.result.SetText(fmt.Sprintf("Sent %s to %s at %s.", formatSize(len(p.sendEntry.Text)), p.selectedID, time.Now().Format("15:04:05")))
		p.result.Importance = widget.SuccessImportance
	}
	p.result.Refresh()
}

// onSendAll posts the entry's text to every connection the gateway holds,
// one POST @connections/{id} each, as a broadcast backend does.
func (p *connectionsPanel) onSendAll() {
	infos := p.wb.gw.Connections()
	if len(infos) == 0 {
		p.showResult("No connections to send to.", widget.DangerImportance)
		return
	}
	data := []byte(p.sendEntry.Text)
	sent := 0
	var failed []string
	for _, ci := range infos {
		if err := p.wb.gw.PostToConnection(ci.ID, data); err != nil {
			failed = append(failed, ci.ID+": "+err.Error())
			continue
		}
		sent++
	}
	if len(failed) > 0 {
		p.showResult(fmt.Sprintf("Sent to %d of %d; not sent to %s", sent, len(infos), strings.Join(failed, "; ")), widget.DangerImportance)
		return
	}
	p.showResult(fmt.Sprintf("Sent %s to all %s at %s.", formatSize(len(data)), plural(sent, "connection"), time.Now().Format("15:04:05")), widget.SuccessImportance)
}

func (p *connectionsPanel) showResult(text string, imp widget.Importance) {
	p.result.SetText(text)
	p.result.Importance = imp
	p.result.Refresh()
}

// onDisconnect closes the selected connection as DELETE @connections/{id}
// does (1000, its $disconnect runs).
func (p *connectionsPanel) onDisconnect() {
	if p.selectedID == "" {
		return
	}
	if err := p.wb.gw.DeleteConnection(p.selectedID); err != nil {
		p.result.SetText("Not disconnected: " + err.Error())
		p.result.Importance = widget.DangerImportance
	} else {
		p.result.SetText("Disconnected " + p.selectedID + ".")
		p.result.Importance = widget.LowImportance
	}
	p.result.Refresh()
}
