package emulator

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"wsworkbench/emulator/model"
)

// withDisconnectRecorder adds a $disconnect route backed by a test
// integration, which records the close code and reason it is given.
func withDisconnectRecorder(t *testing.T, api *model.API) *testIntegration {
	ti, uri := newTestIntegration(t, 200)
	api.Routes = append(api.Routes, model.Route{Key: "$disconnect", IntegrationID: "DisconnectRec"})
	api.Integrations = append(api.Integrations, model.Integration{ID: "DisconnectRec", Type: typeTest, URI: uri})
	return ti
}

// disconnectCause waits for $disconnect and returns its code and reason.
func disconnectCause(t *testing.T, ti *testIntegration) (int, string) {
	t.Helper()
	waitFor(t, "$disconnect", func() bool { return len(ti.requests()) > 0 })
	reqs := ti.requests()
	if len(reqs) != 1 {
		t.Fatalf("$disconnect ran %d times", len(reqs))
	}
	rc := reqs[0].Context
	if rc.EventType != EventTypeDisconnect {
		t.Fatalf("eventType %s", rc.EventType)
	}
	return rc.DisconnectStatusCode, rc.DisconnectReason
}

// bigMessage returns a seed message of exactly n bytes.
func bigMessage(n int) string {
	head := `{"action":"message","messageId":1,"pad":"`
	return head + strings.Repeat("x", n-len(head)-2) + `"}`
}

// TestSizeLimits checks 1009 for a frame over 32 KB and a message over
// 128 KB, and that messages at the limits are answered.
func TestSizeLimits(t *testing.T) {
	tests := []struct {
		name      string
		size      int
		frameSize int // the client's write buffer: frames are at most this big
		wantClose bool
	}{
		{name: "frame at 32 KB", size: 32 * 1024, frameSize: 64 * 1024},
		{name: "frame over 32 KB", size: 32*1024 + 1, frameSize: 64 * 1024, wantClose: true},
		{name: "message at 128 KB in 4 KB frames", size: 128 * 1024, frameSize: 4096},
		{name: "message over 128 KB in 4 KB frames", size: 128*1024 + 1, frameSize: 4096, wantClose: true},
		{name: "1 MB frame", size: 1 << 20, frameSize: 2 << 20, wantClose: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := seedAPI()
			rec := withDisconnectRecorder(t, api)
			g := start(t, api)
			d := websocket.Dialer{WriteBufferSize: tt.frameSize}
			ws, _, err := d.Dial(g.URL(), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer ws.Close()
			send(t, ws, `{"action":"message","messageId":2}`)
			send(t, ws, bigMessage(tt.size))
			if got := recv(t, ws); got != `{"message": "Hi!"}` {
				t.Fatalf("the message before: %q", got)
			}
			if !tt.wantClose {
				if got := recv(t, ws); got != `{"message": "Hello World"}` {
					t.Fatalf("got %q", got)
				}
				return
			}
			code, text := expectClose(t, ws)
			if code != 1009 || text != reasonTooBig {
				t.Errorf("close %d %q, want 1009 %q", code, text, reasonTooBig)
			}
			if code, reason := disconnectCause(t, rec); code != 1009 || reason != reasonTooBig {
				t.Errorf("$disconnect got %d %q", code, reason)
			}
		})
	}
}

// TestFrameTypes checks 1003 for a binary frame and 1007 for text that is
// not UTF-8.
func TestFrameTypes(t *testing.T) {
	tests := []struct {
		name   string
		typ    int
		data   []byte
		code   int
		reason string
	}{
		{"binary", websocket.BinaryMessage, []byte(`{"action":"message"}`), 1003, reasonBinary},
		{"invalid UTF-8", websocket.TextMessage, []byte{'{', 0xff, '}'}, 1007, reasonInvalidUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := seedAPI()
			rec := withDisconnectRecorder(t, api)
			g := start(t, api)
			ws := dial(t, g)
			if err := ws.WriteMessage(tt.typ, tt.data); err != nil {
				t.Fatal(err)
			}
			if code, text := expectClose(t, ws); code != tt.code || text != tt.reason {
				t.Errorf("close %d %q, want %d %q", code, text, tt.code, tt.reason)
			}
			if code, reason := disconnectCause(t, rec); code != tt.code || reason != tt.reason {
				t.Errorf("$disconnect got %d %q", code, reason)
			}
		})
	}
}

