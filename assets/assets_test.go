package assets_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"wsworkbench/assets"
	"wsworkbench/emulator"
	"wsworkbench/emulator/model"
	"wsworkbench/emulator/workspace"
)

func loadSample(t *testing.T) *workspace.Workspace {
	t.Helper()
	w, err := workspace.Parse(assets.SampleName, assets.SampleAPI)
	if err != nil {
		t.Fatalf("the sample does not load: %v", err)
	}
	if len(w.Warnings) != 0 {
		t.Errorf("warnings: %q", w.Warnings)
	}
	return w
}

func TestSampleIsTheSeedAndMore(t *testing.T) {
	w := loadSample(t)
	seed, err := workspace.Load("../emulator/workspace/testdata/mock-integration.cfn.yaml")
	if err != nil {
		t.Fatal(err)
	}
	api := w.API
	if w.Format != workspace.CloudFormation || api.Stage.Name != "production" || api.RouteSelectionExpression != "$request.body.action" {
		t.Errorf("format %v stage %q rse %q", w.Format, api.Stage.Name, api.RouteSelectionExpression)
	}
	// Every route of the seed is in the sample, unchanged, with the same integration.
	for _, sr := range seed.API.Routes {
		r := api.Route(sr.Key)
		if r == nil {
			t.Errorf("the sample lacks the seed's route %s", sr.Key)
			continue
		}
		if d := jsonDiff(*r, sr); d != "" {
			t.Errorf("route %s differs from the seed: %s", sr.Key, d)
		}
		if d := jsonDiff(*api.Integration(r.IntegrationID), *seed.API.Integration(sr.IntegrationID)); d != "" {
			t.Errorf("integration of %s differs from the seed: %s", sr.Key, d)
		}
	}
	for _, key := range []string{"$default", "whoami"} {
		r := api.Route(key)
		if r == nil || r.RouteResponse == nil {
			t.Errorf("route %s missing or not two-way: %+v", key, r)
			continue
		}
		if in := api.Integration(r.IntegrationID); in == nil || in.Type != model.TypeMock || len(in.Responses) != 1 {
			t.Errorf("route %s integration = %+v", key, in)
		}
	}
}

func jsonDiff(a, b any) string {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) == string(jb) {
		return ""
	}
	return string(ja) + "\n  vs " + string(jb)
}

// TestSampleAnswers runs the sample on a real gateway and talks to it with a
// real WebSocket client.
func TestSampleAnswers(t *testing.T) {
	w := loadSample(t)
	g, err := emulator.New(w.API, emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		g.Close(ctx)
	})
	c, _, err := websocket.DefaultDialer.Dial(g.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ask := func(msg string) map[string]any {
		t.Helper()
		if err := c.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, data, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("no answer to %s: %v", msg, err)
		}
		var v map[string]any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatalf("answer to %s is not a JSON object: %q", msg, data)
		}
		return v
	}
	if got := ask(`{"action":"message","messageId":1}`); got["message"] != "Hello World" || len(got) != 1 {
		t.Errorf("messageId 1 → %v, want {message: Hello World}", got)
	}
	if got := ask(`{"action":"message","messageId":2}`); got["message"] != "Hi!" || len(got) != 1 {
		t.Errorf("messageId 2 → %v, want {message: Hi!}", got)
	}
	who := ask(`{"action":"whoami"}`)
	if id, _ := who["connectionId"].(string); len(id) != 16 || who["stage"] != "production" || who["sourceIp"] != "127.0.0.1" {
		t.Errorf("whoami → %v", who)
	}
	for _, msg := range []string{`{"action":"nope"}`, `plain text`} {
		got := ask(msg)
		if got["routeKey"] != "$default" || got["connectionId"] != who["connectionId"] {
			t.Errorf("%s → %v, want the $default answer", msg, got)
		}
		if try, ok := got["try"].([]any); !ok || len(try) != 3 {
			t.Errorf("%s → try = %v", msg, got["try"])
		}
	}
}
