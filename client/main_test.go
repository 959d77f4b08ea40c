package client

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestMain fails the run when a client goroutine outlives the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if leaked := waitGoroutines(func(stacks string) bool {
			return !strings.Contains(stacks, "wsworkbench/client.(*Client).read")
		}); leaked != "" {
			fmt.Fprintf(os.Stderr, "client goroutines leaked:\n%s\n", leaked)
			code = 1
		}
	}
	os.Exit(code)
}

// waitGoroutines waits up to 5 s for ok(all stacks) and returns "" or the
// stacks that failed it.
func waitGoroutines(ok func(stacks string) bool) string {
	var stacks string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		buf := make([]byte, 1<<20)
		stacks = string(buf[:runtime.Stack(buf, true)])
		if ok(stacks) {
			return ""
		}
	}
	return stacks
}

// checkLeaks fails t when, after its cleanups (servers closed, clients
// closed), more goroutines run than before it started. Call it first in a
// test so its cleanup runs last.
func checkLeaks(t *testing.T) {
	t.Helper()
	base := runtime.NumGoroutine()
	t.Cleanup(func() {
		if stacks := waitGoroutines(func(string) bool { return runtime.NumGoroutine() <= base }); stacks != "" {
			t.Errorf("goroutines leaked: %d running, %d before the test\n%s", runtime.NumGoroutine(), base, stacks)
		}
	})
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
