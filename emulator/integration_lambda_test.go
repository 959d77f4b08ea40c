package emulator

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
	"github.com/gorilla/websocket"
	"go.uber.org/goleak"

	"wsworkbench/emulator/model"
)

// lambdaFunc answers one invocation: it gets the raw event and writes the
// HTTP answer of the Invoke API.
type lambdaFunc func(w http.ResponseWriter, event []byte)

// fakeLambda is a Lambda Invoke API on loopback with functions by name. It
// records every event; single makes it refuse a call while another runs, as
// the Runtime Interface Emulator does.
type fakeLambda struct {
	url    string
	single bool

	mu      sync.Mutex
	funcs   map[string]lambdaFunc
	events  map[string][][]byte
	running int
	maxRun  int
	refused int
}

func startLambda(t *testing.T, funcs map[string]lambdaFunc) *fakeLambda {
	t.Helper()
	f := &fakeLambda{funcs: funcs, events: map[string][][]byte{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	f.url = srv.URL
	return f
}

func (f *fakeLambda) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, _ := strings.CutPrefix(r.URL.Path, "/2015-03-31/functions/")
	name, _ = strings.CutSuffix(name, "/invocations")
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	if f.single && f.running > 0 {
		f.refused++
		f.mu.Unlock()
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	fn := f.funcs[name]
	f.events[name] = append(f.events[name], body)
	f.running++
	f.maxRun = max(f.maxRun, f.running)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.running--
		f.mu.Unlock()
	}()
	if fn == nil {
		w.Header().Set("X-Amzn-ErrorType", "ResourceNotFoundException")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"Type":"User","message":"Function not found: %s"}`, name)
		return
	}
	fn(w, body)
}

func (f *fakeLambda) eventsOf(name string) [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]byte(nil), f.events[name]...)
}

func answer(s string) lambdaFunc {
	return func(w http.ResponseWriter, _ []byte) { io.WriteString(w, s) }
}

func throws(msg string) lambdaFunc {
	return func(w http.ResponseWriter, _ []byte) {
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		fmt.Fprintf(w, `{"errorType":"Error","errorMessage":%q,"trace":[]}`, msg)
	}
}

// echoBody answers a proxy result whose body is the event's body.
func echoBody(w http.ResponseWriter, event []byte) {
	var e struct {
		Body string `json:"body"`
	}
	json.Unmarshal(event, &e)
	json.NewEncoder(w).Encode(map[string]any{"statusCode": 200, "body": "echo: " + e.Body})
}

// lambdaAPI is an API whose routes all call functions at endpoint through
// AWS_PROXY: route key → function name. Routes in twoWay get a route
// response.
func lambdaAPI(endpoint string, routes map[string]string, twoWay ...string) *model.API {
	api := &model.API{
		ID:                       "ChatApi",
		Name:                     "chat",
		RouteSelectionExpression: "$request.body.action",
		Stage:                    model.Stage{Name: "Prod"},
		Settings:                 model.Settings{LambdaEndpoint: endpoint},
	}
	for key, fn := range routes {
		id := "Integ" + strings.Trim(strings.ReplaceAll(key, "$", "X"), " ")
		api.Integrations = append(api.Integrations, model.Integration{
			ID:   id,
			Type: model.TypeAWSProxy,
			URI:  "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:" + fn + "/invocations",
		})
		r := model.Route{ID: "Route" + id, Key: key, IntegrationID: id}
		for _, k := range twoWay {
			if k == key {
				r.RouteResponseSelectionExpression = "$default"
				r.RouteResponse = &model.RouteResponse{ID: "RR" + id, Key: "$default"}
			}
		}
		api.Routes = append(api.Routes, r)
	}
	return api
}

var frameRE = func(message string) string {
	return `{"message": "` + message + `", "connectionId":"`
}

// TestLambdaProxyEventsThroughGateway drives a connection through $connect,
// a message and $disconnect, and reads each event the function got with
// aws-lambda-go's own type: every field API Gateway sends must be set.
func TestLambdaProxyEventsThroughGateway(t *testing.T) {
	ok := answer(`{"statusCode":200}`)
	fl := startLambda(t, map[string]lambdaFunc{"onconnect": ok, "ondisconnect": ok, "send": ok})
	g := start(t, lambdaAPI(fl.url, map[string]string{"$connect": "onconnect", "$disconnect": "ondisconnect", "send": "send"}))
	h := http.Header{"User-Agent": {"gorilla-test"}, "Auth": {"t0k"}, "Sec-WebSocket-Protocol": {"chat"}}
	u := g.URL() + "?room=lobby&room=kitchen"
	ws, resp, err := tryDial(u, h)
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, resp)
	}
	send(t, ws, `{"action":"send","data":"hi"}`)
	waitFor(t, "the message event", func() bool { return len(fl.eventsOf("send")) == 1 })
	ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, ""), time.Now().Add(time.Second))
	ws.Close()
	waitFor(t, "the disconnect event", func() bool { return len(fl.eventsOf("ondisconnect")) == 1 })

	host := gatewayHost(t, g)
	decode := func(b []byte) (events.APIGatewayWebsocketProxyRequest, map[string]any) {
		var e events.APIGatewayWebsocketProxyRequest
		if err := json.Unmarshal(b, &e); err != nil {
			t.Fatal(err)
		}
		var raw map[string]any
		json.Unmarshal(b, &raw)
		return e, raw
	}
	connect, _ := decode(fl.eventsOf("onconnect")[0])
	message, mraw := decode(fl.eventsOf("send")[0])
	disconnect, _ := decode(fl.eventsOf("ondisconnect")[0])

	for name, e := range map[string]events.APIGatewayWebsocketProxyRequest{"CONNECT": connect, "MESSAGE": message, "DISCONNECT": disconnect} {
		rc := e.RequestContext
		for field, set := range map[string]bool{
			"routeKey":          rc.RouteKey != "",
			"eventType":         rc.EventType == name,
			"connectionId":      rc.ConnectionID == connect.RequestContext.ConnectionID && idRE.MatchString(rc.ConnectionID),
			"requestId":         idRE.MatchString(rc.RequestID),
			"extendedRequestId": rc.ExtendedRequestID == rc.RequestID,
			"domainName":        rc.DomainName == host,
			"stage":             rc.Stage == "Prod",
			"apiId":             len(rc.APIID) == 10,
			"connectedAt":       rc.ConnectedAt > 0 && rc.ConnectedAt <= rc.RequestTimeEpoch,
			"requestTimeEpoch":  rc.RequestTimeEpoch > 0,
			"requestTime":       strings.HasSuffix(rc.RequestTime, " +0000"),
			"identity.sourceIp": rc.Identity.SourceIP == "127.0.0.1",
			"messageDirection":  rc.MessageDirection == "IN",
		} {
			if !set {
				t.Errorf("%s: requestContext.%s not set as API Gateway sets it: %+v", name, field, rc)
			}
		}
		if rc.Identity.UserAgent != "gorilla-test" {
			t.Errorf("%s: identity.userAgent %q", name, rc.Identity.UserAgent)
		}
	}
	if connect.Headers["Auth"] != "t0k" || connect.Headers["Sec-WebSocket-Protocol"] != "chat" || connect.Headers["Host"] != host {
		t.Errorf("CONNECT headers %v", connect.Headers)
	}
	if connect.Headers["X-Forwarded-Proto"] != "http" || connect.Headers["X-Forwarded-For"] != "127.0.0.1" || connect.MultiValueHeaders["Auth"][0] != "t0k" {
		t.Errorf("CONNECT forwarded headers %v", connect.Headers)
	}
	if connect.QueryStringParameters["room"] != "kitchen" || strings.Join(connect.MultiValueQueryStringParameters["room"], ",") != "lobby,kitchen" {
		t.Errorf("CONNECT query %v %v", connect.QueryStringParameters, connect.MultiValueQueryStringParameters)
	}
	if message.Body != `{"action":"send","data":"hi"}` || message.IsBase64Encoded || message.RequestContext.MessageID == nil {
		t.Errorf("MESSAGE body %q base64 %v messageId %v", message.Body, message.IsBase64Encoded, message.RequestContext.MessageID)
	}
	if _, ok := mraw["isBase64Encoded"]; !ok {
		t.Error("MESSAGE without isBase64Encoded")
	}
	if disconnect.RequestContext.DisconnectStatusCode != 1001 || disconnect.RequestContext.DisconnectReason == nil {
		t.Errorf("DISCONNECT code %d reason %v", disconnect.RequestContext.DisconnectStatusCode, disconnect.RequestContext.DisconnectReason)
	}
	if _, ok := disconnect.Headers["x-api-key"]; !ok || disconnect.Headers["Host"] != host || len(disconnect.Headers) != 4 {
		t.Errorf("DISCONNECT headers %v", disconnect.Headers)
	}
}