// TestDisconnectCauses checks the code and reason $disconnect gets for
// every way a connection ends.
func TestDisconnectCauses(t *testing.T) {
	tests := []struct {
		name       string
		end        func(t *testing.T, g *Gateway, ws *websocket.Conn)
		code       int
		reason     string
		clientSees int // the close code the client reads; 0: not checked
	}{
		{
			name: "client closes normally",
			end: func(t *testing.T, g *Gateway, ws *websocket.Conn) {
				ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(1000, "bye"))
			},
			code: 1000, reason: "bye",
		},
		{
			name: "browser tab closes",
			end: func(t *testing.T, g *Gateway, ws *websocket.Conn) {
				ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(1001, ""))
			},
			code: 1001,
		},
		{
			name: "close without status",
			end: func(t *testing.T, g *Gateway, ws *websocket.Conn) {
				ws.WriteMessage(websocket.CloseMessage, nil)
			},
			code: 1005, reason: "Client-side close frame status not set", // AWS's words (recorded_facts_test.go)
		},
		{
			name: "network drops",
			end:  func(t *testing.T, g *Gateway, ws *websocket.Conn) { ws.UnderlyingConn().Close() },
			code: 1006,
		},
		{
			name: "DeleteConnection",
			end: func(t *testing.T, g *Gateway, ws *websocket.Conn) {
				if err := g.DeleteConnection(connectionID(t, g, ws)); err != nil {
					t.Fatal(err)
				}
			},
			code: 1000, reason: "Connection Closed Normally", clientSees: 1000,
		},
		{
			name: "DELETE @connections",
			end: func(t *testing.T, g *Gateway, ws *websocket.Conn) {
				req, _ := http.NewRequest(http.MethodDelete, g.ConnectionsURL()+"/"+connectionID(t, g, ws), nil)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
			},
			code: 1000, reason: "Connection Closed Normally", clientSees: 1000,
		},
		{
			name: "binary frame",
			end: func(t *testing.T, g *Gateway, ws *websocket.Conn) {
				ws.WriteMessage(websocket.BinaryMessage, []byte{1})
			},
			code: 1003, reason: reasonBinary, clientSees: 1003,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := seedAPI()
			rec := withDisconnectRecorder(t, api)
			g := start(t, api)
			ws := dial(t, g)
			tt.end(t, g, ws)
			if tt.clientSees != 0 {
				if code, _ := expectClose(t, ws); code != tt.clientSees {
					t.Errorf("client saw close %d, want %d", code, tt.clientSees)
				}
			}
			code, reason := disconnectCause(t, rec)
			if code != tt.code || reason != tt.reason {
				t.Errorf("$disconnect got %d %q, want %d %q", code, reason, tt.code, tt.reason)
			}
			waitFor(t, "the registry to forget it", func() bool { return len(g.Connections()) == 0 })
		})
	}
}

// TestShutdownClosesConnections checks that Close closes every connection
// with 1001 "Going away" and runs $disconnect for each before it returns.
func TestShutdownClosesConnections(t *testing.T) {
	api := seedAPI()
	rec := withDisconnectRecorder(t, api)
	g, err := New(api, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Open(); err != nil {
		t.Fatal(err)
	}
	var clients []*websocket.Conn
	for i := 0; i < 3; i++ {
		ws, _, err := tryDial(g.URL())
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		clients = append(clients, ws)
	}
	closed := make(chan [2]any, len(clients))
	for _, ws := range clients {
		go func(ws *websocket.Conn) {
			ws.SetReadDeadline(time.Now().Add(5 * time.Second))
			for {
				if _, _, err := ws.ReadMessage(); err != nil {
					ce, _ := err.(*websocket.CloseError)
					if ce == nil {
						closed <- [2]any{0, err.Error()}
					} else {
						closed <- [2]any{ce.Code, ce.Text}
					}
					return
				}
			}
		}(ws)
	}
	if err := g.Close(t.Context()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if n := len(rec.requests()); n != 3 {
		t.Errorf("$disconnect ran %d times before Close returned, want 3", n)
	}
	for _, r := range rec.requests() {
		if r.Context.DisconnectStatusCode != 1001 || r.Context.DisconnectReason != "Going away" {
			t.Errorf("$disconnect got %d %q", r.Context.DisconnectStatusCode, r.Context.DisconnectReason)
		}
	}
	for range clients {
		if got := <-closed; got[0] != 1001 || got[1] != "Going away" {
			t.Errorf("client saw %v, want 1001 Going away", got)
		}
	}
	if _, _, err := tryDial(g.URL()); err == nil {
		t.Errorf("dial after Close succeeded")
	}
	if err := g.Open(); err == nil {
		t.Errorf("Open after Close succeeded")
	}
}

// TestOpenPortInUse checks that Open fails at once when the port is taken.
func TestOpenPortInUse(t *testing.T) {
	g := start(t, seedAPI())
	g2, err := New(seedAPI(), Options{Addr: g.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	if err := g2.Open(); err == nil {
		g2.Close(t.Context())
		t.Fatalf("Open on %s succeeded", g.Addr())
	}
	g2.Close(t.Context())
}

// TestCloseFrameOneBytePayload: a close frame with a 1-byte payload is a
// protocol error (RFC 6455 section 5.5.1): the gateway answers with close
// 1002, not an empty close frame (issue 9 item 10).
func TestCloseFrameOneBytePayload(t *testing.T) {
	g := start(t, seedAPI())
	ws := dial(t, g)
	if err := ws.WriteControl(websocket.CloseMessage, []byte{0x03}, time.Now().Add(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	if code, _ := expectClose(t, ws); code != closeProtocolError {
		t.Errorf("close code %d, want 1002", code)
	}
}
