package ui

import (
	"strings"
	"testing"
	"time"
	"wsworkbench/ui/editor"

	"wsworkbench/client"
	"wsworkbench/emulator"
)

// selectEntry selects, in tab i's log list, the entry with the given Seq, as
// a click does.
func (tb *testBench) selectEntry(i int, seq uint64) {
	tb.t.Helper()
	v := tb.tab(i).log
	idx := v.indexOf(seq)
	if idx < 0 {
		tb.t.Fatalf("entry %d is not in the list", seq)
	}
	v.list.Select(idx)
}

// stepTitles returns the titles of the trace panel's steps.
func stepTitles(t trace) []string {
	var out []string
	for _, s := range traceSteps(t) {
		out = append(out, s.title)
	}
	return out
}

// TestTraceOfMessage: selecting a received message in a tab's log shows its
// path through the gateway: the frame, the selection expression and its
// value, the route, both templates with input and output, the integration's
// status and response, and the frame sent back.
func TestTraceOfMessage(t *testing.T) {
	tb := newTestBench(t)
	tb.waitConnected(0)
	tb.send(0, `{"action":"message","messageId":2}`)
	e := tb.waitEntry(0, "the answer", received(`{"message": "Hi!"}`))
	tb.waitFor("the answer's trace link", func() bool {
		_, ok := tb.tab(0).model.request(e.Seq)
		return ok
	})
	tb.selectEntry(0, e.Seq)
	p := tb.wb.tracer
	tb.waitFor("the whole trace", func() bool {
		tr, ok := tb.wb.traces.get(p.traceID)
		return ok && tr.events[len(tr.events)-1].Kind == emulator.EventFrameOut && p.shown == len(tr.events)
	})
	if p.title.Text != "Trace: message on route message" {
		t.Errorf("trace title %q", p.title.Text)
	}
	tr, _ := tb.wb.traces.get(p.traceID)
	want := []string{
		"Frame in (34 B)",
		"Route: message",
		`Request "$default" template`,
		"Integration: status 200",
		`Response "2" template`,
		"Frame out (18 B)",
	}
	got := stepTitles(tr)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("trace steps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	steps := traceSteps(tr)
	if !hasLine(steps[1], "expression", "$request.body.action") || !hasLine(steps[1], "value", `"message"`) {
		t.Errorf("route step %+v lacks the expression and its value", steps[1])
	}
	if !hasLine(steps[2], "output", `{"statusCode": 200, "messageId": 2}`) {
		t.Errorf("request template step %+v lacks its output", steps[2])
	}
	if !hasLine(steps[3], "integration response", "/200/") {
		t.Errorf("integration step %+v lacks the response chosen", steps[3])
	}
	if !hasLine(steps[4], "chosen by", `"2"`) || !hasLine(steps[4], "output", `{"message": "Hi!"}`) {
		t.Errorf("response template step %+v", steps[4])
	}
	// The sent message has the same trace.
	var sent client.Entry
	for _, x := range tb.tab(0).model.Client().Log().Entries() {
		if x.Dir == client.Sent {
			sent = x
		}
	}
	tb.selectEntry(0, sent.Seq)
	if id, _ := tb.tab(0).model.request(sent.Seq); id != p.traceID {
		t.Errorf("the sent message shows trace %q, the answer %q", id, p.traceID)
	}
	// The detail pane shows the selected message.
	if !strings.Contains(tb.tab(0).log.detail.Text, `"messageId": 2`) {
		t.Errorf("detail pane shows %q", tb.tab(0).log.detail.Text)
	}
}

// TestTraceExplainsDefaultAndForbidden: the trace says why a message went to
// $default, and why it was Forbidden once $default is gone; a Forbidden
// trace is marked as failed.
func TestTraceExplainsDefaultAndForbidden(t *testing.T) {
	tb := newTestBench(t)
	tb.waitConnected(0)
	tb.send(0, `{"action":"nosuchroute"}`)
	e := tb.waitEntry(0, "the $default answer", receivedContaining(0, "No route matched"))
	tb.waitFor("the trace link", func() bool { _, ok := tb.tab(0).model.request(e.Seq); return ok })
	tb.selectEntry(0, e.Seq)
	tr, _ := tb.wb.traces.get(tb.wb.tracer.traceID)
	steps := traceSteps(tr)
	if steps[1].title != "Route: $default" || !hasLine(steps[1], "why $default", `no route has the key "nosuchroute"`) {
		t.Errorf("route step %+v does not say why $default", steps[1])
	}

	// Without $default, the same message is Forbidden.
	ed := tb.wb.editor
	ed.SelectRoute("$default")
	id := ed.SelectedRoute().ID
	if err := editor.DeleteRoute(tb.wb.ws.API, id); err != nil {
		t.Fatal(err)
	}
	ed.StructureChanged()
	tb.waitFor("the deletion to go live", func() bool { return tb.wb.ctl.Live() })
	seq := tb.lastSeq(0)
	tb.send(0, `{"action":"nosuchroute"}`)
	f := tb.waitEntry(0, "the Forbidden frame", receivedContaining(seq, `"message": "Forbidden"`))
	tb.waitFor("its trace link", func() bool { _, ok := tb.tab(0).model.request(f.Seq); return ok })
	tb.waitFor("its route", func() bool { got, _ := tb.tab(0).model.Client().Log().BySeq(f.Seq); return got.Route == "Forbidden" })
	tb.selectEntry(0, f.Seq)
	tr, _ = tb.wb.traces.get(tb.wb.tracer.traceID)
	steps = traceSteps(tr)
	if !steps[1].failed || !hasLine(steps[1], "why Forbidden", "no route matched and the API has no $default route") {
		t.Errorf("route step %+v does not stand out as Forbidden", steps[1])
	}
}

// TestTraceOfConnectionsPanelConnect: selecting a connection shows its
// $connect.
func TestTraceOfConnect(t *testing.T) {
	tb := newTestBench(t)
	id := tb.waitConnected(1)
	tb.waitFor("the panel to list it", func() bool { return tb.wb.conns.selectID(id) })
	p := tb.wb.tracer
	if !strings.HasPrefix(p.title.Text, "Trace: $connect of "+id) {
		t.Fatalf("trace title %q", p.title.Text)
	}
	tr, _ := tb.wb.traces.get(p.traceID)
	got := stepTitles(tr)
	if got[len(got)-1] != "$connect accepted (HTTP 200)" {
		t.Errorf("steps %q", got)
	}
	// The tab's "connected" line shows the same trace.
	p.clear("")
	first := tb.tab(1).model.Client().Log().At(0)
	tb.selectEntry(1, first.Seq)
	if !strings.HasPrefix(p.title.Text, "Trace: $connect of "+id) {
		t.Errorf("the connected line shows trace %q", p.title.Text)
	}
}

func hasLine(s traceStep, label, text string) bool {
	for _, l := range s.lines {
		if l.label == label && l.text == text {
			return true
		}
	}
	return false
}

// TestTraceStoreBounded: the store keeps its capacity of traces, dropping
// the oldest, and forgets a dropped connection's $connect.
func TestTraceStoreBounded(t *testing.T) {
	s := newTraceStore(3)
	now := time.Now()
	s.add(emulator.Event{Kind: emulator.EventConnect, ConnectionID: "c1", RequestID: "r0", Connect: &emulator.ConnectRequest{Outcome: emulator.ConnectAccepted}, Time: now})
	for _, id := range []string{"r1", "r2", "r3"} {
		s.add(emulator.Event{Kind: emulator.EventFrameIn, ConnectionID: "c1", RequestID: id, Data: id, Time: now})
	}
	if s.len() != 3 {
		t.Fatalf("len %d, want 3", s.len())
	}
	if _, ok := s.get("r0"); ok {
		t.Error("the oldest trace is still there")
	}
	if _, ok := s.connectOf("c1"); ok {
		t.Error("the dropped $connect is still indexed")
	}
	tr, ok := s.get("r3")
	if !ok || *tr.data != "r3" || tr.kind != traceMessage {
		t.Errorf("r3: %+v %v", tr, ok)
	}
	for range maxTraceEvents + 10 {
		s.add(emulator.Event{Kind: emulator.EventTemplate, RequestID: "r3", Time: now})
	}
	tr, _ = s.get("r3")
	if len(tr.events) != maxTraceEvents {
		t.Errorf("a trace holds %d events, want at most %d", len(tr.events), maxTraceEvents)
	}
}

// TestConnectionsCallsInTrace: an @connections call the gateway attributed
// to a message (its RequestID) is a step of that message's trace, naming
// the method, target and status; an unattributed call is a trace of its
// own; a refused call reads as failed.
func TestConnectionsCallsInTrace(t *testing.T) {
	s := newTraceStore(10)
	now := time.Now()
	s.add(emulator.Event{Kind: emulator.EventFrameIn, ConnectionID: "c1", RequestID: "r1", Data: "hi", Time: now})
	s.add(emulator.Event{Kind: emulator.EventRoute, ConnectionID: "c1", RequestID: "r1", RouteKey: "send", Time: now,
		Route: &emulator.RouteChoice{Outcome: emulator.RouteMatched, Expression: "$request.body.action", Value: "send"}})
	s.add(emulator.Event{Kind: emulator.EventConnections, ConnectionID: "c2", RequestID: "r1", Status: 200, Data: "pushed", Size: 6, Time: now,
		Connections: &emulator.ConnectionsCall{Method: "POST", Target: "c2", DuringRequest: "r1", DuringConnection: "c1"}})
	s.add(emulator.Event{Kind: emulator.EventConnections, ConnectionID: "c3", RequestID: "r1", Status: 410, Code: emulator.CodeGone, Error: "connection is gone", Time: now,
		Connections: &emulator.ConnectionsCall{Method: "POST", Target: "c3", DuringRequest: "r1", DuringConnection: "c1"}})
	s.add(emulator.Event{Kind: emulator.EventConnections, ConnectionID: "c2", RequestID: "api-1", Status: 204, Time: now,
		Connections: &emulator.ConnectionsCall{Method: "DELETE", Target: "c2", APIRequestID: "api-1"}})

	tr, ok := s.get("r1")
	if !ok || tr.kind != traceMessage || tr.route != "send" || len(tr.events) != 4 {
		t.Fatalf("message trace %+v", tr)
	}
	steps := traceSteps(tr)
	if got := steps[2]; got.title != "@connections POST c2: 200" || got.failed || !hasLine(got, "6 B", "pushed") {
		t.Errorf("post step %+v", got)
	}
	if got := steps[3]; got.title != "@connections POST c3: 410 GoneException" || !got.failed || !hasLine(got, "error", "connection is gone") {
		t.Errorf("refused post step %+v", got)
	}
	if del, ok := s.get("api-1"); !ok || del.kind != tracePost || traceTitle(del) != "Trace: @connections call on c2" {
		t.Errorf("unattributed call %+v", del)
	}
}
