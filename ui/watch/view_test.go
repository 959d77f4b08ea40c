package watch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/gorilla/websocket"

	"wsworkbench/assets"
	"wsworkbench/emulator"
	"wsworkbench/emulator/workspace"
)

type fakeHost struct {
	gw      *emulator.Gateway
	traces  []string
	exports []fakeExport
}

// fakeExport is a call of ExportAs: what the dialog would have offered,
// and what it calls once the person has chosen a path.
type fakeExport struct {
	title, name string
	data        func() ([]byte, error)
	done        func(path string)
}

func (h *fakeHost) Gateway() Gateway           { return h.gw }
func (h *fakeHost) ShowTrace(requestID string) { h.traces = append(h.traces, requestID) }
func (h *fakeHost) ExportAs(title, name string, data func() ([]byte, error), done func(path string)) {
	h.exports = append(h.exports, fakeExport{title, name, data, done})
}

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

// onlyConnectionID waits up to 15 s for gw to hold exactly one connection
// and returns its id.
func onlyConnectionID(t *testing.T, gw *emulator.Gateway) string {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if infos := gw.Connections(); len(infos) == 1 {
			return infos[0].ID
		}
	}
	t.Fatalf("the gateway does not hold exactly one connection after 15 s: %d", len(gw.Connections()))
	return ""
}

// renderedRows are the texts the list's rendered rows show.
func renderedRows(l *widget.List) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if r, ok := o.(*row); ok {
			if r.Visible() && r.text.Text != "" {
				out = append(out, r.when.Text+" "+r.text.Text)
			}
			return
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, x := range c.Objects {
				walk(x)
			}
			return
		}
		if w, ok := o.(fyne.Widget); ok {
			for _, x := range test.WidgetRenderer(w).Objects() {
				walk(x)
			}
		}
	}
	walk(l)
	return out
}

// waitFor polls the view until cond holds on what it renders.
func waitFor(t *testing.T, v *View, what string, cond func([]string) bool) []string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		v.Poll()
		rows := renderedRows(v.list)
		if cond(rows) {
			return rows
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: rows %q", what, rows)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func has(rows []string, sub string) bool {
	for _, r := range rows {
		if strings.Contains(r, sub) {
			return true
		}
	}
	return false
}

// TestWatchShowsHistoryLivePushesAndCloses: an outside client's frames show
// in the watch view's rendered rows (with arrows), the search narrows them,
// a row opens its trace, a push reaches the client, and Close with 1011
// reaches the client with that code.
func TestWatchShowsHistoryLivePushesAndCloses(t *testing.T) {
	test.NewTempApp(t)
	gw := startGateway(t)
	c, _, err := websocket.DefaultDialer.Dial(gw.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.WriteMessage(websocket.TextMessage, []byte(`{"action":"sendmessage","data":"first"}`)); err != nil {
		t.Fatal(err)
	}
	id := onlyConnectionID(t, gw)
	h := &fakeHost{gw: gw}
	v := New(h, id)
	w := test.NewWindow(v.Object())
	defer w.Close()
	w.Resize(fyne.NewSize(700, 500))

	rows := waitFor(t, v, "the first frame", func(r []string) bool { return has(r, "→ "+`{"action":"sendmessage","data":"first"}`) })
	if !has(rows, "• ") {
		t.Errorf("no connect event row: %q", rows)
	}
	// Live: a second frame sent after the view opened shows too.
	if err := c.WriteMessage(websocket.TextMessage, []byte(`{"action":"sendmessage","data":"second"}`)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, v, "the second frame", func(r []string) bool { return has(r, `"second"`) })

	test.Type(v.search, "second")
	rows = renderedRows(v.list)
	if len(rows) != 1 || !strings.Contains(rows[0], `"second"`) {
		t.Fatalf("search kept %q", rows)
	}
	v.list.Select(0)
	if len(h.traces) != 1 || h.traces[0] == "" {
		t.Errorf("selecting the row showed traces %q", h.traces)
	}
	v.search.SetText("")

	// Push: the client reads the frame.
	v.acts.push.SetText(`{"pushed":true}`)
	test.Tap(v.acts.sendBtn)
	if !strings.HasPrefix(v.acts.result.Text, "Sent") {
		t.Fatalf("push: %q", v.acts.result.Text)
	}
	_ = c.SetReadDeadline(time.Now().Add(15 * time.Second))
	var closeErr *websocket.CloseError
	gotPush := false
	// Close with 1011 once the push arrived.
	for {
		_, data, err := c.ReadMessage()
		if err != nil {
			if !errors.As(err, &closeErr) {
				t.Fatalf("read: %v", err)
			}
			break
		}
		if string(data) == `{"pushed":true}` && !gotPush {
			gotPush = true
			v.acts.code.SetSelected("1011 Internal error")
			v.acts.reason.SetText("boom")
			test.Tap(v.acts.closeBtn)
		}
	}
	if !gotPush {
		t.Fatal("the push never reached the client")
	}
	if closeErr.Code != 1011 || closeErr.Text != "boom" {
		t.Fatalf("close %d %q, want 1011 boom", closeErr.Code, closeErr.Text)
	}
	rows = waitFor(t, v, "the close", func(r []string) bool { return has(r, "1011") })
	if !has(rows, `← {"pushed":true}`) {
		t.Errorf("no pushed row: %q", rows)
	}
	// The gateway marks the history closed just after it records the
	// close; a later poll sees it.
	for deadline := time.Now().Add(15 * time.Second); !strings.Contains(v.title.Text, "closed") && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		v.Poll()
	}
	if !strings.Contains(v.title.Text, "closed") || !v.acts.sendBtn.Disabled() {
		t.Errorf("after the close: title %q, send disabled %v", v.title.Text, v.acts.sendBtn.Disabled())
	}
}

