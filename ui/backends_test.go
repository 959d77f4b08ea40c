package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/assets"
	"wsworkbench/client"
	"wsworkbench/emulator"
	"wsworkbench/emulator/model"
	"wsworkbench/emulator/workspace"
	"wsworkbench/ui/clients"
	"wsworkbench/ui/controller"
	"wsworkbench/ui/editor"
	"wsworkbench/ui/trace"
)

// The tests in this file are the window's part of the "Backends" issue, end
// to end: the gateway in-process on 127.0.0.1, real clients in the tabs, and
// real backends on loopback (the built-in chat backend, small Invoke API and
// HTTP stubs).

const (
	samSeed        = "../emulator/workspace/testdata/simple-chat.sam.yaml"
	serverlessSeed = "../emulator/workspace/testdata/simple-chat.serverless.yml"
)

// newBackendBench is a test bench whose chat backend takes any free port and
// whose certificate lives in a temporary directory.
func newBackendBench(t *testing.T) *testBench {
	t.Helper()
	certDir := t.TempDir()
	return newTestBench(t, func(o *options) { o.chatAddr, o.certDir = "127.0.0.1:0", certDir })
}

// TestChatSampleInWindow: each seed chat project, loaded unchanged (as a file,
// or from File > Open Sample), with the chat backend the window runs, gives a
// working chat: three tabs, one sends {"action":"sendmessage","data":"hello"},
// all three receive hello. Then the workspace saves as a CloudFormation
// template that loads and compiles, with the backend's Lambda endpoint.
func TestChatSampleInWindow(t *testing.T) {
	tests := []struct {
		name string
		tls  bool
		open func(tb *testBench) error
	}{
		{"SAM template opened as a file", false, func(tb *testBench) error {
			tb.openFile(samSeed)
			return tb.wb.samples.runChatWorkspace()
		}},
		{"serverless.yml opened as a file", false, func(tb *testBench) error {
			tb.openFile(serverlessSeed)
			return tb.wb.samples.runChatWorkspace()
		}},
		{"File > Open Sample > Chat (SAM)", false, func(tb *testBench) error {
			return tb.wb.samples.openChatSample(assets.ChatSAMName)
		}},
		{"File > Open Sample > Chat (serverless.yml) over wss://", true, func(tb *testBench) error {
			return tb.wb.samples.openChatSample(assets.ChatServerlessName)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tb := newBackendBench(t)
			if tc.tls {
				if err := tb.setTLS(true); err != nil {
					t.Fatal(err)
				}
			}
			if err := tc.open(tb); err != nil {
				t.Fatal(err)
			}
			if tb.wb.ws.API.Route("sendmessage") == nil {
				t.Fatalf("the open workspace is %s, not the chat", tb.wb.ctl.Name())
			}
			if tc.tls && !strings.HasPrefix(tb.wb.gw.URL(), "wss://") {
				t.Fatalf("gateway URL %s", tb.wb.gw.URL())
			}
			chat := tb.wb.ctl.Chat.Server()
			if chat == nil || tb.wb.ws.API.Settings.LambdaEndpoint != chat.URL() {
				t.Fatalf("the chat backend does not run as the Lambda endpoint (%q)", tb.wb.ws.API.Settings.LambdaEndpoint)
			}
			tb.waitFor("three tabs in the chat's connections table", func() bool {
				if len(tb.wb.clients.List) != chatSampleTabs {
					return false
				}
				conns := chat.Chat().Connections()
				for _, tab := range tb.wb.clients.List {
					c := tab.Model.Client()
					if c.State().Phase != client.Open || !slices.Contains(conns, c.ConnectionID()) {
						return false
					}
				}
				return true
			})
			seqs := make([]uint64, chatSampleTabs)
			for i := range seqs {
				seqs[i] = tb.lastSeq(i)
			}
			tb.send(1, `{"action":"sendmessage","data":"hello"}`)
			for i := range seqs {
				tb.waitEntry(i, "hello", receivedAfter(seqs[i], "hello"))
			}

			path := filepath.Join(t.TempDir(), "chat.yaml")
			if err := tb.wb.ctl.Files.SaveTo(path); err != nil {
				t.Fatal(err)
			}
			back, err := workspace.Load(path)
			if err != nil {
				t.Fatalf("the saved workspace does not load: %v", err)
			}
			if back.Format == workspace.Serverless || back.API.Settings.LambdaEndpoint != chat.URL() {
				t.Errorf("saved: format %v, Lambda endpoint %q", back.Format, back.API.Settings.LambdaEndpoint)
			}
			var keys []string
			for _, r := range back.API.Routes {
				keys = append(keys, r.Key)
			}
			slices.Sort(keys)
			if strings.Join(keys, " ") != "$connect $disconnect sendmessage" {
				t.Errorf("saved routes %v", keys)
			}
			if _, err := emulator.Compile(back.API); err != nil {
				t.Errorf("the saved workspace does not compile: %v", err)
			}
		})
	}
}

