// Package emulator is a local Amazon API Gateway WebSocket API: one listener
// that serves ws://HOST:PORT/{stage} the way API Gateway does (route
// selection, $connect/$disconnect/$default, MOCK integrations with VTL
// mapping templates, integration and route responses, AWS's error frames,
// close codes and limits) and the @connections management API beside it.
//
// A Gateway runs on an immutable Snapshot compiled from a model.API; Update
// compiles a new one and swaps it in without dropping a connection. Everything
// that happens is published as Events for the window, the serve command's log
// and tests.
package emulator

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"wsworkbench/emulator/lambda"
	"wsworkbench/emulator/model"
)

// Options configure a Gateway. The zero value is ready to use.
type Options struct {
	// Addr is where Open listens; default "127.0.0.1:0" (a free port on
	// loopback).
	Addr string
	// WriteTimeout bounds every write to a client; a client that does not
	// read for this long is dropped. Default 10 s.
	WriteTimeout time.Duration
	// CloseTimeout is how long a close the gateway starts waits for the
	// client's closing frame before it drops the TCP connection. Default 2 s.
	CloseTimeout time.Duration
	// SendQueueFrames and SendQueueBytes bound each connection's queue of
	// frames waiting to be written. A PostToConnection that finds the queue
	// full gets LimitExceededException (429), as on AWS when "the WebSocket
	// client side buffer is full". Defaults 256 frames and 4 MiB.
	SendQueueFrames int
	SendQueueBytes  int
	// TLS, when set, serves wss:// and https:// with this configuration
	// (see package tlscert for the workbench's certificate).
	TLS *tls.Config
	// DomainName, when set, is $context.domainName and requestContext.domainName
	// (host or host:port): the name backends reach the gateway by, e.g.
	// "host.docker.internal:8080" for a backend in a container. Default: the
	// gateway's own address on each client's connection. Never taken from
	// the client's Host header.
	DomainName string
	// MaxConcurrentRequests bounds the messages being handled at once, by
	// the whole gateway, by integrations that wait on the network. A
	// message beyond it is answered at once with the "Too Many Requests"
	// error frame; no read loop ever waits for another connection's work.
	// Default 1024.
	MaxConcurrentRequests int
	// MaxInflightPerConnection bounds one connection's messages in such
	// integrations; a client that sends faster waits (its own read loop
	// stops reading until one finishes), and nobody else does. Default 64.
	MaxInflightPerConnection int
	// HTTPIdleTimeout closes an HTTP keep-alive connection (an
	// @connections client's) that sends no request for this long. Default
	// 60 s.
	HTTPIdleTimeout time.Duration
	// Functions, when set, runs Lambda functions that have local code
	// whenever the workspace names no Lambda endpoint (see Functions).
	Functions Functions
}

func (o Options) withDefaults() Options {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 10 * time.Second
	}
	if o.CloseTimeout <= 0 {
		o.CloseTimeout = 2 * time.Second
	}
	if o.SendQueueFrames <= 0 {
		o.SendQueueFrames = 256
	}
	if o.SendQueueBytes <= 0 {
		o.SendQueueBytes = 4 << 20
	}
	if o.MaxConcurrentRequests <= 0 {
		o.MaxConcurrentRequests = 1024
	}
	if o.MaxInflightPerConnection <= 0 {
		o.MaxInflightPerConnection = 64
	}
	if o.HTTPIdleTimeout <= 0 {
		o.HTTPIdleTimeout = 60 * time.Second
	}
	return o
}

// readBufferSize is each connection's read buffer. Frames of any size read
// through it (bufio reads large payloads straight into the message), so a
// small buffer costs a few extra syscalls on big frames and saves 3 KB on
// every idle connection compared with gorilla's default.
const readBufferSize = 1024

// Gateway is a running API Gateway WebSocket API. Its methods are safe for
// concurrent use.
//
// Goroutines: Open starts the HTTP server's goroutine; each connection has a
// read loop goroutine for its whole life and a writer goroutine only while it
// has frames queued; messages for integrations that wait on the network run
// in goroutines of their own. Close stops them all, and waits for them until
// its deadline is near, never past it.
type Gateway struct {
	opts     Options
	snap     atomic.Pointer[Snapshot]
	ids      *idGen
	events   bus
	calls    inFlight // integration calls in flight, for @connections attribution
	upgrader websocket.Upgrader
	sem      chan struct{} // bounds blocking message handlers, gateway-wide

	// lambda holds one Invoke API client per endpoint and call mode, shared
	// by every snapshot (an endpoint that takes one call at a time needs one
	// queue); Close closes it.
	lambda *lambda.Pool

	// msgCtx is the parent of every message's work (each connection's ctx,
	// and the integration calls of messages); Close cancels it first, as
	// no answer can reach a client any more. ctx is the parent of $connect,
	// the authorizer and $disconnect, which Close lets finish until its
	// deadline is near.
	msgCtx     context.Context
	cancelMsgs context.CancelFunc
	ctx        context.Context
	cancel     context.CancelFunc
	wg         sync.WaitGroup // connection goroutines, message handlers, upgrade handlers

	mu    sync.Mutex
	conns map[string]*conn

	histMu     sync.Mutex
	closedHist []closedHistory // the last closed connections' histories (history.go)
	closed     bool
	ln         net.Listener
	srv        *http.Server
	served     chan struct{} // closed when the HTTP server's goroutine returns
}

