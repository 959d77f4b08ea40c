package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/client"
	"wsworkbench/ui/clients"
)

// TestLogRendersEveryRowAfterClearReconnectSend: after Clear (Ctrl+L),
// Reconnect (Ctrl+R) and Send (Ctrl+Enter) the list draws all four rows the
// footer counts (closed, connected, sent, the answer), not only the first
// two.
func TestLogRendersEveryRowAfterClearReconnectSend(t *testing.T) {
	tb := newTestBench(t)
	id := tb.waitConnected(0)
	tb.send(0, `{"action":"message","messageId":1}`)
	tb.waitEntry(0, "the first answer", received(`{"message": "Hello World"}`))
	tb.settle(50 * time.Millisecond)
	v := tb.tab(0).Log

	tb.wb.clientMenu.OnClearLog()
	tb.settle(50 * time.Millisecond)
	if rows := renderedRows(v); len(rows) != 0 {
		t.Fatalf("after Clear the list draws %q", rows)
	}
	tb.wb.clientMenu.OnReconnect()
	tb.waitFor("a new connection", func() bool {
		c := tb.tab(0).Model.Client()
		return c.State().Phase == client.Open && c.ConnectionID() != "" && c.ConnectionID() != id
	})
	tb.settle(50 * time.Millisecond)
	seq := tb.lastSeq(0)
	tb.wb.clientMenu.OnSend()
	tb.waitEntry(0, "the answer after the reconnect", receivedAfter(seq, `{"message": "Hello World"}`))
	tb.waitFor("the footer to count 4 messages", func() bool { return v.CountLabel.Text == "4 messages" })
	tb.waitRows(v, "closed, connected, the sent message and the answer", func(rows []string) bool {
		return len(rows) == 4 && strings.Contains(rows[3], `{"message": "Hello World"}`) && strings.Contains(rows[2], `"messageId":1`)
	})
	// The newest button keeps them.
	v.OnFollow()
	if rows := renderedRows(v); len(rows) != 4 {
		t.Fatalf("after newest the list draws %q", rows)
	}
	_ = test.Tap
}

// TestSearchRendersMatchesThenAllRowsInOrder: searching "Hi" draws each
// matching entry once, and clearing the search draws the newest entries in
// order at once, without a tab switch.
func TestSearchRendersMatchesThenAllRowsInOrder(t *testing.T) {
	tb := newTestBench(t)
	tb.waitConnected(0)
	for i := range 4 {
		id := 1 + i%2
		seq := tb.lastSeq(0)
		tb.send(0, fmt.Sprintf(`{"action":"message","messageId":%d}`, id))
		want := `{"message": "Hello World"}`
		if id == 2 {
			want = `{"message": "Hi!"}`
		}
		tb.waitEntry(0, "answer", receivedAfter(seq, want))
	}
	v := tb.tab(0).Log
	tb.waitFor("9 messages", func() bool { return v.CountLabel.Text == "9 messages" })
	tb.settle(50 * time.Millisecond)

	test.Type(v.Search, "Hi")
	if v.CountLabel.Text != "2 of 9 messages match" {
		t.Fatalf("count %q", v.CountLabel.Text)
	}
	seqs := renderedSeqs(v)
	if len(seqs) != 2 || seqs[0] != v.View[0] || seqs[1] != v.View[1] {
		t.Fatalf("searching Hi draws entries %v (%q), want %v", seqs, renderedRows(v), v.View)
	}
	for _, r := range renderedRows(v) {
		if !strings.Contains(r, "Hi!") {
			t.Errorf("a row that does not match: %q", r)
		}
	}

	v.Search.SetText("")
	tb.settle(30 * time.Millisecond)
	seqs = renderedSeqs(v)
	last := tb.lastSeq(0)
	if len(seqs) < 4 || seqs[len(seqs)-1] != last {
		t.Fatalf("after clearing the search the list draws %v, want a run ending at %d", seqs, last)
	}
	for i := 1; i < len(seqs); i++ {
		if seqs[i] != seqs[i-1]+1 {
			t.Fatalf("after clearing the search the rows are out of order: %v", seqs)
		}
	}
}

// TestFollowSurvivesSelectionStopsOnScrollUp: a selected row does not stop
// the log from following new rows; scrolling up does, and Newest jumps back.
func TestFollowSurvivesSelectionStopsOnScrollUp(t *testing.T) {
	tb := newTestBench(t)
	id := tb.waitConnected(0)
	v := tb.tab(0).Log
	push := func(text string) {
		t.Helper()
		if err := tb.wb.gw.PostToConnection(id, []byte(text)); err != nil {
			t.Fatal(err)
		}
		tb.waitEntry(0, text, received(text))
		tb.waitFor("the footer to count it", func() bool { return v.ShownLen == v.Tab.Model.Client().Log().Len() })
	}
	for i := range 30 {
		push(fmt.Sprintf("msg-%d", i))
	}
	newest := func() bool {
		s := renderedRows(v)
		return len(s) > 0 && strings.HasSuffix(s[len(s)-1], tb.tab(0).Model.Client().Log().At(v.Len()-1).Text)
	}
	if !newest() {
		t.Fatalf("the log does not show the newest row: %q", renderedRows(v))
	}
	v.List.Select(v.Len() - 2)
	push("after-select")
	if !newest() || v.Selected == 0 {
		t.Fatalf("after a selection the log stopped following: %q (selected %d)", renderedRows(v), v.Selected)
	}
	v.List.ScrollToTop()
	push("after-scroll-up")
	if rows := renderedRows(v); countContaining(rows, "after-scroll-up") != 0 || countContaining(rows, "msg-0") == 0 {
		t.Fatalf("scrolled up, the log jumped to the newest row anyway: %q", rows)
	}
	if v.FollowBtn.Importance != widget.HighImportance {
		t.Errorf("the Newest button does not stand out while new rows are below")
	}
	test.Tap(v.FollowBtn)
	if !newest() {
		t.Fatalf("Newest does not show the newest row: %q", renderedRows(v))
	}
	push("after-newest")
	if !newest() {
		t.Fatalf("after Newest the log does not follow: %q", renderedRows(v))
	}
}

