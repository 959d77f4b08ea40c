package ui

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/gorilla/websocket"

	"wsworkbench/client"
	"wsworkbench/ui/clients"
)

// TestComposerJSONPrettyAndHistory: the composer checks JSON while typing
// (with line and column), pretty-prints it, and walks the sent messages with
// Up and Down.
func TestComposerJSONPrettyAndHistory(t *testing.T) {
	tb := newTestBench(t)
	tb.waitConnected(0)
	c := tb.tab(0).Composer
	c.Entry.SetText("")
	test.Type(c.Entry, `{"action": "message",`)
	if !strings.Contains(c.Status.Text, "line 1, column") {
		t.Errorf("status for broken JSON: %q", c.Status.Text)
	}
	c.Entry.SetText(`{"action":"message","messageId":1}`)
	if c.Status.Text != "✓ JSON" {
		t.Errorf("status for good JSON: %q", c.Status.Text)
	}
	c.OnPretty()
	if c.Entry.Text != "{\n  \"action\": \"message\",\n  \"messageId\": 1\n}" {
		t.Errorf("pretty: %q", c.Entry.Text)
	}
	c.Entry.SetText("hello")
	if !strings.Contains(c.Status.Text, "plain text") {
		t.Errorf("status for text: %q", c.Status.Text)
	}

	tb.send(0, "first")
	tb.waitEntry(0, "the first send", func(e client.Entry) bool { return e.Dir == client.Sent && e.Text == "first" })
	tb.send(0, "second")
	tb.waitEntry(0, "the second send", func(e client.Entry) bool { return e.Dir == client.Sent && e.Text == "second" })
	c.Entry.SetText("draft")
	up := &fyne.KeyEvent{Name: fyne.KeyUp}
	down := &fyne.KeyEvent{Name: fyne.KeyDown}
	c.Entry.CursorRow = 0
	c.Entry.TypedKey(up)
	if c.Entry.Text != "second" {
		t.Fatalf("Up gives %q, want second", c.Entry.Text)
	}
	c.Entry.TypedKey(up)
	if c.Entry.Text != "first" {
		t.Fatalf("Up Up gives %q, want first", c.Entry.Text)
	}
	c.Entry.TypedKey(down)
	c.Entry.TypedKey(down)
	if c.Entry.Text != "draft" {
		t.Fatalf("Down Down gives %q, want the draft back", c.Entry.Text)
	}
}

// TestCtrlEnterSends: Ctrl+Enter in the composer sends, and so does the
// main menu's Send item (which carries the shortcut).
func TestCtrlEnterSends(t *testing.T) {
	tb := newTestBench(t)
	tb.waitConnected(0)
	c := tb.tab(0).Composer
	c.Entry.SetText("via shortcut")
	c.Entry.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierControl})
	tb.waitEntry(0, "the message sent with Ctrl+Enter", func(e client.Entry) bool { return e.Dir == client.Sent && e.Text == "via shortcut" })

	c.Entry.SetText("via menu")
	item := menuItem(t, tb.win.MainMenu(), "Send")
	sc, ok := item.Shortcut.(*desktop.CustomShortcut)
	if !ok || sc.KeyName != fyne.KeyReturn || sc.Modifier != fyne.KeyModifierShortcutDefault {
		t.Errorf("Send's shortcut is %#v, want Ctrl+Enter", item.Shortcut)
	}
	item.Action()
	tb.waitEntry(0, "the message sent from the menu", func(e client.Entry) bool { return e.Dir == client.Sent && e.Text == "via menu" })
}

func menuItem(t *testing.T, m *fyne.MainMenu, label string) *fyne.MenuItem {
	t.Helper()
	for _, menu := range m.Items {
		for _, it := range menu.Items {
			if it.Label == label {
				return it
			}
		}
	}
	t.Fatalf("no %q menu item", label)
	return nil
}

