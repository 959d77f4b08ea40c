package emulator

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"wsworkbench/emulator/model"
)

// heavyRouteAPI is the seed API with a route "heavy" beside "message":
// a MOCK whose request template is heavyTemplate.
func heavyRouteAPI() *model.API {
	api := seedAPI()
	heavy := api.Integrations[1]
	heavy.ID = "HeavyInteg"
	heavy.RequestTemplates = map[string]string{"$default": heavyTemplate}
	api.Integrations = append(api.Integrations, heavy)
	api.Routes = append(api.Routes, model.Route{ID: "Heavy", Key: "heavy", IntegrationID: "HeavyInteg",
		RouteResponseSelectionExpression: "$default", RouteResponse: &model.RouteResponse{ID: "HeavyResp", Key: "$default"}})
	return api
}

// nextEvent returns the next event of sub, failing the test when none
// comes within a minute (longer than any render budget the tests use, so
// a render that runs to its budget fails on what it reports, not on time).
func nextEvent(t *testing.T, sub *Subscription) Event {
	t.Helper()
	select {
	case e, ok := <-sub.C():
		if !ok {
			t.Fatal("the event channel closed")
		}
		return e
	case <-time.After(time.Minute):
		t.Fatal("no event for a minute")
	}
	return Event{}
}

// TestClientLeavesDuringHeavyRender: a client sends a message whose MOCK
// request template would render for minutes, then leaves, with a close
// frame or by dropping TCP. The render stops because the client left (its
// error is Canceled, not the Timeout of its 29 s budget), before
// $disconnect runs, while another client is still answered; Close then
// returns at once (issue 9 item 1: the render ran on the read loop, which
// saw the close only after the budget).
func TestClientLeavesDuringHeavyRender(t *testing.T) {
	for _, tc := range []struct {
		name  string
		leave func(ws *websocket.Conn) error
		code  int
	}{
		{"close frame", func(ws *websocket.Conn) error {
			return ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, "bye"), time.Now().Add(5*time.Second))
		}, websocket.CloseNormalClosure},
		{"TCP drop", func(ws *websocket.Conn) error { return ws.Close() }, closeAbnormal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := openGateway(t, heavyRouteAPI(), Options{})
			sub := g.Subscribe(1024)
			ws := dial(t, g)
			id := connectionID(t, g, ws)
			other := dial(t, g)
			send(t, ws, `{"action":"heavy","messageId":1}`)
			for e := nextEvent(t, sub); e.Kind != EventFrameIn || e.ConnectionID != id; e = nextEvent(t, sub) {
			}
			send(t, other, `{"action":"message","messageId":2}`)
			if got := recv(t, other); got != `{"message": "Hi!"}` {
				t.Fatalf("the other client got %s", got)
			}
			left := time.Now()
			if err := tc.leave(ws); err != nil {
				t.Fatal(err)
			}
			var stopped *Event
			for {
				e := nextEvent(t, sub)
				if e.ConnectionID != id {
					continue
				}
				if e.Kind == EventError {
					stopped = &e
				}
				if e.Kind == EventDisconnect {
					if e.Close == nil || e.Close.Code != tc.code {
						t.Errorf("$disconnect %+v, want code %d", e.Close, tc.code)
					}
					break
				}
			}
			t.Logf("$disconnect %v after the client left", time.Since(left))
			if stopped == nil {
				t.Fatal("$disconnect came before the render stopped")
			}
			if stopped.Code != CodeCanceled || !strings.Contains(stopped.Error, "connection closed") {
				t.Fatalf("the render ended with %v %q, want Canceled because the connection closed", stopped.Code, stopped.Error)
			}
			send(t, other, `{"action":"message","messageId":1}`)
			if got := recv(t, other); got != `{"message": "Hello World"}` {
				t.Fatalf("the other client got %s after the render stopped", got)
			}
			closed := make(chan int, 1)
			go func() {
				code, _ := expectClose(t, other) // answers the close, so Close need not wait CloseTimeout
				closed <- code
			}()
			err, took := closeWithin(g, 5*time.Second)
			t.Logf("Close took %v", took)
			if err != nil {
				t.Fatalf("Close: %v", err)
			}
			if code := <-closed; code != closeGoingAway {
				t.Errorf("the other client's close code %d, want 1001", code)
			}
		})
	}
}