// TestChatSamplesAreTheSeeds: the chat samples the window embeds are the
// seed projects byte for byte.
func TestChatSamplesAreTheSeeds(t *testing.T) {
	for name, path := range map[string]string{assets.ChatSAMName: samSeed, assets.ChatServerlessName: serverlessSeed} {
		seed, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(chatSeeds[name], seed) {
			t.Errorf("the embedded %s differs from %s", name, path)
		}
	}
}

// settingsEntry returns the API settings' entry whose placeholder starts
// with prefix.
func settingsEntry(t *testing.T, ed *editor.Editor, prefix string) *widget.Entry {
	t.Helper()
	ed.Routes.SelectRow(0)
	for _, o := range objects(ed.Detail()) {
		if e, ok := o.(*widget.Entry); ok && strings.HasPrefix(e.PlaceHolder, prefix) {
			return e
		}
	}
	t.Fatalf("the settings have no entry for %q", prefix)
	return nil
}

// setIntegrationType switches the selected route's integration type in the
// route editor.
func setIntegrationType(t *testing.T, ed *editor.Editor, typ string) {
	t.Helper()
	for _, o := range objects(ed.Detail()) {
		if sel, ok := o.(*widget.Select); ok && slices.Equal(sel.Options, editor.IntegrationTypes) {
			sel.SetSelected(typ)
			return
		}
	}
	t.Fatal("the route editor has no integration type")
}

// retype replaces an entry's text by typing.
func retype(e *widget.Entry, text string) {
	e.SetText("")
	test.Type(e, text)
}

// routeEntry returns the route editor's entry whose placeholder starts with
// prefix.
func routeEntry(t *testing.T, ed *editor.Editor, prefix string) *widget.Entry {
	t.Helper()
	for _, o := range objects(ed.Detail()) {
		if e, ok := o.(*widget.Entry); ok && strings.HasPrefix(e.PlaceHolder, prefix) {
			return e
		}
	}
	t.Fatalf("the route editor has no entry for %q", prefix)
	return nil
}

