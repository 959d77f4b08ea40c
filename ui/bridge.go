package ui

import (
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"wsworkbench/client"
	"wsworkbench/emulator"
	"wsworkbench/ui/controller"
	"wsworkbench/ui/trace"
)

// dirt says which parts of the window a refresh must look at.
type dirt uint32

const (
	dirtyTabs   dirt = 1 << iota // a client's state or log changed
	dirtyConns                   // the gateway's connections changed
	dirtyTrace                   // a trace got new steps
	dirtyStatus                  // the gateway applied or refused a configuration
	dirtyWatch                   // a connection no tab holds had traffic (watch views)
)

// frameInterval is the least time between two refreshes: one frame at 60 Hz.
const frameInterval = 17 * time.Millisecond

// maxInterval bounds how far the bridge stretches its refresh interval
// when the UI goroutine is slow.
const maxInterval = 250 * time.Millisecond

// connsPollInterval is how often the connections panel is refreshed while
// nothing else happens, so lastActiveAt and the frame counters move.
const connsPollInterval = time.Second

// bridge is the only place that turns gateway events and client changes into
// widget updates.
//
// Producers never touch widgets: a client's OnChange and the gateway's event
// stream only record what changed (mark) and update plain data (the trace
// store, the routes in the clients' logs, the tabs' connection IDs). The
// bridge's pump goroutine wakes on a mark, waits until a frame has passed
// since the last refresh, and hands one refresh to the UI goroutine through
// do (fyne.Do in the app). While that refresh is pending it schedules no
// other, so however fast messages arrive, the UI queue holds at most one of
// the bridge's refreshes and the window redraws at most once a frame.
//
// Goroutines: Start runs the pump and, when the bridge has a subscription,
// the ingest goroutine that reads gateway events; Stop ends both and waits
// for them. refresh runs on the UI goroutine only.
type bridge struct {
	do      func(func()) // runs a function on the UI goroutine (fyne.Do)
	refresh func(dirt)   // the window's refresh; called on the UI goroutine
	frame   time.Duration

	gw   *emulator.Gateway
	sub  *emulator.Subscription
	tabs *controller.Tabs

	traces *trace.Store

	dirty atomic.Uint32
	wake  chan struct{}

	// pending counts refreshes handed to do that have not run yet; the pump
	// keeps it at 0 or 1. maxPending and scheduled are for measurements.
	// scheduledAt is when the pending refresh was handed over, and waited
	// how long the last one waited for the UI goroutine (in nanoseconds).
	pending     atomic.Int64
	scheduledAt atomic.Int64
	waited      atomic.Int64
	maxPending  atomic.Int64
	scheduled   atomic.Uint64
	flushes     atomic.Uint64

	notes []pendingNote // ingest goroutine only

	// nextSubs are subscriptions to gateways that replaced gw (see follow);
	// when its subscription closes, the ingest goroutine goes on with the
	// first of them.
	nextMu   sync.Mutex
	nextSubs []*emulator.Subscription

	stopOnce sync.Once
	stop     chan struct{}
	wg       sync.WaitGroup
}

// pendingNote is a route the gateway reported for a frame that the client's
// log does not hold yet (the event can arrive before the client has logged
// its own send, or the frame it received). The ingest goroutine retries it
// until it matches or expires, on the tab that held the connection then:
// the tab may have reconnected meanwhile (a gateway restart), and the
// frame is in its log all the same.
type pendingNote struct {
	tab    *controller.Tab
	connID string
	dir    client.Dir
	text   string
	route  string
	reqID  string
	until  time.Time
}

// noteTTL is how long a route annotation waits for its log entry.
const noteTTL = 2 * time.Second

// maxNotes bounds the annotations waiting for their log entry; when full
// the oldest is dropped (its log line then shows no route).
const maxNotes = 4096

// eventBuffer is the room of the bridge's gateway subscription. At about
// six events per message it holds well over a frame of 1 000 messages/s.
const eventBuffer = 8192

// eventBytes bounds the payload bytes of the events waiting for the bridge
// (frames, template inputs and outputs, Lambda events and results): a flood
// of large messages drops events, counted, instead of holding gigabytes.
const eventBytes = 32 << 20

