// Package lambda calls Lambda functions the way API Gateway does for AWS_PROXY
// and AWS integrations: through the Lambda Invoke API
// (POST {endpoint}/2015-03-31/functions/{name}/invocations), which
// `sam local start-lambda`, the Lambda Runtime Interface Emulator (RIE) and
// LocalStack serve. It also builds the proxy events API Gateway sends and
// checks the results functions return.
//
// The package knows nothing about the gateway: it takes plain values and
// returns plain values, so the gateway, the authorizer and tests can use it
// alike.
package lambda

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Mode says whether an endpoint takes several calls at once.
type Mode int

const (
	// ModeAuto sends calls concurrently until the endpoint refuses one the
	// way the Runtime Interface Emulator refuses a call while it is busy (400
	// with an empty body) while another of this client's calls was in
	// flight; from then on the client queues calls one at a time. A refusal
	// of a call that ran alone shows the endpoint's 400s are not about
	// concurrency, and the client goes back to concurrent calls. Either way
	// the refused call, which never ran, is resent a few times with backoff.
	ModeAuto Mode = iota
	// ModeConcurrent always sends calls concurrently (sam local start-lambda,
	// LocalStack, the built-in sample backend).
	ModeConcurrent
	// ModeSerial queues calls and sends one at a time, in arrival order. Use it
	// for the Runtime Interface Emulator, whose newer versions crash instead of
	// refusing a second concurrent call.
	ModeSerial
)

// String returns the mode's setting name.
func (m Mode) String() string {
	switch m {
	case ModeConcurrent:
		return "concurrent"
	case ModeSerial:
		return "serial"
	default:
		return "auto"
	}
}

// ParseMode reads a mode's setting name; "" is ModeAuto.
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return ModeAuto, nil
	case "concurrent":
		return ModeConcurrent, nil
	case "serial", "rie", "one-at-a-time":
		return ModeSerial, nil
	}
	return ModeAuto, fmt.Errorf("unknown lambda call mode %q (want auto, concurrent or serial)", s)
}

// maxCallTime bounds how long a queued call may hold an endpoint after its
// caller gave up: Lambda's own maximum function timeout.
const maxCallTime = 15 * time.Minute

// maxPayload bounds a response payload: Lambda's synchronous response limit.
const maxPayload = 6 << 20

// Resending a refused call: at most maxAttempts calls in all, waiting
// between half and all of backoffBase·2^(n-1) (at most backoffMax) before
// the n-th resend, and never past the caller's deadline. The waits add up to
// at most 750 ms, so a refusal that does not go away ends in a clear error
// long before API Gateway's 29 s integration timeout.
const (
	maxAttempts = 5
	backoffBase = 50 * time.Millisecond
	backoffMax  = 400 * time.Millisecond
)

// DefaultMaxIdle is how many idle connections a client keeps to its
// endpoint when nobody says how many calls may be in flight at once.
const DefaultMaxIdle = 64

// Client calls functions at one Lambda Invoke API endpoint. It is safe for
// concurrent use. In serial mode it owns a FIFO queue: a call holds the
// endpoint until the endpoint has answered, even when the caller stopped
// waiting, so a slow function never sees a second call overlap it; a call
// the endpoint refused (it never ran) gives the endpoint up at once and
// waits for its resend at the back of the queue, holding nobody.
//
// Close ends every call and queue wait and closes the client's idle
// connections; the client must not be used afterwards.
type Client struct {
	endpoint *url.URL
	http     *http.Client
	ownHTTP  bool // http is the client's own: Close closes its connections
	mode     Mode // never changes

	mu     sync.Mutex
	serial bool // calls go through queue; set by ModeSerial or by detection
	closed bool // Close has begun: no call may start
	queue  fifo

	inflight atomic.Int32 // HTTP calls in flight, for detecting refusals caused by concurrency

	ctx    context.Context // cancelled by Close; parent of detached calls
	cancel context.CancelFunc
	wg     sync.WaitGroup // Invoke calls and detached calls in flight
}

// NewClient returns a client for the Invoke API at endpoint, e.g.
// http://127.0.0.1:3001. A nil httpClient means one of the client's own
// that keeps up to DefaultMaxIdle idle connections to the endpoint (a Pool
// sizes it for the calls it expects in flight).
func NewClient(endpoint string, mode Mode, httpClient *http.Client) (*Client, error) {
	return newClient(endpoint, mode, httpClient, DefaultMaxIdle)
}

