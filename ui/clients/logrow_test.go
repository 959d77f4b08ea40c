package clients

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"wsworkbench/client"
)

// TestTimeShowsOnEveryRowOrNone: in a log of one width, a short and a long
// message both show their time or both leave it out, so the arrows and
// texts line up (a tile at 1024x768 drew the sent row without its time
// and the answer below it with it).
func TestTimeShowsOnEveryRowOrNone(t *testing.T) {
	test.NewTempApp(t)
	t0 := time.Date(2026, 1, 2, 12, 1, 2, 345e6, time.UTC)
	short := client.Entry{Seq: 2, Time: t0, Dir: client.Received, Text: `{"message": "Hello World"}`, Size: 26, Route: "message"}
	event := client.Entry{Seq: 1, Time: t0, Dir: client.Event, Note: "connected to ws://127.0.0.1:8080/production"}
	long := client.Entry{Seq: 3, Time: t0, Dir: client.Sent, Text: `{"action": "message", "messageId": 1, "text": "` + strings.Repeat("x", 60) + `"}`, Size: 99, Route: "message"}
	for w := float32(300); w <= 1200; w += 0.5 {
		shown := map[bool]int{}
		for _, e := range []client.Entry{event, short, long} {
			r := newLogRow(func(string) {})
			r.Set(e)
			r.Resize(fyne.NewSize(w, 36))
			r.relayout()
			shown[r.Time.Visible()]++
		}
		if len(shown) != 1 {
			t.Errorf("at %.0f px one row shows its time and the other does not", w)
		}
		if w >= 540 && shown[false] > 0 {
			t.Errorf("at %.0f px the rows leave their time out", w)
		}
	}
}
