package model

import (
	"fmt"
	"slices"
	"time"
)

// Faults are failures a tester turns on to see how a frontend copes: slow
// or lost answers, AWS's error frames, closes and dropped connections,
// refused connects, failing @connections calls. They live in
// Metadata.wsworkbench.faults, so `serve` in CI runs with the same faults
// as the window (docs/gateway.md, "Faults").
type Faults struct {
	// Disabled keeps the faults but applies none: the window's "all faults
	// off" switch.
	Disabled bool `yaml:"disabled,omitempty"`
	// Seed makes the random choices (drop and error rates, jitter)
	// repeatable; 0 picks a new seed each time the faults are applied.
	Seed       int64            `yaml:"seed,omitempty"`
	Messages   []MessageFault   `yaml:"messages,omitempty"`
	Connect    *ConnectFault    `yaml:"connect,omitempty"`
	Closes     []CloseFault     `yaml:"closes,omitempty"`
	Management *ManagementFault `yaml:"management,omitempty"`
}

// MessageFault acts on the messages of one route and/or one connection
// ("" for either means all). The first fault that matches a message
// applies.
type MessageFault struct {
	Route      string `yaml:"route,omitempty"`
	Connection string `yaml:"connection,omitempty"`
	// Latency waits before the integration runs; AnswerLatency waits after
	// it, before the answer goes out. Jitter adds up to that much more to
	// each.
	Latency       time.Duration `yaml:"latency,omitempty"`
	AnswerLatency time.Duration `yaml:"answerLatency,omitempty"`
	Jitter        time.Duration `yaml:"jitter,omitempty"`
	// Drop is the fraction (0 to 1) of messages lost before routing: no
	// route runs, nothing answers. DropAnswer is the fraction whose
	// integration runs but whose answer is not sent.
	Drop       float64 `yaml:"drop,omitempty"`
	DropAnswer float64 `yaml:"dropAnswer,omitempty"`
	// Error answers with one of AWS's error frames instead of running the
	// integration: "Internal server error", "Forbidden" or "Endpoint
	// request timed out" (ErrorFrames), for the fraction ErrorRate of the
	// messages (all of them when ErrorRate is 0).
	Error     string  `yaml:"error,omitempty"`
	ErrorRate float64 `yaml:"errorRate,omitempty"`
}

// ErrorFrames are the error frames a MessageFault can answer with.
var ErrorFrames = []string{"Internal server error", "Forbidden", "Endpoint request timed out"}

// ConnectFault refuses new connections with Status (429, 500, 502, ...):
// every one, every Nth (Every), or a fraction (Rate).
type ConnectFault struct {
	Status int     `yaml:"status"`
	Every  int     `yaml:"every,omitempty"`
	Rate   float64 `yaml:"rate,omitempty"`
}

// CloseFault ends connections on purpose: with a close frame (Code,
// Reason), or by dropping the TCP connection without one (Drop: the client
// sees 1006). It applies to one connection, or to every connection when
// Connection is "": after AfterMessages messages from the client, after
// After since the connect, or at once when both are zero (a connection
// fault set in the window).
type CloseFault struct {
	Connection    string        `yaml:"connection,omitempty"`
	Code          int           `yaml:"code,omitempty"`
	Reason        string        `yaml:"reason,omitempty"`
	Drop          bool          `yaml:"drop,omitempty"`
	AfterMessages int           `yaml:"afterMessages,omitempty"`
	After         time.Duration `yaml:"after,omitempty"`
}

// ManagementFault makes @connections calls fail as AWS's do under load: the
// fraction LimitExceeded answers 429 LimitExceededException; the fraction
// Gone, and every call for a connection in GoneConnections, answers 410
// GoneException although the connection is open (what a backend sees
// after a $disconnect it missed).
type ManagementFault struct {
	LimitExceeded   float64  `yaml:"limitExceeded,omitempty"`
	Gone            float64  `yaml:"gone,omitempty"`
	GoneConnections []string `yaml:"goneConnections,omitempty"`
}