// TestLogSearchFilterExportClear: the log filters by text and direction,
// exports JSON lines with routes, and clears.
func TestLogSearchFilterExportClear(t *testing.T) {
	tb := newTestBench(t)
	tb.waitConnected(0)
	tb.send(0, `{"action":"message","messageId":1}`)
	tb.waitEntry(0, "answer 1", received(`{"message": "Hello World"}`))
	tb.send(0, `{"action":"message","messageId":2}`)
	e := tb.waitEntry(0, "answer 2", received(`{"message": "Hi!"}`))
	tb.waitFor("routes", func() bool { got, _ := tb.tab(0).Model.Client().Log().BySeq(e.Seq); return got.Route != "" })
	v := tb.tab(0).Log
	all := v.Len()
	if all != 5 { // connected, 2 sent, 2 received
		t.Fatalf("%d rows, want 5", all)
	}
	test.Type(v.Search, "hello")
	if v.Len() != 1 {
		t.Errorf("search hello: %d rows, want 1", v.Len())
	}
	v.Search.SetText("")
	v.DirSel.SetSelected("Sent")
	if v.Len() != 2 {
		t.Errorf("sent only: %d rows, want 2", v.Len())
	}
	v.Search.SetText("/messageId.:2/")
	if v.Len() != 1 {
		t.Errorf("regex: %d rows, want 1", v.Len())
	}
	// New entries extend the filtered view.
	tb.send(0, `{"action":"message","messageId":2}`)
	tb.waitFor("the filtered view to grow", func() bool { return v.Len() == 2 })
	v.DirSel.SetSelected("All")
	v.Search.SetText("")

	var buf bytes.Buffer
	if err := v.ExportTo(&buf); err != nil {
		t.Fatal(err)
	}
	lines := 0
	routes := map[string]bool{}
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		var line struct{ Dir, Route, Text string }
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("export line %q: %v", sc.Text(), err)
		}
		routes[line.Route] = true
		lines++
	}
	if lines != v.Tab.Model.Client().Log().Len() || !routes["message"] {
		t.Errorf("export: %d lines, routes %v", lines, routes)
	}
	v.OnClear()
	tb.drain()
	if v.Len() != 0 {
		t.Errorf("after Clear: %d rows", v.Len())
	}
}

// TestCloseShowsCodeAndReconnectIsOneClick: a close shows its code and
// reason; Connect reconnects with one click and gets a new connection ID.
func TestCloseShowsCodeAndReconnectIsOneClick(t *testing.T) {
	tb := newTestBench(t)
	id := tb.waitConnected(0)
	tab := tb.tab(0)
	test.Tap(tab.CloseBtn)
	tb.waitFor("the closed state", func() bool { return strings.Contains(tab.StateLabel.Text, "closed 1000") })
	if tab.ConnectBtn.Text != "Connect" {
		t.Errorf("button %q after close", tab.ConnectBtn.Text)
	}
	test.Tap(tab.ConnectBtn)
	id2 := tb.waitConnected(0)
	if id2 == id {
		t.Errorf("the reconnect kept ID %s", id)
	}

	// A close from the gateway's side (the connections panel's Disconnect)
	// shows the gateway's code and reason.
	p := tb.wb.conns
	tb.waitFor("the panel to list it", func() bool { return p.SelectID(id2) })
	test.Tap(p.Controls().Disconnect)
	tb.waitFor("the gateway's close", func() bool {
		return strings.Contains(tab.StateLabel.Text, "closed 1000 Connection Closed Normally")
	})
	tb.waitFor("the connection to leave the panel", func() bool {
		for _, ci := range p.Infos() {
			if ci.ID == id2 {
				return false
			}
		}
		return true
	})
}

