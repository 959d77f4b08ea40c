package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
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

	"wsworkbench/emulator/lambda"
	"wsworkbench/emulator/tlscert"
)

// syncBuffer is a bytes.Buffer safe for a command writing while a test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestSampleBackendServesUntilStopped(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	old := stopContext
	stopContext = func() (context.Context, context.CancelFunc) { return ctx, cancel }
	defer func() { stopContext = old }()

	var out, errOut syncBuffer
	code := make(chan int, 1)
	go func() {
		code <- Run([]string{"sample-backend", "chat", "--listen", "127.0.0.1:0"}, Stdio{Out: &out, Err: &errOut})
	}()
	urlRE := regexp.MustCompile(`Lambda Invoke API on (http://127\.0\.0\.1:\d+)`)
	var url string
	deadline := time.Now().Add(5 * time.Second)
	for url == "" {
		if m := urlRE.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no endpoint printed; stdout %q stderr %q", out.String(), errOut.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	c, err := lambda.NewClient(url, lambda.ModeConcurrent, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	e := lambda.ConnectEvent(lambda.Connection{ConnectionID: "AAAAAAAAAAAAAAA=", Stage: "Prod"}, lambda.Request{RouteKey: "$connect"}, nil, nil)
	payload, _ := json.Marshal(e)
	res, fe, err := c.Invoke(context.Background(), "connect", payload)
	if err != nil || fe != "" || !strings.Contains(string(res), "Connected.") {
		t.Fatalf("connect: %s %q %v", res, fe, err)
	}
	cancel()
	select {
	case got := <-code:
		if got != ExitOK {
			t.Fatalf("exit %d, stderr %q", got, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sample-backend did not stop")
	}
	if !strings.Contains(out.String(), "connect AAAAAAAAAAAAAAA= (1 connected)") {
		t.Fatalf("no call logged: %q", out.String())
	}
	if !strings.Contains(out.String(), "serve --lambda-endpoint "+url) {
		t.Fatalf("no hint how to use it: %q", out.String())
	}
}

func TestSampleBackendErrors(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	notPEM := filepath.Join(t.TempDir(), "x.pem")
	os.WriteFile(notPEM, []byte("nope"), 0o644)
	tests := []struct {
		name string
		args []string
		want int
		msg  string
	}{
		{"no sample", []string{"sample-backend"}, ExitUsage, "name the sample"},
		{"unknown sample", []string{"sample-backend", "todo"}, ExitUsage, "name the sample"},
		{"bad flag", []string{"sample-backend", "--nope", "chat"}, ExitUsage, "flag provided but not defined"},
		{"missing cacert", []string{"sample-backend", "--cacert", "/nonexistent.pem", "chat"}, ExitError, "--cacert"},
		{"cacert not PEM", []string{"sample-backend", "--cacert", notPEM, "chat"}, ExitError, "no PEM certificate"},
		{"bad listen address", []string{"sample-backend", "--listen", "256.0.0.1:1", "chat"}, ExitError, "sample backend"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if got := Run(tt.args, Stdio{Out: &out, Err: &errOut}); got != tt.want {
				t.Fatalf("exit %d, want %d; stderr %q", got, tt.want, errOut.String())
			}
			if !strings.Contains(errOut.String(), tt.msg) {
				t.Fatalf("stderr %q does not mention %q", errOut.String(), tt.msg)
			}
		})
	}
}

func TestSampleBackendTrustsWorkbenchCert(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	_, trusted, err := sampleBackendClient("")
	if err != nil || trusted != "" {
		t.Fatalf("without a certificate: %q %v", trusted, err)
	}
	dir, _ := tlscert.DefaultDir()
	if _, err := tlscert.Ensure(dir); err != nil {
		t.Fatal(err)
	}
	_, trusted, err = sampleBackendClient("")
	if err != nil || trusted != filepath.Join(dir, tlscert.CertFile) {
		t.Fatalf("with the workbench certificate: %q %v", trusted, err)
	}
}

func TestSampleBackendHelp(t *testing.T) {
	var out bytes.Buffer
	if got := Run([]string{"sample-backend", "--help"}, Stdio{Out: &out, Err: &out}); got != ExitOK {
		t.Fatalf("exit %d", got)
	}
	for _, want := range []string{"--listen", "--cacert", "chat"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %q: %s", want, out.String())
		}
	}
}

