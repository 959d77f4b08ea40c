package localfn

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// maxPayload bounds a response or error payload: Lambda's synchronous
// response limit.
const maxPayload = 6 << 20

// minInitTimeout is the least time a new instance has to ask for its first
// invocation; Lambda gives 10 s to init.
const minInitTimeout = 10 * time.Second

// instance is one function process and the Runtime API it polls. The
// invoking goroutine owns it between take and put; the Runtime API handlers
// meet that goroutine through next (the invocation handed over) and the
// invocation's done channel (the answer).
type instance struct {
	f       *function
	gen     int
	started time.Time
	srv     *http.Server
	cmd     *exec.Cmd
	out     *output

	next      chan *invocation // /next receives the invocation the invoker sends
	initErr   chan []byte      // /init/error's body
	exited    chan struct{}    // closed when the process has exited
	exitErr   error            // the process's exit status; read after exited is closed
	stopping  chan struct{}    // closed by kill
	firstNext atomic.Int64     // UnixNano of the first /next: the end of init
	cur       atomic.Pointer[invocation]
	killOnce  sync.Once
}

// invocation is one event handed to an instance.
type invocation struct {
	id       string
	payload  []byte
	done     chan answer // buffered: the first answer wins
	answered atomic.Bool
}

// answer is what the runtime posted for an invocation.
type answer struct {
	payload []byte
	failed  bool
}