// Active reports whether any fault is set and not disabled.
func (f *Faults) Active() bool {
	return !f.Disabled && (len(f.Messages) > 0 || f.Connect != nil || len(f.Closes) > 0 || f.Management != nil)
}

// Acting reports whether any fault can act now: it is Active, and a fault
// for one connection counts only while open reports that connection open
// (a fault kept for a connection that has closed acts on nothing).
func (f *Faults) Acting(open func(connID string) bool) bool {
	if !f.Active() {
		return false
	}
	if f.Connect != nil {
		return true
	}
	for _, m := range f.Messages {
		if m.Connection == "" || open(m.Connection) {
			return true
		}
	}
	for _, c := range f.Closes {
		if c.Connection == "" || open(c.Connection) {
			return true
		}
	}
	if m := f.Management; m != nil {
		if m.LimitExceeded != 0 || m.Gone != 0 {
			return true
		}
		for _, id := range m.GoneConnections {
			if open(id) {
				return true
			}
		}
	}
	return false
}

// Zero reports whether nothing is set (not even a disabled fault).
func (f *Faults) Zero() bool {
	return f.Seed == 0 && len(f.Messages) == 0 && f.Connect == nil && len(f.Closes) == 0 && f.Management == nil
}

// Clone returns a deep copy.
func (f Faults) Clone() Faults {
	f.Messages = slices.Clone(f.Messages)
	f.Closes = slices.Clone(f.Closes)
	if f.Connect != nil {
		c := *f.Connect
		f.Connect = &c
	}
	if f.Management != nil {
		m := *f.Management
		m.GoneConnections = slices.Clone(m.GoneConnections)
		f.Management = &m
	}
	return f
}

// Validate says what is wrong with the faults, in words for a person.
func (f *Faults) Validate() error {
	rate := func(what string, v float64) error {
		if v < 0 || v > 1 {
			return fmt.Errorf("%s is %g: a fraction from 0 to 1", what, v)
		}
		return nil
	}
	for i, m := range f.Messages {
		at := fmt.Sprintf("messages[%d].", i)
		for _, r := range []struct {
			what string
			v    float64
		}{{"drop", m.Drop}, {"dropAnswer", m.DropAnswer}, {"errorRate", m.ErrorRate}} {
			if err := rate(at+r.what, r.v); err != nil {
				return err
			}
		}
		if m.Latency < 0 || m.AnswerLatency < 0 || m.Jitter < 0 {
			return fmt.Errorf("%slatency, answerLatency and jitter must not be negative", at)
		}
		if m.Error != "" && !slices.Contains(ErrorFrames, m.Error) {
			return fmt.Errorf("%serror %q: want one of %q", at, m.Error, ErrorFrames)
		}
	}
	if c := f.Connect; c != nil {
		if c.Status < 400 || c.Status > 599 {
			return fmt.Errorf("connect.status %d: a refusal is an HTTP status from 400 to 599", c.Status)
		}
		if c.Every < 0 {
			return fmt.Errorf("connect.every must not be negative")
		}
		if err := rate("connect.rate", c.Rate); err != nil {
			return err
		}
	}
	for i, c := range f.Closes {
		at := fmt.Sprintf("closes[%d].", i)
		if !c.Drop && c.Code != 0 && (c.Code < 1000 || c.Code > 4999 || c.Code == 1004 || c.Code == 1005 || c.Code == 1006 || c.Code == 1015) {
			return fmt.Errorf("%scode %d cannot be sent in a close frame", at, c.Code)
		}
		if len(c.Reason) > 123 {
			return fmt.Errorf("%sreason is %d bytes; a close frame holds at most 123", at, len(c.Reason))
		}
		if c.AfterMessages < 0 || c.After < 0 {
			return fmt.Errorf("%safterMessages and after must not be negative", at)
		}
	}
	if m := f.Management; m != nil {
		if err := rate("management.limitExceeded", m.LimitExceeded); err != nil {
			return err
		}
		if err := rate("management.gone", m.Gone); err != nil {
			return err
		}
	}
	return nil
}
