package emulator

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"wsworkbench/emulator/model"
)

// TestSeedTranscript replays the seed API's conversation and compares it,
// IDs normalised, with testdata/seed.golden.
func TestSeedTranscript(t *testing.T) {
	g := start(t, seedAPI())
	ws := dial(t, g)
	var b strings.Builder
	seen := map[string]string{}
	exchange := func(msg string, answered bool) {
		t.Helper()
		send(t, ws, msg)
		b.WriteString("→ " + msg + "\n")
		if answered {
			b.WriteString("← " + normalize(recv(t, ws), seen) + "\n")
		} else {
			b.WriteString("  (no frame)\n")
		}
	}
	exchange(`{"action": "message", "messageId": 1}`, true)
	exchange(`{"action": "message", "messageId": 2}`, true)
	// messageId 3 has no response template and no $default: the empty MOCK
	// body passes through and nothing is sent. The next answer arriving
	// first proves it (messages on a MOCK route are answered in order).
	exchange(`{"action": "message", "messageId": 3}`, false)
	exchange(`{"action":"message","messageId":"1"}`, true)
	exchange(`{"action": "nope", "messageId": 1}`, true)
	exchange(`hello`, true)
	exchange(`{"messageId": 2}`, true)
	checkGolden(t, "seed", b.String())
}

var forbiddenRE = regexp.MustCompile(`^\{"message": "Forbidden", "connectionId":"([A-Za-z0-9_-]{15}=)", "requestId":"([A-Za-z0-9_-]{15}=)"\}$`)

// TestForbiddenFrame checks the frame AWS sends when no route matches and
// there is no $default, byte for byte, and that the connection stays open.
func TestForbiddenFrame(t *testing.T) {
	g := start(t, seedAPI())
	ws := dial(t, g)
	for _, msg := range []string{`{"action":"unknown"}`, `not json`, `{"action":"$connect"}`, `{"action":"$disconnect"}`, `{}`} {
		send(t, ws, msg)
		got := recv(t, ws)
		m := forbiddenRE.FindStringSubmatch(got)
		if m == nil {
			t.Fatalf("%s: frame %q is not AWS's Forbidden frame", msg, got)
		}
		if want := connectionID(t, g, ws); m[1] != want {
			t.Errorf("connectionId %s, want %s", m[1], want)
		}
		if m[2] == m[1] || m[2][11] != 'F' {
			t.Errorf("requestId %s: want a fresh request ID (12th character F)", m[2])
		}
	}
	send(t, ws, `{"action":"message","messageId":1}`)
	if got := recv(t, ws); got != `{"message": "Hello World"}` {
		t.Fatalf("after Forbidden frames: %q", got)
	}
}

// connectionID finds the ID the gateway gave ws, by the client's local address.
func connectionID(t *testing.T, g *Gateway, ws *websocket.Conn) string {
	t.Helper()
	for _, c := range g.Connections() {
		if c.RemoteAddr == ws.LocalAddr().String() {
			return c.ID
		}
	}
	t.Fatalf("no connection for %s", ws.LocalAddr())
	return ""
}

// TestDefaultRoute checks the fallback to $default: for a value with no
// route and for a message that is not JSON.
func TestDefaultRoute(t *testing.T) {
	api := seedAPI()
	api.Routes = append(api.Routes, model.Route{Key: "$default", IntegrationID: "Default", RouteResponse: &model.RouteResponse{Key: "$default"}})
	api.Integrations = append(api.Integrations, model.Integration{
		ID: "Default", Type: model.TypeMock,
		RequestTemplates: map[string]string{"$default": `{"statusCode": 200}`},
		Responses:        []model.IntegrationResponse{{Key: "$default", ResponseTemplates: map[string]string{"$default": `{"route": "default"}`}}},
	})
	g := start(t, api)
	ws := dial(t, g)
	for _, msg := range []string{`{"action":"unknown"}`, `plain text`, `{"nested":{"action":"message"}}`, `[1,2]`} {
		send(t, ws, msg)
		if got := recv(t, ws); got != `{"route": "default"}` {
			t.Errorf("%s → %q, want the $default route's answer", msg, got)
		}
	}
	send(t, ws, `{"action":"message","messageId":2}`)
	if got := recv(t, ws); got != `{"message": "Hi!"}` {
		t.Errorf("matched route → %q", got)
	}
}

