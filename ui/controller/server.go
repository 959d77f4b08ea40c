package controller

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"wsworkbench/emulator"
	"wsworkbench/emulator/localfn"
	"wsworkbench/emulator/model"
	"wsworkbench/emulator/samplebackend"
	"wsworkbench/emulator/tlscert"
)

// closeTimeout bounds a gateway's Close.
const closeTimeout = 3 * time.Second

// Server is the part of the Controller that runs the embedded gateway and
// the local chat backend (Controller.Server). Like the Controller it
// belongs to the owner goroutine; only next is handed over by a restart's
// goroutine, under mu.
type Server struct {
	c *Controller

	gw         *emulator.Gateway
	tls        *tlsState // set while the gateway serves wss://
	restarting bool
	chat       *samplebackend.Server // the chat sample backend while it runs
	runner     *localfn.Runner       // the workspace's local functions, or nil
	fnNote     string                // why they do not run (see FunctionsNote)
	fnDynamo   string                // the DynamoDB endpoint runner was started with
	tablesNote string                // see TablesNote
	tablesGen  int                   // counts ensureTables runs; a stale one's result is dropped
	stopTables func()                // cancels the running ensureTables, or nil
	fns        localFunctions        // every gateway's Functions: runner, for its goroutines
	fnSrc      functionSources       // where runner's functions come from (functions.go)

	mu   sync.Mutex
	next *emulator.Gateway // a restart's new gateway, until the owner takes it
}

// tlsState is the certificate the gateway serves while TLS is on.
type tlsState struct {
	cert *tlscert.Cert
	// roots are the system's roots and the certificate: what the window's
	// own clients (tabs, the chat backend) trust.
	roots *x509.CertPool
}

// Gateway returns the gateway serving now. During a restart it is the old
// one, closed or closing; ChangeGateway says when the new one is in.
func (s *Server) Gateway() *emulator.Gateway { return s.gw }

// TLSOn reports whether the gateway serves wss://.
func (s *Server) TLSOn() bool { return s.tls != nil }

// Restarting reports whether the gateway is being restarted.
func (s *Server) Restarting() bool { return s.restarting }

// ClientRoots returns the roots the window's clients trust: nil (the
// system's) while the gateway serves plain ws://.
func (s *Server) ClientRoots() *x509.CertPool {
	if s.tls == nil {
		return nil
	}
	return s.tls.roots
}

// start starts the gateway on api. When api does not compile, the gateway
// starts on the built-in sample and the compile error is returned; when
// addr is taken it listens on any free port.
func (s *Server) start(api *model.API, addr string) (compileErr, err error) {
	gw, compileErr := emulator.New(api, emulator.Options{Addr: addr, Functions: &s.fns})
	if compileErr != nil {
		sample, err := sampleWorkspace()
		if err != nil {
			return nil, err
		}
		if gw, err = emulator.New(sample.API, emulator.Options{Addr: addr, Functions: &s.fns}); err != nil {
			return nil, fmt.Errorf("built-in sample: %w", err)
		}
	}
	if err := gw.Open(); err != nil {
		// The port is taken (another wsworkbench, another server): any
		// free port on loopback will do; the window shows the URL.
		snapAPI := gw.API()
		_ = gw.Close(context.Background())
		if gw, err = emulator.New(snapAPI, emulator.Options{Addr: "127.0.0.1:0", Functions: &s.fns}); err != nil {
			return nil, err
		}
		if err := gw.Open(); err != nil {
			return nil, fmt.Errorf("start the gateway: %w", err)
		}
	}
	s.gw = gw
	return compileErr, nil
}