// TestWatchExportWritesTranscript: Export… asks the window's export dialog
// (Host.ExportAs, which checks the path, asks before replacing and writes
// atomically: TestExportDialog in ui) for a file named after the connection,
// and gives it every entry the view holds, not only those the search keeps,
// as the transcript's JSON lines, in order; once written, the view says how
// many entries went where.
func TestWatchExportWritesTranscript(t *testing.T) {
	test.NewTempApp(t)
	gw := startGateway(t)
	c, _, err := websocket.DefaultDialer.Dial(gw.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, d := range []string{"one", "two"} {
		if err := c.WriteMessage(websocket.TextMessage, []byte(`{"action":"sendmessage","data":"`+d+`"}`)); err != nil {
			t.Fatal(err)
		}
	}
	id := onlyConnectionID(t, gw)
	h := &fakeHost{gw: gw}
	v := New(h, id)
	w := test.NewWindow(v.Object())
	defer w.Close()
	w.Resize(fyne.NewSize(700, 500))
	waitFor(t, v, "the second frame", func(r []string) bool { return has(r, `"two"`) })
	ctl := v.Controls()
	ctl.Search.SetText(`"two"`) // the export is not the search's
	test.Tap(ctl.Export)
	if len(h.exports) != 1 {
		t.Fatalf("Export asked the dialog %d times", len(h.exports))
	}
	x := h.exports[0]
	if !strings.HasPrefix(x.name, "watch-") || !strings.HasSuffix(x.name, ".jsonl") || strings.ContainsAny(x.name, "/=") {
		t.Errorf("offered file name %q", x.name)
	}
	data, err := x.data()
	if err != nil {
		t.Fatal(err)
	}
	var got []emulator.HistoryEntry
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		var e emulator.HistoryEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		got = append(got, e)
	}
	if len(got) != len(v.read.all) || len(got) < 3 {
		t.Fatalf("exported %d entries, the view holds %d", len(got), len(v.read.all))
	}
	var texts []string
	for i, e := range got {
		if e.Seq != v.read.all[i].Seq || e.Data != v.read.all[i].Data {
			t.Errorf("entry %d: %+v, view holds %+v", i, e, v.read.all[i])
		}
		texts = append(texts, e.Data)
	}
	if j := strings.Join(texts, "|"); !strings.Contains(j, `"one"`) || strings.Index(j, `"one"`) > strings.Index(j, `"two"`) {
		t.Errorf("frames out of order or missing: %s", j)
	}
	x.done("/tmp/w.jsonl")
	if want := fmt.Sprintf("Exported %d entries to /tmp/w.jsonl.", len(got)); ctl.Result.Text != want {
		t.Errorf("after the export: %q, want %q", ctl.Result.Text, want)
	}
}

