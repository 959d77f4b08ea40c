package trace

import (
	"flag"
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
