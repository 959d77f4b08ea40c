package clients

import (
	"flag"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"wsworkbench/client"
	"wsworkbench/ui/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the markup goldens in testdata/")

// TestGoldenLogRows: a sent, a received and an event row, as markup.
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
			r.Set(tc.e)
			golden.Assert(t, tc.name, r, fyne.NewSize(540, 36), *update)
		})
	}
}
