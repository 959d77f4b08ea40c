package connections

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
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
	watched  []string
}

func (h *fakeHost) Gateway() Gateway { return h.gw }
func (h *fakeHost) Tab(id string) (string, int, bool) {
	i, ok := h.tabs[id]
	return "tab", i, ok
}
func (h *fakeHost) Selected(id string)                     { h.selected = append(h.selected, id) }
func (h *fakeHost) Listed(infos []emulator.ConnectionInfo) {}
func (h *fakeHost) Watch(id string)                        { h.watched = append(h.watched, id) }

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

// TestMarksTabsAndShowsDetails: the rows say "tab" or "external"; the
// selected external connection's origin, user agent, subprotocol and query
// show in the panel, and Watch (enabled for it only) asks the window to
// watch it.
func TestMarksTabsAndShowsDetails(t *testing.T) {
	test.NewTempApp(t)
	gw := startGateway(t)
	const chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	hdr := http.Header{"Origin": {"http://localhost:5173"}, "User-Agent": {chrome}}
	d := websocket.Dialer{Subprotocols: []string{"chat"}}
	ext, _, err := d.Dial(gw.URL()+"?room=7", hdr)
	if err != nil {
		t.Fatal(err)
	}
	defer ext.Close()
	tab, _, err := websocket.DefaultDialer.Dial(gw.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Close()
	for deadline := time.Now().Add(5 * time.Second); len(gw.Connections()) < 2 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	var extID, tabID string
	for _, ci := range gw.Connections() {
		if ci.UserAgent == chrome {
			extID = ci.ID
		} else {
			tabID = ci.ID
		}
	}
	h := &fakeHost{gw: gw, tabs: map[string]int{tabID: 0}}
	p := New(h)
	w := test.NewWindow(p.Object())
	defer w.Close()
	w.Resize(fyne.NewSize(500, 600))
	p.Refresh()

	var whos []string
	for _, o := range test.WidgetRenderer(p.list).Objects() {
		collectWhos(o, &whos)
	}
	joined := strings.Join(whos, "|")
	if !strings.Contains(joined, "tab|tab · ") || !strings.Contains(joined, "Chrome 131 · Linux|external · ") {
		t.Errorf("rendered rows say %q", whos)
	}
	// As narrow as the panel is in a 1280-pixel window, the owner shows
	// whole.
	w.Resize(fyne.NewSize(330, 600))
	p.Refresh()
	rows := 0
	walkRows(p.list, func(r *connRow) {
		rows++
		th := r.who.Theme()
		need := fyne.MeasureText(r.who.Text, th.Size(theme.SizeNameText), r.who.TextStyle).Width + 2*th.Size(theme.SizeNameInnerPadding)
		if r.who.Size().Width < need-0.5 {
			t.Errorf("the owner %q gets %.0f of the %.0f px it needs", r.who.Text, r.who.Size().Width, need)
		}
		// The second line shows through when the connection was last
		// active; what follows may end in an ellipsis.
		i := strings.Index(r.stats.Text, " · connected ")
		if i < 0 || !strings.Contains(r.stats.Text[:i], "· active ") {
			t.Fatalf("the second line %q does not say when it was active before its age", r.stats.Text)
		}
		sth := r.stats.Theme()
		shown := fyne.MeasureText(r.stats.Text[:i]+" …", sth.Size(r.stats.SizeName), r.stats.TextStyle).Width + 2*sth.Size(theme.SizeNameInnerPadding)
		if r.stats.Size().Width < shown-0.5 {
			t.Errorf("the second line %q shows %.0f px, less than the %.0f px its activity needs", r.stats.Text, r.stats.Size().Width, shown)
		}
	})
	if rows != 2 {
		t.Errorf("%d rows drawn, want 2", rows)
	}

	p.SelectID(tabID)
	if !p.watchBtn.Disabled() {
		t.Error("Watch is enabled for a tab's connection")
	}
	p.SelectID(extID)
	res := p.Controls().Result.Text
	for _, want := range []string{"external", "origin http://localhost:5173", "user agent " + chrome, "query ?room=7"} {
		if !strings.Contains(res, want) {
			t.Errorf("result %q lacks %q", res, want)
		}
	}
	test.Tap(p.Controls().Watch)
	if len(h.watched) != 1 || h.watched[0] != extID {
		t.Errorf("watched %v, want %s", h.watched, extID)
	}
}

func collectWhos(o fyne.CanvasObject, out *[]string) {
	walkRows(o, func(r *connRow) { *out = append(*out, r.who.Text, r.stats.Text) })
}

// walkRows calls fn for every connection row drawn under o.
func walkRows(o fyne.CanvasObject, fn func(*connRow)) {
	if !o.Visible() {
		return
	}
	switch x := o.(type) {
	case *connRow:
		fn(x)
	case *fyne.Container:
		for _, c := range x.Objects {
			walkRows(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			walkRows(c, fn)
		}
	}
}