// newClient is NewClient whose own HTTP client (when httpClient is nil)
// keeps up to maxIdle idle connections. Give maxIdle at least the number of
// calls that may be in flight at once: the connections beyond it are closed
// after each call, and under load their TIME_WAIT sockets use up the local
// ports.
func newClient(endpoint string, mode Mode, httpClient *http.Client, maxIdle int) (*Client, error) {
	u, err := ParseEndpoint(endpoint)
	if err != nil {
		return nil, err
	}
	own := httpClient == nil
	if own {
		httpClient = &http.Client{Transport: newTransport(maxIdle)}
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Client{
		endpoint: u,
		http:     httpClient,
		ownHTTP:  own,
		mode:     mode,
		serial:   mode == ModeSerial,
		ctx:      ctx,
		cancel:   cancel,
	}, nil
}

// newTransport returns Go's default transport keeping up to maxIdle idle
// connections per host (Go's default keeps 2).
func newTransport(maxIdle int) *http.Transport {
	if maxIdle <= 0 {
		maxIdle = DefaultMaxIdle
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = maxIdle
	t.MaxIdleConnsPerHost = maxIdle
	return t
}

// ParseEndpoint checks a Lambda Invoke API endpoint such as
// http://127.0.0.1:3001 and returns it without a trailing slash.
func ParseEndpoint(endpoint string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(endpoint), "/"))
	if err != nil {
		return nil, fmt.Errorf("lambda endpoint %q: %w", endpoint, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("lambda endpoint %q: want http://host:port or https://host:port", endpoint)
	}
	return u, nil
}

// Serial reports whether calls are queued one at a time, either because the
// mode says so or because the endpoint was detected to be single-call.
func (c *Client) Serial() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.serial
}

// Close cancels calls still queued or in flight, waits for them, and closes
// the client's idle connections. Calls made afterwards fail.
func (c *Client) Close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.cancel()
	c.wg.Wait()
	if c.ownHTTP {
		c.http.CloseIdleConnections()
	}
}

// ServiceError is a failure of the Invoke API call itself: the endpoint
// answered with a non-200 status (unknown function, bad request, throttling).
// The function did not run, or its outcome is unknown.
type ServiceError struct {
	Status  int
	Type    string // x-amzn-ErrorType or the body's Type/__type, when given
	Message string
}

func (e *ServiceError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	if e.Type != "" {
		return fmt.Sprintf("lambda invoke: %d %s: %s", e.Status, e.Type, msg)
	}
	return fmt.Sprintf("lambda invoke: %d: %s", e.Status, msg)
}

// refusedError is the Runtime Interface Emulator's answer to a call while
// another one runs: 400 with an empty body ("ReserveFailed:
// AlreadyReserved"). The function did not run.
type refusedError struct {
	// overlapped says another of the client's calls was in flight while
	// this one was sent or answered: the refusal may be about concurrency.
	overlapped bool
}

func (e *refusedError) Error() string { return "lambda endpoint refused the call (400, empty body)" }

// Invoke calls function with payload and returns the function's result
// payload. functionError is "Unhandled" or "Handled" when the function failed
// (the result is then its error object, {"errorMessage", "errorType", ...}).
// err is a failure to get any answer: ctx's error (wrapped, so errors.Is finds
// context.DeadlineExceeded on an integration timeout), a *ServiceError, or a
// network error.
//
// A call the endpoint refuses with 400 and an empty body (see ModeAuto) is
// resent up to maxAttempts times in all with exponential backoff and jitter,
// within ctx; in ModeConcurrent it is not resent.
func (c *Client) Invoke(ctx context.Context, function string, payload []byte) (result []byte, functionError string, err error) {
	if function == "" {
		return nil, "", errors.New("lambda invoke: no function name")
	}
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	if !c.begin() {
		return nil, "", fmt.Errorf("lambda invoke %s: %w", function, errClosed)
	}
	defer c.wg.Done()
	// Close cancels the call too.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(c.ctx, cancel)()
	alone := 0 // refusals of this call while no other call was in flight
	for attempt := 1; ; attempt++ {
		if c.Serial() {
			result, functionError, err = c.invokeQueued(ctx, function, payload)
		} else {
			result, functionError, err = c.call(ctx, function, payload)
		}
		var refused *refusedError
		if !errors.As(err, &refused) {
			return result, functionError, err
		}
		if c.mode == ModeConcurrent {
			return nil, "", &ServiceError{Status: http.StatusBadRequest, Message: "endpoint refused the call (busy with another call?)"}
		}
		if !refused.overlapped {
			alone++
		}
		c.noteRefusal(refused.overlapped, alone)
		if attempt == maxAttempts {
			return nil, "", &ServiceError{Status: http.StatusBadRequest,
				Message: fmt.Sprintf("endpoint refused the call %d times with an empty body (busy with another call?)", attempt)}
		}
		if err := wait(ctx, backoff(attempt)); err != nil {
			return nil, "", fmt.Errorf("lambda invoke %s: waiting to resend a refused call: %w", function, err)
		}
	}
}