var internalErrorRE = regexp.MustCompile(`^\{"message": "Internal server error", "connectionId":"[A-Za-z0-9_-]{15}=", "requestId":"[A-Za-z0-9_-]{15}="\}$`)

// TestInternalServerError checks AWS's frame for an integration that fails,
// on a two-way and a one-way route, and that the connection stays open.
func TestInternalServerError(t *testing.T) {
	api := seedAPI()
	api.Routes = append(api.Routes,
		model.Route{Key: "broken", IntegrationID: "NoStatus", RouteResponse: &model.RouteResponse{Key: "$default"}},
		model.Route{Key: "oneway", IntegrationID: "NoStatus"},
		model.Route{Key: "unmatched", IntegrationID: "Only404", RouteResponse: &model.RouteResponse{Key: "$default"}},
		model.Route{Key: "nointegration", RouteResponse: &model.RouteResponse{Key: "$default"}},
	)
	api.Integrations = append(api.Integrations,
		model.Integration{ID: "NoStatus", Type: model.TypeMock, RequestTemplates: map[string]string{"$default": `{"status": 200}`},
			Responses: []model.IntegrationResponse{{Key: "$default"}}},
		model.Integration{ID: "Only404", Type: model.TypeMock, RequestTemplates: map[string]string{"$default": `{"statusCode": 200}`},
			Responses: []model.IntegrationResponse{{Key: "/404/", ResponseTemplates: map[string]string{"$default": "x"}}}},
	)
	g := start(t, api)
	ws := dial(t, g)
	for _, action := range []string{"broken", "oneway", "unmatched", "nointegration"} {
		send(t, ws, `{"action":"`+action+`"}`)
		if got := recv(t, ws); !internalErrorRE.MatchString(got) {
			t.Errorf("%s: %q is not AWS's Internal server error frame", action, got)
		}
	}
	send(t, ws, `{"action":"message","messageId":1}`)
	if got := recv(t, ws); got != `{"message": "Hello World"}` {
		t.Fatalf("after errors: %q", got)
	}
}

// TestConnectStatus checks how $connect's MOCK status decides the upgrade.
func TestConnectStatus(t *testing.T) {
	tests := []struct {
		name     string
		template string // "" removes the $connect route
		noInteg  bool
		pass     string
		want     int // 101 accepted
	}{
		{name: "200 accepts", template: `{"statusCode": 200}`, want: 101},
		{name: "204 accepts", template: `{"statusCode": 204}`, want: 101},
		{name: "401 refuses", template: `{"statusCode": 401}`, want: 401},
		{name: "403 refuses", template: `{"statusCode": 403}`, want: 403},
		{name: "404 refuses", template: `{"statusCode": 404}`, want: 404},
		{name: "500 refuses", template: `{"statusCode": 500}`, want: 500},
		{name: "501 refuses", template: `{"statusCode": 501}`, want: 501},
		{name: "no statusCode is 500", template: `{"status": 200}`, want: 500},
		{name: "string statusCode is 500", template: `{"statusCode": "200"}`, want: 500},
		{name: "not JSON is 500", template: `statusCode: 200`, want: 500},
		{name: "fractional statusCode is 500", template: `{"statusCode": 200.5}`, want: 500},
		{name: "no $connect route accepts", template: "", want: 101},
		{name: "no integration accepts", noInteg: true, want: 101},
		{name: "NEVER without a template is 415", template: "-", pass: "NEVER", want: 415},
		{name: "WHEN_NO_MATCH without a template accepts", template: "-", pass: "WHEN_NO_MATCH", want: 101},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := seedAPI()
			switch {
			case tt.template == "":
				api.Routes = api.Routes[1:]
			case tt.noInteg:
				api.Routes[0].IntegrationID = ""
			case tt.template == "-":
				api.Integrations[0].RequestTemplates = nil
				api.Integrations[0].PassthroughBehavior = tt.pass
			default:
				api.Integrations[0].RequestTemplates = map[string]string{"$default": tt.template}
			}
			g := start(t, api)
			ws, resp, err := tryDial(g.URL())
			if tt.want == 101 {
				if err != nil {
					t.Fatalf("dial: %v", err)
				}
				defer ws.Close()
				send(t, ws, `{"action":"message","messageId":2}`)
				if got := recv(t, ws); got != `{"message": "Hi!"}` {
					t.Fatalf("after connect: %q", got)
				}
				return
			}
			if err == nil {
				ws.Close()
				t.Fatalf("connected, want HTTP %d", tt.want)
			}
			if resp == nil || resp.StatusCode != tt.want {
				t.Fatalf("dial: %v, resp %v, want HTTP %d", err, resp, tt.want)
			}
			if len(g.Connections()) != 0 {
				t.Errorf("a refused connection is registered")
			}
		})
	}
}

