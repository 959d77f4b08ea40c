package controller

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"

	"wsworkbench/emulator"
	"wsworkbench/emulator/tlscert"
)

// TLS is the part of the Controller that makes the gateway serve wss://
// with the workbench's certificate, or plain ws:// (Controller.TLS): the
// restart that takes, off the owner goroutine, and what the window's own
// clients must trust. Like the Controller it belongs to the owner
// goroutine.
type TLS struct {
	c  *Controller
	st *tlsState // set while the gateway serves wss://
}

// tlsState is the certificate the gateway serves while TLS is on.
type tlsState struct {
	cert *tlscert.Cert
	// roots are the system's roots and the certificate: what the window's
	// own clients (tabs, the chat backend) trust.
	roots *x509.CertPool
}

// On reports whether the gateway serves wss://.
func (t *TLS) On() bool { return t.st != nil }

// ClientRoots returns the roots the window's clients trust: nil (the
// system's) while the gateway serves plain ws://.
func (t *TLS) ClientRoots() *x509.CertPool {
	if t.st == nil {
		return nil
	}
	return t.st.roots
}

// CertPath is the certificate the gateway serves ("" while it serves plain
// ws://).
func (t *TLS) CertPath() string {
	if t.st == nil {
		return ""
	}
	return t.st.cert.CertPath
}

// restore serves wss:// at start when the window did last time. It runs
// before anyone subscribes to the gateway, on the owner goroutine.
func (t *TLS) restore() error {
	s := t.c.Server
	if !t.c.opts.Prefs.Bool(PrefTLS) {
		return nil
	}
	st, err := loadCert(t.c.opts.CertDir)
	if err != nil {
		return err
	}
	gw, err := s.replace(s.gw, st)
	if err != nil {
		return err
	}
	s.gw, t.st = gw, st
	return nil
}

// Set makes the gateway serve wss:// and https:// with the workbench's
// certificate (on) or plain ws:// (off). That takes a new listener, so the
// gateway restarts on the same address: the certificate is made, the old
// gateway closed (its connections get 1001) and the new one opened on a
// goroutine of its own, while Server.Restarting reports true and the window stays
// responsive. Then, on the owner goroutine, the draft is handed to the new
// gateway, a running chat backend restarts to trust the certificate,
// ChangeGateway is reported and done runs with the outcome.
func (t *TLS) Set(on bool, done func(error)) {
	c, s := t.c, t.c.Server
	switch {
	case s.restarting:
		done(errors.New("the gateway is restarting: try again in a moment"))
		return
	case on == t.On():
		done(nil)
		return
	}
	s.restarting = true
	c.notice = "Restarting the gateway…"
	c.changed(ChangeStatus | ChangeMenu)
	old, certDir := s.gw, c.opts.CertDir
	c.background(func() {
		var st *tlsState
		var err error
		if on {
			st, err = loadCert(certDir)
		}
		var gw *emulator.Gateway
		if err == nil {
			gw, err = s.replace(old, st)
		}
		s.mu.Lock()
		s.next = gw
		s.mu.Unlock()
		c.opts.Do(func() { t.finish(on, st, err, done) })
	})
}

// finish takes the new gateway in, on the owner goroutine.
func (t *TLS) finish(on bool, st *tlsState, err error, done func(error)) {
	c, s := t.c, t.c.Server
	s.mu.Lock()
	gw := s.next
	s.next = nil
	s.mu.Unlock()
	s.restarting = false
	if c.closed {
		if gw != nil {
			_ = gw.Close(context.Background())
		}
		return
	}
	if err != nil {
		c.notice = "The gateway did not restart: " + err.Error()
		c.changed(ChangeStatus)
		done(err)
		return
	}
	s.gw, t.st = gw, st
	c.opts.Prefs.SetBool(PrefTLS, on)
	c.Apply()            // the draft, when it compiles, on the new gateway
	s.restartFunctions() // trusting the new certificate, or none
	chatErr := c.Chat.restart()
	if on {
		c.notice = "Serving wss:// with the certificate " + st.cert.CertPath + " (trust it with NODE_EXTRA_CA_CERTS, wscat --ca, curl --cacert)."
	} else {
		c.notice = "Serving plain ws:// again."
	}
	c.changed(ChangeGateway | ChangeStatus | ChangeMenu)
	done(chatErr)
}

// loadCert returns the workbench's certificate, making it on first use.
func loadCert(dir string) (*tlsState, error) {
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