// New compiles api and returns a gateway that is not listening yet.
func New(api *model.API, opts Options) (*Gateway, error) {
	snap, err := Compile(api)
	if err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	g := &Gateway{
		opts:   opts,
		ids:    newIDGen(),
		sem:    make(chan struct{}, opts.MaxConcurrentRequests),
		lambda: lambda.NewPool(opts.MaxConcurrentRequests),
		ctx:    ctx,
		cancel: cancel,
		conns:  map[string]*conn{},
	}
	g.msgCtx, g.cancelMsgs = context.WithCancel(ctx)
	g.snap.Store(snap)
	g.upgrader = websocket.Upgrader{
		ReadBufferSize:   readBufferSize,
		WriteBufferPool:  &sync.Pool{},
		HandshakeTimeout: opts.WriteTimeout,
		// API Gateway accepts any Origin: a page served from anywhere may
		// connect.
		CheckOrigin: func(*http.Request) bool { return true },
		Error: func(w http.ResponseWriter, r *http.Request, status int, reason error) {
			writeMessage(w, status, http.StatusText(status))
		},
	}
	return g, nil
}

// Open binds the listener (so an address in use fails here, at once) and
// serves in a goroutine.
func (g *Gateway) Open() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return errors.New("gateway is closed")
	}
	if g.ln != nil {
		return errors.New("gateway is already open")
	}
	ln, err := net.Listen("tcp", g.opts.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", g.opts.Addr, err)
	}
	g.ln = ln
	if g.opts.TLS != nil {
		cfg := g.opts.TLS.Clone()
		cfg.NextProtos = []string{"http/1.1"} // a WebSocket upgrade needs HTTP/1.1
		ln = tls.NewListener(ln, cfg)
	}
	g.srv = &http.Server{
		Handler:           g,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       g.opts.HTTPIdleTimeout,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	g.served = make(chan struct{})
	go func() {
		defer close(g.served)
		_ = g.srv.Serve(ln) // returns http.ErrServerClosed after Shutdown
	}()
	return nil
}

// Addr returns the address the gateway listens on, e.g. "127.0.0.1:8080";
// "" before Open.
func (g *Gateway) Addr() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ln == nil {
		return ""
	}
	return g.ln.Addr().String()
}

// host returns the listen address with an unspecified IP (0.0.0.0, ::)
// replaced by 127.0.0.1, for URLs.
func (g *Gateway) host() string {
	addr := g.Addr()
	h, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(h); ip == nil || ip.IsUnspecified() {
		h = "127.0.0.1"
	}
	return net.JoinHostPort(h, port)
}

// URL returns the WebSocket URL clients connect to: ws://127.0.0.1:PORT/{stage}
// (wss:// with TLS).
func (g *Gateway) URL() string {
	scheme := "ws://"
	if g.opts.TLS != nil {
		scheme = "wss://"
	}
	return scheme + g.host() + "/" + g.snap.Load().stage
}

// ConnectionsURL returns the @connections endpoint:
// http://127.0.0.1:PORT/{stage}/@connections (https:// with TLS). An SDK's
// endpoint is the part before /@connections.
func (g *Gateway) ConnectionsURL() string {
	scheme := "http://"
	if g.opts.TLS != nil {
		scheme = "https://"
	}
	return scheme + g.host() + "/" + g.snap.Load().stage + "/@connections"
}

// Update compiles api and, only if it compiles, makes it the gateway's
// configuration. Open connections stay open; a message already being handled
// finishes on the configuration it started with.
func (g *Gateway) Update(api *model.API) error {
	snap, err := Compile(api)
	if err != nil {
		g.events.publish(Event{Kind: EventConfig, Config: ConfigRejected, Error: err.Error()})
		return err
	}
	old := g.snap.Swap(snap)
	if timeoutsChanged(old.settings, snap.settings) {
		for _, c := range g.connList() {
			c.onTimer() // re-arm (or close) with the new timeouts now
		}
	}
	if old.faults != nil || snap.faults != nil {
		for _, c := range g.connList() {
			g.armCloseFaults(c, snap) // close faults that fire a time after the connect
		}
	}
	g.events.publish(Event{Kind: EventConfig, Config: ConfigApplied})
	return nil
}

