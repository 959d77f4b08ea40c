package clients

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/client"
	"wsworkbench/ui/controller"
)

// Tab is one client: a header with its connection ID and state, the
// message log, and the composer.
type Tab struct {
	p      *Panel
	Name   string
	Target Target
	Model  *controller.Tab
	Item   *container.TabItem

	StateLabel *widget.Label
	IDLabel    *widget.Label
	URLLabel   *widget.Label
	ConnectBtn *widget.Button
	CloseBtn   *widget.Button
	Log        *LogView
	Composer   *Composer

	shownState client.State
	shownID    string
	shownURL   string
	shownWhy   string
	stateSet   bool

	Content   fyne.CanvasObject // header, log and composer: a tab's or a tile's
	tileTitle *widget.Label     // the name above the tile
	seenSeq   uint64            // the newest entry shown on screen
	unread    int               // frames received since then, on the tab's title
}

func newClientTab(p *Panel, name string, target Target) *Tab {
	t := &Tab{p: p, Name: name, Target: target}
	t.Model = controller.NewTab(name, t.newClient())
	t.Log = newLogView(t)
	t.Composer = newComposer(t)
	t.Content = t.buildUI()
	t.Item = container.NewTabItemWithIcon(name, stateIcon(client.Idle), t.Content)
	t.refresh()
	return t
}

// url returns the URL the tab connects to now.
func (t *Tab) url() string {
	if t.Target.URL == "" {
		return t.p.host.GatewayURL()
	}
	return t.Target.URL
}

// newClient returns a client for the tab's target.
func (t *Tab) newClient() *client.Client {
	return client.New(client.Options{
		URL:              t.url(),
		Header:           t.Target.Header,
		Query:            t.Target.Query,
		Subprotocols:     t.Target.Subprotocols,
		HandshakeTimeout: t.p.ConnectTimeout,
		LogCapacity:      t.p.LogCapacity,
		OnChange:         t.p.host.Changed,
		RootCAs:          t.p.host.ClientRoots(), // the gateway's certificate when it serves wss://
	})
}

func (t *Tab) buildUI() fyne.CanvasObject {
	t.StateLabel = widget.NewLabel("")
	t.StateLabel.TextStyle = fyne.TextStyle{Bold: true}
	t.StateLabel.Truncation = fyne.TextTruncateEllipsis
	t.IDLabel = widget.NewLabel("")
	t.IDLabel.Selectable = true
	t.IDLabel.TextStyle = fyne.TextStyle{Monospace: true}
	t.URLLabel = widget.NewLabel("")
	t.URLLabel.Truncation = fyne.TextTruncateEllipsis
	t.URLLabel.SizeName = theme.SizeNameCaptionText
	copyID := widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() {
		t.p.host.Window().Clipboard().SetContent(t.Model.Client().ConnectionID())
	})
	t.ConnectBtn = widget.NewButtonWithIcon("Reconnect", theme.ViewRefreshIcon(), t.onReconnect)
	t.CloseBtn = widget.NewButtonWithIcon("Close", theme.CancelIcon(), t.onDisconnect)
	settings := widget.NewButtonWithIcon("", theme.SettingsIcon(), t.OnSettings)
	// Two short rows rather than one long one, so the header fits a
	// narrow column (a 1024-pixel screen, a tile): the state and the
	// connection ID, then the URL and the buttons.
	idBox := container.NewHBox(widget.NewLabel("ID"), t.IDLabel, copyID)
	// The log's count sits in the header, so the log keeps its height.
	row := container.NewBorder(nil, nil, nil, container.NewHBox(t.Log.CountLabel, idBox), t.StateLabel)
	row2 := container.NewBorder(nil, nil, nil, container.NewHBox(t.ConnectBtn, t.CloseBtn, settings), t.URLLabel)
	header := container.NewVBox(row, row2)

	// The composer starts at its minimum (two lines and its bar): the
	// log gets the height; dragging the divider up gives the composer
	// more.
	body := container.NewVSplit(t.Log.object(), t.Composer.object())
	body.Offset = 1
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
func (t *Tab) refresh() {
	c := t.Model.Client()
	st := c.State()
	why := ""
	if st.Phase == client.Closed && st.CloseCode != 0 {
		why = t.Model.CloseReason()
	}
	if !t.stateSet || !sameState(st, t.shownState) || why != t.shownWhy {
		t.stateSet = true
		t.shownState = st
		t.shownWhy = why
		text := "● " + st.String()
		if why != "" {
			text += ": " + why
		}
		t.StateLabel.SetText(text)
		switch st.Phase {
		case client.Open:
			t.StateLabel.Importance = widget.SuccessImportance
		case client.Closed:
			t.StateLabel.Importance = widget.DangerImportance
		default:
			t.StateLabel.Importance = widget.WarningImportance
		}
		t.StateLabel.Refresh()
		t.Item.Icon = stateIcon(st.Phase)
		open := st.Phase == client.Open || st.Phase == client.Connecting
		if open {
			t.ConnectBtn.SetText("Reconnect")
			t.CloseBtn.Enable()
		} else {
			t.ConnectBtn.SetText("Connect")
			t.CloseBtn.Disable()
		}
		t.p.Docs.Refresh()
	}
	if id := c.ConnectionID(); id != t.shownID || t.IDLabel.Text == "" {
		t.shownID = id
		if id == "" {
			id = "—"
		}
		t.IDLabel.SetText(id)
	}
	if u := t.displayURL(); u != t.shownURL {
		t.shownURL = u
		t.URLLabel.SetText(u)
	}
	t.Log.refresh()
	t.updateUnread()
}