// TestIntegrationEditorBackendTypes: the integration editor switches the
// sample's message route to a Lambda proxy (a function name against a
// loopback Invoke API) and to an HTTP proxy (URI, method and a request
// parameter), and each edit answers the next message on the same
// connection.
func TestIntegrationEditorBackendTypes(t *testing.T) {
	t.Run("AWS_PROXY", func(t *testing.T) {
		var mu sync.Mutex
		var paths []string
		invoke := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			paths = append(paths, r.URL.Path)
			mu.Unlock()
			_, _ = io.ReadAll(r.Body)
			_, _ = io.WriteString(w, `{"statusCode": 200, "body": "from lambda"}`)
		}))
		t.Cleanup(invoke.Close)

		tb := newBackendBench(t)
		id := tb.waitConnected(0)
		ed := tb.wb.editor
		retype(settingsEntry(t, ed, "http://127.0.0.1:3001"), invoke.URL)
		ed.Routes.SelectRoute("message")
		setIntegrationType(t, ed, model.TypeAWSProxy)
		fn := ed.Field("functionName")
		if fn == nil {
			t.Fatal("no function name field for AWS_PROXY")
		}
		retype(fn.Entry(), "echoFunction")
		tb.waitFor("the edit to go live", func() bool { return tb.wb.ctl.Live() && len(tb.wb.ctl.Errors()) == 0 })

		seq := tb.lastSeq(0)
		tb.send(0, `{"action":"message"}`)
		tb.waitEntry(0, "the function's answer", receivedAfter(seq, "from lambda"))
		mu.Lock()
		defer mu.Unlock()
		if !slices.Contains(paths, "/2015-03-31/functions/echoFunction/invocations") {
			t.Errorf("the Invoke API was called at %v", paths)
		}
		if got := tb.tab(0).Model.Client().ConnectionID(); got != id {
			t.Errorf("the tab reconnected: %s, was %s", got, id)
		}
	})
	t.Run("HTTP_PROXY", func(t *testing.T) {
		backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			_, _ = io.WriteString(w, r.Method+" "+r.Header.Get("connectionId")+" "+string(body))
		}))
		t.Cleanup(backend.Close)

		tb := newBackendBench(t)
		id := tb.waitConnected(0)
		ed := tb.wb.editor
		ed.Routes.SelectRoute("message")
		setIntegrationType(t, ed, model.TypeHTTPProxy)
		retype(routeEntry(t, ed, "https://backend.example.com"), backend.URL+"/ws")
		for _, o := range objects(ed.Detail()) {
			if sel, ok := o.(*widget.Select); ok && slices.Equal(sel.Options, editor.HTTPMethods) {
				sel.SetSelected("PUT")
			}
		}
		params := ed.Field("requestParameters")
		if params == nil {
			t.Fatal("no request parameters field for HTTP_PROXY")
		}
		retype(params.Entry(), "integration.request.header.connectionId = context.connectionId")
		tb.waitFor("the edit to go live", func() bool { return tb.wb.ctl.Live() && len(tb.wb.ctl.Errors()) == 0 })

		seq := tb.lastSeq(0)
		tb.send(0, `{"action":"message"}`)
		tb.waitEntry(0, "the backend's answer", receivedAfter(seq, `PUT `+id+` {"action":"message"}`))
	})
}

// TestMockAuthorizerSettings: with the mock authorizer on (header
// Authorization equal to a value), a tab without the header is refused with
// 401, one with another value with 403, and one with the value connects;
// its $connect trace says the authorizer allowed it.
func TestMockAuthorizerSettings(t *testing.T) {
	tb := newBackendBench(t)
	tb.waitConnected(0)
	ed := tb.wb.editor
	ed.Routes.SelectRow(0)
	bs := ed.Backend()
	if bs == nil {
		t.Fatal("the settings have no Backends section")
	}
	retype(bs.MockHeader, "Authorization")
	retype(bs.MockValue, "Bearer right")
	bs.MockOn.SetChecked(true)
	tb.waitFor("the mock authorizer to go live", func() bool { return tb.wb.ctl.Live() && len(tb.wb.ctl.Errors()) == 0 })

	cases := []struct {
		name   string
		header http.Header
		want   string // in the tab's state
	}{
		{"no header", nil, "401"},
		{"another value", http.Header{"Authorization": {"Bearer wrong"}}, "403"},
		{"the value", http.Header{"Authorization": {"Bearer right"}}, "open"},
	}
	for _, tc := range cases {
		tab := tb.waitTabState(tc.name, tc.header, tc.want)
		if tc.want != "open" {
			continue
		}
		tb.waitConnectAuthorized(tb.waitConnectedTab(tab), "the $connect trace", "Authorization")
	}
}

// waitConnectedTab waits until tab is open and shows its connection ID.
func (tb *testBench) waitConnectedTab(tab *clients.Tab) string {
	tb.t.Helper()
	for i, x := range tb.wb.clients.List {
		if x == tab {
			return tb.waitConnected(i)
		}
	}
	tb.t.Fatal("the tab is not in the window")
	return ""
}

