package ui

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/gorilla/websocket"

	"wsworkbench/ui/clients"
	"wsworkbench/ui/watch"
)

// outsideClient is a real gorilla client outside the window, with a reader
// goroutine that hands every frame and the close to channels.
type outsideClient struct {
	ws     *websocket.Conn
	frames chan string
	closed chan error
}

func dialOutside(t *testing.T, tb *testBench, header http.Header) *outsideClient {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(tb.wb.gw.URL(), header)
	if err != nil {
		t.Fatal(err)
	}
	c := &outsideClient{ws: ws, frames: make(chan string, 256), closed: make(chan error, 1)}
	go func() {
		for {
			_, data, err := ws.ReadMessage()
			if err != nil {
				c.closed <- err
				return
			}
			c.frames <- string(data)
		}
	}()
	t.Cleanup(func() { ws.Close() })
	return c
}

func (c *outsideClient) send(t *testing.T, text string) {
	t.Helper()
	if err := c.ws.WriteMessage(websocket.TextMessage, []byte(text)); err != nil {
		t.Fatal(err)
	}
}

// waitFrame runs the UI queue until the client reads a frame with text.
func (c *outsideClient) waitFrame(tb *testBench, text string) {
	tb.t.Helper()
	c.waitFrameMatch(tb, text, func(f string) bool { return f == text })
}

// waitFrameMatch runs the UI queue until the client reads a frame that
// matches.
func (c *outsideClient) waitFrameMatch(tb *testBench, what string, match func(string) bool) {
	tb.t.Helper()
	got := false
	tb.waitFor("the outside client to read "+what, func() bool {
		for {
			select {
			case f := <-c.frames:
				if match(f) {
					got = true
				}
			default:
				return got
			}
		}
	})
}

// waitClose runs the UI queue until the client's connection ends, and
// returns how.
func (c *outsideClient) waitClose(tb *testBench) error {
	tb.t.Helper()
	var err error
	tb.waitFor("the outside client's connection to end", func() bool {
		select {
		case err = <-c.closed:
			return true
		default:
			return false
		}
	})
	return err
}

// selectOutside waits for the connection whose user agent is ua in the
// connections panel, selects it and returns its ID.
func (tb *testBench) selectOutside(ua string) string {
	tb.t.Helper()
	p := tb.wb.conns
	var id string
	tb.waitFor("the outside connection "+ua+" in the panel", func() bool {
		for _, ci := range p.Infos() {
			if ci.UserAgent == ua {
				id = ci.ID
				return p.SelectID(id)
			}
		}
		return false
	})
	return id
}

// renderedWatchRows are the rows a watch view's list draws inside its
// visible area, top to bottom, each "time arrow text" as drawn (the time
// and arrow label, then the text label of the same row).
func renderedWatchRows(v *watch.View) []string {
	l := v.Controls().List
	h := l.Size().Height
	type part struct {
		x, y float32
		text string
	}
	var parts []part
	walkRendered(l, func(p placed) {
		lb, ok := p.obj.(*widget.Label)
		if !ok || !lb.TextStyle.Monospace || lb.Text == "" {
			return
		}
		if p.pos.Y+p.size.Height <= 0 || p.pos.Y >= h || p.size.Height <= 0 {
			return // scrolled out of the list's view
		}
		parts = append(parts, part{p.pos.X, p.pos.Y, lb.Text})
	})
	sort.SliceStable(parts, func(i, j int) bool {
		if parts[i].y != parts[j].y {
			return parts[i].y < parts[j].y
		}
		return parts[i].x < parts[j].x
	})
	var rows []string
	for i := 0; i < len(parts); i++ {
		if i > 0 && parts[i].y == parts[i-1].y {
			rows[len(rows)-1] += " " + parts[i].text
			continue
		}
		rows = append(rows, parts[i].text)
	}
	return rows
}