func timeoutsChanged(a, b model.Settings) bool {
	return a.IdleTimeout != b.IdleTimeout || a.MaxConnectionTime != b.MaxConnectionTime || a.TimeScale != b.TimeScale
}

// API returns a copy of the model the gateway runs.
func (g *Gateway) API() *model.API { return g.snap.Load().api.Clone() }

// Snapshot returns the compiled configuration the gateway runs.
func (g *Gateway) Snapshot() *Snapshot { return g.snap.Load() }

// Subscribe returns a subscription to the gateway's events with room for
// buffer events; a subscriber that falls further behind loses events (see
// Subscription.Dropped) rather than slowing the gateway.
func (g *Gateway) Subscribe(buffer int) *Subscription { return g.events.subscribe(buffer, 0) }

// SubscribeBytes is Subscribe bounded by bytes too: events whose payloads
// (Event.Bytes) would take the events waiting past maxBytes are dropped and
// counted. The subscriber calls Done for each event it takes.
func (g *Gateway) SubscribeBytes(buffer int, maxBytes int64) *Subscription {
	return g.events.subscribe(buffer, maxBytes)
}

// forceMargin is how long before ctx's deadline Close stops waiting
// politely and cuts off what still runs, so that it returns by the
// deadline (a quarter of the time left when that is shorter).
const forceMargin = 250 * time.Millisecond

// Close stops listening, stops the work of messages in flight (nobody could
// get their answers), closes every connection with 1001 "Going away", runs
// $disconnect for each, and waits for the gateway's goroutines. HTTP
// connections with no request in flight (an idle keep-alive, a client that
// never sent one, an @connections request still sending its body) are
// closed at once; nothing waits for them.
//
// Close returns by ctx's deadline whatever is running: when the deadline
// is near (forceMargin) or ctx is canceled, it cancels $connect, $disconnect
// and authorizer calls, drops the remaining connections and returns an
// error wrapping ctx's error. A goroutine that has not stopped by the
// deadline (a Lambda call that ignores cancellation) is left to end on its
// own; Close does not wait for it.
func (g *Gateway) Close(ctx context.Context) error {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return nil
	}
	g.closed = true
	ln, srv, served := g.ln, g.srv, g.served
	g.mu.Unlock()

	g.cancelMsgs()
	if srv != nil {
		srv.SetKeepAlivesEnabled(false) // also closes idle keep-alive connections
		_ = ln.Close()                  // Serve returns; upgrades and requests in flight go on
	}
	for _, c := range g.connList() {
		c.closeWith(closeGoingAway, reasonGoingAway)
	}
	done := make(chan struct{})
	go func() {
		g.wg.Wait()
		close(done)
	}()
	grace := ctx
	if d, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		grace, cancel = context.WithDeadline(ctx, d.Add(-min(time.Until(d)/4, forceMargin)))
		defer cancel()
	}
	var err error
	select {
	case <-done:
	case <-grace.Done():
		err = g.force(ctx, srv, done)
	}
	g.cancel()
	// No handler is left to call Lambda: end the calls a serial endpoint
	// still holds for callers that gave up, and close the connections.
	closeLambda := make(chan struct{})
	go func() {
		g.lambda.Close()
		close(closeLambda)
	}()
	select {
	case <-closeLambda:
	case <-ctx.Done():
	}
	if srv != nil {
		// Every connection with a request in flight has finished: close
		// the rest (no request yet, a body half sent, TLS handshakes).
		_ = srv.Close()
		select {
		case <-served:
		case <-ctx.Done():
		}
	}
	g.events.close()
	return err
}

// force cuts off what Close found still running when its deadline neared:
// it cancels every call, drops every connection and the HTTP server's
// connections, and waits for the goroutines until ctx's deadline. The
// error says how many goroutines were still running, if any.
func (g *Gateway) force(ctx context.Context, srv *http.Server, done <-chan struct{}) error {
	g.cancel()
	for _, c := range g.connList() {
		c.abort()
	}
	if srv != nil {
		_ = srv.Close()
	}
	cause := ctx.Err()
	if cause == nil {
		cause = context.DeadlineExceeded
	}
	select {
	case <-done:
		return fmt.Errorf("close: cut off connections and calls still running near the deadline: %w", cause)
	case <-ctx.Done():
		return fmt.Errorf("close: returned at the deadline with work still stopping: %w", cause)
	}
}