// TestTabToOtherServerWithHeaders: a tab may connect to any ws:// URL with
// headers, query and subprotocols; its messages have no trace.
func TestTabToOtherServerWithHeaders(t *testing.T) {
	var got *http.Request
	up := websocket.Upgrader{Subprotocols: []string{"chat.v1"}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			typ, data, err := c.ReadMessage()
			if err != nil {
				return
			}
			_ = c.WriteMessage(typ, append([]byte("echo: "), data...))
		}
	}))
	defer srv.Close()
	tb := newTestBench(t)
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/socket"
	h := http.Header{}
	h.Set("Authorization", "Bearer abc")
	h.Set("x-api-key", "k1")
	tab := tb.wb.clients.Add(clients.Target{URL: url, Header: h, Query: map[string][]string{"room": {"1"}}, Subprotocols: []string{"chat.v1"}}, true)
	tb.waitFor("the other server's connection", func() bool { return tab.Model.Client().State().Phase == client.Open })
	if got.Header.Get("Authorization") != "Bearer abc" || got.URL.Query().Get("room") != "1" {
		t.Errorf("the server got headers %v and query %q", got.Header, got.URL.RawQuery)
	}
	tb.waitFor("the header to name the subprotocol", func() bool { return strings.Contains(tab.URLLabel.Text, "subprotocol chat.v1") })
	tab.Composer.Entry.SetText("hi")
	test.Tap(tab.Composer.SendBtn)
	e := tb.waitEntry(len(tb.wb.clients.List)-1, "the echo", received("echo: hi"))
	tab.Log.List.Select(tab.Log.IndexOf(e.Seq))
	if !strings.Contains(tb.wb.tracer.StepsBox().Objects[0].(*widget.Label).Text, "another server") {
		t.Errorf("trace hint for another server's message: %q", tb.wb.tracer.StepsBox().Objects[0].(*widget.Label).Text)
	}
}

// TestLogFollowsNewestWhenFull: with nothing selected the log shows the
// newest messages, also once its ring buffer is full and drops the oldest.
func TestLogFollowsNewestWhenFull(t *testing.T) {
	tb := newTestBench(t, withLogCapacity(100))
	id := tb.waitConnected(0)
	for i := range 300 {
		if err := tb.wb.gw.PostToConnection(id, []byte(fmt.Sprintf("msg-%d", i))); err != nil {
			t.Fatal(err)
		}
		if i%50 == 49 {
			tb.waitEntry(0, "a batch", received(fmt.Sprintf("msg-%d", i)))
		}
	}
	v := tb.tab(0).Log
	shown := func() []string {
		var out []string
		for _, o := range objects(v.List) {
			if r, ok := o.(*clients.LogRow); ok && r.Visible() && r.Text.Text != "" {
				out = append(out, r.Text.Text)
			}
		}
		return out
	}
	// The refresh comes within a few frames (more when the UI goroutine,
	// here the test's, was slow: the bridge then stretches its interval).
	tb.waitFor("the newest message at the bottom", func() bool {
		s := shown()
		return len(s) > 0 && s[len(s)-1] == "msg-299"
	})
	if v.Len() != 100 {
		t.Errorf("%d rows, want the log's capacity, 100", v.Len())
	}
	if !strings.Contains(v.CountLabel.Text, "dropped") {
		t.Errorf("count %q does not say older messages were dropped", v.CountLabel.Text)
	}
}

// TestCloseTab: closing a tab closes its connection (the connections panel
// drops it) and forgets the tab; the last tab closed leaves a hint to open
// one.
func TestCloseTab(t *testing.T) {
	tb := newTestBench(t)
	id := tb.waitConnected(0)
	tb.waitConnected(1)
	tb.wb.clients.SelectIndex(0)
	tb.wb.clientMenu.OnCloseTab()
	if len(tb.wb.clients.List) != 1 || len(tb.wb.ctl.Tabs.List()) != 1 {
		t.Fatalf("%d tabs left", len(tb.wb.clients.List))
	}
	tb.waitFor("the gateway to drop the connection", func() bool {
		_, ok := tb.wb.gw.Connection(id)
		return !ok
	})
	tb.wb.clients.SelectIndex(0)
	tb.wb.clientMenu.OnCloseTab()
	if tb.wb.clients.Stack.Objects[0] != tb.wb.clients.Empty {
		t.Error("no hint to open a tab once the last is closed")
	}
	tb.wb.clientMenu.OnNewClient()
	tb.waitConnected(0)
}
