package trace

import (
	"flag"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"wsworkbench/emulator"
	"wsworkbench/ui/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the markup goldens in testdata/")

// sampleTrace is the trace of {"action":"message","messageId":1} on the
// sample API, as the gateway reports it, at fixed times.
func sampleTrace() Trace {
	t0 := time.Date(2026, 1, 2, 12, 1, 2, 0, time.UTC)
	at := func(us int) time.Time { return t0.Add(time.Duration(us) * time.Microsecond) }
	msg := `{"action":"message","messageId":1}`
	events := []emulator.Event{
		{Time: at(0), Kind: emulator.EventFrameIn, Data: msg, Size: len(msg)},
		{Time: at(12), Kind: emulator.EventRoute, Route: &emulator.RouteChoice{Expression: "$request.body.action", Value: "message", Outcome: emulator.RouteMatched}, RouteKey: "message"},
		{Time: at(40), Kind: emulator.EventTemplate, Template: &emulator.TemplateRender{Side: emulator.TemplateRequest, Key: "$default", Value: "$default", Input: msg, Output: `{"statusCode": 200, "messageId": 1}`}, Duration: 21 * time.Microsecond},
		{Time: at(55), Kind: emulator.EventIntegration, Status: 200, Integration: &emulator.IntegrationAnswer{Selection: emulator.ResponseMatched, Response: "/200/"}, Duration: 9 * time.Microsecond},
		{Time: at(70), Kind: emulator.EventTemplate, Template: &emulator.TemplateRender{Side: emulator.TemplateResponse, Key: "1", Value: "1", Output: `{"message": "Hello World"}`}, Duration: 8 * time.Microsecond},
		{Time: at(80), Kind: emulator.EventFrameOut, Data: `{"message": "Hello World"}`, Size: 26},
	}
	return Trace{ID: "req-1", ConnID: "Mg_ugfpqPHcCIVA=", Kind: Message, Start: t0, Events: events, Data: &msg, Route: "message"}
}

func TestGoldenTracePanel(t *testing.T) {
	test.NewTempApp(t)
	p := New(NewStore(0), nil)
	p.draw(sampleTrace())
	golden.Assert(t, "trace_message.xml", p.Object(), fyne.NewSize(340, 900), *update)
}

func TestGoldenTracePanelForbidden(t *testing.T) {
	test.NewTempApp(t)
	t0 := time.Date(2026, 1, 2, 12, 1, 2, 0, time.UTC)
	msg := `{"action":"nosuchroute"}`
	tr := Trace{ID: "req-2", ConnID: "Mg_ugfpqPHcCIVA=", Kind: Message, Start: t0, Data: &msg, Route: "Forbidden", Failed: true,
		Events: []emulator.Event{
			{Time: t0, Kind: emulator.EventFrameIn, Data: msg, Size: len(msg)},
			{Time: t0.Add(9 * time.Microsecond), Kind: emulator.EventRoute, Route: &emulator.RouteChoice{Expression: "$request.body.action", Value: "nosuchroute", Outcome: emulator.RouteForbidden}},
			{Time: t0.Add(20 * time.Microsecond), Kind: emulator.EventFrameOut, Data: `{"message": "Forbidden", "connectionId":"Mg_ugfpqPHcCIVA=", "requestId":"Mg_uhEpqvHcF3xQ="}`, Size: 94},
		}}
	p := New(NewStore(0), nil)
	p.draw(tr)
	golden.Assert(t, "trace_forbidden.xml", p.Object(), fyne.NewSize(340, 500), *update)
}

// TestTraceStoreBounded: the store keeps its capacity of traces, dropping
// the oldest, and forgets a dropped connection's $connect.
func TestTraceStoreBounded(t *testing.T) {
	s := NewStore(3)
	now := time.Now()
	s.Add(emulator.Event{Kind: emulator.EventConnect, ConnectionID: "c1", RequestID: "r0", Connect: &emulator.ConnectRequest{Outcome: emulator.ConnectAccepted}, Time: now})
	for _, id := range []string{"r1", "r2", "r3"} {
		s.Add(emulator.Event{Kind: emulator.EventFrameIn, ConnectionID: "c1", RequestID: id, Data: id, Time: now})
	}
	if s.Len() != 3 {
		t.Fatalf("len %d, want 3", s.Len())
	}
	if _, ok := s.Get("r0"); ok {
		t.Error("the oldest trace is still there")
	}
	if _, ok := s.ConnectOf("c1"); ok {
		t.Error("the dropped $connect is still indexed")
	}
	tr, ok := s.Get("r3")
	if !ok || *tr.Data != "r3" || tr.Kind != Message {
		t.Errorf("r3: %+v %v", tr, ok)
	}
	for range maxEvents + 10 {
		s.Add(emulator.Event{Kind: emulator.EventTemplate, RequestID: "r3", Time: now})
	}
	tr, _ = s.Get("r3")
	if len(tr.Events) != maxEvents {
		t.Errorf("a trace holds %d events, want at most %d", len(tr.Events), maxEvents)
	}
}

