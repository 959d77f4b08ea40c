//go:build go1.25

package emulator

import (
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gorilla/websocket"
)

// These tests run the gateway's timeouts at AWS's real durations (10
// minutes idle, 2 hours in all) in a synctest bubble, whose clock moves only
// when every goroutine waits: they take no real time, and a slow machine
// cannot make a 50 ms sleep outlast a scaled-down timeout.

// readClose reads until the gateway's close frame, waiting up to limit of
// the bubble's time.
func readClose(t *testing.T, ws *websocket.Conn, limit time.Duration) (int, string) {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(limit))
	for {
		_, _, err := ws.ReadMessage()
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code, ce.Text
		}
		if err != nil {
			t.Fatalf("read: %v, want a close frame", err)
		}
	}
}

// TestIdleTimeoutFakeTime: messages and pings keep a connection open past
// 10 minutes; 10 minutes of silence close it with 1001 "Going away".
func TestIdleTimeoutFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := seedAPI()
		rec := withDisconnectRecorder(t, api)
		g := startMem(t, api)
		ws := g.dial(t)
		connected := time.Now()
		for i := 0; i < 8; i++ { // activity every 5 minutes, the last at 35 minutes
			if i%2 == 0 {
				send(t, ws, `{"action":"message","messageId":1}`)
				recv(t, ws)
			} else if err := ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(time.Second)); err != nil {
				t.Fatal(err)
			}
			time.Sleep(5 * time.Minute)
		}
		if len(g.Connections()) != 1 {
			t.Fatalf("an active connection was closed")
		}
		code, text := readClose(t, ws, time.Hour)
		if code != 1001 || text != "Going away" {
			t.Errorf("close %d %q, want 1001 Going away", code, text)
		}
		if elapsed := time.Since(connected); elapsed != 45*time.Minute {
			t.Errorf("closed after %v, want 45m: 10 minutes after the last ping", elapsed)
		}
		if code, reason := disconnectCause(t, rec); code != 1001 || reason != "Going away" {
			t.Errorf("$disconnect got %d %q", code, reason)
		}
	})
}

// TestMaxConnectionTimeFakeTime: an active connection is closed after 2
// hours with 1001 "Going away".
func TestMaxConnectionTimeFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := seedAPI()
		rec := withDisconnectRecorder(t, api)
		g := startMem(t, api)
		ws := g.dial(t)
		connected := time.Now()
		done := make(chan struct{})
		go func() { // a message every 5 minutes keeps the connection active
			defer close(done)
			for ws.WriteMessage(websocket.TextMessage, []byte(`{"action":"message","messageId":1}`)) == nil {
				time.Sleep(5 * time.Minute)
			}
		}()
		code, text := readClose(t, ws, 3*time.Hour)
		if code != 1001 || text != "Going away" {
			t.Errorf("close %d %q, want 1001 Going away", code, text)
		}
		if elapsed := time.Since(connected); elapsed != 2*time.Hour {
			t.Errorf("closed after %v, want 2h", elapsed)
		}
		ws.Close()
		<-done
		if code, reason := disconnectCause(t, rec); code != 1001 || reason != "Going away" {
			t.Errorf("$disconnect got %d %q", code, reason)
		}
	})
}

// TestTimeScaleFakeTime: TimeScale divides the timeouts, so 60 turns the
// 10-minute idle timeout into 10 seconds.
func TestTimeScaleFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := seedAPI()
		api.Settings.TimeScale = 60
		g := startMem(t, api)
		ws := g.dial(t)
		connected := time.Now()
		if code, _ := readClose(t, ws, time.Minute); code != 1001 {
			t.Errorf("close %d, want 1001", code)
		}
		if elapsed := time.Since(connected); elapsed != 10*time.Second {
			t.Errorf("closed after %v, want 10s", elapsed)
		}
	})
}
