package emulator

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/gorilla/websocket"

	"wsworkbench/emulator/model"
)

// eventsOf returns the events of kind k in evs.
func eventsOf(evs []Event, k EventKind) []Event {
	var out []Event
	for _, e := range evs {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

// dialWith dials the gateway with a query string, headers and subprotocols.
func dialWith(t *testing.T, g *Gateway, query string, h http.Header, protocols ...string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	d := websocket.Dialer{Subprotocols: protocols}
	ws, resp, err := d.Dial(g.URL()+query, h)
	if ws != nil {
		t.Cleanup(func() { ws.Close() })
	}
	return ws, resp, err
}

// TestTypedConnectEvents: the connect event says what the client asked for
// (headers, query string, subprotocols) and which subprotocol was chosen,
// through a real gateway on loopback.
func TestTypedConnectEvents(t *testing.T) {
	fl := startLambda(t, map[string]lambdaFunc{
		"choose": answer(`{"statusCode":200,"headers":{"Sec-WebSocket-Protocol":"json"}}`),
	})
	chooser := lambdaAPI(fl.url, map[string]string{"$connect": "choose"})
	cases := []struct {
		name        string
		api         *model.API
		protocols   []string
		wantChosen  string
		wantMissing bool
	}{
		{"no subprotocol asked", seedAPI(), nil, "", false},
		{"asked and none chosen", seedAPI(), []string{"chat", "json"}, "", true},
		{"asked and chosen", chooser, []string{"chat", "json"}, "json", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := start(t, tc.api)
			sub := g.Subscribe(64)
			ws, _, err := dialWith(t, g, "?room=lobby&room=two&x=1", http.Header{"X-Custom": {"v1"}}, tc.protocols...)
			if err != nil {
				t.Fatal(err)
			}
			if got := ws.Subprotocol(); got != tc.wantChosen {
				t.Errorf("client got subprotocol %q, want %q", got, tc.wantChosen)
			}
			e := collect(t, sub, func(e Event) bool { return e.Kind == EventConnect })
			c := e[len(e)-1].Connect
			if c == nil || c.Outcome != ConnectAccepted || e[len(e)-1].Status != 200 {
				t.Fatalf("connect event %+v", e[len(e)-1])
			}
			if c.Header.Get("X-Custom") != "v1" || !strings.HasPrefix(c.RemoteAddr, "127.0.0.1:") {
				t.Errorf("headers %v remote %q", c.Header, c.RemoteAddr)
			}
			if !reflect.DeepEqual(c.Query["room"], []string{"lobby", "two"}) || c.Query.Get("x") != "1" {
				t.Errorf("query %v", c.Query)
			}
			if !reflect.DeepEqual(c.Subprotocols, tc.protocols) || c.Subprotocol != tc.wantChosen || c.SubprotocolMissing() != tc.wantMissing {
				t.Errorf("subprotocols %q chosen %q missing %v, want %q %q %v", c.Subprotocols, c.Subprotocol, c.SubprotocolMissing(), tc.protocols, tc.wantChosen, tc.wantMissing)
			}
		})
	}
}

// TestTypedAuthorizerEvents: a Lambda authorizer's decision is an
// authorizer event with the decision, principal, context, cache use and the
// call (event sent, result received); a refused $connect says its code.
func TestTypedAuthorizerEvents(t *testing.T) {
	fl := startLambda(t, map[string]lambdaFunc{
		"AuthFunction": authorizerFunc,
		"onconnect":    answer(`{"statusCode":200}`),
		"echo":         echoBody,
	})
	g := start(t, authorizedAPI(fl.url))
	sub := g.Subscribe(256)
	cases := []struct {
		name       string
		token      string
		allowed    bool
		cached     bool
		status     int
		principal  string
		context    map[string]string
		resultHas  string
		connectErr Code
	}{
		{name: "deny", token: "deny", status: 403, resultHas: `"Deny"`, connectErr: CodeForbidden},
		{name: "allow with context", token: "allow", allowed: true, principal: "alice",
			context: map[string]string{"tier": "gold", "level": "3", "admin": "false"}, resultHas: `"Allow"`},
		{name: "allow from the cache", token: "allow", allowed: true, cached: true, principal: "alice",
			context: map[string]string{"tier": "gold", "level": "3", "admin": "false"}},
		{name: "unauthorized", token: "unauthorized", status: 401, resultHas: "Unauthorized", connectErr: CodeUnauthorized},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ws, _, err := dialWith(t, g, "?token="+tc.token, nil)
			if (err == nil) != tc.allowed {
				t.Fatalf("dial: %v", err)
			}
			if ws != nil {
				ws.Close()
			}
			evs := collect(t, sub, func(e Event) bool { return e.Kind == EventConnect })
			auth := eventsOf(evs, EventAuthorizer)
			if len(auth) != 1 {
				t.Fatalf("%d authorizer events in %v", len(auth), evs)
			}
			e, a := auth[0], auth[0].Authorizer
			if a.Name != "AuthFunction" || a.Allowed != tc.allowed || a.Cached != tc.cached || e.Status != tc.status ||
				a.Principal != tc.principal || !reflect.DeepEqual(a.Context, tc.context) || e.RouteKey != "$connect" {
				t.Errorf("authorizer event %+v %+v", e, a)
			}
			if tc.cached != (e.Lambda == nil) {
				t.Errorf("lambda call %+v on a decision cached=%v", e.Lambda, tc.cached)
			}
			if l := e.Lambda; l != nil && (!strings.Contains(l.Event, `"type":"REQUEST"`) || !strings.Contains(l.Result, tc.resultHas) || l.Function != "AuthFunction") {
				t.Errorf("lambda call %+v", l)
			}
			c := evs[len(evs)-1]
			if c.Code != tc.connectErr || (c.Connect.Outcome == ConnectRejected) != !tc.allowed {
				t.Errorf("connect event code %v outcome %v", c.Code, c.Connect.Outcome)
			}
			if strings.Count(c.Error, "policy denies") > 1 {
				t.Errorf("connect error says it twice: %q", c.Error)
			}
		})
	}
}

