package emulator

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// EventKind says what happened.
type EventKind uint8

// The kinds of event the gateway publishes, in the order a trace shows them.
// The details each kind carries are listed with Event.
const (
	EventConnect     EventKind = iota + 1 // $connect ran and the upgrade was answered
	EventAuthorizer                       // a $connect authorizer decided
	EventFrameIn                          // a data frame arrived from a client
	EventRoute                            // the route was chosen
	EventTemplate                         // a mapping template rendered
	EventIntegration                      // the integration answered (or failed)
	EventFrameOut                         // a frame the gateway answers with was sent or queued to a client
	EventConnections                      // an @connections call (POST, GET, DELETE) was answered
	EventError                            // the request failed with Code: the client got an error frame or status
	EventLimit                            // a limit was hit (frame/message size, binary, idle, max duration, send queue)
	EventDisconnect                       // the connection closed and $disconnect ran
	EventConfig                           // Update applied or refused a configuration
	EventFault                            // a fault set on purpose acted (model.Faults); Fault says which
	// EventMessage sums up a message's request once it is done, for a log
	// with one line per message (Message; Status, Code, Duration, and
	// Integration and Lambda when they ran). Only subscribers that ask for
	// it get it (Filter); the default subscriptions do not.
	EventMessage
)

var eventKindNames = [...]string{
	EventConnect:     "connect",
	EventAuthorizer:  "authorizer",
	EventFrameIn:     "frame-in",
	EventRoute:       "route",
	EventTemplate:    "template",
	EventIntegration: "integration",
	EventFrameOut:    "frame-out",
	EventConnections: "connections",
	EventError:       "error",
	EventLimit:       "limit",
	EventDisconnect:  "disconnect",
	EventConfig:      "config",
	EventFault:       "fault",
	EventMessage:     "message",
}

// String returns the kind's name, as logs show it.
func (k EventKind) String() string { return enumName(eventKindNames[:], int(k)) }

