package emulator

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// This file checks the gateway against behaviour recorded on real AWS, not
// against our own idea of it. Each fact names the recording it comes from:
// a captured event, an SDK's error transcript or AWS's own sample output.
// A fact here changes only when a new recording contradicts it.

// Sources of the recordings.
const (
	// AWS's developer guide prints a $connect and a $disconnect event of a
	// Lambda proxy integration, captured from a wscat-like client that sent no
	// User-Agent, closed without a status code.
	srcDocsIntegrationRequests = "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-integration-requests.html"
	// aws-lambda-go's test data: a MESSAGE and a DISCONNECT event captured
	// from a Chrome client on 2024-01-20.
	srcLambdaGoMessage    = "github.com/aws/aws-lambda-go@cf69909 events/testdata/apigw-websocket-request-send-message.json"
	srcLambdaGoDisconnect = "github.com/aws/aws-lambda-go@cf69909 events/testdata/apigw-websocket-request-disconnect.json"
	// SDK transcripts of a 410: aws-sdk-js v2 reports `GoneException: 410`
	// (the status as the message: the body was empty); the PHP SDK fails to
	// parse a JSON error body.
	srcGoneEmpty = "https://github.com/aws/aws-sdk-js/issues/3773, https://github.com/aws/aws-sdk-js-v3/issues/2763, https://github.com/georgeboot/laravel-echo-api-gateway/issues/9"
	// DeleteConnection's $disconnect: 1000 "Connection Closed Normally".
	srcDeleteDisconnect = "https://github.com/boto/boto3/issues/3789"
	// A malformed connection ID: 400 "Invalid connectionId: <id>".
	srcBadID = "https://github.com/dherault/serverless-offline/issues/749"
	// Recorded on AWS by the review behind wsworkbench issue 10 (Fidelity,
	// items 1 and 5); we know of no public transcript.
	srcIssue10 = "wsworkbench issue 10, Fidelity"
)

// recordedFacts are the checks, each against a real gateway on loopback.
var recordedFacts = []struct {
	name   string
	source string
	check  func(t *testing.T)
}{
	{"a null or missing value equals the empty string in VTL", srcIssue10, factNullEqualsEmpty},
	{"no User-Agent: identity is sourceIp alone, in events and GET @connections", srcDocsIntegrationRequests, factNoUserAgent},
	{"a close frame without a status code: 1005 Client-side close frame status not set", srcDocsIntegrationRequests, factCloseWithoutStatus},
	{"$disconnect headers: Host, then x-api-key, X-Forwarded-For, x-restapi empty", srcLambdaGoDisconnect + "; " + srcDocsIntegrationRequests, factDisconnectHeaders},
	{"a browser tab closing: 1001 with an empty reason", srcLambdaGoDisconnect, factTabCloses},
	{"MESSAGE event: no headers, the body as sent, a messageId", srcLambdaGoMessage, factMessageEvent},
	{"requestContext: CLF requestTime, epoch milliseconds, requestId = extendedRequestId", srcLambdaGoMessage + "; " + srcLambdaGoDisconnect, factRequestContextFormats},
	{"CONNECT event: no body, no messageId, no disconnect fields", srcDocsIntegrationRequests, factConnectEvent},
	{"410 GoneException has an empty body", srcGoneEmpty, factGoneEmptyBody},
	{"@connections without the stage is 403 Forbidden", srcIssue10, factNoStageForbidden},
	{"DeleteConnection: $disconnect sees 1000 Connection Closed Normally", srcDeleteDisconnect, factDeleteDisconnect},
	{"a malformed connection ID is 400 Invalid connectionId", srcBadID, factBadConnectionID},
}

// TestRecordedFacts runs every fact; the log names each one's source.
func TestRecordedFacts(t *testing.T) {
	for _, f := range recordedFacts {
		t.Run(f.name, func(t *testing.T) {
			t.Logf("recorded on AWS: %s", f.source)
			f.check(t)
		})
	}
}

