package emulator

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"wsworkbench/emulator/model"
)

// withHello returns the seed API with messageId 1 answered by text.
func withHello(text string) *model.API {
	api := seedAPI()
	api.Integrations[1].Responses[0].ResponseTemplates["1"] = `{"message": "` + text + `"}`
	return api
}

// TestUpdateUnderTraffic swaps configurations while clients talk: no
// connection drops, every answer comes from one configuration or the other,
// an invalid update is refused and leaves the running one answering, and
// after the last update every client gets the new answer.
func TestUpdateUnderTraffic(t *testing.T) {
	g := start(t, withHello("v0"))
	const clients = 6
	var (
		stop    atomic.Bool
		answers atomic.Int64
		wg      sync.WaitGroup
		errs    = make(chan error, clients)
	)
	valid := map[string]bool{}
	for _, v := range []string{"v0", "v1", "v2"} {
		valid[`{"message": "`+v+`"}`] = true
	}
	for i := 0; i < clients; i++ {
		ws := dial(t, g)
		wg.Add(1)
		go func(ws *websocket.Conn) {
			defer wg.Done()
			for !stop.Load() {
				if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"action":"message","messageId":1}`)); err != nil {
					errs <- err
					return
				}
				ws.SetReadDeadline(time.Now().Add(5 * time.Second))
				_, data, err := ws.ReadMessage()
				if err != nil {
					errs <- err
					return
				}
				if !valid[string(data)] {
					errs <- errors.New("unexpected answer " + string(data))
					return
				}
				answers.Add(1)
			}
		}(ws)
	}

	for i := 0; i < 40; i++ {
		v := "v1"
		if i%2 == 1 {
			v = "v2"
		}
		if i%5 == 4 {
			bad := withHello("v1")
			bad.Integrations[1].Responses[0].ResponseTemplates["1"] = `#if($x) unterminated`
			if err := g.Update(bad); err == nil {
				t.Fatalf("an invalid update was accepted")
			}
			continue
		}
		if err := g.Update(withHello(v)); err != nil {
			t.Fatalf("update %d: %v", i, err)
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := g.Update(withHello("v2")); err != nil {
		t.Fatal(err)
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("client: %v", err)
	}
	if answers.Load() == 0 {
		t.Fatalf("no answers during updates")
	}
	if n := len(g.Connections()); n != clients {
		t.Errorf("%d connections after the updates, want %d", n, clients)
	}
	ws := dial(t, g)
	send(t, ws, `{"action":"message","messageId":1}`)
	if got := recv(t, ws); got != `{"message": "v2"}` {
		t.Errorf("after the last update: %q", got)
	}
	if got := g.API().Integrations[1].Responses[0].ResponseTemplates["1"]; got != `{"message": "v2"}` {
		t.Errorf("API() returns %q", got)
	}
}

// TestUpdateRefusedKeepsConfig checks that a refused update leaves the
// running configuration answering, and that API returns a copy.
func TestUpdateRefusedKeepsConfig(t *testing.T) {
	g := start(t, seedAPI())
	ws := dial(t, g)
	bad := seedAPI()
	bad.Integrations[1].Type = model.TypeAWSProxy
	err := g.Update(bad)
	var ce CompileErrors
	if !errors.As(err, &ce) {
		t.Fatalf("Update: %v, want CompileErrors", err)
	}
	send(t, ws, `{"action":"message","messageId":2}`)
	if got := recv(t, ws); got != `{"message": "Hi!"}` {
		t.Errorf("after a refused update: %q", got)
	}
	api := g.API()
	api.Routes = nil
	if len(g.API().Routes) != 2 {
		t.Errorf("API() does not return a copy")
	}
}

// TestUpdateStageAndRoutes checks an update that renames the stage and adds
// a route: open connections keep working on the new routes; new clients use
// the new URL.
func TestUpdateStageAndRoutes(t *testing.T) {
	g := start(t, seedAPI())
	ws := dial(t, g)
	api := seedAPI()
	api.Stage.Name = "dev"
	api.Routes = append(api.Routes, model.Route{Key: "ping", IntegrationID: "Pong", RouteResponse: &model.RouteResponse{Key: "$default"}})
	api.Integrations = append(api.Integrations, model.Integration{ID: "Pong", Type: model.TypeMock,
		RequestTemplates: map[string]string{"$default": `{"statusCode": 200}`},
		Responses:        []model.IntegrationResponse{{Key: "$default", ResponseTemplates: map[string]string{"$default": "pong"}}}})
	if err := g.Update(api); err != nil {
		t.Fatal(err)
	}
	send(t, ws, `{"action":"ping"}`)
	if got := recv(t, ws); got != "pong" {
		t.Errorf("new route on an old connection: %q", got)
	}
	if g.URL() != "ws://"+g.Addr()+"/dev" {
		t.Errorf("URL %s", g.URL())
	}
	ws2 := dial(t, g)
	send(t, ws2, `{"action":"ping"}`)
	if got := recv(t, ws2); got != "pong" {
		t.Errorf("new connection: %q", got)
	}
	if _, resp, err := tryDial("ws://" + g.Addr() + "/production"); err == nil || resp.StatusCode != 403 {
		t.Errorf("the old stage still answers")
	}
}

// TestUpdateTimeScaleAppliesNow checks that a new time scale re-arms the
// idle timer of open connections at once (the demo: set 60 and watch the
// 10-minute idle timeout happen in 10 s).
func TestUpdateTimeScaleAppliesNow(t *testing.T) {
	g := start(t, seedAPI())
	ws := dial(t, g)
	api := seedAPI()
	api.Settings.TimeScale = 3000 // 10 min → 200 ms
	if err := g.Update(api); err != nil {
		t.Fatal(err)
	}
	if code, text := expectClose(t, ws); code != 1001 || text != "Going away" {
		t.Errorf("close %d %q", code, text)
	}
}
