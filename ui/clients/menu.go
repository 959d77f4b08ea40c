package clients

// Menu is the Client menu's actions on the client tabs: each acts on
// the selected tab.
type Menu struct{ ct *Panel }

// NewMenu returns the Client menu's actions on p's tabs.
func NewMenu(p *Panel) Menu { return Menu{p} }

// OnNewClient opens a tab on the embedded gateway.
func (m Menu) OnNewClient() { m.ct.Add(Target{}, true) }

// OnNewClientURL asks for a URL, headers, query and subprotocols, then opens
// a tab for them.
func (m Menu) OnNewClientURL() {
	showTargetDialog(m.ct.host.Window(), "New client tab", Target{URL: m.ct.host.GatewayURL()}, m.ct.host.GatewayURL(), func(t Target) {
		m.ct.Add(t, true)
	})
}

// OnCloseTab closes the selected tab.
func (m Menu) OnCloseTab() {
	if t := m.ct.Current(); t != nil {
		m.ct.closeTab(t)
	} else if w := m.ct.Watches.current(); w != nil {
		m.ct.Watches.close(w)
	}
}

// OnSend sends the selected tab's message (Ctrl+Enter).
func (m Menu) OnSend() {
	if t := m.ct.Current(); t != nil {
		t.Composer.onSend()
	}
}

// OnPrettyComposer pretty-prints the selected tab's JSON message.
func (m Menu) OnPrettyComposer() {
	if t := m.ct.Current(); t != nil {
		t.Composer.OnPretty()
	}
}

// OnReconnect reconnects the selected tab.
func (m Menu) OnReconnect() {
	if t := m.ct.Current(); t != nil {
		t.onReconnect()
	}
}

// OnDisconnect closes the selected tab's connection normally (1000).
func (m Menu) OnDisconnect() {
	if t := m.ct.Current(); t != nil {
		t.onDisconnect()
	}
}

// OnSearchLog puts the keyboard focus in the selected tab's search field.
func (m Menu) OnSearchLog() {
	if t := m.ct.Current(); t != nil {
		m.ct.host.Window().Canvas().Focus(t.Log.Search)
	} else if w := m.ct.Watches.current(); w != nil {
		m.ct.host.Window().Canvas().Focus(w.View.Controls().Search)
	}
}

// OnClearLog clears the selected tab's log.
func (m Menu) OnClearLog() {
	if t := m.ct.Current(); t != nil {
		t.Log.OnClear()
	}
}

// OnExportLog exports the selected tab's log (or a watch tab's).
func (m Menu) OnExportLog() {
	if t := m.ct.Current(); t != nil {
		t.Log.OnExport()
	} else if w := m.ct.Watches.current(); w != nil {
		w.View.Controls().Export.OnTapped()
	}
}