// TestFailingBackendInTrace: a Lambda call to an endpoint where nothing
// listens shows in the trace as a failed integration step, in red, with its
// error and how long it took.
func TestFailingBackendInTrace(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()

	tb := newBackendBench(t)
	tb.waitConnected(0)
	ed := tb.wb.editor
	retype(settingsEntry(t, ed, "http://127.0.0.1:3001"), closed)
	ed.Routes.SelectRoute("message")
	setIntegrationType(t, ed, model.TypeAWSProxy)
	retype(ed.Field("functionName").Entry(), "gone")
	tb.waitFor("the edit to go live", func() bool { return tb.wb.ctl.Live() && len(tb.wb.ctl.Errors()) == 0 })

	seq := tb.lastSeq(0)
	tb.send(0, `{"action":"message"}`)
	e := tb.waitEntry(0, "the error frame", receivedContaining(seq, "Internal server error"))
	tb.waitFor("the error frame's trace link", func() bool {
		_, ok := tb.tab(0).Model.Request(e.Seq)
		return ok
	})
	tb.selectEntry(0, e.Seq)
	p := tb.wb.tracer
	var step trace.Step
	tb.waitFor("the failed integration step", func() bool {
		tr, ok := tb.wb.traces.Get(p.TraceID())
		if !ok || p.Shown() != len(tr.Events) {
			return false
		}
		for _, s := range trace.Steps(tr) {
			if s.Title == "Integration" && s.Failed {
				step = s
				return true
			}
		}
		return false
	})
	if step.Took <= 0 {
		t.Errorf("the failed call has no timing: %+v", step)
	}
	var errText string
	for _, l := range step.Lines {
		if l.Label == "error" {
			errText = l.Text
		}
	}
	if errText == "" {
		t.Fatalf("the failed call shows no error: %+v", step)
	}
	// The panel draws the error in red and the timing beside the title.
	red, timed := false, false
	for _, o := range objects(p.StepsBox()) {
		l, ok := o.(*widget.Label)
		if !ok {
			continue
		}
		if l.Text == errText && l.Importance == widget.DangerImportance {
			red = true
		}
		if l.Text == trace.StepTiming(step) && strings.Contains(l.Text, "took") {
			timed = true
		}
	}
	if !red || !timed {
		t.Errorf("panel: error %q in red %v, timing %q shown %v", errText, red, trace.StepTiming(step), timed)
	}
}

// TestAuthorizerStepsInTrace: an authorizer's refusal and its allowance
// read as such, with the principal and context of an allowance.
func TestAuthorizerStepsInTrace(t *testing.T) {
	tr := trace.Trace{Kind: trace.Connect, Events: []emulator.Event{
		{Kind: emulator.EventAuthorizer, Status: 403, Duration: 3e6,
			Authorizer: &emulator.AuthorizerDecision{Name: "auth", Reason: "the policy denies arn"}},
		{Kind: emulator.EventAuthorizer, Duration: 2e6,
			Authorizer: &emulator.AuthorizerDecision{Name: "auth", Allowed: true, Cached: true, Principal: "me", Context: map[string]string{"role": "admin"}, Reason: "the policy allows arn"}},
	}}
	steps := trace.Steps(tr)
	if steps[0].Title != "Authorizer auth: denied (403)" || !steps[0].Failed || !hasLine(steps[0], "why", "the policy denies arn") {
		t.Errorf("refusal step %+v", steps[0])
	}
	if steps[1].Title != "Authorizer auth: allowed (cached)" || steps[1].Failed || !hasLine(steps[1], "principal", "me") || !hasLine(steps[1], "context.role", "admin") {
		t.Errorf("allowance step %+v", steps[1])
	}
	if !strings.Contains(trace.StepTiming(steps[0]), "took") {
		t.Errorf("timing %q", trace.StepTiming(steps[0]))
	}
}

