package localfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"
)

// function is one function's instances. slots bounds the invocations in
// flight, and so the instances: an invocation holds a slot, takes an idle
// instance or starts one, and puts it back (or kills it) before giving the
// slot up, so instances never outnumber slots.
type function struct {
	r     *Runner
	cfg   Function
	slots chan struct{}

	mu     sync.Mutex
	idle   []*instance // most recently used last
	all    map[*instance]bool
	gen    int // bumped by restart; instances of an older generation are not reused
	closed bool
	// retired: Replace dropped or changed the function; every instance
	// stops once its invocation ends.
	retired bool
	recent  []Invocation // the last MaxRecent invocations, oldest first
	// restarted is when restart last ran: a failure before it is no crash.
	restarted time.Time

	watch codeState // owned by the runner's watch goroutine
}

func newFunction(r *Runner, cfg Function, max int) *function {
	return &function{r: r, cfg: cfg, slots: make(chan struct{}, max), all: map[*instance]bool{}}
}

// acquire waits for a slot.
func (f *function) acquire(ctx context.Context) error {
	select {
	case f.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-f.r.stop:
		return errClosed
	}
}

// release gives a slot back.
func (f *function) release() { <-f.slots }

// take returns a warm instance, or nil when a new one must start. Idle
// instances that died or predate a restart are stopped on the way.
func (f *function) take() *instance {
	var stale []*instance
	defer func() {
		for _, in := range stale {
			in.kill()
		}
	}()
	f.mu.Lock()
	defer f.mu.Unlock()
	for len(f.idle) > 0 {
		in := f.idle[len(f.idle)-1]
		f.idle = f.idle[:len(f.idle)-1]
		if in.gen == f.gen && !in.dead() {
			return in
		}
		delete(f.all, in)
		stale = append(stale, in)
	}
	return nil
}

// put returns an instance after an invocation; a dead one, or one from
// before a restart, is stopped instead.
func (f *function) put(in *instance) {
	f.mu.Lock()
	if f.closed || f.retired || in.gen != f.gen || in.dead() {
		delete(f.all, in)
		f.mu.Unlock()
		in.kill()
		return
	}
	f.idle = append(f.idle, in)
	f.mu.Unlock()
}

// restart retires every instance: idle ones now, busy ones when their
// invocation ends.
func (f *function) restart() {
	f.mu.Lock()
	f.gen++
	f.restarted = time.Now()
	idle := f.idle
	f.idle = nil
	for _, in := range idle {
		delete(f.all, in)
	}
	f.mu.Unlock()
	for _, in := range idle {
		in.kill()
	}
}

// retire stops the idle instances now and the busy ones when their
// invocation ends (see put): Replace dropped or changed the function.
func (f *function) retire() {
	f.mu.Lock()
	f.retired = true
	f.mu.Unlock()
	f.restart()
}

// close kills every instance, busy or not.
func (f *function) close() {
	f.mu.Lock()
	f.closed = true
	all := make([]*instance, 0, len(f.all))
	for in := range f.all {
		all = append(all, in)
	}
	f.idle = nil
	f.all = map[*instance]bool{}
	f.mu.Unlock()
	for _, in := range all {
		in.kill()
	}
}

// invoke runs one invocation on a warm or new instance. The caller holds a
// slot.
func (f *function) invoke(payload []byte) Invocation {
	id := newRequestID()
	for {
		res, err := f.invokeOnce(Invocation{Function: f.cfg.Name, RequestID: id, Start: time.Now(), MemoryMB: f.cfg.MemoryMB}, payload)
		if !errors.Is(err, errGone) {
			return res
		}
		// A warm instance had exited while idle (a runtime that quits after
		// answering): the event never reached it, so start a fresh one.
	}
}

// invokeOnce runs the invocation on a warm instance, or a new one when none
// is idle.
func (f *function) invokeOnce(res Invocation, payload []byte) (Invocation, error) {
	in := f.take()
	if in == nil {
		res.Cold = true
		f.mu.Lock()
		gen, closed := f.gen, f.closed
		f.mu.Unlock()
		if closed {
			return f.failed(res, "Runtime.Stopped", "the workbench is stopping", ""), nil
		}
		var err error
		in, err = startInstance(f, gen)
		if err != nil {
			return f.failed(res, errorTypeOf(err), err.Error(), ""), nil
		}
		f.mu.Lock()
		if f.closed {
			f.mu.Unlock()
			in.kill()
			return f.failed(res, "Runtime.Stopped", "the workbench is stopping", ""), nil
		}
		f.all[in] = true
		f.mu.Unlock()
	}
	res, err := in.run(res, payload, f.cfg.Timeout)
	f.put(in)
	return res, err
}

// failed is an invocation that never reached the function's code: the log
// still gets its START/END/REPORT frame and the reason.
func (f *function) failed(res Invocation, errType, msg, output string) Invocation {
	res.FunctionError = "Unhandled"
	res.Payload = errorPayload(errType, msg)
	res.Log = frameLog(res, output+msg+"\n", 0)
	return res
}

// errorPayload is an error object as Lambda returns one.
func errorPayload(errType, msg string) []byte {
	b, _ := json.Marshal(struct {
		ErrorType    string `json:"errorType"`
		ErrorMessage string `json:"errorMessage"`
	}{errType, msg})
	return b
}

// timeoutMessage is Lambda's timeout error message.
func timeoutMessage(id string, timeout time.Duration) string {
	return fmt.Sprintf("RequestId: %s Error: Task timed out after %.2f seconds", id, timeout.Seconds())
}
