package samplebackend

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"wsworkbench/emulator/lambda"
	"wsworkbench/emulator/tlscert"
)

// fakeConnections is a gateway's @connections API on loopback: it records
// what each connection was sent, and answers 410 for the IDs in gone.
type fakeConnections struct {
	mu    sync.Mutex
	got   map[string][]string
	paths []string
	ctype []string
	gone  map[string]bool
}

func (f *fakeConnections) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutPrefix(r.URL.Path, "/Prod/@connections/")
	if !ok || r.Method != http.MethodPost {
		http.Error(w, `{"message":"No method found"}`, http.StatusForbidden)
		return
	}
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.paths = append(f.paths, r.URL.EscapedPath())
	f.ctype = append(f.ctype, r.Header.Get("Content-Type"))
	if f.gone[id] {
		w.Header().Set("x-amzn-ErrorType", "GoneException")
		w.WriteHeader(http.StatusGone)
		io.WriteString(w, "{}")
		return
	}
	f.got[id] = append(f.got[id], string(body))
}

func newFakeConnections() *fakeConnections {
	return &fakeConnections{got: map[string][]string{}, gone: map[string]bool{}}
}

type chatHarness struct {
	t      *testing.T
	lambda *lambda.Client
	conns  *fakeConnections
	domain string
	proto  string
	chat   *Chat
}

