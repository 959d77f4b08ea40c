package ui

import (
	"fyne.io/fyne/v2"

	"wsworkbench/emulator/model"
	"wsworkbench/ui/editor"
)

// editorHost is the window as the API editor sees it (editor.Host): the
// controller's draft, the window for dialogs, and the local backends.
type editorHost struct{ wb *workbench }

var (
	_ editor.Host     = editorHost{}
	_ editor.Backends = editorHost{}
)

func (h editorHost) Draft() *model.API         { return h.wb.ctl.Workspace().API }
func (h editorHost) AssignIDs()                { h.wb.ctl.Workspace().AssignIDs() }
func (h editorHost) Edited()                   { h.wb.ctl.Edited() }
func (h editorHost) Window() fyne.Window       { return h.wb.win }
func (h editorHost) ShowError(err error)       { h.wb.showError(err) }
func (h editorHost) Backends() editor.Backends { return h }
func (h editorHost) ChatURL() string           { return h.wb.ctl.Chat.URL() }
func (h editorHost) ToggleChat()               { h.wb.samples.onToggleChatSample() }
func (h editorHost) TLSOn() bool               { return h.wb.ctl.TLS.On() }
func (h editorHost) Restarting() bool          { return h.wb.ctl.Server.Restarting() }
func (h editorHost) ToggleTLS()                { toggleTLS(h.wb.ctl.TLS, h.wb.showError) }
func (h editorHost) CertPath() string          { return h.wb.ctl.TLS.CertPath() }

// RouteAdded offers the composers a message for the new route.
func (h editorHost) RouteAdded(key string) {
	h.wb.starters.offer(routeMessage(h.Draft().RouteSelectionExpression, key), false)
}
