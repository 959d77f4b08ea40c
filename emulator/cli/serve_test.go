package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
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

// serveTemplate is a CloudFormation template with $connect, $disconnect
// and a two-way message route, all MOCK.
const serveTemplate = `AWSTemplateFormatVersion: 2010-09-09
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: serve-test
      ProtocolType: WEBSOCKET
      RouteSelectionExpression: $request.body.action
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      StageName: production
      ApiId: !Ref Api
  Connect:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: $connect
      Target: !Sub integrations/${Mock}
  Disconnect:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: $disconnect
      Target: !Sub integrations/${Mock}
  Message:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: message
      RouteResponseSelectionExpression: $default
      Target: !Sub integrations/${Hello}
  MessageResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties:
      ApiId: !Ref Api
      RouteId: !Ref Message
      RouteResponseKey: $default
  Mock:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: MOCK
      RequestTemplates:
        $default: '{"statusCode": 200}'
  Hello:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: MOCK
      RequestTemplates:
        $default: '{"statusCode": 200}'
  HelloResponse:
    Type: AWS::ApiGatewayV2::IntegrationResponse
    Properties:
      ApiId: !Ref Api
      IntegrationId: !Ref Hello
      IntegrationResponseKey: $default
      ResponseTemplates:
        $default: '{"hello": "$context.connectionId"}'
`

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// wsworkbench builds the real binary once per test run, or returns
// $WSWORKBENCH_BIN when set (to measure another build, as
// docs/PERFORMANCE.md does for the shutdown times).
func wsworkbench(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("WSWORKBENCH_BIN"); bin != "" {
		return bin
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "wsworkbench-serve-test")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "wsworkbench")
		out, err := exec.Command("go", "build", "-o", binPath, "wsworkbench").CombinedOutput()
		if err != nil {
			buildErr = errors.New(string(out) + err.Error())
		}
	})
	if buildErr != nil {
		t.Fatalf("go build: %v", buildErr)
	}
	return binPath
}

// server is a running "wsworkbench serve".
type server struct {
	cmd    *exec.Cmd
	lines  chan string // stdout
	stderr *bytes.Buffer
	wait   chan error
}

func startServe(t *testing.T, args ...string) *server {
	t.Helper()
	return startServeEnv(t, nil, args...)
}

// startServeEnv is startServe with env added to the test's environment.
func startServeEnv(t *testing.T, env []string, args ...string) *server {
	t.Helper()
	cmd := exec.Command(wsworkbench(t), append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...)
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, lines: make(chan string, 1000), stderr: &bytes.Buffer{}, wait: make(chan error, 1)}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
		close(s.lines)
		s.wait <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-s.wait
		}
	})
	return s
}

func (s *server) line(t *testing.T) string {
	t.Helper()
	select {
	case l, ok := <-s.lines:
		if !ok {
			t.Fatalf("serve ended; stderr: %s", s.stderr)
		}
		return l
	case <-time.After(10 * time.Second):
		t.Fatalf("no output from serve; stderr: %s", s.stderr)
	}
	return ""
}

// urls reads the two stable lines serve prints when it is ready.
func (s *server) urls(t *testing.T) (wsURL, connURL string) {
	t.Helper()
	l1, l2 := s.line(t), s.line(t)
	m1 := regexp.MustCompile(`^WebSocket: (ws://127\.0\.0\.1:\d+/production)$`).FindStringSubmatch(l1)
	m2 := regexp.MustCompile(`^@connections: (http://127\.0\.0\.1:\d+/production/@connections)$`).FindStringSubmatch(l2)
	if m1 == nil || m2 == nil {
		t.Fatalf("first lines %q, %q", l1, l2)
	}
	return m1[1], m2[1]
}