// begin counts a call in c.wg; it fails once Close has begun, so Close's
// Wait never races an Add from zero.
func (c *Client) begin() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	c.wg.Add(1)
	return true
}

// noteRefusal adjusts ModeAuto's choice after a refused call. A refusal
// while another call was in flight is evidence that the endpoint takes one
// call at a time: queue from now on. A call refused twice while running
// alone shows the endpoint refuses for another reason (something else is
// using it, or it answers 400 to this call), which queueing does not cure:
// send concurrently again, so one odd answer never serialises the endpoint
// for good. (Once is not enough: the Runtime Interface Emulator may refuse
// a call sent the moment it answered the previous one.)
func (c *Client) noteRefusal(overlapped bool, alone int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.mode != ModeAuto:
	case overlapped:
		c.serial = true
	case alone >= 2:
		c.serial = false
	}
}

// backoff returns how long to wait before resending a call refused attempt
// times: backoffBase·2^(attempt-1), capped at backoffMax, of which the
// second half is random, so callers refused together do not come back
// together.
func backoff(attempt int) time.Duration {
	d := backoffMax
	if attempt < 8 {
		d = min(backoffBase<<(attempt-1), backoffMax)
	}
	return d/2 + rand.N(d/2)
}

// wait waits for d, or until ctx ends (Invoke's ctx ends when the client
// closes).
func wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// errClosed is the error of a call cut short by Close.
var errClosed = errors.New("lambda client closed")

// invokeQueued waits for the endpoint, then makes the call detached from
// ctx: if ctx ends first the caller gets ctx's error, but the endpoint stays
// held until it answers. A refused call (which never ran) releases the
// endpoint at once.
func (c *Client) invokeQueued(ctx context.Context, function string, payload []byte) ([]byte, string, error) {
	if err := c.queue.acquire(ctx, c.ctx); err != nil {
		return nil, "", fmt.Errorf("lambda invoke %s: waiting for the endpoint: %w", function, err)
	}
	type answer struct {
		result []byte
		fnErr  string
		err    error
	}
	done := make(chan answer, 1)
	c.wg.Add(1) // Invoke's own count keeps the counter above zero
	go func() {
		defer c.wg.Done()
		defer c.queue.release()
		callCtx, cancel := context.WithTimeout(c.ctx, maxCallTime)
		defer cancel()
		r, fe, err := c.call(callCtx, function, payload)
		done <- answer{r, fe, err}
	}()
	select {
	case a := <-done:
		return a.result, a.fnErr, a.err
	case <-ctx.Done():
		return nil, "", fmt.Errorf("lambda invoke %s: %w", function, ctx.Err())
	}
}

