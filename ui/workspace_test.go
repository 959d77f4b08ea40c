package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/ui/clients"
	"wsworkbench/ui/controller"
	"wsworkbench/ui/editor"
)

// TestSaveWorkspaceAndReopen: a workspace saved to a file is what the next
// start opens, with the route added before the save, and the gateway answers
// on it.
func TestSaveWorkspaceAndReopen(t *testing.T) {
	a := test.NewTempApp(t)
	state := t.TempDir()
	tb := newTestBenchOn(t, a, withStateDir(state))
	tb.waitConnected(0)
	if err := tb.wb.editor.Routes.AddRoute("chat"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "chat.yaml")
	if err := tb.wb.ctl.Files.SaveTo(path); err != nil {
		t.Fatal(err)
	}
	if tb.wb.ctl.Unsaved() || strings.Contains(tb.win.Title(), "●") {
		t.Errorf("still marked unsaved after the save: %q", tb.win.Title())
	}
	if !strings.Contains(tb.win.Title(), "chat.yaml") {
		t.Errorf("title %q does not name the file", tb.win.Title())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"RouteKey: chat", "AWS::ApiGatewayV2::Api", "# The sample API wsworkbench opens"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the saved file lacks %q", want)
		}
	}
	tb.close()

	tb2 := newTestBenchOn(t, a, withStateDir(state))
	if tb2.wb.ws.Path != path {
		t.Fatalf("the next start opened %q, want %q", tb2.wb.ws.Path, path)
	}
	if tb2.wb.ctl.Unsaved() {
		t.Error("the reopened workspace is marked unsaved")
	}
	if tb2.wb.ws.API.Route("chat") == nil {
		t.Fatal("the reopened workspace has no chat route")
	}
	tb2.waitConnected(0)
	tb2.send(0, `{"action":"chat"}`)
	tb2.waitEntry(0, "the chat route's answer", receivedContaining(0, `"route": "chat"`))
	if got := tb2.wb.prefs.StringList(controller.PrefRecent); len(got) == 0 || got[0] != path {
		t.Errorf("recent files %q", got)
	}
}

// copySample copies the built-in sample to api.yaml in a temporary
// directory and returns its path.
func copySample(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("../assets/sample.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "api.yaml")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestOpenFileAndSaveInPlace: a workspace named on the command line opens;
// Save writes it back in place, keeping its comments.
func TestOpenFileAndSaveInPlace(t *testing.T) {
	path := copySample(t)
	tb := newTestBench(t, withFile(path))
	if tb.wb.ws.Path != path || tb.wb.ctl.IsSample() {
		t.Fatalf("opened %q (sample %v)", tb.wb.ws.Path, tb.wb.ctl.IsSample())
	}
	ed := tb.wb.editor
	ed.Routes.SelectRow(0)
	name := findEntryWithText(t, ed.Detail(), "api-gateway-websocket-with-mock-integration")
	name.SetText("renamed-api")
	tb.wb.files.onSave()
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), "Name: renamed-api") || !strings.Contains(string(data), "# The sample API") {
		t.Errorf("saved file:\n%s", data)
	}
}

// TestAutosaveRestoresUnsavedEdits: an edit that was never saved is back,
// marked unsaved, after the window closes and opens again.
func TestAutosaveRestoresUnsavedEdits(t *testing.T) {
	a := test.NewTempApp(t)
	state := t.TempDir()
	tb := newTestBenchOn(t, a, withStateDir(state))
	if err := tb.wb.editor.Routes.AddRoute("draft"); err != nil {
		t.Fatal(err)
	}
	file := tb.wb.ctl.Autosave.File("")
	tb.waitFor("the autosave", func() bool {
		data, err := os.ReadFile(file)
		return err == nil && strings.Contains(string(data), `"Key": "draft"`)
	})
	tb.close()

	tb2 := newTestBenchOn(t, a, withStateDir(state))
	if tb2.wb.ws.API.Route("draft") == nil {
		t.Fatal("the unsaved route is lost")
	}
	if !tb2.wb.ctl.Unsaved() || !strings.Contains(tb2.win.Title(), "●") {
		t.Errorf("the restored edit is not marked unsaved: %q", tb2.win.Title())
	}
	if !tb2.wb.ctl.IsSample() {
		t.Error("the restored workspace forgot it is the sample")
	}
	if !strings.Contains(tb2.wb.bar.noticeLabel.Text, "Restored unsaved changes") {
		t.Errorf("notice %q", tb2.wb.bar.noticeLabel.Text)
	}
	// Saving removes the autosave.
	path := filepath.Join(t.TempDir(), "saved.yaml")
	if err := tb2.wb.ctl.Files.SaveTo(path); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("the autosave is still there after a save: %v", err)
	}
}

