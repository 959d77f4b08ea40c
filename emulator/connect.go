package emulator

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"wsworkbench/emulator/authorizer"
	"wsworkbench/emulator/model"
)

// connect handles an upgrade request: it authorizes it, runs $connect while
// the client waits, and upgrades only when $connect accepts (a 2xx
// integration status, or no $connect integration at all).
func (g *Gateway) connect(w http.ResponseWriter, r *http.Request, snap *Snapshot) {
	now := time.Now()
	id, tail := g.ids.connectionID()
	req := &request{
		g:     g,
		snap:  snap,
		head:  r.Header,
		query: r.URL.Query(),
		trace: g.events.active(),
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

	status, respHeader, err := g.runConnect(req)
	if err == nil && status < 200 {
		err = configError("the $connect integration answered %d, which cannot answer an upgrade", status)
	}
	if err != nil || status > 299 {
		e := Event{Kind: EventConnect, Outcome: ConnectRejected, Status: status, RemoteAddr: r.RemoteAddr}
		if err != nil {
			ce := classify(err)
			e.Status = ce.Code.Status()
			e.Error = ce.Error()
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
		req.publish(Event{Kind: EventConnect, Outcome: ConnectRejected, Status: http.StatusBadRequest, Error: err.Error(), RemoteAddr: r.RemoteAddr})
		return
	}
	c := newConn(g, ws, lim, req, tail, r.RemoteAddr)
	g.register(c)
	req.publish(Event{Kind: EventConnect, Outcome: ConnectAccepted, Status: status, RemoteAddr: r.RemoteAddr})
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
		if !o.Allowed() {
			return 0, nil, &Error{Code: codeForStatus(o.Status), Detail: o.Reason, Err: o.Err}
		}
		req.rc.Authorizer = o.AuthorizerMap()
		usageKey = o.UsageIdentifierKey
		req.publish(Event{Kind: EventConnect, Outcome: ConnectAuthorized, Detail: o.Reason})
	} else if route != nil && route.authorizer != nil {
		ctx, cancel := context.WithTimeout(g.ctx, snap.scaled(snap.settings.IntegrationTimeout))
		start := time.Now()
		o := route.authorizer.authorize(ctx, req)
		took := time.Since(start)
		cancel()
		if !o.Allowed() {
			e := &Error{Code: codeForStatus(o.Status), Detail: "authorizer: " + o.Reason, Err: o.Err}
			req.publish(Event{Kind: EventIntegration, Status: o.Status, Detail: "authorizer " + route.authorizer.cfg.Function, Error: e.Error(), Duration: took})
			return 0, nil, e
		}
		req.rc.Authorizer = o.AuthorizerMap()
		usageKey = o.UsageIdentifierKey
		how := "called"
		if o.Cached {
			how = "cached"
		}
		req.publish(Event{Kind: EventConnect, Outcome: ConnectAuthorized, Detail: fmt.Sprintf("authorizer %s (%s): %s", route.authorizer.cfg.Function, how, o.Reason), Duration: took})
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
