package emulator

import (
	"context"
	"fmt"
	"iter"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"wsworkbench/emulator/model"
)

// faultPlan is a snapshot's faults (model.Faults), ready to apply. It is
// shared by every request on the snapshot; its random source and connect
// counter are the only state, guarded by mu and atomics.
type faultPlan struct {
	f        model.Faults
	mu       sync.Mutex
	rng      *rand.Rand
	connects atomic.Uint64
}

// compileFaults returns the plan for f, or nil when no fault is active (the
// message path then pays one nil check).
func compileFaults(f model.Faults) (*faultPlan, error) {
	if err := f.Validate(); err != nil {
		return nil, err // Compile names it (CompileError's Template "faults")
	}
	if !f.Active() {
		return nil, nil
	}
	seed := uint64(f.Seed)
	if seed == 0 {
		seed = rand.Uint64()
	}
	return &faultPlan{f: f.Clone(), rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}, nil
}

// chance reports true with probability rate.
func (p *faultPlan) chance(rate float64) bool {
	switch {
	case rate <= 0:
		return false
	case rate >= 1:
		return true
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rng.Float64() < rate
}

// delay is d plus up to jitter more, or 0 when d and jitter are.
func (p *faultPlan) delay(d, jitter time.Duration) time.Duration {
	if jitter <= 0 {
		return d
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return d + time.Duration(p.rng.Int64N(int64(jitter)+1))
}

// messageFault returns the first message fault for route and connection.
func (p *faultPlan) messageFault(route, connID string) *model.MessageFault {
	if p == nil {
		return nil
	}
	for i := range p.f.Messages {
		m := &p.f.Messages[i]
		if (m.Route == "" || m.Route == route) && (m.Connection == "" || m.Connection == connID) {
			return m
		}
	}
	return nil
}

// dropBeforeRouting returns the first message fault that drops messages of
// connID before a route is chosen, and whether it drops this one.
func (p *faultPlan) dropBeforeRouting(connID string) (*model.MessageFault, bool) {
	if p == nil {
		return nil, false
	}
	for i := range p.f.Messages {
		m := &p.f.Messages[i]
		if m.Drop > 0 && m.Route == "" && (m.Connection == "" || m.Connection == connID) {
			return m, p.chance(m.Drop)
		}
	}
	return nil, false
}

// refuseConnect returns the status a connect is refused with, if a connect
// fault refuses it.
func (p *faultPlan) refuseConnect() (int, bool) {
	if p == nil || p.f.Connect == nil {
		return 0, false
	}
	c := p.f.Connect
	n := p.connects.Add(1)
	switch {
	case c.Every > 1:
		return c.Status, n%uint64(c.Every) == 0
	case c.Rate > 0:
		return c.Status, p.chance(c.Rate)
	}
	return c.Status, true
}

// managementFault returns the error an @connections call for id fails
// with, if a management fault makes it fail.
func (p *faultPlan) managementFault(id string) *Error {
	if p == nil || p.f.Management == nil {
		return nil
	}
	m := p.f.Management
	if p.chance(m.LimitExceeded) {
		return &Error{Code: CodeLimitExceeded, Detail: "fault: @connections calls fail with LimitExceededException (management.limitExceeded)"}
	}
	if slices.Contains(m.GoneConnections, id) || p.chance(m.Gone) {
		return &Error{Code: CodeGone, Detail: "fault: @connections answers GoneException for a connection that is still open (management.gone)", Err: ErrGone}
	}
	return nil
}

// closeFaults yields the close faults that apply to connID. It builds no
// slice: closeAfterMessages asks for them on every message.
func (p *faultPlan) closeFaults(connID string) iter.Seq[model.CloseFault] {
	return func(yield func(model.CloseFault) bool) {
		if p == nil {
			return
		}
		for _, c := range p.f.Closes {
			if (c.Connection == "" || c.Connection == connID) && !yield(c) {
				return
			}
		}
	}
}

// publishFault puts a fault in the message's trace.
func (req *request) publishFault(kind FaultKind, detail string) {
	if kind == FaultDropMessage || kind == FaultDropAnswer {
		req.dropped = true
	}
	if req.want.Has(EventFault) {
		req.publish(Event{Kind: EventFault, Fault: &FaultApplied{Kind: kind, Detail: detail}})
	}
}

// errorFrameCode maps a MessageFault's Error to the code whose frame it is.
func errorFrameCode(frame string) Code {
	switch frame {
	case CodeForbidden.Message():
		return CodeForbidden
	case CodeTimeout.Message():
		return CodeTimeout
	}
	return CodeInternal
}

// wait sleeps d unless ctx ends first; it reports whether the wait ran out.
func wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// refuseByFault answers a connect a connect fault refuses, with the status
// and AWS's body for it; it reports whether it did.
func (g *Gateway) refuseByFault(w http.ResponseWriter, req *request, r *http.Request, snap *Snapshot) bool {
	status, refuse := snap.faults.refuseConnect()
	if !refuse {
		return false
	}
	msg := http.StatusText(status)
	switch status {
	case http.StatusInternalServerError, http.StatusBadGateway:
		msg = "Internal server error"
	case http.StatusForbidden:
		msg = "Forbidden"
	}
	req.publish(Event{Kind: EventFault, Fault: &FaultApplied{Kind: FaultConnectRefused, Detail: fmt.Sprintf("connect refused with %d (connect fault)", status)}})
	req.publish(Event{Kind: EventConnect, Status: status, Connect: req.connectRequest(r, ConnectRejected, nil)})
	writeMessage(w, status, msg)
	return true
}

// armCloseFaults starts the timers of c's close faults that fire a time
// after the connect. It runs when c opens and when the faults change.
func (g *Gateway) armCloseFaults(c *conn, snap *Snapshot) {
	c.mu.Lock()
	for _, t := range c.faultTimers {
		t.Stop()
	}
	c.faultTimers = nil
	if c.closing {
		c.mu.Unlock()
		return
	}
	for cf := range snap.faults.closeFaults(c.id) {
		if cf.After <= 0 {
			continue
		}
		left := time.Until(c.connectedAt.Add(cf.After))
		c.faultTimers = append(c.faultTimers, time.AfterFunc(max(left, 0), func() {
			c.applyClose(cf, fmt.Sprintf("close fault: %s after the connect", cf.After))
		}))
	}
	c.mu.Unlock()
}

// closeAfterMessages closes c when a close fault counts n messages.
func (c *conn) closeAfterMessages(snap *Snapshot, n uint64) {
	for cf := range snap.faults.closeFaults(c.id) {
		if cf.AfterMessages > 0 && n == uint64(cf.AfterMessages) {
			c.applyClose(cf, fmt.Sprintf("close fault: after %d messages", cf.AfterMessages))
			return
		}
	}
}

// applyClose ends c as cf says: a close frame, or a dropped TCP connection.
func (c *conn) applyClose(cf model.CloseFault, why string) {
	kind := FaultClose
	if cf.Drop {
		kind = FaultDrop
	}
	c.g.events.publish(Event{Kind: EventFault, ConnectionID: c.id, Fault: &FaultApplied{Kind: kind, Detail: why}})
	c.hist.add(HistoryEvent, nil, 0, "", "fault: "+why)
	if cf.Drop {
		c.drop()
		return
	}
	code := cf.Code
	if code == 0 {
		code = closeGoingAway
	}
	c.closeWith(code, cf.Reason)
}

// drop ends the TCP connection without a close frame: the client sees
// 1006, and $disconnect gets 1006 as for any connection lost.
func (c *conn) drop() {
	c.mu.Lock()
	if !c.closing {
		c.closing = true
		c.closed.Store(true)
		c.closeCode, c.closeReason = closeAbnormal, ""
	}
	c.mu.Unlock()
	c.abort()
}

// CloseConnection closes an open connection now with code and reason, as a
// tester's "close" does (DELETE @connections closes with 1000 Normal
// closure; this takes any code a close frame may carry).
func (g *Gateway) CloseConnection(id string, code int, reason string) error {
	c := g.lookup(id)
	if c == nil || c.isClosing() {
		return ErrGone
	}
	if err := (&model.Faults{Closes: []model.CloseFault{{Code: code, Reason: reason, After: 1}}}).Validate(); err != nil {
		return err
	}
	c.applyClose(model.CloseFault{Code: code, Reason: reason}, fmt.Sprintf("closed from the workbench with %d", code))
	return nil
}

// DropConnection drops an open connection's TCP connection now, without a
// close frame.
func (g *Gateway) DropConnection(id string) error {
	c := g.lookup(id)
	if c == nil || c.isClosing() {
		return ErrGone
	}
	c.applyClose(model.CloseFault{Drop: true}, "TCP connection dropped from the workbench")
	return nil
}

// ExpireIdle closes an open connection now as the idle timeout would.
func (g *Gateway) ExpireIdle(id string) error {
	c := g.lookup(id)
	if c == nil || c.isClosing() {
		return ErrGone
	}
	c.limit(closeGoingAway, reasonGoingAway, "the idle timeout, brought forward from the workbench")
	return nil
}

// ExpireMaxDuration closes an open connection now as the maximum
// connection duration would.
func (g *Gateway) ExpireMaxDuration(id string) error {
	c := g.lookup(id)
	if c == nil || c.isClosing() {
		return ErrGone
	}
	c.limit(closeGoingAway, reasonGoingAway, "the maximum connection duration, brought forward from the workbench")
	return nil
}

// faultBeforeRouting drops the message before routing when a drop fault
// says so; it reports whether it did (the request is then recycled).
func (g *Gateway) faultBeforeRouting(c *conn, req *request) bool {
	m, drop := req.snap.faults.dropBeforeRouting(c.id)
	if !drop {
		return false
	}
	c.hist.add(HistoryEvent, nil, 0, req.rc.RequestID, "fault: the message was lost before routing")
	req.publishFault(FaultDropMessage, fmt.Sprintf("the message was lost before routing (drop %g)", m.Drop))
	req.publishDone()
	recycle(req)
	return true
}

// runFaultyMessage runs a message a message fault applies to, in its own
// goroutine (startMessage), so a delay never holds the connection's read
// loop: latency, then an error frame instead of the integration, or the
// integration and then a dropped or delayed answer.
func (g *Gateway) runFaultyMessage(c *conn, req *request, route *compiledRoute) {
	f, plan := req.fault, req.snap.faults
	if d := plan.delay(f.Latency, f.Jitter); d > 0 {
		req.publishFault(FaultLatency, fmt.Sprintf("waited %s before the integration", d.Round(time.Millisecond)))
		if !wait(c.ctx, d) {
			return
		}
	}
	if f.Error != "" && plan.chance(rateOrAll(f.ErrorRate)) {
		req.publishFault(FaultErrorFrame, fmt.Sprintf("answered %q instead of running the integration", f.Error))
		code := errorFrameCode(f.Error)
		req.status, req.code = code.Status(), code
		c.sendFrame(req, errorFrame(f.Error, c.id, req.rc.RequestID), false)
		return
	}
	frame := g.answer(c, req, route)
	if frame == nil {
		return
	}
	if plan.chance(f.DropAnswer) {
		req.publishFault(FaultDropAnswer, fmt.Sprintf("the integration ran; its answer was not sent (dropAnswer %g)", f.DropAnswer))
		return
	}
	if d := plan.delay(f.AnswerLatency, f.Jitter); f.AnswerLatency > 0 && d > 0 {
		req.publishFault(FaultAnswerLatency, fmt.Sprintf("waited %s before the answer", d.Round(time.Millisecond)))
		if !wait(c.ctx, d) {
			return
		}
	}
	c.sendFrame(req, frame, false)
}

// rateOrAll is rate, or 1 when rate is 0 (a fault with no rate applies to
// every message).
func rateOrAll(rate float64) float64 {
	if rate == 0 {
		return 1
	}
	return rate
}

// SetFaults replaces the running faults and keeps the rest of the
// configuration (a read-modify-write of the API: call it from the one
// goroutine that edits the configuration).
func (g *Gateway) SetFaults(f model.Faults) error {
	api := g.API()
	api.Settings.Faults = f
	return g.Update(api)
}

// Faults returns the faults the gateway runs with.
func (g *Gateway) Faults() model.Faults { return g.snap.Load().api.Settings.Faults.Clone() }