// TestTLSToggle: turning TLS on restarts the gateway on wss:// with the
// workbench's certificate (the settings show its path); the tabs reconnect,
// trusting it, and answer; turning it off goes back to ws://.
func TestTLSToggle(t *testing.T) {
	tb := newBackendBench(t)
	before := tb.waitConnected(0)
	if err := tb.setTLS(true); err != nil {
		t.Fatal(err)
	}
	url := tb.wb.gw.URL()
	if !strings.HasPrefix(url, "wss://127.0.0.1:") {
		t.Fatalf("gateway URL %s", url)
	}
	tb.waitFor("tab 0 to reconnect over wss://", func() bool {
		c := tb.tab(0).Model.Client()
		return strings.HasPrefix(c.URL(), "wss://") && c.State().Phase == client.Open && c.ConnectionID() != "" && c.ConnectionID() != before
	})
	tb.waitConnected(0)
	seq := tb.lastSeq(0)
	tb.send(0, `{"action":"message","messageId":1}`)
	tb.waitEntry(0, "the answer over wss://", receivedAfter(seq, `{"message": "Hello World"}`))
	if !tb.wb.prefs.Bool(controller.PrefTLS) {
		t.Error("the TLS setting is not remembered")
	}
	ed := tb.wb.editor
	ed.Routes.SelectRow(0)
	if !ed.Backend().TLSCheck.Checked || !strings.HasSuffix(ed.Backend().CertLabel.Text, "cert.pem") {
		t.Errorf("settings: TLS %v, certificate %q", ed.Backend().TLSCheck.Checked, ed.Backend().CertLabel.Text)
	}
	if !strings.Contains(tb.wb.bar.urlLabel.Text, "wss://") {
		t.Errorf("toolbar URL %q", tb.wb.bar.urlLabel.Text)
	}

	// The restart runs off the UI goroutine: the tick box returns at once
	// and the status line says the gateway is restarting until it is back.
	ed.Backend().TLSCheck.SetChecked(false)
	if !strings.Contains(tb.wb.bar.liveLabel.Text, "restarting") {
		t.Errorf("while the gateway restarts the status says %q", tb.wb.bar.liveLabel.Text)
	}
	tb.waitFor("the gateway to serve ws:// again", func() bool { return strings.HasPrefix(tb.wb.gw.URL(), "ws://") })
	tb.waitFor("tab 0 to reconnect over ws://", func() bool {
		c := tb.tab(0).Model.Client()
		return strings.HasPrefix(c.URL(), "ws://") && c.State().Phase == client.Open && c.ConnectionID() != ""
	})
	tb.waitConnected(0)
	seq = tb.lastSeq(0)
	tb.send(0, `{"action":"message","messageId":1}`)
	e := tb.waitEntry(0, "the answer over ws://", receivedAfter(seq, `{"message": "Hello World"}`))
	// The bridge followed both restarts: the answer gets its route.
	defer func() {
		if t.Failed() { // which entry got which route
			for _, x := range tb.tab(0).Model.Client().Log().Entries() {
				t.Logf("tab 0 entry %d: %v route %q text %q note %q", x.Seq, x.Dir, x.Route, x.Text, x.Note)
			}
		}
	}()
	tb.waitFor("the answer's route", func() bool {
		got, _ := tb.tab(0).Model.Client().Log().BySeq(e.Seq)
		return got.Route == "message"
	})
}

// TestTLSRememberedAtStart: a window that served wss:// last time starts on
// wss://, with the certificate in the user's config directory.
func TestTLSRememberedAtStart(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	a := test.NewTempApp(t)
	a.Preferences().SetBool(controller.PrefTLS, true)
	tb := newTestBenchOn(t, a)
	if !strings.HasPrefix(tb.wb.gw.URL(), "wss://") {
		t.Fatalf("gateway URL %s", tb.wb.gw.URL())
	}
	tb.waitConnected(0)
	seq := tb.lastSeq(0)
	tb.send(0, `{"action":"message","messageId":1}`)
	e := tb.waitEntry(0, "the answer over wss://", receivedAfter(seq, `{"message": "Hello World"}`))
	// The bridge reads the TLS gateway's events: the answer gets its route.
	defer func() {
		if t.Failed() { // which entry got which route
			for _, x := range tb.tab(0).Model.Client().Log().Entries() {
				t.Logf("tab 0 entry %d: %v route %q text %q note %q", x.Seq, x.Dir, x.Route, x.Text, x.Note)
			}
		}
	}()
	tb.waitFor("the answer's route", func() bool {
		got, _ := tb.tab(0).Model.Client().Log().BySeq(e.Seq)
		return got.Route == "message"
	})
}

