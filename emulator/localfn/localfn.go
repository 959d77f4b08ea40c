// Package localfn runs Lambda functions from their code on this machine, with
// nothing but the language installed: no Docker, no Invoke API server.
//
// For every function instance it serves the Lambda Runtime API
// (/2018-06-01/runtime/invocation/next, .../{id}/response, .../{id}/error,
// /2018-06-01/runtime/init/error) on its own loopback port and starts one
// process, in a process group of its own, with the environment Lambda gives.
// Node.js, Python and Ruby functions run under small bootstraps of ours
// (standard library only, embedded and written to a cache directory);
// provided.al2 and provided.al2023 functions run the bootstrap executable in
// their code directory, go1.x functions their handler executable.
//
// As on Lambda an instance runs one invocation at a time, warm instances are
// reused, a function has at most a few instances at once, the function's
// timeout kills the instance, and a crash is Runtime.ExitError. Each
// invocation's output comes back framed by START, END and REPORT lines as in
// CloudWatch Logs.
//
// The package knows nothing about the gateway: Runner.Invoke has the shape
// of the Invoke API client's Invoke, plus the invocation's log.
package localfn

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"

	"wsworkbench/emulator/model"
)

// Function is one function's local code and configuration (see
// model.Function).
type Function = model.Function

// DefaultTimeout is Lambda's default function timeout.
const DefaultTimeout = 3 * time.Second

// DefaultMaxInstances is how many instances of one function run at once
// unless Options.MaxInstances says otherwise.
const DefaultMaxInstances = 4

// Options configure a Runner. The zero value is ready to use.
type Options struct {
	// MaxInstances bounds each function's concurrent instances. Default 4.
	MaxInstances int
	// Region is AWS_REGION and AWS_DEFAULT_REGION. Default us-east-1.
	Region string
	// CacheDir holds the bootstraps and inline code. Default
	// $XDG_CACHE_HOME/wsworkbench/lambda.
	CacheDir string
	// Env is added to every function's environment after the function's
	// own variables (e.g. the workbench's CA bundle for SDKs).
	Env map[string]string
	// LogLimit caps the output kept per invocation, in bytes. Default 64 KiB.
	LogLimit int
	// ReloadInterval is how often code directories are checked for changes
	// (see Runner.Reload). Default 500 ms; negative turns checking off.
	ReloadInterval time.Duration
	// OnReload, when set, is called from the watching goroutine when a
	// function's code changed and its instances were replaced.
	OnReload func(function string)
}

// Invocation is what one call of a function did (Invoke returns its
// Payload, FunctionError and Log).
type Invocation struct {
	Function  string
	RequestID string
	// Start is when the call was handed to the function.
	Start time.Time
	// Cold reports whether the call started a new instance.
	Cold bool
	// InitDuration is how long the new instance took to ask for its first
	// invocation (cold starts only).
	InitDuration time.Duration
	// Duration is the time from handing the event to the runtime to its
	// answer.
	Duration time.Duration
	// MemoryMB is the function's memory size; MaxMemoryMB the most the
	// instance's process has used (its peak resident set; 0 when unknown).
	MemoryMB, MaxMemoryMB int
	// FunctionError is "Unhandled" when the function failed.
	FunctionError string
	// Payload is the result, or the error object when the function failed.
	Payload []byte
	// Log is the invocation's output framed by START, END and REPORT lines.
	Log string
}

// Runner runs the functions it was made with. Its methods are safe for
// concurrent use. Goroutines: each instance has one for its process's exit,
// one reading its output and its Runtime API server's; an invocation whose
// caller gave up runs on in a goroutine of its own until the function
// answers or times out. Close ends them all.
type Runner struct {
	opts  Options
	cache *cache

	fnMu  sync.RWMutex // guards fns and names, which Replace changes
	fns   map[string]*function
	names []string

	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
	stop   chan struct{}
}

// New checks fns and returns a Runner for them. No process starts until a
// function is invoked. A function whose runtime is not supported is kept:
// invoking it answers with a function error saying so, as the issue of a
// missing language must show where the call is traced.
func New(fns []Function, opts Options) (*Runner, error) {
	if opts.MaxInstances <= 0 {
		opts.MaxInstances = DefaultMaxInstances
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.LogLimit <= 0 {
		opts.LogLimit = 64 << 10
	}
	if opts.ReloadInterval == 0 {
		opts.ReloadInterval = 500 * time.Millisecond
	}
	if opts.CacheDir == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			dir = os.TempDir()
		}
		opts.CacheDir = filepath.Join(dir, "wsworkbench", "lambda")
	}
	r := &Runner{opts: opts, fns: map[string]*function{}, cache: &cache{dir: opts.CacheDir}, stop: make(chan struct{})}
	cfgs, err := r.normalize(fns)
	if err != nil {
		return nil, err
	}
	for _, fn := range cfgs {
		r.fns[fn.Name] = newFunction(r, fn, r.maxInstances(fn))
		r.names = append(r.names, fn.Name)
	}
	sort.Strings(r.names)
	if opts.ReloadInterval > 0 {
		r.checkCode() // the first fingerprints: a change from now on reloads
		r.wg.Add(1)
		go r.watch()
	}
	return r, nil
}

