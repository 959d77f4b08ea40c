package emulator

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wsworkbench/emulator/model"
	"wsworkbench/emulator/selection"
	"wsworkbench/emulator/vtl"
)

// TestBadPayload checks a message that starts like JSON but is not: a request
// template reading it is CodeBadPayload (400 in the trace, AWS REST's "Could
// not process payload") and the client gets the "Internal server error"
// frame; a response template reading a backend's broken JSON stays a
// configuration error (500). A template that does not read the body renders
// as before.
func TestBadPayload(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"a": broken`)
	}))
	t.Cleanup(backend.Close)
	tests := []struct {
		name       string
		integ      model.Integration
		message    string
		wantFrame  string // "" means internalErrorRE
		wantStatus int
		wantCode   string
	}{
		{
			name:       "request template reads a broken message",
			integ:      model.Integration{Type: model.TypeMock, RequestTemplates: map[string]string{"$default": `{"statusCode": 200, "a": $input.json('$.a')}`}},
			message:    `{"action": broken`,
			wantStatus: http.StatusBadRequest,
			wantCode:   "BadPayload",
		},
		{
			name:       "response template reads a broken backend answer",
			integ:      model.Integration{Type: model.TypeHTTP, URI: backend.URL, Responses: []model.IntegrationResponse{{Key: "$default", ResponseTemplates: map[string]string{"$default": `$input.path('$.a')`}}}},
			message:    `{"action":"x"}`,
			wantStatus: http.StatusInternalServerError,
			wantCode:   "InternalServerError",
		},
		{
			name:      "request template does not read the body",
			integ:     model.Integration{Type: model.TypeMock, RequestTemplates: map[string]string{"$default": `{"statusCode": 200}`}, Responses: []model.IntegrationResponse{{Key: "$default", ResponseTemplates: map[string]string{"$default": `ok`}}}},
			message:   `{"action": broken`,
			wantFrame: "ok",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.integ.ID = "I"
			api := &model.API{
				ID: "Api", Name: "bad payload", RouteSelectionExpression: "$request.body.action",
				Stage:        model.Stage{Name: "dev"},
				Routes:       []model.Route{{ID: "R", Key: "$default", IntegrationID: "I", RouteResponse: &model.RouteResponse{ID: "RR", Key: "$default"}}},
				Integrations: []model.Integration{tt.integ},
			}
			g := start(t, api)
			sub := g.Subscribe(256)
			ws := dial(t, g)
			send(t, ws, tt.message)
			got := recv(t, ws)
			if tt.wantFrame == "" {
				if !internalErrorRE.MatchString(got) {
					t.Fatalf("frame %q, want the Internal server error frame", got)
				}
			} else {
				if got != tt.wantFrame {
					t.Fatalf("frame %q, want %q", got, tt.wantFrame)
				}
				return
			}
			events := collect(t, sub, func(e Event) bool { return e.Kind == EventError })
			e := events[len(events)-1]
			if e.Status != tt.wantStatus || e.Code.String() != tt.wantCode {
				t.Errorf("error event: status %d code %s (%s), want %d %q", e.Status, e.Code, e.Error, tt.wantStatus, tt.wantCode)
			}
			if !strings.Contains(e.Error, "not valid JSON") {
				t.Errorf("error event %q does not say the body is not valid JSON", e.Error)
			}
		})
	}
}

// TestRenderErrorWrapsPayload checks that the gateway's error keeps
// vtl.ErrPayload in its chain, so callers can tell a bad message apart.
func TestRenderErrorWrapsPayload(t *testing.T) {
	g, err := New(&model.API{
		ID: "Api", Name: "bad payload", RouteSelectionExpression: "$request.body.action",
		Routes:       []model.Route{{ID: "R", Key: "$default", IntegrationID: "I"}},
		Integrations: []model.Integration{{ID: "I", Type: model.TypeMock, RequestTemplates: map[string]string{"$default": `$input.path('$')`}}},
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	snap := g.snap.Load()
	req := &request{g: g, snap: snap, body: []byte(`[1,`)}
	_, _, err = req.requestBody(snap.deflt.integ)
	var ge *Error
	if !errors.As(err, &ge) || ge.Code != CodeBadPayload || !errors.Is(err, vtl.ErrPayload) {
		t.Fatalf("err = %v, want a CodeBadPayload *Error wrapping vtl.ErrPayload", err)
	}
}

// TestPlainBodyPathEval checks that an expression the request evaluates
// directly (one plain $request.body member path) gives what the selection
// package's evaluator gives, on JSON and non-JSON messages, and that other
// expressions do not take the direct path.
func TestPlainBodyPathEval(t *testing.T) {
	tests := []struct {
		name   string
		expr   string
		direct bool
	}{
		{"member", "$request.body.action", true},
		{"braced member", "${request.body.messageId}", true},
		{"nested member", "$request.body.a.b", true},
		{"index", "$request.body.items[0]", true},
		{"quoted member with a space", "$request.body['a b']", false},
		{"wildcard", "$request.body.items[*]", false},
		{"negative index", "$request.body.items[-1]", false},
		{"whole body", "$request.body", false},
		{"text around", "x-${request.body.action}", false},
		{"static", "$default", false},
	}
	messages := []string{
		`{"action":"message","messageId":1,"a":{"b":[1,"x"]},"items":["p",{"q":null}],"a b":"sp"}`,
		`{"action":"esc\"aped\u00e9","messageId":1.50,"a":{"b":true},"items":[]}`,
		`{"action":{"k":"v"},"a":null,"items":[[1,2]]}`,
		`[1,2,3]`,
		`"just a string"`,
		`not json`,
		``,
		`{"action":"cut`,
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ce, err := newExpr(tt.expr, selection.ResponseTemplateSelection)
			if err != nil {
				t.Fatal(err)
			}
			if got := ce.bodyPath != ""; got != tt.direct {
				t.Fatalf("direct path %q: got %v, want %v", ce.bodyPath, got, tt.direct)
			}
			for _, m := range messages {
				r := &request{snap: &Snapshot{api: &model.API{}}, body: []byte(m)}
				got, gotOK := r.eval(ce, 0, nil)
				want, wantOK := ce.e.Eval(&selection.Source{Body: []byte(m)})
				if got != want || gotOK != wantOK {
					t.Errorf("message %s: got %q %v, want %q %v", m, got, gotOK, want, wantOK)
				}
			}
		})
	}
}