func sameState(a, b client.State) bool {
	return a.Phase == b.Phase && a.String() == b.String()
}

// displayURL is the URL the header shows, with the subprotocol chosen.
func (t *Tab) displayURL() string {
	c := t.Model.Client()
	u := c.URL()
	if u == "" {
		u = t.url()
	}
	if p := c.Subprotocol(); p != "" {
		u += "  (subprotocol " + p + ")"
	}
	return u
}

// Connect connects the tab's client in the background; the outcome shows
// through the bridge. When the embedded gateway's URL has changed (a new
// stage name) the tab gets a client for the new URL first.
func (t *Tab) Connect() {
	c := t.Model.Client()
	if t.Target.URL == "" && c.URL() != "" && !strings.HasPrefix(c.URL(), t.p.host.GatewayURL()) {
		c = t.replaceClient()
	}
	t.p.background(func() {
		ctx, cancel := context.WithTimeout(context.Background(), t.p.ConnectTimeout)
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
func (t *Tab) replaceClient() *client.Client {
	old := t.Model.Client()
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
	t.Model.Swap(nc, remap)
	t.p.background(func() { _ = old.Close(1000, "") })
	t.Log.reset()
	return nc
}

func (t *Tab) onReconnect() { t.Connect() }

// onDisconnect closes the connection normally (1000).
func (t *Tab) onDisconnect() {
	c := t.Model.Client()
	t.p.background(func() { _ = c.Close(1000, "") })
}

// OnSettings edits the tab's URL, headers, query and subprotocols, then
// reconnects with them.
func (t *Tab) OnSettings() {
	showTargetDialog(t.p.host.Window(), "Connection of "+t.Name, t.Target, t.p.host.GatewayURL(), func(nt Target) {
		t.Target = nt
		t.replaceClient()
		t.Connect()
	})
}

// onShown is called when the tab is selected.
func (t *Tab) onShown() {
	t.markSeen()
	t.p.showTrace(t, t.Log.Selected)
}

// dispose closes the tab's connection in the background.
func (t *Tab) dispose() {
	c := t.Model.Client()
	t.p.background(func() { _ = c.Close(1001, "Going away") })
}
