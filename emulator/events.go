package emulator

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// EventKind says what happened.
type EventKind string

// The kinds of event the gateway publishes, in the order a message's trace
// shows them.
const (
	EventConnect     EventKind = "connect"     // $connect ran; Status is the upgrade's answer, Outcome accepted/rejected
	EventFrameIn     EventKind = "frame-in"    // a data frame arrived from a client
	EventRoute       EventKind = "route"       // the route was chosen; see Expression, Value, Outcome
	EventTemplate    EventKind = "template"    // a mapping template rendered; see Template, Value, Input, Output
	EventIntegration EventKind = "integration" // the integration answered; see Status, Response
	EventFrameOut    EventKind = "frame-out"   // a frame was queued to a client
	EventError       EventKind = "error"       // the request failed; Code and Detail say how
	EventLimit       EventKind = "limit"       // a limit was hit (frame/message size, binary, idle, max duration, send queue)
	EventDisconnect  EventKind = "disconnect"  // the connection closed and $disconnect ran; Code, Reason
	EventConfig      EventKind = "config"      // Update applied (Outcome "applied") or refused ("rejected")
)

// Route outcomes (Event.Outcome on EventRoute).
const (
	RouteMatched   = "matched"   // the expression's value is a route key
	RouteFallback  = "fallback"  // no route has that key; $default took it
	RouteDefault   = "$default"  // the expression could not be evaluated (e.g. not JSON); $default took it
	RouteForbidden = "forbidden" // nothing matched and there is no $default: the Forbidden frame
)

// Connect outcomes (Event.Outcome on EventConnect).
const (
	ConnectAccepted   = "accepted"   // the upgrade succeeded
	ConnectRejected   = "rejected"   // the upgrade was refused with Status
	ConnectAuthorized = "authorized" // the mock authorizer allowed the identity; Detail says how
)

// Event is one thing that happened in the gateway. Time and ConnectionID are
// always set; RequestID (and MessageID for messages) tie the events of one
// request together into a trace. The other fields are set by the kinds that
// use them.
type Event struct {
	Time         time.Time     `json:"time"`
	Kind         EventKind     `json:"kind"`
	ConnectionID string        `json:"connectionId,omitempty"`
	RequestID    string        `json:"requestId,omitempty"`
	MessageID    string        `json:"messageId,omitempty"`
	RouteKey     string        `json:"routeKey,omitempty"`
	Outcome      string        `json:"outcome,omitempty"`    // see the Route* constants; "accepted"/"rejected" on connect
	Expression   string        `json:"expression,omitempty"` // the selection expression evaluated
	Value        string        `json:"value,omitempty"`      // what it evaluated to
	Template     string        `json:"template,omitempty"`   // "request" or "response" and the template's key, e.g. `request "$default"`
	Input        string        `json:"input,omitempty"`      // the template's input body
	Output       string        `json:"output,omitempty"`     // the template's output
	Status       int           `json:"status,omitempty"`     // integration status, upgrade status
	Response     string        `json:"response,omitempty"`   // the integration response key chosen
	Data         string        `json:"data,omitempty"`       // a frame's text
	Size         int           `json:"size,omitempty"`       // a frame's size in bytes
	Code         int           `json:"code,omitempty"`       // close code
	Reason       string        `json:"reason,omitempty"`     // close reason
	Error        string        `json:"error,omitempty"`      // what went wrong, for people
	Detail       string        `json:"detail,omitempty"`     // a note for people, e.g. why an authorizer allowed
	Duration     time.Duration `json:"durationNs,omitempty"`
	RemoteAddr   string        `json:"remoteAddr,omitempty"`
}