// TestConnectionsCallsInTrace: an @connections call the gateway attributed
// to a message (its RequestID) is a step of that message's trace, naming
// the method, target and status; an unattributed call is a trace of its
// own; a refused call reads as failed.
func TestConnectionsCallsInTrace(t *testing.T) {
	s := NewStore(10)
	now := time.Now()
	s.Add(emulator.Event{Kind: emulator.EventFrameIn, ConnectionID: "c1", RequestID: "r1", Data: "hi", Time: now})
	s.Add(emulator.Event{Kind: emulator.EventRoute, ConnectionID: "c1", RequestID: "r1", RouteKey: "send", Time: now,
		Route: &emulator.RouteChoice{Outcome: emulator.RouteMatched, Expression: "$request.body.action", Value: "send"}})
	s.Add(emulator.Event{Kind: emulator.EventConnections, ConnectionID: "c2", RequestID: "r1", Status: 200, Data: "pushed", Size: 6, Time: now,
		Connections: &emulator.ConnectionsCall{Method: "POST", Target: "c2", DuringRequest: "r1", DuringConnection: "c1"}})
	s.Add(emulator.Event{Kind: emulator.EventConnections, ConnectionID: "c3", RequestID: "r1", Status: 410, Code: emulator.CodeGone, Error: "connection is gone", Time: now,
		Connections: &emulator.ConnectionsCall{Method: "POST", Target: "c3", DuringRequest: "r1", DuringConnection: "c1"}})
	s.Add(emulator.Event{Kind: emulator.EventConnections, ConnectionID: "c2", RequestID: "api-1", Status: 204, Time: now,
		Connections: &emulator.ConnectionsCall{Method: "DELETE", Target: "c2", APIRequestID: "api-1"}})

	tr, ok := s.Get("r1")
	if !ok || tr.Kind != Message || tr.Route != "send" || len(tr.Events) != 4 {
		t.Fatalf("message trace %+v", tr)
	}
	steps := Steps(tr)
	if got := steps[2]; got.Title != "@connections POST c2: 200" || got.Failed || !stepHas(got, "6 B", "pushed") {
		t.Errorf("post step %+v", got)
	}
	if got := steps[3]; got.Title != "@connections POST c3: 410 GoneException" || !got.Failed || !stepHas(got, "error", "connection is gone") {
		t.Errorf("refused post step %+v", got)
	}
	if del, ok := s.Get("api-1"); !ok || del.Kind != Post || traceTitle(del) != "Trace: @connections call on c2" {
		t.Errorf("unattributed call %+v", del)
	}
}

// stepHas reports whether s has a line labelled label with text.
func stepHas(s Step, label, text string) bool {
	for _, l := range s.Lines {
		if l.Label == label && l.Text == text {
			return true
		}
	}
	return false
}

// TestStoreBoundedByBytes: large traces push the oldest out before the
// store holds more than its byte bound.
func TestStoreBoundedByBytes(t *testing.T) {
	s := NewStore(100)
	s.maxBytes = 10_000
	big := strings.Repeat("x", 3000)
	for i := range 10 {
		s.Add(emulator.Event{Kind: emulator.EventFrameIn, RequestID: fmt.Sprintf("r%d", i), Data: big})
	}
	if s.bytes > s.maxBytes || s.n != 3 {
		t.Fatalf("%d traces, %d bytes; want 3 within %d", s.n, s.bytes, s.maxBytes)
	}
	if _, ok := s.byID["r9"]; !ok {
		t.Error("the newest trace is gone")
	}
	if _, ok := s.byID["r6"]; ok {
		t.Error("an old trace is still there")
	}
}