// TestPaths checks what answers off the WebSocket path and without an upgrade.
func TestPaths(t *testing.T) {
	g := start(t, seedAPI())
	base := "http://" + g.Addr()
	tests := []struct {
		path   string
		status int
		body   string
	}{
		{"/", 403, `{"message":"Forbidden"}`},
		{"/other", 403, `{"message":"Forbidden"}`},
		{"/Production", 403, `{"message":"Forbidden"}`},
		{"/production/extra", 403, `{"message":"Forbidden"}`},
		{"/production", 426, `{"message":"Upgrade Required"}`},
		{"/production/", 426, `{"message":"Upgrade Required"}`},
		{"/production?x=1", 426, `{"message":"Upgrade Required"}`},
	}
	for _, tt := range tests {
		resp, err := http.Get(base + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || string(body) != tt.body {
			t.Errorf("GET %s: %d %s, want %d %s", tt.path, resp.StatusCode, body, tt.status, tt.body)
		}
	}

	for _, path := range []string{"/production", "/production/", "/production?token=abc&x=1"} {
		ws, _, err := tryDial("ws://" + g.Addr() + path)
		if err != nil {
			t.Errorf("dial %s: %v", path, err)
			continue
		}
		ws.Close()
	}
	for _, path := range []string{"/", "/other", "/production/x"} {
		ws, resp, err := tryDial("ws://" + g.Addr() + path)
		if err == nil {
			ws.Close()
			t.Errorf("dial %s connected, want 403", path)
		} else if resp == nil || resp.StatusCode != 403 {
			t.Errorf("dial %s: %v, want 403", path, err)
		}
	}
}

// TestBrowserOrigin checks that a page from any origin may connect, as on AWS.
func TestBrowserOrigin(t *testing.T) {
	g := start(t, seedAPI())
	ws := dial(t, g, http.Header{"Origin": {"https://example.com"}})
	send(t, ws, `{"action":"message","messageId":1}`)
	if got := recv(t, ws); got != `{"message": "Hello World"}` {
		t.Fatalf("%q", got)
	}
}

// TestSubprotocolOnlyWhenConnectReturnsIt checks that the gateway does not
// echo a requested subprotocol by itself, but selects the one $connect's
// integration returns.
func TestSubprotocolOnlyWhenConnectReturnsIt(t *testing.T) {
	g := start(t, seedAPI())
	d := websocket.Dialer{Subprotocols: []string{"chat"}}
	ws, _, err := d.Dial(g.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if p := ws.Subprotocol(); p != "" {
		t.Errorf("MOCK $connect: subprotocol %q, want none", p)
	}
	ws.Close()

	ti, uri := newTestIntegration(t, 200)
	ti.header = http.Header{"Sec-Websocket-Protocol": {"chat"}}
	api := seedAPI()
	api.Integrations[0] = model.Integration{ID: api.Integrations[0].ID, Type: typeTestProxy, URI: uri}
	g2 := start(t, api)
	ws, _, err = d.Dial(g2.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if p := ws.Subprotocol(); p != "chat" {
		t.Errorf("subprotocol %q, want chat", p)
	}
}

// TestContextValues checks $context as an integration sees it, on each
// event type.
func TestContextValues(t *testing.T) {
	ti, uri := newTestIntegration(t, 200)
	api := seedAPI()
	api.Routes = append(api.Routes, model.Route{Key: "$disconnect", IntegrationID: "Rec"}, model.Route{Key: "rec", IntegrationID: "Rec"})
	api.Routes[0].IntegrationID = "Rec"
	api.Integrations = append(api.Integrations, model.Integration{ID: "Rec", Type: typeTest, URI: uri})
	g := start(t, api)
	ws := dial(t, g, http.Header{"User-Agent": {"test-agent/1.0"}})
	send(t, ws, `{"action":"rec","x":1}`)
	waitFor(t, "the message", func() bool { return len(ti.requests()) == 2 })
	ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(1000, "done"))
	waitFor(t, "$disconnect", func() bool { return len(ti.requests()) == 3 })

	reqs := ti.requests()
	connect, msg, disc := reqs[0].Context, reqs[1].Context, reqs[2].Context
	id := connect.ConnectionID
	checks := []struct{ name, got, want string }{
		{"connect eventType", connect.EventType, "CONNECT"},
		{"connect routeKey", connect.RouteKey, "$connect"},
		{"message eventType", msg.EventType, "MESSAGE"},
		{"message routeKey", msg.RouteKey, "rec"},
		{"disconnect eventType", disc.EventType, "DISCONNECT"},
		{"disconnect routeKey", disc.RouteKey, "$disconnect"},
		{"message connectionId", msg.ConnectionID, id},
		{"disconnect connectionId", disc.ConnectionID, id},
		{"domainName", msg.DomainName, g.Addr()},
		{"stage", msg.Stage, "production"},
		{"sourceIp", msg.SourceIP, "127.0.0.1"},
		{"userAgent", msg.UserAgent, "test-agent/1.0"},
		{"apiId", msg.APIID, apiIDFor("ApiGatewayV2Api", "api-gateway-websocket-with-mock-integration")},
		{"message body", string(reqs[1].RawBody), `{"action":"rec","x":1}`},
		{"disconnect reason", disc.DisconnectReason, "done"},
		{"disconnect header Host", reqs[2].Headers.Get("Host"), g.Addr()},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if disc.DisconnectStatusCode != 1000 {
		t.Errorf("disconnectStatusCode %d, want 1000", disc.DisconnectStatusCode)
	}
	if !validConnectionID(id) || id[11] != 'C' {
		t.Errorf("connectionId %q does not look like AWS's", id)
	}
	if !validConnectionID(msg.MessageID) || msg.MessageID[13:] != id[13:] || msg.MessageID == id {
		t.Errorf("messageId %q: want AWS's shape, ending like connection %q", msg.MessageID, id)
	}
	if connect.MessageID != "" || disc.MessageID != "" {
		t.Errorf("messageId set outside MESSAGE")
	}
	if msg.RequestID == connect.RequestID || msg.RequestID[11] != 'F' {
		t.Errorf("requestId %q: want a fresh ID with F as 12th character", msg.RequestID)
	}
	if !msg.ConnectedAt.Equal(connect.ConnectedAt) || msg.RequestTime.Before(msg.ConnectedAt) {
		t.Errorf("connectedAt %v / requestTime %v", msg.ConnectedAt, msg.RequestTime)
	}
	if got := msg.RequestTimeCLF(); !regexp.MustCompile(`^\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000$`).MatchString(got) {
		t.Errorf("requestTime %q is not CLF", got)
	}
	if len(msg.APIID) != 10 || strings.ToLower(msg.APIID) != msg.APIID {
		t.Errorf("apiId %q", msg.APIID)
	}
}

// TestContextMap checks that $context for templates has every variable of
// the WebSocket mapping template reference.
func TestContextMap(t *testing.T) {
	now := time.Date(2024, 1, 20, 11, 55, 8, 0, time.UTC)
	rc := &RequestContext{APIID: "abcdefghij", Stage: "production", DomainName: "127.0.0.1:8080", ConnectionID: "R1kmxc2VNjMCFIA=",
		ConnectedAt: now, EventType: EventTypeMessage, RouteKey: "message", MessageID: "R1knPc2ntjMCFIA=", RequestID: "R1knPH17NjMFftw=",
		RequestTime: now, SourceIP: "127.0.0.1", UserAgent: "ua", Authorizer: map[string]string{"principalId": "me", "role": "admin"}}
	m := rc.Map()
	for _, k := range []string{"connectionId", "connectedAt", "domainName", "eventType", "messageId", "routeKey", "requestId",
		"extendedRequestId", "apiId", "authorizer", "error", "identity", "requestTime", "requestTimeEpoch", "stage", "status"} {
		if _, ok := m[k]; !ok {
			t.Errorf("$context.%s missing", k)
		}
	}
	id := m["identity"].(map[string]any)
	for _, k := range []string{"accountId", "apiKey", "apiKeyId", "caller", "cognitoAuthenticationProvider", "cognitoAuthenticationType",
		"cognitoIdentityId", "cognitoIdentityPoolId", "sourceIp", "user", "userAgent", "userArn"} {
		if _, ok := id[k]; !ok {
			t.Errorf("$context.identity.%s missing", k)
		}
	}
	if m["requestTime"] != "20/Jan/2024:11:55:08 +0000" || m["requestTimeEpoch"] != now.UnixMilli() || m["connectedAt"] != now.UnixMilli() {
		t.Errorf("times: %v %v %v", m["requestTime"], m["requestTimeEpoch"], m["connectedAt"])
	}
	if a := m["authorizer"].(map[string]any); a["principalId"] != "me" || a["role"] != "admin" {
		t.Errorf("authorizer: %v", a)
	}
	if m["extendedRequestId"] != m["requestId"] {
		t.Errorf("extendedRequestId != requestId")
	}
}

// TestConnectAuthorization checks the mock authorizer and API keys on
// $connect: 401 without the identity, 403 for a wrong one or a missing key,
// and the authorizer's values in $context afterwards.
func TestConnectAuthorization(t *testing.T) {
	ti, uri := newTestIntegration(t, 200)
	api := seedAPI()
	api.Routes[0].IntegrationID = "Rec"
	api.Routes[0].APIKeyRequired = true
	api.Integrations = append(api.Integrations, model.Integration{ID: "Rec", Type: typeTest, URI: uri})
	api.Settings.MockAuthorizer = model.MockAuthorizer{Enabled: true, Header: "Auth", Value: "letmein", PrincipalID: "alice", Context: map[string]string{"role": "admin"}}
	g := start(t, api)
	tests := []struct {
		name   string
		header http.Header
		want   int
	}{
		{"no identity", http.Header{"X-Api-Key": {"k"}}, 401},
		{"wrong identity", http.Header{"Auth": {"nope"}, "X-Api-Key": {"k"}}, 403},
		{"no API key", http.Header{"Auth": {"letmein"}}, 403},
		{"allowed", http.Header{"Auth": {"letmein"}, "X-Api-Key": {"k"}}, 101},
	}
	for _, tt := range tests {
		ws, resp, err := tryDial(g.URL(), tt.header)
		if tt.want == 101 {
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			ws.Close()
			continue
		}
		if err == nil {
			ws.Close()
			t.Errorf("%s: connected, want %d", tt.name, tt.want)
		} else if resp == nil || resp.StatusCode != tt.want {
			t.Errorf("%s: %v, want %d", tt.name, err, tt.want)
		}
	}
	reqs := ti.requests()
	if len(reqs) != 1 {
		t.Fatalf("$connect ran %d times, want once (refusals stop before it)", len(reqs))
	}
	rc := reqs[0].Context
	if rc.Authorizer["principalId"] != "alice" || rc.Authorizer["role"] != "admin" || rc.APIKey != "k" {
		t.Errorf("authorizer %v, apiKey %q", rc.Authorizer, rc.APIKey)
	}
	if m := rc.Map(); m["authorizer"].(map[string]any)["principalId"] != "alice" {
		t.Errorf("$context.authorizer %v", m["authorizer"])
	}
}