// MarshalText encodes the kind as its name.
func (k EventKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText decodes a kind's name.
func (k *EventKind) UnmarshalText(b []byte) error {
	return unmarshalEnum(eventKindNames[:], b, "event kind", func(i int) { *k = EventKind(i) })
}

// RouteOutcome says how route selection ended.
type RouteOutcome uint8

// Route outcomes (RouteChoice.Outcome).
const (
	RouteMatched   RouteOutcome = iota + 1 // the expression's value is a route key
	RouteFallback                          // no route has that key; $default took it
	RouteDefault                           // the expression could not be evaluated (e.g. not JSON); $default took it
	RouteForbidden                         // nothing matched and there is no $default: the Forbidden frame
)

var routeOutcomeNames = [...]string{RouteMatched: "matched", RouteFallback: "fallback", RouteDefault: "$default", RouteForbidden: "forbidden"}

func (o RouteOutcome) String() string               { return enumName(routeOutcomeNames[:], int(o)) }
func (o RouteOutcome) MarshalText() ([]byte, error) { return []byte(o.String()), nil }
func (o *RouteOutcome) UnmarshalText(b []byte) error {
	return unmarshalEnum(routeOutcomeNames[:], b, "route outcome", func(i int) { *o = RouteOutcome(i) })
}

// ConnectOutcome says how a $connect ended.
type ConnectOutcome uint8

// Connect outcomes (ConnectRequest.Outcome).
const (
	ConnectAccepted ConnectOutcome = iota + 1 // the upgrade succeeded
	ConnectRejected                           // the upgrade was refused with Event.Status
)

var connectOutcomeNames = [...]string{ConnectAccepted: "accepted", ConnectRejected: "rejected"}

func (o ConnectOutcome) String() string               { return enumName(connectOutcomeNames[:], int(o)) }
func (o ConnectOutcome) MarshalText() ([]byte, error) { return []byte(o.String()), nil }
func (o *ConnectOutcome) UnmarshalText(b []byte) error {
	return unmarshalEnum(connectOutcomeNames[:], b, "connect outcome", func(i int) { *o = ConnectOutcome(i) })
}

// ConfigOutcome says what Update did.
type ConfigOutcome uint8

// Config outcomes (Event.Config).
const (
	ConfigApplied  ConfigOutcome = iota + 1 // the configuration compiled and is in use
	ConfigRejected                          // it did not compile (Event.Error says why); the previous one stays
)

var configOutcomeNames = [...]string{ConfigApplied: "applied", ConfigRejected: "rejected"}

func (o ConfigOutcome) String() string               { return enumName(configOutcomeNames[:], int(o)) }
func (o ConfigOutcome) MarshalText() ([]byte, error) { return []byte(o.String()), nil }
func (o *ConfigOutcome) UnmarshalText(b []byte) error {
	return unmarshalEnum(configOutcomeNames[:], b, "config outcome", func(i int) { *o = ConfigOutcome(i) })
}

// TemplateSide says which mapping template rendered.
type TemplateSide uint8

// Template sides (TemplateRender.Side).
const (
	TemplateRequest  TemplateSide = iota + 1 // the integration request template
	TemplateResponse                         // the integration response template: the frame of a two-way route
)

var templateSideNames = [...]string{TemplateRequest: "request", TemplateResponse: "response"}

func (s TemplateSide) String() string               { return enumName(templateSideNames[:], int(s)) }
func (s TemplateSide) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
func (s *TemplateSide) UnmarshalText(b []byte) error {
	return unmarshalEnum(templateSideNames[:], b, "template side", func(i int) { *s = TemplateSide(i) })
}

// ResponseSelection says how the integration's answer became (or did not
// become) what the client gets.
type ResponseSelection uint8

// Response selections (IntegrationAnswer.Selection).
const (
	// ResponseMatched: an integration response matched the status (or the
	// Lambda error); IntegrationAnswer.Response is its key.
	ResponseMatched ResponseSelection = iota + 1
	// ResponseNoMatch: no integration response matched and there is no
	// default: a configuration error.
	ResponseNoMatch
	// ResponseProxy: a proxy integration (AWS_PROXY, HTTP_PROXY) has no
	// integration responses; its answer's body is the frame, as on AWS.
	ResponseProxy
	// ResponseUnused: a one-way route, $connect or $disconnect, which send
	// no frame: only the status counts.
	ResponseUnused
)

var responseSelectionNames = [...]string{ResponseMatched: "matched", ResponseNoMatch: "no-match", ResponseProxy: "proxy", ResponseUnused: "unused"}

func (s ResponseSelection) String() string { return enumName(responseSelectionNames[:], int(s)) }
func (s ResponseSelection) MarshalText() ([]byte, error) {
	return []byte(s.String()), nil
}
func (s *ResponseSelection) UnmarshalText(b []byte) error {
	return unmarshalEnum(responseSelectionNames[:], b, "response selection", func(i int) { *s = ResponseSelection(i) })
}

// Event is one thing that happened in the gateway. Time and Kind are always
// set, ConnectionID nearly always; RequestID (and MessageID for messages)
// tie the events of one request together into a trace.
//
// Status, Code, Error and Duration are the outcome of the step, for every
// kind that has one. Data and Size are a frame's or a posted payload's text
// and length. The pointer fields are the details of one kind each, nil on the
// others:
//
//	EventConnect      Connect (and Status: the upgrade's answer; Code and Error when refused)
//	EventAuthorizer   Authorizer (Lambda when a function was called; Status when denied)
//	EventFrameIn      Data, Size
//	EventRoute        Route
//	EventTemplate     Template (Error when it failed)
//	EventIntegration  Integration (Lambda for Lambda integrations; Status; Error when it failed)
//	EventFrameOut     Data, Size
//	EventConnections  Connections, Data and Size of a POST, Status; Code and Error when refused
//	EventError        Code, Status (the code's), Error
//	EventLimit        Error (what the limit is), Close when it closed the connection, Size of a dropped frame
//	EventDisconnect   Close
//	EventConfig       Config, Error when rejected
//
// Consumers must not change an event: subscribers share its maps and
// details. An event from Subscription.C is the subscriber's to keep; one
// handed to a SubscribeFunc callback is valid only during the call.
type Event struct {
	Time         time.Time `json:"time"`
	Kind         EventKind `json:"kind"`
	ConnectionID string    `json:"connectionId,omitempty"`
	RequestID    string    `json:"requestId,omitempty"`
	MessageID    string    `json:"messageId,omitempty"`
	RouteKey     string    `json:"routeKey,omitempty"`

	Data     string        `json:"data,omitempty"`
	Size     int           `json:"size,omitempty"`
	Status   int           `json:"status,omitempty"`
	Code     Code          `json:"errorCode,omitempty"`
	Error    string        `json:"error,omitempty"` // what went wrong, for people
	Duration time.Duration `json:"durationNs,omitempty"`

	Connect     *ConnectRequest     `json:"connect,omitempty"`
	Authorizer  *AuthorizerDecision `json:"authorizer,omitempty"`
	Route       *RouteChoice        `json:"route,omitempty"`
	Template    *TemplateRender     `json:"template,omitempty"`
	Integration *IntegrationAnswer  `json:"integration,omitempty"`
	Lambda      *LambdaCall         `json:"lambda,omitempty"`
	Connections *ConnectionsCall    `json:"connections,omitempty"`
	Close       *CloseInfo          `json:"close,omitempty"`
	Config      ConfigOutcome       `json:"config,omitempty"`
	Fault       *FaultApplied       `json:"fault,omitempty"`
	Message     *MessageDone        `json:"message,omitempty"`
}

// MessageDone is how a message's request ended (EventMessage). Event.Time
// is when it ended and Duration how long it took since the frame arrived;
// RouteKey is the route ("" when none matched), Status the integration's
// status or the error's, Code the error the client was answered with.
type MessageDone struct {
	Received int `json:"received"`       // the message's size in bytes
	Sent     int `json:"sent,omitempty"` // the answer's size (route response or error frame); 0 when none was sent
	// Dropped says a fault or a full send queue dropped the message or its
	// answer (the fault or limit event says which).
	Dropped bool `json:"dropped,omitempty"`
}

// EventKinds is a set of event kinds, for a subscriber that takes only
// some (Filter).
type EventKinds uint32

// Kinds returns the set of the given kinds.
func Kinds(kinds ...EventKind) EventKinds {
	var s EventKinds
	for _, k := range kinds {
		s |= 1 << k
	}
	return s
}

// Has reports whether k is in s.
func (s EventKinds) Has(k EventKind) bool { return s&(1<<k) != 0 }

// Without returns s without the kinds in t.
func (s EventKinds) Without(t EventKinds) EventKinds { return s &^ t }

// Sets of kinds.
var (
	// AllKinds are the kinds the default subscriptions take: every kind
	// but EventMessage.
	AllKinds = Kinds(EventConnect, EventAuthorizer, EventFrameIn, EventRoute, EventTemplate, EventIntegration,
		EventFrameOut, EventConnections, EventError, EventLimit, EventDisconnect, EventConfig, EventFault)
	// StepKinds are the steps of a request's trace: what arrived, the
	// route, the templates, the integration, what went back. Errors,
	// limits, faults, connects and closes are not steps.
	StepKinds = Kinds(EventFrameIn, EventRoute, EventTemplate, EventIntegration, EventFrameOut)
)

// Filter says which events a subscriber takes: Message for the events of a
// message's request (those with a MessageID), Other for all the others
// ($connect, $disconnect, @connections, configuration). The gateway skips
// building the events nobody takes, and the timing of steps nobody traces.
type Filter struct {
	Message, Other EventKinds
}

// EveryEvent is the filter of Subscribe, SubscribeBytes and SubscribeFunc:
// every event but EventMessage.
var EveryEvent = Filter{Message: AllKinds, Other: AllKinds}

// MessageSummaries is the filter of a log with one line per message: a
// message's EventMessage instead of its steps, and for everything else
// every event but the frames, routes and templates (so a $connect's
// integration, and its Lambda call, still show). Errors, limits and faults
// always come through.
var MessageSummaries = Filter{
	Message: AllKinds.Without(StepKinds) | Kinds(EventMessage),
	Other:   AllKinds.Without(Kinds(EventFrameIn, EventRoute, EventTemplate, EventFrameOut)),
}

// takes reports whether a subscriber with filter f takes e.
func (f Filter) takes(e *Event) bool {
	if e.MessageID != "" {
		return f.Message.Has(e.Kind)
	}
	return f.Other.Has(e.Kind)
}

// FaultKind says which fault acted.
type FaultKind uint8

// The faults (model.Faults) as they act.
const (
	FaultLatency        FaultKind = iota + 1 // the integration was delayed
	FaultAnswerLatency                       // the answer was delayed
	FaultDropMessage                         // the message was lost before routing
	FaultDropAnswer                          // the integration ran; its answer was not sent
	FaultErrorFrame                          // an error frame answered instead of the integration
	FaultConnectRefused                      // a connect was refused
	FaultManagement                          // an @connections call failed on purpose
	FaultClose                               // the connection was closed with a close frame
	FaultDrop                                // the TCP connection was dropped without a close frame
)

var faultKindNames = [...]string{
	FaultLatency: "latency", FaultAnswerLatency: "answer-latency", FaultDropMessage: "drop-message",
	FaultDropAnswer: "drop-answer", FaultErrorFrame: "error-frame", FaultConnectRefused: "connect-refused",
	FaultManagement: "management", FaultClose: "close", FaultDrop: "tcp-drop",
}

func (k FaultKind) String() string               { return enumName(faultKindNames[:], int(k)) }
func (k FaultKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }
func (k *FaultKind) UnmarshalText(b []byte) error {
	return unmarshalEnum(faultKindNames[:], b, "fault kind", func(i int) { *k = FaultKind(i) })
}

// FaultApplied is a fault that acted on a message, a connect, an
// @connections call or a connection.
type FaultApplied struct {
	Kind FaultKind `json:"kind"`
	// Detail says what the fault did, for people ("waited 300ms before the
	// integration").
	Detail string `json:"detail"`
}

// ConnectRequest is what a client asked for in its upgrade request and how
// the gateway answered.
type ConnectRequest struct {
	Outcome    ConnectOutcome `json:"outcome"`
	RemoteAddr string         `json:"remoteAddr,omitempty"`
	Header     http.Header    `json:"header,omitempty"`
	Query      url.Values     `json:"query,omitempty"`
	// Subprotocols are the ones the client offered (Sec-WebSocket-Protocol),
	// in its order; Subprotocol is the one the $connect integration chose
	// (empty when none). A browser fails the handshake when it offered some
	// and none was chosen: see SubprotocolMissing.
	Subprotocols []string `json:"subprotocols,omitempty"`
	Subprotocol  string   `json:"subprotocol,omitempty"`
}

// SubprotocolMissing reports whether the client offered subprotocols and
// the gateway accepted the upgrade without choosing one, which browsers
// treat as a failed handshake.
func (c *ConnectRequest) SubprotocolMissing() bool {
	return c.Outcome == ConnectAccepted && len(c.Subprotocols) > 0 && c.Subprotocol == ""
}

// AuthorizerDecision is a $connect authorizer's decision.
type AuthorizerDecision struct {
	// Name is the Lambda authorizer's function, or "mock" for the built-in
	// mock authorizer (Mock true).
	Name    string `json:"name"`
	Mock    bool   `json:"mock,omitempty"`
	Allowed bool   `json:"allowed"`
	// Cached says the decision came from the authorizer cache, without a
	// call.
	Cached    bool              `json:"cached,omitempty"`
	Principal string            `json:"principalId,omitempty"`
	Context   map[string]string `json:"context,omitempty"`
	Reason    string            `json:"reason,omitempty"` // why, for people
}

// RouteChoice is how route selection chose the route (Event.RouteKey).
type RouteChoice struct {
	Expression string       `json:"expression"` // the route selection expression
	Value      string       `json:"value"`      // what it evaluated to
	Outcome    RouteOutcome `json:"outcome"`
}

// TemplateRender is one mapping template's rendering.
type TemplateRender struct {
	Side   TemplateSide `json:"side"`
	Key    string       `json:"key"`   // the template's content-type key, e.g. "$default"
	Value  string       `json:"value"` // what template selection evaluated to
	Input  string       `json:"input"`
	Output string       `json:"output"`
}

// IntegrationAnswer is how the route's integration answered.
type IntegrationAnswer struct {
	Type      string            `json:"type"` // model.TypeMock, TypeAWSProxy, ...
	Selection ResponseSelection `json:"selection,omitempty"`
	Response  string            `json:"response,omitempty"` // the integration response's key, when Selection is ResponseMatched
}

// LambdaCall is one call of a Lambda function (through the Invoke API, or
// run by the workbench itself when it has the code; see Functions): an
// integration's or an authorizer's.
type LambdaCall struct {
	Function string `json:"function"`
	Event    string `json:"event"`            // the JSON sent
	Result   string `json:"result,omitempty"` // the JSON received
	// Status is a proxy result's statusCode (0 for other calls).
	Status int `json:"status,omitempty"`
	// FunctionError is the Invoke API's X-Amz-Function-Error ("Unhandled")
	// when the function failed; Error says why a call failed, for people.
	FunctionError string        `json:"functionError,omitempty"`
	Error         string        `json:"error,omitempty"`
	Duration      time.Duration `json:"durationNs,omitempty"`
	// Log is the invocation's output framed by START, END and REPORT lines,
	// when the workbench ran the function itself (see Functions).
	Log string `json:"log,omitempty"`
}

// ConnectionsCall is one call of the @connections management API, over HTTP
// or through Gateway.PostToConnection / DeleteConnection. The event's
// ConnectionID is Target; its RequestID is the request the call is
// attributed to (see DuringRequest), else the call's own x-amzn-RequestId.
type ConnectionsCall struct {
	Method string `json:"method"` // POST, GET or DELETE (or what an unknown call used)
	Target string `json:"target"` // the connection ID in the path
	// APIRequestID is the call's x-amzn-RequestId ("" for calls through
	// the Go API).
	APIRequestID string `json:"apiRequestId,omitempty"`
	// DuringRequest is the request ID of the integration call that was in
	// flight when the call arrived, when exactly one was: the call is then
	// part of that request's trace. DuringConnection is that request's
	// connection. See docs/DECISIONS.md, "@connections calls in traces".
	DuringRequest    string `json:"duringRequest,omitempty"`
	DuringConnection string `json:"duringConnection,omitempty"`
}

// CloseInfo is a close code and reason.
type CloseInfo struct {
	Code   int    `json:"code"`
	Reason string `json:"reason"`
}

// enumName returns names[i], or "?" for a value out of range.
func enumName(names []string, i int) string {
	if i <= 0 || i >= len(names) {
		return "?"
	}
	return names[i]
}

func unmarshalEnum(names []string, b []byte, what string, set func(int)) error {
	for i, n := range names {
		if i > 0 && n == string(b) {
			set(i)
			return nil
		}
	}
	return errors.New("unknown " + what + " " + strconv.Quote(string(b)))
}

// Subscription receives the gateway's events. It is safe for concurrent use;
// C is read by one goroutine.
type Subscription struct {
	c       chan Event   // nil for a SubscribeFunc subscription
	fn      func(*Event) // nil for a channel subscription
	filter  Filter
	dropped atomic.Uint64
	bus     *bus
	once    sync.Once

	// maxBytes, when > 0, bounds the payload bytes (Event.Bytes) of the
	// events waiting in c: a subscriber that takes events calls Done for
	// each, and an event that would go over the bound is dropped and
	// counted like one that finds c full.
	maxBytes int64
	pending  atomic.Int64
}

// Done tells a subscription made with SubscribeBytes that the subscriber
// has taken e from C, so its bytes no longer count against the bound.
func (s *Subscription) Done(e *Event) {
	if s.maxBytes > 0 {
		s.pending.Add(-int64(e.Bytes()))
	}
}

// Bytes is the size of the event's payloads: the frame, the template's
// input and output, the Lambda call's event, result and log, the error.
// It is what a subscriber keeping events holds on to beyond the fixed
// fields.
func (e *Event) Bytes() int {
	n := len(e.Data) + len(e.Error)
	if t := e.Template; t != nil {
		n += len(t.Input) + len(t.Output)
	}
	if l := e.Lambda; l != nil {
		n += len(l.Event) + len(l.Result) + len(l.Log)
	}
	return n
}

// SubscribeFunc calls fn with every event, on the goroutine that publishes
// it (a connection's read loop, an integration call, an HTTP handler), until
// the subscription is closed or the gateway closes. It costs no channel send
// and no goroutine hand-off per event, for a log that formats every event.
// fn must return quickly and never block, since it delays the request that
// published the event, and must not keep e or change it (other subscribers
// share its details). fn may run concurrently with itself, and publishes
// already under way may still call it briefly after Close.
func (g *Gateway) SubscribeFunc(fn func(e *Event)) *Subscription {
	return g.SubscribeFuncFilter(EveryEvent, fn)
}

// SubscribeFuncFilter is SubscribeFunc for the events f takes only: a log
// of MessageSummaries makes the gateway skip building (and timing) the
// steps of every message.
func (g *Gateway) SubscribeFuncFilter(f Filter, fn func(e *Event)) *Subscription {
	return g.events.add(&Subscription{fn: fn, bus: &g.events, filter: f})
}

// C returns the channel events arrive on. It is closed by Close or when the
// gateway closes; it is nil for a SubscribeFunc subscription.
func (s *Subscription) C() <-chan Event { return s.c }

// Dropped returns how many events this subscriber lost because its buffer
// was full: publishing never waits for a slow subscriber.
func (s *Subscription) Dropped() uint64 { return s.dropped.Load() }

// Close stops the subscription and closes C.
func (s *Subscription) Close() { s.bus.remove(s) }

// bus fans events out to subscribers. Publish never blocks: the subscriber
// list is an immutable slice swapped under mu, read without a lock, and a
// full subscriber channel drops the event and counts it. Channels are
// closed only under mu, and send holds the read lock while sending, so a
// send never races a close. SubscribeFunc callbacks run without the lock.
type bus struct {
	mu     sync.RWMutex
	subs   atomic.Pointer[[]*Subscription]
	want   atomic.Uint64 // the union of the subscribers' filters: Message in the high half, Other in the low
	closed bool
}

// active reports whether anyone listens, so callers can skip building events.
func (b *bus) active() bool { return b.want.Load() != 0 }

// wanted returns the kinds someone takes among a message's events (message)
// or the others'.
func (b *bus) wanted(message bool) EventKinds {
	w := b.want.Load()
	if message {
		return EventKinds(w >> 32)
	}
	return EventKinds(w)
}

// store sets the subscribers and what they want together; called under mu.
func (b *bus) store(subs []*Subscription) {
	var w uint64
	for _, s := range subs {
		w |= uint64(s.filter.Message)<<32 | uint64(s.filter.Other)
	}
	b.subs.Store(&subs)
	b.want.Store(w)
}

func (b *bus) subscribe(buffer int, maxBytes int64) *Subscription {
	if buffer < 1 {
		buffer = 1
	}
	return b.add(&Subscription{c: make(chan Event, buffer), bus: b, maxBytes: maxBytes, filter: EveryEvent})
}

// add adds s, or ends it at once when the bus is closed.
func (b *bus) add(s *Subscription) *Subscription {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		s.once.Do(s.end)
		return s
	}
	var subs []*Subscription
	if p := b.subs.Load(); p != nil {
		subs = append(subs, *p...)
	}
	subs = append(subs, s)
	b.store(subs)
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
		b.store(subs)
	}
	s.once.Do(s.end)
}

