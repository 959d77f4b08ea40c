package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/client"
)

// clientTab is one client: a header with its connection ID and state, the
// message log, and the composer.
type clientTab struct {
	wb     *workbench
	name   string
	target tabTarget
	model  *tabModel
	item   *container.TabItem

	stateLabel *widget.Label
	idLabel    *widget.Label
	urlLabel   *widget.Label
	connectBtn *widget.Button
	closeBtn   *widget.Button
	log        *logView
	composer   *composer

	shownState client.State
	shownID    string
	shownURL   string
	shownWhy   string
	stateSet   bool

	content   fyne.CanvasObject // header, log and composer: a tab's or a tile's
	tileTitle *widget.Label     // the name above the tile
	seenSeq   uint64            // the newest entry shown on screen
	unread    int               // frames received since then, on the tab's title
}

func newClientTab(wb *workbench, name string, target tabTarget) *clientTab {
	t := &clientTab{wb: wb, name: name, target: target}
	t.model = newTabModel(name, t.newClient())
	t.log = newLogView(t)
	t.composer = newComposer(t)
	t.content = t.buildUI()
	t.item = container.NewTabItemWithIcon(name, stateIcon(client.Idle), t.content)
	t.refresh()
	return t
}

// url returns the URL the tab connects to now.
func (t *clientTab) url() string {
	if t.target.url == "" {
		return t.wb.gw.URL()
	}
	return t.target.url
}

// newClient returns a client for the tab's target.
func (t *clientTab) newClient() *client.Client {
	return client.New(client.Options{
		URL:              t.url(),
		Header:           t.target.header,
		Query:            t.target.query,
		Subprotocols:     t.target.subprotocols,
		HandshakeTimeout: t.wb.opts.connectTimeout,
		LogCapacity:      t.wb.opts.logCapacity,
		OnChange:         t.wb.bridge.clientChanged,
		RootCAs:          t.wb.clientRoots(), // the gateway's certificate when it serves wss://
	})
}

func (t *clientTab) buildUI() fyne.CanvasObject {
	t.stateLabel = widget.NewLabel("")
	t.stateLabel.TextStyle = fyne.TextStyle{Bold: true}
	t.stateLabel.Truncation = fyne.TextTruncateEllipsis
	t.idLabel = widget.NewLabel("")
	t.idLabel.Selectable = true
	t.idLabel.TextStyle = fyne.TextStyle{Monospace: true}
	t.urlLabel = widget.NewLabel("")
	t.urlLabel.Truncation = fyne.TextTruncateEllipsis
	t.urlLabel.SizeName = theme.SizeNameCaptionText
	copyID := widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() {
		t.wb.win.Clipboard().SetContent(t.model.Client().ConnectionID())
	})
	t.connectBtn = widget.NewButtonWithIcon("Reconnect", theme.ViewRefreshIcon(), t.onReconnect)
	t.closeBtn = widget.NewButtonWithIcon("Close", theme.CancelIcon(), t.onDisconnect)
	settings := widget.NewButtonWithIcon("", theme.SettingsIcon(), t.onSettings)
	// Two short rows rather than one long one, so the header fits a
	// narrow column (a 1024-pixel screen, a tile): the state and the
	// connection ID, then the URL and the buttons.
	idBox := container.NewHBox(widget.NewLabel("ID"), t.idLabel, copyID)
	row := container.NewBorder(nil, nil, nil, idBox, t.stateLabel)
	row2 := container.NewBorder(nil, nil, nil, container.NewHBox(t.connectBtn, t.closeBtn, settings), t.urlLabel)
	header := container.NewVBox(row, row2)

	body := container.NewVSplit(t.log.object(), t.composer.object())
	body.Offset = 0.72
	return container.NewBorder(header, nil, nil, nil, body)
}

// stateIcon is the tab's coloured dot for a phase.
func stateIcon(p client.Phase) fyne.Resource {
	dot := theme.RadioButtonCheckedIcon()
	switch p {
	case client.Open:
		return theme.NewSuccessThemedResource(dot)
	case client.Connecting, client.Closing:
		return theme.NewWarningThemedResource(dot)
	case client.Closed:
		return theme.NewErrorThemedResource(dot)
	}
	return theme.NewDisabledResource(dot)
}

