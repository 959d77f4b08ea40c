package controller

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"wsworkbench/assets"
	"wsworkbench/emulator/model"
	"wsworkbench/emulator/workspace"
)

// harness is a Controller whose owner goroutine is the test's: what the
// controller hands to Do is queued, and the test runs the queue while it
// waits, as the window's UI goroutine would.
type harness struct {
	t       *testing.T
	c       *Controller
	queue   chan func()
	changes Change
}

func newHarness(t *testing.T, mods ...func(*Options)) *harness {
	t.Helper()
	h := &harness{t: t, queue: make(chan func(), 1024)}
	opts := Options{
		StateDir:      t.TempDir(),
		Addr:          "127.0.0.1:0",
		Do:            func(f func()) { h.queue <- f },
		Prefs:         NewMemPrefs(),
		EditDelay:     10 * time.Millisecond,
		AutosaveDelay: 20 * time.Millisecond,
		CertDir:       t.TempDir(),
		ChatAddr:      "127.0.0.1:0",
	}
	for _, m := range mods {
		m(&opts)
	}
	c, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	c.OnChange = func(ch Change) { h.changes |= ch }
	h.c = c
	t.Cleanup(func() {
		c.Close()
		h.drain()
	})
	return h
}

func (h *harness) drain() {
	for {
		select {
		case f := <-h.queue:
			f()
		default:
			return
		}
	}
}

