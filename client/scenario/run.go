package scenario

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"wsworkbench/client"
)

// Runner runs scenarios against one WebSocket API stage.
//
// A Runner may run several scenarios at once (Run is safe for concurrent
// use); each run has its own clients and variables.
type Runner struct {
	// URL is the stage's WebSocket URL, e.g. ws://127.0.0.1:8080/production
	// or wss://abc123.execute-api.eu-west-1.amazonaws.com/prod. A connect
	// step's path is added to it.
	URL string
	// ConnectionsURL is the stage's @connections URL; by default the URL
	// with http(s) for ws(s) and "/@connections" added.
	ConnectionsURL string
	// ConnectionID, when set, tells the connection ID the server gave the
	// connection from a client's local address (the embedded gateway
	// knows it; a deployed API does not, so a scenario captures it from a
	// frame instead). It backs ${connectionId.NAME}.
	ConnectionID func(ctx context.Context, localAddr string) (string, error)
	// HTTPClient makes @connections calls (http.DefaultClient when nil).
	HTTPClient *http.Client
	// SignConnect and SignRequest, when set, sign a connect's handshake and
	// an @connections request (SigV4 for APIs with IAM authorization).
	SignConnect func(ctx context.Context, u *url.URL, h http.Header) error
	SignRequest func(ctx context.Context, r *http.Request, body []byte) error
	// RootCAs and InsecureSkipVerify apply to wss:// connects.
	RootCAs            *x509.CertPool
	InsecureSkipVerify bool
	// Timeout overrides every scenario's default expect timeout when > 0.
	Timeout time.Duration
	// OnStep, when set, is called after each step with its index and
	// result (a window colours the step at once). It is called on the
	// goroutine that runs the scenario and must not block.
	OnStep func(i int, r StepResult)
}

// Status is how a step ended.
type Status string

// The step statuses.
const (
	Passed  Status = "passed"
	Failed  Status = "failed"
	Skipped Status = "skipped" // an earlier step failed
)

// Result is one scenario's run.
type Result struct {
	Scenario *Scenario
	Steps    []StepResult
	Duration time.Duration
	// Err is set when the run could not start (a bad URL).
	Err error
}

// Passed reports whether every step passed.
func (r *Result) Passed() bool {
	if r.Err != nil {
		return false
	}
	for _, s := range r.Steps {
		if s.Status != Passed {
			return false
		}
	}
	return true
}

// Failure returns the failed step, or nil.
func (r *Result) Failure() *StepResult {
	for i := range r.Steps {
		if r.Steps[i].Status == Failed {
			return &r.Steps[i]
		}
	}
	return nil
}

// StepResult is one step's outcome.
type StepResult struct {
	Step     *Step
	Status   Status
	Duration time.Duration
	// Message says why the step failed: expected against actual.
	Message string
	// Actual is the frame (or body) that came instead of the expected one,
	// and ActualSeq its sequence number in Log, when there was one.
	Actual    string
	ActualSeq uint64
	// Client is the client the step used, so a window can show the log
	// around the failure.
	Client string
	// ConnectionID is that client's connection ID when the runner could
	// learn it (Runner.ConnectionID), so a window can find the trace of
	// Actual.
	ConnectionID string
}

// Title names a step in reports: "step 3 (expect alice, file.yaml:12:5)".
func (r *StepResult) Title(file string, index int) string {
	who := r.Step.Client
	if who == "" {
		who = r.Step.Target
	}
	if r.Step.Kind == Wait {
		who = r.Step.Wait.String()
	}
	t := fmt.Sprintf("step %d (%s %s, %s:%d:%d)", index+1, r.Step.Kind, who, file, r.Step.Pos.Line, r.Step.Pos.Col)
	if r.Step.Description != "" {
		t += ": " + r.Step.Description
	}
	return t
}

// Run runs every step in order and stops at the first failure (the rest are
// Skipped). It closes its clients before it returns.
func (r *Runner) Run(ctx context.Context, sc *Scenario) *Result {
	start := time.Now()
	res := &Result{Scenario: sc}
	run, err := r.newRun(sc)
	if err != nil {
		res.Err = err
		return res
	}
	defer run.closeAll()
	failed := false
	for i := range sc.Steps {
		st := &sc.Steps[i]
		sr := StepResult{Step: st, Client: st.Client}
		if failed {
			sr.Status = Skipped
			res.Steps = append(res.Steps, sr)
			continue
		}
		t0 := time.Now()
		err := run.step(ctx, st, &sr)
		sr.Duration = time.Since(t0)
		sr.Status = Passed
		if err != nil {
			sr.Status, sr.Message, failed = Failed, err.Error(), true
			if sr.Actual != "" && st.Client != "" {
				sr.ConnectionID, _ = run.connectionID(st.Client)
			}
		}
		res.Steps = append(res.Steps, sr)
		if r.OnStep != nil {
			r.OnStep(i, sr)
		}
	}
	res.Duration = time.Since(start)
	return res
}