// TestHeavyRenderKeepsOrder: while a message's template renders long, the
// gateway reads on (a ping is answered at once) but answers the
// connection's messages in the order they came: the heavy message's frame
// (here its timeout) first, then the cheap ones sent after it.
func TestHeavyRenderKeepsOrder(t *testing.T) {
	api := heavyRouteAPI()
	api.Settings.TimeScale = 10 // the heavy render stops at 2.9 s
	g := start(t, api)
	ws := dial(t, g)
	var mu sync.Mutex
	var got []string
	ws.SetPongHandler(func(string) error {
		mu.Lock()
		got = append(got, "pong")
		mu.Unlock()
		return nil
	})
	send(t, ws, `{"action":"heavy","messageId":1}`)
	send(t, ws, `{"action":"message","messageId":2}`)
	send(t, ws, `{"action":"nothing"}`)
	send(t, ws, `{"action":"message","messageId":1}`)
	if err := ws.WriteControl(websocket.PingMessage, []byte("p"), time.Now().Add(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		ws.SetReadDeadline(time.Now().Add(time.Minute))
		_, data, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		mu.Lock()
		got = append(got, string(data))
		mu.Unlock()
	}
	want := []string{"pong", `{"message": "Endpoint request timed out"`, `{"message": "Hi!"}`, `{"message": "Forbidden"`, `{"message": "Hello World"}`}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Fatalf("got %q, want %q (frame %d)", got, want, i)
		}
	}
}

// TestHeavyRenderBoundsWaitingMessages: behind a long render the gateway
// reads at most MaxInflightPerConnection further messages (and one it
// holds), then stops reading from that client (TCP back-pressure), as a
// connection at its bound of network calls does. Close stops the render
// and drops the waiting messages at once.
func TestHeavyRenderBoundsWaitingMessages(t *testing.T) {
	g := openGateway(t, heavyRouteAPI(), Options{MaxInflightPerConnection: 4})
	ws := dial(t, g)
	send(t, ws, `{"action":"heavy","messageId":1}`)
	for i := 0; i < 10; i++ {
		send(t, ws, `{"action":"message","messageId":2}`)
	}
	c := g.connList()[0]
	waiting := func() int {
		c.mu.Lock()
		defer c.mu.Unlock()
		return len(c.pending)
	}
	waitFor(t, "four waiting messages", func() bool { return waiting() == 4 && c.framesIn.Load() == 6 })
	if n, in := waiting(), c.framesIn.Load(); n != 4 || in != 6 {
		t.Fatalf("%d messages waiting, %d read; want 4 and 6 (the heavy one, 4 waiting, 1 held)", n, in)
	}
	closed := make(chan int, 1)
	go func() {
		code, _ := expectClose(t, ws)
		closed <- code
	}()
	if err, took := closeWithin(g, 5*time.Second); err != nil {
		t.Fatalf("Close: %v after %v", err, took)
	}
	if code := <-closed; code != closeGoingAway {
		t.Errorf("close code %d, want 1001", code)
	}
}

// TestLongRenderReplyWriteDeadline: the answer to a message whose render
// took longer than WriteTimeout is written, with WriteTimeout counted from
// the write. It was counted from the message's arrival, so the deadline
// had passed and the connection dropped without an answer.
func TestLongRenderReplyWriteDeadline(t *testing.T) {
	api := heavyRouteAPI()
	api.Settings.TimeScale = 100 // the heavy render stops at 290 ms
	g := start(t, api, Options{WriteTimeout: 50 * time.Millisecond})
	ws := dial(t, g)
	send(t, ws, `{"action":"heavy","messageId":1}`)
	if got := recv(t, ws); !strings.HasPrefix(got, `{"message": "Endpoint request timed out"`) {
		t.Fatalf("frame %s, want Endpoint request timed out", got)
	}
	send(t, ws, `{"action":"message","messageId":2}`)
	if got := recv(t, ws); got != `{"message": "Hi!"}` {
		t.Fatalf("then %s", got)
	}
}

