package ui

import (
	"fyne.io/fyne/v2"

	"wsworkbench/ui/controller"
)

// toggleTLS turns TLS on or off, from the menu or the settings. The
// gateway restarts off the UI goroutine; the status line says so until it
// is back, and tabs on it reconnect to the new URL. A failure goes to
// onErr.
func toggleTLS(tls *controller.TLS, onErr func(error)) {
	tls.Set(!tls.On(), func(err error) {
		if err != nil {
			onErr(err)
		}
	})
}

// tlsMenuItem is API > Serve over TLS, checked while the gateway serves
// wss://.
func tlsMenuItem(ctl *controller.Controller, onErr func(error)) *fyne.MenuItem {
	it := fyne.NewMenuItem("Serve over TLS (wss://)", func() { toggleTLS(ctl.TLS, onErr) })
	it.Checked = ctl.TLS.On()
	it.Disabled = ctl.Server.Restarting()
	return it
}