// run is one Run's state.
type run struct {
	r       *Runner
	sc      *Scenario
	base    *url.URL
	connURL string
	timeout time.Duration

	mu      sync.Mutex
	vars    map[string]string
	clients map[string]*runClient
}

// runClient is one named client and how far its frames have been read.
type runClient struct {
	spec   ClientSpec
	c      *client.Client
	wake   chan struct{}
	read   uint64 // the last received frame's Seq an expect consumed
	connID string // cached ${connectionId.NAME}
}

func (r *Runner) newRun(sc *Scenario) (*run, error) {
	base, err := url.Parse(r.URL)
	if err != nil || (base.Scheme != "ws" && base.Scheme != "wss") || base.Host == "" {
		return nil, fmt.Errorf("%q is not a ws:// or wss:// URL", r.URL)
	}
	connURL := r.ConnectionsURL
	if connURL == "" {
		u := *base
		u.Scheme = strings.Replace(u.Scheme, "ws", "http", 1)
		u.RawQuery = ""
		u.Path = strings.TrimSuffix(u.Path, "/") + "/@connections"
		connURL = u.String()
	}
	timeout := sc.Timeout
	if r.Timeout > 0 {
		timeout = r.Timeout
	}
	rn := &run{r: r, sc: sc, base: base, connURL: connURL, timeout: timeout,
		vars: map[string]string{}, clients: map[string]*runClient{}}
	for k, v := range sc.Vars {
		rn.vars[k] = v
	}
	for _, spec := range sc.Clients {
		rc := &runClient{spec: spec, wake: make(chan struct{}, 1)}
		rc.c = client.New(client.Options{
			RootCAs:            r.RootCAs,
			InsecureSkipVerify: r.InsecureSkipVerify,
			OnChange: func() {
				select {
				case rc.wake <- struct{}{}:
				default:
				}
			},
		})
		rn.clients[spec.Name] = rc
	}
	return rn, nil
}

func (rn *run) closeAll() {
	var wg sync.WaitGroup
	for _, rc := range rn.clients {
		if p := rc.c.State().Phase; p == client.Open || p == client.Connecting {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_ = rc.c.Close(1000, "")
			}()
		}
	}
	wg.Wait()
}

// Lookup implements Vars.
func (rn *run) Lookup(name string) (string, error) {
	if who, ok := strings.CutPrefix(name, "connectionId."); ok {
		return rn.connectionID(who)
	}
	rn.mu.Lock()
	v, ok := rn.vars[name]
	rn.mu.Unlock()
	if !ok {
		return "", fmt.Errorf("${%s} is not set: no vars entry or earlier capture names it", name)
	}
	return v, nil
}

func (rn *run) connectionID(who string) (string, error) {
	rc := rn.clients[who]
	if rc == nil {
		return "", fmt.Errorf("${connectionId.%s}: no client is called %s", who, who)
	}
	if rc.connID != "" {
		return rc.connID, nil
	}
	if rc.c.State().Phase != client.Open {
		return "", fmt.Errorf("${connectionId.%s}: %s is not connected", who, who)
	}
	if rn.r.ConnectionID == nil {
		return "", fmt.Errorf("${connectionId.%s}: this server does not tell connection IDs; capture it from a frame the API sends (capture: {id: $.connectionId})", who)
	}
	ctx, cancel := context.WithTimeout(context.Background(), rn.timeout)
	defer cancel()
	id, err := rn.r.ConnectionID(ctx, rc.c.LocalAddr())
	if err != nil {
		return "", fmt.Errorf("${connectionId.%s}: %w", who, err)
	}
	rc.connID = id
	return id, nil
}