// TestLambdaAuthorizerEditor: the $connect editor turns on CUSTOM
// authorization with a new REQUEST authorizer (identity source the
// Authorization header) called through a loopback Invoke API: a tab without
// the header gets 401 without a call, one the policy denies 403, and one it
// allows connects, its $connect trace naming the authorizer.
func TestLambdaAuthorizerEditor(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	invoke := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		var ev struct {
			Headers map[string]string `json:"headers"`
		}
		_ = json.NewDecoder(r.Body).Decode(&ev)
		effect := "Deny"
		for k, v := range ev.Headers {
			if strings.EqualFold(k, "Authorization") && v == "ok" {
				effect = "Allow"
			}
		}
		_, _ = io.WriteString(w, `{"principalId":"me","policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"`+effect+`","Resource":"*"}]}}`)
	}))
	t.Cleanup(invoke.Close)

	tb := newBackendBench(t)
	ed := tb.wb.editor
	retype(settingsEntry(t, ed, "http://127.0.0.1:3001"), invoke.URL)
	ed.Routes.SelectRoute("$connect")
	for _, o := range objects(ed.Detail()) {
		if sel, ok := o.(*widget.Select); ok && slices.Equal(sel.Options, editor.AuthorizationTypes) {
			sel.SetSelected("CUSTOM")
		}
	}
	test.Tap(findButton(t, ed.Detail(), "New"))
	src := ed.Field("identitySource")
	if src == nil || src.Entry().Text != "route.request.header.Authorization" {
		t.Fatalf("identity source field %+v", src)
	}
	tb.waitFor("the authorizer to go live", func() bool { return tb.wb.ctl.Live() && len(tb.wb.ctl.Errors()) == 0 })
	r := tb.wb.ws.API.Route("$connect")
	if r.AuthorizationType != "CUSTOM" || tb.wb.ws.API.Authorizer(r.AuthorizerID) == nil {
		t.Fatalf("$connect authorization %q authorizer %q", r.AuthorizationType, r.AuthorizerID)
	}

	cases := []struct {
		name   string
		header http.Header
		want   string
	}{
		{"no header", nil, "401"},
		{"denied", http.Header{"Authorization": {"no"}}, "403"},
		{"allowed", http.Header{"Authorization": {"ok"}}, "open"},
	}
	for _, tc := range cases {
		tab := tb.waitTabState(tc.name, tc.header, tc.want)
		if tc.want != "open" {
			continue
		}
		tb.waitConnectAuthorized(tb.waitConnectedTab(tab), "the $connect trace naming the authorizer", "authorizer")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(paths) == 0 || paths[0] != "/2015-03-31/functions/authorizer/invocations" {
		t.Errorf("the authorizer was called at %v", paths)
	}
}

// findCheck returns the first check under o whose text starts with prefix.
func findCheck(t *testing.T, o fyne.CanvasObject, prefix string) *widget.Check {
	t.Helper()
	for _, obj := range objects(o) {
		if c, ok := obj.(*widget.Check); ok && strings.HasPrefix(c.Text, prefix) {
			return c
		}
	}
	t.Fatalf("no %q check", prefix)
	return nil
}

// waitTabState adds a tab with header and waits until its state, past
// connecting, shows want.
func (tb *testBench) waitTabState(name string, header http.Header, want string) *clients.Tab {
	tb.t.Helper()
	tab := tb.wb.clients.Add(clients.Target{Header: header}, true)
	tb.waitFor(name+": the tab's state to show "+want, func() bool {
		st := tab.Model.Client().State()
		return st.Phase != client.Connecting && strings.Contains(tab.StateLabel.Text, want)
	})
	return tab
}

// hasLineContaining reports whether step s has a line labelled label whose
// text contains text.
func hasLineContaining(s trace.Step, label, text string) bool {
	for _, l := range s.Lines {
		if l.Label == label && strings.Contains(l.Text, text) {
			return true
		}
	}
	return false
}

// waitConnectAuthorized waits until the $connect trace of connID has an
// authorizer step that allowed it, naming text in its title or reason.
func (tb *testBench) waitConnectAuthorized(connID, what, text string) {
	tb.t.Helper()
	tb.waitFor(what, func() bool {
		id, ok := tb.wb.traces.ConnectOf(connID)
		if !ok {
			return false
		}
		tr, _ := tb.wb.traces.Get(id)
		for _, s := range trace.Steps(tr) {
			if strings.HasPrefix(s.Title, "Authorizer ") && strings.Contains(s.Title, ": allowed") &&
				(strings.Contains(s.Title, text) || hasLineContaining(s, "why", text)) {
				return true
			}
		}
		return false
	})
}