// waitFor runs the owner's queue until cond holds, or fails after 10 s.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		h.drain()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func copyFile(t *testing.T, src, name string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// roundTrip sends msg to the gateway's URL over a real WebSocket and
// returns the answer.
func roundTrip(t *testing.T, h *harness, msg string) string {
	t.Helper()
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	if roots := h.c.TLS.ClientRoots(); roots != nil {
		d.TLSClientConfig = &tls.Config{RootCAs: roots}
	}
	conn, _, err := d.Dial(h.c.Server.Gateway().URL(), nil)
	if err != nil {
		t.Fatalf("dial %s: %v", h.c.Server.Gateway().URL(), err)
	}
	defer conn.Close()
	if err := conn.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, data, err := conn.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestStartsOnTheSampleAndAnswers: a first start opens the built-in sample,
// and the gateway on loopback answers its first example.
func TestStartsOnTheSampleAndAnswers(t *testing.T) {
	h := newHarness(t)
	if !h.c.IsSample() || h.c.Unsaved() || !h.c.Live() {
		t.Fatalf("sample %v unsaved %v live %v", h.c.IsSample(), h.c.Unsaved(), h.c.Live())
	}
	if got := h.c.Title(); got != "wsworkbench — sample.yaml (built-in sample)" {
		t.Errorf("title %q", got)
	}
	if got := roundTrip(t, h, `{"action":"message","messageId":1}`); got != `{"message": "Hello World"}` {
		t.Errorf("answer %q", got)
	}
}

// TestEditGoesLiveAndIsAutosaved: an edit marks the workspace unsaved,
// reaches the gateway after the edit delay, and is written to the state
// directory; a draft that does not compile keeps the last valid one
// answering.
func TestEditGoesLiveAndIsAutosaved(t *testing.T) {
	h := newHarness(t)
	api := h.c.Workspace().API
	api.Integration(api.Route("message").IntegrationID).Responses[0].ResponseTemplates["1"] = `{"message": "edited"}`
	h.c.Edited()
	if !h.c.Unsaved() || h.c.Live() || !strings.HasSuffix(h.c.Title(), "●") {
		t.Fatalf("after an edit: unsaved %v live %v title %q", h.c.Unsaved(), h.c.Live(), h.c.Title())
	}
	h.waitFor("the edit to go live", h.c.Live)
	if got := roundTrip(t, h, `{"action":"message","messageId":1}`); got != `{"message": "edited"}` {
		t.Errorf("answer %q", got)
	}
	h.waitFor("the autosave", func() bool {
		data, err := os.ReadFile(h.c.Autosave.File(""))
		return err == nil && strings.Contains(string(data), "edited")
	})

	api.Integration(api.Route("message").IntegrationID).Responses[0].ResponseTemplates["1"] = `#if($x`
	h.c.Edited()
	h.waitFor("the compile error", func() bool { return len(h.c.Errors()) > 0 })
	if got := roundTrip(t, h, `{"action":"message","messageId":1}`); got != `{"message": "edited"}` {
		t.Errorf("with a broken draft the gateway answered %q, want the last valid answer", got)
	}
}

// TestSaveAndReopen: Save As writes a file that a new controller opens
// with the same API; the recent files list it.
func TestSaveAndReopen(t *testing.T) {
	prefs := NewMemPrefs()
	h := newHarness(t, func(o *Options) { o.Prefs = prefs })
	if err := h.c.Files.Save(); !errors.Is(err, ErrNoFile) {
		t.Fatalf("Save of the sample: %v, want ErrNoFile", err)
	}
	path := filepath.Join(t.TempDir(), "mine")
	target, err := h.c.Files.CheckSaveAs(path)
	if err != nil || target.Path != path+".yaml" || target.Replaces {
		t.Fatalf("CheckSaveAs: %+v, %v", target, err)
	}
	if err := h.c.Files.SaveTo(target.Path); err != nil {
		t.Fatal(err)
	}
	if h.c.Unsaved() || h.c.IsSample() || h.c.Workspace().Path != target.Path {
		t.Fatalf("after save: unsaved %v sample %v path %q", h.c.Unsaved(), h.c.IsSample(), h.c.Workspace().Path)
	}
	if got := h.c.Files.Recent(); len(got) != 1 || got[0] != target.Path {
		t.Errorf("recent %v", got)
	}
	prefs.SetBool(PrefFirstStartDone, true)
	h2 := newHarness(t, func(o *Options) { o.Prefs = prefs })
	if h2.c.Workspace().Path != target.Path || h2.c.Workspace().API.Route("whoami") == nil {
		t.Errorf("the next start opened %q", h2.c.Workspace().Path)
	}
}

// TestCheckSaveAs: every reason a Save As cannot go ahead is found before
// anything is written, and the file there keeps its bytes.
func TestCheckSaveAs(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "other.yaml")
	readOnly := filepath.Join(dir, "locked.yaml")
	for _, p := range []string{existing, readOnly} {
		if err := os.WriteFile(p, []byte("keep me\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(readOnly, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "folder.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	sls := copyFile(t, "../../emulator/workspace/testdata/simple-chat.serverless.yml", "serverless.yml")

	h := newHarness(t)
	tests := []struct {
		name, path, wantErr string
		replaces, readOnly  bool
		broken              bool
	}{
		{name: "empty name", path: "", wantErr: "choose a file name"},
		{name: "missing folder", path: filepath.Join(dir, "nope", "x.yaml"), wantErr: "no such file or directory"},
		{name: "a folder", path: filepath.Join(dir, "folder.yaml"), wantErr: "is a directory"},
		{name: "read-only", path: readOnly, replaces: true, readOnly: true},
		{name: "another file", path: existing, replaces: true},
		{name: "no extension", path: filepath.Join(dir, "other"), replaces: true},
		{name: "a draft that does not compile", path: existing, broken: true, wantErr: "cannot be saved until this is fixed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			api := h.c.Workspace().API
			resp := &api.Integration(api.Route("message").IntegrationID).Responses[0]
			good := resp.ResponseTemplates["1"]
			if tc.broken {
				resp.ResponseTemplates["1"] = "#if($x"
				defer func() { resp.ResponseTemplates["1"] = good }()
			}
			target, err := h.c.Files.CheckSaveAs(tc.path)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("CheckSaveAs(%q) = %+v, %v; want an error with %q", tc.path, target, err, tc.wantErr)
				}
			} else if err != nil || target.Replaces != tc.replaces || target.ReadOnly != tc.readOnly {
				t.Fatalf("CheckSaveAs(%q) = %+v, %v; want replaces %v, read-only %v", tc.path, target, err, tc.replaces, tc.readOnly)
			}
			for _, p := range []string{existing, readOnly} {
				if data, _ := os.ReadFile(p); string(data) != "keep me\n" {
					t.Errorf("%s now holds %q", p, data)
				}
			}
		})
	}

	t.Run("the serverless.yml it was imported from", func(t *testing.T) {
		done := make(chan error, 1)
		h.c.Files.Open(sls, func(err error) { done <- err })
		h.waitFor("the import", func() bool { return len(done) > 0 })
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		before, _ := os.ReadFile(sls)
		if _, err := h.c.Files.CheckSaveAs(sls); err == nil || !strings.Contains(err.Error(), "imported from") {
			t.Fatalf("CheckSaveAs(the imported file) = %v", err)
		}
		if !strings.Contains(h.c.Name(), "serverless.yml") {
			t.Errorf("an imported workspace is called %q", h.c.Name())
		}
		if after, _ := os.ReadFile(sls); string(after) != string(before) {
			t.Error("the serverless.yml changed")
		}
	})
}