// TestChatWithServe runs the real binary twice, as a person would: the chat
// sample backend, and serve on each seed chat project (loaded unchanged)
// pointed at it, over ws:// and with --tls. Three clients connect; one sends
// {"action":"sendmessage","data":"hello"}; all three receive hello.
func TestChatWithServe(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	dir, err := tlscert.DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tlscert.Ensure(dir) // serve --tls reuses it; sample-backend trusts it
	if err != nil {
		t.Fatal(err)
	}
	backend := exec.Command(wsworkbench(t), "sample-backend", "chat", "--listen", "127.0.0.1:0")
	out, err := backend.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var backendErr bytes.Buffer
	backend.Stderr = &backendErr
	if err := backend.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		backend.Process.Signal(syscall.SIGTERM)
		backend.Wait()
	})
	sc := bufio.NewScanner(out)
	endpoint := ""
	for endpoint == "" && sc.Scan() {
		if m := regexp.MustCompile(`Lambda Invoke API on (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
			endpoint = m[1]
		}
	}
	if endpoint == "" {
		t.Fatalf("sample-backend printed no endpoint; stderr %s", backendErr.String())
	}
	go io.Copy(io.Discard, out)

	for _, seed := range []string{"simple-chat.sam.yaml", "simple-chat.serverless.yml"} {
		for _, secure := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/tls=%v", seed, secure), func(t *testing.T) {
				args := []string{"--log", "none", "--lambda-endpoint", endpoint}
				dialer := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
				if secure {
					args = append(args, "--tls")
					dialer.TLSClientConfig = cert.ClientConfig()
				}
				s := startServe(t, append(args, filepath.Join("..", "workspace", "testdata", seed))...)
				m := regexp.MustCompile(`^WebSocket: (wss?://127\.0\.0\.1:\d+/\w+)$`).FindStringSubmatch(s.line(t))
				if m == nil {
					t.Fatalf("no WebSocket line; stderr %s", s.stderr)
				}
				var clients []*websocket.Conn
				for i := range 3 {
					c, _, err := dialer.Dial(m[1], nil)
					if err != nil {
						t.Fatalf("client %d: %v; serve stderr %s", i, err, s.stderr)
					}
					defer c.Close()
					clients = append(clients, c)
				}
				if err := clients[0].WriteMessage(websocket.TextMessage, []byte(`{"action":"sendmessage","data":"hello"}`)); err != nil {
					t.Fatal(err)
				}
				for i, c := range clients {
					c.SetReadDeadline(time.Now().Add(10 * time.Second))
					_, data, err := c.ReadMessage()
					if err != nil || string(data) != "hello" {
						t.Fatalf("client %d: %q %v; serve stderr %s", i, data, err, s.stderr)
					}
				}
				for _, c := range clients {
					c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
					c.Close()
				}
				s.cmd.Process.Signal(syscall.SIGTERM)
				if err := <-s.wait; err != nil {
					t.Fatalf("serve: %v; stderr %s", err, s.stderr)
				}
				if !strings.Contains(s.stderr.String(), "Lambda: "+endpoint+" (calls: auto)") {
					t.Errorf("serve did not say which Lambda endpoint it calls: %s", s.stderr)
				}
			})
		}
	}
}

func TestServeRejectsBadLambdaMode(t *testing.T) {
	var out, errOut bytes.Buffer
	if got := Run([]string{"serve", "--lambda-mode", "fast", "sample"}, Stdio{Out: &out, Err: &errOut}); got != ExitUsage {
		t.Fatalf("exit %d, stderr %q", got, errOut.String())
	}
	if !strings.Contains(errOut.String(), "--lambda-mode") {
		t.Fatalf("stderr %q", errOut.String())
	}
}
