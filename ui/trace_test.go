package ui

import (
	"strings"
	"testing"

	"wsworkbench/client"
	"wsworkbench/emulator"
	"wsworkbench/ui/editor"
	"wsworkbench/ui/trace"
)

// selectEntry selects, in tab i's log list, the entry with the given Seq, as
// a click does.
func (tb *testBench) selectEntry(i int, seq uint64) {
	tb.t.Helper()
	v := tb.tab(i).Log
	idx := v.IndexOf(seq)
	if idx < 0 {
		tb.t.Fatalf("entry %d is not in the list", seq)
	}
	v.List.Select(idx)
}

// stepTitles returns the titles of the trace panel's steps.
func stepTitles(t trace.Trace) []string {
	var out []string
	for _, s := range trace.Steps(t) {
		out = append(out, s.Title)
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
		_, ok := tb.tab(0).Model.Request(e.Seq)
		return ok
	})
	tb.selectEntry(0, e.Seq)
	p := tb.wb.tracer
	tb.waitFor("the whole trace", func() bool {
		tr, ok := tb.wb.traces.Get(p.TraceID())
		return ok && tr.Events[len(tr.Events)-1].Kind == emulator.EventFrameOut && p.Shown() == len(tr.Events)
	})
	if p.Title() != "Trace: message on route message" {
		t.Errorf("trace title %q", p.Title())
	}
	tr, _ := tb.wb.traces.Get(p.TraceID())
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
	steps := trace.Steps(tr)
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
	for _, x := range tb.tab(0).Model.Client().Log().Entries() {
		if x.Dir == client.Sent {
			sent = x
		}
	}
	tb.selectEntry(0, sent.Seq)
	if id, _ := tb.tab(0).Model.Request(sent.Seq); id != p.TraceID() {
		t.Errorf("the sent message shows trace %q, the answer %q", id, p.TraceID())
	}
	// The detail pane shows the selected message.
	if !strings.Contains(tb.tab(0).Log.Detail.Body.Text, `"messageId": 2`) {
		t.Errorf("detail pane shows %q", tb.tab(0).Log.Detail.Body.Text)
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
	tb.waitFor("the trace link", func() bool { _, ok := tb.tab(0).Model.Request(e.Seq); return ok })
	tb.selectEntry(0, e.Seq)
	tr, _ := tb.wb.traces.Get(tb.wb.tracer.TraceID())
	steps := trace.Steps(tr)
	if steps[1].Title != "Route: $default" || !hasLine(steps[1], "why $default", `no route has the key "nosuchroute"`) {
		t.Errorf("route step %+v does not say why $default", steps[1])
	}

	// Without $default, the same message is Forbidden.
	ed := tb.wb.editor
	ed.Routes.SelectRoute("$default")
	id := ed.Routes.SelectedRoute().ID
	if err := editor.DeleteRoute(tb.wb.ws.API, id); err != nil {
		t.Fatal(err)
	}
	ed.Routes.StructureChanged()
	tb.waitFor("the deletion to go live", func() bool { return tb.wb.ctl.Live() })
	seq := tb.lastSeq(0)
	tb.send(0, `{"action":"nosuchroute"}`)
	f := tb.waitEntry(0, "the Forbidden frame", receivedContaining(seq, `"message": "Forbidden"`))
	tb.waitFor("its trace link", func() bool { _, ok := tb.tab(0).Model.Request(f.Seq); return ok })
	tb.waitFor("its route", func() bool { got, _ := tb.tab(0).Model.Client().Log().BySeq(f.Seq); return got.Route == "Forbidden" })
	tb.selectEntry(0, f.Seq)
	tr, _ = tb.wb.traces.Get(tb.wb.tracer.TraceID())
	steps = trace.Steps(tr)
	if !steps[1].Failed || !hasLine(steps[1], "why Forbidden", "no route matched and the API has no $default route") {
		t.Errorf("route step %+v does not stand out as Forbidden", steps[1])
	}
}

// TestTraceOfConnectionsPanelConnect: selecting a connection shows its
// $connect.
func TestTraceOfConnect(t *testing.T) {
	tb := newTestBench(t)
	id := tb.waitConnected(1)
	tb.waitFor("the panel to list it", func() bool { return tb.wb.conns.SelectID(id) })
	p := tb.wb.tracer
	if !strings.HasPrefix(p.Title(), "Trace: $connect of "+id) {
		t.Fatalf("trace title %q", p.Title())
	}
	tr, _ := tb.wb.traces.Get(p.TraceID())
	got := stepTitles(tr)
	if got[len(got)-1] != "$connect accepted (HTTP 200)" {
		t.Errorf("steps %q", got)
	}
	// The tab's "connected" line shows the same trace.
	p.ShowEntry(nil, 0)
	first := tb.tab(1).Model.Client().Log().At(0)
	tb.selectEntry(1, first.Seq)
	if !strings.HasPrefix(p.Title(), "Trace: $connect of "+id) {
		t.Errorf("the connected line shows trace %q", p.Title())
	}
}

func hasLine(s trace.Step, label, text string) bool {
	for _, l := range s.Lines {
		if l.Label == label && l.Text == text {
			return true
		}
	}
	return false
}
