package ui

import (
	"wsworkbench/client"
	"wsworkbench/emulator"
	"wsworkbench/ui/connections"
	"wsworkbench/ui/trace"
)

// hosts.go holds the adapters through which the panel packages see the
// window.

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

// Selected shows the tab holding the connection (a client tab, or its
// watch tab) and its $connect trace.
func (h connsHost) Selected(connID string) {
	if t := h.wb.clients.byConnID(connID); t != nil {
		h.wb.clients.selectTab(t)
	} else if w := h.wb.clients.watchByConnID(connID); w != nil {
		h.wb.clients.selectItem(w.item)
	}
	h.wb.tracer.ShowConnect(connID)
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

// traceHost is the window as the trace panel sees it.
type traceHost struct{ wb *workbench }

var _ trace.Host = traceHost{}

func (h traceHost) ConnectionOpen(connID string) bool {
	_, ok := h.wb.gw.Connection(connID)
	return ok
}

// tabSource is a client tab's log as the trace panel reads it.
type tabSource struct{ t *clientTab }

var _ trace.Source = tabSource{}

func (s tabSource) Log() *client.Log                  { return s.t.model.Client().Log() }
func (s tabSource) Request(seq uint64) (string, bool) { return s.t.model.request(seq) }
func (s tabSource) ConnectRequest() string            { return s.t.model.connectRequest() }
func (s tabSource) Embedded() bool                    { return s.t.target.url == "" }

// showTrace shows the trace of a tab's log entry (none for seq 0).
func (wb *workbench) showTrace(t *clientTab, seq uint64) {
	if t == nil || seq == 0 {
		wb.tracer.ShowEntry(nil, 0)
		return
	}
	wb.tracer.ShowEntry(tabSource{t}, seq)
}