// TestOpenRunsOffTheOwnerAndCancels: Open returns at once; while a slow
// load runs, the owner goroutine goes on working (an edit goes live);
// Cancel keeps the open workspace, and the load's result, when it comes,
// is dropped.
func TestOpenRunsOffTheOwnerAndCancels(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{})
	slow := func(stop <-chan struct{}, path string) (*workspace.Workspace, error) {
		close(started)
		<-release // a loader that does not watch stop, as the real one today
		return workspace.Load(path)
	}
	h := newHarness(t, func(o *Options) { o.Load = slow })
	other := copyFile(t, "../../assets/sample.yaml", "other.yaml")
	called := false
	l := h.c.Files.Open(other, func(error) { called = true })
	<-started
	if h.c.Files.Loading() != l {
		t.Fatal("Loading does not report the load")
	}

	api := h.c.Workspace().API
	api.Name = "still-mine"
	h.c.Edited()
	h.waitFor("an edit to go live while the file loads", h.c.Live)

	l.Cancel()
	close(release)
	h.waitFor("the load to end", func() bool { return h.c.Files.Loading() == nil })
	h.drain()
	if called || h.c.Workspace().Path != "" || h.c.Workspace().API.Name != "still-mine" {
		t.Fatalf("after Cancel: done called %v, path %q, API %q", called, h.c.Workspace().Path, h.c.Workspace().API.Name)
	}
}

