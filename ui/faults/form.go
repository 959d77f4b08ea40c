// Package faults is the window's faults panel: the common faults of
// model.Faults (latency, drops, error frames, refused connects, @connections
// throttling, closes after N messages) as a form, applied to the running
// gateway and the workspace through Host, with one switch that turns every
// fault off.
package faults

import (
	"fmt"
	"slices"
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
	AnswerLatencyMS    string // waits after the integration, before the answer
	JitterMS           string
	Drop               string // fraction 0 to 1
	Error              string // one of model.ErrorFrames, or ""
	ErrorRate          string // fraction; "" or 0 is every message
	RefuseStatus       string // "", "429", "500", "502"
	RefuseEvery        string // every Nth connect; "" or 0 is every one
	LimitExceeded      string // fraction of @connections calls answered 429
	Gone               string // fraction of @connections calls answered 410
	CloseAfterMessages string // close each connection after N messages
	CloseAfterSeconds  string // … or N seconds after its connect
	CloseCode          string // its code ("1000", "1011", …; "drop" for a TCP drop)
	Disabled           bool

	// Conn is the connection the fields below act on ("" for none).
	Conn                string
	ConnLatencyMS       string
	ConnAnswerLatencyMS string
	ConnDrop            string // fraction of its messages lost before routing
	ConnError           string // one of model.ErrorFrames instead of its integration, or ""
	ConnErrorRate       string // fraction of its messages; "" or 0 is every one
	ConnGone            bool   // @connections calls for it answer 410 while it is open
	ConnCloseAfterSec   string // close it N seconds after its connect
	ConnCloseCode       string
}

// FromFaults fills a form from faults: the first message fault without a
// connection, the connect fault, the management fault, the first close
// fault for every connection after some messages or a delay, and the
// faults of connection conn ("" for none).
func FromFaults(f model.Faults, conn string) Form {
	var fm Form
	fm.Disabled = f.Disabled
	if i := panelMessage(f); i >= 0 {
		m := f.Messages[i]
		fm.Route = m.Route
		fm.LatencyMS = ms(m.Latency)
		fm.AnswerLatencyMS = ms(m.AnswerLatency)
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
		fm.Gone = frac(m.Gone)
	}
	if i := panelClose(f); i >= 0 {
		c := f.Closes[i]
		fm.CloseAfterMessages = count(c.AfterMessages)
		fm.CloseAfterSeconds = seconds(c.After)
		fm.CloseCode = closeCode(c)
	}
	if conn == "" {
		return fm
	}
	fm.Conn = conn
	if i := connMessage(f, conn); i >= 0 {
		m := f.Messages[i]
		fm.ConnLatencyMS = ms(m.Latency)
		fm.ConnAnswerLatencyMS = ms(m.AnswerLatency)
		fm.ConnDrop = frac(m.Drop)
		fm.ConnError = m.Error
		fm.ConnErrorRate = frac(m.ErrorRate)
	}
	if m := f.Management; m != nil {
		fm.ConnGone = slices.Contains(m.GoneConnections, conn)
	}
	if i := connClose(f, conn); i >= 0 {
		fm.ConnCloseAfterSec = seconds(f.Closes[i].After)
		fm.ConnCloseCode = closeCode(f.Closes[i])
	}
	return fm
}

func closeCode(c model.CloseFault) string {
	if c.Drop {
		return "drop"
	}
	return strconv.Itoa(c.Code)
}

