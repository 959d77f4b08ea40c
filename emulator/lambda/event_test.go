package lambda

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

func testConnection() Connection {
	return Connection{
		APIID:        "dl7ptocha9",
		Stage:        "Prod",
		DomainName:   "127.0.0.1:8080",
		ConnectionID: "R1kmxc2VNjMCFIA=",
		ConnectedAt:  time.UnixMilli(1705751697419),
		SourceIP:     "127.0.0.1",
		UserAgent:    "wscat",
	}
}

// marshalRoundTrip turns e into JSON as the gateway sends it and reads it
// back with aws-lambda-go, as a Go function would.
func marshalRoundTrip(t *testing.T, e Event) (events.APIGatewayWebsocketProxyRequest, map[string]any) {
	t.Helper()
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	var got events.APIGatewayWebsocketProxyRequest
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	return got, raw
}

// checkCommon checks the requestContext fields every event carries.
func checkCommon(t *testing.T, rc events.APIGatewayWebsocketProxyRequestContext, route, eventType string) {
	t.Helper()
	checks := []struct {
		field string
		ok    bool
	}{
		{"routeKey", rc.RouteKey == route},
		{"eventType", rc.EventType == eventType},
		{"connectionId", rc.ConnectionID == "R1kmxc2VNjMCFIA="},
		{"requestId", rc.RequestID == "R1knPH17NjMFftw="},
		{"extendedRequestId", rc.ExtendedRequestID == rc.RequestID},
		{"domainName (with the port)", rc.DomainName == "127.0.0.1:8080"},
		{"stage", rc.Stage == "Prod"},
		{"apiId", rc.APIID == "dl7ptocha9"},
		{"connectedAt", rc.ConnectedAt == 1705751697419},
		{"requestTimeEpoch", rc.RequestTimeEpoch == 1705751708326},
		{"requestTime", rc.RequestTime == "20/Jan/2024:11:55:08 +0000"},
		{"identity.sourceIp", rc.Identity.SourceIP == "127.0.0.1"},
		{"identity.userAgent", rc.Identity.UserAgent == "wscat"},
		{"messageDirection", rc.MessageDirection == "IN"},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("requestContext.%s not set as expected: %+v", c.field, rc)
		}
	}
}

func testRequest(route, messageID string) Request {
	return Request{RouteKey: route, RequestID: "R1knPH17NjMFftw=", MessageID: messageID, Time: time.UnixMilli(1705751708326)}
}

func TestConnectEventUnmarshalsIntoAWSLambdaGo(t *testing.T) {
	client := http.Header{}
	client.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	client.Set("Sec-WebSocket-Version", "13")
	client.Set("Sec-WebSocket-Protocol", "chat")
	client.Set("Connection", "Upgrade")
	client.Set("Upgrade", "websocket")
	client.Set("User-Agent", "wscat")
	client.Add("X-Multi", "a")
	client.Add("X-Multi", "b")
	h := ForwardedHeaders(client, "127.0.0.1:8080", "127.0.0.1", "http")
	q := url.Values{"token": {"t1", "t2"}, "room": {"lobby"}}
	c := testConnection()
	c.Authorizer = map[string]any{"principalId": "me", "tier": "gold"}
	c.StageVariables = map[string]string{"env": "dev"}
	got, raw := marshalRoundTrip(t, ConnectEvent(c, testRequest("$connect", ""), h, q))
	checkCommon(t, got.RequestContext, "$connect", "CONNECT")

	for name, want := range map[string]string{
		"Host":                   "127.0.0.1:8080",
		"Sec-WebSocket-Key":      "dGhlIHNhbXBsZSBub25jZQ==",
		"Sec-WebSocket-Version":  "13",
		"Sec-WebSocket-Protocol": "chat",
		"X-Forwarded-For":        "127.0.0.1",
		"X-Forwarded-Port":       "8080",
		"X-Forwarded-Proto":      "http",
		"X-Multi":                "b",
	} {
		if got.Headers[name] != want {
			t.Errorf("headers[%q] = %q, want %q", name, got.Headers[name], want)
		}
	}
	if !strings.HasPrefix(got.Headers["X-Amzn-Trace-Id"], "Root=1-") {
		t.Errorf("X-Amzn-Trace-Id = %q", got.Headers["X-Amzn-Trace-Id"])
	}
	if _, ok := got.Headers["Connection"]; ok {
		t.Error("hop-by-hop Connection header forwarded")
	}
	if strings.Join(got.MultiValueHeaders["X-Multi"], ",") != "a,b" {
		t.Errorf("multiValueHeaders[X-Multi] = %q", got.MultiValueHeaders["X-Multi"])
	}
	if got.QueryStringParameters["token"] != "t2" || got.QueryStringParameters["room"] != "lobby" {
		t.Errorf("queryStringParameters = %v", got.QueryStringParameters)
	}
	if strings.Join(got.MultiValueQueryStringParameters["token"], ",") != "t1,t2" {
		t.Errorf("multiValueQueryStringParameters = %v", got.MultiValueQueryStringParameters)
	}
	if got.StageVariables["env"] != "dev" {
		t.Errorf("stageVariables = %v", got.StageVariables)
	}
	auth, _ := got.RequestContext.Authorizer.(map[string]any)
	if auth["principalId"] != "me" || auth["tier"] != "gold" {
		t.Errorf("requestContext.authorizer = %v", got.RequestContext.Authorizer)
	}
	if got.IsBase64Encoded {
		t.Error("isBase64Encoded set on CONNECT")
	}
	if _, ok := raw["body"]; ok {
		t.Error("CONNECT event has a body")
	}
	if _, ok := raw["isBase64Encoded"]; !ok {
		t.Error("isBase64Encoded missing: AWS always sends it")
	}
	rc := raw["requestContext"].(map[string]any)
	for _, k := range []string{"messageId", "disconnectStatusCode", "disconnectReason"} {
		if _, ok := rc[k]; ok {
			t.Errorf("CONNECT requestContext has %s", k)
		}
	}
}

