package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/client"
	"wsworkbench/ui/clients"
)

// TestSendOnClosedTabSaysSo: Send on a closed tab says it sent nothing and
// how to go on, instead of doing nothing.
func TestSendOnClosedTabSaysSo(t *testing.T) {
	tb := newTestBench(t)
	tb.waitConnected(0)
	tab := tb.tab(0)
	test.Tap(tab.CloseBtn)
	tb.waitFor("the close", func() bool { return tab.Model.Client().State().Phase == client.Closed })
	n := tab.Model.Client().Log().Len()
	test.Tap(tab.Composer.SendBtn)
	if s := tab.Composer.Status.Text; !strings.Contains(s, "Not sent") || !strings.Contains(s, "Reconnect") {
		t.Errorf("after Send on a closed tab the composer says %q", s)
	}
	if tab.Composer.Status.Importance != widget.DangerImportance {
		t.Errorf("the refusal does not stand out")
	}
	tb.settle(30 * time.Millisecond)
	if got := tab.Model.Client().Log().Len(); got != n {
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
	// 10 minutes → 1 s; the maximum duration, 2 hours → 12 s, stays far
	// off however slowly the test started.
	api.Settings.TimeScale = 600
	if err := tb.wb.gw.Update(api); err != nil {
		t.Fatal(err)
	}
	tab := tb.tab(0)
	tb.waitFor("the idle close", func() bool { return tab.Model.Client().State().Phase == client.Closed })
	tb.waitFor("the reason in the state", func() bool {
		return strings.Contains(tab.StateLabel.Text, "closed 1001 Going away: the connection was idle for 10m0s")
	})
	tb.waitRows(tab.Log, "the reason in the log", func(rows []string) bool { return countContaining(rows, "idle for 10m0s") == 1 })
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
	tb.waitFor("the answer's trace", func() bool { _, ok := tb.tab(0).Model.Request(e.Seq); return ok })
	tb.selectEntry(0, e.Seq)
	p := tb.wb.tracer
	tb.settle(30 * time.Millisecond)
	p.Body().Refresh() // lays the steps out at their height
	p.Body().ScrollToOffset(fyne.NewPos(0, 200))
	if p.Body().Offset.Y <= 0 {
		t.Fatalf("the trace does not scroll: it cannot test the reset (content %v, view %v)", p.StepsBox().MinSize(), p.Body().Size())
	}
	tb.waitFor("the panel to list client 2", func() bool { return tb.wb.conns.SelectID(id1) })
	if p.Body().Offset.Y != 0 {
		t.Errorf("the new trace is shown from %v, not its top", p.Body().Offset.Y)
	}

	test.Tap(tb.tab(1).CloseBtn)
	tb.waitFor("the trace to say the connection is gone", func() bool {
		return strings.HasSuffix(p.Title(), "(gone)") && strings.Contains(strings.Join(labelsIn(p.StepsBox()), "\n"), "This connection is gone")
	})
}

// TestRouteInLogOpensEditor: a route name in a log row is a link: tapping it
// selects the route in the API editor (bringing the editor's tab forward in
// a narrow window); "@connections" is not a route and does not look like a
// link.
func TestRouteInLogOpensEditor(t *testing.T) {
	tb := newTestBench(t)
	id := tb.waitConnected(0)
	tb.win.Resize(fyne.NewSize(1024, 768))
	tb.send(0, `{"action":"whoami"}`)
	e := tb.waitEntry(0, "the whoami answer", func(e client.Entry) bool { return e.Dir == client.Received })
	tb.waitFor("its route", func() bool { got, _ := tb.tab(0).Model.Client().Log().BySeq(e.Seq); return got.Route == "whoami" })
	if err := tb.wb.gw.PostToConnection(id, []byte("pushed")); err != nil {
		t.Fatal(err)
	}
	tb.waitRows(tb.tab(0).Log, "the push", func(rows []string) bool { return countContaining(rows, "pushed") == 1 })
	tb.wb.panes.body.showSide(sideTrace)

	var link, pushed *clients.RouteLink
	walkRendered(tb.tab(0).Log.List, func(p placed) {
		if r, ok := p.obj.(*clients.LogRow); ok {
			switch {
			case r.Seq == e.Seq:
				link = r.Route
			case r.Text.Text == "pushed":
				pushed = r.Route
			}
		}
	})
	if link == nil || pushed == nil {
		t.Fatalf("rows not drawn: %q (%s, list %v)", renderedRows(tb.tab(0).Log), tb.tab(0).Log.CountLabel.Text, tb.tab(0).Log.List.Size())
	}
	if link.Importance != widget.HighImportance || pushed.Importance == widget.HighImportance {
		t.Errorf("link styles: whoami %v, @connections %v", link.Importance, pushed.Importance)
	}
	test.Tap(link)
	if r := tb.wb.editor.Routes.SelectedRoute(); r == nil || r.Key != "whoami" {
		t.Errorf("the editor shows route %v after tapping whoami", r)
	}
	if sel := tb.wb.panes.body.side.Selected(); sel == nil || sel.Text != sideAPI {
		t.Errorf("the side column shows %v, not the API", sel)
	}
}

// TestSingleColumnStartsOnClients: a window that narrows (a zoom on a small
// screen) into the single column shows the clients, not the side tab that
// was chosen beside them; a tab chosen within the single column stays when
// the column is rebuilt.
func TestSingleColumnStartsOnClients(t *testing.T) {
	tb := newTestBench(t)
	tb.win.Resize(fyne.NewSize(1024, 768))
	body := tb.wb.panes.body
	if body.current != arrangeNarrow || !body.showSide(sideAPI) {
		t.Fatalf("at 1024x768: arrangement %v, API tab shown %v", body.current, body.side != nil)
	}
	tb.win.Resize(fyne.NewSize(800, 600))
	if body.current != arrangeSingle {
		t.Fatalf("at 800x600: arrangement %v, want the single column", body.current)
	}
	if sel := body.side.Selected(); sel == nil || sel.Text != sideClients {
		t.Errorf("the single column shows %v, want the clients", sel)
	}
	body.showSide(sideAPI)
	body.relayout()
	if sel := body.side.Selected(); sel == nil || sel.Text != sideAPI {
		t.Errorf("after a rebuild the single column shows %v, want the API the person chose", sel)
	}
}