// TestLambdaConnectResults: the $connect function's result decides the
// upgrade.
func TestLambdaConnectResults(t *testing.T) {
	tests := []struct {
		name       string
		fn         lambdaFunc
		wantStatus int // 101: connected
		protocol   string
	}{
		{name: "200 accepts", fn: answer(`{"statusCode":200,"body":"Connected."}`), wantStatus: 101},
		{name: "204 accepts", fn: answer(`{"statusCode":204}`), wantStatus: 101},
		{name: "no result accepts", fn: answer(`null`), wantStatus: 101},
		{name: "401 refuses with 401", fn: answer(`{"statusCode":401}`), wantStatus: 401},
		{name: "301 refuses with 301", fn: answer(`{"statusCode":301,"headers":{"Location":"x"}}`), wantStatus: 301},
		{name: "501 refuses with 501", fn: answer(`{"statusCode":501}`), wantStatus: 501},
		{name: "function error is 502", fn: throws("boom"), wantStatus: 502},
		{name: "malformed result is 502", fn: answer(`{"statusCode":200,"oops":1}`), wantStatus: 502},
		{name: "subprotocol from the result", fn: answer(`{"statusCode":200,"headers":{"Sec-WebSocket-Protocol":"chat"}}`), wantStatus: 101, protocol: "chat"},
		{name: "no subprotocol unless returned", fn: answer(`{"statusCode":200}`), wantStatus: 101, protocol: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fl := startLambda(t, map[string]lambdaFunc{"onconnect": tt.fn})
			g := start(t, lambdaAPI(fl.url, map[string]string{"$connect": "onconnect"}))
			d := websocket.Dialer{HandshakeTimeout: 5 * time.Second, Subprotocols: []string{"chat", "other"}}
			ws, resp, err := d.Dial(g.URL(), nil)
			if tt.wantStatus == 101 {
				if err != nil {
					t.Fatalf("dial: %v", err)
				}
				defer ws.Close()
				if ws.Subprotocol() != tt.protocol {
					t.Fatalf("subprotocol %q, want %q", ws.Subprotocol(), tt.protocol)
				}
				return
			}
			if err == nil {
				ws.Close()
				t.Fatal("connected")
			}
			if resp == nil || resp.StatusCode != tt.wantStatus {
				t.Fatalf("%v %v, want %d", err, resp, tt.wantStatus)
			}
		})
	}
}

