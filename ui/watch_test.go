package ui

import (
	"net/http"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/gorilla/websocket"
)

// TestWatchWindowFollowsAnOutsideClient: Watch in the connections panel
// opens a watch window for an outside client; frames it sends afterwards
// appear there through the bridge's refresh (nobody polls by hand), and
// selecting a row shows that frame's trace in the main window's trace panel.
func TestWatchWindowFollowsAnOutsideClient(t *testing.T) {
	tb := newTestBench(t)
	tb.waitConnected(0)
	ws, _, err := websocket.DefaultDialer.Dial(tb.wb.gw.URL(), http.Header{"User-Agent": {"wscat-test/1.0"}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	p := tb.wb.conns
	var id string
	tb.waitFor("the outside connection in the panel", func() bool {
		for _, ci := range p.Infos() {
			if p.Owner(ci) == "wscat-test/1.0" {
				id = ci.ID
				return p.SelectID(id)
			}
		}
		return false
	})
	test.Tap(p.Controls().Watch)
	w := tb.wb.watches[id]
	if w == nil {
		t.Fatal("Watch opened no watch window")
	}
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"action":"whoami"}`)); err != nil {
		t.Fatal(err)
	}
	tb.waitFor("the frame in the watch view", func() bool {
		for _, r := range w.view.Rows() {
			if strings.Contains(r, `→ {"action":"whoami"}`) {
				return true
			}
		}
		return false
	})
	rows := w.view.Rows()
	last := -1
	for i, r := range rows {
		if strings.Contains(r, `→ {"action":"whoami"}`) {
			last = i
		}
	}
	w.view.Controls().List.Select(last)
	if tb.wb.tracer.TraceID() == "" || !strings.Contains(tb.wb.tracer.Title(), "whoami") && tb.wb.tracer.Shown() == 0 {
		t.Errorf("trace panel shows %q (%q, %d steps)", tb.wb.tracer.TraceID(), tb.wb.tracer.Title(), tb.wb.tracer.Shown())
	}
	if !strings.Contains(w.view.Controls().Result.Text, tb.wb.tracer.TraceID()) {
		t.Errorf("the view says %q, the trace panel shows %q", w.view.Controls().Result.Text, tb.wb.tracer.TraceID())
	}
}
