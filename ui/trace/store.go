// Package trace keeps the gateway's events by request (Store) and shows one
// request's path through the gateway step by step (Panel). It knows the
// window only through Host and a client tab's log only through Source.
package trace

import (
	"strconv"
	"sync"
	"time"

	"wsworkbench/emulator"
)

// Kind says what a trace follows.
type Kind uint8

const (
	Message    Kind = iota + 1 // a client's message through route selection and the integration
	Connect                    // $connect and the upgrade
	Disconnect                 // the end of a connection and $disconnect
	Post                       // an @connections call not attributed to a request
	Other                      // a limit or error outside any request
)

// Trace is the gateway's events for one request, in the order they happened.
type Trace struct {
	ID     string
	ConnID string
	Kind   Kind
	Start  time.Time
	Events []emulator.Event
	Data   *string // the message's text, from its frame-in event
	Route  string  // the route that handled it: a key, or "Forbidden"
	Failed bool    // an error or limit event is part of it
	bytes  int     // the events' payload bytes (Store's byte bound)
}

// maxEvents bounds one trace: a template can render many times only in
// a loop the gateway does not have, so this is generous.
const maxEvents = 64

// DefaultCapacity is how many traces a store keeps unless told otherwise.
const DefaultCapacity = 5000

// MaxBytes bounds the payloads (emulator.Event.Bytes) a store keeps: the
// oldest traces go first when new ones would pass it, so 5 000 traces of
// large messages do not hold gigabytes.
const MaxBytes = 64 << 20

// Store keeps the most recent traces by request ID, in a ring. It is
// safe for concurrent use: the bridge's ingest goroutine adds, the trace
// panel reads.
type Store struct {
	mu       sync.Mutex
	byID     map[string]*Trace
	connects map[string]string // connection ID → its $connect request
	order    []string          // ring of IDs, oldest at head
	head     int
	n        int
	seq      uint64 // numbers traces that have no request ID
	bytes    int    // payload bytes held by the traces in the ring
	maxBytes int
}

// NewStore returns an empty store that keeps capacity traces.
func NewStore(capacity int) *Store {
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	return &Store{byID: map[string]*Trace{}, connects: map[string]string{}, order: make([]string, capacity), maxBytes: MaxBytes}
}

// Add files e under its trace and returns the trace (a snapshot that only
// the ingest goroutine may read), or nil when e belongs to no trace (a
// configuration change).
func (s *Store) Add(e emulator.Event) *Trace {
	if e.Kind == emulator.EventConfig {
		return nil
	}
	id := e.RequestID
	kind := kindOf(e)
	s.mu.Lock()
	defer s.mu.Unlock()
	if id == "" {
		s.seq++
		id = "local-" + strconv.FormatUint(s.seq, 10)
	}
	t := s.byID[id]
	if t == nil {
		t = &Trace{ID: id, ConnID: e.ConnectionID, Kind: kind, Start: e.Time}
		s.insert(t)
	} else if t.Kind == Other {
		t.Kind = kind
	}
	if e.Kind == emulator.EventFrameIn && t.Data == nil {
		d := e.Data
		t.Data = &d
	}
	if e.Kind == emulator.EventRoute {
		t.Route = routeLabel(e)
	}
	if e.Kind == emulator.EventConnect && e.ConnectionID != "" {
		s.connects[e.ConnectionID] = id
	}
	if e.Kind == emulator.EventError || e.Kind == emulator.EventLimit || e.Error != "" {
		t.Failed = true
	}
	if len(t.Events) < maxEvents {
		t.Events = append(t.Events, e)
		size := e.Bytes()
		t.bytes += size
		s.bytes += size
		for s.bytes > s.maxBytes && s.n > 1 && s.order[s.head] != t.ID {
			s.evictOldest()
		}
	}
	cp := *t
	return &cp
}

func (s *Store) insert(t *Trace) {
	if s.n == len(s.order) {
		s.evictOldest()
	}
	s.order[(s.head+s.n)%len(s.order)] = t.ID
	s.n++
	s.byID[t.ID] = t
}

// Get returns a copy of the trace with the given ID.
func (s *Store) Get(id string) (Trace, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.byID[id]
	if !ok {
		return Trace{}, false
	}
	cp := *t
	cp.Events = append([]emulator.Event(nil), t.Events...)
	return cp, true
}

// ConnectOf returns the $connect request of a connection, if still held.
func (s *Store) ConnectOf(connID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.connects[connID]
	return id, ok
}

// Len returns the number of traces held.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// kindOf says what kind of trace e starts. The predefined routes
// events carry their route key from the start.
func kindOf(e emulator.Event) Kind {
	switch {
	case e.Kind == emulator.EventConnect || e.RouteKey == "$connect":
		return Connect
	case e.Kind == emulator.EventDisconnect || e.RouteKey == "$disconnect":
		return Disconnect
	case e.Kind == emulator.EventConnections:
		return Post
	case e.Kind == emulator.EventFrameIn, e.Kind == emulator.EventRoute,
		e.Kind == emulator.EventTemplate, e.Kind == emulator.EventIntegration:
		return Message
	}
	return Other
}

// routeLabel is what a log line shows as the route of a message.
func routeLabel(e emulator.Event) string {
	if e.Route == nil || e.Route.Outcome == emulator.RouteForbidden || e.RouteKey == "" {
		return "Forbidden"
	}
	return e.RouteKey
}

// evictOldest drops the oldest trace from the ring.
func (s *Store) evictOldest() {
	old := s.order[s.head]
	if t := s.byID[old]; t != nil {
		if s.connects[t.ConnID] == old {
			delete(s.connects, t.ConnID)
		}
		s.bytes -= t.bytes
	}
	delete(s.byID, old)
	s.order[s.head] = ""
	s.head = (s.head + 1) % len(s.order)
	s.n--
}
