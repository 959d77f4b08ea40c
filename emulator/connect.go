package emulator

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"time"

	"github.com/gorilla/websocket"

	"wsworkbench/emulator/authorizer"
	"wsworkbench/emulator/model"
)

// connect handles an upgrade request: it authorizes it, runs $connect while
// the client waits, and upgrades only when $connect accepts (a 2xx
// integration status, or no $connect integration at all).
func (g *Gateway) connect(w http.ResponseWriter, r *http.Request, snap *Snapshot) {
	now := time.Now()
	id, tail := g.ids.connectionID()
	// $connect's templates stop when the client gives up on its upgrade
	// (the request's context ends when its TCP connection closes) or the
	// gateway closes, as a message's do.
	renders, stop := context.WithCancel(g.msgCtx)
	defer stop()
	defer context.AfterFunc(r.Context(), stop)()
	req := &request{
		g:     g,
		snap:  snap,
		head:  r.Header,
		query: r.URL.Query(),
		want:  g.events.wanted(false),
		done:  renders.Done(),
		rc: RequestContext{
			APIID:        snap.apiID,
			Stage:        snap.stage,
			DomainName:   domainName(r, g),
			ConnectionID: id,
			ConnectedAt:  now,
			EventType:    EventTypeConnect,
			RouteKey:     model.RouteConnect,
			RequestID:    g.ids.requestID(),
			RequestTime:  now,
			SourceIP:     sourceIPOf(r.RemoteAddr),
			UserAgent:    r.UserAgent(),
			TLS:          r.TLS != nil,
		},
	}

	if g.refuseByFault(w, req, r, snap) {
		return
	}
	status, respHeader, err := g.runConnect(req)
	if err == nil && status < 200 {
		err = configError("the $connect integration answered %d, which cannot answer an upgrade", status)
	}
	if err != nil || status > 299 {
		e := Event{Kind: EventConnect, Status: status, Connect: req.connectRequest(r, ConnectRejected, respHeader)}
		if err != nil {
			ce := classify(err)
			e.Status, e.Code, e.Error = ce.Code.Status(), ce.Code, ce.Error()
			req.publish(e)
			writeMessage(w, ce.Code.Status(), ce.Code.Message())
			return
		}
		req.publish(e)
		w.WriteHeader(status)
		return
	}

	var lim *limitConn
	tap := &hijackTap{ResponseWriter: w, wrap: func(nc net.Conn) net.Conn {
		lim = newLimitConn(nc, g)
		return lim
	}}
	ws, err := g.upgrader.Upgrade(tap, r, respHeader)
	if err != nil {
		// gorilla has answered the client already.
		req.publish(Event{Kind: EventConnect, Status: http.StatusBadRequest, Error: err.Error(), Connect: req.connectRequest(r, ConnectRejected, respHeader)})
		return
	}
	c := newConn(g, ws, lim, req, tail, r.RemoteAddr)
	g.register(c)
	if snap.faults != nil {
		g.armCloseFaults(c, snap)
	}
	req.publish(Event{Kind: EventConnect, Status: status, Connect: req.connectRequest(r, ConnectAccepted, respHeader)})
	// Only now does the client get its 101: by the time it knows it is
	// connected, Connections and @connections know it too.
	if err := lim.release(time.Now().Add(g.opts.WriteTimeout)); err != nil {
		c.abort()
	}
	g.wg.Add(1) // the upgrade handler holds a count, so this never races Close's Wait
	go c.readLoop()
}

