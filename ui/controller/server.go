package controller

import (
	"context"
	"crypto/tls"
	"fmt"
	"sync"
	"time"

	"wsworkbench/emulator"
	"wsworkbench/emulator/model"
)

// closeTimeout bounds a gateway's Close.
const closeTimeout = 3 * time.Second

// Server is the part of the Controller that runs the embedded gateway and
// the workspace's local functions (Controller.Server). Like the Controller it
// belongs to the owner goroutine; only next is handed over by a restart's
// goroutine, under mu.
type Server struct {
	c *Controller

	gw         *emulator.Gateway
	restarting bool            // a TLS change is restarting the gateway
	fnNote     string          // why they do not run (see FunctionsNote)
	fnDynamo   string          // the DynamoDB endpoint runner was started with
	tablesNote string          // see TablesNote
	tablesGen  int             // counts ensureTables runs; a stale one's result is dropped
	stopTables func()          // cancels the running ensureTables, or nil
	fns        localFunctions  // the workspace's local functions' runner (nil when none); every gateway's Functions
	fnSrc      functionSources // where runner's functions come from (functions.go)

	mu   sync.Mutex
	next *emulator.Gateway // a restart's new gateway, until the owner takes it
}

// Gateway returns the gateway serving now. During a restart it is the old
// one, closed or closing; ChangeGateway says when the new one is in.
func (s *Server) Gateway() *emulator.Gateway { return s.gw }

// Restarting reports whether the gateway is being restarted.
func (s *Server) Restarting() bool { return s.restarting }

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

// CertPath is the certificate the gateway serves ("" while it serves plain
// ws://): the local functions trust it.
func (s *Server) CertPath() string { return s.c.TLS.CertPath() }