// TestNewWorkspace: File > New starts an untitled workspace whose $default
// route answers.
func TestNewWorkspace(t *testing.T) {
	tb := newTestBench(t)
	tb.waitConnected(0)
	tb.wb.files.onNew()
	if tb.wb.ws.Path != "" || tb.wb.ctl.IsSample() || !strings.Contains(tb.win.Title(), "untitled") {
		t.Fatalf("title %q path %q", tb.win.Title(), tb.wb.ws.Path)
	}
	tb.waitFor("the new API to go live", func() bool { return tb.wb.ctl.Live() })
	tb.send(0, `{"action":"anything"}`)
	tb.waitEntry(0, "the new API's answer", receivedContaining(0, "The $default route answered."))
}

// TestLayoutRemembered: the tabs, the panels shown and the zoom come back at
// the next start.
func TestLayoutRemembered(t *testing.T) {
	a := test.NewTempApp(t)
	tb := newTestBenchOn(t, a)
	tb.wb.clientMenu.OnNewClient()
	tb.wb.panes.onToggleInspector()
	tb.wb.look.onZoomIn()
	tb.close()
	tb2 := newTestBenchOn(t, a)
	if got := len(tb2.wb.clients.List); got != 3 {
		t.Errorf("%d tabs, want 3", got)
	}
	if tb2.wb.panes.showInspect {
		t.Error("the hidden inspector is shown again")
	}
	if z := tb2.wb.look.zoom.scale; z < 1.05 || z > 1.15 {
		t.Errorf("zoom %v, want 1.1", z)
	}
}

func findEntryWithText(t *testing.T, o fyne.CanvasObject, text string) *widget.Entry {
	t.Helper()
	for _, obj := range objects(o) {
		if e, ok := obj.(*widget.Entry); ok && e.Text == text {
			return e
		}
	}
	t.Fatalf("no entry holds %q", text)
	return nil
}

// TestLogCapacitySetting: the log capacity is a setting; tabs opened after
// a change keep that many messages, and it is remembered.
func TestLogCapacitySetting(t *testing.T) {
	a := test.NewTempApp(t)
	tb := newTestBenchOn(t, a)
	if got := tb.tab(0).Model.Client().Log().Capacity(); got != 10000 {
		t.Errorf("default capacity %d, want 10 000", got)
	}
	tb.wb.setLogCapacity(500)
	tab := tb.wb.clients.Add(clients.Target{}, true)
	if got := tab.Model.Client().Log().Capacity(); got != 500 {
		t.Errorf("a new tab keeps %d, want 500", got)
	}
	tb.close()
	tb2 := newTestBenchOn(t, a)
	if got := tb2.tab(0).Model.Client().Log().Capacity(); got != 500 {
		t.Errorf("after a restart tabs keep %d, want 500", got)
	}
	for _, s := range []string{"99", "1000001", "many", ""} {
		if _, err := parseLogCapacity(s); err == nil {
			t.Errorf("parseLogCapacity(%q) accepted it", s)
		}
	}
}

// TestSaveAsDialog: File > Save As… asks for a file with Fyne's file
// dialog, starting in the current folder for a workspace without a file,
// and saves there.
func TestSaveAsDialog(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	tb := newTestBench(t)
	tb.wb.files.onSave() // the sample has no file yet: Save asks where
	d := tb.topDialog()
	name := findEntryWithText(t, d, "sample.yaml")
	name.SetText("mine.yaml")
	test.Tap(findButton(t, d, "Save"))
	path := filepath.Join(dir, "mine.yaml")
	tb.waitFor("the save", func() bool { return tb.wb.ws.Path == path })
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tb.win.Title(), "mine.yaml") || tb.wb.ctl.Unsaved() {
		t.Errorf("title %q, unsaved %v", tb.win.Title(), tb.wb.ctl.Unsaved())
	}
}

