package ui

import (
	"strconv"
	"sync"
	"time"

	"wsworkbench/emulator"
)

// traceKind says what a trace follows.
type traceKind uint8

const (
	traceMessage    traceKind = iota + 1 // a client's message through route selection and the integration
	traceConnect                         // $connect and the upgrade
	traceDisconnect                      // the end of a connection and $disconnect
	tracePost                            // an @connections call not attributed to a request
	traceOther                           // a limit or error outside any request
)

// trace is the gateway's events for one request, in the order they happened.
type trace struct {
	id     string
	connID string
	kind   traceKind
	start  time.Time
	events []emulator.Event
	data   *string // the message's text, from its frame-in event
	route  string  // the route that handled it: a key, or "Forbidden"
	failed bool    // an error or limit event is part of it
}

// maxTraceEvents bounds one trace: a template can render many times only in
// a loop the gateway does not have, so this is generous.
const maxTraceEvents = 64

// defaultTraceCapacity is how many traces the store keeps.
const defaultTraceCapacity = 5000

// traceStore keeps the most recent traces by request ID, in a ring. It is
// safe for concurrent use: the bridge's ingest goroutine adds, the trace
// panel reads.
type traceStore struct {
	mu       sync.Mutex
	byID     map[string]*trace
	connects map[string]string // connection ID → its $connect request
	order    []string          // ring of IDs, oldest at head
	head     int
	n        int
	seq      uint64 // numbers traces that have no request ID
}

func newTraceStore(capacity int) *traceStore {
	if capacity <= 0 {
		capacity = defaultTraceCapacity
	}
	return &traceStore{byID: map[string]*trace{}, connects: map[string]string{}, order: make([]string, capacity)}
}

// add files e under its trace and returns the trace (a snapshot that only
// the ingest goroutine may read), or nil when e belongs to no trace (a
// configuration change).
func (s *traceStore) add(e emulator.Event) *trace {
	if e.Kind == emulator.EventConfig {
		return nil
	}
	id := e.RequestID
	kind := traceKindOf(e)
	s.mu.Lock()
	defer s.mu.Unlock()
	if id == "" {
		s.seq++
		id = "local-" + strconv.FormatUint(s.seq, 10)
	}
	t := s.byID[id]
	if t == nil {
		t = &trace{id: id, connID: e.ConnectionID, kind: kind, start: e.Time}
		s.insert(t)
	} else if t.kind == traceOther {
		t.kind = kind
	}
	if e.Kind == emulator.EventFrameIn && t.data == nil {
		d := e.Data
		t.data = &d
	}
	if e.Kind == emulator.EventRoute {
		t.route = routeLabel(e)
	}
	if e.Kind == emulator.EventConnect && e.ConnectionID != "" {
		s.connects[e.ConnectionID] = id
	}
	if e.Kind == emulator.EventError || e.Kind == emulator.EventLimit || e.Error != "" {
		t.failed = true
	}
	if len(t.events) < maxTraceEvents {
		t.events = append(t.events, e)
	}
	cp := *t
	return &cp
}

func (s *traceStore) insert(t *trace) {
	if s.n == len(s.order) {
		old := s.order[s.head]
		if t := s.byID[old]; t != nil && s.connects[t.connID] == old {
			delete(s.connects, t.connID)
		}
		delete(s.byID, old)
		s.order[s.head] = t.id
		s.head = (s.head + 1) % len(s.order)
	} else {
		s.order[(s.head+s.n)%len(s.order)] = t.id
		s.n++
	}
	s.byID[t.id] = t
}

// get returns a copy of the trace with the given ID.
func (s *traceStore) get(id string) (trace, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.byID[id]
	if !ok {
		return trace{}, false
	}
	cp := *t
	cp.events = append([]emulator.Event(nil), t.events...)
	return cp, true
}

// connectOf returns the $connect request of a connection, if still held.
func (s *traceStore) connectOf(connID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.connects[connID]
	return id, ok
}

// len returns the number of traces held.
func (s *traceStore) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// traceKindOf says what kind of trace e starts. The predefined routes
// events carry their route key from the start.
func traceKindOf(e emulator.Event) traceKind {
	switch {
	case e.Kind == emulator.EventConnect || e.RouteKey == "$connect":
		return traceConnect
	case e.Kind == emulator.EventDisconnect || e.RouteKey == "$disconnect":
		return traceDisconnect
	case e.Kind == emulator.EventConnections:
		return tracePost
	case e.Kind == emulator.EventFrameIn, e.Kind == emulator.EventRoute,
		e.Kind == emulator.EventTemplate, e.Kind == emulator.EventIntegration:
		return traceMessage
	}
	return traceOther
}

// routeLabel is what a log line shows as the route of a message.
func routeLabel(e emulator.Event) string {
	if e.Route == nil || e.Route.Outcome == emulator.RouteForbidden || e.RouteKey == "" {
		return "Forbidden"
	}
	return e.RouteKey
}
