package authorizer

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"wsworkbench/emulator/lambda"
	"wsworkbench/emulator/model"
)

// authFunction is a Lambda authorizer served through the Invoke API on
// loopback. It decides by the Auth header (or token query parameter) and
// records every event it gets.
type authFunction struct {
	mu     sync.Mutex
	events []events.APIGatewayCustomAuthorizerRequestTypeRequest
	raw    []map[string]any
}

func (f *authFunction) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var e events.APIGatewayCustomAuthorizerRequestTypeRequest
	if err := json.Unmarshal(body, &e); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var raw map[string]any
	_ = json.Unmarshal(body, &raw)
	f.mu.Lock()
	f.events = append(f.events, e)
	f.raw = append(f.raw, raw)
	f.mu.Unlock()
	token := e.Headers["Auth"]
	if token == "" {
		token = e.QueryStringParameters["token"]
	}
	policy := func(effect, resource string) string {
		return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":%q,"Resource":%q}]}`, effect, resource)
	}
	switch token {
	case "allow":
		fmt.Fprintf(w, `{"principalId":"alice","policyDocument":%s,"context":{"tier":"gold","n":1,"ok":true},"usageIdentifierKey":"key-1"}`, policy("Allow", e.MethodArn))
	case "allow-wildcard":
		fmt.Fprintf(w, `{"principalId":"bob","policyDocument":%s}`, policy("Allow", "arn:aws:execute-api:*:*:*/*/*"))
	case "allow-other":
		fmt.Fprintf(w, `{"principalId":"bob","policyDocument":%s}`, policy("Allow", "arn:aws:execute-api:us-east-1:123456789012:other/*"))
	case "deny":
		fmt.Fprintf(w, `{"principalId":"mallory","policyDocument":%s}`, policy("Deny", e.MethodArn))
	case "unauthorized":
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		io.WriteString(w, `{"errorMessage":"Unauthorized","errorType":"Error"}`)
	case "throws":
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		io.WriteString(w, `{"errorMessage":"db down","errorType":"Error"}`)
	case "object-context":
		fmt.Fprintf(w, `{"principalId":"x","policyDocument":%s,"context":{"a":{"b":1}}}`, policy("Allow", e.MethodArn))
	default:
		io.WriteString(w, `{"nope":true}`)
	}
}

func (f *authFunction) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.events)
}

