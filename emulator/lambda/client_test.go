package lambda

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeLambda is a Lambda Invoke API on loopback. Its functions are
// handlers keyed by name; single makes it behave like the Runtime Interface
// Emulator: a call while another runs gets 400 with an empty body.
type fakeLambda struct {
	single bool
	funcs  map[string]func(w http.ResponseWriter, body []byte)

	mu       sync.Mutex
	running  int
	maxSeen  int
	refused  int
	order    []string // bodies, in the order calls started running
	requests []*http.Request
}

func (f *fakeLambda) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.URL.Path, "/2015-03-31/functions/")
	name, ok2 := strings.CutSuffix(name, "/invocations")
	if !ok || !ok2 || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	if f.single && f.running > 0 {
		f.refused++
		f.mu.Unlock()
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	f.running++
	if f.running > f.maxSeen {
		f.maxSeen = f.running
	}
	f.order = append(f.order, string(body))
	f.requests = append(f.requests, r)
	fn := f.funcs[name]
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

func (f *fakeLambda) stats() (maxSeen, refused int, order []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.maxSeen, f.refused, append([]string(nil), f.order...)
}

func echo(w http.ResponseWriter, body []byte) {
	fmt.Fprintf(w, `{"statusCode":200,"body":%q}`, body)
}

func slowEcho(d time.Duration) func(http.ResponseWriter, []byte) {
	return func(w http.ResponseWriter, body []byte) {
		time.Sleep(d)
		echo(w, body)
	}
}

func startFake(t *testing.T, f *fakeLambda) string {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return srv.URL
}

func newTestClient(t *testing.T, url string, mode Mode) *Client {
	t.Helper()
	c, err := NewClient(url, mode, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func TestInvokeAnswers(t *testing.T) {
	f := &fakeLambda{funcs: map[string]func(http.ResponseWriter, []byte){
		"echo": echo,
		"throws": func(w http.ResponseWriter, _ []byte) {
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			io.WriteString(w, `{"errorType":"Error","errorMessage":"boom","trace":[]}`)
		},
		"rie-throws": func(w http.ResponseWriter, _ []byte) {
			io.WriteString(w, `{"errorType":"Error","errorMessage":"failure","trace":["Error: failure"]}`)
		},
		"rie-timeout": func(w http.ResponseWriter, _ []byte) {
			io.WriteString(w, `Task timed out after 1.00 seconds`)
		},
		"throttled": func(w http.ResponseWriter, _ []byte) {
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"__type":"TooManyRequestsException","message":"Rate exceeded"}`)
		},
	}}
	c := newTestClient(t, startFake(t, f), ModeConcurrent)
	tests := []struct {
		name       string
		function   string
		wantResult string
		wantFnErr  string
		wantStatus int // of a *ServiceError; 0: no error
		wantType   string
	}{
		{name: "result", function: "echo", wantResult: `{"statusCode":200,"body":"{\"x\":1}"}`},
		{name: "function error header", function: "throws", wantFnErr: "Unhandled", wantResult: `{"errorType":"Error","errorMessage":"boom","trace":[]}`},
		{name: "RIE error without header", function: "rie-throws", wantFnErr: "Unhandled", wantResult: `{"errorType":"Error","errorMessage":"failure","trace":["Error: failure"]}`},
		{name: "RIE timeout text", function: "rie-timeout", wantFnErr: "Unhandled", wantResult: `Task timed out after 1.00 seconds`},
		{name: "unknown function", function: "nope", wantStatus: 404, wantType: "ResourceNotFoundException"},
		{name: "throttled", function: "throttled", wantStatus: 429, wantType: "TooManyRequestsException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, fe, err := c.Invoke(context.Background(), tt.function, []byte(`{"x":1}`))
			if tt.wantStatus != 0 {
				var se *ServiceError
				if !errors.As(err, &se) {
					t.Fatalf("err = %v, want a ServiceError", err)
				}
				if se.Status != tt.wantStatus || se.Type != tt.wantType {
					t.Fatalf("ServiceError = %d %q, want %d %q", se.Status, se.Type, tt.wantStatus, tt.wantType)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(res) != tt.wantResult || fe != tt.wantFnErr {
				t.Fatalf("got (%s, %q), want (%s, %q)", res, fe, tt.wantResult, tt.wantFnErr)
			}
		})
	}
}

func TestInvokeRequestShape(t *testing.T) {
	f := &fakeLambda{funcs: map[string]func(http.ResponseWriter, []byte){"fn": echo}}
	c := newTestClient(t, startFake(t, f)+"/", ModeConcurrent)
	if _, _, err := c.Invoke(context.Background(), "fn", nil); err != nil {
		t.Fatal(err)
	}
	_, _, order := f.stats()
	if len(order) != 1 || order[0] != "{}" {
		t.Fatalf("an empty payload should go as {}, got %q", order)
	}
	r := f.requests[0]
	if r.URL.Path != "/2015-03-31/functions/fn/invocations" {
		t.Errorf("path = %q", r.URL.Path)
	}
	if got := r.Header.Get("X-Amz-Invocation-Type"); got != "RequestResponse" {
		t.Errorf("X-Amz-Invocation-Type = %q", got)
	}
	if r.URL.RawQuery != "" {
		t.Errorf("sam local rejects query parameters, got %q", r.URL.RawQuery)
	}
}

func TestInvokeTimeout(t *testing.T) {
	f := &fakeLambda{funcs: map[string]func(http.ResponseWriter, []byte){"slow": slowEcho(300 * time.Millisecond)}}
	for _, mode := range []Mode{ModeConcurrent, ModeSerial} {
		t.Run(mode.String(), func(t *testing.T) {
			c := newTestClient(t, startFake(t, f), mode)
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			_, _, err := c.Invoke(ctx, "slow", []byte(`{}`))
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v, want DeadlineExceeded", err)
			}
		})
	}
}

// TestSerialNeverOverlaps runs many concurrent callers against an endpoint
// that takes one call at a time: every call must arrive, none refused, none
// overlapping.
func TestSerialNeverOverlaps(t *testing.T) {
	f := &fakeLambda{single: true, funcs: map[string]func(http.ResponseWriter, []byte){"fn": slowEcho(2 * time.Millisecond)}}
	c := newTestClient(t, startFake(t, f), ModeSerial)
	const n = 40
	var wg sync.WaitGroup
	var failed atomic.Int32
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, fe, err := c.Invoke(context.Background(), "fn", []byte(fmt.Sprintf(`{"i":%d}`, i)))
			if err != nil || fe != "" || !strings.Contains(string(res), fmt.Sprintf(`{\"i\":%d}`, i)) {
				failed.Add(1)
				t.Errorf("call %d: %s %q %v", i, res, fe, err)
			}
		}()
	}
	wg.Wait()
	maxSeen, refused, order := f.stats()
	if maxSeen != 1 || refused != 0 || len(order) != n || failed.Load() != 0 {
		t.Fatalf("max concurrent %d, refused %d, ran %d of %d, failed %d", maxSeen, refused, len(order), n, failed.Load())
	}
}

// TestSerialFIFO checks that queued calls reach the endpoint in the order
// they were made.
func TestSerialFIFO(t *testing.T) {
	release := make(chan struct{})
	f := &fakeLambda{single: true, funcs: map[string]func(http.ResponseWriter, []byte){
		"fn": func(w http.ResponseWriter, body []byte) {
			if string(body) == `"first"` {
				<-release
			}
			echo(w, body)
		},
	}}
	c := newTestClient(t, startFake(t, f), ModeSerial)
	var wg sync.WaitGroup
	call := func(body string) {
		defer wg.Done()
		if _, _, err := c.Invoke(context.Background(), "fn", []byte(body)); err != nil {
			t.Error(err)
		}
	}
	wg.Add(1)
	go call(`"first"`)
	waitFor(t, func() bool { _, _, o := f.stats(); return len(o) == 1 })
	want := []string{`"first"`}
	for i := range 5 {
		body := fmt.Sprintf(`"q%d"`, i)
		want = append(want, body)
		wg.Add(1)
		go call(body)
		waitFor(t, func() bool {
			c.queue.mu.Lock()
			defer c.queue.mu.Unlock()
			return len(c.queue.waiters) == i+1
		})
	}
	close(release)
	wg.Wait()
	_, _, order := f.stats()
	if strings.Join(order, " ") != strings.Join(want, " ") {
		t.Fatalf("order = %v, want %v", order, want)
	}
}

// TestSerialHoldsEndpointAfterCallerGivesUp checks that a caller's timeout
// does not let the next call overlap the one still running.
func TestSerialHoldsEndpointAfterCallerGivesUp(t *testing.T) {
	f := &fakeLambda{single: true, funcs: map[string]func(http.ResponseWriter, []byte){"fn": slowEcho(200 * time.Millisecond)}}
	c := newTestClient(t, startFake(t, f), ModeSerial)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, _, err := c.Invoke(ctx, "fn", []byte(`1`)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("first call: %v, want a timeout", err)
	}
	res, _, err := c.Invoke(context.Background(), "fn", []byte(`2`))
	if err != nil || !strings.Contains(string(res), `"body":"2"`) {
		t.Fatalf("second call: %s %v", res, err)
	}
	if maxSeen, refused, _ := f.stats(); maxSeen != 1 || refused != 0 {
		t.Fatalf("max concurrent %d, refused %d", maxSeen, refused)
	}
}

// TestAutoDetectsSingleCallEndpoint checks that ModeAuto turns serial when
// the endpoint refuses a concurrent call the way RIE does, and loses none.
func TestAutoDetectsSingleCallEndpoint(t *testing.T) {
	f := &fakeLambda{single: true, funcs: map[string]func(http.ResponseWriter, []byte){"fn": slowEcho(5 * time.Millisecond)}}
	c := newTestClient(t, startFake(t, f), ModeAuto)
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := c.Invoke(context.Background(), "fn", []byte(fmt.Sprint(i))); err != nil {
				t.Errorf("call %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	_, refused, order := f.stats()
	if !c.Serial() {
		t.Errorf("client did not turn serial after %d refusals", refused)
	}
	if len(order) != n {
		t.Fatalf("ran %d of %d calls", len(order), n)
	}
}

func TestConcurrentModeDoesNotRetry(t *testing.T) {
	// The first call runs until the second has been refused: with a 100 ms
	// sleep instead, a loaded machine let it finish first (5 runs in 200).
	release := make(chan struct{})
	f := &fakeLambda{single: true, funcs: map[string]func(http.ResponseWriter, []byte){
		"fn": func(w http.ResponseWriter, body []byte) { <-release; echo(w, body) },
	}}
	c := newTestClient(t, startFake(t, f), ModeConcurrent)
	first := make(chan struct{})
	go func() {
		defer close(first)
		c.Invoke(context.Background(), "fn", []byte(`1`))
	}()
	waitFor(t, func() bool { _, _, o := f.stats(); return len(o) == 1 })
	_, _, err := c.Invoke(context.Background(), "fn", []byte(`2`))
	close(release)
	<-first
	var se *ServiceError
	if !errors.As(err, &se) || se.Status != 400 {
		t.Fatalf("err = %v, want a 400 ServiceError", err)
	}
	if c.Serial() {
		t.Fatal("concurrent mode must not turn serial")
	}
}

func TestCloseCancelsQueuedCalls(t *testing.T) {
	block := make(chan struct{})
	f := &fakeLambda{single: true, funcs: map[string]func(http.ResponseWriter, []byte){
		"fn": func(w http.ResponseWriter, body []byte) { <-block; echo(w, body) },
	}}
	url := startFake(t, f)
	defer close(block)
	c, err := NewClient(url, ModeSerial, nil)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			_, _, err := c.Invoke(context.Background(), "fn", []byte(`{}`))
			errs <- err
		}()
	}
	waitFor(t, func() bool {
		c.queue.mu.Lock()
		defer c.queue.mu.Unlock()
		return len(c.queue.waiters) == 1
	})
	c.Close()
	for range 2 {
		if err := <-errs; err == nil {
			t.Fatal("a call survived Close")
		}
	}
}

func TestNewClientRejectsBadEndpoints(t *testing.T) {
	for _, ep := range []string{"", "127.0.0.1:3001", "ftp://x", "http://", "://"} {
		if _, err := NewClient(ep, ModeAuto, nil); err == nil {
			t.Errorf("NewClient(%q) succeeded", ep)
		}
	}
}

func TestParseMode(t *testing.T) {
	tests := []struct {
		in   string
		want Mode
		bad  bool
	}{
		{"", ModeAuto, false}, {"auto", ModeAuto, false}, {"Serial", ModeSerial, false},
		{"rie", ModeSerial, false}, {"concurrent", ModeConcurrent, false}, {"fast", ModeAuto, true},
	}
	for _, tt := range tests {
		got, err := ParseMode(tt.in)
		if (err != nil) != tt.bad || got != tt.want {
			t.Errorf("ParseMode(%q) = %v, %v", tt.in, got, err)
		}
	}
}

func TestPoolSharesClients(t *testing.T) {
	p := NewPool(nil)
	defer p.Close()
	a, err := p.Client("http://127.0.0.1:3001", ModeSerial)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := p.Client("http://127.0.0.1:3001", ModeSerial)
	d, _ := p.Client("http://127.0.0.1:3001", ModeConcurrent)
	if a != b || a == d {
		t.Fatal("pool should share a client per endpoint and mode")
	}
	p.Close()
	if _, err := p.Client("http://127.0.0.1:3001", ModeSerial); err == nil {
		t.Fatal("closed pool handed out a client")
	}
}

func TestErrorMessage(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"error object", `{"errorMessage":"Unauthorized","errorType":"Error"}`, "Unauthorized"},
		{"string", `"oops"`, "oops"},
		{"RIE timeout", `Task timed out after 3.00 seconds`, "Task timed out after 3.00 seconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorMessage([]byte(tt.in)); got != tt.want {
				t.Fatalf("ErrorMessage = %q, want %q", got, tt.want)
			}
		})
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(time.Millisecond)
	}
}