func TestConnectEventWithoutQueryHasNoQueryMaps(t *testing.T) {
	_, raw := marshalRoundTrip(t, ConnectEvent(testConnection(), testRequest("$connect", ""), ForwardedHeaders(nil, "h:1", "1.2.3.4", "https"), nil))
	for _, k := range []string{"queryStringParameters", "multiValueQueryStringParameters", "stageVariables"} {
		if _, ok := raw[k]; ok {
			t.Errorf("event has %s without a query string", k)
		}
	}
	if raw["requestContext"].(map[string]any)["authorizer"] != nil {
		t.Error("authorizer present without an authorizer")
	}
}

func TestMessageEventUnmarshalsIntoAWSLambdaGo(t *testing.T) {
	body := "{\r\n\t\"action\": \"sendmessage\", \"data\": \"hello\"\r\n}"
	got, raw := marshalRoundTrip(t, MessageEvent(testConnection(), testRequest("sendmessage", "R1knPc2ntjMCFIA="), []byte(body), false))
	checkCommon(t, got.RequestContext, "sendmessage", "MESSAGE")
	if got.RequestContext.MessageID != "R1knPc2ntjMCFIA=" {
		t.Errorf("messageId = %v", got.RequestContext.MessageID)
	}
	if got.Body != body {
		t.Errorf("body = %q, want it exactly as sent", got.Body)
	}
	if got.IsBase64Encoded {
		t.Error("text body marked base64")
	}
	for _, k := range []string{"headers", "multiValueHeaders", "queryStringParameters"} {
		if _, ok := raw[k]; ok {
			t.Errorf("MESSAGE event has %s", k)
		}
	}
}

func TestMessageEventEmptyAndBinaryBodies(t *testing.T) {
	tests := []struct {
		name    string
		body    []byte
		binary  bool
		want    string
		wantB64 bool
	}{
		{"empty body still present", nil, false, "", false},
		{"converted to binary", []byte{0, 1, 2}, true, "AAEC", true},
		{"invalid UTF-8", []byte{0xff, 0xfe}, false, "//4=", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, raw := marshalRoundTrip(t, MessageEvent(testConnection(), testRequest("$default", "m"), tt.body, tt.binary))
			if _, ok := raw["body"]; !ok {
				t.Fatal("MESSAGE event without body")
			}
			if got.Body != tt.want || got.IsBase64Encoded != tt.wantB64 {
				t.Fatalf("body %q base64 %v, want %q %v", got.Body, got.IsBase64Encoded, tt.want, tt.wantB64)
			}
		})
	}
}

func TestDisconnectEventUnmarshalsIntoAWSLambdaGo(t *testing.T) {
	got, raw := marshalRoundTrip(t, DisconnectEvent(testConnection(), testRequest("$disconnect", ""), DisconnectHeaders("127.0.0.1:8080"), 1001, ""))
	checkCommon(t, got.RequestContext, "$disconnect", "DISCONNECT")
	if got.RequestContext.DisconnectStatusCode != 1001 {
		t.Errorf("disconnectStatusCode = %d", got.RequestContext.DisconnectStatusCode)
	}
	if got.RequestContext.DisconnectReason == nil || *got.RequestContext.DisconnectReason != "" {
		t.Errorf("disconnectReason = %v, want present and empty as in AWS captures", got.RequestContext.DisconnectReason)
	}
	want := map[string]string{"Host": "127.0.0.1:8080", "x-api-key": "", "X-Forwarded-For": "", "x-restapi": ""}
	if len(got.Headers) != len(want) {
		t.Errorf("headers = %v, want exactly %v", got.Headers, want)
	}
	for k, v := range want {
		if hv, ok := got.Headers[k]; !ok || hv != v {
			t.Errorf("headers[%q] = %q, %v; want %q", k, hv, ok, v)
		}
	}
	if _, ok := raw["body"]; ok {
		t.Error("DISCONNECT event has a body")
	}
	if _, ok := raw["requestContext"].(map[string]any)["messageId"]; ok {
		t.Error("DISCONNECT requestContext has messageId")
	}
}

func TestDisconnectEventReason(t *testing.T) {
	got, _ := marshalRoundTrip(t, DisconnectEvent(testConnection(), testRequest("$disconnect", ""), nil, 1000, "Connection Closed Normally"))
	if got.RequestContext.DisconnectStatusCode != 1000 || *got.RequestContext.DisconnectReason != "Connection Closed Normally" {
		t.Fatalf("got %d %q", got.RequestContext.DisconnectStatusCode, *got.RequestContext.DisconnectReason)
	}
}

func TestForwardedHeadersPorts(t *testing.T) {
	tests := []struct{ host, proto, want string }{
		{"127.0.0.1:8080", "http", "8080"},
		{"[::1]:9443", "https", "9443"},
		{"localhost", "https", "443"},
		{"[::1]", "http", "80"},
	}
	for _, tt := range tests {
		h := ForwardedHeaders(nil, tt.host, "127.0.0.1", tt.proto)
		if got := h.Get("X-Forwarded-Port"); got != tt.want {
			t.Errorf("%s %s: X-Forwarded-Port = %q, want %q", tt.host, tt.proto, got, tt.want)
		}
	}
}