// dial connects a client to wsURL, sends msg and returns the client and
// the first frame it gets. The client closes when the test ends.
func dial(t *testing.T, wsURL, msg string) (*websocket.Conn, string) {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(wsURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	if err := ws.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	_, got, err := ws.ReadMessage()
	if err != nil {
		t.Fatalf("answer to %s: %v", msg, err)
	}
	return ws, string(got)
}

// stop sends serve sig, reads ws until serve closes it (answering the close
// frame, so serve need not wait for it) and checks that serve exits 0. It
// returns the client's last read error (the close) and the lines serve
// printed after those already read.
func (s *server) stop(t *testing.T, ws *websocket.Conn, sig os.Signal) (closeErr error, lines []string) {
	t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	for closeErr == nil {
		_, _, closeErr = ws.ReadMessage()
	}
	for l := range s.lines {
		lines = append(lines, l)
	}
	select {
	case err := <-s.wait:
		if err != nil {
			t.Fatalf("serve exited with %v; stderr: %s", err, s.stderr)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("serve did not exit after %v", sig)
	}
	return closeErr, lines
}

// TestServe runs the real binary on a file: it prints its URLs, answers,
// logs JSON events, and on SIGTERM closes the client with 1001, runs
// $disconnect and exits 0.
func TestServe(t *testing.T) {
	file := writeFile(t, t.TempDir(), "api.yaml", serveTemplate)
	s := startServe(t, "--log", "json", file)
	wsURL, connURL := s.urls(t)

	ws, hello := dial(t, wsURL, `{"action":"message"}`)
	id := regexp.MustCompile(`^\{"hello": "([A-Za-z0-9_-]{15}=)"\}$`).FindStringSubmatch(hello)
	if id == nil {
		t.Fatalf("answer %q", hello)
	}
	resp, err := http.Post(connURL+"/"+id[1], "application/octet-stream", strings.NewReader("pushed"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, pushed, err := ws.ReadMessage(); err != nil || string(pushed) != "pushed" || resp.StatusCode != 200 {
		t.Fatalf("POST @connections: %d, client got %q %v", resp.StatusCode, pushed, err)
	}

	err, lines := s.stop(t, ws, syscall.SIGTERM)
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 1001 || ce.Text != "Going away" {
		t.Errorf("client saw %v, want close 1001 Going away", err)
	}
	var events []map[string]any
	for _, l := range lines {
		var e map[string]any
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("log line %q is not JSON: %v", l, err)
		}
		events = append(events, e)
	}
	var sawDisconnect, ranDisconnect bool
	for _, e := range events {
		cl, _ := e["close"].(map[string]any)
		if e["kind"] == "disconnect" && cl["code"] == 1001.0 && cl["reason"] == "Going away" && e["connectionId"] == id[1] {
			sawDisconnect = true
		}
		if e["kind"] == "integration" && e["routeKey"] == "$disconnect" && e["status"] == 200.0 {
			ranDisconnect = true
		}
	}
	if !sawDisconnect || !ranDisconnect {
		t.Errorf("log lacks the disconnect (%v) or the $disconnect integration (%v):\n%v", sawDisconnect, ranDisconnect, events)
	}
}

// TestServeSample runs the built-in sample with the default text log: the
// connect's lines, then one line for the message that says what happened
// to it, and none of its steps (--log steps has those).
func TestServeSample(t *testing.T) {
	s := startServe(t, "--time-scale", "60", "sample")
	wsURL, _ := s.urls(t)
	ws, got := dial(t, wsURL, `{"action":"message","messageId":2}`)
	if got != `{"message": "Hi!"}` {
		t.Fatalf("got %q", got)
	}
	want := []*regexp.Regexp{
		regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d{3} integration conn=\S+ req=\S+ route=\$connect type=MOCK status=200 took=\S+$`),
		regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d{3} connect     conn=\S+ req=\S+ route=\$connect outcome=accepted status=200 `),
		regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d{3} message     conn=\S+ req=\S+ route=message integration=MOCK status=200 in=34 out=18 took=\S+$`),
	}
	for _, re := range want {
		if l := s.line(t); !re.MatchString(l) {
			t.Errorf("log line %q, want %v", l, re)
		}
	}
	s.stop(t, ws, syscall.SIGINT)
}

// TestServeLogNone checks that --log none answers as usual and prints
// nothing after the two URL lines.
func TestServeLogNone(t *testing.T) {
	s := startServe(t, "--log", "none", "sample")
	wsURL, _ := s.urls(t)
	ws, got := dial(t, wsURL, `{"action":"message","messageId":1}`)
	if got != `{"message": "Hello World"}` {
		t.Fatalf("got %q", got)
	}
	_, extra := s.stop(t, ws, syscall.SIGTERM)
	if len(extra) > 0 {
		t.Errorf("--log none printed %q", extra)
	}
}

// TestServeErrors checks the exit codes and messages for bad input.
func TestServeErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("Resources:\n  Api:\n    Type: [\n"), 0o644)
	noRSE := filepath.Join(dir, "nrse.yaml")
	os.WriteFile(noRSE, []byte(strings.Replace(serveTemplate, "      RouteSelectionExpression: $request.body.action\n", "", 1)), 0o644)
	busy := startServe(t, "sample")
	wsURL, _ := busy.urls(t)
	busyAddr := strings.TrimSuffix(strings.TrimPrefix(wsURL, "ws://"), "/production")

	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no file", []string{"serve"}, 2, "give one FILE"},
		{"two files", []string{"serve", "a", "b"}, 2, "give one FILE"},
		{"bad flag", []string{"serve", "--nope", "sample"}, 2, "flag provided but not defined"},
		{"bad log", []string{"serve", "--log", "xml", "sample"}, 2, `--log "xml"`},
		{"missing file", []string{"serve", filepath.Join(dir, "none.yaml")}, 1, "no such file"},
		{"bad YAML", []string{"serve", bad}, 1, bad + ":3:"},
		{"does not compile", []string{"serve", noRSE}, 1, "RouteSelectionExpression"},
		{"port in use", []string{"serve", "--listen", busyAddr, "sample"}, 1, "address already in use"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(wsworkbench(t), tt.args...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			cmd.Stdout = io.Discard
			err := cmd.Run()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			}
			if code != tt.code || !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr.String(), tt.code, tt.stderr)
			}
		})
	}
}

// TestServeHelp checks that --help explains FILE and sample and exits 0.
func TestServeHelp(t *testing.T) {
	var out bytes.Buffer
	if code := Run([]string{"serve", "--help"}, Stdio{Out: &out, Err: io.Discard}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"--listen", "--time-scale", "--log", `the word "sample"`, "1001"} {
		if !strings.Contains(out.String(), strings.TrimPrefix(want, "-")) {
			t.Errorf("help lacks %q:\n%s", want, out.String())
		}
	}
}
