package ui

import (
	"crypto/x509"

	"fyne.io/fyne/v2"

	"wsworkbench/client"
	"wsworkbench/emulator"
	"wsworkbench/emulator/model"
	"wsworkbench/ui/clients"
	"wsworkbench/ui/connections"
	"wsworkbench/ui/trace"
	"wsworkbench/ui/watch"
)

// hosts.go holds the adapters through which the panel packages see the
// window.

// connsHost is the window as the connections panel sees it.
type connsHost struct{ wb *workbench }

var _ connections.Host = connsHost{}

func (h connsHost) Gateway() connections.Gateway { return h.wb.gw }

// Tab names the tab holding a connection and gives its position.
func (h connsHost) Tab(connID string) (string, int, bool) {
	t := h.wb.clients.ByConnID(connID)
	if t == nil {
		return "", 0, false
	}
	return t.Name, h.wb.clients.IndexOf(t), true
}

// Selected shows the tab holding the connection (a client tab, or its
// watch tab) and its $connect trace.
func (h connsHost) Selected(connID string) {
	if t := h.wb.clients.ByConnID(connID); t != nil {
		h.wb.clients.Select(t)
	} else if w := h.wb.clients.Watches.ByConnID(connID); w != nil {
		h.wb.clients.SelectItem(w.Item)
	}
	h.wb.tracer.ShowConnect(connID)
}

// Listed gives a tab whose connection ID the event stream did not deliver
// (events are dropped only when the window falls far behind) its ID, by
// local address.
func (h connsHost) Listed(infos []emulator.ConnectionInfo) {
	for _, m := range h.wb.ctl.Tabs.List() {
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

// watchHost is the window as a watch view sees it.
type watchHost struct{ wb *workbench }

var _ watch.Host = watchHost{}

func (h watchHost) Gateway() watch.Gateway { return h.wb.gw }

// ShowTrace shows a request's trace in the trace panel (its side tab in a
// narrow window, as a log row does).
func (h watchHost) ShowTrace(requestID string) {
	h.wb.tracer.ShowID(requestID)
	h.wb.panes.revealTrace()
}

// ExportAs is the window's export dialog, as a client tab's Export uses it.
func (h watchHost) ExportAs(title, name string, data func() ([]byte, error), done func(path string)) {
	h.wb.files.exportAs(title, name, data, done)
}

// Watch opens the watch tab of a connection, or selects it when open.
func (h connsHost) Watch(connID string) { h.wb.clients.Watches.Open(connID) }

// clientsHost is the window as the client tabs see it.
type clientsHost struct{ wb *workbench }

var _ clients.Host = clientsHost{}

func (h clientsHost) Window() fyne.Window         { return h.wb.win }
func (h clientsHost) GatewayURL() string          { return h.wb.gw.URL() }
func (h clientsHost) ClientRoots() *x509.CertPool { return h.wb.ctl.TLS.ClientRoots() }
func (h clientsHost) Changed()                    { h.wb.bridge.clientChanged() }
func (h clientsHost) TabsChanged()                { h.wb.conns.Refresh() }
func (h clientsHost) Relayout()                   { h.wb.panes.relayout() }
func (h clientsHost) RevealTrace()                { h.wb.panes.revealTrace() }
func (h clientsHost) OpenRoute(key string)        { h.wb.openRoute(key) }
func (h clientsHost) WatchHost() watch.Host       { return watchHost(h) }
func (h clientsHost) Starter() string             { return h.wb.starters.text }
func (h clientsHost) Notice(s string)             { h.wb.ctl.SetNotice(s) }
func (h clientsHost) ShowError(err error)         { h.wb.showError(err) }

func (h clientsHost) ShowEntry(src trace.Source, seq uint64) { h.wb.tracer.ShowEntry(src, seq) }

func (h clientsHost) SavedMessages() []model.SavedMessage {
	return h.wb.ctl.Workspace().API.SavedMessages
}

// SetSavedMessages changes the workspace's saved messages, which does not
// change what the gateway runs.
func (h clientsHost) SetSavedMessages(list []model.SavedMessage) {
	h.wb.ctl.Workspace().API.SavedMessages = list
	h.wb.ctl.Touched()
}

func (h clientsHost) ExportAs(title, name string, data func() ([]byte, error), done func(path string)) {
	h.wb.files.exportAs(title, name, data, done)
}
