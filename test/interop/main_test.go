package interop

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// binary is the wsworkbench binary TestMain builds once per run.
var binary string

// seedFile is the seed template every product build must run unchanged.
var seedFile = filepath.Join("..", "..", "emulator", "workspace", "testdata", "mock-integration.cfn.yaml") // the seed, byte for byte

// interopFile is the seed's "message" route plus a $default route that
// answers with the connection's $context (testdata/interop.cfn.yaml).
const interopFile = "testdata/interop.cfn.yaml"

// TestMain builds the real binary into a temporary directory, so every test
// runs what a user runs.
func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "wsworkbench-interop-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "interop:", err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "wsworkbench")
	build := exec.Command("go", "build", "-o", binary, "wsworkbench")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "interop: go build wsworkbench:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a running "wsworkbench serve" process.
type server struct {
	WS          string // ws://127.0.0.1:PORT/STAGE
	Connections string // http://127.0.0.1:PORT/STAGE/@connections
	Endpoint    string // the SDK endpoint: Connections without /@connections
	Host        string // 127.0.0.1:PORT
	out         *lockedBuffer
	events      chan event // the gateway's log, one event per line
}

// event is one line of serve's JSON log.
type event struct {
	Kind         string `json:"kind"`
	ConnectionID string `json:"connectionId"`
	Connect      struct {
		Outcome string `json:"outcome"`
	} `json:"connect"`
	Code int `json:"code"`
}

// waitEvent waits up to 10 s for an event of the given kind and outcome
// ("" for any) and returns it.
func (s *server) waitEvent(t *testing.T, kind, outcome string) event {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case e := <-s.events:
			if e.Kind == kind && (outcome == "" || e.Connect.Outcome == outcome) {
				return e
			}
		case <-timeout:
			t.Fatalf("the gateway logged no %s event (outcome %q) within 10 s", kind, outcome)
		}
	}
}

var (
	wsURLPattern   = regexp.MustCompile(`ws://127\.0\.0\.1:\d+/\S+`)
	connURLPattern = regexp.MustCompile(`http://127\.0\.0\.1:\d+/\S+/@connections`)
)

// startServe runs "wsworkbench serve --listen 127.0.0.1:0 FILE" and waits
// until it prints its URLs. The process is interrupted (and, if it lingers,
// killed) when the test ends.
func startServe(t *testing.T, file string) *server {
	t.Helper()
	cmd := exec.Command(binary, "serve", "--listen", "127.0.0.1:0", "--log", "json", file)
	out := &lockedBuffer{}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s serve: %v", binary, err)
	}
	exited := make(chan struct{})
	scanned := make(chan struct{})
	lines := make(chan string, 64)
	events := make(chan event, 1024)
	go func() {
		defer close(scanned)
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := sc.Text()
			out.Write([]byte(line + "\n"))
			var e event
			if strings.HasPrefix(line, "{") && json.Unmarshal([]byte(line), &e) == nil {
				select {
				case events <- e:
				default: // a test that does not wait for events
				}
				continue
			}
			select {
			case lines <- line:
			default: // nobody waits for lines once the URLs are known
			}
		}
	}()
	go func() {
		// Wait closes the pipe: only after every line is read (os/exec).
		<-scanned
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			t.Errorf("wsworkbench serve did not stop within 10 s of SIGINT; output:\n%s", out)
		}
		if t.Failed() {
			t.Logf("wsworkbench serve output:\n%s", out)
		}
	})

	s := &server{out: out, events: events}
	deadline := time.After(20 * time.Second)
	for s.WS == "" || s.Connections == "" {
		select {
		case line, ok := <-lines:
			if !ok {
				<-exited
				t.Fatalf("wsworkbench serve %s exited before printing its URLs: %v\n%s", file, cmd.ProcessState, out)
			}
			if u := wsURLPattern.FindString(line); u != "" && s.WS == "" {
				s.WS = u
			}
			if u := connURLPattern.FindString(line); u != "" {
				s.Connections = u
			}
		case <-deadline:
			t.Fatalf("wsworkbench serve %s printed no URLs within 20 s:\n%s", file, out)
		}
	}
	s.Endpoint = strings.TrimSuffix(s.Connections, "/@connections")
	s.Host = strings.SplitN(strings.TrimPrefix(s.WS, "ws://"), "/", 2)[0]
	return s
}