// TestAPIKeyRequired: ticking "API key required" in the $connect editor
// (the API's key selection expression left empty, AWS's default
// $request.header.x-api-key) makes a tab without x-api-key get 403 and one
// with it connect; unticking lets a tab without it connect again.
func TestAPIKeyRequired(t *testing.T) {
	tb := newBackendBench(t)
	tb.waitConnected(0)
	if e := tb.wb.ws.API.APIKeySelectionExpression; e != "" {
		t.Fatalf("the sample's key selection expression is %q, want empty", e)
	}
	ed := tb.wb.editor
	ed.Routes.SelectRoute("$connect")
	check := findCheck(t, ed.Detail(), "API key required")
	test.Tap(check)
	tb.waitFor("the API key requirement to go live", func() bool { return tb.wb.ctl.Live() && len(tb.wb.ctl.Errors()) == 0 })
	if !tb.wb.ws.API.Route("$connect").APIKeyRequired {
		t.Fatal("the tick did not reach the model")
	}

	tb.waitTabState("no key", nil, "403 Forbidden")
	tb.waitConnectedTab(tb.waitTabState("a key", http.Header{"X-Api-Key": {"k1"}}, "open"))

	test.Tap(findCheck(t, ed.Detail(), "API key required"))
	tb.waitFor("the untick to go live", func() bool {
		return tb.wb.ctl.Live() && len(tb.wb.ctl.Errors()) == 0 && !tb.wb.ws.API.Route("$connect").APIKeyRequired
	})
	tb.waitConnectedTab(tb.waitTabState("no key, not required", nil, "open"))
}

// TestLambdaModeSetting: the Lambda mode chosen in the settings reaches the
// running gateway. Three tabs send at once to an AWS_PROXY route whose
// loopback Invoke API holds each call until a second one arrives (or
// a second): in serial mode it never sees two calls at once, in concurrent
// mode it does.
func TestLambdaModeSetting(t *testing.T) {
	for _, tc := range []struct {
		mode    string
		wantMax func(int) bool
	}{
		{"serial", func(n int) bool { return n == 1 }},
		{"concurrent", func(n int) bool { return n >= 2 }},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			var mu sync.Mutex
			inFlight, most, calls := 0, 0, 0
			second := make(chan struct{})
			release := sync.OnceFunc(func() { close(second) })
			invoke := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.ReadAll(r.Body)
				mu.Lock()
				inFlight++
				calls++
				most = max(most, inFlight)
				if inFlight == 2 {
					release()
				}
				mu.Unlock()
				select {
				case <-second:
				case <-time.After(time.Second):
				}
				mu.Lock()
				inFlight--
				mu.Unlock()
				_, _ = io.WriteString(w, `{"statusCode": 200, "body": "done"}`)
			}))
			t.Cleanup(invoke.Close)

			tb := newBackendBench(t)
			ed := tb.wb.editor
			retype(settingsEntry(t, ed, "http://127.0.0.1:3001"), invoke.URL)
			ed.Backend().Mode.SetSelected(tc.mode)
			ed.Routes.SelectRoute("message")
			setIntegrationType(t, ed, model.TypeAWSProxy)
			retype(ed.Field("functionName").Entry(), "fn")
			tb.waitFor("the edits to go live", func() bool { return tb.wb.ctl.Live() && len(tb.wb.ctl.Errors()) == 0 })
			if got := tb.wb.ws.API.Settings.LambdaMode; got != tc.mode {
				t.Fatalf("Lambda mode in the model %q", got)
			}

			for len(tb.wb.clients.List) < 3 {
				tb.wb.clients.Add(clients.Target{}, true)
			}
			seqs := make([]uint64, 3)
			for i := range seqs {
				tb.waitConnected(i)
				seqs[i] = tb.lastSeq(i)
			}
			for i := range seqs {
				tb.send(i, `{"action":"message"}`)
			}
			for i := range seqs {
				tb.waitEntry(i, "the function's answer", receivedAfter(seqs[i], "done"))
			}
			mu.Lock()
			defer mu.Unlock()
			if calls != 3 || !tc.wantMax(most) {
				t.Errorf("%s: %d calls, at most %d at once", tc.mode, calls, most)
			}
		})
	}
}