func startAuth(t *testing.T) (*authFunction, *lambda.Client) {
	t.Helper()
	f := &authFunction{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := lambda.NewClient(srv.URL, lambda.ModeConcurrent, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return f, c
}

func request(header map[string]string, query string) Request {
	h := http.Header{}
	for k, v := range header {
		h.Set(k, v)
	}
	q, _ := url.ParseQuery(query)
	return Request{
		Header: lambda.ForwardedHeaders(h, "127.0.0.1:8080", "127.0.0.1", "http"),
		Query:  q,
		Connection: lambda.Connection{
			APIID: "abc123defg", Stage: "Prod", DomainName: "127.0.0.1:8080",
			ConnectionID: "R1kmxc2VNjMCFIA=", ConnectedAt: time.Now(), SourceIP: "127.0.0.1",
		},
		Request:        lambda.Request{RouteKey: "$connect", RequestID: "R1knPH17NjMFftw="},
		StageVariables: map[string]string{"env": "dev"},
		Context:        map[string]string{"connectionId": "R1kmxc2VNjMCFIA="},
	}
}

func TestAuthorize(t *testing.T) {
	f, c := startAuth(t)
	cfg := Config{ID: "Auth", Function: "authorizer", IdentitySource: []string{"route.request.header.Auth"}}
	tests := []struct {
		name       string
		header     string
		wantStatus int
		wantCalled bool
		wantReason string
	}{
		{name: "missing identity: 401 without a call", header: "", wantStatus: 401, wantReason: "missing"},
		{name: "allow", header: "allow", wantStatus: 0, wantCalled: true},
		{name: "allow by wildcard", header: "allow-wildcard", wantStatus: 0, wantCalled: true},
		{name: "allow for another resource only", header: "allow-other", wantStatus: 403, wantCalled: true, wantReason: "does not allow"},
		{name: "deny", header: "deny", wantStatus: 403, wantCalled: true, wantReason: "denies"},
		{name: "Unauthorized error", header: "unauthorized", wantStatus: 401, wantCalled: true},
		{name: "other error", header: "throws", wantStatus: 500, wantCalled: true, wantReason: "db down"},
		{name: "malformed answer", header: "garbage", wantStatus: 500, wantCalled: true, wantReason: "not a policy"},
		{name: "object in context", header: "object-context", wantStatus: 500, wantCalled: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.calls()
			h := map[string]string{}
			if tt.header != "" {
				h["Auth"] = tt.header
			}
			o := Authorize(context.Background(), c, cfg, request(h, ""), nil)
			if o.Status != tt.wantStatus || o.Called != tt.wantCalled {
				t.Fatalf("Outcome = %+v, want status %d called %v", o, tt.wantStatus, tt.wantCalled)
			}
			if called := f.calls() > before; called != tt.wantCalled {
				t.Fatalf("function called = %v, want %v", called, tt.wantCalled)
			}
			if !strings.Contains(o.Reason, tt.wantReason) {
				t.Fatalf("reason %q does not mention %q", o.Reason, tt.wantReason)
			}
		})
	}
}

func TestAuthorizeContextAndEvent(t *testing.T) {
	f, c := startAuth(t)
	cfg := Config{ID: "Auth", Function: "authorizer", IdentitySource: []string{"route.request.querystring.token"}}
	o := Authorize(context.Background(), c, cfg, request(map[string]string{"X-Extra": "1"}, "token=allow&room=a"), nil)
	if !o.Allowed() {
		t.Fatalf("not allowed: %+v", o)
	}
	m := o.AuthorizerMap()
	want := map[string]string{"principalId": "alice", "tier": "gold", "n": "1", "ok": "true"}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("authorizer[%q] = %q, want %q (stringified)", k, m[k], v)
		}
	}
	if o.UsageIdentifierKey != "key-1" {
		t.Errorf("usageIdentifierKey = %q", o.UsageIdentifierKey)
	}
	e := f.events[0]
	if e.Type != "REQUEST" || e.MethodArn != "arn:aws:execute-api:us-east-1:123456789012:abc123defg/Prod/$connect" {
		t.Errorf("type %q methodArn %q", e.Type, e.MethodArn)
	}
	if e.Headers["X-Extra"] != "1" || e.QueryStringParameters["token"] != "allow" || e.MultiValueQueryStringParameters["room"][0] != "a" {
		t.Errorf("headers %v query %v", e.Headers, e.QueryStringParameters)
	}
	if e.StageVariables["env"] != "dev" {
		t.Errorf("stageVariables %v", e.StageVariables)
	}
	rc := f.raw[0]["requestContext"].(map[string]any)
	for _, k := range []string{"routeKey", "eventType", "extendedRequestId", "requestTime", "messageDirection", "stage", "connectedAt", "requestTimeEpoch", "identity", "requestId", "domainName", "connectionId", "apiId"} {
		if v, ok := rc[k]; !ok || v == "" {
			t.Errorf("authorizer event requestContext.%s missing", k)
		}
	}
	if rc["eventType"] != "CONNECT" || rc["routeKey"] != "$connect" {
		t.Errorf("requestContext %v", rc)
	}
}

func TestAuthorizeCache(t *testing.T) {
	f, c := startAuth(t)
	now := time.Unix(1000, 0)
	cache := NewCache(func() time.Time { return now })
	cfg := Config{ID: "Auth", Function: "authorizer", IdentitySource: []string{"route.request.header.Auth"}, TTL: 300 * time.Second}
	auth := func(token string) Outcome {
		return Authorize(context.Background(), c, cfg, request(map[string]string{"Auth": token}, ""), cache)
	}
	if o := auth("allow"); !o.Allowed() || o.Cached {
		t.Fatalf("first call: %+v", o)
	}
	o := auth("allow")
	if !o.Allowed() || !o.Cached || o.Called || o.PrincipalID != "alice" || f.calls() != 1 {
		t.Fatalf("second call should come from the cache: %+v, %d calls", o, f.calls())
	}
	if o := auth("deny"); o.Status != 403 || o.Cached {
		t.Fatalf("other identity: %+v", o)
	}
	if o := auth("deny"); o.Status != 403 || !o.Cached {
		t.Fatalf("a deny is cached too: %+v", o)
	}
	if o := auth("throws"); o.Status != 500 {
		t.Fatalf("throws: %+v", o)
	}
	if o := auth("throws"); o.Cached {
		t.Fatal("a failed call must not be cached")
	}
	now = now.Add(301 * time.Second)
	if o := auth("allow"); o.Cached || !o.Called {
		t.Fatalf("expired entry answered: %+v", o)
	}
	cfg.TTL = 0
	calls := f.calls()
	auth("allow")
	auth("allow")
	if f.calls() != calls+2 {
		t.Fatal("TTL 0 must not cache")
	}
}

