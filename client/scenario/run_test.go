package scenario

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// fakeAPI is a small WebSocket server for the runner's tests, not a
// gateway: each connection gets an ID ("conn-N"); a frame "echo X" answers
// X, a JSON object is echoed, "pair" answers two frames in a random-looking order, "bye" closes with
// 4001, and POST /stage/@connections/{id} writes the body to that
// connection (404 for an unknown ID).
type fakeAPI struct {
	srv   *httptest.Server
	mu    sync.Mutex
	conns map[string]*websocket.Conn // by ID
	addrs map[string]string          // remote address -> ID
	n     int
}

func newFakeAPI(t *testing.T) *fakeAPI {
	f := &fakeAPI{conns: map[string]*websocket.Conn{}, addrs: map[string]string{}}
	up := websocket.Upgrader{Subprotocols: []string{"chat"}}
	mux := http.NewServeMux()
	mux.HandleFunc("/stage", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("deny") != "" {
			http.Error(w, `{"message":"Forbidden"}`, http.StatusForbidden)
			return
		}
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		f.mu.Lock()
		f.n++
		id := "conn-" + string(rune('0'+f.n))
		f.conns[id], f.addrs[r.RemoteAddr] = c, id
		f.mu.Unlock()
		for {
			_, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			s := string(msg)
			f.mu.Lock()
			switch {
			case strings.HasPrefix(s, "echo "):
				_ = c.WriteMessage(websocket.TextMessage, []byte(s[5:]))
			case strings.HasPrefix(s, "{"):
				_ = c.WriteMessage(websocket.TextMessage, msg)
			case s == "pair":
				_ = c.WriteMessage(websocket.TextMessage, []byte(`{"n":2,"requestId":"r2"}`))
				_ = c.WriteMessage(websocket.TextMessage, []byte(`{"n":1}`))
			case s == "whoami":
				_ = c.WriteMessage(websocket.TextMessage, []byte(`{"id":"`+id+`","header":"`+r.Header.Get("X-Test")+`","q":"`+r.URL.Query().Get("q")+`","proto":"`+c.Subprotocol()+`"}`))
			case s == "bye":
				_ = c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4001, "bye"))
			}
			f.mu.Unlock()
		}
	})
	mux.HandleFunc("/stage/@connections/{id}", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		c := f.conns[r.PathValue("id")]
		if c == nil {
			w.WriteHeader(http.StatusGone)
			return
		}
		switch r.Method {
		case http.MethodPost:
			body, _ := io.ReadAll(r.Body)
			_ = c.WriteMessage(websocket.TextMessage, body)
		case http.MethodGet:
			_, _ = w.Write([]byte(`{"connectionId":"` + r.PathValue("id") + `","identity":{"sourceIp":"127.0.0.1"}}`))
		case http.MethodDelete:
			_ = c.Close()
			delete(f.conns, r.PathValue("id"))
			w.WriteHeader(http.StatusNoContent)
		}
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) runner() *Runner {
	return &Runner{
		URL: "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/stage",
		ConnectionID: func(ctx context.Context, local string) (string, error) {
			for {
				f.mu.Lock()
				id := f.addrs[local]
				f.mu.Unlock()
				if id != "" {
					return id, nil
				}
				select {
				case <-ctx.Done():
					return "", ctx.Err()
				case <-time.After(time.Millisecond):
				}
			}
		},
	}
}