// heavyConnectAPI is the seed API whose $connect request template is
// heavyTemplate. Its mock authorizer, which allows a request with an
// X-Token header, publishes an event just before the template starts.
func heavyConnectAPI() *model.API {
	api := seedAPI()
	api.Integrations[0].RequestTemplates = map[string]string{"$default": heavyTemplate}
	api.Settings.MockAuthorizer = model.MockAuthorizer{Enabled: true, Header: "X-Token"}
	return api
}

// TestClientLeavesDuringHeavyConnect: a client that gives up on its
// upgrade (it drops TCP) while $connect's template renders stops the
// render at once: the refused connect reports Canceled, not the Timeout of
// the 29 s budget. Whether the drop comes before the render starts or
// during it, the outcome is the same.
func TestClientLeavesDuringHeavyConnect(t *testing.T) {
	g := start(t, heavyConnectAPI())
	sub := g.Subscribe(64)
	nc, err := net.Dial("tcp", g.Addr())
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(g.URL())
	fmt.Fprintf(nc, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nX-Token: v\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", u.Path, g.Addr())
	nc.Close()
	e := nextEvent(t, sub)
	for ; e.Kind != EventConnect; e = nextEvent(t, sub) {
	}
	if e.Code != CodeCanceled {
		t.Fatalf("the connect ended with %v %q, want Canceled", e.Code, e.Error)
	}
}

// TestCloseDuringHeavyConnect: Close stops a $connect template that is
// rendering and returns without cutting anything off (it waited until
// its deadline neared).
func TestCloseDuringHeavyConnect(t *testing.T) {
	g := openGateway(t, heavyConnectAPI(), Options{})
	sub := g.Subscribe(64)
	dialed := make(chan error, 1)
	go func() {
		_, _, err := tryDial(g.URL(), http.Header{"X-Token": {"v"}})
		dialed <- err
	}()
	for e := nextEvent(t, sub); e.Kind != EventAuthorizer; e = nextEvent(t, sub) {
	}
	err, took := closeWithin(g, 5*time.Second)
	t.Logf("Close took %v", took)
	if err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := <-dialed; err == nil {
		t.Error("the upgrade succeeded")
	}
	for e := range sub.C() {
		if e.Kind == EventConnect && e.Code != CodeCanceled {
			t.Errorf("the connect ended with %v %q, want Canceled", e.Code, e.Error)
		}
	}
}

// TestCloseFaultCountsMessagesBehindHeavyRender: a close fault "after 3
// messages" closes after the third message's answer even when the
// messages behind a long render were read while it ran (the count was the
// frames read so far, which had reached 3 by the first message's end).
func TestCloseFaultCountsMessagesBehindHeavyRender(t *testing.T) {
	api := heavyRouteAPI()
	api.Settings.TimeScale = 100 // the heavy render stops at 290 ms
	api.Settings.Faults = model.Faults{Closes: []model.CloseFault{{Code: 1011, Reason: "boom", AfterMessages: 3}}}
	g := start(t, api)
	ws := dial(t, g)
	send(t, ws, `{"action":"heavy","messageId":1}`)
	send(t, ws, `{"action":"message","messageId":2}`)
	send(t, ws, `{"action":"message","messageId":1}`)
	for _, want := range []string{`{"message": "Endpoint request timed out"`, `{"message": "Hi!"}`, `{"message": "Hello World"}`} {
		if got := recv(t, ws); !strings.HasPrefix(got, want) {
			t.Fatalf("frame %s, want %s", got, want)
		}
	}
	if code, text := expectClose(t, ws); code != 1011 || text != "boom" {
		t.Fatalf("close %d %q", code, text)
	}
}