func TestIdentityValues(t *testing.T) {
	r := request(map[string]string{"Authorization": "Bearer x"}, "token=q")
	tests := []struct {
		name    string
		sources []string
		want    string
		missing bool
		bad     bool
	}{
		{name: "header any case", sources: []string{"route.request.header.authorization"}, want: "Bearer x"},
		{name: "query", sources: []string{"route.request.querystring.token"}, want: "q"},
		{name: "stage variable", sources: []string{"stageVariables.env"}, want: "dev"},
		{name: "context", sources: []string{"context.connectionId"}, want: "R1kmxc2VNjMCFIA="},
		{name: "several", sources: []string{"route.request.header.Authorization", "route.request.querystring.token"}, want: "Bearer x|q"},
		{name: "missing header", sources: []string{"route.request.header.Auth"}, missing: true},
		{name: "one of two missing", sources: []string{"route.request.querystring.token", "route.request.querystring.other"}, missing: true},
		{name: "unsupported", sources: []string{"method.request.header.Auth"}, bad: true},
		{name: "none", sources: nil, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vals, err := IdentityValues(tt.sources, r)
			switch {
			case tt.bad:
				if err == nil || !strings.Contains(err.Error(), "unsupported") {
					t.Fatalf("err = %v", err)
				}
			case tt.missing:
				if err == nil || !strings.Contains(err.Error(), "missing") {
					t.Fatalf("err = %v", err)
				}
			default:
				if err != nil || strings.Join(vals, "|") != tt.want {
					t.Fatalf("got %q, %v", vals, err)
				}
			}
		})
	}
}

func TestCheckIdentitySources(t *testing.T) {
	if err := CheckIdentitySources([]string{"route.request.header.Auth", "route.request.querystring.t", "stageVariables.s", "context.c"}); err != nil {
		t.Fatal(err)
	}
	if err := CheckIdentitySources([]string{"route.request.header.Auth", "$request.header.Auth"}); err == nil || !strings.Contains(err.Error(), "$request.header.Auth") {
		t.Fatalf("err = %v", err)
	}
}

func TestBadSourceIs500(t *testing.T) {
	_, c := startAuth(t)
	o := Authorize(context.Background(), c, Config{Function: "f", IdentitySource: []string{"header.Auth"}}, request(nil, ""), nil)
	if o.Status != 500 {
		t.Fatalf("%+v", o)
	}
}

func TestMock(t *testing.T) {
	tests := []struct {
		name       string
		m          model.MockAuthorizer
		header     map[string]string
		query      string
		wantStatus int
		wantPrin   string
	}{
		{name: "header equals", m: model.MockAuthorizer{Enabled: true, Header: "Auth", Value: "letmein", PrincipalID: "p"}, header: map[string]string{"auth": "letmein"}, wantPrin: "p"},
		{name: "header wrong", m: model.MockAuthorizer{Enabled: true, Header: "Auth", Value: "letmein"}, header: map[string]string{"Auth": "nope"}, wantStatus: 403},
		{name: "header missing", m: model.MockAuthorizer{Enabled: true, Header: "Auth", Value: "letmein"}, wantStatus: 401},
		{name: "any value", m: model.MockAuthorizer{Enabled: true, Header: "Auth"}, header: map[string]string{"Auth": "x"}, wantPrin: "user"},
		{name: "query", m: model.MockAuthorizer{Enabled: true, QueryString: "token", Value: "t"}, query: "token=t", wantPrin: "user"},
		{name: "query missing", m: model.MockAuthorizer{Enabled: true, QueryString: "token", Value: "t"}, query: "other=t", wantStatus: 401},
		{name: "nothing named", m: model.MockAuthorizer{Enabled: true}, wantStatus: 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.m.Context = map[string]string{"role": "tester"}
			o := Mock(tt.m, request(tt.header, tt.query))
			if o.Status != tt.wantStatus {
				t.Fatalf("%+v, want status %d", o, tt.wantStatus)
			}
			if o.Allowed() && (o.PrincipalID != tt.wantPrin || o.AuthorizerMap()["role"] != "tester") {
				t.Fatalf("%+v", o)
			}
		})
	}
}

func TestAPIKey(t *testing.T) {
	h := http.Header{"X-Api-Key": {"k1"}}
	tests := []struct {
		name       string
		expr       string
		h          http.Header
		usage      string
		valid      []string
		wantKey    string
		wantStatus int
	}{
		{name: "header, any key", expr: KeyFromHeader, h: h, wantKey: "k1"},
		{name: "default expression", expr: "", h: h, wantKey: "k1"},
		{name: "header, listed", expr: KeyFromHeader, h: h, valid: []string{"k0", "k1"}, wantKey: "k1"},
		{name: "header, not listed", expr: KeyFromHeader, h: h, valid: []string{"k0"}, wantStatus: 403},
		{name: "header missing", expr: KeyFromHeader, h: http.Header{}, wantStatus: 403},
		{name: "from authorizer", expr: KeyFromAuthorizer, h: http.Header{}, usage: "u1", wantKey: "u1"},
		{name: "from authorizer missing", expr: KeyFromAuthorizer, h: h, wantStatus: 403},
		{name: "bad expression", expr: "$request.querystring.key", h: h, wantStatus: 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, status, reason := APIKey(tt.expr, tt.h, tt.usage, tt.valid)
			if key != tt.wantKey || status != tt.wantStatus || (status != 0) != (reason != "") {
				t.Fatalf("got %q %d %q", key, status, reason)
			}
		})
	}
}
