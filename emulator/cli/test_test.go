package cli

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"wsworkbench/client"
	"wsworkbench/client/scenario"
	"wsworkbench/emulator"
	"wsworkbench/emulator/workspace"

	"github.com/gorilla/websocket"
)

const (
	sampleScenario = "../../assets/sample.scenario.yaml"
	chatScenario   = "../../assets/chat.scenario.yaml"
	seedMock       = "../../../shared/fixtures/seeds/mock-integration.cfn.yaml"
)

// TestTestShippedScenariosPass: the built-in samples' scenarios pass, the
// chat one with three clients and an unordered broadcast.
func TestTestShippedScenariosPass(t *testing.T) {
	for _, tt := range []struct{ workspace, file string }{
		{"sample", sampleScenario},
		{"chat", chatScenario},
	} {
		t.Run(tt.workspace, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", "test", "--workspace", tt.workspace, tt.file)
			if code != ExitOK || !strings.Contains(out, "1 passed, 0 failed") {
				t.Fatalf("exit %d\n%s%s", code, out, errOut)
			}
		})
	}
}

// TestTestChangedTemplateFailsTheRightStep: editing the sample's response
// template turns exactly the step that checks it red, with a readable diff.
func TestTestChangedTemplateFailsTheRightStep(t *testing.T) {
	ws, err := workspace.Parse("sample.yaml", mustRead(t, "../../assets/sample.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	src := string(mustRead(t, "../../assets/sample.yaml"))
	changed := strings.Replace(src, `'1': '{"message": "Hello World"}'`, `'1': '{"message": "Howdy"}'`, 1)
	if changed == src || ws == nil {
		t.Fatal("the sample's template is not where the test expects it")
	}
	path := filepath.Join(t.TempDir(), "sample.yaml")
	if err := os.WriteFile(path, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	junit := filepath.Join(t.TempDir(), "report.xml")
	code, out, errOut := runCLI(t, "", "test", "--workspace", path, "--junit", junit, sampleScenario)
	if code != ExitError {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"FAIL sample API answers on every route (../../assets/sample.scenario.yaml): 3 of 17 steps passed",
		`step 4 (expect alice, ../../assets/sample.scenario.yaml:20:5): messageId 1 selects the "1" response template`,
		`want JSON {"message":"Hello World"}`,
		`got {"message": "Howdy"}`,
		`$.message: want "Hello World", got "Howdy"`,
		"0 passed, 1 failed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "  step "); n != 1 {
		t.Errorf("%d steps reported failed, want 1:\n%s", n, out)
	}
	report := string(mustRead(t, junit))
	if strings.Count(report, "<failure") != 1 || strings.Count(report, "<skipped") != 13 {
		t.Errorf("JUnit report: %d failures, %d skipped; want 1 and 13\n%s", strings.Count(report, "<failure"), strings.Count(report, "<skipped"), report)
	}
}

// TestTestRecordedSeedReplays records a conversation of two window-like
// clients with the seed mock API (a gateway of its own, IDs of its own) and
// replays the recording with `test`: it passes, with the connection IDs as
// variables.
func TestTestRecordedSeedReplays(t *testing.T) {
	ws, err := workspace.Load(seedMock)
	if err != nil {
		t.Fatal(err)
	}
	g, err := emulator.New(ws.API, emulator.Options{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Open(); err != nil {
		t.Fatal(err)
	}
	defer g.Close(context.Background())

	rec := scenario.NewRecorder("seed mock API, recorded")
	tabs := map[string]*client.Client{}
	ids := map[string]string{}
	for _, name := range []string{"tab1", "tab2"} {
		c := client.New(client.Options{URL: g.URL()})
		if err := c.Connect(context.Background()); err != nil {
			t.Fatal(err)
		}
		defer c.Close(1000, "")
		id := waitConnectionID(t, g, c.LocalAddr())
		rec.Connect(name, "", nil, nil, nil, 101, id)
		ids[name] = id
		tabs[name] = c
	}
	talk := func(name, msg string, answers int) {
		c := tabs[name]
		before := c.Log().Len()
		if err := c.Send(msg); err != nil {
			t.Fatal(err)
		}
		rec.Send(name, msg)
		deadline := time.Now().Add(5 * time.Second)
		for {
			var got []string
			for i := before; i < c.Log().Len(); i++ {
				if e := c.Log().At(i); e.Dir == client.Received {
					got = append(got, e.Text)
				}
			}
			if len(got) == answers {
				for _, text := range got {
					rec.Receive(name, text)
				}
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: %d answers to %s, want %d", name, len(got), msg, answers)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	talk("tab1", `{"action":"message","messageId":1}`, 1)
	talk("tab2", `{"action":"message","messageId":2}`, 1)
	talk("tab1", `{"action":"nothing"}`, 1) // Forbidden, with the connection and request IDs
	if err := tabs["tab2"].Close(1000, "bye"); err != nil {
		t.Fatal(err)
	}
	rec.Close("tab2", 1000, "bye")

	recorded := rec.YAML()
	if bytes.Contains(recorded, []byte(ids["tab1"])) || !bytes.Contains(recorded, []byte("${connectionId.tab1}")) {
		t.Fatalf("recording holds a literal connection ID:\n%s", recorded)
	}
	path := filepath.Join(t.TempDir(), "recorded.scenario.yaml")
	if err := os.WriteFile(path, recorded, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", "test", "--workspace", seedMock, path)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s\nrecording:\n%s", code, out, errOut, recorded)
	}
}

func waitConnectionID(t *testing.T, g *emulator.Gateway, local string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	id, err := g.ConnectionIDFrom(ctx, local)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestTestAgainstServeURL runs the shipped sample scenario against a
// separately started `wsworkbench serve sample`, through --url.
func TestTestAgainstServeURL(t *testing.T) {
	s := startServe(t, "--log", "none", "sample")
	wsURL, _ := s.urls(t)
	junit := filepath.Join(t.TempDir(), "report.xml")
	code, out, errOut := runCLI(t, "", "test", "--url", wsURL, "--junit", junit, sampleScenario)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(string(mustRead(t, junit)), `failures="0"`) {
		t.Errorf("report:\n%s", mustRead(t, junit))
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	<-s.wait
}

// TestTestURLWithoutConnectionIDs: against a server that does not tell
// connection IDs (a plain WebSocket server, like a deployed API),
// ${connectionId.NAME} fails the step with advice instead of hanging.
func TestTestURLWithoutConnectionIDs(t *testing.T) {
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/production" {
			http.NotFound(w, r)
			return
		}
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	sc := filepath.Join(t.TempDir(), "ids.yaml")
	if err := os.WriteFile(sc, []byte("steps:\n  - connect: a\n  - post: ${connectionId.a}\n    text: hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCLI(t, "", "test", "--url", "ws"+strings.TrimPrefix(srv.URL, "http")+"/production", sc)
	if code != ExitError || !strings.Contains(out, "step 2 (post ${connectionId.a}") || !strings.Contains(out, "capture the ID from a frame") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

func TestTestUsageAndFileErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("steps:\n  - send: a\n    code: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"test", sampleScenario}, ExitUsage, "give --workspace FILE or --url URL"},
		{[]string{"test", "--workspace", "sample", "--url", "ws://x/y", sampleScenario}, ExitUsage, "one of them"},
		{[]string{"test", "--workspace", "sample"}, ExitUsage, "at least one SCENARIO"},
		{[]string{"test", "--workspace", "sample", "--sigv4", sampleScenario}, ExitUsage, "use it with --url"},
		{[]string{"test", "--workspace", "sample", bad}, ExitError, bad + `:3:5: send: unknown key "code"`},
		{[]string{"test", "--workspace", "sample", "missing.yaml"}, ExitError, "missing.yaml"},
		{[]string{"test", "--workspace", "nope.yaml", sampleScenario}, ExitError, "nope.yaml"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[1:], " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tt.args...)
			if code != tt.code || !strings.Contains(out+errOut, tt.want) {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s\nwant %q", code, tt.code, out, errOut, tt.want)
			}
		})
	}
}

func TestTestHelp(t *testing.T) {
	code, out, errOut := runCLI(t, "", "test", "--help")
	if code != ExitOK || !strings.Contains(out+errOut, "--junit") || !strings.Contains(out+errOut, "docs/scenarios.md") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// BenchmarkReplay1000Steps replays a 1 000-step scenario (500 sends and
// their expects) on the embedded gateway; docs/PERFORMANCE.md has the
// numbers.
func BenchmarkReplay1000Steps(b *testing.B) {
	var src strings.Builder
	src.WriteString("steps:\n  - connect: a\n")
	for i := 0; i < 499; i++ {
		id := 1 + i%2
		fmt.Fprintf(&src, "  - send: a\n    json: {action: message, messageId: %d}\n  - expect: a\n    subset: {message: %s}\n", id, map[int]string{1: "Hello World", 2: "Hi!"}[id])
	}
	src.WriteString("  - close: a\n")
	sc, err := scenario.Parse("bench.yaml", []byte(src.String()))
	if err != nil {
		b.Fatal(err)
	}
	if len(sc.Steps) != 1000 {
		b.Fatalf("%d steps", len(sc.Steps))
	}
	f := testFlags{workspace: "sample"}
	g, closeAll, err := f.startGateway()
	if err != nil {
		b.Fatal(err)
	}
	defer closeAll()
	r := &scenario.Runner{URL: g.URL(), ConnectionID: g.ConnectionIDFrom}
	b.ResetTimer()
	for range b.N {
		if res := r.Run(context.Background(), sc); !res.Passed() {
			var w strings.Builder
			scenario.WriteText(&w, res)
			b.Fatal(w.String())
		}
	}
}