func newHarness(t *testing.T, opts Options) *chatHarness {
	t.Helper()
	chat := NewChat(opts)
	backend := httptest.NewServer(chat)
	t.Cleanup(backend.Close)
	c, err := lambda.NewClient(backend.URL, lambda.ModeConcurrent, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return &chatHarness{t: t, lambda: c, chat: chat, conns: newFakeConnections(), proto: "http"}
}

func (h *chatHarness) conn(id string) lambda.Connection {
	return lambda.Connection{APIID: "abcdefghij", Stage: "Prod", DomainName: h.domain, ConnectionID: id, ConnectedAt: time.Now(), SourceIP: "127.0.0.1"}
}

func (h *chatHarness) invoke(function string, e lambda.Event) (lambda.Result, string) {
	h.t.Helper()
	payload, _ := json.Marshal(e)
	res, fnErr, err := h.lambda.Invoke(context.Background(), function, payload)
	if err != nil {
		h.t.Fatalf("%s: %v", function, err)
	}
	if fnErr != "" {
		return lambda.Result{}, lambda.ErrorMessage(res)
	}
	r, err := lambda.ParseResult(res)
	if err != nil {
		h.t.Fatalf("%s answered a malformed result: %v", function, err)
	}
	return r, ""
}

func (h *chatHarness) connect(function, id string) {
	h.t.Helper()
	hdr := lambda.ForwardedHeaders(nil, h.domain, "127.0.0.1", h.proto)
	r, fe := h.invoke(function, lambda.ConnectEvent(h.conn(id), lambda.Request{RouteKey: "$connect", RequestID: "r"}, hdr, nil))
	if fe != "" || r.StatusCode != 200 || r.Body != "Connected." {
		h.t.Fatalf("connect %s: %+v %q", id, r, fe)
	}
}

func (h *chatHarness) send(function, from, body string) (lambda.Result, string) {
	h.t.Helper()
	return h.invoke(function, lambda.MessageEvent(h.conn(from), lambda.Request{RouteKey: "sendmessage", RequestID: "r", MessageID: "m"}, []byte(body), false))
}

// The seed projects name the chat's functions differently: SAM by logical
// ID, serverless.yml by function name.
var namings = []struct {
	name                      string
	connect, disconnect, send string
}{
	{"SAM logical IDs", "OnConnectFunction", "OnDisconnectFunction", "SendMessageFunction"},
	{"serverless.yml function names", "connect", "disconnect", "sendMessage"},
	{"Serverless logical IDs", "ConnectLambdaFunction", "DisconnectLambdaFunction", "SendMessageLambdaFunction"},
}

func TestChatBroadcastsAndDropsGone(t *testing.T) {
	for _, n := range namings {
		t.Run(n.name, func(t *testing.T) {
			h := newHarness(t, Options{})
			gw := httptest.NewServer(h.conns)
			defer gw.Close()
			h.domain = strings.TrimPrefix(gw.URL, "http://")

			ids := []string{"AAAAAAAAAAAAAAA=", "BBBBBBBBBBBBBBB=", "CCCCCCCCCCCCCCC="}
			for _, id := range ids {
				h.connect(n.connect, id)
			}
			if got := h.chat.Connections(); strings.Join(got, ",") != strings.Join(ids, ",") {
				t.Fatalf("table = %v", got)
			}
			r, fe := h.send(n.send, ids[0], `{"action":"sendmessage","data":"hello"}`)
			if fe != "" || r.StatusCode != 200 || r.Body != "Data sent." {
				t.Fatalf("sendmessage: %+v %q", r, fe)
			}
			for _, id := range ids {
				if got := h.conns.got[id]; len(got) != 1 || got[0] != "hello" {
					t.Errorf("%s received %q, want [hello]", id, got)
				}
			}
			for i, p := range h.conns.paths {
				if !strings.HasSuffix(p, "%3D") {
					t.Errorf("path %q: the = of a connection ID must travel as %%3D", p)
				}
				if h.conns.ctype[i] != "application/octet-stream" {
					t.Errorf("content type %q", h.conns.ctype[i])
				}
			}

			// C went away without a $disconnect: its post answers 410 and the
			// chat drops it.
			h.conns.gone[ids[2]] = true
			if r, _ := h.send(n.send, ids[1], `{"action":"sendmessage","data":{"n":1}}`); r.StatusCode != 200 {
				t.Fatalf("sendmessage with a gone connection: %+v", r)
			}
			if got := h.chat.Connections(); strings.Join(got, ",") != strings.Join(ids[:2], ",") {
				t.Fatalf("after 410 the table is %v, want the gone connection dropped", got)
			}
			if got := h.conns.got[ids[0]]; len(got) != 2 || got[1] != `{"n":1}` {
				t.Errorf("non-string data should be posted as JSON, got %q", got)
			}

			r, fe = h.invoke(n.disconnect, lambda.DisconnectEvent(h.conn(ids[0]), lambda.Request{RouteKey: "$disconnect", RequestID: "r"}, nil, 1001, ""))
			if fe != "" || r.Body != "Disconnected." {
				t.Fatalf("disconnect: %+v %q", r, fe)
			}
			if got := h.chat.Connections(); len(got) != 1 || got[0] != ids[1] {
				t.Fatalf("after disconnect the table is %v", got)
			}
		})
	}
}

func TestChatFailures(t *testing.T) {
	h := newHarness(t, Options{})
	gw := httptest.NewServer(h.conns)
	t.Cleanup(gw.Close)
	h.domain = strings.TrimPrefix(gw.URL, "http://")
	h.connect("connect", "AAAAAAAAAAAAAAA=")

	t.Run("body not JSON is a function error", func(t *testing.T) {
		_, fe := h.send("sendMessage", "AAAAAAAAAAAAAAA=", `hello`)
		if !strings.Contains(fe, "JSON") {
			t.Fatalf("function error %q", fe)
		}
	})
	t.Run("unknown function is a 404 service error", func(t *testing.T) {
		_, _, err := h.lambda.Invoke(context.Background(), "nope", []byte(`{}`))
		var se *lambda.ServiceError
		if !errors.As(err, &se) || se.Status != 404 || se.Type != "ResourceNotFoundException" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("unreachable gateway answers 500", func(t *testing.T) {
		gw.Close()
		r, fe := h.send("sendMessage", "AAAAAAAAAAAAAAA=", `{"data":"x"}`)
		if fe != "" || r.StatusCode != 500 || !strings.Contains(r.Body, "PostToConnection") {
			t.Fatalf("%+v %q", r, fe)
		}
		if len(h.chat.Connections()) != 1 {
			t.Fatal("a connection was dropped for a non-410 failure")
		}
	})
	t.Run("wrong method and path", func(t *testing.T) {
		srv := httptest.NewServer(h.chat)
		defer srv.Close()
		resp, err := http.Get(srv.URL + "/2015-03-31/functions/connect/invocations")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Fatalf("GET answered %d", resp.StatusCode)
		}
		resp, err = http.Post(srv.URL+"/other", "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("bad path answered %d", resp.StatusCode)
		}
		resp, err = http.Post(srv.URL+"/2015-03-31/functions/connect/invocations", "application/json", strings.NewReader("{"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("bad JSON answered %d", resp.StatusCode)
		}
	})
}

func TestChatPostsOverTLS(t *testing.T) {
	cert, err := tlscert.Ensure(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: cert.ClientConfig()}}
	h := newHarness(t, Options{HTTPClient: client})
	gw := httptest.NewUnstartedServer(h.conns)
	gw.TLS = cert.ServerConfig()
	gw.StartTLS()
	defer gw.Close()
	h.domain = strings.TrimPrefix(gw.URL, "https://")
	h.proto = "https"
	h.connect("OnConnectFunction", "AAAAAAAAAAAAAAA=")
	r, fe := h.send("SendMessageFunction", "AAAAAAAAAAAAAAA=", `{"data":"secure"}`)
	if fe != "" || r.StatusCode != 200 {
		t.Fatalf("%+v %q", r, fe)
	}
	if got := h.conns.got["AAAAAAAAAAAAAAA="]; len(got) != 1 || got[0] != "secure" {
		t.Fatalf("received %q", got)
	}
}

func TestServerOpenClose(t *testing.T) {
	var mu sync.Mutex
	var lines []string
	s, err := Open("127.0.0.1:0", Options{Logf: func(f string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, f)
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(strings.TrimPrefix(s.URL(), "http://"), Options{}); err == nil {
		t.Fatal("a second Open on the same port succeeded")
	}
	c, _ := lambda.NewClient(s.URL(), lambda.ModeConcurrent, nil)
	defer c.Close()
	e := lambda.ConnectEvent(lambda.Connection{ConnectionID: "AAAAAAAAAAAAAAA=", Stage: "Prod"}, lambda.Request{RouteKey: "$connect"}, nil, nil)
	payload, _ := json.Marshal(e)
	if _, fe, err := c.Invoke(context.Background(), "OnConnectFunction", payload); err != nil || fe != "" {
		t.Fatalf("%q %v", fe, err)
	}
	if got := s.Chat().Connections(); len(got) != 1 {
		t.Fatalf("table %v", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(lines) != 1 {
		t.Fatalf("log lines %q", lines)
	}
}

func TestEncodeURIComponent(t *testing.T) {
	tests := map[string]string{
		"R1kmxc2VNjMCFIA=": "R1kmxc2VNjMCFIA%3D",
		"a-b_c.d~e":        "a-b_c.d~e",
		"a b/c@d":          "a%20b%2Fc%40d",
	}
	for in, want := range tests {
		if got := encodeURIComponent(in); got != want {
			t.Errorf("encodeURIComponent(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFunctionNamesCoverSeeds(t *testing.T) {
	names := FunctionNames()
	if !sort.StringsAreSorted(names) {
		t.Fatal("not sorted")
	}
	for _, n := range namings {
		for _, fn := range []string{n.connect, n.disconnect, n.send} {
			if _, ok := chatFunctions[fn]; !ok {
				t.Errorf("%s not served", fn)
			}
		}
	}
}