// lockedBuffer is a bytes.Buffer safe for concurrent writers and readers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// needFile fails the test (not skips it) when setup has not installed a
// file the tests need.
func needFile(t *testing.T, name, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("%s is not installed (%v): run scripts/setup.sh", name, err)
	}
}

// needTool returns the path of a client the tests drive, failing the test
// (not skipping it) when setup has not installed it.
func needTool(t *testing.T, name string, candidates ...string) string {
	t.Helper()
	for _, c := range candidates {
		if strings.ContainsRune(c, '/') {
			if st, err := os.Stat(c); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
				abs, _ := filepath.Abs(c)
				return abs
			}
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	t.Fatalf("%s is not installed (looked for %s): run scripts/setup.sh", name, strings.Join(candidates, ", "))
	return ""
}

// awsEnv is an environment for the AWS clients: dummy credentials and
// region, no instance metadata lookups and a HOME of its own, so no real
// configuration or credentials are ever read.
func awsEnv(t *testing.T) []string {
	t.Helper()
	home := t.TempDir()
	env := []string{
		"HOME=" + home,
		"PATH=" + os.Getenv("PATH"),
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
		"AWS_PAGER=",
		"NO_COLOR=1",
	}
	return env
}

// result is what a finished command printed.
type result struct {
	Stdout, Stderr string
	Code           int
}

// run runs a command with a deadline and returns its output and exit code;
// it fails the test only if the command cannot start or overruns.
func run(t *testing.T, timeout time.Duration, env []string, stdin io.Reader, name string, args ...string) result {
	t.Helper()
	cmd, ctx := command(t, timeout, env, name, args...)
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := result{Stdout: stdout.String(), Stderr: stderr.String()}
	if ctx.Err() != nil {
		t.Fatalf("%s %s did not finish within %s\nstdout:\n%s\nstderr:\n%s", filepath.Base(name), strings.Join(args, " "), timeout, res.Stdout, res.Stderr)
	}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%s: %v", name, err)
		}
		res.Code = ee.ExitCode()
	}
	return res
}

// command returns a command that is killed after timeout (or when the test
// ends), and the context that tells whether that happened.
func command(t *testing.T, timeout time.Duration, env []string, name string, args ...string) (*exec.Cmd, context.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	cmd.WaitDelay = 2 * time.Second
	return cmd, ctx
}

// requestContext is what the interop API's $default route answers.
type requestContext struct {
	ConnectionID string `json:"connectionId"`
	DomainName   string `json:"domainName"`
	Stage        string `json:"stage"`
	RouteKey     string `json:"routeKey"`
}

// dialInterop connects a gorilla client to the interop API and asks its
// $default route who it is.
func dialInterop(t *testing.T, s *server, userAgent string) (*websocket.Conn, requestContext) {
	t.Helper()
	h := map[string][]string{}
	if userAgent != "" {
		h["User-Agent"] = []string{userAgent}
	}
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	ws, resp, err := d.Dial(s.WS, h)
	if err != nil {
		t.Fatalf("dial %s: %v (response %v)", s.WS, err, resp)
	}
	t.Cleanup(func() { ws.Close() })
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"action":"whoami"}`)); err != nil {
		t.Fatal(err)
	}
	var frame struct {
		RequestContext requestContext `json:"requestContext"`
	}
	data := readText(t, ws)
	if err := json.Unmarshal([]byte(data), &frame); err != nil {
		t.Fatalf("the $default route answered %q: %v", data, err)
	}
	rc := frame.RequestContext
	if rc.ConnectionID == "" || rc.DomainName != s.Host || rc.Stage != "production" || rc.RouteKey != "$default" {
		t.Fatalf("the $default route answered %s; want the connection id, domainName %s, stage production, routeKey $default", data, s.Host)
	}
	return ws, rc
}

// readText reads one frame within 5 s and requires it to be text.
func readText(t *testing.T, ws *websocket.Conn) string {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	mt, data, err := ws.ReadMessage()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if mt != websocket.TextMessage {
		t.Fatalf("got a frame of type %d (%q), want text", mt, data)
	}
	return string(data)
}

// readClose reads the next frame within 5 s and requires it to be the
// close frame; it returns the close code and reason.
func readClose(t *testing.T, ws *websocket.Conn) *websocket.CloseError {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, data, err := ws.ReadMessage()
	if err == nil {
		t.Fatalf("got frame %q, want the connection to close", data)
	}
	ce, ok := err.(*websocket.CloseError)
	if !ok {
		t.Fatalf("read: %v, want a close frame", err)
	}
	return ce
}
