package client

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"
)

// TestMain fails the run when any goroutine outlives the tests (goleak).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// checkLeaks fails t when, after its cleanups (servers closed, clients
// closed), a goroutine runs that did not run before it started. Call it
// first in a test so its cleanup runs last.
func checkLeaks(t *testing.T) {
	t.Helper()
	before := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, before) })
}

// wsServer starts a loopback server whose handler upgrades every request with
// upgrader and hands the connection to serve. It returns the ws:// URL.
func wsServer(t testing.TB, upgrader websocket.Upgrader, serve func(*websocket.Conn, *http.Request)) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		serve(conn, r)
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

// echo answers every text frame with the same text, until the client closes.
func echo(conn *websocket.Conn, _ *http.Request) {
	for {
		typ, data, err := conn.ReadMessage()
		if err != nil {
			return
		}
		if err := conn.WriteMessage(typ, data); err != nil {
			return
		}
	}
}

// drain reads until the connection ends, so close frames get answered.
func drain(conn *websocket.Conn) {
	for {
		if _, _, err := conn.ReadMessage(); err != nil {
			return
		}
	}
}

// newClient returns a client for opts whose OnChange wakes waitFor, and closes
// it when the test ends.
func newClient(t *testing.T, opts Options) *Client {
	t.Helper()
	c := New(opts)
	t.Cleanup(func() { c.Close(websocket.CloseNormalClosure, "") })
	return c
}

// waitFor polls cond until it holds, failing t after 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// lastEntry returns the log's newest entry.
func lastEntry(c *Client) Entry { return c.Log().At(c.Log().Len() - 1) }

// waitPhase waits until the client is in phase p.
func waitPhase(t *testing.T, c *Client, p Phase) {
	t.Helper()
	waitFor(t, "phase "+p.String(), func() bool { return c.State().Phase == p })
}
