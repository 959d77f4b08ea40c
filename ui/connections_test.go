package ui

import (
	"net/http"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/gorilla/websocket"
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
			if p.Owner(ci) == "wscat-test/1.0" {
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