// refresh shows the client's state, connection ID and new log entries.
func (t *clientTab) refresh() {
	c := t.model.Client()
	st := c.State()
	why := ""
	if st.Phase == client.Closed && st.CloseCode != 0 {
		why = t.model.closeReason()
	}
	if !t.stateSet || !sameState(st, t.shownState) || why != t.shownWhy {
		t.stateSet = true
		t.shownState = st
		t.shownWhy = why
		text := "● " + st.String()
		if why != "" {
			text += ": " + why
		}
		t.stateLabel.SetText(text)
		switch st.Phase {
		case client.Open:
			t.stateLabel.Importance = widget.SuccessImportance
		case client.Closed:
			t.stateLabel.Importance = widget.DangerImportance
		default:
			t.stateLabel.Importance = widget.WarningImportance
		}
		t.stateLabel.Refresh()
		t.item.Icon = stateIcon(st.Phase)
		open := st.Phase == client.Open || st.Phase == client.Connecting
		if open {
			t.connectBtn.SetText("Reconnect")
			t.closeBtn.Enable()
		} else {
			t.connectBtn.SetText("Connect")
			t.closeBtn.Disable()
		}
		t.wb.clients.docs.Refresh()
	}
	if id := c.ConnectionID(); id != t.shownID || t.idLabel.Text == "" {
		t.shownID = id
		if id == "" {
			id = "—"
		}
		t.idLabel.SetText(id)
	}
	if u := t.displayURL(); u != t.shownURL {
		t.shownURL = u
		t.urlLabel.SetText(u)
	}
	t.log.refresh()
	t.updateUnread()
}

func sameState(a, b client.State) bool {
	return a.Phase == b.Phase && a.String() == b.String()
}

// displayURL is the URL the header shows, with the subprotocol chosen.
func (t *clientTab) displayURL() string {
	c := t.model.Client()
	u := c.URL()
	if u == "" {
		u = t.url()
	}
	if p := c.Subprotocol(); p != "" {
		u += "  (subprotocol " + p + ")"
	}
	return u
}

// connect connects the tab's client in the background; the outcome shows
// through the bridge. When the embedded gateway's URL has changed (a new
// stage name) the tab gets a client for the new URL first.
func (t *clientTab) connect() {
	c := t.model.Client()
	if t.target.url == "" && c.URL() != "" && !strings.HasPrefix(c.URL(), t.wb.gw.URL()) {
		c = t.replaceClient()
	}
	t.wb.background(func() {
		ctx, cancel := context.WithTimeout(context.Background(), t.wb.opts.connectTimeout)
		defer cancel()
		if p := c.State().Phase; p == client.Open || p == client.Connecting {
			_ = c.Reconnect(ctx)
			return
		}
		_ = c.Connect(ctx) // a failure is in the log and the state
	})
}

// replaceClient gives the tab a new client for its target, carrying the
// log and the history over, and closes the old one.
func (t *clientTab) replaceClient() *client.Client {
	old := t.model.Client()
	nc := t.newClient()
	remap := map[uint64]uint64{}
	for _, e := range old.Log().Entries() {
		oldSeq := e.Seq
		e.Seq = 0
		remap[oldSeq] = nc.Log().Append(e)
	}
	for _, h := range old.History().Items() {
		nc.History().Add(h)
	}
	t.model.swap(nc, remap)
	t.wb.background(func() { _ = old.Close(1000, "") })
	t.log.reset()
	return nc
}

func (t *clientTab) onReconnect() { t.connect() }

// onDisconnect closes the connection normally (1000).
func (t *clientTab) onDisconnect() {
	c := t.model.Client()
	t.wb.background(func() { _ = c.Close(1000, "") })
}

// onSettings edits the tab's URL, headers, query and subprotocols, then
// reconnects with them.
func (t *clientTab) onSettings() {
	showTargetDialog(t.wb.win, "Connection of "+t.name, t.target, t.wb.gw.URL(), func(nt tabTarget) {
		t.target = nt
		t.replaceClient()
		t.connect()
	})
}

// onShown is called when the tab is selected.
func (t *clientTab) onShown() {
	t.markSeen()
	t.wb.showTrace(t, t.log.selected)
}

// dispose closes the tab's connection in the background.
func (t *clientTab) dispose() {
	c := t.model.Client()
	t.wb.background(func() { _ = c.Close(1001, "Going away") })
}
