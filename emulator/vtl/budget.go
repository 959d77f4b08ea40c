package vtl

import (
	"errors"
	"strconv"
	"time"
)

// ErrTimeout is wrapped by the *Error a render returns when it ran past its
// time budget (Limits.MaxTime, or Input.Deadline when earlier).
var ErrTimeout = errors.New("render took too long")

// ErrCanceled is wrapped by the *Error a render returns when Input.Done
// closed: whoever asked for the render no longer wants it.
var ErrCanceled = errors.New("render canceled")

// pollEvery is how many steps pass between two checks of the clock and of
// Input.Done. A step costs well under a microsecond unless it works on a
// big string, and those check before they start (bigString), so a render
// stops within about a millisecond of its deadline.
const pollEvery = 256

// bigString is the length from which a string method checks the budget
// before it does its O(n) work: one String.matches over a megabyte takes
// tens of milliseconds.
const bigString = 16 << 10

// startClock starts the render's budget. The clock is read at the first
// poll, not here: most renders end long before their first poll (a few
// dozen steps), so they read no clock at all. A render's MaxTime (or
// Input.Budget) therefore counts from its first poll, at most pollEvery
// steps (or one step before a big string) after its start: well inside
// the millisecond a render may overrun its budget anyway.
func (r *renderer) startClock() {
	r.deadline = time.Time{}
	r.done = r.in.Done
	r.slow = r.in.Slow
}

// fixDeadline sets the render's deadline at its first poll: MaxTime (or
// Input.Budget, when shorter) from now, or Input.Deadline when that comes
// first; and when Input.Slow is due, SlowAfter from now.
func (r *renderer) fixDeadline(now time.Time) {
	budget := r.lim.MaxTime
	if b := r.in.Budget; b > 0 && b < budget {
		budget = b
	}
	r.deadline = now.Add(budget)
	if d := r.in.Deadline; !d.IsZero() && d.Before(r.deadline) {
		r.deadline = d
	}
	r.slowAt = now.Add(r.in.SlowAfter)
}

// poll stops the render when its deadline has passed or Input.Done has
// closed, and calls Input.Slow once the render has run for SlowAfter. Steps call it every pollEvery steps; methods call it before
// working on a big string.
func (r *renderer) poll(pos int) error {
	select {
	case <-r.done:
		e := r.errAt(pos, "rendering stopped: the request was canceled")
		e.Err = ErrCanceled
		return e
	default:
	}
	now := time.Now()
	if r.deadline.IsZero() {
		r.fixDeadline(now)
	}
	if now.After(r.deadline) {
		e := r.errAt(pos, "rendering stopped after "+budgetString(r.lim.MaxTime, r.in)+": the template does too much work")
		e.Err = ErrTimeout
		return e
	}
	if r.slow != nil && !now.Before(r.slowAt) {
		slow := r.slow
		r.slow = nil
		slow()
	}
	return nil
}

// pollBig polls when a method is about to work on a big string: the
// receiver or an argument.
func (r *renderer) pollBig(pos int, recv value, args []value) error {
	big := recv.k == kString && len(recv.s) >= bigString
	for i := 0; !big && i < len(args); i++ {
		big = args[i].k == kString && len(args[i].s) >= bigString
	}
	if !big {
		return nil
	}
	return r.poll(pos)
}

// budgetString describes the time budget for an error message.
func budgetString(max time.Duration, in *Input) string {
	if !in.Deadline.IsZero() || in.Budget > 0 && in.Budget < max {
		return "its time budget"
	}
	return "its time budget of " + strconv.FormatFloat(max.Seconds(), 'g', -1, 64) + " s"
}

// newString returns out, a string method s built, charged to the memory
// budget.
func (r *renderer) newString(s *segment, out string) (value, error) {
	if err := r.charge(s.pos, len(out)); err != nil {
		return nullValue, err
	}
	return strValue(out), nil
}
