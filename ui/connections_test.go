package ui

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/gorilla/websocket"

	"wsworkbench/client"
)

// TestConnectionsPanelShowsOutsideClients: a connection from outside the
// window (a browser, wscat) is listed with its user agent; the panel sends
// to it and disconnects it.
func TestConnectionsPanelShowsOutsideClients(t *testing.T) {
	tb := newTestBench(t)
	tb.waitConnected(0)
	h := http.Header{"User-Agent": {"wscat-test/1.0"}}
	ws, _, err := websocket.DefaultDialer.Dial(tb.wb.gw.URL(), h)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	p := tb.wb.conns
	var id string
	tb.waitFor("the outside connection in the panel", func() bool {
		for _, ci := range p.Infos() {
			if p.Owner(ci) == "wscat-test" {
				id = ci.ID
				return true
			}
		}
		return false
	})
	if !p.SelectID(id) {
		t.Fatal("cannot select it")
	}
	p.Controls().Message.SetText(`{"hello":"wscat"}`)
	test.Tap(p.Controls().Send)
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, data, err := ws.ReadMessage()
	if err != nil || string(data) != `{"hello":"wscat"}` {
		t.Fatalf("wscat read %q, %v", data, err)
	}
	test.Tap(p.Controls().Disconnect)
	_, _, err = ws.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Errorf("wscat's connection ended with %v, want close 1000", err)
	}
	tb.waitFor("the panel to drop it", func() bool { return p.SelectedID() == "" })
}

// TestSendToGoneConnectionSaysSo: sending to a connection that has just
// gone shows the gateway's error instead of pretending.
func TestSendToGoneConnectionSaysSo(t *testing.T) {
	tb := newTestBench(t)
	id := tb.waitConnected(0)
	p := tb.wb.conns
	tb.waitFor("the panel to list it", func() bool { return p.SelectID(id) })
	if err := tb.wb.gw.DeleteConnection(id); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	test.Tap(p.Controls().Send)
	if p.Controls().Result.Text == "" || p.Controls().Result.Text[:8] != "Not sent" {
		t.Errorf("result %q", p.Controls().Result.Text)
	}
}

// TestTimeoutsNowOnTabsOwnConnections: "Idle timeout now" in the menu of
// the connections panel's Timeouts button, on a tab's own connection,
// closes it as AWS's idle timeout does (1001 Going away) and the tab's
// state and log say it was the idle timeout; "Max duration now" does the
// same with the maximum duration. The other tab is untouched.
func TestTimeoutsNowOnTabsOwnConnections(t *testing.T) {
	for _, tc := range []struct {
		name, item, why string
	}{
		{"idle", "Idle timeout now", "the idle timeout, brought forward from the workbench"},
		{"max duration", "Max duration now", "the maximum connection duration, brought forward from the workbench"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb := newTestBench(t)
			id := tb.waitConnected(0)
			other := tb.waitConnected(1)
			p := tb.wb.conns
			tb.waitFor("the panel to list the tab's connection", func() bool { return p.SelectID(id) })
			b := p.Controls().Timeouts
			if b.Disabled() {
				t.Fatalf("%q is disabled for a tab's connection", b.Text)
			}
			test.Tap(b)
			tapMenuItem(t, tb.win, tc.item)
			if !strings.HasPrefix(p.Controls().Result.Text, "Closed "+id) {
				t.Errorf("the panel says %q", p.Controls().Result.Text)
			}
			tab := tb.tab(0)
			want := "● closed 1001 Going away: " + tc.why
			tb.waitFor("the tab to show the close", func() bool { return tab.StateLabel.Text == want })
			st := tab.Model.Client().State()
			if st.CloseCode != 1001 || st.CloseReason != "Going away" {
				t.Errorf("the tab's client closed with %d %q, want 1001 Going away", st.CloseCode, st.CloseReason)
			}
			tb.waitRows(tab.Log, "the close in the log", func(rows []string) bool {
				return countContaining(rows, "the gateway closed the connection with 1001 Going away: "+tc.why) == 1
			})
			if tb.tab(1).Model.Client().State().Phase != client.Open || tb.tab(1).Model.Client().ConnectionID() != other {
				t.Errorf("the other tab's connection was touched: %v", tb.tab(1).Model.Client().State())
			}
		})
	}
}

// tapMenuItem taps the item of the pop-up menu open in win whose text is
// text, as a person clicks it.
func tapMenuItem(t *testing.T, win fyne.Window, text string) {
	t.Helper()
	top := win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no menu is open")
	}
	var items []string
	var hit fyne.Tappable
	walkRendered(top, func(p placed) {
		tp, ok := p.obj.(fyne.Tappable)
		if !ok || hit != nil {
			return
		}
		if _, isMenu := p.obj.(*widget.PopUpMenu); isMenu {
			return
		}
		texts := textsIn(p.obj)
		items = append(items, strings.Join(texts, " "))
		if len(texts) == 1 && texts[0] == text {
			hit = tp
		}
	})
	if hit == nil {
		t.Fatalf("the menu has no %q: %q", text, items)
	}
	test.Tap(hit)
}

// TestConnectionsListShowsBothTabsAt1280x720: on a 1280x720 screen the
// connections panel shows the sample's two connections whole (their IDs
// and details lines), not one and a half behind the push field.
func TestConnectionsListShowsBothTabsAt1280x720(t *testing.T) {
	tb := newTestBench(t)
	ids := []string{tb.waitConnected(0), tb.waitConnected(1)}
	tb.win.Resize(onScreen(fyne.NewSize(1280, 720)))
	tb.waitFor("the panel to list both", func() bool { return len(tb.wb.conns.Infos()) == 2 })
	tb.settle(30 * time.Millisecond)
	var list placed
	walkRendered(tb.win.Canvas().Content(), func(p placed) {
		if l, ok := p.obj.(*widget.List); ok && list.obj == nil && strings.Contains(strings.Join(labelsIn(l), " "), ids[0]) {
			list = p
		}
	})
	if list.obj == nil {
		t.Fatal("the connections list is not drawn")
	}
	// Where each connection's row starts: its ID label.
	top := map[string]float32{}
	walkRendered(list.obj, func(p placed) {
		if l, ok := p.obj.(*widget.Label); ok {
			for _, id := range ids {
				if l.Text == id {
					top[id] = p.pos.Y
				}
			}
		}
	})
	if len(top) != 2 {
		t.Fatalf("the list draws %v of the connections %v", top, ids)
	}
	pitch := top[ids[1]] - top[ids[0]]
	if pitch < 0 {
		pitch = -pitch
	}
	if list.size.Height < 2*pitch {
		t.Errorf("the connections list is %.0f px high: two rows of %.0f px do not fit", list.size.Height, pitch)
	}
}