// startInstance starts a process for f and its Runtime API. The process is
// in its own process group, killed with it.
func startInstance(f *function, gen int) (*instance, error) {
	cmdPath, args, dir, extra, err := f.r.command(f.cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("runtime API: %w", err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("output pipe: %w", err)
	}
	in := &instance{
		f:        f,
		gen:      gen,
		next:     make(chan *invocation),
		initErr:  make(chan []byte, 1),
		exited:   make(chan struct{}),
		stopping: make(chan struct{}),
	}
	in.srv = &http.Server{Handler: in, ReadHeaderTimeout: 10 * time.Second}
	cmd := exec.Command(cmdPath, args...)
	cmd.Dir = dir
	cmd.Env = f.r.environment(f.cfg, ln.Addr().String(), dir, extra)
	cmd.Stdout, cmd.Stderr = pw, pw
	setProcessGroup(cmd)
	in.cmd = cmd
	in.started = time.Now()
	if err := cmd.Start(); err != nil {
		ln.Close()
		pr.Close()
		pw.Close()
		return nil, &runtimeError{typ: "Runtime.InvalidEntrypoint", msg: fmt.Sprintf("starting %s: %v", cmdPath, err)}
	}
	pw.Close()
	in.out = newOutput(pr, f.r.opts.LogLimit)
	f.r.wg.Add(3)
	go func() {
		defer f.r.wg.Done()
		in.out.read()
	}()
	go func() {
		defer f.r.wg.Done()
		in.exitErr = cmd.Wait()
		close(in.exited)
	}()
	go func() {
		defer f.r.wg.Done()
		_ = in.srv.Serve(ln)
	}()
	return in, nil
}

// dead reports whether the process has exited or is being killed.
func (in *instance) dead() bool {
	select {
	case <-in.exited:
		return true
	case <-in.stopping:
		return true
	default:
		return false
	}
}

// kill kills the process group, stops the Runtime API and waits for the
// process to be gone.
func (in *instance) kill() {
	in.killOnce.Do(func() {
		close(in.stopping)
		killProcessGroup(in.cmd.Process)
		_ = in.srv.Close()
	})
	<-in.exited
}

// errGone is run's answer when a warm instance turns out to have exited
// while idle: the event never reached it, so another instance may take it.
var errGone = errors.New("the instance exited while idle")

// run hands payload to the instance and waits for the answer, the process's
// end or the timeout.
func (in *instance) run(res Invocation, payload []byte, timeout time.Duration) (Invocation, error) {
	inv := &invocation{id: res.RequestID, payload: payload, done: make(chan answer, 1)}
	in.cur.Store(inv)
	defer in.cur.Store(nil)

	// Hand the event over when the runtime asks for it (at once when warm,
	// after init when cold).
	if !res.Cold {
		// A warm instance whose process is gone may still have a /next
		// waiting (its server has not noticed the closed connection yet):
		// look first, so the event never goes to a dead process.
		select {
		case <-in.exited:
			return res, errGone
		default:
		}
	}
	initLimit := max(timeout, minInitTimeout)
	limit := time.NewTimer(initLimit)
	select {
	case in.next <- inv:
	case body := <-in.initErr:
		limit.Stop()
		in.kill()
		res.InitDuration = time.Since(in.started)
		return in.fail(res, body, "Runtime.InitError"), nil
	case <-in.exited:
		limit.Stop()
		if !res.Cold {
			return res, errGone
		}
		res.InitDuration = time.Since(in.started)
		return in.exitFailure(res), nil
	case <-limit.C:
		in.kill()
		res.InitDuration = time.Since(in.started)
		res.FunctionError = "Unhandled"
		res.Payload = errorPayload("Sandbox.Timedout", timeoutMessage(res.RequestID, timeout))
		res.Log = frameLog(res, in.out.takeAfterExit()+timeoutLine(res.RequestID, timeout), 0)
		return res, nil
	}
	limit.Stop()
	start := time.Now()
	if res.Cold {
		if t := in.firstNext.Load(); t != 0 {
			res.InitDuration = time.Unix(0, t).Sub(in.started)
		}
	}
	limit = time.NewTimer(timeout)
	defer limit.Stop()
	select {
	case a := <-inv.done:
		res.Duration = time.Since(start)
		res.Payload = a.payload
		if a.failed {
			res.FunctionError = "Unhandled"
		}
		res.MaxMemoryMB = peakMemoryMB(in.cmd.Process)
		res.Log = frameLog(res, in.out.take(), res.Duration)
		return res, nil
	case <-in.exited:
		res.Duration = time.Since(start)
		return in.exitFailure(res), nil
	case <-limit.C:
		in.kill()
		res.Duration = timeout
		res.FunctionError = "Unhandled"
		res.Payload = errorPayload("Sandbox.Timedout", timeoutMessage(res.RequestID, timeout))
		res.Log = frameLog(res, in.out.takeAfterExit()+timeoutLine(res.RequestID, timeout), res.Duration)
		return res, nil
	}
}

// exitFailure is Lambda's answer when the runtime exits during an
// invocation: Runtime.ExitError, unless it posted an init error first.
func (in *instance) exitFailure(res Invocation) Invocation {
	select {
	case body := <-in.initErr:
		return in.fail(res, body, "Runtime.InitError")
	default:
	}
	status := "exit status 0"
	if in.exitErr != nil {
		status = in.exitErr.Error()
	}
	msg := fmt.Sprintf("RequestId: %s Error: Runtime exited with error: %s", res.RequestID, status)
	res.FunctionError = "Unhandled"
	res.Payload = errorPayload("Runtime.ExitError", msg)
	res.Log = frameLog(res, in.out.takeAfterExit()+msg+"\n", res.Duration)
	return res
}

// fail answers with an error body the runtime posted, or one of errType
// when the body is not an error object.
func (in *instance) fail(res Invocation, body []byte, errType string) Invocation {
	res.FunctionError = "Unhandled"
	res.Payload = errorObject(body, errType)
	out := in.out.takeAfterExit()
	res.Log = frameLog(res, out, res.Duration)
	return res
}

// errorObject returns body when it is a JSON object, else an error object
// of errType with body as the message.
func errorObject(body []byte, errType string) []byte {
	t := bytes.TrimSpace(body)
	if len(t) > 0 && t[0] == '{' && json.Valid(t) {
		return t
	}
	return errorPayload(errType, string(t))
}

// The Runtime API's paths.
const (
	apiPrefix     = "/2018-06-01/runtime/"
	pathNext      = apiPrefix + "invocation/next"
	pathInitError = apiPrefix + "init/error"
)

// ServeHTTP serves the Runtime API for this instance.
func (in *instance) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == pathNext && r.Method == http.MethodGet:
		in.serveNext(w, r)
	case r.URL.Path == pathInitError && r.Method == http.MethodPost:
		body, _ := io.ReadAll(io.LimitReader(r.Body, maxPayload))
		select {
		case in.initErr <- body:
		default:
		}
		accepted(w)
	case strings.HasPrefix(r.URL.Path, apiPrefix+"invocation/") && r.Method == http.MethodPost:
		rest := strings.TrimPrefix(r.URL.Path, apiPrefix+"invocation/")
		id, what, _ := strings.Cut(rest, "/")
		if what != "response" && what != "error" {
			apiError(w, http.StatusNotFound, "InvalidRequest", "unknown path "+r.URL.Path)
			return
		}
		in.serveAnswer(w, r, id, what == "error")
	default:
		apiError(w, http.StatusNotFound, "InvalidRequest", "unknown path "+r.URL.Path)
	}
}

