package ui

import (
	"errors"
	"net"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// closeDialogs hides every dialog left open.
func (tb *testBench) closeDialogs() {
	for tb.win.Canvas().Overlays().Top() != nil {
		tb.win.Canvas().Overlays().Remove(tb.win.Canvas().Overlays().Top())
	}
}

// TestNewClientForURLDialog: a tab for any URL, with a query string, from
// the dialog.
func TestNewClientForURLDialog(t *testing.T) {
	tb := newTestBench(t)
	tb.waitConnected(0)
	tb.wb.clientMenu.OnNewClientURL()
	d := tb.topDialog()
	entries := entriesUnder(d)
	if len(entries) < 4 || entries[0].Text != tb.wb.gw.URL() {
		t.Fatalf("the dialog's first entry holds %q, want the gateway's URL", entries[0].Text)
	}
	entries[2].SetText("room=7") // query string
	test.Tap(findButton(t, d, "Connect"))
	tab := tb.wb.clients.List[len(tb.wb.clients.List)-1]
	tb.waitFor("the new tab's connection", func() bool { return tab.Model.Client().ConnectionID() != "" })
	if !strings.Contains(tab.Model.Client().URL(), "room=7") {
		t.Errorf("the tab dialled %q", tab.Model.Client().URL())
	}
	if tab.Target.URL != "" {
		t.Errorf("a tab on the gateway's URL should follow the gateway, got target %q", tab.Target.URL)
	}
}

// TestTabSettingsDialogReconnects: the gear button changes a tab's
// connection and reconnects, keeping its log.
func TestTabSettingsDialogReconnects(t *testing.T) {
	tb := newTestBench(t)
	id := tb.waitConnected(0)
	tab := tb.tab(0)
	before := tab.Model.Client().Log().Len()
	tab.OnSettings()
	d := tb.topDialog()
	entriesUnder(d)[1].SetText("x-demo: yes") // headers
	test.Tap(findButton(t, d, "Connect"))
	tb.waitFor("the reconnection", func() bool {
		c := tab.Model.Client()
		return c.ConnectionID() != "" && c.ConnectionID() != id
	})
	if got := tab.Target.Header.Get("x-demo"); got != "yes" {
		t.Errorf("header %q", got)
	}
	if tab.Model.Client().Log().Len() <= before {
		t.Error("the log was not carried over to the new connection")
	}
}

// TestUnsavedChangesDialog: leaving a workspace with unsaved changes asks
// first; Discard goes on.
func TestUnsavedChangesDialog(t *testing.T) {
	tb := newTestBench(t)
	if err := tb.wb.editor.Routes.AddRoute("draft"); err != nil {
		t.Fatal(err)
	}
	tb.wb.files.onNew()
	d := tb.topDialog()
	if tb.wb.ws.API.Route("draft") == nil {
		t.Fatal("New went on without asking")
	}
	test.Tap(findButton(t, d, "Discard changes"))
	if tb.wb.ws.API.Route("draft") != nil || tb.wb.ctl.Unsaved() {
		t.Error("Discard did not start a new workspace")
	}
}

// TestRouteDialogs: rename, duplicate and delete through their dialogs.
func TestRouteDialogs(t *testing.T) {
	tb := newTestBench(t)
	ed := tb.wb.editor
	ed.Routes.SelectRoute("whoami")
	ed.Routes.OnRenameRoute()
	d := tb.topDialog()
	e := findEntry(t, d)
	e.SetText("$bad")
	test.Tap(findButton(t, d, "OK"))
	if !dialogShows(d, "must not start with $") {
		t.Error("a bad key does not show its error in the dialog")
	}
	e.SetText("me")
	test.Tap(findButton(t, d, "OK"))
	if tb.wb.ws.API.Route("me") == nil {
		t.Fatal("rename failed")
	}
	tb.closeDialogs()
	ed.Routes.OnDuplicateRoute()
	d = tb.topDialog()
	test.Tap(findButton(t, d, "OK")) // the suggested key, me-copy
	if tb.wb.ws.API.Route("me-copy") == nil {
		t.Fatal("duplicate failed")
	}
	tb.closeDialogs()
	ed.Routes.OnDeleteRoute()
	d = tb.topDialog()
	test.Tap(findButton(t, d, "Yes"))
	if tb.wb.ws.API.Route("me-copy") != nil {
		t.Error("delete failed")
	}
	tb.waitFor("the edits to go live", func() bool { return tb.wb.ctl.Live() })
}

// TestTemplateAndResponseKeyDialogs: a request template key and an
// integration response added through their dialogs.
func TestTemplateAndResponseKeyDialogs(t *testing.T) {
	tb := newTestBench(t)
	ed := tb.wb.editor
	ed.Routes.SelectRoute("message")
	in := tb.wb.ws.API.Integration(ed.Routes.SelectedRoute().IntegrationID)
	if err := ed.AddResponse(in.ID, "/4\\d\\d/"); err != nil {
		t.Fatal(err)
	}
	if err := ed.AddResponse(in.ID, "/4\\d\\d/"); err == nil {
		t.Error("a duplicate response key was accepted")
	}
	in = tb.wb.ws.API.Integration(in.ID)
	if len(in.Responses) != 2 || ed.Tab() != 1 {
		t.Fatalf("responses %d, tab %d", len(in.Responses), ed.Tab())
	}
	f := ed.Field("response.template")
	if f != nil {
		t.Errorf("a new response has no templates, yet the editor shows one: %q", f.Entry().Text)
	}
	tb.waitFor("the new response to go live", func() bool { return tb.wb.ctl.Live() })
}

// TestSavedMessages: a composer message saved under a name is in the
// workspace and its menu.
func TestSavedMessages(t *testing.T) {
	tb := newTestBench(t)
	c := tb.tab(0).Composer
	c.Entry.SetText(`{"action":"whoami"}`)
	c.OnSaveMessage()
	d := tb.topDialog()
	// The name field has the focus: typing goes there, and Enter saves.
	focused, ok := tb.win.Canvas().Focused().(*widget.Entry)
	if !ok || focused != findEntry(t, d) {
		t.Fatalf("the save-message dialog's field does not have the focus (%T)", tb.win.Canvas().Focused())
	}
	test.Type(focused, "who")
	focused.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if tb.win.Canvas().Overlays().Top() != nil {
		t.Error("Enter did not close the save-message dialog")
	}
	got := tb.wb.ws.API.SavedMessages
	if len(got) != 1 || got[0].Name != "who" || got[0].Body != `{"action":"whoami"}` {
		t.Fatalf("saved messages %+v", got)
	}
	if !tb.wb.ctl.Unsaved() {
		t.Error("saving a message does not mark the workspace unsaved")
	}
	c.OnSavedMenu()
	tb.closeDialogs()
	c.Entry.SetText("")
	c.DeleteSaved("who")
	if len(tb.wb.ws.API.SavedMessages) != 0 {
		t.Error("delete failed")
	}
}

// TestOtherDialogsOpen: the dialogs without their own test open without
// failing.
func TestOtherDialogsOpen(t *testing.T) {
	tb := newTestBench(t)
	tb.wb.showError(errors.New("something went wrong"))
	tb.closeDialogs()
	showShortcuts(tb.wb.win)
	tb.closeDialogs()
	showAbout(tb.wb.win, tb.wb.app.Metadata().Version, tb.wb.gw)
	if !dialogShows(tb.topDialog(), tb.wb.gw.URL()) {
		t.Error("About does not show the gateway's URL")
	}
	tb.closeDialogs()
	askLogCapacity(tb.wb.win, tb.wb.opts.logCapacity, tb.wb.setLogCapacity)
	d := tb.topDialog()
	findEntry(t, d).SetText("2000")
	test.Tap(findButton(t, d, "Set"))
	if tb.wb.opts.logCapacity != 2000 {
		t.Errorf("capacity %d", tb.wb.opts.logCapacity)
	}
}

func entriesUnder(o fyne.CanvasObject) []*widget.Entry {
	var out []*widget.Entry
	for _, obj := range objects(o) {
		if e, ok := obj.(*widget.Entry); ok {
			out = append(out, e)
		}
	}
	return out
}

// dialogShows reports whether a label under o contains s.
func dialogShows(o fyne.CanvasObject, s string) bool {
	for _, obj := range objects(o) {
		if l, ok := obj.(*widget.Label); ok && strings.Contains(l.Text, s) {
			return true
		}
	}
	return false
}

// TestPortInUse: when the gateway's address is taken, the gateway takes a
// free port and the window says so.
func TestPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	tb := newTestBench(t, func(o *options) { o.addr = ln.Addr().String() })
	if tb.wb.gw.Addr() == ln.Addr().String() {
		t.Fatal("the gateway shares the taken address")
	}
	if !strings.Contains(tb.wb.bar.noticeLabel.Text, "is in use") || !strings.Contains(tb.wb.bar.urlLabel.Text, tb.wb.gw.Addr()) {
		t.Errorf("notice %q, URL %q", tb.wb.bar.noticeLabel.Text, tb.wb.bar.urlLabel.Text)
	}
	tb.waitConnected(0)
}
