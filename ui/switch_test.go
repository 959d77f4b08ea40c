package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"wsworkbench/ui/clients"
	"wsworkbench/ui/editor"
)

// shownLogRows is how many rows tab i's log list has to show.
func (tb *testBench) shownLogRows(i int) int {
	l := tb.tab(i).Log.List
	return l.Length()
}

// findMenuItem returns the item labelled label under menu (one level of child
// menus searched), or nil.
func findMenuItem(m *fyne.Menu, label string) *fyne.MenuItem {
	for _, it := range m.Items {
		if it.Label == label {
			return it
		}
		if it.ChildMenu != nil {
			if c := findMenuItem(it.ChildMenu, label); c != nil {
				return c
			}
		}
	}
	return nil
}

// TestSwitchWorkspaceClearsLogsAndRefillsComposers: opening the chat sample
// after the unsaved-changes question clears every tab's log and puts a
// message for the chat's route in every composer, so the next Send is
// answered by the chat, not Forbidden; a new tab gets it too; File > Open
// Sample goes back to the MOCK sample, whose own example fills the
// composers again.
func TestSwitchWorkspaceClearsLogsAndRefillsComposers(t *testing.T) {
	tb := newBackendBench(t)
	tb.waitConnected(0)
	tb.waitConnected(1)
	seq := tb.lastSeq(0)
	tb.send(0, `{"action":"message","messageId":1}`)
	tb.waitEntry(0, "the answer", receivedAfter(seq, `{"message": "Hello World"}`))
	if err := tb.wb.editor.Routes.AddRoute("draft"); err != nil { // an unsaved change
		t.Fatal(err)
	}

	file := tb.win.MainMenu().Items[0]
	chat := findMenuItem(file, "Chat (SAM template) with its backend")
	if chat == nil || findMenuItem(file, "MOCK sample (built in, no backend)") == nil {
		t.Fatal("File > Open Sample lacks the MOCK sample or the chat")
	}
	chat.Action()
	test.Tap(findButton(t, tb.topDialog(), "Discard changes"))
	tb.waitFor("the chat to open", func() bool { return tb.wb.ws.API.Route("sendmessage") != nil })

	for i := range tb.wb.clients.List {
		if n := tb.shownLogRows(i); n > 2 { // at most the reconnection's close and open rows
			t.Errorf("tab %d still shows %d rows of the old API", i, n)
		}
		if got := tb.tab(i).Composer.Entry.Text; got != chatMessage {
			t.Errorf("tab %d's composer holds %q", i, got)
		}
	}
	tb.wb.clients.Add(clients.Target{}, false)
	last := len(tb.wb.clients.List) - 1
	if got := tb.tab(last).Composer.Entry.Text; got != chatMessage {
		t.Errorf("a new tab's composer holds %q", got)
	}

	findMenuItem(tb.win.MainMenu().Items[0], "MOCK sample (built in, no backend)").Action()
	tb.answerTopDialog("Discard changes") // the chat's Lambda endpoint is a change
	tb.waitFor("the MOCK sample", func() bool { return tb.wb.ctl.IsSample() })
	tb.waitConnected(0)
	if got := tb.tab(0).Composer.Entry.Text; got != sampleMessage {
		t.Errorf("after the MOCK sample the composer holds %q", got)
	}
	seq = tb.lastSeq(0)
	test.Tap(tb.tab(0).Composer.SendBtn)
	tb.waitEntry(0, "the sample's answer", receivedAfter(seq, `{"message": "Hello World"}`))
}

// TestNewRouteIsOfferedToTheComposer: adding a route puts a message for it
// in composers that hold the message offered before, never over text a
// person typed.
func TestNewRouteIsOfferedToTheComposer(t *testing.T) {
	tb := newTestBench(t)
	tb.waitConnected(0)
	tb.tab(1).Composer.Entry.SetText(`{"mine": true}`)
	if err := tb.wb.editor.Routes.AddRoute("sendmessage"); err != nil {
		t.Fatal(err)
	}
	if got := tb.tab(0).Composer.Entry.Text; got != `{"action": "sendmessage"}` {
		t.Errorf("tab 0's composer holds %q", got)
	}
	if got := tb.tab(1).Composer.Entry.Text; got != `{"mine": true}` {
		t.Errorf("typed text was replaced by %q", got)
	}
}

// TestRouteMessage: the message a route selection expression sends to a
// route.
func TestRouteMessage(t *testing.T) {
	tests := []struct{ rse, route, want string }{
		{"$request.body.action", "sendmessage", `{"action": "sendmessage"}`},
		{"${request.body.action}", "join", `{"action": "join"}`},
		{"$request.body.msg.type", "ping", `{"msg": {"type": "ping"}}`},
		{"$request.body.action", `say "hi"`, `{"action": "say \"hi\""}`},
		{"$context.routeKey", "x", `{"action": "x"}`},
		{"", "x", `{"action": "x"}`},
	}
	for _, tc := range tests {
		if got := routeMessage(tc.rse, tc.route); got != tc.want {
			t.Errorf("routeMessage(%q, %q) = %s, want %s", tc.rse, tc.route, got, tc.want)
		}
	}
	if got := starterMessage(editor.NewAPI(), false); !strings.Contains(got, `"action"`) {
		t.Errorf("a new API's starter %s", got)
	}
}