// String renders the event on one line for a text log.
func (e Event) String() string {
	var b strings.Builder
	b.Grow(128)
	var ts [len("15:04:05.000")]byte
	b.Write(e.Time.AppendFormat(ts[:0], "15:04:05.000"))
	b.WriteByte(' ')
	b.WriteString(string(e.Kind))
	for n := len(e.Kind); n < 11; n++ { // the kind padded to the longest, "integration"
		b.WriteByte(' ')
	}
	if e.ConnectionID != "" {
		b.WriteString(" conn=")
		b.WriteString(e.ConnectionID)
	}
	if e.RequestID != "" {
		b.WriteString(" req=")
		b.WriteString(e.RequestID)
	}
	add := func(k, v string) {
		if v == "" {
			return
		}
		b.WriteByte(' ')
		b.WriteString(k)
		b.WriteByte('=')
		writeQuotedIfNeeded(&b, v)
	}
	add("route", e.RouteKey)
	add("outcome", e.Outcome)
	add("expr", e.Expression)
	if e.Kind == EventRoute || e.Kind == EventTemplate {
		add("value", e.Value)
	}
	add("template", e.Template)
	if e.Status != 0 {
		add("status", strconv.Itoa(e.Status))
	}
	add("response", e.Response)
	if e.Code != 0 {
		add("code", strconv.Itoa(e.Code))
	}
	add("reason", e.Reason)
	add("remote", e.RemoteAddr)
	if e.Kind == EventTemplate {
		add("out", e.Output)
	}
	add("data", e.Data)
	add("error", e.Error)
	add("detail", e.Detail)
	if e.Duration > 0 {
		add("took", e.Duration.String())
	}
	return b.String()
}

// writeQuotedIfNeeded writes s, cut to 200 bytes, quoted when it is empty
// or holds white space, a quote or "=".
func writeQuotedIfNeeded(b *strings.Builder, s string) {
	const max = 200
	cut := len(s) > max
	if cut {
		s = s[:max]
	}
	if s == "" || strings.ContainsAny(s, " \t\n\r\"=") {
		if cut {
			s += "…"
		}
		var buf [2 * max]byte
		b.Write(strconv.AppendQuote(buf[:0], s))
		return
	}
	b.WriteString(s)
	if cut {
		b.WriteString("…")
	}
}

// Subscription receives the gateway's events. It is safe for concurrent use;
// C is read by one goroutine.
type Subscription struct {
	c       chan Event
	dropped atomic.Uint64
	bus     *bus
	once    sync.Once
}

// C returns the channel events arrive on. It is closed by Close or when the
// gateway closes.
func (s *Subscription) C() <-chan Event { return s.c }

// Dropped returns how many events this subscriber lost because its buffer
// was full: publishing never waits for a slow subscriber.
func (s *Subscription) Dropped() uint64 { return s.dropped.Load() }

// Close stops the subscription and closes C.
func (s *Subscription) Close() { s.bus.remove(s) }

// bus fans events out to subscribers. Publish never blocks: the subscriber
// list is an immutable slice swapped under mu, read without a lock, and a
// full subscriber channel drops the event and counts it. Channels are
// closed only under mu, and publish holds the read lock while sending, so a
// send never races a close.
type bus struct {
	mu     sync.RWMutex
	subs   atomic.Pointer[[]*Subscription]
	closed bool
}

// active reports whether anyone listens, so callers can skip building events.
func (b *bus) active() bool {
	p := b.subs.Load()
	return p != nil && len(*p) > 0
}

func (b *bus) subscribe(buffer int) *Subscription {
	if buffer < 1 {
		buffer = 1
	}
	s := &Subscription{c: make(chan Event, buffer), bus: b}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		close(s.c)
		s.once.Do(func() {})
		return s
	}
	var subs []*Subscription
	if p := b.subs.Load(); p != nil {
		subs = append(subs, *p...)
	}
	subs = append(subs, s)
	b.subs.Store(&subs)
	return s
}

func (b *bus) remove(s *Subscription) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if p := b.subs.Load(); p != nil {
		subs := make([]*Subscription, 0, len(*p))
		for _, x := range *p {
			if x != s {
				subs = append(subs, x)
			}
		}
		b.subs.Store(&subs)
	}
	s.once.Do(func() { close(s.c) })
}

func (b *bus) publish(e Event) {
	if !b.active() {
		return
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	p := b.subs.Load()
	if p == nil {
		return
	}
	for _, s := range *p {
		select {
		case s.c <- e:
		default:
			s.dropped.Add(1)
		}
	}
}

// close closes every subscription.
func (b *bus) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	if p := b.subs.Load(); p != nil {
		for _, s := range *p {
			s.once.Do(func() { close(s.c) })
		}
	}
	empty := []*Subscription{}
	b.subs.Store(&empty)
}
