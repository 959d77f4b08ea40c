// Package faults is the window's faults panel: the common faults of
// model.Faults (latency, drops, error frames, refused connects, @connections
// throttling, closes after N messages) as a form, applied to the running
// gateway and the workspace through Host, with one switch that turns every
// fault off.
package faults

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"wsworkbench/emulator/model"
)

// Form is the panel's fields as a person typed them. Its zero value sets
// no fault.
type Form struct {
	Route              string // "" for every route
	LatencyMS          string
	JitterMS           string
	Drop               string // fraction 0 to 1
	Error              string // one of model.ErrorFrames, or ""
	ErrorRate          string // fraction; "" or 0 is every message
	RefuseStatus       string // "", "429", "500", "502"
	RefuseEvery        string // every Nth connect; "" or 0 is every one
	LimitExceeded      string // fraction of @connections calls answered 429
	CloseAfterMessages string // close each connection after N messages
	CloseCode          string // its code ("1000", "1011", …; "drop" for a TCP drop)
	Disabled           bool
}

// FromFaults fills a form from faults: the first message fault without a
// connection, the connect fault, the management fault and the first close
// fault for every connection after some messages.
func FromFaults(f model.Faults) Form {
	var fm Form
	fm.Disabled = f.Disabled
	if i := panelMessage(f); i >= 0 {
		m := f.Messages[i]
		fm.Route = m.Route
		fm.LatencyMS = ms(m.Latency)
		fm.JitterMS = ms(m.Jitter)
		fm.Drop = frac(m.Drop)
		fm.Error = m.Error
		fm.ErrorRate = frac(m.ErrorRate)
	}
	if c := f.Connect; c != nil {
		fm.RefuseStatus = strconv.Itoa(c.Status)
		if c.Every > 0 {
			fm.RefuseEvery = strconv.Itoa(c.Every)
		}
	}
	if m := f.Management; m != nil {
		fm.LimitExceeded = frac(m.LimitExceeded)
	}
	if i := panelClose(f); i >= 0 {
		c := f.Closes[i]
		fm.CloseAfterMessages = strconv.Itoa(c.AfterMessages)
		fm.CloseCode = strconv.Itoa(c.Code)
		if c.Drop {
			fm.CloseCode = "drop"
		}
	}
	return fm
}

// panelMessage is the index of the message fault the panel edits: the
// first for no connection in particular (-1 for none).
func panelMessage(f model.Faults) int {
	for i, m := range f.Messages {
		if m.Connection == "" {
			return i
		}
	}
	return -1
}

// panelClose is the index of the close fault the panel edits: the first
// for every connection after some messages.
func panelClose(f model.Faults) int {
	for i, c := range f.Closes {
		if c.Connection == "" && c.AfterMessages > 0 {
			return i
		}
	}
	return -1
}

func ms(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return strconv.FormatInt(d.Milliseconds(), 10)
}

func frac(v float64) string {
	if v == 0 {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// Apply returns base with the form's faults in place of those the panel
// edits; faults the panel does not show (per connection, from the file)
// are kept. An error names the field.
func (fm Form) Apply(base model.Faults) (model.Faults, error) {
	f := base.Clone()
	f.Disabled = fm.Disabled

	latency, err := millis("Latency", fm.LatencyMS)
	if err != nil {
		return base, err
	}
	jitter, err := millis("Jitter", fm.JitterMS)
	if err != nil {
		return base, err
	}
	drop, err := fraction("Drop", fm.Drop)
	if err != nil {
		return base, err
	}
	errRate, err := fraction("Error rate", fm.ErrorRate)
	if err != nil {
		return base, err
	}
	m := model.MessageFault{Route: strings.TrimSpace(fm.Route), Latency: latency, Jitter: jitter, Drop: drop, Error: fm.Error, ErrorRate: errRate}
	i := panelMessage(f)
	switch {
	case m == model.MessageFault{Route: m.Route}: // nothing set
		if i >= 0 {
			f.Messages = append(f.Messages[:i], f.Messages[i+1:]...)
		}
	case i >= 0:
		f.Messages[i] = m
	default:
		f.Messages = append(f.Messages, m)
	}

	f.Connect = nil
	if s := strings.TrimSpace(fm.RefuseStatus); s != "" {
		status, err := whole("Refuse status", s)
		if err != nil {
			return base, err
		}
		every, err := whole("Every Nth", fm.RefuseEvery)
		if err != nil {
			return base, err
		}
		f.Connect = &model.ConnectFault{Status: status, Every: every}
	}

	limit, err := fraction("@connections 429 rate", fm.LimitExceeded)
	if err != nil {
		return base, err
	}
	if f.Management != nil {
		mg := *f.Management
		mg.LimitExceeded = limit
		f.Management = &mg
		if mg.LimitExceeded == 0 && mg.Gone == 0 && len(mg.GoneConnections) == 0 {
			f.Management = nil
		}
	} else if limit > 0 {
		f.Management = &model.ManagementFault{LimitExceeded: limit}
	}

	after, err := whole("Close after N messages", fm.CloseAfterMessages)
	if err != nil {
		return base, err
	}
	j := panelClose(f)
	if after > 0 {
		c := model.CloseFault{AfterMessages: after, Code: 1000}
		switch code := strings.TrimSpace(fm.CloseCode); code {
		case "drop":
			c.Code, c.Drop = 0, true
		case "":
		default:
			if c.Code, err = whole("Close code", code); err != nil {
				return base, err
			}
		}
		if j >= 0 {
			f.Closes[j] = c
		} else {
			f.Closes = append(f.Closes, c)
		}
	} else if j >= 0 {
		f.Closes = append(f.Closes[:j], f.Closes[j+1:]...)
	}
	if len(f.Messages) == 0 {
		f.Messages = nil
	}
	if len(f.Closes) == 0 {
		f.Closes = nil
	}
	if err := f.Validate(); err != nil {
		return base, err
	}
	return f, nil
}

func millis(field, s string) (time.Duration, error) {
	n, err := whole(field, s)
	return time.Duration(n) * time.Millisecond, err
}

// maxWhole bounds the numbers the form takes (a day in milliseconds).
const maxWhole = 86_400_000

func whole(field, s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > maxWhole {
		return 0, fmt.Errorf("%s: %q is not a whole number from 0 to %d", field, s, maxWhole)
	}
	return n, nil
}

func fraction(field, s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v >= 0 && v <= 1) {
		return 0, fmt.Errorf("%s: %q is not a fraction from 0 to 1 (0.25 is a quarter)", field, s)
	}
	return v, nil
}