// TestOpenReportsErrorsAndSwitches: a file that does not load reports
// file:line and changes nothing; one that loads becomes the workspace and
// ChangeWorkspace is reported.
func TestOpenReportsErrorsAndSwitches(t *testing.T) {
	h := newHarness(t)
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("Resources:\n  X: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var got error
	done := false
	h.c.Files.Open(bad, func(err error) { got, done = err, true })
	h.waitFor("the load", func() bool { return done })
	if got == nil || !strings.Contains(got.Error(), "bad.yaml:") || !h.c.IsSample() {
		t.Fatalf("open of a broken file: %v (sample still open: %v)", got, h.c.IsSample())
	}

	sam := copyFile(t, "../../emulator/workspace/testdata/simple-chat.sam.yaml", "chat.yaml")
	h.changes, done = 0, false
	h.c.Files.Open(sam, func(err error) { got, done = err, true })
	h.waitFor("the load", func() bool { return done })
	if got != nil || h.c.Workspace().API.Route("sendmessage") == nil || h.changes&ChangeWorkspace == 0 {
		t.Fatalf("open: %v, changes %b", got, h.changes)
	}
}

// TestTLSRestartRunsOffTheOwner: SetTLS returns at once with Restarting
// set, while the old gateway still serves; the new gateway serves wss://
// with the workbench's certificate on the same address, and answers.
func TestTLSRestartRunsOffTheOwner(t *testing.T) {
	h := newHarness(t)
	addr := h.c.Server.Gateway().Addr()
	old := h.c.Server.Gateway()
	var result error
	finished := false
	h.c.TLS.Set(true, func(err error) { result, finished = err, true })
	if !h.c.Server.Restarting() || finished || h.c.Server.Gateway() != old {
		t.Fatalf("SetTLS did not return before the restart: restarting %v finished %v", h.c.Server.Restarting(), finished)
	}
	var second error
	h.c.TLS.Set(false, func(err error) { second = err })
	if second == nil {
		t.Error("a second switch during the restart was accepted")
	}
	h.waitFor("the restart", func() bool { return finished })
	if result != nil {
		t.Fatal(result)
	}
	if h.c.Server.Restarting() || !h.c.TLS.On() || h.changes&ChangeGateway == 0 {
		t.Fatalf("restarting %v TLS %v changes %b", h.c.Server.Restarting(), h.c.TLS.On(), h.changes)
	}
	if got := h.c.Server.Gateway().URL(); !strings.HasPrefix(got, "wss://") || h.c.Server.Gateway().Addr() != addr {
		t.Errorf("after the restart the gateway is at %s (was %s)", got, addr)
	}
	if got := roundTrip(t, h, `{"action":"message","messageId":2}`); got != `{"message": "Hi!"}` {
		t.Errorf("answer over wss:// %q", got)
	}
}

// TestOpenSampleSwitches: File > Open Sample opens the MOCK sample or a chat
// seed unchanged; the chat backend becomes the Lambda endpoint.
func TestOpenSampleSwitches(t *testing.T) {
	h := newHarness(t)
	if err := h.c.Files.OpenSample(assets.ChatSAMName, assets.ChatSAM, false); err != nil {
		t.Fatal(err)
	}
	if h.c.IsSample() || h.c.Workspace().API.Route("sendmessage") == nil {
		t.Fatal("the chat sample did not open")
	}
	if err := h.c.Chat.Start(); err != nil {
		t.Fatal(err)
	}
	if h.c.Workspace().API.Settings.LambdaEndpoint != h.c.Chat.URL() || h.c.Chat.URL() == "" {
		t.Errorf("Lambda endpoint %q, chat at %q", h.c.Workspace().API.Settings.LambdaEndpoint, h.c.Chat.URL())
	}
	h.c.Chat.Stop()
	if err := h.c.Files.OpenSample(assets.SampleName, assets.SampleAPI, true); err != nil {
		t.Fatal(err)
	}
	if !h.c.IsSample() || h.c.Workspace().API.Route("whoami") == nil {
		t.Error("the MOCK sample did not open")
	}
}

// TestAutosaverKeepsTheNewest: many quick autosaves leave the newest on
// disk, whatever order the writes would have finished in.
func TestAutosaverKeepsTheNewest(t *testing.T) {
	a := newAutosaver(t.TempDir())
	for i := range 200 {
		a.write(autosave{Path: "/x/api.yaml", API: &model.API{Name: fmt.Sprintf("v%d", i)}})
	}
	got, err := a.read("/x/api.yaml")
	if err != nil || got == nil || got.API.Name != "v199" {
		t.Fatalf("read %+v, %v; want v199", got, err)
	}
	if a.err() != nil {
		t.Error(a.err())
	}
	a.remove("/x/api.yaml")
	if got, _ := a.read("/x/api.yaml"); got != nil {
		t.Error("the autosave is still there after remove")
	}
}

// TestLoadWorkspaceStops: a load whose stop is closed returns
// context.Canceled instead of a workspace (a load in progress is stopped by
// workspace.LoadContext, whose own tests cover that).
func TestLoadWorkspaceStops(t *testing.T) {
	path := copyFile(t, "../../assets/sample.yaml", "api.yaml")
	stop := make(chan struct{})
	if ws, err := LoadWorkspace(stop, path); err != nil || ws.Path != path {
		t.Fatalf("LoadWorkspace: %v", err)
	}
	close(stop)
	if _, err := LoadWorkspace(stop, path); !errors.Is(err, context.Canceled) {
		t.Errorf("a stopped load returned %v, want context.Canceled", err)
	}
}

// TestSaveAsReplacesAReadOnlyFileOnlyWhenAsked: Save refuses a read-only
// file; SaveAs with the target CheckSaveAs gave (after the person agreed)
// replaces it and keeps it read-only.
func TestSaveAsReplacesAReadOnlyFileOnlyWhenAsked(t *testing.T) {
	h := newHarness(t)
	path := filepath.Join(t.TempDir(), "locked.yaml")
	if err := os.WriteFile(path, []byte("keep me\n"), 0o444); err != nil {
		t.Fatal(err)
	}
	if err := h.c.Files.SaveTo(path); err == nil {
		t.Fatal("SaveTo wrote over a read-only file without asking")
	}
	if data, _ := os.ReadFile(path); string(data) != "keep me\n" {
		t.Fatalf("the refused save changed the file: %q", data)
	}
	target, err := h.c.Files.CheckSaveAs(path)
	if err != nil || !target.ReadOnly || !target.Ask() {
		t.Fatalf("CheckSaveAs = %+v, %v", target, err)
	}
	if err := h.c.Files.SaveAs(target); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o444 {
		t.Fatalf("after SaveAs: %v, mode %v", err, fi.Mode())
	}
	if ws, err := workspace.Load(path); err != nil || ws.API.Route("whoami") == nil {
		t.Errorf("the replaced file does not load as the sample: %v", err)
	}
}
