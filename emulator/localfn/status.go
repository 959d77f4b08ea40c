package localfn

// MaxRecent is how many invocations each function remembers for Status.
const MaxRecent = 20

// State is what a function is doing, as the Functions panel shows it.
type State string

// A function's states.
const (
	// StateCold: no instance runs; the next call starts one.
	StateCold State = "cold"
	// StateWarm: an idle instance waits for the next call.
	StateWarm State = "warm"
	// StateBusy: at least one invocation is in flight.
	StateBusy State = "busy"
	// StateCrashed: the last call failed and took its instance with it (a
	// crash, a timeout, an init error) and nothing restarted it since.
	StateCrashed State = "crashed"
)

// FunctionStatus is one function's state and its recent invocations.
type FunctionStatus struct {
	Name, Runtime, Handler string
	// CodeDir is where the code is ("" for inline code).
	CodeDir string
	State   State
	// Instances are the processes that run; Busy the invocations in flight.
	Instances, Busy int
	// Recent are the last invocations (at most MaxRecent), newest first.
	Recent []Invocation
}

// Status returns every function's state, sorted by name.
func (r *Runner) Status() []FunctionStatus {
	fns := r.functions()
	out := make([]FunctionStatus, 0, len(fns))
	for _, f := range fns {
		out = append(out, f.status())
	}
	return out
}

// record remembers a finished invocation for Status.
func (f *function) record(inv Invocation) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.recent = append(f.recent, inv)
	if len(f.recent) > MaxRecent {
		f.recent = append(f.recent[:0], f.recent[len(f.recent)-MaxRecent:]...)
	}
}

func (f *function) status() FunctionStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := FunctionStatus{Name: f.cfg.Name, Runtime: f.cfg.Runtime, Handler: f.cfg.Handler, CodeDir: f.cfg.CodeDir, Busy: len(f.slots)}
	for in := range f.all {
		if !in.dead() {
			st.Instances++
		}
	}
	st.Recent = make([]Invocation, len(f.recent))
	for i, inv := range f.recent {
		st.Recent[len(f.recent)-1-i] = inv
	}
	switch {
	case st.Busy > 0:
		st.State = StateBusy
	case st.Instances > 0:
		st.State = StateWarm
	case len(st.Recent) > 0 && st.Recent[0].FunctionError != "" && st.Recent[0].Start.After(f.restarted):
		st.State = StateCrashed
	default:
		st.State = StateCold
	}
	return st
}