// normalize checks fns and fills in Lambda's defaults: an absolute code
// directory, the default timeout and memory size.
func (r *Runner) normalize(fns []Function) ([]Function, error) {
	seen := map[string]bool{}
	out := make([]Function, 0, len(fns))
	for _, fn := range fns {
		if fn.Name == "" {
			return nil, errors.New("a local function has no name")
		}
		if seen[fn.Name] {
			return nil, fmt.Errorf("function %s is defined twice", fn.Name)
		}
		seen[fn.Name] = true
		if fn.CodeDir == "" && fn.InlineCode == "" {
			return nil, fmt.Errorf("function %s has no code directory and no inline code", fn.Name)
		}
		if fn.CodeDir != "" {
			abs, err := filepath.Abs(fn.CodeDir)
			if err != nil {
				return nil, fmt.Errorf("function %s: %w", fn.Name, err)
			}
			fn.CodeDir = abs
		}
		if fn.Timeout <= 0 {
			fn.Timeout = DefaultTimeout
		}
		if fn.MemoryMB <= 0 {
			fn.MemoryMB = 128
		}
		if len(fn.Env) == 0 {
			fn.Env = nil
		}
		out = append(out, fn)
	}
	return out, nil
}

// maxInstances is how many instances fn may run at once.
func (r *Runner) maxInstances(fn Function) int {
	max := r.opts.MaxInstances
	if fn.ReservedConcurrency > 0 && fn.ReservedConcurrency < max {
		max = fn.ReservedConcurrency
	}
	return max
}

// Replace makes fns the runner's functions, as after an edit: a function
// whose configuration did not change keeps its warm instances; a new or
// changed one starts fresh at its next invocation; a changed or removed
// one's idle instances stop now and its busy ones when their invocation
// ends (an invocation in flight finishes on the configuration it started
// with). It returns the names of the functions it added, changed or removed,
// sorted. Bad fns (a duplicate name, no code) change nothing.
func (r *Runner) Replace(fns []Function) ([]string, error) {
	cfgs, err := r.normalize(fns)
	if err != nil {
		return nil, err
	}
	r.fnMu.Lock()
	next := map[string]*function{}
	var names, changed []string
	var retired []*function
	for _, fn := range cfgs {
		names = append(names, fn.Name)
		if f, ok := r.fns[fn.Name]; ok && reflect.DeepEqual(f.cfg, fn) {
			next[fn.Name] = f
			continue
		}
		next[fn.Name] = newFunction(r, fn, r.maxInstances(fn))
		changed = append(changed, fn.Name)
	}
	for name, f := range r.fns {
		if next[name] != f {
			retired = append(retired, f)
			if next[name] == nil {
				changed = append(changed, name)
			}
		}
	}
	sort.Strings(names)
	sort.Strings(changed)
	r.fns, r.names = next, names
	r.fnMu.Unlock()
	for _, f := range retired {
		f.retire()
	}
	return changed, nil
}

// function returns the function named name, or nil.
func (r *Runner) function(name string) *function {
	r.fnMu.RLock()
	defer r.fnMu.RUnlock()
	return r.fns[name]
}

// functions returns the functions, sorted by name.
func (r *Runner) functions() []*function {
	r.fnMu.RLock()
	defer r.fnMu.RUnlock()
	out := make([]*function, 0, len(r.names))
	for _, name := range r.names {
		out = append(out, r.fns[name])
	}
	return out
}

// Has reports whether the runner has code for function.
func (r *Runner) Has(function string) bool { return r.function(function) != nil }

// Invoke runs function with payload the way the Invoke API does: result is
// the function's answer, or its error object when functionError is
// "Unhandled" (a thrown error, a crash, a timeout, an init error, a runtime
// that is missing). err is a failure to run at all: an unknown function, a
// closed runner, or ctx ending while the call waited for a free instance or
// ran (the call then runs on until the function answers or times out, as on
// Lambda). log is the invocation's framed output.
func (r *Runner) Invoke(ctx context.Context, function string, payload []byte) (result []byte, functionError, log string, err error) {
	f := r.function(function)
	if f == nil {
		return nil, "", "", fmt.Errorf("no local code for function %s", function)
	}
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	if !r.track() {
		return nil, "", "", errClosed
	}
	defer r.wg.Done()
	if err := f.acquire(ctx); err != nil {
		return nil, "", "", fmt.Errorf("function %s: waiting for a free instance: %w", function, err)
	}
	done := make(chan Invocation, 1)
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		inv := f.invoke(payload)
		f.record(inv)
		f.release()
		done <- inv
	}()
	select {
	case inv := <-done:
		return inv.Payload, inv.FunctionError, inv.Log, nil
	case <-ctx.Done():
		return nil, "", "", fmt.Errorf("function %s: %w", function, ctx.Err())
	}
}

// Restart stops function's idle instances and marks its busy ones to stop
// when they finish, so the next invocation starts from fresh code.
func (r *Runner) Restart(function string) error {
	f := r.function(function)
	if f == nil {
		return fmt.Errorf("no local code for function %s", function)
	}
	f.restart()
	return nil
}

var errClosed = errors.New("local functions stopped")

// track counts one more goroutine using the runner, unless it is closed.
func (r *Runner) track() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return false
	}
	r.wg.Add(1)
	return true
}

// Close kills every instance (with its process group) and waits for the
// runner's goroutines. Invocations in flight end with a function error.
func (r *Runner) Close() {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.closed = true
	close(r.stop)
	r.mu.Unlock()
	for _, f := range r.functions() {
		f.close()
	}
	r.wg.Wait()
}

// newRequestID returns a Lambda-style request ID (a random UUID).
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return strings.Join([]string{h[:8], h[8:12], h[12:16], h[16:20], h[20:]}, "-")
}
