package ui

// clientMenu is the Client menu's actions on the client tabs: each acts on
// the selected tab.
type clientMenu struct{ ct *clientTabs }

// onNewClient opens a tab on the embedded gateway.
func (m clientMenu) onNewClient() { m.ct.addTab(tabTarget{}, true) }

// onNewClientURL asks for a URL, headers, query and subprotocols, then opens
// a tab for them.
func (m clientMenu) onNewClientURL() {
	showTargetDialog(m.ct.wb.win, "New client tab", tabTarget{url: m.ct.wb.gw.URL()}, m.ct.wb.gw.URL(), func(t tabTarget) {
		m.ct.addTab(t, true)
	})
}

// onCloseTab closes the selected tab.
func (m clientMenu) onCloseTab() {
	if t := m.ct.current(); t != nil {
		m.ct.closeTab(t)
	} else if w := m.ct.currentWatch(); w != nil {
		m.ct.closeWatch(w)
	}
}

func (m clientMenu) onSend() {
	if t := m.ct.current(); t != nil {
		t.composer.onSend()
	}
}

func (m clientMenu) onPrettyComposer() {
	if t := m.ct.current(); t != nil {
		t.composer.onPretty()
	}
}

func (m clientMenu) onReconnect() {
	if t := m.ct.current(); t != nil {
		t.onReconnect()
	}
}

func (m clientMenu) onDisconnect() {
	if t := m.ct.current(); t != nil {
		t.onDisconnect()
	}
}

func (m clientMenu) onSearchLog() {
	if t := m.ct.current(); t != nil {
		m.ct.wb.win.Canvas().Focus(t.log.search)
	} else if w := m.ct.currentWatch(); w != nil {
		m.ct.wb.win.Canvas().Focus(w.view.Controls().Search)
	}
}

func (m clientMenu) onClearLog() {
	if t := m.ct.current(); t != nil {
		t.log.onClear()
	}
}

func (m clientMenu) onExportLog() {
	if t := m.ct.current(); t != nil {
		t.log.onExport()
	} else if w := m.ct.currentWatch(); w != nil {
		w.view.Controls().Export.OnTapped()
	}
}