// TestTilesShowTwoClientsNewRows: in the tiled view both clients' logs are
// on screen and draw their new rows; a client off screen gets an unread
// mark that clears when it shows.
func TestTilesShowTwoClientsNewRows(t *testing.T) {
	tb := newTestBench(t)
	id0 := tb.waitConnected(0)
	id1 := tb.waitConnected(1)
	tb.win.Resize(fyne.NewSize(1024, 768))
	tb.wb.clients.SelectIndex(0)

	// As tabs, a frame to the hidden tab marks it.
	if err := tb.wb.gw.PostToConnection(id1, []byte("while hidden")); err != nil {
		t.Fatal(err)
	}
	tb.waitEntry(1, "the hidden frame", received("while hidden"))
	tb.waitFor("the unread mark", func() bool { return tb.tab(1).Item.Text == "client 2 (1 new)" })
	if tb.tab(0).Item.Text != "client 1" {
		t.Errorf("the selected tab is marked: %q", tb.tab(0).Item.Text)
	}

	test.Tap(tb.wb.tilesBtn)
	tb.settle(30 * time.Millisecond)
	if tb.tab(1).Item.Text != "client 2" {
		t.Errorf("a tile on screen keeps its unread mark: %q", tb.tab(1).Item.Text)
	}
	for i, id := range []string{id0, id1} {
		if err := tb.wb.gw.PostToConnection(id, []byte(fmt.Sprintf("tile news %d", i))); err != nil {
			t.Fatal(err)
		}
	}
	tb.waitRows(tb.tab(0).Log, "client 1's news", func(rows []string) bool { return countContaining(rows, "tile news 0") == 1 })
	tb.waitRows(tb.tab(1).Log, "client 2's news", func(rows []string) bool { return countContaining(rows, "tile news 1") == 1 })

	// Both rows are drawn inside the window, side by side.
	found := map[string]fyne.Position{}
	size := tb.win.Canvas().Size()
	walkRendered(tb.win.Canvas().Content(), func(p placed) {
		if r, ok := p.obj.(*clients.LogRow); ok && strings.HasPrefix(r.Text.Text, "tile news") {
			if p.pos.X >= 0 && p.pos.Y >= 0 && p.pos.X+p.size.Width <= size.Width && p.pos.Y+p.size.Height <= size.Height {
				found[r.Text.Text] = p.pos
			}
		}
	})
	a, okA := found["tile news 0"]
	b, okB := found["tile news 1"]
	if *shots != "" {
		saveShot(t, tb, "ui2-test-tiles")
	}
	if !okA || !okB {
		t.Fatalf("the tiles draw %v; want both clients' new rows", found)
	}
	if b.X <= a.X {
		t.Errorf("client 2's tile is not beside client 1's: %v, %v", a, b)
	}
	// In a 1024-pixel window the tiles take the whole width.
	if w := tb.tab(0).Content.Size().Width; w < 480 {
		t.Errorf("a tile is %.0f px wide in a 1024-pixel window", w)
	}
	// Each tile names its client and shows its connection ID.
	labels := strings.Join(labelsIn(tb.wb.clients.Object()), "\n")
	for _, want := range []string{"client 1", "client 2", id0, id1} {
		if !strings.Contains(labels, want) {
			t.Errorf("the tiles do not show %q", want)
		}
	}
	if bad, _ := clippedControls(tb.win); len(bad) > 0 {
		t.Errorf("in tiles at 1024x768, controls are not reachable:\n%s", strings.Join(bad, "\n"))
	}
	// At 1280x720 the side panels make way as well: the wide arrangement's
	// middle column gave each tile about 270 px.
	tb.win.Resize(fyne.NewSize(1280, 720))
	tb.settle(30 * time.Millisecond)
	for i := range 2 {
		if w := tb.tab(i).Content.Size().Width; w < 600 {
			t.Errorf("tile %d is %.0f px wide in a 1280-pixel window", i, w)
		}
	}
	if bad, _ := clippedControls(tb.win); len(bad) > 0 {
		t.Errorf("in tiles at 1280x720, controls are not reachable:\n%s", strings.Join(bad, "\n"))
	}

	test.Tap(tb.wb.tilesBtn)
	tb.settle(30 * time.Millisecond)
	if tb.wb.clients.Tiles.On() || tb.wb.tilesBtn.Text != "Tiles" {
		t.Fatalf("Tabs did not switch back")
	}
	if rows := renderedRows(tb.tab(0).Log); countContaining(rows, "tile news 0") != 1 {
		t.Errorf("back as tabs, client 1 draws %q", rows)
	}
	// Back as tabs at 1280 px, the editor, clients and inspector are three
	// columns again.
	if tb.wb.panes.body.current != arrangeWide {
		t.Errorf("back as tabs at 1280x720 the arrangement is %d, want the wide one", tb.wb.panes.body.current)
	}
}