// lambdaSession runs one connection through a Lambda proxy API ($connect,
// $disconnect and $default on recording functions): it dials with header,
// sends messages, lets end close the connection and returns each event the
// functions got, decoded as generic JSON.
func lambdaSession(t *testing.T, header http.Header, messages []string, end func(*Gateway, *websocket.Conn)) (connect, disconnect map[string]any, msgs []map[string]any) {
	t.Helper()
	ok := answer(`{"statusCode":200}`)
	fl := startLambda(t, map[string]lambdaFunc{"onconnect": ok, "ondisconnect": ok, "default": ok})
	g := start(t, lambdaAPI(fl.url, map[string]string{"$connect": "onconnect", "$disconnect": "ondisconnect", "$default": "default"}))
	ws := dial(t, g, header)
	for _, m := range messages {
		send(t, ws, m)
	}
	waitFor(t, "the message events", func() bool { return len(fl.eventsOf("default")) == len(messages) })
	end(g, ws)
	waitFor(t, "the $disconnect event", func() bool { return len(fl.eventsOf("ondisconnect")) == 1 })
	decode := func(b []byte) map[string]any {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, b := range fl.eventsOf("default") {
		msgs = append(msgs, decode(b))
	}
	return decode(fl.eventsOf("onconnect")[0]), decode(fl.eventsOf("ondisconnect")[0]), msgs
}

// closeWith sends a close frame with payload and waits for the gateway's.
func closeWith(payload []byte) func(*Gateway, *websocket.Conn) {
	return func(_ *Gateway, ws *websocket.Conn) {
		_ = ws.WriteControl(websocket.CloseMessage, payload, time.Now().Add(time.Second))
		ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				return
			}
		}
	}
}

var noUserAgent = http.Header{"User-Agent": {""}}

func requestContext(t *testing.T, event map[string]any) map[string]any {
	t.Helper()
	rc, ok := event["requestContext"].(map[string]any)
	if !ok {
		t.Fatalf("event without requestContext: %v", event)
	}
	return rc
}

func factNullEqualsEmpty(t *testing.T) {
	api := seedAPI()
	api.Integrations[1].Responses[0].ResponseTemplates["1"] = `#set($r = $input.path('$.missing'))` +
		`#if($r == "")empty#{else}not-empty#end #if($r == $null)null#{else}not-null#end`
	g := start(t, api)
	ws := dial(t, g)
	send(t, ws, `{"action":"message","messageId":1}`)
	if got := recv(t, ws); got != "empty null" {
		t.Errorf("got %q, want %q", got, "empty null")
	}
}

func factNoUserAgent(t *testing.T) {
	ok := answer(`{"statusCode":200}`)
	fl := startLambda(t, map[string]lambdaFunc{"onconnect": ok, "ondisconnect": ok, "default": ok})
	g := start(t, lambdaAPI(fl.url, map[string]string{"$connect": "onconnect", "$disconnect": "ondisconnect", "$default": "default"}))
	ws := dial(t, g, noUserAgent)
	send(t, ws, "hello")
	waitFor(t, "the message event", func() bool { return len(fl.eventsOf("default")) == 1 })
	r := call(t, http.MethodGet, g.ConnectionsURL()+"/"+connectionID(t, g, ws), nil)
	closeWith(websocket.FormatCloseMessage(1000, ""))(g, ws)
	waitFor(t, "the $disconnect event", func() bool { return len(fl.eventsOf("ondisconnect")) == 1 })

	want := map[string]any{"sourceIp": "127.0.0.1"}
	for name, b := range map[string][]byte{"CONNECT": fl.eventsOf("onconnect")[0], "MESSAGE": fl.eventsOf("default")[0], "DISCONNECT": fl.eventsOf("ondisconnect")[0]} {
		var e map[string]any
		if err := json.Unmarshal(b, &e); err != nil {
			t.Fatal(err)
		}
		if got := requestContext(t, e)["identity"]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s identity %v, want %v", name, got, want)
		}
	}
	var out struct {
		Identity map[string]any `json:"identity"`
	}
	if err := json.Unmarshal([]byte(r.body), &out); err != nil || !reflect.DeepEqual(out.Identity, want) {
		t.Errorf("GET @connections identity %v (%v), want %v", out.Identity, err, want)
	}
}

func factCloseWithoutStatus(t *testing.T) {
	_, disconnect, _ := lambdaSession(t, noUserAgent, nil, closeWith(nil))
	rc := requestContext(t, disconnect)
	if rc["disconnectStatusCode"] != 1005.0 || rc["disconnectReason"] != "Client-side close frame status not set" {
		t.Errorf("disconnectStatusCode %v disconnectReason %q", rc["disconnectStatusCode"], rc["disconnectReason"])
	}
}

