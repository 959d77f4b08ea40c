package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/client"
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
	v := tb.tab(0).log

	tb.wb.onClearLog()
	tb.settle(50 * time.Millisecond)
	if rows := renderedRows(v); len(rows) != 0 {
		t.Fatalf("after Clear the list draws %q", rows)
	}
	tb.wb.onReconnect()
	tb.waitFor("a new connection", func() bool {
		c := tb.tab(0).model.Client()
		return c.State().Phase == client.Open && c.ConnectionID() != "" && c.ConnectionID() != id
	})
	tb.settle(50 * time.Millisecond)
	seq := tb.lastSeq(0)
	tb.wb.onSend()
	tb.waitEntry(0, "the answer after the reconnect", receivedAfter(seq, `{"message": "Hello World"}`))
	tb.waitFor("the footer to count 4 messages", func() bool { return v.countLabel.Text == "4 messages" })
	tb.settle(50 * time.Millisecond)
	rows := renderedRows(v)
	if len(rows) != 4 || !strings.Contains(rows[3], `{"message": "Hello World"}`) || !strings.Contains(rows[2], `"messageId":1`) {
		t.Fatalf("the list draws %d rows %q; want closed, connected, the sent message and the answer", len(rows), rows)
	}
	// The newest button keeps them.
	v.onFollow()
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
	v := tb.tab(0).log
	tb.waitFor("9 messages", func() bool { return v.countLabel.Text == "9 messages" })
	tb.settle(50 * time.Millisecond)

	test.Type(v.search, "Hi")
	tb.settle(30 * time.Millisecond)
	if v.countLabel.Text != "2 of 9 messages match" {
		t.Fatalf("count %q", v.countLabel.Text)
	}
	seqs := renderedSeqs(v)
	if len(seqs) != 2 || seqs[0] != v.view[0] || seqs[1] != v.view[1] {
		t.Fatalf("searching Hi draws entries %v (%q), want %v", seqs, renderedRows(v), v.view)
	}
	for _, r := range renderedRows(v) {
		if !strings.Contains(r, "Hi!") {
			t.Errorf("a row that does not match: %q", r)
		}
	}

	v.search.SetText("")
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
	push := func(text string) {
		t.Helper()
		if err := tb.wb.gw.PostToConnection(id, []byte(text)); err != nil {
			t.Fatal(err)
		}
		tb.waitEntry(0, text, received(text))
		tb.settle(30 * time.Millisecond)
	}
	for i := range 30 {
		push(fmt.Sprintf("msg-%d", i))
	}
	v := tb.tab(0).log
	newest := func() bool {
		s := renderedRows(v)
		return len(s) > 0 && strings.HasSuffix(s[len(s)-1], tb.tab(0).model.Client().Log().At(v.length()-1).Text)
	}
	if !newest() {
		t.Fatalf("the log does not show the newest row: %q", renderedRows(v))
	}
	v.list.Select(v.length() - 2)
	push("after-select")
	if !newest() || v.selected == 0 {
		t.Fatalf("after a selection the log stopped following: %q (selected %d)", renderedRows(v), v.selected)
	}
	v.list.ScrollToTop()
	push("after-scroll-up")
	if rows := renderedRows(v); countContaining(rows, "after-scroll-up") != 0 || countContaining(rows, "msg-0") == 0 {
		t.Fatalf("scrolled up, the log jumped to the newest row anyway: %q", rows)
	}
	if v.followBtn.Importance != widget.HighImportance {
		t.Errorf("the Newest button does not stand out while new rows are below")
	}
	test.Tap(v.followBtn)
	if !newest() {
		t.Fatalf("Newest does not show the newest row: %q", renderedRows(v))
	}
	push("after-newest")
	if !newest() {
		t.Fatalf("after Newest the log does not follow: %q", renderedRows(v))
	}
}
