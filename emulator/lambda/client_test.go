package lambda

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
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

// refuse answers every call the way the Runtime Interface Emulator answers a
// call while it is busy, 400 with an empty body, and counts the calls.
func refuse(calls *atomic.Int32) func(http.ResponseWriter, []byte) {
	return func(w http.ResponseWriter, _ []byte) {
		calls.Add(1)
		w.WriteHeader(http.StatusBadRequest)
	}
}

// TestAutoRefusalIsBoundedAndHoldsNobody is issue 9 item 3: an endpoint
// that answers "400 with an empty body" to every call of one function. Each
// call must end in a clear error after a few resends, well within its
// deadline, and a call to another function must get through meanwhile and
// afterwards (the refused calls once held the queue for 15 minutes, resent
// every 50 ms).
func TestAutoRefusalIsBoundedAndHoldsNobody(t *testing.T) {
	var refused atomic.Int32
	f := &fakeLambda{funcs: map[string]func(http.ResponseWriter, []byte){
		"odd":  refuse(&refused),
		"echo": echo,
	}}
	c, err := NewClient(startFake(t, f), ModeAuto, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const callers = 4
	errs := make(chan error, callers)
	for range callers {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, _, err := c.Invoke(ctx, "odd", []byte(`{}`))
			errs <- err
		}()
	}
	// While the refused calls are being resent, another route's call runs.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, _, err := c.Invoke(ctx, "echo", []byte(`"meanwhile"`)); err != nil {
		t.Fatalf("a call to another function while refused calls were resent: %v", err)
	}
	for range callers {
		err := <-errs
		var se *ServiceError
		if !errors.As(err, &se) || se.Status != http.StatusBadRequest || errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("refused call: err = %v, want a 400 ServiceError before the deadline", err)
		}
	}
	if _, _, err := c.Invoke(ctx, "echo", []byte(`"after"`)); err != nil {
		t.Fatalf("a call after the refused ones: %v", err)
	}
	c.Close() // ends anything still resending
	if n := refused.Load(); n > callers*maxAttempts {
		t.Fatalf("the endpoint got %d calls for %d messages, want at most %d", n, callers, callers*maxAttempts)
	}
}

// TestAutoStaysConcurrentAfterALoneRefusal checks that refusals of a call
// made while no other call was in flight, which say nothing about the
// endpoint's concurrency, do not make the client queue its calls.
func TestAutoStaysConcurrentAfterALoneRefusal(t *testing.T) {
	var refused atomic.Int32
	f := &fakeLambda{funcs: map[string]func(http.ResponseWriter, []byte){"odd": refuse(&refused)}}
	c := newTestClient(t, startFake(t, f), ModeAuto)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var se *ServiceError
	if _, _, err := c.Invoke(ctx, "odd", nil); !errors.As(err, &se) {
		t.Fatalf("err = %v, want a ServiceError", err)
	}
	if c.Serial() {
		t.Fatal("one call's refusals switched the client to one call at a time")
	}
	if n := refused.Load(); n != maxAttempts {
		t.Fatalf("the call was sent %d times, want %d", n, maxAttempts)
	}
}

// TestAutoRevertsWhenQueueingDoesNotHelp checks that a client that turned
// serial because of a refusal during concurrent calls goes back to
// concurrent calls when a call running alone is refused too.
func TestAutoRevertsWhenQueueingDoesNotHelp(t *testing.T) {
	var refused atomic.Int32
	release := make(chan struct{})
	f := &fakeLambda{single: true, funcs: map[string]func(http.ResponseWriter, []byte){
		"hold": func(w http.ResponseWriter, body []byte) { <-release; echo(w, body) },
		"odd":  refuse(&refused),
	}}
	c := newTestClient(t, startFake(t, f), ModeAuto)
	held := make(chan error, 1)
	go func() {
		_, _, err := c.Invoke(context.Background(), "hold", nil)
		held <- err
	}()
	waitFor(t, func() bool { _, _, o := f.stats(); return len(o) == 1 })
	// A second call while the first runs is refused: evidence.
	second := make(chan error, 1)
	go func() {
		_, _, err := c.Invoke(context.Background(), "hold", nil)
		second <- err
	}()
	waitFor(t, c.Serial)
	close(release)
	for _, ch := range []chan error{held, second} {
		if err := <-ch; err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var se *ServiceError
	if _, _, err := c.Invoke(ctx, "odd", nil); !errors.As(err, &se) {
		t.Fatalf("err = %v, want a ServiceError", err)
	}
	if c.Serial() {
		t.Fatal("still serial after a call running alone was refused again and again")
	}
}

// TestIdleConnectionsCoverConcurrency is issue 9 item 7: rounds of n
// concurrent calls must reuse the connections of the first round, not open
// new ones (Go's default keeps 2 idle connections per host, and closed
// connections linger in TIME_WAIT until local ports run out).
func TestIdleConnectionsCoverConcurrency(t *testing.T) {
	const n, rounds = 32, 3
	var arrived sync.WaitGroup
	f := &fakeLambda{funcs: map[string]func(http.ResponseWriter, []byte){
		"fn": func(w http.ResponseWriter, body []byte) {
			// Answer once all n calls of the round are in: n connections.
			arrived.Done()
			arrived.Wait()
			echo(w, body)
		},
	}}
	srv := httptest.NewUnstartedServer(f)
	var accepted atomic.Int32
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			accepted.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c, err := newClient(srv.URL, ModeConcurrent, nil, n)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for range rounds {
		arrived.Add(n)
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, _, err := c.Invoke(context.Background(), "fn", nil); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	if got := accepted.Load(); got > n {
		t.Fatalf("%d rounds of %d concurrent calls opened %d connections, want at most %d", rounds, n, got, n)
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

// TestCloseEndsCallsInFlight checks that Close ends a concurrent call still
// waiting for its function, not only queued ones, so no connection is left
// to return to the idle pool after Close closed it (goleak in TestMain
// would find its goroutines), and that calls after Close fail.
func TestCloseEndsCallsInFlight(t *testing.T) {
	stop := make(chan struct{})
	defer close(stop)
	f := &fakeLambda{funcs: map[string]func(http.ResponseWriter, []byte){
		"fn": func(w http.ResponseWriter, body []byte) { <-stop },
	}}
	url := startFake(t, f)
	c, err := NewClient(url, ModeConcurrent, nil)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 1)
	go func() {
		_, _, err := c.Invoke(context.Background(), "fn", nil)
		errs <- err
	}()
	waitFor(t, func() bool { _, _, o := f.stats(); return len(o) == 1 })
	c.Close()
	select {
	case err := <-errs:
		if err == nil {
			t.Fatal("a call in flight survived Close")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close left a call in flight")
	}
	if _, _, err := c.Invoke(context.Background(), "fn", nil); !errors.Is(err, errClosed) {
		t.Fatalf("a call after Close: %v, want errClosed", err)
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
	p := NewPool(0)
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