// TestDeleteAuthorizer: the $connect editor's Delete asks, then removes the
// authorizer and sets $connect back to NONE; the edit goes live (a tab
// without a header connects again). Renaming changes the name, not the ID.
func TestDeleteAuthorizer(t *testing.T) {
	tb := newBackendBench(t)
	ed := tb.wb.editor
	ed.Routes.SelectRoute("$connect")
	for _, o := range objects(ed.Detail()) {
		if sel, ok := o.(*widget.Select); ok && slices.Equal(sel.Options, editor.AuthorizationTypes) {
			sel.SetSelected("CUSTOM")
		}
	}
	test.Tap(findButton(t, ed.Detail(), "New"))
	api := tb.wb.ws.API
	r := api.Route("$connect")
	if r.AuthorizationType != "CUSTOM" || len(api.Authorizers) != 1 {
		t.Fatalf("after New: %q, %d authorizers", r.AuthorizationType, len(api.Authorizers))
	}
	id := r.AuthorizerID
	tb.waitFor("the authorizer to go live", func() bool { return tb.wb.ctl.Live() && len(tb.wb.ctl.Errors()) == 0 })
	tb.waitTabState("no header", nil, "401")

	retype(routeEntry(t, ed, "authorizer name"), "tokens")
	if au := api.Authorizer(id); au == nil || au.Name != "tokens" {
		t.Fatalf("after rename: %+v", au)
	}

	test.Tap(findButton(t, ed.Detail(), "Delete"))
	d := tb.topDialog()
	if !strings.Contains(fmt.Sprint(textsOf(d)), "goes back to authorization NONE") {
		t.Errorf("the confirm dialog does not say what happens to the route: %v", textsOf(d))
	}
	test.Tap(findButton(t, d, "Yes"))
	if len(api.Authorizers) != 0 || r.AuthorizationType != "NONE" || r.AuthorizerID != "" {
		t.Fatalf("after Delete: %d authorizers, $connect %q %q", len(api.Authorizers), r.AuthorizationType, r.AuthorizerID)
	}
	tb.waitFor("the deletion to go live", func() bool { return tb.wb.ctl.Live() && len(tb.wb.ctl.Errors()) == 0 })
	tb.waitConnectedTab(tb.waitTabState("no header, no authorizer", nil, "open"))
}

// textsOf returns the labels' texts under o.
func textsOf(o fyne.CanvasObject) []string {
	var out []string
	for _, obj := range objects(o) {
		if l, ok := obj.(*widget.Label); ok {
			out = append(out, l.Text)
		}
	}
	return out
}

// TestDynamoDBEndpointSetting: the API settings' DynamoDB endpoint field
// sets the workspace's dynamodbEndpoint; a text that is no http(s) URL
// leaves the last valid value.
func TestDynamoDBEndpointSetting(t *testing.T) {
	tb := newBackendBench(t)
	ed := tb.wb.editor
	st := &tb.wb.ctl.Workspace().API.Settings
	field := settingsEntry(t, ed, "http://127.0.0.1:8000")
	retype(field, "http://127.0.0.1:8000")
	if st.DynamoDBEndpoint != "http://127.0.0.1:8000" {
		t.Fatalf("DynamoDBEndpoint %q after typing a URL", st.DynamoDBEndpoint)
	}
	field.SetText("localhost:9000") // one change, as a paste
	if st.DynamoDBEndpoint != "http://127.0.0.1:8000" {
		t.Errorf("DynamoDBEndpoint %q after typing no URL, want the last valid one", st.DynamoDBEndpoint)
	}
	retype(field, "")
	if st.DynamoDBEndpoint != "" {
		t.Errorf("DynamoDBEndpoint %q after clearing the field", st.DynamoDBEndpoint)
	}
}
