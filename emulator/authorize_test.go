package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"wsworkbench/emulator/model"
)

// authorizerFunc is a REQUEST authorizer: it allows the token "allow" with
// a context, denies "deny", and says "Unauthorized" for "unauthorized".
func authorizerFunc(w http.ResponseWriter, event []byte) {
	var e events.APIGatewayCustomAuthorizerRequestTypeRequest
	json.Unmarshal(event, &e)
	policy := func(effect string) string {
		return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":%q,"Resource":%q}]}`, effect, e.MethodArn)
	}
	switch e.QueryStringParameters["token"] {
	case "allow":
		fmt.Fprintf(w, `{"principalId":"alice","policyDocument":%s,"context":{"tier":"gold","level":3,"admin":false},"usageIdentifierKey":"usage-key"}`, policy("Allow"))
	case "deny":
		fmt.Fprintf(w, `{"principalId":"mallory","policyDocument":%s}`, policy("Deny"))
	case "unauthorized":
		throws("Unauthorized")(w, event)
	default:
		throws("unexpected token")(w, event)
	}
}

func authorizedAPI(endpoint string) *model.API {
	api := lambdaAPI(endpoint, map[string]string{"$connect": "onconnect", "$default": "echo"}, "$default")
	for i := range api.Routes {
		if api.Routes[i].Key == model.RouteConnect {
			api.Routes[i].AuthorizationType = "CUSTOM"
			api.Routes[i].AuthorizerID = "TokenAuth"
		}
	}
	api.Authorizers = []model.Authorizer{{
		ID: "TokenAuth", Name: "token", Type: "REQUEST",
		URI:            "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${AuthFunction.Arn}/invocations",
		IdentitySource: []string{"route.request.querystring.token"},
		TTLSeconds:     300,
	}}
	return api
}

// TestLambdaAuthorizer runs $connect through a Lambda REQUEST authorizer.
func TestLambdaAuthorizer(t *testing.T) {
	fl := startLambda(t, map[string]lambdaFunc{
		"AuthFunction": authorizerFunc,
		"onconnect":    answer(`{"statusCode":200}`),
		"echo": func(w http.ResponseWriter, e []byte) {
			var ev events.APIGatewayWebsocketProxyRequest
			json.Unmarshal(e, &ev)
			b, _ := json.Marshal(ev.RequestContext.Authorizer)
			json.NewEncoder(w).Encode(map[string]any{"statusCode": 200, "body": string(b)})
		},
	})
	fl.mu.Lock()
	fl.funcs["ondisconnect"] = answer(`{"statusCode":200}`)
	fl.mu.Unlock()
	api := authorizedAPI(fl.url)
	api.Integrations = append(api.Integrations, model.Integration{ID: "Disc", Type: model.TypeAWSProxy, URI: "ondisconnect"})
	api.Routes = append(api.Routes, model.Route{ID: "DiscRoute", Key: model.RouteDisconnect, IntegrationID: "Disc"})
	g := start(t, api)
	sub := g.Subscribe(256)
	tests := []struct {
		name        string
		query       string
		wantStatus  int
		wantAuthRun int // authorizer calls after this case
	}{
		{"missing identity: 401, no call", "", 401, 0},
		{"empty identity: 401, no call", "?token=", 401, 0},
		{"deny: 403", "?token=deny", 403, 1},
		{"Unauthorized: 401", "?token=unauthorized", 401, 2},
		{"other error: 500", "?token=weird", 500, 3},
		{"allow", "?token=allow", 101, 4},
		{"allow again: cached", "?token=allow", 101, 4},
		{"deny again: cached", "?token=deny", 403, 4},
	}
	for _, tt := range tests {
		ws, resp, err := tryDial(g.URL() + tt.query)
		switch {
		case tt.wantStatus == 101 && err != nil:
			t.Fatalf("%s: %v", tt.name, err)
		case tt.wantStatus == 101:
			ws.Close()
		case err == nil:
			ws.Close()
			t.Fatalf("%s: connected, want %d", tt.name, tt.wantStatus)
		case resp == nil || resp.StatusCode != tt.wantStatus:
			t.Fatalf("%s: %v %v, want %d", tt.name, err, resp, tt.wantStatus)
		}
		if got := len(fl.eventsOf("AuthFunction")); got != tt.wantAuthRun {
			t.Fatalf("%s: authorizer ran %d times, want %d", tt.name, got, tt.wantAuthRun)
		}
	}
	// A refusal shows in the trace with the authorizer's reason and timing.
	var traced bool
	timeout := time.After(5 * time.Second)
	for !traced {
		select {
		case e := <-sub.C():
			traced = e.Kind == EventAuthorizer && e.Authorizer.Name == "AuthFunction" && !e.Authorizer.Allowed &&
				e.Status == 403 && strings.Contains(e.Authorizer.Reason, "denies") && e.Duration > 0 &&
				e.Lambda != nil && strings.Contains(e.Lambda.Event, `"type":"REQUEST"`)
		case <-timeout:
			t.Fatal("no trace event for the denied connection")
		}
	}
	if n := len(fl.eventsOf("onconnect")); n != 2 {
		t.Fatalf("$connect ran %d times, want 2 (only for allowed connections)", n)
	}

	// The authorizer event.
	var ae events.APIGatewayCustomAuthorizerRequestTypeRequest
	json.Unmarshal(fl.eventsOf("AuthFunction")[0], &ae)
	if ae.Type != "REQUEST" || !strings.HasPrefix(ae.MethodArn, "arn:aws:execute-api:") || !strings.HasSuffix(ae.MethodArn, "/Prod/$connect") {
		t.Fatalf("authorizer event type %q methodArn %q", ae.Type, ae.MethodArn)
	}
	if ae.QueryStringParameters["token"] != "deny" || ae.Headers["Host"] != gatewayHost(t, g) {
		t.Fatalf("authorizer event query %v headers %v", ae.QueryStringParameters, ae.Headers)
	}

	// The allowed connection's context reaches $connect and every message.
	var ce events.APIGatewayWebsocketProxyRequest
	json.Unmarshal(fl.eventsOf("onconnect")[0], &ce)
	auth, _ := ce.RequestContext.Authorizer.(map[string]any)
	want := map[string]string{"principalId": "alice", "tier": "gold", "level": "3", "admin": "false"}
	for k, v := range want {
		if auth[k] != v {
			t.Errorf("$connect requestContext.authorizer[%q] = %v, want %q", k, auth[k], v)
		}
	}
	ws2, _, err := tryDial(g.URL() + "?token=allow")
	if err != nil {
		t.Fatal(err)
	}
	defer ws2.Close()
	send(t, ws2, "hi")
	var got map[string]string
	if err := json.Unmarshal([]byte(recv(t, ws2)), &got); err != nil {
		t.Fatal(err)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("message requestContext.authorizer[%q] = %q, want %q", k, got[k], v)
		}
	}
	// $disconnect carries the authorizer's values too ([I-boto3789]).
	ws2.Close()
	waitFor(t, "the $disconnect events", func() bool { return len(fl.eventsOf("ondisconnect")) == 3 })
	var de events.APIGatewayWebsocketProxyRequest
	json.Unmarshal(fl.eventsOf("ondisconnect")[2], &de)
	if da, _ := de.RequestContext.Authorizer.(map[string]any); da["principalId"] != "alice" || da["tier"] != "gold" {
		t.Errorf("$disconnect requestContext.authorizer = %v", de.RequestContext.Authorizer)
	}
}

