package connections

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/gorilla/websocket"

	"wsworkbench/assets"
	"wsworkbench/emulator"
	"wsworkbench/emulator/workspace"
)

// fakeHost is a window with client tabs holding some connections.
type fakeHost struct {
	gw       *emulator.Gateway
	tabs     map[string]int // connection ID → tab position
	selected []string
}

func (h *fakeHost) Gateway() Gateway { return h.gw }
func (h *fakeHost) Tab(id string) (string, int, bool) {
	i, ok := h.tabs[id]
	return "tab", i, ok
}
func (h *fakeHost) Selected(id string)                     { h.selected = append(h.selected, id) }
func (h *fakeHost) Listed(infos []emulator.ConnectionInfo) {}

// startGateway runs the built-in sample on a free loopback port.
func startGateway(t *testing.T) *emulator.Gateway {
	t.Helper()
	ws, err := workspace.Parse(assets.SampleName, assets.SampleAPI)
	if err != nil {
		t.Fatal(err)
	}
	gw, err := emulator.New(ws.API, emulator.Options{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	if err := gw.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = gw.Close(context.Background()) })
	return gw
}

// TestSortsTabsFirstAndSendsToAll: the panel lists the tabs' connections
// first, in tab order, then the others; Send to All posts the message to
// every connection, each as its own frame.
func TestSortsTabsFirstAndSendsToAll(t *testing.T) {
	test.NewTempApp(t)
	gw := startGateway(t)
	var conns []*websocket.Conn
	for range 3 {
		c, _, err := websocket.DefaultDialer.Dial(gw.URL(), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		conns = append(conns, c)
		time.Sleep(10 * time.Millisecond) // distinct connection times: the others' order
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(gw.Connections()) < 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	infos := gw.Connections()
	if len(infos) != 3 {
		t.Fatalf("%d connections", len(infos))
	}
	// Oldest first as the gateway knows them; the two newest are tabs, in
	// the reverse order.
	byAge := append([]emulator.ConnectionInfo(nil), infos...)
	for i := range byAge {
		for j := i + 1; j < len(byAge); j++ {
			if byAge[j].ConnectedAt.Before(byAge[i].ConnectedAt) {
				byAge[i], byAge[j] = byAge[j], byAge[i]
			}
		}
	}
	h := &fakeHost{gw: gw, tabs: map[string]int{byAge[2].ID: 0, byAge[1].ID: 1}}
	p := New(h)
	p.Object()
	p.Refresh()
	var got []string
	for _, ci := range p.Infos() {
		got = append(got, ci.ID)
	}
	want := []string{byAge[2].ID, byAge[1].ID, byAge[0].ID}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("order %v, want the tabs' (%v) then the other", got, want)
	}

	c := p.Controls()
	c.Message.SetText(`{"to":"everyone"}`)
	test.Tap(c.SendToAll)
	for i, ws := range conns {
		_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, data, err := ws.ReadMessage()
		if err != nil || string(data) != `{"to":"everyone"}` {
			t.Errorf("client %d read %q, %v", i, data, err)
		}
	}
	if !strings.HasPrefix(c.Result.Text, "Sent 17 B to all 3 connections") {
		t.Errorf("result %q", c.Result.Text)
	}
}
