package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"wsworkbench/client"
	"wsworkbench/ui/internal/golden"
)

// assertMarkup compares o's markup at size with testdata/name (see
// golden.Assert); -update rewrites the golden.
func assertMarkup(t *testing.T, name string, o fyne.CanvasObject, size fyne.Size) {
	t.Helper()
	golden.Assert(t, name, o, size, *update)
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
			r := newLogRow(func(string) {})
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
