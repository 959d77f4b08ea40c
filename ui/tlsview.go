package ui

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"time"

	"wsworkbench/emulator"
	"wsworkbench/emulator/tlscert"
)

// prefTLS remembers whether the gateway serves wss:// and https://.
const prefTLS = "gateway.tls"

// tlsState is the certificate the gateway serves while TLS is on.
type tlsState struct {
	cert *tlscert.Cert
	// roots are the system's roots and the certificate: what the window's
	// own clients (tabs, the chat backend) trust.
	roots *x509.CertPool
}

// clientRoots returns the roots the window's clients trust: nil (the
// system's) while the gateway serves plain ws://.
func (wb *workbench) clientRoots() *x509.CertPool {
	if wb.backends.tls == nil {
		return nil
	}
	return wb.backends.tls.roots
}

// tlsOn reports whether the gateway serves wss://.
func (wb *workbench) tlsOn() bool { return wb.backends.tls != nil }

// loadCert returns the workbench's certificate, making it on first use.
func (wb *workbench) loadCert() (*tlsState, error) {
	dir := wb.backends.certDir
	if dir == "" {
		d, err := tlscert.DefaultDir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	cert, err := tlscert.Ensure(dir)
	if err != nil {
		return nil, fmt.Errorf("TLS certificate: %w", err)
	}
	roots, err := x509.SystemCertPool()
	if err != nil || roots == nil {
		roots = x509.NewCertPool()
	}
	roots.AddCert(cert.TLS.Leaf)
	return &tlsState{cert: cert, roots: roots}, nil
}

// setTLS makes the gateway serve wss:// and https:// with the workbench's
// certificate (on) or plain ws:// (off). That takes a new listener: the
// gateway restarts on the same address, its connections close with 1001
// and the tabs on it reconnect to the new URL, trusting the certificate. A
// running chat backend restarts so it trusts the certificate too.
func (wb *workbench) setTLS(on bool) error {
	if on == wb.tlsOn() {
		return nil
	}
	var st *tlsState
	if on {
		var err error
		if st, err = wb.loadCert(); err != nil {
			return err
		}
	}
	if err := wb.restartGateway(st); err != nil {
		return err
	}
	wb.prefs.SetBool(prefTLS, on)
	wb.apply() // the draft, when it compiles, on the new gateway
	for _, t := range wb.clients.list {
		if t.target.url == "" {
			t.connect()
		}
	}
	chatErr := wb.restartChatSample()
	wb.editor.settingsChanged()
	wb.win.SetMainMenu(wb.buildMenu())
	if on {
		wb.setNotice("Serving wss:// with the certificate " + st.cert.CertPath + " (trust it with NODE_EXTRA_CA_CERTS, wscat --ca, curl --cacert).")
	} else {
		wb.setNotice("Serving plain ws:// again.")
	}
	return chatErr
}

// onToggleTLS turns TLS on or off, from the menu or the settings.
func (wb *workbench) onToggleTLS() {
	if err := wb.setTLS(!wb.tlsOn()); err != nil {
		wb.showError(err)
	}
}

// restoreTLS serves wss:// at start when the window did last time. It runs
// before the bridge exists.
func (wb *workbench) restoreTLS() error {
	if !wb.prefs.Bool(prefTLS) {
		return nil
	}
	st, err := wb.loadCert()
	if err != nil {
		return err
	}
	return wb.restartGateway(st)
}

// restartGateway replaces the gateway by one on the same address that runs
// the same configuration, serving TLS with st (nil: plain). The bridge is
// handed the new gateway's events before the old one closes, so it misses
// none. When the address cannot be had again the new gateway takes any free
// port on loopback.
func (wb *workbench) restartGateway(st *tlsState) error {
	old := wb.gw
	addr := old.Addr()
	api := old.API()
	var cfg *tls.Config
	if st != nil {
		cfg = st.cert.ServerConfig()
	}
	newGateway := func(addr string) (*emulator.Gateway, error) {
		gw, err := emulator.New(api, emulator.Options{Addr: addr, TLS: cfg})
		if err != nil {
			return nil, err
		}
		if wb.bridge != nil {
			wb.bridge.follow(gw)
		}
		return gw, nil
	}
	gw, err := newGateway(addr)
	if err != nil {
		return fmt.Errorf("restart the gateway: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	_ = old.Close(ctx)
	cancel()
	if err := gw.Open(); err != nil {
		// The fallback's events are queued for the bridge before the
		// unopened gateway's end.
		failed := gw
		if gw, err = newGateway("127.0.0.1:0"); err != nil {
			return fmt.Errorf("restart the gateway: %w", err)
		}
		_ = failed.Close(context.Background())
		if err := gw.Open(); err != nil {
			return fmt.Errorf("restart the gateway: %w", err)
		}
	}
	wb.gw = gw
	wb.backends.tls = st
	return nil
}

// follow hands the bridge a gateway that replaces the one it reads: its
// ingest goroutine moves to it once the current gateway's events end.
func (b *bridge) follow(gw *emulator.Gateway) {
	sub := gw.Subscribe(eventBuffer)
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
