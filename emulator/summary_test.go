package emulator

import (
	"testing"

	"wsworkbench/emulator/model"
)

// funcEvents subscribes a function with filter f, as serve's log does, and
// hands copies of the events it gets to the channel it returns.
func funcEvents(g *Gateway, f Filter) <-chan Event {
	c := make(chan Event, 256)
	g.SubscribeFuncFilter(f, func(e *Event) { c <- e.clone() })
	return c
}

// TestMessageSummaries: a subscriber of MessageSummaries gets one
// EventMessage per message (route, integration, status, code, sizes, time
// taken) and no steps of messages, while a $connect's integration still
// shows; a default subscriber meanwhile gets every step and no
// EventMessage.
func TestMessageSummaries(t *testing.T) {
	api := seedAPI()
	// A route whose MOCK answers a status no integration response matches:
	// an integration failure.
	api.Routes = append(api.Routes, model.Route{ID: "Broken", Key: "broken", IntegrationID: "BrokenMock",
		RouteResponseSelectionExpression: "$default", RouteResponse: &model.RouteResponse{ID: "BrokenResponse", Key: "$default"}})
	api.Integrations = append(api.Integrations, model.Integration{ID: "BrokenMock", Type: model.TypeMock, PassthroughBehavior: "WHEN_NO_MATCH",
		TimeoutMillis: 29000, RequestTemplates: map[string]string{"$default": `{"statusCode": 404}`},
		Responses: []model.IntegrationResponse{{ID: "BrokenOK", Key: "/200/"}}})
	g := start(t, api)
	summaries := funcEvents(g, MessageSummaries)
	all := g.Subscribe(256)
	ws := dial(t, g)
	for _, m := range []string{`{"action":"message","messageId":1}`, `{"action":"other"}`, `{"action":"broken"}`} {
		send(t, ws, m)
		recv(t, ws)
	}

	var got []Event
	messages := 0
	for messages < 3 {
		e := <-summaries
		got = append(got, e)
		if e.Kind == EventMessage {
			messages++
		}
	}
	var msgs []Event
	for _, e := range got {
		switch {
		case e.Kind == EventMessage:
			msgs = append(msgs, e)
		case e.MessageID != "" && StepKinds.Has(e.Kind):
			t.Errorf("a summaries subscriber got a step of a message: %+v", e)
		case e.Kind == EventTemplate:
			t.Errorf("a summaries subscriber got a template event: %+v", e)
		}
	}
	if got[0].Kind != EventIntegration || got[0].RouteKey != "$connect" || got[1].Kind != EventConnect {
		t.Errorf("the connect: %v %v, want the $connect integration, then the connect", got[0].Kind, got[1].Kind)
	}
	forbidden := len(errorFrame(CodeForbidden.Message(), "", "")) + 32 // with the two IDs
	failed := len(errorFrame(CodeInternal.Message(), "", "")) + 32
	for i, tc := range []struct {
		route, integration string
		status             int
		code               Code
		received, sent     int
	}{
		{"message", "MOCK", 200, 0, 34, len(`{"message": "Hello World"}`)},
		{"", "", 403, CodeForbidden, 18, forbidden},
		{"broken", "MOCK", 500, CodeInternal, 19, failed},
	} {
		e := msgs[i]
		integration := ""
		if e.Integration != nil {
			integration = e.Integration.Type
		}
		if e.RouteKey != tc.route || integration != tc.integration || e.Status != tc.status || e.Code != tc.code ||
			e.Message == nil || e.Message.Received != tc.received || e.Message.Sent != tc.sent || e.Message.Dropped ||
			e.Duration <= 0 || e.MessageID == "" || e.RequestID == "" || e.Time.IsZero() {
			t.Errorf("message %d: %+v (%+v), want route %q, integration %q, status %d, code %v, %d bytes in, %d out",
				i, e, e.Message, tc.route, tc.integration, tc.status, tc.code, tc.received, tc.sent)
		}
	}
	// The failure has its own error event with the detail, before its summary.
	var sawError bool
	for _, e := range got {
		if e.Kind == EventError && e.RequestID == msgs[2].RequestID && e.Code == CodeInternal && e.Error != "" {
			sawError = true
		}
	}
	if !sawError {
		t.Errorf("no error event with the detail of the failed message: %v", got)
	}

	// The default subscriber traced every step and got no summary.
	steps := map[EventKind]int{}
	for steps[EventFrameOut] < 3 {
		e := <-all.C()
		if e.Kind == EventMessage {
			t.Errorf("a default subscriber got %+v", e)
		}
		steps[e.Kind]++
	}
	if steps[EventFrameIn] != 3 || steps[EventRoute] != 3 || steps[EventTemplate] < 3 {
		t.Errorf("default subscriber's steps: %v", steps)
	}
}

// TestFilterTakes: a message's events are filtered by Filter.Message,
// everything else by Filter.Other.
func TestFilterTakes(t *testing.T) {
	for _, tc := range []struct {
		name string
		e    Event
		f    Filter
		want bool
	}{
		{"message step, every event", Event{Kind: EventRoute, MessageID: "m"}, EveryEvent, true},
		{"summary, every event", Event{Kind: EventMessage, MessageID: "m"}, EveryEvent, false},
		{"message step, summaries", Event{Kind: EventRoute, MessageID: "m"}, MessageSummaries, false},
		{"message integration, summaries", Event{Kind: EventIntegration, MessageID: "m"}, MessageSummaries, false},
		{"message error, summaries", Event{Kind: EventError, MessageID: "m"}, MessageSummaries, true},
		{"summary, summaries", Event{Kind: EventMessage, MessageID: "m"}, MessageSummaries, true},
		{"$connect integration, summaries", Event{Kind: EventIntegration}, MessageSummaries, true},
		{"$connect template, summaries", Event{Kind: EventTemplate}, MessageSummaries, false},
		{"limit, summaries", Event{Kind: EventLimit}, MessageSummaries, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.f.takes(&tc.e); got != tc.want {
				t.Errorf("takes = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestMessageSummariesWithFaults: a message a fault answers with an error
// frame is summed up with that error's code, and one a fault drops (before
// routing, or its answer) says so.
func TestMessageSummariesWithFaults(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fault   model.MessageFault
		answer  bool
		code    Code
		dropped bool
	}{
		{"error frame", model.MessageFault{Error: "Forbidden"}, true, CodeForbidden, false},
		{"dropped before routing", model.MessageFault{Drop: 1}, false, 0, true},
		{"answer dropped", model.MessageFault{Route: "message", DropAnswer: 1}, false, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := start(t, withFaults(model.Faults{Messages: []model.MessageFault{tc.fault}}))
			summaries := funcEvents(g, MessageSummaries)
			ws := dial(t, g)
			send(t, ws, `{"action":"message","messageId":1}`)
			if tc.answer {
				recv(t, ws)
			}
			for {
				e := <-summaries
				if e.Kind != EventMessage {
					continue
				}
				if e.Code != tc.code || e.Message.Dropped != tc.dropped || (e.Message.Sent > 0) != tc.answer {
					t.Errorf("summary %+v (%+v): want code %v, dropped %v, answered %v", e, e.Message, tc.code, tc.dropped, tc.answer)
				}
				return
			}
		})
	}
}