func mustParse(t *testing.T, src string) *Scenario {
	t.Helper()
	sc, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func TestRunPassesAndCapturesFlow(t *testing.T) {
	f := newFakeAPI(t)
	sc := mustParse(t, `
vars: {greeting: hello}
clients:
  a: {headers: {X-Test: "${greeting}"}, query: {q: v}, subprotocols: [chat]}
  b: {}
steps:
  - connect: a
  - connect: b
  - send: a
    text: whoami
  - expect: a
    json: {id: "${connectionId.a}", header: hello, q: v, proto: chat}
    capture: {me: $.id}
  - send: a
    json: {say: "${greeting} from ${me}"}
  - expect: a
    subset: {say: "hello from ${me}"}
  - post: ${connectionId.b}
    text: 'to b: ${me}'
  - expect: b
    regex: '^to b: conn-\d$'
    capture: {who: {regex: 'conn-(\d)'}}
  - send: b
    text: 'echo conn-${who}'
  - expect: b
    text: '${me}'
  - get: ${connectionId.b}
    subset: {identity: {sourceIp: 127.0.0.1}}
  - send: a
    text: pair
  - expect: a
    frames:
      - json: {n: 1}
      - subset: {n: 2}
  - send: a
    text: bye
  - expectClose: a
    code: 4001
  - delete: ${connectionId.b}
  - expectClose: b
  - get: ${connectionId.b}
    status: 410
  - connect: a
    query: {deny: "1"}
    status: 403
`)
	res := f.runner().Run(context.Background(), sc)
	if !res.Passed() {
		var b strings.Builder
		WriteText(&b, res)
		t.Fatal(b.String())
	}
	if len(res.Steps) != len(sc.Steps) {
		t.Fatalf("%d results for %d steps", len(res.Steps), len(sc.Steps))
	}
}

// TestRunFailureSaysExpectedAndActual: the failed step, a readable diff,
// and every later step skipped.
func TestRunFailureSaysExpectedAndActual(t *testing.T) {
	f := newFakeAPI(t)
	sc := mustParse(t, `
steps:
  - connect: a
  - send: a
    text: 'echo {"message":"Hi!","extra":1}'
  - expect: a
    json: {message: Hello World}
  - send: a
    text: never sent
`)
	res := f.runner().Run(context.Background(), sc)
	if res.Passed() {
		t.Fatal("passed")
	}
	statuses := [4]Status{res.Steps[0].Status, res.Steps[1].Status, res.Steps[2].Status, res.Steps[3].Status}
	if statuses != [4]Status{Passed, Passed, Failed, Skipped} {
		t.Fatalf("statuses %v", statuses)
	}
	var b strings.Builder
	WriteText(&b, res)
	for _, want := range []string{
		"FAIL t.yaml (t.yaml): 2 of 4 steps passed",
		"step 3 (expect a, t.yaml:6:5)",
		`want JSON {"message":"Hello World"}`,
		`got {"message":"Hi!","extra":1}`,
		`$.message: want "Hello World", got "Hi!"`,
		`$.extra: not expected (got 1)`,
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
	if res.Steps[2].Actual != `{"message":"Hi!","extra":1}` {
		t.Errorf("Actual = %q", res.Steps[2].Actual)
	}
}

func TestRunTimeoutListsWhatCame(t *testing.T) {
	f := newFakeAPI(t)
	sc := mustParse(t, `
steps:
  - connect: a
  - send: a
    text: echo one
  - expect: a
    timeout: 50ms
    frames: [{text: one}, {text: two}]
`)
	res := f.runner().Run(context.Background(), sc)
	fail := res.Failure()
	if fail == nil || !strings.Contains(fail.Message, "timed out after 50ms waiting for 2 frames (1 came)") || !strings.Contains(fail.Message, `received "one"`) {
		t.Fatalf("failure %+v", fail)
	}
}

func TestConnectionIDUnknownSaysHowToCapture(t *testing.T) {
	f := newFakeAPI(t)
	r := f.runner()
	r.ConnectionID = nil
	res := r.Run(context.Background(), mustParse(t, "steps:\n  - connect: a\n  - post: ${connectionId.a}\n    text: x\n"))
	fail := res.Failure()
	if fail == nil || !strings.Contains(fail.Message, "capture it from a frame") {
		t.Fatalf("failure %+v", fail)
	}
}

func TestMatchers(t *testing.T) {
	tests := []struct {
		name, matcher, frame string
		ok                   bool
		why                  string
	}{
		{"text equal", "text: hi", "hi", true, ""},
		{"text differs", "text: hi", "ho", false, `want text "hi"`},
		{"json equal ignores spacing and order", "json: {a: 1, b: [x]}", `{ "b": ["x"], "a": 1.0 }`, true, ""},
		{"json extra member", "json: {a: 1}", `{"a":1,"b":2}`, false, "$.b: not expected (got 2)"},
		{"json not json", "json: {a: 1}", `hello`, false, "not JSON"},
		{"subset ignores extra", "subset: {a: {b: 1}}", `{"a":{"b":1,"c":2},"d":3}`, true, ""},
		{"subset missing", "subset: {a: {b: 1}}", `{"a":{"c":2}}`, false, "$.a.b: missing (want 1)"},
		{"subset array length", "subset: {a: [1]}", `{"a":[1,2]}`, false, "$.a: want 1 elements, got 2"},
		{"subset type", "subset: {a: 1}", `{"a":"1"}`, false, `$.a: want 1, got "1"`},
		{"regex", "regex: '^Y.*ID: \\S+$'", "YOUR ID: abc=", true, ""},
		{"regex no match", "regex: '^x$'", "y", false, "want a frame matching /^x$/"},
		{"any", "any: true", "whatever", true, ""},
		{"odd member names", "subset: {'a.b': 1}", `{"a.b":2}`, false, `$["a.b"]: want 1, got 2`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := mustParse(t, "steps:\n  - expect: c\n    "+tt.matcher+"\n")
			x, err := sc.Steps[0].Frames[0].expand(mapVars{})
			if err != nil {
				t.Fatal(err)
			}
			ok, why := x.match(tt.frame)
			if ok != tt.ok || !strings.Contains(why, tt.why) {
				t.Errorf("match = %v %q, want %v containing %q", ok, why, tt.ok, tt.why)
			}
		})
	}
}

type mapVars map[string]string

func (m mapVars) Lookup(name string) (string, error) { return m[name], nil }

func TestExpandEscapesForJSON(t *testing.T) {
	got, err := expand(`{"a":"${v}"}`, mapVars{"v": `say "hi"\ <b>`}, true)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]string
	if err := json.Unmarshal([]byte(got), &v); err != nil || v["a"] != `say "hi"\ <b>` {
		t.Fatalf("expanded %s: %v %v", got, v, err)
	}
}

func TestGJSONPath(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{"$", "@this", ""},
		{"$.a.b", "a.b", ""},
		{"$.a[0].b", "a.0.b", ""},
		{"$['x.y']", `x\.y`, ""},
		{"a.b", "", "start it with $."},
		{"$.a[", "", "not closed"},
		{"$.a[x]", "", "neither an index"},
	}
	for _, tt := range tests {
		got, err := gjsonPath(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}
