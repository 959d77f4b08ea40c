package cli

import (
	"crypto/tls"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// heavyTemplate is serveTemplate with a message route "heavy" whose request
// template runs String.matches over a 1 MB string a thousand times: about
// 40 s of work at 43 ms a match, far beyond any shutdown deadline.
var heavyTemplate = strings.Replace(serveTemplate, `  Message:
    Type: AWS::ApiGatewayV2::Route`, `  Heavy:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: heavy
      Target: !Sub integrations/${Slow}
  Slow:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: MOCK
      RequestTemplates:
        $default: '#set($a = "ab")#set($s = $a.repeat(500000))#foreach($i in [1..1000])#if($s.matches("(a|b)*c"))x#end#end{"statusCode": 200}'
  Message:
    Type: AWS::ApiGatewayV2::Route`, 1)

// TestServeShutdownDuringHeavyRender runs the real binary with --tls, holds
// a heavy render on one connection and a TLS connection that never sends a
// request, and sends SIGINT: serve must exit 0 at once (issue 9 item 1,
// issue 10 "Shutdown"). Before the fix it ran the render to its end and
// then waited 5 s in http.Server.Shutdown for the silent connection. The
// time it took is logged for docs/PERFORMANCE.md; the bound asserted is
// generous (a hang, not a speed, is the failure).
func TestServeShutdownDuringHeavyRender(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // serve --tls makes its certificate here
	t.Setenv("HOME", t.TempDir())
	file := writeFile(t, t.TempDir(), "api.yaml", heavyTemplate)
	s := startServe(t, "--tls", "--log", "none", file)
	l1, _ := s.line(t), s.line(t)
	wsURL := strings.TrimPrefix(l1, "WebSocket: ")
	if !strings.HasPrefix(wsURL, "wss://") {
		t.Fatalf("first line %q", l1)
	}
	host := strings.TrimPrefix(strings.Split(wsURL, "/production")[0], "wss://")

	// A TLS connection that completes its handshake and never sends a request.
	silent, err := tls.Dial("tcp", host, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	// A raw TCP connection that sends nothing at all.
	raw, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	// An @connections POST that sends half its body (issue 9 item 10).
	half, err := tls.Dial("tcp", host, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer half.Close()
	if _, err := io.WriteString(half, "POST /production/@connections/AAAAAAAAAAAAAAA= HTTP/1.1\r\nHost: "+host+"\r\nContent-Length: 100\r\n\r\nhalf"); err != nil {
		t.Fatal(err)
	}

	d := websocket.Dialer{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	ws, _, err := d.Dial(wsURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"action":"heavy"}`)); err != nil {
		t.Fatal(err)
	}
	go func() { // answer serve's close frame, as a browser does
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				return
			}
		}
	}()
	time.Sleep(300 * time.Millisecond) // let the render start: SIGINT must stop it mid-way

	start := time.Now()
	if err := s.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.wait:
		took := time.Since(start)
		t.Logf("serve exited %v after SIGINT", took.Round(time.Millisecond))
		if err != nil {
			t.Fatalf("serve exited with %v; stderr: %s", err, s.stderr)
		}
		if strings.Contains(s.stderr.String(), "shutdown after") {
			t.Errorf("serve had to cut work off; stderr: %s", s.stderr)
		}
	case <-time.After(8 * time.Second):
		t.Fatalf("serve did not exit within 8 s of SIGINT; stderr: %s", s.stderr)
	}
}

// TestServeShutdownUnderLoad: SIGINT while 20 clients send as fast as
// they can (each waiting for its answers): serve closes every connection
// with 1001, runs $disconnect and exits 0. The time it took is logged for
// docs/PERFORMANCE.md.
func TestServeShutdownUnderLoad(t *testing.T) {
	file := writeFile(t, t.TempDir(), "api.yaml", serveTemplate)
	s := startServe(t, "--log", "none", file)
	wsURL, _ := s.urls(t)
	const clients = 20
	var sent atomic.Int64
	ended := make(chan struct{}, clients)
	for i := 0; i < clients; i++ {
		ws, _, err := websocket.DefaultDialer.Dial(wsURL, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		go func() {
			defer func() { ended <- struct{}{} }()
			for {
				if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"action":"message"}`)); err != nil {
					return
				}
				if _, _, err := ws.ReadMessage(); err != nil {
					return // the close frame: gorilla answers it
				}
				sent.Add(1)
			}
		}()
	}
	for sent.Load() < 2000 {
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	if err := s.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.wait:
		t.Logf("serve exited %v after SIGINT under load (%d messages answered)", time.Since(start).Round(time.Millisecond), sent.Load())
		if err != nil {
			t.Fatalf("serve exited with %v; stderr: %s", err, s.stderr)
		}
	case <-time.After(8 * time.Second):
		t.Fatalf("serve did not exit within 8 s of SIGINT; stderr: %s", s.stderr)
	}
	for i := 0; i < clients; i++ {
		<-ended
	}
}