func count(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// seconds shows a delay in whole seconds (the form's unit).
func seconds(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return strconv.FormatInt(int64(d/time.Second), 10)
}

// connMessage is the index of the message fault the panel edits for one
// connection: the first for it on every route (-1 for none).
func connMessage(f model.Faults, conn string) int {
	for i, m := range f.Messages {
		if m.Connection == conn && m.Route == "" {
			return i
		}
	}
	return -1
}

// connClose is the index of the close fault the panel edits for one
// connection: the first for it after a delay.
func connClose(f model.Faults, conn string) int {
	for i, c := range f.Closes {
		if c.Connection == conn && c.After > 0 && c.AfterMessages == 0 {
			return i
		}
	}
	return -1
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
		if c.Connection == "" && (c.AfterMessages > 0 || c.After > 0) {
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
	answerLatency, err := millis("Latency before the answer", fm.AnswerLatencyMS)
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
	m := model.MessageFault{Route: strings.TrimSpace(fm.Route), Latency: latency, AnswerLatency: answerLatency, Jitter: jitter, Drop: drop, Error: fm.Error, ErrorRate: errRate}
	f.Messages = putMessage(f.Messages, panelMessage(f), m, model.MessageFault{Route: m.Route})

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
	gone, err := fraction("@connections 410 rate", fm.Gone)
	if err != nil {
		return base, err
	}
	var mg model.ManagementFault
	if f.Management != nil {
		mg = *f.Management
	}
	mg.LimitExceeded, mg.Gone = limit, gone

	after, err := whole("Close after N messages", fm.CloseAfterMessages)
	if err != nil {
		return base, err
	}
	afterSec, err := whole("Close after N seconds", fm.CloseAfterSeconds)
	if err != nil {
		return base, err
	}
	c := model.CloseFault{AfterMessages: after, After: time.Duration(afterSec) * time.Second}
	if err := setCode(&c, "Close code", fm.CloseCode); err != nil {
		return base, err
	}
	f.Closes = putClose(f.Closes, panelClose(f), c, after > 0 || afterSec > 0)

	if conn := strings.TrimSpace(fm.Conn); conn != "" {
		lat, err := millis("Connection latency", fm.ConnLatencyMS)
		if err != nil {
			return base, err
		}
		ans, err := millis("Connection latency before the answer", fm.ConnAnswerLatencyMS)
		if err != nil {
			return base, err
		}
		drop, err := fraction("Connection drop", fm.ConnDrop)
		if err != nil {
			return base, err
		}
		errRate, err := fraction("Connection error rate", fm.ConnErrorRate)
		if err != nil {
			return base, err
		}
		// Keep what the form does not show of this connection's fault
		// (jitter, a drop after the integration, set in the file).
		k := connMessage(f, conn)
		cm := model.MessageFault{Connection: conn}
		if k >= 0 {
			cm = f.Messages[k]
		}
		cm.Latency, cm.AnswerLatency, cm.Drop = lat, ans, drop
		cm.Error, cm.ErrorRate = strings.TrimSpace(fm.ConnError), errRate
		f.Messages = putMessage(f.Messages, k, cm, model.MessageFault{Connection: conn})

		mg.GoneConnections = slices.DeleteFunc(slices.Clone(mg.GoneConnections), func(s string) bool { return s == conn })
		if fm.ConnGone {
			mg.GoneConnections = append(mg.GoneConnections, conn)
		}
		if len(mg.GoneConnections) == 0 {
			mg.GoneConnections = nil
		}

		sec, err := whole("Connection close after N seconds", fm.ConnCloseAfterSec)
		if err != nil {
			return base, err
		}
		cc := model.CloseFault{Connection: conn, After: time.Duration(sec) * time.Second}
		if err := setCode(&cc, "Connection close code", fm.ConnCloseCode); err != nil {
			return base, err
		}
		f.Closes = putClose(f.Closes, connClose(f, conn), cc, sec > 0)
	}
	f.Management = nil
	if mg.LimitExceeded != 0 || mg.Gone != 0 || len(mg.GoneConnections) > 0 {
		f.Management = &mg
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

// putMessage puts m at index i (-1: appends it), or removes the fault at i
// when m sets nothing beyond empty.
func putMessage(ms []model.MessageFault, i int, m, empty model.MessageFault) []model.MessageFault {
	switch {
	case m == empty:
		if i >= 0 {
			ms = append(ms[:i], ms[i+1:]...)
		}
	case i >= 0:
		ms[i] = m
	default:
		ms = append(ms, m)
	}
	return ms
}

// putClose puts c at index i (-1: appends it) when set, else removes the
// fault at i.
func putClose(cs []model.CloseFault, i int, c model.CloseFault, set bool) []model.CloseFault {
	switch {
	case !set:
		if i >= 0 {
			cs = append(cs[:i], cs[i+1:]...)
		}
	case i >= 0:
		cs[i] = c
	default:
		cs = append(cs, c)
	}
	return cs
}

// setCode reads a close code ("" is 1000, "drop" a TCP drop).
func setCode(c *model.CloseFault, field, code string) error {
	c.Code = 1000
	switch code = strings.TrimSpace(code); code {
	case "drop":
		c.Code, c.Drop = 0, true
	case "":
	default:
		n, err := whole(field, code)
		if err != nil {
			return err
		}
		c.Code = n
	}
	return nil
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