// TestLambdaMessageResults: what a client sees for each kind of answer on
// message routes.
func TestLambdaMessageResults(t *testing.T) {
	fl := startLambda(t, map[string]lambdaFunc{
		"echo":    echoBody,
		"oneway":  echoBody,
		"throws":  throws("boom"),
		"bad":     answer(`{"statusCode":200,"body":{"not":"a string"}}`),
		"extra":   answer(`{"statusCode":200,"body":"x","extra":true}`),
		"status":  answer(`{"statusCode":500,"body":"still delivered"}`),
		"b64":     answer(`{"statusCode":200,"body":"aGVsbG8=","isBase64Encoded":true}`),
		"nothing": answer(`null`),
		"slow": func(w http.ResponseWriter, e []byte) {
			time.Sleep(400 * time.Millisecond)
			echoBody(w, e)
		},
	})
	routes := map[string]string{}
	for _, k := range []string{"echo", "oneway", "throws", "bad", "extra", "status", "b64", "nothing", "slow"} {
		routes[k] = k
	}
	api := lambdaAPI(fl.url, routes, "echo", "throws", "bad", "extra", "status", "b64", "nothing", "slow")
	for i := range api.Integrations {
		if strings.Contains(api.Integrations[i].URI, ":slow/") {
			api.Integrations[i].TimeoutMillis = 100
		}
	}
	g := start(t, api)
	ws := dial(t, g)
	errFrame := func(m string) string { return frameRE(m) }
	tests := []struct {
		name, msg, want string
		prefix          bool
	}{
		{name: "two-way body", msg: `{"action":"echo"}`, want: `echo: {"action":"echo"}`},
		{name: "function error", msg: `{"action":"throws"}`, want: errFrame("Internal server error"), prefix: true},
		{name: "body not a string", msg: `{"action":"bad"}`, want: errFrame("Internal server error"), prefix: true},
		{name: "extra key", msg: `{"action":"extra"}`, want: errFrame("Internal server error"), prefix: true},
		{name: "status 500 body still delivered", msg: `{"action":"status"}`, want: "still delivered"},
		{name: "base64 body decoded", msg: `{"action":"b64"}`, want: "hello"},
		{name: "timeout", msg: `{"action":"slow"}`, want: errFrame("Endpoint request timed out"), prefix: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			send(t, ws, tt.msg)
			got := recv(t, ws)
			if tt.prefix && !strings.HasPrefix(got, tt.want) || !tt.prefix && got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("one-way route sends nothing", func(t *testing.T) {
		send(t, ws, `{"action":"oneway"}`)
		send(t, ws, `{"action":"nothing"}`)
		send(t, ws, `{"action":"echo","n":2}`)
		if got := recv(t, ws); got != `echo: {"action":"echo","n":2}` {
			t.Fatalf("got %q: a one-way route or an empty result sent a frame", got)
		}
		waitFor(t, "the one-way call", func() bool { return len(fl.eventsOf("oneway")) == 1 })
	})
}

// TestLambdaUnreachableAndUnknown: a backend that is not there, or a
// function it does not have, is an integration failure.
func TestLambdaUnreachableAndUnknown(t *testing.T) {
	fl := startLambda(t, map[string]lambdaFunc{})
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	for name, endpoint := range map[string]string{"unknown function": fl.url, "nothing listening": deadURL} {
		t.Run(name, func(t *testing.T) {
			api := lambdaAPI(endpoint, map[string]string{"$connect": "missing", "$default": "missing"})
			g := start(t, api)
			sub := g.Subscribe(64)
			_, resp, err := tryDial(g.URL())
			if err == nil || resp == nil || resp.StatusCode != 502 {
				t.Fatalf("%v %v, want 502", err, resp)
			}
			var seen bool
			timeout := time.After(5 * time.Second)
			for !seen {
				select {
				case e := <-sub.C():
					if e.Kind == EventIntegration && e.Error != "" && e.Duration > 0 {
						seen = strings.Contains(e.Error, "missing")
					}
				case <-timeout:
					t.Fatal("no integration event with the error and its timing")
				}
			}
		})
	}
}

// TestLambdaSerialEndpointLosesNoCall runs many clients against an endpoint
// that takes one call at a time: with LambdaMode serial every message is
// answered and the endpoint never sees two calls at once.
func TestLambdaSerialEndpointLosesNoCall(t *testing.T) {
	for _, mode := range []string{"serial", "auto"} {
		t.Run(mode, func(t *testing.T) {
			fl := startLambda(t, map[string]lambdaFunc{"echo": func(w http.ResponseWriter, e []byte) {
				time.Sleep(2 * time.Millisecond)
				echoBody(w, e)
			}})
			fl.single = true
			api := lambdaAPI(fl.url, map[string]string{"echo": "echo"}, "echo")
			api.Settings.LambdaMode = mode
			g := start(t, api)
			const clients, each = 4, 10
			var wg sync.WaitGroup
			for c := range clients {
				ws := dial(t, g)
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range each {
						msg := fmt.Sprintf(`{"action":"echo","c":%d,"i":%d}`, c, i)
						if err := ws.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
							t.Error(err)
							return
						}
					}
					got := map[string]bool{}
					// 40 calls one at a time: under -race on a loaded
					// machine 10 s was not always enough (1 run in 200).
					ws.SetReadDeadline(time.Now().Add(30 * time.Second))
					for range each {
						_, data, err := ws.ReadMessage()
						if err != nil {
							t.Errorf("client %d: %v after %d answers", c, err, len(got))
							return
						}
						got[string(data)] = true
					}
					for i := range each {
						if !got[fmt.Sprintf(`echo: {"action":"echo","c":%d,"i":%d}`, c, i)] {
							t.Errorf("client %d: message %d unanswered: %v", c, i, got)
						}
					}
				}()
			}
			wg.Wait()
			fl.mu.Lock()
			defer fl.mu.Unlock()
			if mode == "serial" && (fl.refused != 0 || fl.maxRun != 1) {
				t.Fatalf("serial: refused %d, max concurrent %d", fl.refused, fl.maxRun)
			}
		})
	}
}