func (g *Gateway) connList() []*conn {
	g.mu.Lock()
	defer g.mu.Unlock()
	list := make([]*conn, 0, len(g.conns))
	for _, c := range g.conns {
		list = append(list, c)
	}
	return list
}

// enter counts a request that may start connection goroutines; it fails
// once Close has begun, so Close's Wait never races an Add.
func (g *Gateway) enter() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.wg.Add(1)
	return true
}

// register adds c to the registry. A connection that completes its upgrade
// while the gateway closes is closed at once (and still gets $disconnect).
func (g *Gateway) register(c *conn) {
	g.mu.Lock()
	g.conns[c.id] = c
	closing := g.closed
	g.mu.Unlock()
	if closing {
		c.closeWith(closeGoingAway, reasonGoingAway)
	}
}

func (g *Gateway) unregister(c *conn) {
	g.mu.Lock()
	if g.conns[c.id] == c {
		delete(g.conns, c.id)
	}
	g.mu.Unlock()
}

func (g *Gateway) lookup(id string) *conn {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.conns[id]
}

// ServeHTTP serves the WebSocket endpoint /{stage} and the @connections API
// (/{stage}/@connections/{id}), and wsworkbench's own endpoints under
// /@wsworkbench/ (see serveInspect); any other path, /@connections/{id}
// without the stage too, is API Gateway's 403 {"message":"Forbidden"}.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	snap := g.snap.Load()
	segs, ok := pathSegments(r.URL)
	if !ok {
		writeMessage(w, http.StatusForbidden, "Forbidden")
		return
	}
	if len(segs) > 0 && segs[len(segs)-1] == "" {
		segs = segs[:len(segs)-1] // a trailing slash
	}
	switch {
	case len(segs) == 1 && segs[0] == snap.stage:
		g.serveWebSocket(w, r, snap)
	case len(segs) >= 1 && segs[0] == "@connections":
		g.refuseWithoutStage(w, r, segs[1:])
	case len(segs) >= 2 && segs[0] == snap.stage && segs[1] == "@connections":
		g.serveConnections(w, r, segs[2:])
	case len(segs) >= 1 && segs[0] == InspectPrefix:
		g.serveInspect(w, r, segs[1:])
	default:
		writeMessage(w, http.StatusForbidden, "Forbidden")
	}
}

// pathSegments splits the request path into unescaped segments, so
// "/production/%40connections/R0oXAdfD0kwCH6w%3D" is
// ["production", "@connections", "R0oXAdfD0kwCH6w="].
func pathSegments(u *url.URL) ([]string, bool) {
	p := strings.TrimPrefix(u.EscapedPath(), "/")
	if p == "" {
		return nil, true
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		v, err := url.PathUnescape(s)
		if err != nil {
			return nil, false
		}
		segs[i] = v
	}
	return segs, true
}

// writeMessage writes API Gateway's usual error body {"message":"..."}.
func writeMessage(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `{"message":`+jsonString(message)+`}`)
}

// serveWebSocket runs $connect while the upgrade waits, then upgrades.
func (g *Gateway) serveWebSocket(w http.ResponseWriter, r *http.Request, snap *Snapshot) {
	if !websocket.IsWebSocketUpgrade(r) {
		w.Header().Set("Upgrade", "websocket")
		writeMessage(w, http.StatusUpgradeRequired, "Upgrade Required")
		return
	}
	if status, msg := checkHandshake(r); status != 0 {
		if status == http.StatusBadRequest {
			w.Header().Set("Sec-WebSocket-Version", "13")
		}
		writeMessage(w, status, msg)
		return
	}
	if !g.enter() {
		writeMessage(w, http.StatusServiceUnavailable, "Service Unavailable")
		return
	}
	defer g.wg.Done()
	g.connect(w, r, snap)
}

// checkHandshake checks what gorilla would reject, so that $connect runs
// only for a handshake that can succeed.
func checkHandshake(r *http.Request) (int, string) {
	if r.Method != http.MethodGet {
		return http.StatusMethodNotAllowed, "Method Not Allowed"
	}
	if !headerHasToken(r.Header, "Sec-Websocket-Version", "13") {
		return http.StatusBadRequest, "Bad Request"
	}
	key, err := base64.StdEncoding.DecodeString(r.Header.Get("Sec-Websocket-Key"))
	if err != nil || len(key) != 16 {
		return http.StatusBadRequest, "Bad Request"
	}
	return 0, ""
}

func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h[http.CanonicalHeaderKey(name)] {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// jsonString quotes s as a JSON string.
func jsonString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