// call makes one HTTP request to the Invoke API.
func (c *Client) call(ctx context.Context, function string, payload []byte) ([]byte, string, error) {
	u := *c.endpoint
	u.Path = u.Path + "/2015-03-31/functions/" + url.PathEscape(function) + "/invocations"
	u.RawPath = ""
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(payload))
	if err != nil {
		return nil, "", fmt.Errorf("lambda invoke %s: %w", function, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Amz-Invocation-Type", "RequestResponse")
	others := c.inflight.Add(1) - 1
	resp, err := c.http.Do(req)
	others = max(others, c.inflight.Load()-1)
	c.inflight.Add(-1)
	if err != nil {
		if ctx.Err() != nil {
			return nil, "", fmt.Errorf("lambda invoke %s: %w", function, ctx.Err())
		}
		return nil, "", fmt.Errorf("lambda invoke %s: %w", function, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPayload+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, "", fmt.Errorf("lambda invoke %s: %w", function, ctx.Err())
		}
		return nil, "", fmt.Errorf("lambda invoke %s: reading the answer: %w", function, err)
	}
	if len(body) > maxPayload {
		return nil, "", fmt.Errorf("lambda invoke %s: answer larger than %d bytes", function, maxPayload)
	}
	if resp.StatusCode == http.StatusBadRequest && len(bytes.TrimSpace(body)) == 0 {
		return nil, "", &refusedError{overlapped: others > 0}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, "", serviceError(resp, body)
	}
	if fe := resp.Header.Get("X-Amz-Function-Error"); fe != "" {
		return body, fe, nil
	}
	if looksLikeFunctionError(body) {
		// The Runtime Interface Emulator reports a function error with 200 and
		// no X-Amz-Function-Error header.
		return body, "Unhandled", nil
	}
	return body, "", nil
}

func serviceError(resp *http.Response, body []byte) error {
	e := &ServiceError{Status: resp.StatusCode}
	e.Type = resp.Header.Get("X-Amzn-ErrorType")
	if i := strings.IndexByte(e.Type, ':'); i >= 0 {
		e.Type = e.Type[:i]
	}
	var b struct {
		Type     string `json:"Type"`
		AltType  string `json:"__type"`
		Message  string `json:"message"`
		Message2 string `json:"Message"`
	}
	if json.Unmarshal(body, &b) == nil {
		if e.Type == "" {
			e.Type = b.AltType
		}
		if e.Type == "" {
			e.Type = b.Type
		}
		e.Message = b.Message
		if e.Message == "" {
			e.Message = b.Message2
		}
	} else {
		e.Message = strings.TrimSpace(string(body))
		if len(e.Message) > 200 {
			e.Message = e.Message[:200] + "…"
		}
	}
	return e
}

// looksLikeFunctionError reports whether body is a runtime's error object
// ({"errorMessage": ..., "errorType": ...}) or RIE's timeout text, which no
// valid proxy result can be.
func looksLikeFunctionError(body []byte) bool {
	t := bytes.TrimSpace(body)
	if bytes.HasPrefix(t, []byte("Task timed out after ")) {
		return true
	}
	if len(t) == 0 || t[0] != '{' {
		return false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(t, &m) != nil {
		return false
	}
	_, hasMsg := m["errorMessage"]
	_, hasType := m["errorType"]
	_, hasStatus := m["statusCode"]
	return hasMsg && hasType && !hasStatus
}

// ErrorMessage returns a function error's errorMessage (what an AWS
// integration's response selection matches), or the payload itself when it is
// not an error object (RIE's timeout text).
func ErrorMessage(result []byte) string {
	var e struct {
		ErrorMessage *string `json:"errorMessage"`
	}
	if json.Unmarshal(result, &e) == nil && e.ErrorMessage != nil {
		return *e.ErrorMessage
	}
	var s string
	if json.Unmarshal(result, &s) == nil {
		return s
	}
	return strings.TrimSpace(string(result))
}

// fifo is a lock whose waiters get it in arrival order.
type fifo struct {
	mu      sync.Mutex
	busy    bool
	waiters []chan struct{}
}

// acquire waits for the lock until ctx or stop ends.
func (q *fifo) acquire(ctx, stop context.Context) error {
	q.mu.Lock()
	if !q.busy {
		q.busy = true
		q.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	q.waiters = append(q.waiters, ch)
	q.mu.Unlock()
	var err error
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		err = ctx.Err()
	case <-stop.Done():
		err = errClosed
	}
	q.mu.Lock()
	for i, w := range q.waiters {
		if w == ch {
			q.waiters = append(q.waiters[:i], q.waiters[i+1:]...)
			q.mu.Unlock()
			return err
		}
	}
	q.mu.Unlock()
	// The lock was handed over as we gave up: pass it on.
	q.release()
	return err
}

// release hands the lock to the longest waiter, or frees it.
func (q *fifo) release() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.waiters) == 0 {
		q.busy = false
		return
	}
	ch := q.waiters[0]
	q.waiters = q.waiters[1:]
	close(ch)
}
