package httpinteg

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func testSources() Sources {
	return Sources{
		Context: map[string]string{"connectionId": "R1kmxc2VNjMCFIA=", "identity.sourceIp": "127.0.0.1", "authorizer.principalId": "alice"},
		Header:  http.Header{"Authorization": {"Bearer t"}, "X-Multi": {"a", "b"}},
		Query:   url.Values{"room": {"lobby", "kitchen"}},
		StageVariables: map[string]string{
			"backend": "v2",
		},
		Body: []byte(`{"action":"send","data":{"to":"bob","n":3},"list":[1,2]}`),
	}
}

func TestMapParameters(t *testing.T) {
	tests := []struct {
		name   string
		key    string
		source string
		want   string // "header:X=v", "query:X=v1,v2", "path:X=v", or "" for nothing mapped
		bad    string
	}{
		{name: "context", key: "integration.request.header.connectionId", source: "context.connectionId", want: "header:connectionId=R1kmxc2VNjMCFIA="},
		{name: "dotted context", key: "integration.request.header.X-Ip", source: "context.identity.sourceIp", want: "header:X-Ip=127.0.0.1"},
		{name: "authorizer context", key: "integration.request.header.X-User", source: "context.authorizer.principalId", want: "header:X-User=alice"},
		{name: "static", key: "integration.request.header.X-Static", source: "'hello world'", want: "header:X-Static=hello world"},
		{name: "stage variable", key: "integration.request.querystring.v", source: "stageVariables.backend", want: "query:v=v2"},
		{name: "route header any case", key: "integration.request.header.Auth", source: "route.request.header.authorization", want: "header:Auth=Bearer t"},
		{name: "route header last value", key: "integration.request.header.M", source: "route.request.header.X-Multi", want: "header:M=b"},
		{name: "multivalue header", key: "integration.request.header.M", source: "route.request.multivalueheader.X-Multi", want: "header:M=a,b"},
		{name: "querystring last value", key: "integration.request.querystring.r", source: "route.request.querystring.room", want: "query:r=kitchen"},
		{name: "multivalue querystring", key: "integration.request.querystring.r", source: "route.request.multivaluequerystring.room", want: "query:r=lobby,kitchen"},
		{name: "body string", key: "integration.request.header.X-To", source: "route.request.body.data.to", want: "header:X-To=bob"},
		{name: "body JSONPath with $", key: "integration.request.header.X-Action", source: "route.request.body.$.action", want: "header:X-Action=send"},
		{name: "body object", key: "integration.request.header.X-Data", source: "route.request.body.data", want: `header:X-Data={"to":"bob","n":3}`},
		{name: "body index", key: "integration.request.path.id", source: "route.request.body.list[1]", want: "path:id=2"},
		{name: "missing context", key: "integration.request.header.X", source: "context.nope", want: ""},
		{name: "missing body member", key: "integration.request.header.X", source: "route.request.body.nope", want: ""},
		{name: "bad target", key: "method.request.header.X", source: "'x'", bad: "the key must be"},
		{name: "bad target kind", key: "integration.request.body.X", source: "'x'", bad: "the key must be"},
		{name: "bad target name", key: "integration.request.header.a b", source: "'x'", bad: "the key must be"},
		{name: "bad source", key: "integration.request.header.X", source: "request.header.X", bad: "must be 'static'"},
		{name: "bad route source", key: "integration.request.header.X", source: "route.request.path.X", bad: "is not header"},
		{name: "bad JSONPath", key: "integration.request.header.X", source: "route.request.body.a..b", bad: "col"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := MapParameters(map[string]string{tt.key: tt.source}, testSources())
			if tt.bad != "" {
				if err == nil || !strings.Contains(err.Error(), tt.bad) {
					t.Fatalf("err = %v, want it to mention %q", err, tt.bad)
				}
				if CheckParameters(map[string]string{tt.key: tt.source}) == nil {
					t.Fatal("CheckParameters missed the error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := describeMapped(m); got != tt.want {
				t.Fatalf("mapped %q, want %q", got, tt.want)
			}
		})
	}
}

func describeMapped(m Mapped) string {
	var parts []string
	for k, v := range m.Header {
		parts = append(parts, "header:"+k+"="+strings.Join(v, ","))
	}
	for k, v := range m.Query {
		parts = append(parts, "query:"+k+"="+strings.Join(v, ","))
	}
	for k, v := range m.Path {
		parts = append(parts, "path:"+k+"="+v)
	}
	return strings.Join(parts, ";")
}

// echoServer answers with a JSON description of the request it got.
func echoServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/slow" {
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
		}
		status := http.StatusOK
		if r.URL.Path == "/missing" {
			status = http.StatusNotFound
		}
		w.Header().Set("X-Backend", "yes")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{
			"method": r.Method, "path": r.URL.EscapedPath(), "query": r.URL.Query(), "header": r.Header, "body": string(body),
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

type echoed struct {
	Method string              `json:"method"`
	Path   string              `json:"path"`
	Query  map[string][]string `json:"query"`
	Header http.Header         `json:"header"`
	Body   string              `json:"body"`
}

func TestDo(t *testing.T) {
	srv := echoServer(t)
	m, err := MapParameters(map[string]string{
		"integration.request.header.connectionId": "context.connectionId",
		"integration.request.querystring.room":    "route.request.querystring.room",
		"integration.request.path.to":             "route.request.body.data.to",
	}, testSources())
	if err != nil {
		t.Fatal(err)
	}
	resp, err := Do(context.Background(), nil, Request{
		Method: "put",
		URI:    srv.URL + "/users/{to}/messages?fixed=1",
		Header: ProxyHeaders(http.Header{
			"Connection": {"Upgrade"}, "Upgrade": {"websocket"}, "Sec-Websocket-Key": {"k"},
			"Sec-Websocket-Protocol": {"chat"}, "Authorization": {"Bearer t"}, "connectionId": {"spoofed"},
		}),
		Mapped: m,
		Body:   []byte(`{"hello":1}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 || resp.Header.Get("X-Backend") != "yes" || resp.Duration <= 0 {
		t.Fatalf("response %d %v %v", resp.Status, resp.Header, resp.Duration)
	}
	var e echoed
	if err := json.Unmarshal(resp.Body, &e); err != nil {
		t.Fatal(err)
	}
	if e.Method != "PUT" || e.Path != "/users/bob/messages" {
		t.Errorf("method %q path %q", e.Method, e.Path)
	}
	if e.Query["fixed"][0] != "1" || e.Query["room"][0] != "kitchen" {
		t.Errorf("query %v", e.Query)
	}
	if e.Header.Get("connectionId") != "R1kmxc2VNjMCFIA=" {
		t.Errorf("mapped header should replace the forwarded one: %v", e.Header["Connectionid"])
	}
	if e.Header.Get("Sec-Websocket-Key") != "" || e.Header.Get("Upgrade") != "" {
		t.Errorf("handshake headers forwarded: %v", e.Header)
	}
	if e.Header.Get("Sec-Websocket-Protocol") != "chat" || e.Header.Get("Authorization") != "Bearer t" {
		t.Errorf("client headers not forwarded: %v", e.Header)
	}
	if e.Header.Get("Content-Type") != "application/json" || e.Body != `{"hello":1}` {
		t.Errorf("content type %q body %q", e.Header.Get("Content-Type"), e.Body)
	}
}

func TestDoStatusesAndFailures(t *testing.T) {
	srv := echoServer(t)
	t.Run("non-2xx is an answer", func(t *testing.T) {
		resp, err := Do(context.Background(), nil, Request{URI: srv.URL + "/missing"})
		if err != nil || resp.Status != 404 {
			t.Fatalf("%d %v", resp.Status, err)
		}
		var e echoed
		json.Unmarshal(resp.Body, &e)
		if e.Method != "POST" {
			t.Fatalf("default method %q, want POST", e.Method)
		}
	})
	t.Run("text body", func(t *testing.T) {
		resp, err := Do(context.Background(), nil, Request{URI: srv.URL, Body: []byte("hi there")})
		if err != nil {
			t.Fatal(err)
		}
		var e echoed
		json.Unmarshal(resp.Body, &e)
		if !strings.HasPrefix(e.Header.Get("Content-Type"), "text/plain") {
			t.Fatalf("content type %q", e.Header.Get("Content-Type"))
		}
	})
	t.Run("timeout", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := Do(ctx, nil, Request{URI: srv.URL + "/slow"})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("refused", func(t *testing.T) {
		l := httptest.NewServer(http.NotFoundHandler())
		addr := l.URL
		l.Close()
		if _, err := Do(context.Background(), nil, Request{URI: addr}); err == nil {
			t.Fatal("no error from a closed port")
		}
	})
	for _, uri := range []string{"", "127.0.0.1:1/x", "ftp://x/y", "http://127.0.0.1:1/{id}"} {
		t.Run("bad URI "+uri, func(t *testing.T) {
			if _, err := Do(context.Background(), nil, Request{URI: uri}); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

func TestExpandURI(t *testing.T) {
	tests := []struct {
		uri  string
		path map[string]string
		want string
	}{
		{"http://h/a/{id}", map[string]string{"id": "a b/c"}, "http://h/a/a%20b%2Fc"},
		{"http://h/{proxy+}", map[string]string{"proxy": "a b/c"}, "http://h/a%20b/c"},
		{"http://h/{unclosed", nil, "http://h/{unclosed"},
	}
	for _, tt := range tests {
		got, err := expandURI(tt.uri, tt.path)
		if err != nil || got != tt.want {
			t.Errorf("expandURI(%q) = %q, %v; want %q", tt.uri, got, err, tt.want)
		}
	}
}

func FuzzMapParameters(f *testing.F) {
	f.Add("integration.request.header.X", "route.request.body.$.a[0]", []byte(`{"a":[1]}`))
	f.Add("integration.request.path.p", "'x'", []byte(``))
	f.Add("integration.request.querystring.q", "context.connectionId", []byte(`[]`))
	f.Fuzz(func(t *testing.T, key, source string, body []byte) {
		src := testSources()
		src.Body = body
		m, err := MapParameters(map[string]string{key: source}, src)
		if err != nil {
			return
		}
		_, _ = expandURI("http://127.0.0.1/{p}", m.Path)
	})
}