// TestOpenDialog: File > Open… lists the current folder; choosing a file
// and Open opens it.
func TestOpenDialog(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../assets/sample.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "other.yaml")
	if err := os.WriteFile(path, []byte(strings.Replace(string(src), "RouteKey: whoami", "RouteKey: whoareyou", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	tb := newTestBench(t)
	tb.wb.files.onOpen()
	d := tb.topDialog()
	item := findTappableShowing(t, d, "other")
	test.Tap(item)
	test.Tap(findButton(t, d, "Open"))
	tb.waitFor("the file to open", func() bool { return tb.wb.ws.Path == path })
	if tb.wb.ws.API.Route("whoareyou") == nil {
		t.Error("the opened workspace lacks its route")
	}
}

// TestExportDialog: Export asks for a folder and a file name and writes the
// log there as JSON lines; an existing file is left whole until Replace is
// confirmed (Fyne's save dialog emptied it before anything was written).
func TestExportDialog(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	file := filepath.Join(dir, "log.jsonl")
	if err := os.WriteFile(file, []byte("keep me\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tb := newTestBench(t)
	tb.waitConnected(0)
	tb.tab(0).Log.OnExport()
	d := tb.topDialog()
	name := findEntryWithSuffix(t, d, ".jsonl")
	name.SetText("log.jsonl")
	test.Tap(findButton(t, d, "Export"))
	if data, _ := os.ReadFile(file); string(data) != "keep me\n" {
		t.Fatalf("the existing file changed before Replace was confirmed: %q", data)
	}
	confirm := tb.topDialog()
	test.Tap(findButton(t, confirm, "Replace"))
	tb.waitFor("the export", func() bool {
		data, err := os.ReadFile(file)
		return err == nil && strings.Contains(string(data), `"dir":"event"`)
	})
}

// findTappableShowing returns the innermost tappable object under o that
// draws a text containing s (the containers around it draw it too).
func findTappableShowing(t *testing.T, o fyne.CanvasObject, s string) fyne.Tappable {
	t.Helper()
	var found fyne.Tappable
	for _, obj := range objects(o) {
		tap, ok := obj.(fyne.Tappable)
		if !ok {
			continue
		}
		for _, child := range objects(obj) {
			if txt, ok := child.(*canvas.Text); ok && strings.Contains(txt.Text, s) {
				found = tap
			}
		}
	}
	if found == nil {
		t.Fatalf("nothing tappable shows %q", s)
	}
	return found
}

func findEntryWithSuffix(t *testing.T, o fyne.CanvasObject, suffix string) *widget.Entry {
	t.Helper()
	for _, obj := range objects(o) {
		if e, ok := obj.(*widget.Entry); ok && strings.HasSuffix(e.Text, suffix) {
			return e
		}
	}
	t.Fatalf("no entry ends with %q", suffix)
	return nil
}

// TestInvalidWorkspaceAtStart: a workspace that loads but does not compile
// opens in the editor with its errors; the gateway runs the sample until
// the editor fixes it.
func TestInvalidWorkspaceAtStart(t *testing.T) {
	src, err := os.ReadFile("../assets/sample.yaml")
	if err != nil {
		t.Fatal(err)
	}
	head, tail, ok := strings.Cut(string(src), "ApiGatewayV2IntegrationOnMessage:\n    Type:")
	if !ok {
		t.Fatal("the sample changed: this test's edit no longer applies")
	}
	tail = strings.Replace(tail, "PassthroughBehavior: WHEN_NO_MATCH", "PassthroughBehavior: SOMETIMES", 1)
	path := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(path, []byte(head+"ApiGatewayV2IntegrationOnMessage:\n    Type:"+tail), 0o644); err != nil {
		t.Fatal(err)
	}
	tb := newTestBench(t, withFile(path))
	if len(tb.wb.ctl.Errors()) == 0 || tb.wb.ctl.Live() {
		t.Fatalf("errors %v, live %v", tb.wb.ctl.Errors(), tb.wb.ctl.Live())
	}
	if !strings.Contains(tb.wb.bar.noticeLabel.Text, "built-in sample") {
		t.Errorf("notice %q", tb.wb.bar.noticeLabel.Text)
	}
	tb.waitConnected(0)
	tb.send(0, `{"action":"whoami"}`)
	tb.waitEntry(0, "the sample's answer", receivedContaining(0, `"stage": "production"`))
	// The editor shows the error at the integration, and fixing it makes
	// the file's API live.
	ed := tb.wb.editor
	ed.Routes.SelectRoute("message")
	shown := false
	for _, o := range objects(ed.Detail()) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, "SOMETIMES") && l.Visible() {
			shown = true
		}
	}
	if !shown {
		t.Error("the integration's error is not shown in the route editor")
	}
	selectDetailTab(t, ed, "Request")
	for _, o := range objects(ed.Detail()) {
		if sel, ok := o.(*widget.Select); ok && len(sel.Options) == len(editor.PassthroughChoices) {
			sel.SetSelected("WHEN_NO_MATCH")
		}
	}
	tb.waitFor("the fix to go live", func() bool { return tb.wb.ctl.Live() })
	if !strings.Contains(tb.wb.bar.liveLabel.Text, "live") {
		t.Errorf("status %q", tb.wb.bar.liveLabel.Text)
	}
}

// TestSaveRefusesBrokenTemplateAndKeepsIt: a workspace whose template does
// not parse is not written over its file (the error says where); the edit
// stays in the editor and in the autosave.
func TestSaveRefusesBrokenTemplateAndKeepsIt(t *testing.T) {
	path := copySample(t)
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tb := newTestBench(t, withFile(path))
	ed := tb.wb.editor
	ed.Routes.SelectRoute("message")
	selectDetailTab(t, ed, "Responses")
	f := ed.Field("response.template")
	f.Entry().SetText("#if($x")
	err = tb.wb.ctl.Files.SaveTo(path)
	if err == nil || !strings.Contains(err.Error(), `response template "1"`) {
		t.Fatalf("save of a broken template: %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != string(src) {
		t.Error("the file changed")
	}
	if !tb.wb.ctl.Unsaved() {
		t.Error("the edit is no longer marked unsaved")
	}
	tb.waitFor("the autosave", func() bool {
		data, err := os.ReadFile(tb.wb.ctl.Autosave.File(path))
		return err == nil && strings.Contains(string(data), `#if($x`)
	})
}
