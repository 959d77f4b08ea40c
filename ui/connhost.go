package ui

import (
	"wsworkbench/client"
	"wsworkbench/emulator"
	"wsworkbench/ui/connections"
)

// connsHost is the window as the connections panel sees it.
type connsHost struct{ wb *workbench }

var _ connections.Host = connsHost{}

func (h connsHost) Gateway() connections.Gateway { return h.wb.gw }

// Tab names the tab holding a connection and gives its position.
func (h connsHost) Tab(connID string) (string, int, bool) {
	t := h.wb.clients.byConnID(connID)
	if t == nil {
		return "", 0, false
	}
	return t.name, h.wb.clients.indexOf(t), true
}

// Selected shows the tab holding the connection and its $connect trace.
func (h connsHost) Selected(connID string) {
	if t := h.wb.clients.byConnID(connID); t != nil {
		h.wb.clients.selectTab(t)
	}
	h.wb.tracer.showConnect(connID)
}

// Listed gives a tab whose connection ID the event stream did not deliver
// (events are dropped only when the window falls far behind) its ID, by
// local address.
func (h connsHost) Listed(infos []emulator.ConnectionInfo) {
	for _, m := range h.wb.tabs.list() {
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
}
