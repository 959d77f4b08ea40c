package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/client"
)

// TestSendOnClosedTabSaysSo: Send on a closed tab says it sent nothing and
// how to go on, instead of doing nothing.
func TestSendOnClosedTabSaysSo(t *testing.T) {
	tb := newTestBench(t)
	tb.waitConnected(0)
	tab := tb.tab(0)
	test.Tap(tab.closeBtn)
	tb.waitFor("the close", func() bool { return tab.model.Client().State().Phase == client.Closed })
	n := tab.model.Client().Log().Len()
	test.Tap(tab.composer.sendBtn)
	if s := tab.composer.status.Text; !strings.Contains(s, "Not sent") || !strings.Contains(s, "Reconnect") {
		t.Errorf("after Send on a closed tab the composer says %q", s)
	}
	if tab.composer.status.Importance != widget.DangerImportance {
		t.Errorf("the refusal does not stand out")
	}
	tb.settle(30 * time.Millisecond)
	if got := tab.model.Client().Log().Len(); got != n {
		t.Errorf("the log grew from %d to %d entries", n, got)
	}
}

// TestIdleCloseShowsReason: the idle timeout's close frame says only "1001
// Going away"; the tab's state and log say it was the idle timeout.
func TestIdleCloseShowsReason(t *testing.T) {
	tb := newTestBench(t)
	tb.waitConnected(0)
	tb.waitConnected(1)
	api := tb.wb.ws.API
	api.Settings.TimeScale = 6000 // 10 minutes → 100 ms
	if err := tb.wb.gw.Update(api); err != nil {
		t.Fatal(err)
	}
	tab := tb.tab(0)
	tb.waitFor("the idle close", func() bool { return tab.model.Client().State().Phase == client.Closed })
	tb.waitFor("the reason in the state", func() bool {
		return strings.Contains(tab.stateLabel.Text, "closed 1001 Going away: the connection was idle for 10m0s")
	})
	tb.settle(30 * time.Millisecond)
	if rows := renderedRows(tab.log); countContaining(rows, "idle for 10m0s") != 1 {
		t.Errorf("the log does not say why: %q", rows)
	}
}

// TestTraceStartsAtTopAndSaysConnectionGone: a newly selected trace shows
// from its top, whatever the last one was scrolled to; the $connect trace
// of a connection that has gone says so.
func TestTraceStartsAtTopAndSaysConnectionGone(t *testing.T) {
	tb := newTestBench(t)
	tb.waitConnected(0)
	id1 := tb.waitConnected(1)
	tb.send(0, `{"action":"message","messageId":2}`)
	e := tb.waitEntry(0, "the answer", received(`{"message": "Hi!"}`))
	tb.waitFor("the answer's trace", func() bool { _, ok := tb.tab(0).model.request(e.Seq); return ok })
	tb.selectEntry(0, e.Seq)
	p := tb.wb.tracer
	tb.settle(30 * time.Millisecond)
	p.body.Refresh() // lays the steps out at their height
	p.body.ScrollToOffset(fyne.NewPos(0, 200))
	if p.body.Offset.Y <= 0 {
		t.Fatalf("the trace does not scroll: it cannot test the reset (content %v, view %v)", p.steps.MinSize(), p.body.Size())
	}
	tb.waitFor("the panel to list client 2", func() bool { return tb.wb.conns.selectID(id1) })
	if p.body.Offset.Y != 0 {
		t.Errorf("the new trace is shown from %v, not its top", p.body.Offset.Y)
	}

	test.Tap(tb.tab(1).closeBtn)
	tb.waitFor("the trace to say the connection is gone", func() bool {
		return strings.HasSuffix(p.title.Text, "(gone)") && strings.Contains(strings.Join(labelsIn(p.steps), "\n"), "This connection is gone")
	})
}
