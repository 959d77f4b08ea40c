package emulator

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wsworkbench/emulator/model"
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
			if e.Status != tt.wantStatus || e.Outcome != tt.wantCode {
				t.Errorf("error event: status %d outcome %q (%s), want %d %q", e.Status, e.Outcome, e.Error, tt.wantStatus, tt.wantCode)
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
