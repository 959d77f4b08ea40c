package emulator

import (
	"bytes"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"wsworkbench/emulator/jsonpath"
	"wsworkbench/emulator/model"
)

// handleMessage is handleMessageAt for a message that arrives now (tests and
// benchmarks call it).
func (g *Gateway) handleMessage(c *conn, data []byte) { g.handleMessageAt(c, data, time.Now()) }

// handleMessageAt handles one text message from c on the current snapshot:
// route selection, then the route's integration, then (for a two-way route)
// the answer. c's read loop (or its worker, handover.go) calls it with now,
// the clock reading when the message arrived: $context.requestTime.
// data is the message's own memory, capacity included (readMessage): the
// gateway keeps it (the connection's history) and nothing may change it.
func (g *Gateway) handleMessageAt(c *conn, data []byte, now time.Time) {
	snap := g.snap.Load()
	req := requests.Get().(*request) // zero but for its render arrays (recycle)
	req.g, req.snap, req.want = g, snap, g.events.wanted(true)
	req.done, req.slow = c.ctx.Done(), c.onSlow
	// The IDs go in the room after the message (readMessage), which the
	// message itself is capped before; the history keeps the message as
	// it is: nothing changes it.
	messageID, requestID := g.ids.messageIDsIn(c.tail, data[len(data):], &c.ids)
	data = data[:len(data):len(data)]
	req.body = data
	req.rc = c.requestContext(snap, EventTypeMessage, "", now, requestID)
	req.rc.MessageID = messageID
	c.hist.keep(now, borrow(data), requestID)
	if req.want.Has(EventFrameIn) {
		req.publish(Event{Time: now, Kind: EventFrameIn, Data: borrow(data), Size: len(data)})
	}
	if snap.faults != nil {
		defer c.closeAfterMessages(snap, c.seq)
		if g.faultBeforeRouting(c, req) {
			return
		}
	}

	route := g.selectRoute(req)
	if route == nil {
		req.status, req.code = CodeForbidden.Status(), CodeForbidden
		c.sendFrame(req, errorFrame(CodeForbidden.Message(), c.id, req.rc.RequestID), true)
		req.publishDone()
		recycle(req)
		return
	}
	req.rc.RouteKey = route.key
	if snap.faults != nil {
		req.fault = snap.faults.messageFault(route.key, c.id)
	}
	if req.fault != nil || route.integ != nil && route.integ.typ.blocking {
		g.startMessage(c, req, route)
		return
	}
	g.runMessage(c, req, route, true)
	req.publishDone()
	recycle(req)
}

// startMessage runs a message whose integration waits on the network in a
// goroutine of its own. The read loop waits only for its own connection's
// bound (MaxInflightPerConnection), never for others' work: when the
// gateway-wide bound is reached the message is answered at once with the
// "Too Many Requests" frame. The request now belongs to the goroutine and
// is not recycled: the integration may still hold it when a timeout ends
// the call.
func (g *Gateway) startMessage(c *conn, req *request, route *compiledRoute) {
	req.slow = nil // its renders run off the read loop
	select {
	case c.inflight <- struct{}{}:
	case <-c.ctx.Done():
		req.dropped = true // the connection is closing: nobody would get the answer
		req.publishDone()
		return
	}
	select {
	case g.sem <- struct{}{}:
	default:
		<-c.inflight
		e := &Error{Code: CodeThrottled, Detail: fmt.Sprintf("the gateway already runs %d integration calls (MaxConcurrentRequests); the message was not sent to the backend", cap(g.sem))}
		req.publishError(e)
		c.sendFrame(req, errorFrame(e.Code.Message(), c.id, req.rc.RequestID), true)
		req.publishDone()
		recycle(req)
		return
	}
	// The read loop holds a WaitGroup count, so this Add is safe.
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		defer func() { <-g.sem; <-c.inflight }()
		g.runMessage(c, req, route, false)
		req.publishDone()
	}()
}

// requests recycles the requests of messages handled on the read loop (a
// request is some 800 bytes, most of a message's garbage otherwise). A
// request in it is zero except for its render arrays and its cleared lent
// details.
var requests = sync.Pool{New: func() any { return new(request) }}

// recycle returns a request whose message is finished, and that nothing
// else holds, to requests. Its render arrays stay with it unless large.
func recycle(req *request) {
	rendered := req.rendered
	for i, b := range rendered {
		if cap(b) > maxPooledRender {
			rendered[i] = nil
		}
	}
	lent := req.lent
	if lent != nil && req.want != 0 { // untouched when nobody listened
		*lent = lentDetails{}
	}
	doc, scratch := req.doc, req.scratch
	for _, d := range [...]*jsonpath.Doc{doc, scratch} {
		if d != nil {
			d.Reset()
		}
	}
	*req = request{}
	req.rendered, req.lent, req.doc, req.scratch = rendered, lent, doc, scratch
	requests.Put(req)
}

// selectRoute evaluates the route selection expression. A value that is a
// route key picks that route; otherwise (no such route, or a message the
// expression cannot read, such as one that is not JSON) $default takes the
// message; without $default it returns nil: the Forbidden frame.
func (g *Gateway) selectRoute(req *request) *compiledRoute {
	snap := req.snap
	value, ok := req.eval(snap.routeExpr, 0, nil)
	var route *compiledRoute
	outcome := RouteMatched
	if ok {
		route = snap.routes[value]
	}
	if route == nil {
		outcome = RouteFallback
		if !ok {
			outcome = RouteDefault
		}
		route = snap.deflt
		if route == nil {
			outcome = RouteForbidden
		}
	}
	if req.want.Has(EventRoute) {
		l := req.lending()
		l.route = RouteChoice{Expression: snap.routeExpr.src, Value: value, Outcome: outcome}
		e := Event{Kind: EventRoute, Route: &l.route}
		if route != nil {
			e.RouteKey = route.key
		}
		req.publish(e)
	}
	return route
}

