package emulator

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"wsworkbench/emulator/samplebackend"
	"wsworkbench/emulator/tlscert"
	"wsworkbench/emulator/workspace"
)

// TestChatSample runs both seed chat projects, loaded unchanged, against the
// built-in chat backend: three clients, one sends
// {"action":"sendmessage","data":"hello"}, all three receive hello. Then a
// client goes away without its $disconnect reaching the backend (AWS calls
// $disconnect best-effort): the next message's post to it answers 410 and
// the chat drops it. Over plain ws:// and over wss:// with the workbench's
// certificate.
func TestChatSample(t *testing.T) {
	cert, err := tlscert.Ensure(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, seed := range []string{"simple-chat.sam.yaml", "simple-chat.serverless.yml"} {
		for _, secure := range []bool{false, true} {
			name := seed + "/ws"
			if secure {
				name = seed + "/wss"
			}
			t.Run(name, func(t *testing.T) {
				runChat(t, seed, secure, cert)
			})
		}
	}
}

func runChat(t *testing.T, seed string, secure bool, cert *tlscert.Cert) {
	ws, err := workspace.Load(filepath.Join("workspace", "testdata", seed))
	if err != nil {
		t.Fatal(err)
	}
	// The backend's client trusts the workbench certificate, as
	// `sample-backend chat` does by default.
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: cert.ClientConfig()}}
	chat := samplebackend.NewChat(samplebackend.Options{HTTPClient: client})
	var loseDisconnects atomic.Bool
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if loseDisconnects.Load() && strings.Contains(strings.ToLower(r.URL.Path), "disconnect") {
			http.Error(w, `{"message":"lost"}`, http.StatusServiceUnavailable)
			return
		}
		chat.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		backend.Close()
		client.CloseIdleConnections()
	})

	api := ws.API.Clone()
	api.Settings.LambdaEndpoint = backend.URL
	var opts Options
	dialer := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	if secure {
		opts.TLS = cert.ServerConfig()
		dialer.TLSClientConfig = &tls.Config{RootCAs: cert.Pool}
	}
	g := start(t, api, opts)
	if secure != strings.HasPrefix(g.URL(), "wss://") {
		t.Fatalf("gateway URL %s", g.URL())
	}

	clients := make([]*websocket.Conn, 3)
	for i := range clients {
		c, _, err := dialer.Dial(g.URL(), nil)
		if err != nil {
			t.Fatalf("client %d: %v", i, err)
		}
		t.Cleanup(func() { c.Close() })
		clients[i] = c
	}
	if n := len(chat.Connections()); n != 3 {
		t.Fatalf("the chat's table has %d connections after three $connects", n)
	}

	send(t, clients[0], `{"action":"sendmessage","data":"hello"}`)
	for i, c := range clients {
		if got := recv(t, c); got != "hello" {
			t.Fatalf("client %d received %q, want hello", i, got)
		}
	}

	// Client 2 goes away; its $disconnect never reaches the backend.
	loseDisconnects.Store(true)
	gone := connectionID(t, g, clients[2])
	clients[2].Close()
	waitFor(t, "the gateway to drop client 2", func() bool {
		_, ok := g.Connection(gone)
		return !ok
	})
	if n := len(chat.Connections()); n != 3 {
		t.Fatalf("the lost $disconnect still removed the connection (%d left)", n)
	}
	send(t, clients[1], `{"action":"sendmessage","data":"still here?"}`)
	for i, c := range clients[:2] {
		if got := recv(t, c); got != "still here?" {
			t.Fatalf("client %d received %q", i, got)
		}
	}
	waitFor(t, "the chat to drop the gone connection", func() bool { return len(chat.Connections()) == 2 })
	for _, id := range chat.Connections() {
		if id == gone {
			t.Fatalf("connection %s kept after its 410", gone)
		}
	}
}
