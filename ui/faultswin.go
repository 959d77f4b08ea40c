package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/emulator"
	"wsworkbench/emulator/model"
	"wsworkbench/ui/controller"
	"wsworkbench/ui/faults"
)

// faultsView is the toolbar's Faults button and the faults panel it opens
// in a window of its own. It holds the controller (faults go through it
// into the workspace, saved in its Metadata, and the running gateway) and
// the gateway the window shows, nothing else of the window.
type faultsView struct {
	app fyne.App
	ctl *controller.Controller
	gw  func() *emulator.Gateway

	btn   *widget.Button // "Faults", or "Faults on" while any fault is active
	panel *faults.Panel  // while the window is open
	win   fyne.Window
}

// faultsHost is the faults panel's view of the window.
type faultsHost struct{ v *faultsView }

var _ faults.Host = faultsHost{}

func (h faultsHost) Faults() model.Faults { return h.v.ctl.Faults() }
func (h faultsHost) SetFaults(f model.Faults) error {
	if err := h.v.ctl.SetFaults(f); err != nil {
		return err
	}
	h.v.update()
	return nil
}

// Connections are the open connections' IDs, for the panel's picker.
func (h faultsHost) Connections() []string {
	infos := h.v.gw().Connections()
	ids := make([]string, len(infos))
	for i, ci := range infos {
		ids[i] = ci.ID
	}
	return ids
}

// newFaultsView makes the toolbar's Faults button.
func newFaultsView(app fyne.App, ctl *controller.Controller, gw func() *emulator.Gateway) *faultsView {
	v := &faultsView{app: app, ctl: ctl, gw: gw}
	v.btn = widget.NewButtonWithIcon("Faults", theme.WarningIcon(), v.open)
	v.update()
	return v
}

// open shows the faults panel in a window of its own.
func (v *faultsView) open() {
	if v.win != nil {
		v.win.RequestFocus()
		return
	}
	v.panel = faults.New(faultsHost{v})
	v.win = v.app.NewWindow("Faults")
	v.win.SetContent(v.panel.Object())
	v.win.Resize(fyne.NewSize(420, 560))
	v.win.SetOnClosed(func() { v.win, v.panel = nil, nil })
	v.win.Show()
}

// connectionOpen reports whether the gateway holds connection id open.
func (v *faultsView) connectionOpen(id string) bool {
	_, ok := v.gw().Connection(id)
	return ok
}

// update marks the toolbar while any fault can act: one kept for a
// connection that has closed does not count (the marker goes off when the
// last connection with faults closes).
func (v *faultsView) update() {
	f := v.gw().Faults()
	text, imp := "Faults", widget.MediumImportance
	if f.Acting(v.connectionOpen) {
		text, imp = "Faults on", widget.DangerImportance
	}
	if v.btn.Text != text || v.btn.Importance != imp {
		v.btn.SetText(text)
		v.btn.Importance = imp
		v.btn.Refresh()
	}
}

// connectionsChanged follows connections that opened or closed: a
// connection with faults may have closed, and an open panel's picker
// offers the open ones.
func (v *faultsView) connectionsChanged() {
	v.update()
	if v.panel != nil {
		v.panel.RefreshConnections()
	}
}

// reload shows another workspace's faults in an open panel.
func (v *faultsView) reload() {
	if v.panel != nil {
		v.panel.Load()
	}
}

// close closes the faults window (the main window is closing).
func (v *faultsView) close() {
	if v.win != nil {
		v.win.SetOnClosed(nil)
		v.win.Close()
		v.win, v.panel = nil, nil
	}
}