// runMessage runs route for a message and sends what the client gets back:
// the route response of a two-way route, or AWS's error frame. onReadLoop
// says whether it runs on c's read loop, which may write the frame itself.
func (g *Gateway) runMessage(c *conn, req *request, route *compiledRoute, onReadLoop bool) {
	if req.fault != nil {
		g.runFaultyMessage(c, req, route)
		return
	}
	if frame := g.answer(c, req, route); frame != nil {
		c.sendFrame(req, frame, onReadLoop)
	}
}

// answer runs route's integration for the message and returns the frame the
// client gets: the route response of a two-way route, AWS's error frame
// (the error is published), or nil when nothing goes back.
func (g *Gateway) answer(c *conn, req *request, route *compiledRoute) []byte {
	out, err := req.run(g.msgCtx, route)
	if err == nil && route.twoWay && len(out.payload) > req.snap.settings.MaxMessageBytes {
		err = oversizedAnswer(len(out.payload), req.snap.settings.MaxMessageBytes)
	}
	if err != nil {
		e := classify(err)
		req.publishError(e)
		return errorFrame(e.Code.Message(), c.id, req.rc.RequestID)
	}
	if route.twoWay && len(out.payload) > 0 {
		return out.payload
	}
	return nil
}

// oversizedAnswer is the error for a route response over API Gateway's
// message limit (128 KB): a WebSocket message cannot be larger, so the
// client gets the "Internal server error" frame instead (docs/DECISIONS.md,
// Gateway) and the log says why.
func oversizedAnswer(size, limit int) *Error {
	return &Error{Code: CodeIntegrationFailure, Detail: fmt.Sprintf("Execution failed: the route response is %d bytes, over the %d-byte message limit; the client gets the error frame instead", size, limit)}
}

// sendFrame sends a frame the gateway itself answers with (a route
// response or an error frame): written at once from the read loop when no
// write is in progress (onReadLoop), queued otherwise. data may belong to
// req (a rendered response), which the read loop recycles, so a frame it
// queues is a copy. When the client's queue is full the frame is dropped
// and a limit event says so.
func (c *conn) sendFrame(req *request, data []byte, onReadLoop bool) {
	if onReadLoop && c.takeTurn() {
		at := time.Now()
		c.hist.addAt(at, HistoryOut, data, len(data), req.rc.RequestID, "")
		req.sent = len(data)
		if req.want.Has(EventFrameOut) {
			req.publish(Event{Time: at, Kind: EventFrameOut, Data: borrow(data), Size: len(data)})
		}
		req.publishDoneAt(at)
		c.writeReply(outFrame{typ: websocket.TextMessage, data: data}, at)
		return
	}
	frame := data
	if onReadLoop {
		frame = bytes.Clone(data)
	}
	if err := c.send(websocket.TextMessage, frame); err != nil {
		if err == ErrLimitExceeded {
			req.dropped = true
			req.publish(Event{Kind: EventLimit, Code: CodeLimitExceeded, Error: "send queue full; frame dropped: " + err.Error(), Size: len(data)})
		}
		return
	}
	c.hist.add(HistoryOut, data, len(data), req.rc.RequestID, "")
	req.sent = len(data)
	if req.want.Has(EventFrameOut) {
		req.publish(Event{Kind: EventFrameOut, Data: borrow(data), Size: len(data)})
	}
	req.publishDone()
}

// requestContext returns the context of a request on c that arrived at
// now, with the given request ID.
func (c *conn) requestContext(snap *Snapshot, eventType, routeKey string, now time.Time, requestID string) RequestContext {
	return RequestContext{
		APIID:        snap.apiID,
		Stage:        snap.stage,
		DomainName:   c.domainName,
		ConnectionID: c.id,
		ConnectedAt:  c.connectedAt,
		EventType:    eventType,
		RouteKey:     routeKey,
		RequestID:    requestID,
		RequestTime:  now,
		SourceIP:     c.sourceIP,
		UserAgent:    c.userAgent,
		APIKey:       c.apiKey,
		Authorizer:   c.authorizer,
	}
}

// disconnect publishes the end of c and runs $disconnect with the close
// code and reason. It runs on c's read loop after the socket is closed and
// the connection is out of the registry, so a PostToConnection from the
// $disconnect backend gets GoneException, as on AWS.
func (g *Gateway) disconnect(c *conn, code int, reason string) {
	snap := g.snap.Load()
	req := &request{g: g, snap: snap, want: g.events.wanted(false), done: g.ctx.Done()}
	req.rc = c.requestContext(snap, EventTypeDisconnect, model.RouteDisconnect, time.Now(), g.ids.requestID())
	req.rc.DisconnectStatusCode = code
	req.rc.DisconnectReason = reason
	req.head = http.Header{
		"Host":            {c.domainName},
		"X-Api-Key":       {""},
		"X-Forwarded-For": {c.sourceIP},
		"X-Restapi":       {""},
	}
	req.publish(Event{Kind: EventDisconnect, Close: &CloseInfo{Code: code, Reason: reason}})
	route := snap.disconnect
	if route == nil || route.integ == nil {
		return
	}
	if _, err := req.run(g.ctx, route); err != nil {
		e := classify(err)
		req.publishError(e)
	}
}