func (in *instance) serveNext(w http.ResponseWriter, r *http.Request) {
	in.firstNext.CompareAndSwap(0, time.Now().UnixNano())
	var inv *invocation
	select {
	case inv = <-in.next:
	case <-r.Context().Done():
		return
	case <-in.stopping:
		return
	}
	// The timeout runs from now, when the event is handed over (the
	// invoker starts its timer as the handover completes), not from the
	// call: a cold start's init does not count.
	deadline := time.Now().Add(in.f.cfg.Timeout)
	h := w.Header()
	h["Lambda-Runtime-Aws-Request-Id"] = []string{inv.id}
	h["Lambda-Runtime-Deadline-Ms"] = []string{strconv.FormatInt(deadline.UnixMilli(), 10)}
	h["Lambda-Runtime-Invoked-Function-Arn"] = []string{in.f.r.arn(in.f.cfg.Name)}
	h["Lambda-Runtime-Trace-Id"] = []string{"Root=1-" + inv.id[:8] + "-" + strings.ReplaceAll(inv.id[9:], "-", "")[:24] + ";Sampled=0"}
	h["Content-Type"] = []string{"application/json"}
	_, _ = w.Write(inv.payload)
}

func (in *instance) serveAnswer(w http.ResponseWriter, r *http.Request, id string, failed bool) {
	inv := in.cur.Load()
	if inv == nil || inv.id != id {
		apiError(w, http.StatusBadRequest, "InvalidRequestID", "no invocation "+id+" is running")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxPayload+1))
	if err != nil {
		apiError(w, http.StatusBadRequest, "InvalidRequest", err.Error())
		return
	}
	if len(body) > maxPayload {
		body = errorPayload("Function.ResponseSizeTooLarge", fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes).", maxPayload))
		failed = true
	} else if failed {
		body = errorObject(body, r.Header.Get("Lambda-Runtime-Function-Error-Type"))
	}
	if !inv.answered.CompareAndSwap(false, true) {
		apiError(w, http.StatusBadRequest, "InvalidStateTransition", "invocation "+id+" was already answered")
		return
	}
	inv.done <- answer{payload: body, failed: failed}
	accepted(w)
}

func accepted(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_, _ = w.Write([]byte(`{"status":"OK"}`))
}

func apiError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(errorPayload(typ, msg))
}

// runtimeError is a function that cannot start: a runtime the workbench
// does not run, a language missing from PATH, a missing bootstrap.
type runtimeError struct {
	typ, msg string
}

func (e *runtimeError) Error() string { return e.msg }

// errorTypeOf returns the Lambda error type for a failure to start.
func errorTypeOf(err error) string {
	var re *runtimeError
	if errors.As(err, &re) {
		return re.typ
	}
	return "Runtime.Unknown"
}