// runConnect authorizes the request and runs the $connect route. It returns
// the status the upgrade answers with (2xx accepts) and the headers of an
// accepted upgrade.
func (g *Gateway) runConnect(req *request) (int, http.Header, error) {
	snap := req.snap
	route := snap.connect

	usageKey := ""
	if ma := snap.settings.MockAuthorizer; ma.Enabled {
		o := authorizer.Mock(ma, authorizer.Request{Header: req.head, Query: req.query})
		req.publishAuthorizer(o, &AuthorizerDecision{Name: "mock", Mock: true}, nil, 0)
		if !o.Allowed() {
			return 0, nil, &Error{Code: codeForStatus(o.Status), Detail: o.Reason, Err: authorizerErr(o)}
		}
		req.rc.Authorizer = o.AuthorizerMap()
		usageKey = o.UsageIdentifierKey
	} else if route != nil && route.authorizer != nil {
		ctx, cancel := context.WithTimeout(g.ctx, snap.scaled(snap.settings.IntegrationTimeout))
		start := time.Now()
		var call *LambdaCall
		if req.want.Has(EventAuthorizer) {
			call = &LambdaCall{Function: route.authorizer.cfg.Function}
		}
		o := route.authorizer.authorize(ctx, req, call)
		took := time.Since(start)
		cancel()
		req.publishAuthorizer(o, &AuthorizerDecision{Name: route.authorizer.cfg.Function}, call, took)
		if !o.Allowed() {
			return 0, nil, &Error{Code: codeForStatus(o.Status), Detail: "authorizer: " + o.Reason, Err: authorizerErr(o)}
		}
		req.rc.Authorizer = o.AuthorizerMap()
		usageKey = o.UsageIdentifierKey
	}

	// API key, after the authorizer (whose usageIdentifierKey may be the
	// key): checked only when $connect requires one; any non-empty key
	// passes (there are no usage plans locally).
	if route != nil && route.model.APIKeyRequired {
		key, status, reason := authorizer.APIKey(snap.api.APIKeySelectionExpression, req.head, usageKey, nil)
		if status != 0 {
			return 0, nil, &Error{Code: codeForStatus(status), Detail: reason}
		}
		req.rc.APIKey = key
	}

	if route == nil {
		return http.StatusOK, nil, nil
	}
	out, err := req.run(g.ctx, route)
	if err != nil {
		return 0, nil, err
	}
	var h http.Header
	if p := out.headers.Get("Sec-WebSocket-Protocol"); p != "" {
		h = http.Header{"Sec-Websocket-Protocol": {p}}
	}
	return out.status, h, nil
}

// publishAuthorizer publishes an authorizer's decision o, described by d
// (its name), with the Lambda call it made, if any.
func (r *request) publishAuthorizer(o authorizer.Outcome, d *AuthorizerDecision, call *LambdaCall, took time.Duration) {
	if !r.want.Has(EventAuthorizer) {
		return
	}
	d.Allowed, d.Cached, d.Reason = o.Allowed(), o.Cached, o.Reason
	if d.Allowed {
		d.Principal, d.Context = o.PrincipalID, o.Context
	}
	e := Event{Kind: EventAuthorizer, Status: o.Status, Duration: took, Authorizer: d}
	if err := authorizerErr(o); err != nil {
		e.Error = err.Error()
	}
	if call != nil && o.Called {
		e.Lambda = call
	}
	r.publish(e)
}

// authorizerErr returns the error under an authorizer's decision, unless
// its reason says the same already ("identity source ... is missing"), so a
// log line says it once.
func authorizerErr(o authorizer.Outcome) error {
	if o.Err == nil || o.Err.Error() == o.Reason {
		return nil
	}
	return o.Err
}

// connectRequest describes the upgrade request r and the answer's
// subprotocol, for a connect event; nil when nobody listens.
func (r *request) connectRequest(hr *http.Request, outcome ConnectOutcome, respHeader http.Header) *ConnectRequest {
	if !r.want.Has(EventConnect) {
		return nil
	}
	return &ConnectRequest{
		Outcome:      outcome,
		RemoteAddr:   hr.RemoteAddr,
		Header:       hr.Header.Clone(),
		Query:        r.query,
		Subprotocols: websocket.Subprotocols(hr),
		Subprotocol:  respHeader.Get("Sec-Websocket-Protocol"),
	}
}

// codeForStatus maps an authorization status to the gateway's code.
func codeForStatus(status int) Code {
	switch status {
	case http.StatusUnauthorized:
		return CodeUnauthorized
	case http.StatusForbidden:
		return CodeForbidden
	}
	return CodeInternal
}

// domainName is $context.domainName: Options.DomainName when set, else the
// gateway's own address on the connection the request came in on, with its
// port ("127.0.0.1:8080"; with --listen 0.0.0.0 the interface address the
// client reached), so a backend that builds its @connections endpoint as
// http://{domainName}/{stage} reaches the gateway. Never the client's Host
// header: backends post chat data to that endpoint, and a web page can make
// a browser send any Host (DNS rebinding) to point them at any host:port.
func domainName(r *http.Request, g *Gateway) string {
	if g.opts.DomainName != "" {
		return g.opts.DomainName
	}
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		return a.String()
	}
	return g.host()
}

// hijackTap wraps the connection gorilla hijacks, so the gateway can watch
// frame headers on the raw byte stream (see limitConn).
type hijackTap struct {
	http.ResponseWriter
	wrap func(net.Conn) net.Conn
}

// Hijack hijacks the underlying connection and wraps it.
func (h *hijackTap) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	nc, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	return h.wrap(nc), brw, nil
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (h *hijackTap) Unwrap() http.ResponseWriter { return h.ResponseWriter }

var _ http.Hijacker = (*hijackTap)(nil)