// end closes a channel subscription's channel. It runs once, under b.mu.
func (s *Subscription) end() {
	if s.c != nil {
		close(s.c)
	}
}

func (b *bus) publish(e Event) {
	if !b.wanted(e.MessageID != "").Has(e.Kind) {
		return
	}
	lent := sharedEvents.Get().(*Event)
	*lent = e
	b.publishLent(lent)
	*lent = Event{}
	sharedEvents.Put(lent)
}

// publishLent publishes *e, which the caller lends for the call: its memory
// may be reused afterwards (see Event.clone).
func (b *bus) publishLent(e *Event) {
	p := b.subs.Load()
	if p == nil || len(*p) == 0 {
		return
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	// SubscribeFunc subscribers first, without the lock: there is no
	// channel to race a close, and a lock taken per event by every
	// connection's goroutine would cost more than the log itself.
	chans := false
	for _, s := range *p {
		if !s.filter.takes(e) {
			continue
		}
		if s.fn == nil {
			chans = true
			continue
		}
		s.fn(e)
	}
	if chans {
		b.send(e.clone())
	}
}

// send sends e to the channel subscribers, dropping (and counting) it for
// those whose buffer is full.
func (b *bus) send(e Event) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, s := range *b.subs.Load() {
		if s.c == nil || !s.filter.takes(&e) {
			continue
		}
		if s.maxBytes > 0 {
			size := int64(e.Bytes())
			if s.pending.Add(size) > s.maxBytes && size > 0 {
				s.pending.Add(-size)
				s.dropped.Add(1)
				continue
			}
			select {
			case s.c <- e:
			default:
				s.pending.Add(-size)
				s.dropped.Add(1)
			}
			continue
		}
		select {
		case s.c <- e:
		default:
			s.dropped.Add(1)
		}
	}
}