func (rn *run) step(ctx context.Context, st *Step, sr *StepResult) error {
	switch st.Kind {
	case Connect:
		return rn.connect(ctx, st)
	case Send:
		body, err := expand(st.Body, rn, st.BodyJSON)
		if err != nil {
			return err
		}
		return rn.clients[st.Client].c.Send(body)
	case Expect:
		return rn.expect(ctx, st, sr)
	case Post, Get, Delete:
		return rn.connections(ctx, st, sr)
	case Wait:
		t := time.NewTimer(st.Wait)
		defer t.Stop()
		select {
		case <-t.C:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	case Close:
		code := st.Code
		if code == 0 {
			code = 1000
		}
		return rn.clients[st.Client].c.Close(code, st.Reason)
	case ExpectClose:
		return rn.expectClose(ctx, st)
	}
	return fmt.Errorf("unknown step %q", st.Kind)
}

func (rn *run) connect(ctx context.Context, st *Step) error {
	rc := rn.clients[st.Client]
	u := *rn.base
	path := rc.spec.Path
	if st.Path != "" {
		path = st.Path
	}
	path, err := expand(path, rn, false)
	if err != nil {
		return err
	}
	if path != "" {
		u.Path = strings.TrimSuffix(u.Path, "/") + "/" + strings.TrimPrefix(path, "/")
	}
	q := u.Query()
	for _, m := range []map[string]string{rc.spec.Query, st.Query} {
		for k, v := range m {
			if v, err = expand(v, rn, false); err != nil {
				return err
			}
			q.Set(k, v)
		}
	}
	u.RawQuery = q.Encode()
	h := http.Header{}
	for _, m := range []map[string]string{rc.spec.Headers, st.Headers} {
		for k, v := range m {
			if v, err = expand(v, rn, false); err != nil {
				return err
			}
			h.Set(k, v)
		}
	}
	if rn.r.SignConnect != nil {
		if err := rn.r.SignConnect(ctx, &u, h); err != nil {
			return fmt.Errorf("signing the connect request: %w", err)
		}
	}
	subs := rc.spec.Subprotocols
	if st.Subprotocols != nil {
		subs = st.Subprotocols
	}
	rc.c = rn.reopen(rc, u.String(), h, subs)
	rc.connID, rc.read = "", 0
	want := st.Status
	if want == 0 {
		want = http.StatusSwitchingProtocols
	}
	err = rc.c.Connect(ctx)
	got := http.StatusSwitchingProtocols
	var he *client.HandshakeError
	switch {
	case errors.As(err, &he):
		got = he.StatusCode
	case err != nil:
		return err
	}
	if got != want {
		msg := fmt.Sprintf("want status %d, got %d", want, got)
		if he != nil && he.Body != "" {
			msg += ": " + he.Body
		}
		return errors.New(msg)
	}
	return nil
}

// reopen gives a client new connect options. client.Options are fixed at
// New, so a connect with other headers, query or subprotocols needs a new
// Client; the old one's log is gone with it, which is what a new connection
// wants.
func (rn *run) reopen(rc *runClient, u string, h http.Header, subs []string) *client.Client {
	if p := rc.c.State().Phase; p == client.Open || p == client.Connecting {
		_ = rc.c.Close(1000, "")
	}
	return client.New(client.Options{
		URL:                u,
		Header:             h,
		Subprotocols:       subs,
		RootCAs:            rn.r.RootCAs,
		InsecureSkipVerify: rn.r.InsecureSkipVerify,
		OnChange: func() {
			select {
			case rc.wake <- struct{}{}:
			default:
			}
		},
	})
}

// pending returns the received frames an expect has not consumed yet, in
// order.
func (rc *runClient) pending() []client.Entry {
	l := rc.c.Log()
	var out []client.Entry
	for i := l.Len() - 1; i >= 0; i-- {
		e := l.At(i)
		if e.Seq <= rc.read {
			break
		}
		if e.Dir == client.Received {
			out = append(out, e)
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

func (rn *run) expect(ctx context.Context, st *Step, sr *StepResult) error {
	rc := rn.clients[st.Client]
	matchers := make([]expanded, len(st.Frames))
	for i, m := range st.Frames {
		x, err := m.expand(rn)
		if err != nil {
			return err
		}
		matchers[i] = x
	}
	timeout := st.Timeout
	if timeout == 0 {
		timeout = rn.timeout
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		frames := rc.pending()
		if len(frames) >= len(matchers) {
			frames = frames[:len(matchers)]
			rc.read = frames[len(frames)-1].Seq
			return rn.matchFrames(st, matchers, frames, sr)
		}
		if s := rc.c.State(); s.Phase == client.Closed {
			return fmt.Errorf("%s is closed (%s) while waiting for %s", st.Client, s, wantWhat(matchers, len(frames)))
		}
		select {
		case <-rc.wake:
		case <-deadline.C:
			msg := fmt.Sprintf("timed out after %s waiting for %s", timeout, wantWhat(matchers, len(frames)))
			for _, f := range frames {
				msg += "\n  received " + quote(f.Text)
			}
			return errors.New(msg)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func wantWhat(m []expanded, have int) string {
	if len(m) == 1 {
		return "a frame"
	}
	return fmt.Sprintf("%d frames (%d came)", len(m), have)
}

// matchFrames matches frames to matchers: in order for one, as a set for
// several (each matcher takes a different frame).
func (rn *run) matchFrames(st *Step, ms []expanded, frames []client.Entry, sr *StepResult) error {
	assign := make([]int, len(ms)) // matcher -> frame
	used := make([]bool, len(frames))
	var solve func(i int) bool
	solve = func(i int) bool {
		if i == len(ms) {
			return true
		}
		for j := range frames {
			if used[j] {
				continue
			}
			if ok, _ := ms[i].match(frames[j].Text); ok {
				used[j], assign[i] = true, j
				if solve(i + 1) {
					return true
				}
				used[j] = false
			}
		}
		return false
	}
	if !solve(0) {
		return rn.explainMismatch(st, ms, frames, sr)
	}
	f := frames[assign[0]].Text
	for _, c := range st.Captures {
		v, err := c.take(f)
		if err != nil {
			sr.Actual, sr.ActualSeq = f, frames[assign[0]].Seq
			return err
		}
		rn.mu.Lock()
		rn.vars[c.Var] = v
		rn.mu.Unlock()
	}
	return nil
}

func (rn *run) explainMismatch(st *Step, ms []expanded, frames []client.Entry, sr *StepResult) error {
	if len(ms) == 1 {
		_, why := ms[0].match(frames[0].Text)
		sr.Actual, sr.ActualSeq = frames[0].Text, frames[0].Seq
		return errors.New(why)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "the %d frames that came do not match the %d expected in any order:", len(frames), len(ms))
	for i, m := range ms {
		best := ""
		for _, f := range frames {
			ok, why := m.match(f.Text)
			if ok {
				best = ""
				break
			}
			if best == "" || len(why) < len(best) {
				best = why
			}
		}
		if best != "" {
			fmt.Fprintf(&b, "\n  expected frame %d (line %d) matched none; nearest:\n    %s", i+1, m.Pos.Line, strings.ReplaceAll(best, "\n", "\n    "))
		}
	}
	for _, f := range frames {
		fmt.Fprintf(&b, "\n  received %s", quote(f.Text))
	}
	sr.Actual, sr.ActualSeq = frames[0].Text, frames[0].Seq
	return errors.New(b.String())
}

func (rn *run) expectClose(ctx context.Context, st *Step) error {
	rc := rn.clients[st.Client]
	timeout := st.Timeout
	if timeout == 0 {
		timeout = rn.timeout
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s := rc.c.State()
		if s.Phase == client.Closed {
			if st.Code != 0 && s.CloseCode != st.Code {
				return fmt.Errorf("want close %d, got %s", st.Code, s)
			}
			return nil
		}
		select {
		case <-rc.wake:
		case <-deadline.C:
			return fmt.Errorf("timed out after %s waiting for %s to be closed (it is %s)", timeout, st.Client, s)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// connections makes a post, get or delete on @connections.
func (rn *run) connections(ctx context.Context, st *Step, sr *StepResult) error {
	id, err := expand(st.Target, rn, false)
	if err != nil {
		return err
	}
	body := ""
	if st.Kind == Post {
		if body, err = expand(st.Body, rn, st.BodyJSON); err != nil {
			return err
		}
	}
	method := map[Kind]string{Post: http.MethodPost, Get: http.MethodGet, Delete: http.MethodDelete}[st.Kind]
	req, err := http.NewRequestWithContext(ctx, method, rn.connURL+"/"+url.PathEscape(id), strings.NewReader(body))
	if err != nil {
		return err
	}
	if rn.r.SignRequest != nil {
		if err := rn.r.SignRequest(ctx, req, []byte(body)); err != nil {
			return fmt.Errorf("signing the request: %w", err)
		}
	}
	hc := rn.r.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	want := st.Status
	if want == 0 {
		want = http.StatusOK
		if st.Kind == Delete {
			want = http.StatusNoContent
		}
	}
	if resp.StatusCode != want {
		sr.Actual = string(answer)
		return fmt.Errorf("%s @connections/%s: want status %d, got %d %s", method, id, want, resp.StatusCode, quote(string(answer)))
	}
	if len(st.Frames) == 1 {
		x, err := st.Frames[0].expand(rn)
		if err != nil {
			return err
		}
		if ok, why := x.match(string(answer)); !ok {
			sr.Actual = string(answer)
			return fmt.Errorf("%s @connections/%s answered:\n%s", method, id, why)
		}
		for _, c := range st.Captures {
			v, err := c.take(string(answer))
			if err != nil {
				return err
			}
			rn.mu.Lock()
			rn.vars[c.Var] = v
			rn.mu.Unlock()
		}
	}
	return nil
}
