package emulator

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"wsworkbench/emulator/model"
)

// slowAPI is the seed API (whose "message" route is MOCK) with a route
// "slow" whose integration waits on the network and never answers until
// the gateway closes.
func slowAPI(t *testing.T) (*model.API, *testIntegration) {
	ti, uri := newTestIntegration(t, 200)
	ti.delay = time.Hour
	api := seedAPI()
	api.Routes = append(api.Routes, model.Route{ID: "Slow", Key: "slow", IntegrationID: "SlowInteg",
		RouteResponseSelectionExpression: "$default", RouteResponse: &model.RouteResponse{ID: "SlowResp", Key: "$default"}})
	api.Integrations = append(api.Integrations, model.Integration{ID: "SlowInteg", Type: typeTestBlocking, URI: uri})
	return api, ti
}

// pingPong sends a ping and waits for its pong, with the read deadline of
// recv: the read loop of ws's connection must be free to answer.
func pingPong(t *testing.T, ws *websocket.Conn) {
	t.Helper()
	pong := make(chan struct{}, 1)
	ws.SetPongHandler(func(string) error { pong <- struct{}{}; return nil })
	if err := ws.WriteControl(websocket.PingMessage, []byte("p"), time.Now().Add(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	go func() {
		// ReadMessage runs the pong handler; the answer to the ping is the
		// only thing coming.
		ws.ReadMessage()
	}()
	select {
	case <-pong:
	case <-time.After(5 * time.Second):
		t.Fatal("no pong within 5 s: the read loop is blocked")
	}
}

// TestFloodingClientDoesNotStallOthers: one client sends many messages to
// a route whose backend never answers; another client's message to that
// route, its MOCK round trip and its ping are not held up by the first
// client's work (issue 9 item 5). The flooder waits at its own bound.
func TestFloodingClientDoesNotStallOthers(t *testing.T) {
	api, ti := slowAPI(t)
	g := start(t, api, Options{MaxConcurrentRequests: 16, MaxInflightPerConnection: 4})
	flooder := dial(t, g)
	for i := 0; i < 40; i++ {
		send(t, flooder, `{"action":"slow"}`)
	}
	waitFor(t, "the flooder's calls", func() bool { return len(ti.requests()) == 4 })

	other := dial(t, g)
	send(t, other, `{"action":"slow"}`)
	waitFor(t, "the other client's call", func() bool { return len(ti.requests()) == 5 })
	send(t, other, `{"action":"message","messageId":1}`)
	if got := recv(t, other); got != `{"message": "Hello World"}` {
		t.Fatalf("MOCK answer %s", got)
	}
	pingPong(t, other)
	if n := len(ti.requests()); n != 5 {
		t.Errorf("%d calls reached the backend, want 5 (the flooder's bound is 4)", n)
	}
}

// TestGatewayWideLimitThrottles: when the gateway already runs
// MaxConcurrentRequests calls, a message to such a route is answered at
// once with the "Too Many Requests" frame instead of blocking its read
// loop; MOCK routes still answer.
func TestGatewayWideLimitThrottles(t *testing.T) {
	api, ti := slowAPI(t)
	g := start(t, api, Options{MaxConcurrentRequests: 2})
	sub := g.Subscribe(256)
	a := dial(t, g)
	send(t, a, `{"action":"slow"}`)
	send(t, a, `{"action":"slow"}`)
	waitFor(t, "two calls", func() bool { return len(ti.requests()) == 2 })

	b := dial(t, g)
	send(t, b, `{"action":"slow"}`)
	if got := recv(t, b); !strings.HasPrefix(got, `{"message": "Too Many Requests", "connectionId":"`) {
		t.Fatalf("frame %s, want Too Many Requests", got)
	}
	send(t, b, `{"action":"message","messageId":2}`)
	if got := recv(t, b); got != `{"message": "Hi!"}` {
		t.Fatalf("MOCK answer %s", got)
	}
	var found bool
	waitFor(t, "the throttle event", func() bool {
		for {
			select {
			case e := <-sub.C():
				if e.Kind == EventError && e.Status == 429 && strings.Contains(e.Error, "MaxConcurrentRequests") {
					found = true
				}
			default:
				return found
			}
		}
	})
}

// TestOversizedRouteResponse: a backend answer over API Gateway's 128 KB
// message limit is not sent as one oversized frame (it was, up to 4 MiB)
// nor dropped in silence with the client blamed (over 4 MiB): the client
// gets the "Internal server error" frame and the error event says why
// (issue 9 item 9; docs/DECISIONS.md, Gateway).
func TestOversizedRouteResponse(t *testing.T) {
	for _, size := range []int{128<<10 + 1, 5 << 20} {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			ti, uri := newTestIntegration(t, 200)
			ti.body = strings.Repeat("a", size)
			api := seedAPI()
			api.Routes = append(api.Routes, model.Route{ID: "Big", Key: "big", IntegrationID: "BigInteg",
				RouteResponseSelectionExpression: "$default", RouteResponse: &model.RouteResponse{ID: "BigResp", Key: "$default"}})
			api.Integrations = append(api.Integrations, model.Integration{ID: "BigInteg", Type: typeTestProxy, URI: uri})
			g := start(t, api)
			sub := g.Subscribe(256)
			ws := dial(t, g)
			send(t, ws, `{"action":"big"}`)
			if got := recv(t, ws); !strings.HasPrefix(got, `{"message": "Internal server error", "connectionId":"`) {
				t.Fatalf("frame of %d bytes starting %.60q, want Internal server error", len(got), got)
			}
			var detail string
			waitFor(t, "the error event", func() bool {
				for {
					select {
					case e := <-sub.C():
						if e.Kind == EventError {
							detail = e.Error
						}
						if e.Kind == EventLimit {
							t.Errorf("limit event %q blames the client", e.Error)
						}
					default:
						return detail != ""
					}
				}
			})
			if !strings.Contains(detail, "over the 131072-byte message limit") {
				t.Errorf("error event %q does not say why", detail)
			}
		})
	}
}