// clone returns a copy of e that owns what a publisher may lend for the
// call only: Data, and the strings and details of Route, Template,
// Integration and Message (a request keeps those in its own memory, see
// request.lent).
// The other details and strings are never changed after publishing and
// are shared.
func (e Event) clone() Event {
	e.Data = strings.Clone(e.Data)
	if e.Route != nil {
		r := *e.Route
		r.Value = strings.Clone(r.Value)
		e.Route = &r
	}
	if e.Template != nil {
		t := *e.Template
		t.Value, t.Input, t.Output = strings.Clone(t.Value), strings.Clone(t.Input), strings.Clone(t.Output)
		e.Template = &t
	}
	if e.Integration != nil {
		i := *e.Integration
		e.Integration = &i
	}
	if e.Message != nil {
		m := *e.Message
		e.Message = &m
	}
	return e
}

// sharedEvents recycles the events publish lends to subscribers, so
// publishing allocates no event (a pointer handed to a function value
// would otherwise move every event to the heap). A request lends its own
// (request.lent.event).
var sharedEvents = sync.Pool{New: func() any { return new(Event) }}

// close closes every subscription.
func (b *bus) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	if p := b.subs.Load(); p != nil {
		for _, s := range *p {
			s.once.Do(s.end)
		}
	}
	b.store([]*Subscription{})
}

// record fills c with one finished call of function.
func (c *LambdaCall) record(function string, event, result []byte, fnErr string, err error, took time.Duration) {
	c.Function, c.Event, c.Result, c.FunctionError, c.Duration = function, string(event), string(result), fnErr, took
	if err != nil {
		c.Error = err.Error()
	}
}