// restoreTLS serves wss:// at start when the window did last time. It runs
// before anyone subscribes to the gateway, on the owner goroutine.
func (s *Server) restoreTLS() error {
	if !s.c.opts.Prefs.Bool(PrefTLS) {
		return nil
	}
	st, err := loadCert(s.c.opts.CertDir)
	if err != nil {
		return err
	}
	gw, err := s.replace(s.gw, st)
	if err != nil {
		return err
	}
	s.gw, s.tls = gw, st
	return nil
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

// replace starts a gateway on old's address running old's configuration,
// serving TLS with st (nil: plain), and closes old. OnGateway hears of the
// new gateway before old closes. When the address cannot be had again the
// new gateway takes any free port on loopback. It may run on any
// goroutine: it touches no field.
func (s *Server) replace(old *emulator.Gateway, st *tlsState) (*emulator.Gateway, error) {
	addr, api := old.Addr(), old.API()
	var cfg *tls.Config
	if st != nil {
		cfg = st.cert.ServerConfig()
	}
	newGateway := func(addr string) (*emulator.Gateway, error) {
		gw, err := emulator.New(api, emulator.Options{Addr: addr, TLS: cfg, Functions: &s.fns})
		if err != nil {
			return nil, err
		}
		if s.c.opts.OnGateway != nil {
			s.c.opts.OnGateway(gw)
		}
		return gw, nil
	}
	gw, err := newGateway(addr)
	if err != nil {
		return nil, fmt.Errorf("restart the gateway: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	_ = old.Close(ctx)
	cancel()
	if err := gw.Open(); err != nil {
		// The fallback's events are queued for subscribers before the
		// unopened gateway's end.
		failed := gw
		if gw, err = newGateway("127.0.0.1:0"); err != nil {
			return nil, fmt.Errorf("restart the gateway: %w", err)
		}
		_ = failed.Close(context.Background())
		if err := gw.Open(); err != nil {
			return nil, fmt.Errorf("restart the gateway: %w", err)
		}
	}
	return gw, nil
}

// SetTLS makes the gateway serve wss:// and https:// with the workbench's
// certificate (on) or plain ws:// (off). That takes a new listener, so the
// gateway restarts on the same address: the certificate is made, the old
// gateway closed (its connections get 1001) and the new one opened on a
// goroutine of its own, while Restarting reports true and the window stays
// responsive. Then, on the owner goroutine, the draft is handed to the new
// gateway, a running chat backend restarts to trust the certificate,
// ChangeGateway is reported and done runs with the outcome.
func (s *Server) SetTLS(on bool, done func(error)) {
	c := s.c
	switch {
	case s.restarting:
		done(errors.New("the gateway is restarting: try again in a moment"))
		return
	case on == s.TLSOn():
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
		c.opts.Do(func() { s.finishRestart(on, st, err, done) })
	})
}

// finishRestart takes the new gateway in, on the owner goroutine.
func (s *Server) finishRestart(on bool, st *tlsState, err error, done func(error)) {
	c := s.c
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
	s.gw, s.tls = gw, st
	c.opts.Prefs.SetBool(PrefTLS, on)
	c.Apply()            // the draft, when it compiles, on the new gateway
	s.restartFunctions() // trusting the new certificate, or none
	chatErr := s.restartChat()
	if on {
		c.notice = "Serving wss:// with the certificate " + st.cert.CertPath + " (trust it with NODE_EXTRA_CA_CERTS, wscat --ca, curl --cacert)."
	} else {
		c.notice = "Serving plain ws:// again."
	}
	c.changed(ChangeGateway | ChangeStatus | ChangeMenu)
	done(chatErr)
}

// close stops the chat backend (the controller is closing).
func (s *Server) close() {
	if srv := s.chat; srv != nil {
		s.chat = nil
		_ = srv.Close()
	}
}

// closeGateways closes the gateway, and a restart's new one if the owner
// never took it.
func (s *Server) closeGateways() {
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	_ = s.gw.Close(ctx)
	s.mu.Lock()
	next := s.next
	s.next = nil
	s.mu.Unlock()
	if next != nil {
		_ = next.Close(ctx)
	}
}

// ChatRunning reports whether the chat sample backend runs.
func (s *Server) ChatRunning() bool { return s.chat != nil }

// ChatURL is where the chat sample backend listens ("" when it does not).
func (s *Server) ChatURL() string {
	if s.chat == nil {
		return ""
	}
	return s.chat.URL()
}

// StartChat runs the chat sample backend (the functions of both seed chat
// projects behind the Lambda Invoke API) and makes it the workspace's
// Lambda endpoint, through the same path as any edit.
func (s *Server) StartChat() error {
	c := s.c
	if s.restarting {
		return errors.New("the gateway is restarting: try again in a moment")
	}
	if s.chat == nil {
		srv, err := s.openChat(c.opts.ChatAddr)
		if err != nil {
			return err
		}
		s.chat = srv
	}
	if st := &c.ws.API.Settings; st.LambdaEndpoint != s.chat.URL() {
		st.LambdaEndpoint = s.chat.URL()
		c.Edited()
		c.Apply()
	}
	c.notice = "Chat sample backend at " + s.chat.URL() + ": send {\"action\":\"sendmessage\",\"data\":\"hello\"} from a tab."
	c.changed(ChangeStatus | ChangeMenu)
	return nil
}

// StopChat stops the chat backend. The Lambda endpoint setting stays.
func (s *Server) StopChat() {
	c := s.c
	srv := s.chat
	if srv == nil {
		return
	}
	s.chat = nil
	c.background(func() { _ = srv.Close() })
	c.notice = "Chat sample backend stopped."
	c.changed(ChangeStatus | ChangeMenu)
}

// openChat opens the chat backend on addr ("" its usual address), or on
// any free port when that is taken. Its client posts to @connections
// trusting the workbench's certificate when the gateway serves wss://.
func (s *Server) openChat(addr string) (*samplebackend.Server, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil // a local gateway, never through a proxy
	if roots := s.ClientRoots(); roots != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	}
	opts := samplebackend.Options{HTTPClient: &http.Client{Timeout: 10 * time.Second, Transport: tr}}
	if addr == "" {
		addr = samplebackend.DefaultAddr
	}
	srv, err := samplebackend.Open(addr, opts)
	if err != nil && addr != "127.0.0.1:0" {
		srv, err = samplebackend.Open("127.0.0.1:0", opts)
	}
	if err != nil {
		return nil, fmt.Errorf("start the chat sample backend: %w", err)
	}
	return srv, nil
}

// restartChat reopens a running chat backend on the same address, so its
// client trusts the certificate the gateway now serves (or not). The chat's
// connection table starts empty, as the gateway's does.
func (s *Server) restartChat() error {
	c := s.c
	srv := s.chat
	if srv == nil {
		return nil
	}
	s.chat = nil
	_ = srv.Close()
	nsrv, err := s.openChat(strings.TrimPrefix(srv.URL(), "http://"))
	if err != nil {
		c.changed(ChangeMenu)
		return err
	}
	s.chat = nsrv
	return s.StartChat()
}

// CertPath is the certificate the gateway serves ("" while it serves plain
// ws://).
func (s *Server) CertPath() string {
	if s.tls == nil {
		return ""
	}
	return s.tls.cert.CertPath
}

// ChatServer is the chat sample backend while it runs, or nil.
func (s *Server) ChatServer() *samplebackend.Server { return s.chat }
