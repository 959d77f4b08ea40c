package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"wsworkbench/client"
	"wsworkbench/ui/editor"
)

// The tests in this file are the "Done when" list, each end to end:
// the gateway runs in-process on 127.0.0.1, the tabs are real clients, and
// the test works the window through its widgets.

// TestFirstStartSampleAnswersInTwoTabs: a fresh start opens the sample API
// with two connected tabs, each showing the connection ID the gateway gave
// it; sending the composer's prefilled message answers in each.
func TestFirstStartSampleAnswersInTwoTabs(t *testing.T) {
	tb := newTestBench(t)
	if got := len(tb.wb.clients.List); got != 2 {
		t.Fatalf("a first start opens %d tabs, want 2", got)
	}
	if !strings.Contains(tb.win.Title(), "sample") {
		t.Errorf("window title %q does not name the sample", tb.win.Title())
	}
	id1 := tb.waitConnected(0)
	id2 := tb.waitConnected(1)
	if id1 == id2 {
		t.Fatalf("both tabs show connection ID %s", id1)
	}
	for i := range 2 {
		test.Tap(tb.tab(i).Composer.SendBtn) // the prefilled {"action": "message", "messageId": 1}
		e := tb.waitEntry(i, "the sample's answer", received(`{"message": "Hello World"}`))
		tb.waitFor("the answer's route", func() bool {
			got, _ := tb.tab(i).Model.Client().Log().BySeq(e.Seq)
			return got.Route == "message"
		})
	}
	if !strings.Contains(tb.wb.bar.liveLabel.Text, "live") {
		t.Errorf("status %q does not say the gateway is live", tb.wb.bar.liveLabel.Text)
	}
}

// TestTwoTabsIDsMatchConnectionsPanel: the connections panel lists the two
// tabs' connections under the IDs the tabs show, named after the tabs.
func TestTwoTabsIDsMatchConnectionsPanel(t *testing.T) {
	tb := newTestBench(t)
	ids := []string{tb.waitConnected(0), tb.waitConnected(1)}
	p := tb.wb.conns
	tb.waitFor("two connections in the panel", func() bool { return len(p.Infos()) == 2 })
	for i, id := range ids {
		found := false
		for _, ci := range p.Infos() {
			if ci.ID == id {
				found = true
				if got := p.Owner(ci); got != tb.tab(i).Name {
					t.Errorf("connection %s is listed as %q, want %q", id, got, tb.tab(i).Name)
				}
			}
		}
		if !found {
			t.Errorf("tab %d's connection %s is not in the panel", i, id)
		}
	}
	if !strings.Contains(p.Controls().Title.Text, "(2)") {
		t.Errorf("panel title %q", p.Controls().Title.Text)
	}
}

// TestEditResponseTemplateChangesNextAnswer: typing a new response template
// makes an already-connected tab get the new answer, on the same connection.
func TestEditResponseTemplateChangesNextAnswer(t *testing.T) {
	tb := newTestBench(t)
	id := tb.waitConnected(0)
	tb.send(0, `{"action":"message","messageId":1}`)
	tb.waitEntry(0, "the old answer", received(`{"message": "Hello World"}`))

	ed := tb.wb.editor
	if !ed.Routes.SelectRoute("message") {
		t.Fatal("the sample has no message route")
	}
	selectDetailTab(t, ed, "Responses")
	f := ed.Field("response.template")
	if f == nil {
		t.Fatal("no response template editor")
	}
	if f.Entry().Text != `{"message": "Hello World"}` {
		t.Fatalf("the response template editor shows %q", f.Entry().Text)
	}
	f.Entry().SetText("")
	test.Type(f.Entry(), `{"message": "Hello, projector"}`)
	tb.waitFor("the edit to go live", func() bool { return tb.wb.ctl.Live() && len(tb.wb.ctl.Errors()) == 0 })

	seq := tb.lastSeq(0)
	tb.send(0, `{"action":"message","messageId":1}`)
	tb.waitEntry(0, "the new answer", receivedAfter(seq, `{"message": "Hello, projector"}`))
	if got := tb.tab(0).Model.Client().ConnectionID(); got != id {
		t.Errorf("the tab reconnected: ID %s, was %s", got, id)
	}
	for _, e := range tb.tab(0).Model.Client().Log().Entries() {
		if e.Dir == client.Event && strings.HasPrefix(e.Note, "closed") {
			t.Errorf("the connection closed: %q", e.Note)
		}
	}
	if !strings.Contains(tb.win.Title(), "●") {
		t.Errorf("title %q does not mark the unsaved change", tb.win.Title())
	}
}