// TestWhoIsShortForTheTabBar: a watch tab's title is the origin without its
// scheme, or the browser, its major version and system, or the first
// product of the user agent (format.ShortUserAgent), at most 22 characters; without either, the start of the
// connection ID.
func TestWhoIsShortForTheTabBar(t *testing.T) {
	for _, tc := range []struct {
		name string
		ci   emulator.ConnectionInfo
		want string
	}{
		{"origin", emulator.ConnectionInfo{Origin: "http://localhost:5173", UserAgent: "Mozilla/5.0 Firefox/128.0"}, "localhost:5173"},
		{"long origin", emulator.ConnectionInfo{Origin: "https://a-very-long-frontend-name.example.com"}, "a-very-long-frontend-…"},
		{"chrome", emulator.ConnectionInfo{UserAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.0 Safari/537.36"}, "Chrome 120 · Linux"},
		{"headless chrome", emulator.ConnectionInfo{UserAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36"}, "HeadlessChrome 120 · …"},
		{"firefox", emulator.ConnectionInfo{UserAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}, "Firefox 128 · Linux"},
		{"safari", emulator.ConnectionInfo{UserAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15"}, "Safari 17 · macOS"},
		{"wscat", emulator.ConnectionInfo{UserAgent: "wscat/5.2.0"}, "wscat"},
		{"long product", emulator.ConnectionInfo{UserAgent: "an-extremely-long-product-name/1.0 extra"}, "an-extremely-long-pro…"},
		{"nothing", emulator.ConnectionInfo{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Who(tc.ci); got != tc.want {
				t.Errorf("Who = %q, want %q", got, tc.want)
			}
			v := &View{who: Who(tc.ci), connID: "Mg_ugfpqPHcCIVA="}
			want := tc.want
			if want == "" {
				want = "Mg_ugf…"
			}
			if got := v.TabTitle(false); got != want {
				t.Errorf("TabTitle = %q, want %q", got, want)
			}
			if got := v.TileTitle(); !strings.HasPrefix(got, "external: ") || !strings.HasSuffix(got, "Mg_ugf…") {
				t.Errorf("TileTitle = %q", got)
			}
		})
	}
}

// TestUnreadCountsFramesSinceSeen: the tab title counts the frames in and
// out (not events) that arrived after MarkSeen, and says when the
// connection closed.
func TestUnreadCountsFramesSinceSeen(t *testing.T) {
	test.NewTempApp(t)
	gw := startGateway(t)
	c, _, err := websocket.DefaultDialer.Dial(gw.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	id := onlyConnectionID(t, gw)
	v := New(&fakeHost{gw: gw}, id)
	w := test.NewWindow(v.Object())
	defer w.Close()
	w.Resize(fyne.NewSize(700, 500))
	v.MarkSeen()
	if v.Unread() != 0 || v.TabTitle(false) != v.Who() {
		t.Fatalf("after MarkSeen: %d unread, title %q", v.Unread(), v.TabTitle(false))
	}
	if err := c.WriteMessage(websocket.TextMessage, []byte(`{"action":"whoami"}`)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, v, "the answer", func(r []string) bool { return has(r, "← ") })
	if v.Unread() != 2 || v.TabTitle(false) != v.Who()+" (2 new)" {
		t.Errorf("after a message and its answer: %d unread, title %q", v.Unread(), v.TabTitle(false))
	}
	v.MarkSeen()
	if err := gw.CloseConnection(id, 1012, "restart"); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(15 * time.Second); !v.Closed() && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		v.Poll()
	}
	if v.TabTitle(false) != v.Who()+" · closed" || !strings.Contains(v.Controls().Title.Text, "closed 1012 restart") {
		t.Errorf("after the close: tab %q, title %q", v.TabTitle(false), v.Controls().Title.Text)
	}
}
