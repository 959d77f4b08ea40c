package emulator

import (
	"context"
	"errors"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"wsworkbench/emulator/model"
)

// TestTemplateSelection checks how a request template is chosen and what
// PassthroughBehavior does when none is.
func TestTemplateSelection(t *testing.T) {
	tests := []struct {
		name      string
		tse       string
		templates map[string]string
		pass      string
		message   string
		want      string // the body the integration receives; "415" for Unsupported Media Type
	}{
		{name: "unset picks $default", templates: map[string]string{"$default": "D"}, message: `{"action":"t"}`, want: "D"},
		{name: "unset prefers application/json", templates: map[string]string{"$default": "D", "application/json": "J"}, message: `{"action":"t"}`, want: "J"},
		{name: "expression value", tse: "${request.body.v}", templates: map[string]string{"$default": "D", "a": "A"}, message: `{"action":"t","v":"a"}`, want: "A"},
		{name: "no such key falls back", tse: "${request.body.v}", templates: map[string]string{"$default": "D", "a": "A"}, message: `{"action":"t","v":"b"}`, want: "D"},
		{name: "escaped $default", tse: `\$default`, templates: map[string]string{"$default": "D", "application/json": "J"}, message: `{"action":"t"}`, want: "D"},
		{name: "WHEN_NO_MATCH passes through", tse: "${request.body.v}", templates: map[string]string{"a": "A"}, message: `{"action":"t","v":"b"}`, want: `{"action":"t","v":"b"}`},
		{name: "no templates pass through", message: `{"action":"t"}`, want: `{"action":"t"}`},
		{name: "NEVER rejects", tse: "${request.body.v}", templates: map[string]string{"a": "A"}, pass: "NEVER", message: `{"action":"t","v":"b"}`, want: "415"},
		{name: "NEVER without templates rejects", pass: "NEVER", message: `{"action":"t"}`, want: "415"},
		{name: "WHEN_NO_TEMPLATES with templates rejects", tse: "${request.body.v}", templates: map[string]string{"a": "A"}, pass: "WHEN_NO_TEMPLATES", message: `{"action":"t","v":"b"}`, want: "415"},
		{name: "WHEN_NO_TEMPLATES without templates passes", pass: "WHEN_NO_TEMPLATES", message: `{"action":"t"}`, want: `{"action":"t"}`},
	}
	mediaRE := regexp.MustCompile(`^\{"message": "Unsupported Media Type", "connectionId":"[A-Za-z0-9_-]{15}=", "requestId":"[A-Za-z0-9_-]{15}="\}$`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ti, uri := newTestIntegration(t, 200)
			api := seedAPI()
			api.Routes = append(api.Routes, model.Route{Key: "t", IntegrationID: "T"})
			api.Integrations = append(api.Integrations, model.Integration{ID: "T", Type: typeTest, URI: uri,
				TemplateSelectionExpression: tt.tse, RequestTemplates: tt.templates, PassthroughBehavior: tt.pass})
			g := start(t, api)
			ws := dial(t, g)
			send(t, ws, tt.message)
			if tt.want == "415" {
				if got := recv(t, ws); !mediaRE.MatchString(got) {
					t.Fatalf("got %q, want the Unsupported Media Type frame", got)
				}
				if n := len(ti.requests()); n != 0 {
					t.Errorf("the integration ran %d times", n)
				}
				return
			}
			waitFor(t, "the integration", func() bool { return len(ti.requests()) == 1 })
			r := ti.requests()[0]
			if string(r.Body) != tt.want || r.Templated != (tt.want != tt.message) {
				t.Errorf("body %q templated %v, want %q", r.Body, r.Templated, tt.want)
			}
		})
	}
}

// TestIntegrationFailures checks AWS's answers when a backend fails or
// times out, on a message and on $connect.
func TestIntegrationFailures(t *testing.T) {
	timedOut := regexp.MustCompile(`^\{"message": "Endpoint request timed out", "connectionId":"[A-Za-z0-9_-]{15}=", "requestId":"[A-Za-z0-9_-]{15}="\}$`)
	tests := []struct {
		name      string
		err       error
		delay     time.Duration
		panics    bool
		frame     *regexp.Regexp
		connectTo int
	}{
		{name: "backend error", err: errors.New("function threw"), frame: internalErrorRE, connectTo: 502},
		{name: "timeout", delay: 10 * time.Second, frame: timedOut, connectTo: 504},
		{name: "panic", panics: true, frame: internalErrorRE, connectTo: 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ti, uri := newTestIntegration(t, 200)
			ti.err, ti.delay, ti.panics = tt.err, tt.delay, tt.panics
			api := seedAPI()
			api.Routes = append(api.Routes, model.Route{Key: "x", IntegrationID: "X"})
			api.Integrations = append(api.Integrations, model.Integration{ID: "X", Type: typeTestProxy, URI: uri, TimeoutMillis: 50})
			g := start(t, api)
			ws := dial(t, g)
			send(t, ws, `{"action":"x"}`)
			if got := recv(t, ws); !tt.frame.MatchString(got) {
				t.Errorf("frame %q", got)
			}
			send(t, ws, `{"action":"message","messageId":1}`)
			if got := recv(t, ws); got != `{"message": "Hello World"}` {
				t.Errorf("after the failure: %q", got)
			}

			api.Routes[0].IntegrationID = "X"
			g2 := start(t, api)
			if _, resp, err := tryDial(g2.URL()); err == nil || resp == nil || resp.StatusCode != tt.connectTo {
				t.Errorf("$connect: %v, want HTTP %d", err, tt.connectTo)
			}
		})
	}
}

// TestNetworkIntegrationsRunConcurrently checks that messages on a route
// whose integration waits on the network are handled concurrently, as AWS
// does, and that a two-way proxy route sends the backend's body.
func TestNetworkIntegrationsRunConcurrently(t *testing.T) {
	var inFlight, peak atomic.Int32
	ti, uri := newTestIntegration(t, 200)
	ti.body = "pong"
	gate := make(chan struct{})
	integ := &gatedIntegration{next: ti, gate: gate, inFlight: &inFlight, peak: &peak}
	testIntegrations.Store(uri+"/gated", integ)
	defer testIntegrations.Delete(uri + "/gated")

	api := seedAPI()
	api.Routes = append(api.Routes, model.Route{Key: "slow", IntegrationID: "S", RouteResponse: &model.RouteResponse{Key: "$default"}})
	api.Integrations = append(api.Integrations, model.Integration{ID: "S", Type: typeTestProxy, URI: uri + "/gated"})
	g := start(t, api)
	ws := dial(t, g)
	for i := 0; i < 3; i++ {
		send(t, ws, `{"action":"slow"}`)
	}
	waitFor(t, "three calls in flight", func() bool { return inFlight.Load() == 3 })
	close(gate)
	for i := 0; i < 3; i++ {
		if got := recv(t, ws); got != "pong" {
			t.Errorf("got %q", got)
		}
	}
	if peak.Load() != 3 {
		t.Errorf("peak concurrency %d, want 3", peak.Load())
	}
}

type gatedIntegration struct {
	next           Integration
	gate           chan struct{}
	inFlight, peak *atomic.Int32
}

func (g *gatedIntegration) Invoke(ctx context.Context, req *IntegrationRequest) (*IntegrationResult, error) {
	n := g.inFlight.Add(1)
	for {
		p := g.peak.Load()
		if n <= p || g.peak.CompareAndSwap(p, n) {
			break
		}
	}
	defer g.inFlight.Add(-1)
	select {
	case <-g.gate:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return g.next.Invoke(ctx, req)
}
