package ui

import (
	"fyne.io/fyne/v2"

	"wsworkbench/emulator"
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

// follow hands the bridge a gateway that replaces the one it reads: its
// ingest goroutine moves to it once the current gateway's events end. It is
// safe to call from any goroutine.
func (b *bridge) follow(gw *emulator.Gateway) {
	sub := gw.SubscribeBytes(eventBuffer, eventBytes)
	b.nextMu.Lock()
	b.nextSubs = append(b.nextSubs, sub)
	b.nextMu.Unlock()
}

// takeNextSub returns the subscription to the gateway that replaced the
// current one, or nil when none did.
func (b *bridge) takeNextSub() *emulator.Subscription {
	b.nextMu.Lock()
	defer b.nextMu.Unlock()
	if len(b.nextSubs) == 0 {
		return nil
	}
	sub := b.nextSubs[0]
	b.nextSubs = b.nextSubs[1:]
	return sub
}
