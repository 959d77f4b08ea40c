//go:build go1.25

package emulator

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gorilla/websocket"

	"wsworkbench/emulator/model"
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
		g := startMem(t, api, Options{}, 0)
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
		g := startMem(t, api, Options{}, 0)
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
		g := startMem(t, api, Options{}, 0)
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

// TestSlowClientOwnRepliesFakeTime checks the read loop's own writes: a
// client that sends messages but stops reading their (large) replies stalls
// only itself, and is dropped once a reply stays blocked for WriteTimeout.
// Each direction buffers 64 KB, as a socket would; in the bubble a loaded
// machine cannot make the other client's small reply outlast the 300 ms
// timeout, which it did over TCP (4 runs in 200 under load).
func TestSlowClientOwnRepliesFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := seedAPI()
		api.Integrations[1].Responses[0].ResponseTemplates["3"] = "#foreach($i in [1..1000])" + strings.Repeat("y", 100) + "#end"
		rec := withDisconnectRecorder(t, api)
		g := startMem(t, api, Options{WriteTimeout: 300 * time.Millisecond}, 64<<10)
		slow := g.dial(t)
		fast := g.dial(t)

		sent := make(chan struct{})
		go func() { // the client's own writes block too once the gateway stops reading
			defer close(sent)
			slow.SetWriteDeadline(time.Now().Add(10 * time.Second))
			for i := 0; i < 1000; i++ {
				if slow.WriteMessage(websocket.TextMessage, []byte(`{"action":"message","messageId":3}`)) != nil {
					return
				}
			}
		}()
		// The other client is answered all the while the slow one is
		// stuck, until the slow one is dropped.
		start := time.Now()
		for len(rec.requests()) == 0 {
			send(t, fast, `{"action":"message","messageId":2}`)
			if got := recv(t, fast); got != `{"message": "Hi!"}` {
				t.Fatalf("fast client got %q", got)
			}
			time.Sleep(10 * time.Millisecond)
		}
		if code, _ := disconnectCause(t, rec); code != 1006 {
			t.Errorf("$disconnect code %d, want 1006", code)
		}
		if took := time.Since(start); took < 300*time.Millisecond || took > 400*time.Millisecond {
			t.Errorf("dropped after %v, want WriteTimeout (300ms) after the reply blocked", took)
		}
		slow.Close()
		<-sent
	})
}

// TestCloseCutsOffAtDeadlineFakeTime: a $disconnect whose backend never
// answers is cut off near Close's deadline; Close returns by the deadline
// with an error wrapping context.DeadlineExceeded. In the bubble "by the
// deadline" is exact: over TCP a loaded machine made Close 200 ms late (4
// runs in 200).
func TestCloseCutsOffAtDeadlineFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ti, uri := newTestIntegration(t, 200)
		ti.delay = time.Hour
		api := seedAPI()
		api.Routes = append(api.Routes, model.Route{ID: "Disc", Key: model.RouteDisconnect, IntegrationID: "Slow"})
		api.Integrations = append(api.Integrations, model.Integration{ID: "Slow", Type: typeTestBlocking, URI: uri})
		g := startMem(t, api, Options{}, 0)
		ws := g.dial(t)
		go func() {
			for {
				if _, _, err := ws.ReadMessage(); err != nil {
					return
				}
			}
		}()
		const deadline = 500 * time.Millisecond
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		defer cancel()
		start := time.Now()
		err := g.Close(ctx)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Close: %v, want an error wrapping DeadlineExceeded", err)
		}
		if took := time.Since(start); took > deadline {
			t.Errorf("Close took %v with a %v deadline", took, deadline)
		}
	})
}
