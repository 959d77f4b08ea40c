package interop

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// qaPageHTML is a frontend under test: it connects, asks whoami and times
// the answer, waits for a push, reports how its connection closed, then
// connects again and reports how the second one ended. Each event goes to
// the page's own server (/log), where the test reacts like a QA engineer
// at the workbench: it reads the connection's history, pushes a frame,
// closes with 1011, drops the TCP connection.
const qaPageHTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>qa</title></head><body>
<script>
const url = %q;
let sending = Promise.resolve();
const log = (s) => { sending = sending.then(() => fetch("/log", {method: "POST", body: s})); };
let sentAt = 0, phase = "whoami";
const ws = new WebSocket(url);
ws.onopen = () => { sentAt = performance.now(); ws.send('{"action":"whoami"}'); };
ws.onmessage = (e) => {
  if (phase === "whoami") { phase = "push"; log("whoami " + Math.round(performance.now() - sentAt) + " " + e.data); return; }
  log("pushed " + e.data);
};
ws.onclose = (e) => { log("closed " + e.code); second(); };
function second() {
  const ws2 = new WebSocket(url);
  ws2.onopen = () => ws2.send('{"action":"whoami"}');
  ws2.onmessage = (e) => log("whoami2 0 " + e.data);
  ws2.onclose = (e) => { log("closed2 " + e.code); log("done"); };
}
</script>
<link rel="stylesheet" href="/hold">
</body></html>
`

// faultyWorkspace writes the sample API with faults in its Metadata.
func faultyWorkspace(t *testing.T, faults string) string {
	t.Helper()
	src, err := os.ReadFile("../../assets/sample.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "faulty.yaml")
	if err := os.WriteFile(path, append(src, []byte("Metadata:\n  wsworkbench:\n    faults:\n"+faults)...), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

var connIDPattern = regexp.MustCompile(`"connectionId": "([A-Za-z0-9_-]{15}=)"`)

// TestChromiumFrontendUnderFaults: a page in headless Chromium is the
// frontend under test. Its frames show in the gateway's history of its
// connection, in order; a push reaches it; an injected 300 ms latency shows
// in its measured round trip; a 1011 close reaches its onclose with 1011; a
// TCP drop gives it 1006.
func TestChromiumFrontendUnderFaults(t *testing.T) {
	chromium := needTool(t, "chromium (Debian package chromium)", "chromium")
	s := startServe(t, faultyWorkspace(t, "      messages:\n        - route: whoami\n          latency: 300ms\n"))

	logs := make(chan string, 64)
	release := make(chan struct{})
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, qaPageHTML, s.WS)
		case "/log":
			b, _ := io.ReadAll(io.LimitReader(r.Body, 4096))
			logs <- string(b)
		case "/hold":
			select {
			case <-release:
			case <-time.After(60 * time.Second):
			case <-r.Context().Done():
			}
			w.Header().Set("Content-Type", "text/css")
		default:
			http.NotFound(w, r)
		}
	}))
	defer page.Close()
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()

	home, profile := t.TempDir(), t.TempDir()
	cmd, _ := command(t, 90*time.Second, []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}, chromium,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-proxy-server", "--user-data-dir="+profile, "--dump-dom", page.URL+"/")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	gone := make(chan struct{})
	go func() { exited <- cmd.Wait(); close(gone) }()
	t.Cleanup(func() { // before the temporary directories are removed
		_ = cmd.Process.Kill()
		<-gone
	})
	next := func(prefix string) string {
		t.Helper()
		for {
			select {
			case l := <-logs:
				if l == prefix || strings.HasPrefix(l, prefix+" ") {
					return strings.TrimPrefix(l, prefix+" ")
				}
				t.Fatalf("the page said %q, want %s ...", l, prefix)
			case err := <-exited:
				t.Fatalf("chromium exited (%v) before %q\n%s", err, prefix, stderr.String())
			case <-time.After(30 * time.Second):
				t.Fatalf("the page did not report %q within 30 s", prefix)
			}
		}
	}
	base := strings.TrimSuffix(s.Endpoint, "/"+strings.SplitN(strings.TrimPrefix(s.WS, "ws://"), "/", 2)[1])

	// 1. The round trip the page measured includes the injected latency.
	rttText, answer, _ := strings.Cut(next("whoami"), " ")
	rtt, _ := strconv.Atoi(rttText)
	if rtt < 300 {
		t.Errorf("the page measured %d ms, want at least the injected 300 ms", rtt)
	}
	m := connIDPattern.FindStringSubmatch(answer)
	if m == nil {
		t.Fatalf("whoami answered %q", answer)
	}
	id := m[1]

	// 2. A push from the workbench reaches the page.
	resp, err := http.Post(s.Connections+"/"+id, "text/plain", strings.NewReader("pushed-by-the-tester"))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("push: %v %v", err, resp)
	}
	resp.Body.Close()
	if got := next("pushed"); got != "pushed-by-the-tester" {
		t.Errorf("the page got %q", got)
	}

	// 3. Its frames are in the gateway's history, in order.
	var dirs []string
	resp, err = http.Get(base + "/@wsworkbench/connections/" + id + "/transcript")
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var e struct {
			Dir, Data, Note string
		}
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, e.Dir+":"+e.Note+":"+strings.SplitN(e.Data, "\n", 2)[0])
	}
	resp.Body.Close()
	// (The latency fault is on the message's trace, not in the history.)
	want := []string{"event:connected:", `in::{"action":"whoami"}`, "out::{", "out:@connections:pushed-by-the-tester"}
	if len(dirs) != len(want) {
		t.Fatalf("history %q, want %d entries", dirs, len(want))
	}
	for i := range want {
		if !strings.HasPrefix(dirs[i], want[i]) {
			t.Fatalf("history %q, want prefixes %q", dirs, want)
		}
	}

	// 4. A 1011 close chosen by the tester reaches the page's onclose.
	resp, err = http.Post(base+"/@wsworkbench/connections/"+id+"/close?code=1011&reason=server+error", "", nil)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("close: %v %v", err, resp)
	}
	resp.Body.Close()
	if got := next("closed"); got != "1011" {
		t.Errorf("the page's onclose got %s, want 1011", got)
	}

	// 5. A TCP drop gives the page 1006.
	m = connIDPattern.FindStringSubmatch(next("whoami2"))
	if m == nil {
		t.Fatal("no second connection ID")
	}
	resp, err = http.Post(base+"/@wsworkbench/connections/"+m[1]+"/drop", "", nil)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("drop: %v %v", err, resp)
	}
	resp.Body.Close()
	if got := next("closed2"); got != "1006" {
		t.Errorf("the page's onclose got %s after a TCP drop, want 1006", got)
	}
	next("done")
	close(release)
	select {
	case <-gone:
	case <-time.After(30 * time.Second):
		t.Error("chromium did not exit")
	}
}

// TestNodeClientSeesRefusedConnect: a connect fault refuses with 429, and a
// Node.js client using the ws package (wscat's) sees that status.
func TestNodeClientSeesRefusedConnect(t *testing.T) {
	node := needTool(t, "node", "node")
	needFile(t, "the ws package (npm ci in test/interop)", "node_modules/ws/package.json")
	s := startServe(t, faultyWorkspace(t, "      connect:\n        status: 429\n"))
	script := `const WebSocket = require("ws");
const ws = new WebSocket(process.argv[1]);
ws.on("unexpected-response", (req, res) => { console.log("status " + res.statusCode); process.exit(0); });
ws.on("open", () => { console.log("open"); process.exit(0); });
ws.on("error", (e) => { console.log("error " + e.message); process.exit(0); });`
	res := run(t, 30*time.Second, []string{"PATH=" + os.Getenv("PATH"), "NODE_PATH=" + filepath.Join(mustAbs(t, "node_modules"))}, nil, node, "-e", script, s.WS)
	if strings.TrimSpace(res.Stdout) != "status 429" {
		t.Fatalf("node printed %q (stderr %s)", res.Stdout, res.Stderr)
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