func newBridge(gw *emulator.Gateway, tabs *controller.Tabs, traces *trace.Store, do func(func()), refresh func(dirt)) *bridge {
	b := &bridge{
		do:      do,
		refresh: refresh,
		frame:   frameInterval,
		gw:      gw,
		tabs:    tabs,
		traces:  traces,
		wake:    make(chan struct{}, 1),
		stop:    make(chan struct{}),
	}
	if gw != nil {
		b.sub = gw.SubscribeBytes(eventBuffer, eventBytes)
	}
	return b
}

// Start runs the pump and the ingest goroutines.
func (b *bridge) Start() {
	b.wg.Add(1)
	go b.pump()
	if b.sub != nil {
		b.wg.Add(1)
		go b.ingest()
	}
}

// Stop ends the bridge's goroutines and waits for them. A refresh already
// handed to do may still run later; it finds the bridge stopped and does
// nothing.
func (b *bridge) Stop() {
	b.stopOnce.Do(func() {
		close(b.stop)
		if b.sub != nil {
			b.sub.Close()
		}
	})
	b.wg.Wait()
}

func (b *bridge) stopped() bool {
	select {
	case <-b.stop:
		return true
	default:
		return false
	}
}

// mark records that d needs a refresh and wakes the pump. It never blocks
// and may be called from any goroutine.
func (b *bridge) mark(d dirt) {
	for {
		old := b.dirty.Load()
		if old&uint32(d) == uint32(d) {
			break
		}
		if b.dirty.CompareAndSwap(old, old|uint32(d)) {
			break
		}
	}
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// pump turns marks into at most one pending refresh per frame.
func (b *bridge) pump() {
	defer b.wg.Done()
	// The connections panel's counters move without events: poll them
	// while there is a gateway.
	var pollC <-chan time.Time
	if b.gw != nil {
		poll := time.NewTicker(connsPollInterval)
		defer poll.Stop()
		pollC = poll.C
	}
	var last time.Time
	for {
		select {
		case <-b.stop:
			return
		case <-pollC:
			b.mark(dirtyConns)
			continue
		case <-b.wake:
		}
		if wait := b.interval() - time.Since(last); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-b.stop:
				t.Stop()
				return
			case <-t.C:
			}
		}
		if b.dirty.Load() == 0 || !b.pending.CompareAndSwap(0, 1) {
			// Nothing to do, or a refresh is still queued: it will see
			// the new marks, and poke the pump again if more arrive.
			continue
		}
		if b.maxPending.Load() < 1 {
			b.maxPending.Store(1)
		}
		b.scheduled.Add(1)
		last = time.Now()
		b.scheduledAt.Store(last.UnixNano())
		b.do(b.flush)
	}
}

// interval is the least time between two refreshes: a frame, or, when the
// UI goroutine is slow to run the refreshes (each one makes it repaint the
// window, which a software renderer may take 100 ms to do), twice the time
// the last one waited, up to maxInterval. Fewer refreshes then leave the UI
// goroutine time for the person's clicks and keys.
func (b *bridge) interval() time.Duration {
	return min(max(b.frame, 2*time.Duration(b.waited.Load())), maxInterval)
}

