package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"wsworkbench/client"
	"wsworkbench/emulator"
)

// assertMarkup compares o's markup at size with testdata/name; -update
// rewrites the golden. A mismatch leaves the new markup in a temporary
// directory, named in the failure.
func assertMarkup(t *testing.T, name string, o fyne.CanvasObject, size fyne.Size) {
	t.Helper()
	o.Resize(size)
	got := test.RenderObjectToMarkup(o)
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -tags ci ./ui -run %s -update to write it)", err, t.Name())
	}
	if string(want) != got {
		failed := filepath.Join(os.TempDir(), "wsworkbench-goldens", name)
		_ = os.MkdirAll(filepath.Dir(failed), 0o755)
		_ = os.WriteFile(failed, []byte(got), 0o644)
		t.Errorf("%s differs from its golden; the new markup is in %s (diff them; -update accepts it)", path, failed)
	}
}

// sampleTrace is the trace of {"action":"message","messageId":1} on the
// sample API, as the gateway reports it, at fixed times.
func sampleTrace() trace {
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
	return trace{id: "req-1", connID: "Mg_ugfpqPHcCIVA=", kind: traceMessage, start: t0, events: events, data: &msg, route: "message"}
}

func TestGoldenTracePanel(t *testing.T) {
	test.NewTempApp(t)
	p := newTracePanel(nil)
	p.draw(sampleTrace())
	assertMarkup(t, "trace_message.xml", p.object(), fyne.NewSize(340, 900))
}

func TestGoldenTracePanelForbidden(t *testing.T) {
	test.NewTempApp(t)
	t0 := time.Date(2026, 1, 2, 12, 1, 2, 0, time.UTC)
	msg := `{"action":"nosuchroute"}`
	tr := trace{id: "req-2", connID: "Mg_ugfpqPHcCIVA=", kind: traceMessage, start: t0, data: &msg, route: "Forbidden", failed: true,
		events: []emulator.Event{
			{Time: t0, Kind: emulator.EventFrameIn, Data: msg, Size: len(msg)},
			{Time: t0.Add(9 * time.Microsecond), Kind: emulator.EventRoute, Route: &emulator.RouteChoice{Expression: "$request.body.action", Value: "nosuchroute", Outcome: emulator.RouteForbidden}},
			{Time: t0.Add(20 * time.Microsecond), Kind: emulator.EventFrameOut, Data: `{"message": "Forbidden", "connectionId":"Mg_ugfpqPHcCIVA=", "requestId":"Mg_uhEpqvHcF3xQ="}`, Size: 94},
		}}
	p := newTracePanel(nil)
	p.draw(tr)
	assertMarkup(t, "trace_forbidden.xml", p.object(), fyne.NewSize(340, 500))
}

func TestGoldenLogRows(t *testing.T) {
	test.NewTempApp(t)
	t0 := time.Date(2026, 1, 2, 12, 1, 2, 345e6, time.UTC)
	for _, tc := range []struct {
		name string
		e    client.Entry
	}{
		{"log_row_sent.xml", client.Entry{Seq: 2, Time: t0, Dir: client.Sent, Text: `{"action":"message","messageId":1}`, Size: 34, Route: "message"}},
		{"log_row_received.xml", client.Entry{Seq: 3, Time: t0, Dir: client.Received, Text: `{"message": "Hello World"}`, Size: 26, Route: "message", RTT: 420 * time.Microsecond}},
		{"log_row_event.xml", client.Entry{Seq: 1, Time: t0, Dir: client.Event, Note: "closed 1001 Going away"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newLogRow()
			r.set(tc.e)
			assertMarkup(t, tc.name, r, fyne.NewSize(540, 36))
		})
	}
}

// TestGoldenRouteEditor: the route editor of the sample's message route,
// on its Responses tab.
func TestGoldenRouteEditor(t *testing.T) {
	tb := newTestBench(t)
	ed := tb.wb.editor
	ed.SelectRoute("message")
	selectDetailTab(t, ed, "Responses")
	obj := ed.Detail().Objects[0]
	assertMarkup(t, "route_editor_message.xml", obj, fyne.NewSize(380, 460))
	if !strings.Contains(test.RenderObjectToMarkup(obj), "Hello World") {
		t.Error("the route editor does not show the response template")
	}
}
