package emulator

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"

	"wsworkbench/emulator/model"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// TestMain fails the run when any goroutine outlives the tests (goleak):
// every test closes its gateway, its Lambda and HTTP backends and its
// clients, so none may remain. Idle keep-alive connections of the default
// HTTP client, which the tests' @connections calls use, are closed first.
func TestMain(m *testing.M) {
	code := m.Run()
	http.DefaultClient.CloseIdleConnections()
	if code == 0 {
		// goleak.Find retries for about 2 s; a loaded machine gets up to 6.
		err := goleak.Find()
		for i := 0; i < 2 && err != nil; i++ {
			err = goleak.Find()
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "goroutines outlived the tests: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

// seedAPI is fixtures/seeds/mock-integration.cfn.yaml as a model: a MOCK
// $connect, and a two-way MOCK route "message" whose response template is
// chosen by ${request.body.messageId}.
func seedAPI() *model.API {
	return &model.API{
		ID:                       "ApiGatewayV2Api",
		Name:                     "api-gateway-websocket-with-mock-integration",
		RouteSelectionExpression: "$request.body.action",
		Stage:                    model.Stage{ID: "ApiGatewayV2Stage", Name: "production"},
		Routes: []model.Route{
			{
				ID: "ApiGatewayV2RouteOnConnect", Key: "$connect", IntegrationID: "ApiGatewayV2IntegrationOnConnect",
				RouteResponseSelectionExpression: "$default",
				RouteResponse:                    &model.RouteResponse{ID: "ApiGatewayV2RouteResponseOnConnect", Key: "$default"},
			},
			{
				ID: "ApiGatewayV2RouteOnMessage", Key: "message", IntegrationID: "ApiGatewayV2IntegrationOnMessage",
				RouteResponseSelectionExpression: "$default",
				RouteResponse:                    &model.RouteResponse{ID: "ApiGatewayV2RouteResponseOnMessage", Key: "$default"},
			},
		},
		Integrations: []model.Integration{
			{
				ID: "ApiGatewayV2IntegrationOnConnect", Type: model.TypeMock, ConnectionType: "INTERNET",
				PassthroughBehavior: "WHEN_NO_MATCH", TimeoutMillis: 29000, PayloadFormatVersion: "1.0",
				RequestTemplates: map[string]string{"$default": `{"statusCode": 200}`},
				Responses:        []model.IntegrationResponse{{ID: "ApiGatewayV2IntegrationResponseOnConnect", Key: "/200/"}},
			},
			{
				ID: "ApiGatewayV2IntegrationOnMessage", Type: model.TypeMock, ConnectionType: "INTERNET",
				PassthroughBehavior: "WHEN_NO_MATCH", TimeoutMillis: 29000, PayloadFormatVersion: "1.0",
				RequestTemplates: map[string]string{"$default": `{"statusCode": 200, "messageId": $input.path('$.messageId')}`},
				Responses: []model.IntegrationResponse{{
					ID: "ApiGatewayV2IntegrationResponseOnMessage", Key: "/200/",
					ResponseTemplates: map[string]string{
						"1": `{"message": "Hello World"}`,
						"2": `{"message": "Hi!"}`,
					},
					TemplateSelectionExpression: "${request.body.messageId}",
				}},
			},
		},
	}
}

// start opens a gateway for api on a free loopback port and closes it when
// the test ends.
func start(t *testing.T, api *model.API, opts ...Options) *Gateway {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	g, err := New(api, o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := g.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := g.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return g
}

// dial connects a real gorilla client to the gateway's URL.
func dial(t *testing.T, g *Gateway, header ...http.Header) *websocket.Conn {
	t.Helper()
	ws, resp, err := tryDial(g.URL(), header...)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial %s: %v (status %d)", g.URL(), err, status)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

func tryDial(url string, header ...http.Header) (*websocket.Conn, *http.Response, error) {
	var h http.Header
	if len(header) > 0 {
		h = header[0]
	}
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	ws, resp, err := d.Dial(url, h)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	return ws, resp, err
}

func send(t *testing.T, ws *websocket.Conn, msg string) {
	t.Helper()
	if err := ws.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		t.Fatalf("send %q: %v", msg, err)
	}
}

// recv reads one frame within 5 s.
func recv(t *testing.T, ws *websocket.Conn) string {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	mt, data, err := ws.ReadMessage()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if mt != websocket.TextMessage {
		t.Fatalf("frame type %d, want text", mt)
	}
	return string(data)
}

// expectClose reads until the server's close frame and returns its code and text.
func expectClose(t *testing.T, ws *websocket.Conn) (int, string) {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, data, err := ws.ReadMessage()
		if err == nil {
			t.Logf("frame before close: %q", data)
			continue
		}
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code, ce.Text
		}
		t.Fatalf("read: %v, want a close frame", err)
	}
}

var idRE = regexp.MustCompile(`[A-Za-z0-9_-]{15}=`)

// normalize replaces AWS-format IDs with <id1>, <id2>... in order of
// appearance, so goldens are stable while still showing which IDs repeat.
func normalize(s string, seen map[string]string) string {
	return idRE.ReplaceAllStringFunc(s, func(id string) string {
		if n, ok := seen[id]; ok {
			return n
		}
		n := fmt.Sprintf("<id%d>", len(seen)+1)
		seen[id] = n
		return n
	})
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := "testdata/" + name + ".golden"
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// testIntegration is an integration type for tests: it records what the
// gateway hands it and answers as told. Each instance is found by the
// model integration's URI.
type testIntegration struct {
	mu     sync.Mutex
	reqs   []IntegrationRequest
	status int
	body   string
	header http.Header
	delay  time.Duration
	err    error
	panics bool
	called chan struct{}
}

var testIntegrations sync.Map // URI → *testIntegration

const (
	typeTest         = "TEST"          // runs on the read loop
	typeTestBlocking = "TEST_BLOCKING" // runs off the read loop, like a network integration
	typeTestProxy    = "TEST_PROXY"    // a proxy integration: no templates
)

func init() {
	build := func(in *model.Integration, _ *model.API) (Integration, error) {
		v, ok := testIntegrations.Load(in.URI)
		if !ok {
			return nil, fmt.Errorf("no test integration %q", in.URI)
		}
		return v.(Integration), nil
	}
	integrationTypes[typeTest] = integrationType{build: build}
	integrationTypes[typeTestBlocking] = integrationType{build: build, blocking: true}
	integrationTypes[typeTestProxy] = integrationType{build: build, proxy: true, blocking: true}
}

// newTestIntegration registers a test integration under a fresh URI.
func newTestIntegration(t *testing.T, status int) (*testIntegration, string) {
	ti := &testIntegration{status: status, called: make(chan struct{}, 100)}
	uri := fmt.Sprintf("test://%s/%p", t.Name(), ti)
	testIntegrations.Store(uri, ti)
	t.Cleanup(func() { testIntegrations.Delete(uri) })
	return ti, uri
}

func (ti *testIntegration) Invoke(ctx context.Context, req *IntegrationRequest) (*IntegrationResult, error) {
	ti.mu.Lock()
	r := *req
	rc := *req.Context
	r.Context = &rc
	r.Body = append([]byte(nil), req.Body...)
	ti.reqs = append(ti.reqs, r)
	delay, status, body, err, header, panics := ti.delay, ti.status, ti.body, ti.err, ti.header, ti.panics
	ti.mu.Unlock()
	if panics {
		panic("test integration panics")
	}
	select {
	case ti.called <- struct{}{}:
	default:
	}
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if err != nil {
		return nil, err
	}
	return &IntegrationResult{StatusCode: status, Body: []byte(body), Headers: header}, nil
}

func (ti *testIntegration) requests() []IntegrationRequest {
	ti.mu.Lock()
	defer ti.mu.Unlock()
	return append([]IntegrationRequest(nil), ti.reqs...)
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