// TestLambdaRefusalsDoNotBlockOtherRoutes is issue 9 item 3 through the
// gateway: a function whose calls the endpoint always refuses with 400 and
// an empty body once switched the endpoint to serial and held its queue for
// 15 minutes, so every other route's calls timed out. Each refused message
// must now fail with an error frame after a few resends, and another
// route's message must be answered.
func TestLambdaRefusalsDoNotBlockOtherRoutes(t *testing.T) {
	fl := startLambda(t, map[string]lambdaFunc{
		"odd":  func(w http.ResponseWriter, _ []byte) { w.WriteHeader(http.StatusBadRequest) },
		"echo": echoBody,
	})
	api := lambdaAPI(fl.url, map[string]string{"odd": "odd", "echo": "echo"}, "odd", "echo")
	g := start(t, api)
	ws := dial(t, g)
	const odd = 4
	for range odd {
		send(t, ws, `{"action":"odd"}`)
	}
	send(t, ws, `{"action":"echo"}`)
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	var failed, echoed int
	for range odd + 1 {
		_, data, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("after %d error frames and %d echoes: %v", failed, echoed, err)
		}
		switch {
		case strings.HasPrefix(string(data), frameRE("Internal server error")):
			failed++
		case string(data) == `echo: {"action":"echo"}`:
			echoed++
		default:
			t.Fatalf("unexpected frame %q", data)
		}
	}
	if failed != odd || echoed != 1 {
		t.Fatalf("%d error frames and %d echoes, want %d and 1", failed, echoed, odd)
	}
	if n := len(fl.eventsOf("odd")); n > odd*5 {
		t.Fatalf("the endpoint got %d calls for %d messages", n, odd)
	}
}