// TestInvalidTemplateShowsErrorAndOldOneAnswers: an invalid template shows
// its error with line:col under the editor, and the gateway keeps answering
// with the last valid one.
func TestInvalidTemplateShowsErrorAndOldOneAnswers(t *testing.T) {
	tb := newTestBench(t)
	tb.waitConnected(0)
	ed := tb.wb.editor
	ed.Routes.SelectRoute("message")
	selectDetailTab(t, ed, "Responses")
	f := ed.Field("response.template")
	f.Entry().SetText("")
	test.Type(f.Entry(), "{\"message\": \"x\"}\n#if($foo")
	tb.waitFor("the template's error", func() bool { return f.ErrorText() != "" })
	if !strings.HasPrefix(f.ErrorText(), "2:") {
		t.Errorf("error %q has no line:col on line 2", f.ErrorText())
	}
	if tb.wb.ctl.Live() || !strings.Contains(tb.wb.bar.liveLabel.Text, "last valid") {
		t.Errorf("status %q (live %v) does not say the old version runs", tb.wb.bar.liveLabel.Text, tb.wb.ctl.Live())
	}
	if len(ed.Problems().Objects) == 0 {
		t.Error("the problems list under the editor is empty")
	}
	tb.send(0, `{"action":"message","messageId":1}`)
	tb.waitEntry(0, "the old answer", received(`{"message": "Hello World"}`))
}

// TestAddRouteAnswers: adding a route through the Add route dialog makes
// the gateway route messages to it at once.
func TestAddRouteAnswers(t *testing.T) {
	tb := newTestBench(t)
	tb.waitConnected(0)
	ed := tb.wb.editor
	ed.Routes.OnAddRoute()
	d := tb.topDialog()
	entry := findEntry(t, d)
	test.Type(entry, "echo")
	test.Tap(findButton(t, d, "OK"))
	if r := ed.Routes.SelectedRoute(); r == nil || r.Key != "echo" {
		t.Fatalf("the new route is not selected: %+v", r)
	}
	tb.waitFor("the new route to go live", func() bool { return tb.wb.ctl.Live() })
	tb.send(0, `{"action":"echo"}`)
	e := tb.waitEntry(0, "the new route's answer", receivedContaining(0, `"route": "echo"`))
	tb.waitFor("the route of the answer", func() bool {
		got, _ := tb.tab(0).Model.Client().Log().BySeq(e.Seq)
		return got.Route == "echo"
	})
}

// TestSendToConnectionArrivesInRightTab: the connections panel's "send to
// this connection" reaches the tab that holds the connection, and only it.
func TestSendToConnectionArrivesInRightTab(t *testing.T) {
	tb := newTestBench(t)
	tb.waitConnected(0)
	id2 := tb.waitConnected(1)
	p := tb.wb.conns
	tb.waitFor("the panel to list tab 2", func() bool { return p.SelectID(id2) })
	if tb.wb.clients.Current() != tb.tab(1) {
		t.Error("selecting a connection does not select its tab")
	}
	p.Controls().Message.SetText("")
	test.Type(p.Controls().Message, `{"push":"only for client 2"}`)
	test.Tap(p.Controls().Send)
	e := tb.waitEntry(1, "the pushed frame", received(`{"push":"only for client 2"}`))
	tb.waitFor("its route", func() bool {
		got, _ := tb.tab(1).Model.Client().Log().BySeq(e.Seq)
		return got.Route == "@connections"
	})
	tb.settle(50 * 1e6)
	for _, e := range tb.tab(0).Model.Client().Log().Entries() {
		if e.Dir == client.Received {
			t.Errorf("tab 1 received %q", e.Text)
		}
	}
	if !strings.HasPrefix(p.Controls().Result.Text, "Sent") {
		t.Errorf("result %q", p.Controls().Result.Text)
	}
}

// selectDetailTab selects a tab (Request, Responses) of the route editor.
func selectDetailTab(t *testing.T, ed *editor.Editor, prefix string) {
	t.Helper()
	for _, o := range objects(ed.Detail()) {
		if tabs, ok := o.(*container.AppTabs); ok {
			for i, it := range tabs.Items {
				if strings.HasPrefix(it.Text, prefix) {
					tabs.SelectIndex(i)
					return
				}
			}
		}
	}
	t.Fatalf("the route editor has no %s tab", prefix)
}