func factDisconnectHeaders(t *testing.T) {
	_, disconnect, _ := lambdaSession(t, nil, nil, closeWith(nil))
	host := requestContext(t, disconnect)["domainName"]
	want := map[string]any{"Host": host, "x-api-key": "", "X-Forwarded-For": "", "x-restapi": ""}
	if got := disconnect["headers"]; !reflect.DeepEqual(got, want) {
		t.Errorf("headers %v, want %v", got, want)
	}
	wantMulti := map[string]any{}
	for k, v := range want {
		wantMulti[k] = []any{v}
	}
	if got := disconnect["multiValueHeaders"]; !reflect.DeepEqual(got, wantMulti) {
		t.Errorf("multiValueHeaders %v, want %v", got, wantMulti)
	}
	if _, ok := disconnect["body"]; ok || disconnect["isBase64Encoded"] != false {
		t.Errorf("body %v isBase64Encoded %v, want no body and false", disconnect["body"], disconnect["isBase64Encoded"])
	}
}

func factTabCloses(t *testing.T) {
	_, disconnect, _ := lambdaSession(t, nil, nil, closeWith(websocket.FormatCloseMessage(websocket.CloseGoingAway, "")))
	rc := requestContext(t, disconnect)
	if reason, ok := rc["disconnectReason"]; rc["disconnectStatusCode"] != 1001.0 || !ok || reason != "" {
		t.Errorf("disconnectStatusCode %v disconnectReason %q (present %v)", rc["disconnectStatusCode"], reason, ok)
	}
}

func factMessageEvent(t *testing.T) {
	const body = "{\r\n\t\"a\": 1\r\n}" // the recorded body, as sent
	_, _, msgs := lambdaSession(t, nil, []string{body}, closeWith(websocket.FormatCloseMessage(1000, "")))
	e := msgs[0]
	if _, ok := e["headers"]; ok {
		t.Errorf("MESSAGE event has headers: %v", e["headers"])
	}
	if _, ok := e["multiValueHeaders"]; ok {
		t.Errorf("MESSAGE event has multiValueHeaders: %v", e["multiValueHeaders"])
	}
	if e["body"] != body || e["isBase64Encoded"] != false {
		t.Errorf("body %q isBase64Encoded %v", e["body"], e["isBase64Encoded"])
	}
	rc := requestContext(t, e)
	if id, _ := rc["messageId"].(string); !idRE.MatchString(id) || rc["eventType"] != "MESSAGE" || rc["routeKey"] != "$default" {
		t.Errorf("requestContext %v", rc)
	}
	if _, ok := rc["disconnectStatusCode"]; ok {
		t.Errorf("MESSAGE requestContext has disconnectStatusCode")
	}
}

// clfRE is requestTime's recorded shape, "20/Jan/2024:11:55:08 +0000".
var clfRE = regexp.MustCompile(`^\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000$`)

func factRequestContextFormats(t *testing.T) {
	connect, disconnect, msgs := lambdaSession(t, nil, []string{"hi"}, closeWith(websocket.FormatCloseMessage(1000, "")))
	for _, e := range []map[string]any{connect, msgs[0], disconnect} {
		rc := requestContext(t, e)
		name := rc["eventType"]
		if s, _ := rc["requestTime"].(string); !clfRE.MatchString(s) {
			t.Errorf("%s requestTime %q", name, s)
		}
		// Epoch milliseconds are 13 digits until 2286.
		for _, k := range []string{"connectedAt", "requestTimeEpoch"} {
			if n, _ := rc[k].(float64); n < 1e12 || n >= 1e13 {
				t.Errorf("%s %s %v, want epoch milliseconds", name, k, rc[k])
			}
		}
		if rc["requestId"] != rc["extendedRequestId"] || !idRE.MatchString(rc["requestId"].(string)) {
			t.Errorf("%s requestId %v extendedRequestId %v", name, rc["requestId"], rc["extendedRequestId"])
		}
		if rc["messageDirection"] != "IN" {
			t.Errorf("%s messageDirection %v", name, rc["messageDirection"])
		}
	}
}