// TestGatewayCloseEndsLambdaCalls is issue 10's shutdown item: the gateway
// owns its Lambda clients. A serial endpoint holds a call after its caller
// gave up (so the next call cannot overlap it); Close must end that call,
// the call queued behind it and their connections, leaving nothing running.
func TestGatewayCloseEndsLambdaCalls(t *testing.T) {
	started, stop := make(chan struct{}, 10), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // then the server notices the client going
		started <- struct{}{}
		// A function that runs until its call is abandoned (or the test ends).
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	defer srv.Close()
	defer close(stop)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	api := lambdaAPI(srv.URL, map[string]string{"$default": "forever"})
	api.Settings.LambdaMode = "serial"
	api.Integrations[0].TimeoutMillis = 100
	g, err := New(api, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Open(); err != nil {
		t.Fatal(err)
	}
	ws, _, err := tryDial(g.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	send(t, ws, "first")
	send(t, ws, "second") // queued behind the first
	<-started
	// Both callers give up after 100 ms; the first call still holds the
	// endpoint.
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	for range 2 {
		if _, data, err := ws.ReadMessage(); err != nil || !strings.Contains(string(data), "Endpoint request timed out") {
			t.Fatalf("got %q, %v; want the timeout frame", data, err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := g.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	ws.Close()
	// goleak (deferred) now finds no goroutine of the client, the queue or
	// the function's call.
}

// TestLambdaCustomIntegration: an AWS (non-proxy) Lambda integration with
// request and response templates, its integration response chosen by the
// function's error message.
func TestLambdaCustomIntegration(t *testing.T) {
	fl := startLambda(t, map[string]lambdaFunc{"calc": func(w http.ResponseWriter, e []byte) {
		var in struct {
			Op   string `json:"op"`
			A, B int
		}
		json.Unmarshal(e, &in)
		switch in.Op {
		case "add":
			fmt.Fprintf(w, `{"sum":%d}`, in.A+in.B)
		case "fail":
			throws("BadInput: no such op")(w, e)
		default:
			throws("something else")(w, e)
		}
	}})
	api := lambdaAPI(fl.url, map[string]string{"calc": "calc"}, "calc")
	in := &api.Integrations[0]
	in.Type = model.TypeAWS
	in.RequestTemplates = map[string]string{"$default": `{"op": "$input.path('$.op')", "A": $input.path('$.a'), "B": $input.path('$.b'), "conn": "$context.connectionId"}`}
	in.Responses = []model.IntegrationResponse{
		{ID: "ok", Key: "$default", ResponseTemplates: map[string]string{"$default": `{"result": $input.path('$.sum')}`}},
		{ID: "bad", Key: "/BadInput.*/", ResponseTemplates: map[string]string{"$default": `{"error": "$input.path('$.errorMessage')"}`}},
	}
	g := start(t, api)
	ws := dial(t, g)
	send(t, ws, `{"action":"calc","op":"add","a":2,"b":3}`)
	if got := recv(t, ws); got != `{"result": 5}` {
		t.Fatalf("add: %q", got)
	}
	send(t, ws, `{"action":"calc","op":"fail","a":0,"b":0}`)
	if got := recv(t, ws); got != `{"error": "BadInput: no such op"}` {
		t.Fatalf("fail: %q", got)
	}
	var e map[string]any
	json.Unmarshal(fl.eventsOf("calc")[0], &e)
	if e["op"] != "add" || e["A"] != float64(2) || !idRE.MatchString(e["conn"].(string)) {
		t.Fatalf("the function got %v, not the rendered request template", e)
	}
}

func TestLambdaCompileErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(*model.API)
		want string
	}{
		{"no function", func(a *model.API) { a.Integrations[0].URI = "" }, "the integration URI is empty"},
		{"http URI", func(a *model.API) { a.Integrations[0].URI = "http://127.0.0.1:1/x" }, "is a URL, not a Lambda function"},
		{"other AWS service", func(a *model.API) {
			a.Integrations[0].Type = model.TypeAWS
			a.Integrations[0].URI = "arn:aws:apigateway:us-east-1:dynamodb:action/PutItem"
		}, "AWS integrations other than Lambda are not supported"},
		{"bad endpoint", func(a *model.API) { a.Settings.LambdaEndpoint = "ftp://127.0.0.1:3001" }, "want http://host:port"},
		{"bad mode", func(a *model.API) { a.Settings.LambdaMode = "fast" }, "unknown lambda call mode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := lambdaAPI("http://127.0.0.1:3001", map[string]string{"$default": "f"})
			tt.edit(api)
			_, err := Compile(api)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
	t.Run("function name override", func(t *testing.T) {
		fl := startLambda(t, map[string]lambdaFunc{"function": answer(`{"statusCode":200,"body":"from RIE"}`)})
		api := lambdaAPI(fl.url, map[string]string{"$default": "SomeLogicalId"}, "$default")
		api.Integrations[0].FunctionName = "function"
		g := start(t, api)
		ws := dial(t, g)
		send(t, ws, "hi")
		if got := recv(t, ws); got != "from RIE" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("default endpoint", func(t *testing.T) {
		api := lambdaAPI("", map[string]string{"$default": "f"})
		snap, err := Compile(api)
		if err != nil {
			t.Fatal(err)
		}
		li := snap.integrations[api.Integrations[0].ID].impl.(*lambdaIntegration)
		if li.endpoint != DefaultLambdaEndpoint {
			t.Fatalf("endpoint %q", li.endpoint)
		}
	})
}

// gatewayHost returns the host:port a client connects to.
func gatewayHost(t *testing.T, g *Gateway) string {
	t.Helper()
	u, err := url.Parse(g.URL())
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// BenchmarkLambdaProxyRoundTrip: one gorilla client sends a message to an
// AWS_PROXY two-way route whose function (an Invoke API on loopback) echoes
// it; the client reads the answer. Gateway, event, HTTP call and result
// check included.
func BenchmarkLambdaProxyRoundTrip(b *testing.B) {
	for _, mode := range []string{"concurrent", "serial"} {
		b.Run(mode, func(b *testing.B) {
			// A bare echo function: fakeLambda would record every event.
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				echoBody(w, body)
			}))
			defer srv.Close()
			api := lambdaAPI(srv.URL, map[string]string{"echo": "echo"}, "echo")
			api.Settings.LambdaMode = mode
			g, err := New(api, Options{})
			if err != nil {
				b.Fatal(err)
			}
			if err := g.Open(); err != nil {
				b.Fatal(err)
			}
			defer g.Close(b.Context())
			ws, _, err := tryDial(g.URL())
			if err != nil {
				b.Fatal(err)
			}
			defer ws.Close()
			msg := []byte(`{"action":"echo","data":"hello"}`)
			b.ReportAllocs()
			for b.Loop() {
				if err := ws.WriteMessage(websocket.TextMessage, msg); err != nil {
					b.Fatal(err)
				}
				if _, _, err := ws.ReadMessage(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