// waitWatchRows runs the UI queue until the rows the watch tab draws
// satisfy cond.
func (tb *testBench) waitWatchRows(w *clients.WatchTab, what string, cond func([]string) bool) []string {
	tb.t.Helper()
	var rows []string
	deadline := time.Now().Add(10 * time.Second)
	for {
		tb.drain()
		rows = renderedWatchRows(w.View)
		if cond(rows) {
			return rows
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("timed out waiting for %s; the watch tab draws %q", what, rows)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// indexOf returns the index of the first row containing s, or -1.
func rowIndex(rows []string, s string) int {
	for i, r := range rows {
		if strings.Contains(r, s) {
			return i
		}
	}
	return -1
}

// inOrder reports whether rows hold each of subs, in that order.
func inOrder(rows []string, subs ...string) bool {
	last := -1
	for _, s := range subs {
		i := rowIndex(rows, s)
		if i <= last {
			return false
		}
		last = i
	}
	return true
}

// TestWatchTabFollowsAnOutsideClient: Watch in the connections panel opens
// a tab beside the client tabs for an outside gorilla client, titled with an
// eye, its origin and the start of its ID. Its frames, those
// sent before the tab opened and after, are drawn in order; a row shows its
// trace; Send pushes a frame the client reads. Closing the tab leaves the
// connection open (a Watch again shows the whole history), and Close with
// 1011 reaches the client with that code and reason; the tab then says the
// connection closed and keeps its rows.
func TestWatchTabFollowsAnOutsideClient(t *testing.T) {
	tb := newTestBench(t)
	tb.waitConnected(0)
	c := dialOutside(t, tb, http.Header{"User-Agent": {"qa-frontend/2.1"}, "Origin": {"http://localhost:5173"}})
	c.send(t, `{"action":"whoami","n":1}`)
	id := tb.selectOutside("qa-frontend/2.1")
	tabsBefore := len(tb.wb.clients.Docs.Items)
	windows := len(tb.wb.app.Driver().AllWindows())
	test.Tap(tb.wb.conns.Controls().Watch)
	w := tb.wb.clients.Watches.ByConnID(id)
	if w == nil {
		t.Fatal("Watch opened no watch tab")
	}
	if len(tb.wb.clients.Docs.Items) != tabsBefore+1 || tb.wb.clients.Docs.Selected() != w.Item {
		t.Fatalf("the watch tab is not a selected tab beside the client tabs (%d tabs, was %d)", len(tb.wb.clients.Docs.Items), tabsBefore)
	}
	if want := "localhost:5173"; w.Item.Text != want {
		t.Errorf("the tab's title is %q, want %q", w.Item.Text, want)
	}
	if w.Item.Icon == nil || !strings.Contains(w.Item.Icon.Name(), "visibility") {
		t.Errorf("the tab has no eye: %v", w.Item.Icon)
	}
	if n := len(tb.wb.app.Driver().AllWindows()); n != windows {
		t.Errorf("Watch opened a window: %d windows, %d before", n, windows)
	}
	// A second watch tab on the same origin: both show the start of their
	// IDs, until one closes (Close Tab, Ctrl+W).
	c2 := dialOutside(t, tb, http.Header{"User-Agent": {"qa-frontend/2.2"}, "Origin": {"http://localhost:5173"}})
	id2 := tb.selectOutside("qa-frontend/2.2")
	test.Tap(tb.wb.conns.Controls().Watch)
	w2 := tb.wb.clients.Watches.ByConnID(id2)
	if w2 == nil || w.Item.Text != "localhost:5173 "+id[:6]+"…" || w2.Item.Text != "localhost:5173 "+id2[:6]+"…" {
		t.Errorf("two watch tabs on one origin are titled %q and %v", w.Item.Text, w2)
	}
	tb.wb.clientMenu.OnCloseTab() // Ctrl+W closes the selected watch tab
	if tb.wb.clients.Watches.ByConnID(id2) != nil {
		t.Errorf("Close Tab left the selected watch tab open")
	}
	if w.Item.Text != "localhost:5173" {
		t.Errorf("after the other closed the tab is titled %q", w.Item.Text)
	}
	_ = c2

	// Selecting the connection again selects its watch tab.
	tb.wb.clients.SelectIndex(0)
	tb.wb.conns.SelectID(tb.wb.clients.List[0].Model.Client().ConnectionID())
	tb.wb.conns.SelectID(id)
	if tb.wb.clients.Docs.Selected() != w.Item {
		t.Errorf("selecting the watched connection does not select its tab")
	}

	c.send(t, `{"action":"whoami","n":2}`)
	c.send(t, `{"action":"whoami","n":3}`)
	rows := tb.waitWatchRows(w, "the three frames in order", func(r []string) bool {
		return inOrder(r, `→ {"action":"whoami","n":1}`, `→ {"action":"whoami","n":2}`, `→ {"action":"whoami","n":3}`)
	})
	if rowIndex(rows, "• ") < 0 || rowIndex(rows, "← ") < 0 {
		t.Errorf("no connect event or answer drawn: %q", rows)
	}

	// A row shows its frame's trace in the trace panel.
	all := w.View.Rows()
	w.View.Controls().List.Select(rowIndex(all, `"n":2`))
	if tb.wb.tracer.TraceID() == "" || !strings.Contains(w.View.Controls().Result.Text, tb.wb.tracer.TraceID()) {
		t.Errorf("the trace panel shows %q; the view says %q", tb.wb.tracer.TraceID(), w.View.Controls().Result.Text)
	}

	// Push.
	ctl := w.View.Controls()
	ctl.Push.SetText(`{"pushed":"from the watch tab"}`)
	test.Tap(ctl.Send)
	c.waitFrame(tb, `{"pushed":"from the watch tab"}`)
	tb.waitWatchRows(w, "the push", func(r []string) bool { return rowIndex(r, `← {"pushed":"from the watch tab"}`) >= 0 })

	// Closing the tab leaves the connection open.
	tb.wb.clients.Docs.CloseIntercept(w.Item)
	tb.settle(20 * time.Millisecond)
	if tb.wb.clients.Watches.ByConnID(id) != nil || len(tb.wb.clients.Docs.Items) != tabsBefore {
		t.Fatalf("the watch tab did not close")
	}
	if _, ok := tb.wb.gw.Connection(id); !ok {
		t.Fatal("closing the watch tab closed the connection")
	}
	c.send(t, `{"action":"whoami","n":4}`)
	tb.selectOutside("qa-frontend/2.1")
	test.Tap(tb.wb.conns.Controls().Watch)
	w = tb.wb.clients.Watches.ByConnID(id)
	if w == nil {
		t.Fatal("Watch did not open the tab again")
	}
	tb.waitFor("the whole history in the view", func() bool {
		return inOrder(w.View.Rows(), `"n":1`, `"n":2`, `"n":3`, `{"pushed"`, `"n":4`)
	})

	// Close with 1011.
	ctl = w.View.Controls()
	ctl.Code.SetSelected("1011 Internal error")
	ctl.Reason.SetText("boom")
	test.Tap(ctl.Close)
	err := c.waitClose(tb)
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 1011 || ce.Text != "boom" {
		t.Fatalf("the client's connection ended with %v, want close 1011 boom", err)
	}
	tb.waitFor("the tab to show the close", func() bool {
		return strings.HasSuffix(w.Item.Text, "· closed") && strings.Contains(w.View.Controls().Title.Text, "closed 1011 boom")
	})
	rows = tb.waitWatchRows(w, "the close row", func(r []string) bool { return rowIndex(r, "closed 1011 boom") >= 0 })
	if !w.View.Controls().Send.Disabled() || !w.View.Controls().Idle.Disabled() {
		t.Errorf("the buttons stay enabled after the close")
	}
	if len(w.View.Rows()) < 8 {
		t.Errorf("the closed tab kept %d rows: %q", len(w.View.Rows()), rows)
	}
}

// TestTilesShowClientAndWatchTab: a watch tab off screen counts the frames
// it did not show on its title; in the tiled view a client tab and a watch
// tab are tiles side by side, both drawing their new rows, and the watch
// tile is titled like its tab. Every control stays inside a 1024x768
// window.
func TestTilesShowClientAndWatchTab(t *testing.T) {
	tb := newTestBench(t)
	id0 := tb.waitConnected(0)
	tb.waitConnected(1)
	tb.win.Resize(fyne.NewSize(1024, 768))
	c := dialOutside(t, tb, http.Header{"User-Agent": {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.0 Safari/537.36"}})
	id := tb.selectOutside("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.0 Safari/537.36")
	test.Tap(tb.wb.conns.Controls().Watch)
	w := tb.wb.clients.Watches.ByConnID(id)
	if w == nil {
		t.Fatal("no watch tab")
	}
	name := "Chrome 120 · Linux"
	if w.Item.Text != name {
		t.Errorf("the tab's title is %q, want %q", w.Item.Text, name)
	}

	// Off screen, the watch tab counts its frames (the message and its
	// answer).
	tb.wb.clients.SelectIndex(0)
	c.send(t, `{"action":"whoami","hidden":true}`)
	tb.waitFor("the unread mark on the watch tab", func() bool { return w.Item.Text == name+" (2 new)" })

	// Tiles: client 1 first, then client 2 and the watch tab.
	test.Tap(tb.wb.tilesBtn)
	tb.settle(30 * time.Millisecond)
	if len(tb.wb.clients.Tiles.Shown) != 3 || tb.wb.clients.Tiles.Shown[2] != w.Item {
		t.Fatalf("the tiles hold %d tabs, the watch tab at the end: %v", len(tb.wb.clients.Tiles.Shown), tb.wb.clients.Tiles.Shown)
	}
	if w.Item.Text != name {
		t.Errorf("the watch tile keeps its unread mark: %q", w.Item.Text)
	}
	if w.View.Controls().Details.Visible() {
		t.Errorf("the watch tile shows the upgrade request's details (its title names the connection)")
	}
	if err := tb.wb.gw.PostToConnection(id0, []byte("tile news for the client")); err != nil {
		t.Fatal(err)
	}
	c.send(t, `{"action":"whoami","tile":"news"}`)
	tb.waitRows(tb.tab(0).Log, "client 1's news", func(rows []string) bool { return countContaining(rows, "tile news for the client") == 1 })
	tb.waitWatchRows(w, "the watch tile's news", func(rows []string) bool { return rowIndex(rows, `"tile":"news"`) >= 0 })

	// Both new rows are drawn inside the window, in different tiles.
	size := tb.win.Canvas().Size()
	var clientRow, watchRow *fyne.Position
	walkRendered(tb.win.Canvas().Content(), func(p placed) {
		inside := p.pos.X >= 0 && p.pos.Y >= 0 && p.pos.X+p.size.Width <= size.Width && p.pos.Y+p.size.Height <= size.Height
		if r, ok := p.obj.(*clients.LogRow); ok && r.Text.Text == "tile news for the client" && inside {
			clientRow = &p.pos
		}
		if l, ok := p.obj.(*widget.Label); ok && strings.Contains(l.Text, `"tile":"news"`) && inside {
			watchRow = &p.pos
		}
	})
	if *shots != "" {
		saveShot(t, tb, "watch-tiles")
	}
	if clientRow == nil || watchRow == nil {
		t.Fatalf("the tiles draw the client's row at %v and the watch's at %v", clientRow, watchRow)
	}
	if clientRow.Y == watchRow.Y && clientRow.X == watchRow.X {
		t.Errorf("the two rows are drawn at the same place")
	}
	labels := strings.Join(labelsIn(tb.wb.clients.Object()), "\n")
	for _, want := range []string{"client 1", "client 2", "external: " + name + " " + id[:6] + "…"} {
		if !strings.Contains(labels, want) {
			t.Errorf("the tiles do not show %q", want)
		}
	}
	if bad, _ := clippedControls(tb.win); len(bad) > 0 {
		t.Errorf("in tiles with a watch tile at 1024x768, controls are not reachable:\n%s", strings.Join(bad, "\n"))
	}

	// Back to tabs: the watch tab shows its rows again when selected.
	test.Tap(tb.wb.tilesBtn)
	tb.settle(30 * time.Millisecond)
	tb.wb.clients.SelectItem(w.Item)
	tb.waitWatchRows(w, "the watch tab's rows back as a tab", func(rows []string) bool { return rowIndex(rows, `"tile":"news"`) >= 0 })
	if !w.View.Controls().Details.Visible() {
		t.Errorf("back as a tab the watch tab hides the upgrade request's details")
	}
}

// TestWatchTabControlsInsideWindowAtSmallSizes: with a watch tab selected,
// and in tiles with a watch tile, every control of the window lies inside
// it at 1024x768 and 1280x720.
func TestWatchTabControlsInsideWindowAtSmallSizes(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 1024, Height: 768}, {Width: 1280, Height: 720}} {
		t.Run(sizeName(size), func(t *testing.T) {
			tb := newTestBench(t)
			tb.waitConnected(0)
			c := dialOutside(t, tb, http.Header{"User-Agent": {"small-screen/1"}})
			c.send(t, `{"action":"whoami"}`)
			id := tb.selectOutside("small-screen/1")
			test.Tap(tb.wb.conns.Controls().Watch)
			w := tb.wb.clients.Watches.ByConnID(id)
			tb.win.Resize(size)
			tb.waitWatchRows(w, "the frame", func(rows []string) bool { return rowIndex(rows, "whoami") >= 0 })
			bad, checked := clippedControls(tb.win)
			if checked < 20 {
				t.Fatalf("only %d controls found: the walk is broken", checked)
			}
			for _, b := range []*widget.Button{w.View.Controls().Send, w.View.Controls().Close, w.View.Controls().Drop, w.View.Controls().Idle, w.View.Controls().MaxDuration, w.View.Controls().Export} {
				if !b.Visible() || b.Size().Width < 1 {
					t.Errorf("the watch tab's %q button is not drawn", b.Text)
				}
			}
			if len(bad) > 0 {
				t.Errorf("at %s with a watch tab, %d controls are not reachable:\n%s", sizeName(size), len(bad), strings.Join(bad, "\n"))
			}
			// And as a tile beside the client tabs.
			test.Tap(tb.wb.tilesBtn)
			tb.settle(30 * time.Millisecond)
			if !slices.Contains(tb.wb.clients.Tiles.Shown, w.Item) {
				t.Fatalf("the watch tab is not a tile")
			}
			if bad, _ := clippedControls(tb.win); len(bad) > 0 {
				t.Errorf("at %s in tiles with a watch tile, %d controls are not reachable:\n%s", sizeName(size), len(bad), strings.Join(bad, "\n"))
			}
		})
	}
}

// TestWatchTabExportsThroughTheExportDialog: a watch tab's Export… (and
// Export Log… with the watch tab selected) opens the window's export dialog,
// the one a client tab's Export uses, offering a file named after the
// connection; Export there writes the connection's history as JSON lines and
// the tab says where.
func TestWatchTabExportsThroughTheExportDialog(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	tb := newTestBench(t)
	tb.waitConnected(0)
	c := dialOutside(t, tb, http.Header{"User-Agent": {"qa-frontend/2.1"}})
	c.send(t, `{"action":"whoami","n":1}`)
	id := tb.selectOutside("qa-frontend/2.1")
	test.Tap(tb.wb.conns.Controls().Watch)
	w := tb.wb.clients.Watches.ByConnID(id)
	if w == nil {
		t.Fatal("Watch opened no watch tab")
	}
	tb.waitWatchRows(w, "the frame", func(r []string) bool { return rowIndex(r, `"n":1`) >= 0 })
	tb.wb.clientMenu.OnExportLog()
	d := tb.topDialog()
	name := findEntryWithSuffix(t, d, ".jsonl")
	if !strings.HasPrefix(name.Text, "watch-") {
		t.Errorf("the dialog offers %q", name.Text)
	}
	name.SetText("watched.jsonl")
	test.Tap(findButton(t, d, "Export"))
	file := filepath.Join(dir, "watched.jsonl")
	tb.waitFor("the export", func() bool {
		data, err := os.ReadFile(file)
		return err == nil && strings.Contains(string(data), `"n\":1`) && strings.Contains(string(data), `"dir":"in"`)
	})
	if got := w.View.Controls().Result.Text; !strings.Contains(got, "Exported") || !strings.Contains(got, "watched.jsonl") {
		t.Errorf("the tab says %q after the export", got)
	}
}