// TestAuthorizerErrorOnce: a missing identity source is said once in the
// refused $connect's error (issue 10: "identity source ... is missing:
// identity source ... is missing").
func TestAuthorizerErrorOnce(t *testing.T) {
	fl := startLambda(t, map[string]lambdaFunc{"AuthFunction": authorizerFunc, "onconnect": answer(`{"statusCode":200}`)})
	g := start(t, authorizedAPI(fl.url))
	sub := g.Subscribe(64)
	if _, _, err := dialWith(t, g, "", nil); err == nil {
		t.Fatal("connected without the identity source")
	}
	evs := collect(t, sub, func(e Event) bool { return e.Kind == EventConnect })
	c := evs[len(evs)-1]
	if n := strings.Count(c.Error, "is missing"); n != 1 || c.Code != CodeUnauthorized || c.Status != 401 {
		t.Errorf("connect event: code %v status %d error %q", c.Code, c.Status, c.Error)
	}
}

// poster is a Lambda function that, while handling a message, POSTs
// "pushed" to its own connection and GETs it through @connections at the
// endpoint its event names, then answers.
func poster(t *testing.T) lambdaFunc {
	return func(w http.ResponseWriter, event []byte) {
		var e events.APIGatewayWebsocketProxyRequest
		json.Unmarshal(event, &e)
		rc := e.RequestContext
		url := "http://" + rc.DomainName + "/" + rc.Stage + "/@connections/" + rc.ConnectionID
		if resp, err := http.Post(url, "text/plain", strings.NewReader("pushed")); err != nil {
			t.Errorf("POST: %v", err)
		} else {
			resp.Body.Close()
		}
		if resp, err := http.Get(url); err != nil {
			t.Errorf("GET: %v", err)
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		io.WriteString(w, `{"statusCode":200,"body":"done"}`)
	}
}

// TestConnectionsCallsInMessageTrace: @connections calls a Lambda proxy
// function makes while it handles a message are events of that message's
// trace (its request ID), with method, target and status; the integration
// event carries the event sent and the result received. A call made when
// no integration is in flight stays the call's own.
func TestConnectionsCallsInMessageTrace(t *testing.T) {
	fl := startLambda(t, map[string]lambdaFunc{"post": poster(t)})
	g := start(t, lambdaAPI(fl.url, map[string]string{"$default": "post"}, "$default"))
	ws := dial(t, g)
	sub := g.Subscribe(256)
	send(t, ws, `{"action":"anything"}`)
	got := map[string]bool{}
	for len(got) < 2 {
		switch m := recv(t, ws); m {
		case "pushed", "done":
			got[m] = true
		default:
			t.Fatalf("client got %q", m)
		}
	}
	evs := collect(t, sub, func(e Event) bool { return e.Kind == EventFrameOut })
	in := eventsOf(evs, EventFrameIn)
	if len(in) != 1 {
		t.Fatalf("frame-in events: %v", in)
	}
	reqID, connID := in[0].RequestID, in[0].ConnectionID
	calls := eventsOf(evs, EventConnections)
	want := []struct {
		method string
		status int
		data   string
	}{{"POST", 200, "pushed"}, {"GET", 200, ""}}
	if len(calls) != len(want) {
		t.Fatalf("@connections events: %+v", calls)
	}
	for i, w := range want {
		e, c := calls[i], calls[i].Connections
		if c.Method != w.method || e.Status != w.status || e.Data != w.data || c.Target != connID || e.ConnectionID != connID ||
			e.RequestID != reqID || c.DuringRequest != reqID || c.DuringConnection != connID || c.APIRequestID == "" || e.Code != 0 {
			t.Errorf("call %d: %+v %+v, want %s %d under request %s", i, e, c, w.method, w.status, reqID)
		}
	}
	integ := eventsOf(evs, EventIntegration)
	if len(integ) != 1 || integ[0].Lambda == nil || integ[0].Integration.Selection != ResponseProxy {
		t.Fatalf("integration events %+v", integ)
	}
	l := integ[0].Lambda
	if l.Function != "post" || !strings.Contains(l.Event, `"body":"{\"action\":\"anything\"}"`) || l.Result != `{"statusCode":200,"body":"done"}` ||
		l.Status != 200 || l.Duration <= 0 || l.Error != "" {
		t.Errorf("lambda call %+v", l)
	}

	// Outside any integration call: the call's own request, attributed to
	// nothing; a refused call carries its code.
	resp, err := http.Post(g.ConnectionsURL()+"/"+connID, "text/plain", strings.NewReader("direct"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := recv(t, ws); got != "direct" {
		t.Fatalf("client got %q", got)
	}
	req, _ := http.NewRequest(http.MethodDelete, g.ConnectionsURL()+"/AAAAAAAAAAAAAAA=", nil)
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	evs = collect(t, sub, func(e Event) bool { return e.Kind == EventConnections && e.Connections.Method == "DELETE" })
	calls = eventsOf(evs, EventConnections)
	if len(calls) != 2 {
		t.Fatalf("@connections events: %+v", calls)
	}
	if c := calls[0]; c.RequestID != c.Connections.APIRequestID || c.Connections.DuringRequest != "" || c.Data != "direct" || c.Status != 200 {
		t.Errorf("direct POST %+v %+v", c, c.Connections)
	}
	if c := calls[1]; c.Code != CodeGone || c.Status != 410 || c.Connections.Target != "AAAAAAAAAAAAAAA=" {
		t.Errorf("DELETE of an unknown connection %+v", c)
	}
}

// TestCodeTable: every code maps to a name, a status and a message in one
// table, and the @connections errors match their sentinels by code.
func TestCodeTable(t *testing.T) {
	cases := []struct {
		code    Code
		name    string
		status  int
		message string
	}{
		{CodeForbidden, "Forbidden", 403, "Forbidden"},
		{CodeInternal, "InternalServerError", 500, "Internal server error"},
		{CodeIntegrationFailure, "IntegrationFailure", 502, "Internal server error"},
		{CodeTimeout, "Timeout", 504, "Endpoint request timed out"},
		{CodeUnsupportedMediaType, "UnsupportedMediaType", 415, "Unsupported Media Type"},
		{CodeUnauthorized, "Unauthorized", 401, "Unauthorized"},
		{CodeBadPayload, "BadPayload", 400, "Internal server error"},
		{CodeThrottled, "Throttled", 429, "Too Many Requests"},
		{CodeCanceled, "Canceled", 500, "Internal server error"},
		{CodeBadRequest, "BadRequestException", 400, "Bad request"},
		{CodeGone, "GoneException", 410, "The connection with the provided id no longer exists."},
		{CodePayloadTooLarge, "PayloadTooLargeException", 413, "Request entity too large"},
		{CodeLimitExceeded, "LimitExceededException", 429, "The WebSocket client side buffer is full."},
		{CodeUnknownOperation, "UnknownOperationException", 404, "Unknown operation"},
		{CodeManagementInternal, "InternalServerErrorException", 500, "Internal server error"},
		{Code(42), "Code(42)", 500, "Internal server error"},
	}
	for _, tc := range cases {
		if tc.code.String() != tc.name || tc.code.Status() != tc.status || tc.code.Message() != tc.message {
			t.Errorf("%d: %s %d %q, want %s %d %q", int(tc.code), tc.code, tc.code.Status(), tc.code.Message(), tc.name, tc.status, tc.message)
		}
	}
	if len(codeTable) != len(cases)-1 {
		t.Errorf("the table has %d codes, the test %d", len(codeTable), len(cases)-1)
	}
	g := start(t, seedAPI())
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"bad ID", g.PostToConnection("bad", nil), ErrBadConnectionID},
		{"gone", g.DeleteConnection("AAAAAAAAAAAAAAA="), ErrGone},
	} {
		var e *Error
		if !errors.As(tc.err, &e) || !errors.Is(tc.err, tc.want) || errors.Is(tc.err, ErrLimitExceeded) {
			t.Errorf("%s: %v is not %v", tc.name, tc.err, tc.want)
		}
	}
}