// TestLambdaAuthorizerUsageKey: ApiKeySelectionExpression
// $context.authorizer.usageIdentifierKey takes the key from the authorizer.
func TestLambdaAuthorizerUsageKey(t *testing.T) {
	fl := startLambda(t, map[string]lambdaFunc{"AuthFunction": authorizerFunc, "onconnect": answer(`{"statusCode":200}`), "echo": echoBody})
	api := authorizedAPI(fl.url)
	api.APIKeySelectionExpression = "$context.authorizer.usageIdentifierKey"
	api.Route(model.RouteConnect).APIKeyRequired = true
	g := start(t, api)
	ws, _, err := tryDial(g.URL() + "?token=allow")
	if err != nil {
		t.Fatal(err)
	}
	ws.Close()
	var ce events.APIGatewayWebsocketProxyRequest
	json.Unmarshal(fl.eventsOf("onconnect")[0], &ce)
	if ce.RequestContext.Identity.APIKey != "usage-key" {
		t.Fatalf("identity.apiKey = %q", ce.RequestContext.Identity.APIKey)
	}
}

func TestLambdaAuthorizerCompileErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(*model.Authorizer)
		want string
	}{
		{"bad identity source", func(a *model.Authorizer) { a.IdentitySource = []string{"$request.header.Auth"} }, "unsupported identity source"},
		{"TTL too long", func(a *model.Authorizer) { a.TTLSeconds = 3601 }, "outside 0-3600"},
		{"TOKEN type", func(a *model.Authorizer) { a.Type = "TOKEN" }, "REQUEST authorizers only"},
		{"no function", func(a *model.Authorizer) { a.URI = "" }, "AuthorizerUri"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := authorizedAPI("http://127.0.0.1:3001")
			tt.edit(&api.Authorizers[0])
			_, err := Compile(api)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
	t.Run("mock authorizer replaces it", func(t *testing.T) {
		api := authorizedAPI("http://127.0.0.1:3001")
		api.Authorizers[0].IdentitySource = []string{"bogus"}
		api.Settings.MockAuthorizer = model.MockAuthorizer{Enabled: true, Header: "Auth"}
		if _, err := Compile(api); err != nil {
			t.Fatal(err)
		}
	})
}

// TestAuthorizerMissingIdentityLoggedOnce: the log said a missing identity
// source twice ("identity source ... is missing: identity source ... is
// missing"), because the outcome carried the same error as its reason and
// as its cause.
func TestAuthorizerMissingIdentityLoggedOnce(t *testing.T) {
	fl := startLambda(t, map[string]lambdaFunc{"onconnect": answer(`{"statusCode":200}`)})
	g := start(t, authorizedAPI(fl.url))
	sub := g.Subscribe(64)
	if _, resp, err := tryDial(g.URL()); err == nil || resp == nil || resp.StatusCode != 401 {
		t.Fatalf("dial without the identity: %v %v, want 401", err, resp)
	}
	events := collect(t, sub, func(e Event) bool { return e.Kind == EventConnect })
	e := events[len(events)-1]
	if n := strings.Count(e.Error, "is missing"); n != 1 {
		t.Errorf("error %q says it %d times, want once", e.Error, n)
	}
}
