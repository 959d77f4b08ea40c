package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"wsworkbench/emulator/model"
)

// httpBackend records the requests it gets and answers by path.
type httpBackend struct {
	url  string
	mu   sync.Mutex
	reqs []recordedRequest
}

type recordedRequest struct {
	Method, Path, Query string
	Header              http.Header
	Body                string
}

func startHTTPBackend(t *testing.T) *httpBackend {
	t.Helper()
	b := &httpBackend{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		b.mu.Lock()
		b.reqs = append(b.reqs, recordedRequest{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), string(body)})
		b.mu.Unlock()
		switch {
		case strings.HasPrefix(r.URL.Path, "/refuse"):
			w.WriteHeader(http.StatusForbidden)
		case strings.HasPrefix(r.URL.Path, "/protocol"):
			w.Header().Set("Sec-WebSocket-Protocol", "chat")
		case strings.HasPrefix(r.URL.Path, "/missing"):
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"error":"not here"}`)
		case strings.HasPrefix(r.URL.Path, "/slow"):
			select {
			case <-time.After(time.Second):
			case <-r.Context().Done():
			}
		default:
			io.WriteString(w, "backend got: "+string(body))
		}
	}))
	t.Cleanup(srv.Close)
	b.url = srv.URL
	return b
}

func (b *httpBackend) requests() []recordedRequest {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]recordedRequest(nil), b.reqs...)
}

func httpAPI(routes map[string]model.Integration, twoWay ...string) *model.API {
	api := &model.API{ID: "HttpApi", Name: "http", RouteSelectionExpression: "$request.body.action", Stage: model.Stage{Name: "dev", Variables: map[string]string{"version": "v2"}}}
	for key, in := range routes {
		in.ID = "Integ" + strings.ReplaceAll(key, "$", "X")
		api.Integrations = append(api.Integrations, in)
		r := model.Route{ID: "Route" + in.ID, Key: key, IntegrationID: in.ID}
		for _, k := range twoWay {
			if k == key {
				r.RouteResponse = &model.RouteResponse{ID: "RR" + in.ID, Key: "$default"}
				r.RouteResponseSelectionExpression = "$default"
			}
		}
		api.Routes = append(api.Routes, r)
	}
	return api
}

func TestHTTPProxyIntegration(t *testing.T) {
	b := startHTTPBackend(t)
	api := httpAPI(map[string]model.Integration{
		"$connect": {Type: model.TypeHTTPProxy, URI: b.url + "/connect", Method: "POST",
			RequestParameters: map[string]string{"integration.request.header.connectionId": "context.connectionId"}},
		"say": {Type: model.TypeHTTPProxy, URI: b.url + "/say/{version}", Method: "PUT",
			RequestParameters: map[string]string{
				"integration.request.header.connectionId": "context.connectionId",
				"integration.request.path.version":        "stageVariables.version",
				"integration.request.querystring.to":      "route.request.body.to",
			}},
		"quiet":   {Type: model.TypeHTTPProxy, URI: b.url + "/quiet"},
		"missing": {Type: model.TypeHTTPProxy, URI: b.url + "/missing"},
		"slow":    {Type: model.TypeHTTPProxy, URI: b.url + "/slow", TimeoutMillis: 100},
	}, "say", "missing", "slow")
	g := start(t, api)
	ws, _, err := tryDial(g.URL()+"?room=1", http.Header{"Authorization": {"Bearer x"}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()

	send(t, ws, `{"action":"say","to":"bob","text":"hi"}`)
	if got := recv(t, ws); got != `backend got: {"action":"say","to":"bob","text":"hi"}` {
		t.Fatalf("two-way HTTP_PROXY answered %q", got)
	}
	send(t, ws, `{"action":"missing"}`)
	if got := recv(t, ws); got != `{"error":"not here"}` {
		t.Fatalf("a 404's body should still be the payload, got %q", got)
	}
	send(t, ws, `{"action":"quiet"}`)
	send(t, ws, `{"action":"slow"}`)
	if got := recv(t, ws); !strings.HasPrefix(got, `{"message": "Endpoint request timed out"`) {
		t.Fatalf("slow backend: %q (and the one-way route must have sent nothing)", got)
	}

	reqs := b.requests()
	byPath := map[string]recordedRequest{}
	for _, r := range reqs {
		byPath[r.Path] = r
	}
	c := byPath["/connect"]
	connID := c.Header.Get("connectionId")
	if c.Method != "POST" || !idRE.MatchString(connID) || c.Header.Get("Authorization") != "Bearer x" || c.Body != "" {
		t.Errorf("$connect request %+v", c)
	}
	if c.Header.Get("Upgrade") != "" || c.Header.Get("Sec-Websocket-Key") != "" || c.Header.Get("X-Forwarded-For") != "127.0.0.1" {
		t.Errorf("$connect forwarded headers %v", c.Header)
	}
	s := byPath["/say/v2"]
	if s.Method != "PUT" || s.Query != "to=bob" || s.Header.Get("connectionId") != connID || s.Header.Get("Content-Type") != "application/json" {
		t.Errorf("message request %+v", s)
	}
	// The one-way call runs beside the slow one: nothing orders it before
	// the timeout frame, so wait for it (under load it came later, 1 run
	// in 200).
	waitFor(t, "the one-way route's backend call", func() bool {
		for _, r := range b.requests() {
			if r.Path == "/quiet" {
				return true
			}
		}
		return false
	})
}

func TestHTTPProxyConnectStatus(t *testing.T) {
	b := startHTTPBackend(t)
	for path, want := range map[string]int{"/refuse": 403, "/ok": 101, "/protocol": 101} {
		t.Run(path, func(t *testing.T) {
			g := start(t, httpAPI(map[string]model.Integration{"$connect": {Type: model.TypeHTTPProxy, URI: b.url + path}}))
			d := websocket.Dialer{HandshakeTimeout: 5 * time.Second, Subprotocols: []string{"chat"}}
			ws, resp, err := d.Dial(g.URL(), nil)
			if want != 101 {
				if err == nil || resp == nil || resp.StatusCode != want {
					t.Fatalf("%v %v, want %d", err, resp, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer ws.Close()
			wantProto := ""
			if path == "/protocol" {
				wantProto = "chat"
			}
			if ws.Subprotocol() != wantProto {
				t.Fatalf("subprotocol %q, want %q", ws.Subprotocol(), wantProto)
			}
		})
	}
}

// TestHTTPIntegration: a non-proxy HTTP integration renders its request
// template and picks its integration response by the backend's status.
func TestHTTPIntegration(t *testing.T) {
	b := startHTTPBackend(t)
	mk := func(path string) model.Integration {
		return model.Integration{
			Type: model.TypeHTTP, URI: b.url + path, Method: "POST",
			RequestTemplates:  map[string]string{"$default": `{"who": "$context.connectionId", "said": $input.json('$.text')}`},
			RequestParameters: map[string]string{"integration.request.header.X-Stage": "'static-value'"},
			Responses: []model.IntegrationResponse{
				{ID: "ok", Key: "/2\\d\\d/", ResponseTemplates: map[string]string{"$default": `{"status": "ok", "echo": "$util.escapeJavaScript($input.body)"}`}},
				{ID: "nf", Key: "/404/", ResponseTemplates: map[string]string{"$default": `{"status": "missing", "code": $context.status}`}},
			},
		}
	}
	api := httpAPI(map[string]model.Integration{"talk": mk("/talk"), "gone": mk("/missing")}, "talk", "gone")
	g := start(t, api)
	ws := dial(t, g)
	send(t, ws, `{"action":"talk","text":"hello"}`)
	got := recv(t, ws)
	if !strings.HasPrefix(got, `{"status": "ok", "echo": "backend got: {`) {
		t.Fatalf("2xx response: %q", got)
	}
	send(t, ws, `{"action":"gone","text":"x"}`)
	if got := recv(t, ws); got != `{"status": "missing", "code": 404}` {
		t.Fatalf("404 response: %q", got)
	}
	var sent map[string]any
	r := b.requests()[0]
	if err := json.Unmarshal([]byte(r.Body), &sent); err != nil || sent["said"] != "hello" || !idRE.MatchString(sent["who"].(string)) {
		t.Fatalf("backend got %q: not the rendered template", r.Body)
	}
	if r.Header.Get("X-Stage") != "static-value" {
		t.Fatalf("mapped header missing: %v", r.Header)
	}
}

func TestHTTPCompileErrors(t *testing.T) {
	tests := []struct {
		name string
		in   model.Integration
		want string
	}{
		{"no URI", model.Integration{Type: model.TypeHTTPProxy}, "want an http:// or https:// URL"},
		{"Lambda ARN", model.Integration{Type: model.TypeHTTP, URI: "arn:aws:lambda:us-east-1:1:function:f"}, "want an http:// or https:// URL"},
		{"bad mapping", model.Integration{Type: model.TypeHTTPProxy, URI: "http://127.0.0.1:1/", RequestParameters: map[string]string{"integration.request.header.X": "nonsense"}}, "must be 'static'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(httpAPI(map[string]model.Integration{"$default": tt.in}))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
