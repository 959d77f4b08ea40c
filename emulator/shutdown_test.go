package emulator

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"wsworkbench/emulator/model"
	"wsworkbench/emulator/tlscert"
)

// heavyTemplate runs String.matches over a 32 KB string a million times:
// minutes of work (issue 9 item 1), in steps of a few milliseconds. The
// string is above the 16 KB from which a string method checks the budget
// first. With a 1 MB string one uninterruptible step took seconds under
// -race on a loaded machine, and the tests that wait for the render to
// stop ran out of time (about 1 run in 20).
const heavyTemplate = `#set($a = "ab")#set($s = $a.repeat(16384))#foreach($j in [1..1000])#foreach($i in [1..1000])#if($s.matches("(a|b)*c"))x#end#end#end{"statusCode": 200}`

// heavyAPI is the seed API whose message route renders heavyTemplate.
func heavyAPI() *model.API {
	api := seedAPI()
	api.Integrations[1].RequestTemplates = map[string]string{"$default": heavyTemplate}
	return api
}

// closeWithin closes g with a deadline d away and returns Close's error and
// how long it took.
func closeWithin(g *Gateway, d time.Duration) (error, time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	start := time.Now()
	err := g.Close(ctx)
	return err, time.Since(start)
}

// openGateway opens a gateway the test closes itself (start's cleanup
// closes it again, harmlessly).
func openGateway(t *testing.T, api *model.API, opts Options) *Gateway {
	t.Helper()
	return start(t, api, opts)
}

// TestHeavyTemplateTimesOut: a template that works longer than the
// integration timeout (29 s, divided by the time scale) stops, and the
// client gets AWS's "Endpoint request timed out" frame; the connection
// stays open.
func TestHeavyTemplateTimesOut(t *testing.T) {
	api := heavyAPI()
	api.Settings.TimeScale = 100 // 29 s → 290 ms
	g := start(t, api)
	sub := g.Subscribe(64)
	ws := dial(t, g)
	send(t, ws, `{"action":"message","messageId":1}`)
	got := recv(t, ws)
	if !strings.HasPrefix(got, `{"message": "Endpoint request timed out", "connectionId":"`) {
		t.Fatalf("frame %s, want Endpoint request timed out", got)
	}
	var detail string
	waitFor(t, "the error event", func() bool {
		for {
			select {
			case e := <-sub.C():
				if e.Kind == EventError {
					detail = e.Error
					return true
				}
			default:
				return false
			}
		}
	})
	if !strings.Contains(detail, "request template ran past the integration timeout") {
		t.Errorf("error event %q does not say why", detail)
	}
	send(t, ws, `{"action":"nothing"}`)
	if got := recv(t, ws); !strings.Contains(got, "Forbidden") {
		t.Errorf("after the timeout the connection answers %s", got)
	}
}

// TestCloseDuringHeavyRender: Close stops a render in progress (its client
// can no longer get an answer) and finishes gracefully, long before the
// render would have (issue 9 item 1: serve ignored SIGTERM for 50 s).
func TestCloseDuringHeavyRender(t *testing.T) {
	g := openGateway(t, heavyAPI(), Options{})
	ws := dial(t, g)
	send(t, ws, `{"action":"message","messageId":1}`)
	time.Sleep(100 * time.Millisecond) // let the render start; the outcome is the same if it has not
	closed := make(chan int, 1)
	go func() {
		code, _ := expectClose(t, ws)
		closed <- code
	}()
	err, took := closeWithin(g, 10*time.Second)
	t.Logf("Close took %v", took)
	if err != nil {
		t.Fatalf("Close: %v (the render held it)", err)
	}
	if code := <-closed; code != closeGoingAway {
		t.Errorf("close code %d, want 1001", code)
	}
}

// TestCloseDuringHeavyRenderNotReading: a client that neither reads nor
// answers the close frame cannot hold Close past its deadline either.
func TestCloseDuringHeavyRenderNotReading(t *testing.T) {
	g := openGateway(t, heavyAPI(), Options{})
	ws := dial(t, g)
	send(t, ws, `{"action":"message","messageId":1}`)
	err, took := closeWithin(g, time.Second)
	t.Logf("Close took %v: %v", took, err)
	if took > 2*time.Second {
		t.Errorf("Close took %v with a 1 s deadline", took)
	}
}

// TestCloseDoesNotWaitForIdleHTTP: Close does not wait for HTTP
// connections without a request in flight: a TLS connection that never
// sent a request (http.Server.Shutdown waits 5 s for those), a raw TCP
// connection, and an @connections POST that sent half its body (it held
// shutdown for 30 s, issue 9 item 10). A 2 s deadline is plenty.
func TestCloseDoesNotWaitForIdleHTTP(t *testing.T) {
	cert, err := tlscert.Ensure(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	g := openGateway(t, seedAPI(), Options{TLS: cert.ServerConfig()})
	addr := g.Addr()
	silent, err := tls.Dial("tcp", addr, cert.ClientConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	raw, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	half, err := tls.Dial("tcp", addr, cert.ClientConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer half.Close()
	io.WriteString(half, "POST /production/@connections/AAAAAAAAAAAAAAA= HTTP/1.1\r\nHost: "+addr+"\r\nContent-Length: 100\r\n\r\nhalf")
	ws, _, err := (&websocket.Dialer{TLSClientConfig: cert.ClientConfig()}).Dial(g.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	go func() {
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				return
			}
		}
	}()
	time.Sleep(50 * time.Millisecond) // let the server read the half body
	err, took := closeWithin(g, 2*time.Second)
	t.Logf("Close took %v", took)
	if err != nil {
		t.Fatalf("Close: %v", err)
	}
	// The half-sent request's connection is closed, not left open.
	half.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadAll(half); err != nil && !errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "reset") {
		t.Errorf("half-sent request's connection: %v, want it closed", err)
	}
}

// TestHTTPIdleTimeout: an idle HTTP keep-alive connection (an
// @connections client's) is closed after HTTPIdleTimeout.
func TestHTTPIdleTimeout(t *testing.T) {
	g := start(t, seedAPI(), Options{HTTPIdleTimeout: 100 * time.Millisecond})
	nc, err := net.Dial("tcp", g.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	io.WriteString(nc, "GET /production/@connections/AAAAAAAAAAAAAAA= HTTP/1.1\r\nHost: "+g.Addr()+"\r\n\r\n")
	nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, err := io.ReadAll(nc) // the response, then EOF when the server closes the idle connection
	if err != nil {
		t.Fatalf("the idle connection stayed open: %v (read %q)", err, got)
	}
	if !strings.HasPrefix(string(got), "HTTP/1.1 410") {
		t.Errorf("response %q", got)
	}
}