// flush runs on the UI goroutine: it takes the marks and refreshes.
func (b *bridge) flush() {
	b.waited.Store(time.Now().UnixNano() - b.scheduledAt.Load())
	d := dirt(b.dirty.Swap(0))
	b.pending.Store(0)
	if b.stopped() {
		return
	}
	b.flushes.Add(1)
	if d != 0 {
		b.refresh(d)
	}
	if b.dirty.Load() != 0 {
		select {
		case b.wake <- struct{}{}:
		default:
		}
	}
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

// clientChanged is every client's OnChange.
func (b *bridge) clientChanged() { b.mark(dirtyTabs) }

// ingest reads the gateway's events: it fills the trace store, gives tabs
// their connection IDs, and writes the route of each frame into the log of
// the tab it belongs to.
func (b *bridge) ingest() {
	defer b.wg.Done()
	retry := time.NewTicker(50 * time.Millisecond)
	defer retry.Stop()
	sub := b.sub
	for {
		select {
		case <-b.stop:
			return
		case e, ok := <-sub.C():
			if !ok {
				// The gateway closed: go on with the one that replaced
				// it (TLS turned on or off), if any.
				if sub = b.takeNextSub(); sub == nil {
					return
				}
				continue
			}
			sub.Done(&e)
			b.handle(e)
		case <-retry.C:
			if len(b.notes) > 0 {
				b.retryNotes(time.Now())
			}
		}
	}
}

// handle applies one gateway event. It runs on the ingest goroutine (tests
// may call it directly).
func (b *bridge) handle(e emulator.Event) {
	var d dirt
	t := b.traces.Add(e)
	if t != nil {
		d |= dirtyTrace
	}
	switch e.Kind {
	case emulator.EventConnect:
		if c := e.Connect; c != nil && c.Outcome == emulator.ConnectAccepted {
			if tab := b.tabs.ByAddr(c.RemoteAddr); tab != nil {
				tab.SetConnect(e.ConnectionID, e.RequestID)
			}
		}
		d |= dirtyConns
	case emulator.EventDisconnect:
		d |= dirtyConns
	case emulator.EventRoute:
		if t != nil && t.Data != nil {
			b.note(pendingNote{connID: e.ConnectionID, dir: client.Sent, text: *t.Data, route: t.Route, reqID: t.ID})
		}
	case emulator.EventFrameOut:
		route, id := "", ""
		if t != nil {
			id = t.ID
			if t.Kind == trace.Message {
				route = t.Route
			}
		}
		b.note(pendingNote{connID: e.ConnectionID, dir: client.Received, text: e.Data, route: route, reqID: id})
	case emulator.EventConnections:
		// A frame posted through @connections: the receiving tab's entry
		// links to the trace the post belongs to (the message whose
		// backend posted it, when attributed).
		if c := e.Connections; c != nil && c.Method == http.MethodPost && e.Code == 0 && t != nil {
			b.note(pendingNote{connID: e.ConnectionID, dir: client.Received, text: e.Data, route: "@connections", reqID: t.ID})
		}
	case emulator.EventConfig:
		d |= dirtyStatus
	case emulator.EventLimit:
		// A close for a limit says only "1001 Going away" on the wire;
		// the tab says which limit.
		if c := e.Close; c != nil && e.Error != "" {
			if tab := b.tabs.ByConnID(e.ConnectionID); tab != nil {
				tab.SetCloseWhy(c.Code, c.Reason, e.Error)
				// The client may have shown its close already: the
				// tab's state line must be drawn again with the why.
				d |= dirtyTabs
			}
		}
	}
	// Watch views read an outside connection's history; any event on it
	// may have added to that history.
	if e.ConnectionID != "" && b.tabs.ByConnID(e.ConnectionID) == nil {
		d |= dirtyWatch
	}
	if d != 0 {
		b.mark(d)
	}
}

// note annotates a log entry now, or queues the annotation for a retry. An
// entry that gets its route is drawn again (the frame may already show
// without it: the client logs it as it reads it, often before the gateway's
// event is here).
func (b *bridge) note(n pendingNote) {
	if n.route == "" {
		n.route = "?"
	}
	tab := b.tabs.ByConnID(n.connID)
	if tab == nil {
		return // a connection no tab of this window holds
	}
	if tab.Annotate(n.dir, n.text, n.route, n.reqID) {
		b.mark(dirtyTabs)
		return
	}
	n.tab, n.until = tab, time.Now().Add(noteTTL)
	if len(b.notes) >= maxNotes {
		b.notes = b.notes[1:]
	}
	b.notes = append(b.notes, n)
}

// retryNotes retries the queued annotations, oldest first, and drops the
// expired ones.
func (b *bridge) retryNotes(now time.Time) {
	keep := b.notes[:0]
	for _, n := range b.notes {
		if n.tab.Annotate(n.dir, n.text, n.route, n.reqID) {
			b.mark(dirtyTabs)
			continue
		}
		if now.Before(n.until) {
			keep = append(keep, n)
		}
	}
	for i := len(keep); i < len(b.notes); i++ {
		b.notes[i] = pendingNote{}
	}
	b.notes = keep
}

// bridgeStats are the bridge's counters, for measurements.
type bridgeStats struct {
	Scheduled  uint64 // refreshes handed to do
	Flushes    uint64 // refreshes that ran
	MaxPending int64  // the most refreshes queued at once
	Pending    int64  // refreshes queued now
}

func (b *bridge) stats() bridgeStats {
	return bridgeStats{
		Scheduled:  b.scheduled.Load(),
		Flushes:    b.flushes.Load(),
		MaxPending: b.maxPending.Load(),
		Pending:    b.pending.Load(),
	}
}