func factConnectEvent(t *testing.T) {
	connect, _, _ := lambdaSession(t, noUserAgent, nil, closeWith(nil))
	if _, ok := connect["body"]; ok {
		t.Errorf("CONNECT event has a body: %v", connect["body"])
	}
	rc := requestContext(t, connect)
	for _, k := range []string{"messageId", "disconnectStatusCode", "disconnectReason"} {
		if _, ok := rc[k]; ok {
			t.Errorf("CONNECT requestContext has %s", k)
		}
	}
	headers, _ := connect["headers"].(map[string]any)
	var keys []string
	for k := range headers {
		keys = append(keys, k)
	}
	for _, k := range []string{"Host", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "X-Amzn-Trace-Id", "X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto"} {
		if !slices.Contains(keys, k) {
			t.Errorf("CONNECT headers lack %s: %v", k, keys)
		}
	}
}

func factGoneEmptyBody(t *testing.T) {
	g := start(t, seedAPI())
	sub := g.Subscribe(16)
	const gone = "AAAAAAAAAAAAAAA="
	r := call(t, http.MethodPost, g.ConnectionsURL()+"/"+gone, []byte("x"))
	if r.status != http.StatusGone || r.errorType != "GoneException" || r.body != "" {
		t.Errorf("got %d %q %q, want 410 GoneException and no body", r.status, r.errorType, r.body)
	}
	// The log says what the empty body does not.
	events := collect(t, sub, func(e Event) bool { return e.Kind == EventConnections })
	if e := events[len(events)-1]; e.Status != http.StatusGone || e.ConnectionID != gone || e.Code != CodeGone || !strings.Contains(e.Error, "empty body") {
		t.Errorf("log: %v", e)
	}
}

func factNoStageForbidden(t *testing.T) {
	g := start(t, seedAPI())
	ws := dial(t, g)
	id := connectionID(t, g, ws)
	sub := g.Subscribe(16)
	for _, path := range []string{"/@connections/" + id, "/%40connections/" + strings.TrimSuffix(id, "=") + "%3D", "/@connections"} {
		r := call(t, http.MethodPost, "http://"+g.Addr()+path, []byte("x"))
		if r.status != http.StatusForbidden || r.body != `{"message":"Forbidden"}` {
			t.Errorf("POST %s: %d %s, want 403 {\"message\":\"Forbidden\"}", path, r.status, r.body)
		}
		events := collect(t, sub, func(e Event) bool { return e.Kind == EventConnections })
		if e := events[len(events)-1]; e.Status != http.StatusForbidden || !strings.Contains(e.Error, "has no stage") || !strings.Contains(e.Error, g.ConnectionsURL()) {
			t.Errorf("log for %s: %v", path, e)
		}
	}
	// Nothing reached the client.
	send(t, ws, `{"action":"message","messageId":1}`)
	if got := recv(t, ws); got != `{"message": "Hello World"}` {
		t.Errorf("the client got %q first", got)
	}
}

func factDeleteDisconnect(t *testing.T) {
	_, disconnect, _ := lambdaSession(t, nil, nil, func(g *Gateway, ws *websocket.Conn) {
		if r := call(t, http.MethodDelete, g.ConnectionsURL()+"/"+connectionID(t, g, ws), nil); r.status != http.StatusNoContent {
			t.Errorf("DELETE: %+v", r)
		}
		closeWith(nil)(g, ws) // answer the gateway's close frame
	})
	rc := requestContext(t, disconnect)
	if rc["disconnectStatusCode"] != 1000.0 || rc["disconnectReason"] != "Connection Closed Normally" {
		t.Errorf("disconnectStatusCode %v disconnectReason %q", rc["disconnectStatusCode"], rc["disconnectReason"])
	}
}

func factBadConnectionID(t *testing.T) {
	g := start(t, seedAPI())
	r := call(t, http.MethodPost, g.ConnectionsURL()+"/not-an-id", []byte("x"))
	if r.status != http.StatusBadRequest || r.errorType != "BadRequestException" || r.body != `{"message":"Invalid connectionId: not-an-id"}` {
		t.Errorf("got %d %q %s", r.status, r.errorType, r.body)
	}
}
