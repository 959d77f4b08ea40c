package emulator

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// String renders the event on one line for a text log.
func (e *Event) String() string { return string(e.AppendLine(make([]byte, 0, 160))) }

// AppendLine appends the event's text-log line, without a newline, to b:
// the time, the kind, the connection and request, then key=value pairs of
// what the kind carries. A value is cut to 200 bytes and quoted when it is
// empty or holds white space, a quote or "=". It allocates nothing when b
// has room, so a log can format into one reused buffer.
func (e *Event) AppendLine(b []byte) []byte {
	b = appendClock(b, e.Time)
	b = append(b, ' ')
	kind := e.Kind.String()
	b = append(b, kind...)
	for n := len(kind); n < len("integration"); n++ { // padded to the longest kind
		b = append(b, ' ')
	}
	b = appendRaw(b, "conn", e.ConnectionID)
	b = appendRaw(b, "req", e.RequestID)
	b = appendField(b, "route", e.RouteKey)
	b = e.appendDetails(b)
	if e.Size > 0 {
		b = appendInt(b, "size", e.Size)
	}
	b = appendField(b, "data", e.Data)
	b = appendField(b, "error", e.Error)
	if e.Duration > 0 {
		b = append(b, " took="...)
		b = appendDuration(b, e.Duration)
	}
	return b
}

// appendDetails appends what the event's kind carries.
func (e *Event) appendDetails(b []byte) []byte {
	switch e.Kind {
	case EventConnect:
		return e.appendConnect(b)
	case EventAuthorizer:
		return e.appendAuthorizer(b)
	case EventIntegration:
		return e.appendIntegration(b)
	case EventRoute:
		if r := e.Route; r != nil {
			b = appendField(b, "outcome", r.Outcome.String())
			b = appendField(b, "expr", r.Expression)
			b = appendValue(b, "value", r.Value)
		}
	case EventTemplate:
		if t := e.Template; t != nil {
			b = appendField(b, "template", t.Side.String())
			b = appendValue(b, "key", t.Key)
			b = appendValue(b, "value", t.Value)
			b = appendValue(b, "out", t.Output)
		}
	case EventConnections:
		if c := e.Connections; c != nil {
			b = appendField(b, "method", c.Method)
			b = appendInt(b, "status", e.Status)
			b = appendCode(b, e.Code)
			b = appendField(b, "during", c.DuringRequest)
		}
	case EventError:
		b = appendCode(b, e.Code)
		b = appendInt(b, "status", e.Status)
	case EventLimit, EventDisconnect:
		if c := e.Close; c != nil {
			b = appendInt(b, "code", c.Code)
			b = appendValue(b, "reason", c.Reason)
		}
	case EventConfig:
		b = appendField(b, "outcome", e.Config.String())
	case EventMessage:
		return e.appendMessage(b)
	case EventFault:
		if f := e.Fault; f != nil {
			b = appendField(b, "fault", f.Kind.String())
			b = appendValue(b, "detail", f.Detail)
		}
	}
	return b
}

func (e *Event) appendConnect(b []byte) []byte {
	c := e.Connect
	if c == nil {
		return appendInt(b, "status", e.Status)
	}
	b = appendField(b, "outcome", c.Outcome.String())
	b = appendInt(b, "status", e.Status)
	b = appendCode(b, e.Code)
	b = appendField(b, "remote", c.RemoteAddr)
	if len(c.Subprotocols) > 0 {
		b = append(b, " protocols="...)
		for i, p := range c.Subprotocols {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendQuoted(b, p)
		}
		if c.Subprotocol == "" {
			b = append(b, " subprotocol=none"...)
		}
	}
	return appendField(b, "subprotocol", c.Subprotocol)
}

func (e *Event) appendAuthorizer(b []byte) []byte {
	a := e.Authorizer
	if a == nil {
		return b
	}
	b = appendField(b, "name", a.Name)
	if a.Allowed {
		b = append(b, " decision=allow"...)
	} else {
		b = append(b, " decision=deny"...)
	}
	b = appendInt(b, "status", e.Status)
	if a.Cached {
		b = append(b, " cached=true"...)
	}
	b = appendField(b, "principal", a.Principal)
	return appendField(b, "reason", a.Reason)
}

func (e *Event) appendIntegration(b []byte) []byte {
	if in := e.Integration; in != nil {
		b = appendField(b, "type", in.Type)
	}
	b = appendInt(b, "status", e.Status)
	if in := e.Integration; in != nil {
		switch in.Selection {
		case ResponseMatched:
			b = appendValue(b, "response", in.Response)
		case ResponseNoMatch, ResponseProxy:
			b = appendField(b, "response", in.Selection.String())
		}
	}
	if l := e.Lambda; l != nil {
		b = appendField(b, "function", l.Function)
		b = appendField(b, "fnerror", l.FunctionError)
	}
	return b
}

// appendMessage appends a message's summary: the integration that ran, the
// status and error code, the bytes received and sent back, and the Lambda
// function called, if any.
func (e *Event) appendMessage(b []byte) []byte {
	if in := e.Integration; in != nil {
		b = appendField(b, "integration", in.Type)
	}
	b = appendInt(b, "status", e.Status)
	b = appendCode(b, e.Code)
	if m := e.Message; m != nil {
		b = appendInt(b, "in", m.Received)
		b = appendInt(b, "out", m.Sent)
		if m.Dropped {
			b = append(b, " dropped=true"...)
		}
	}
	if l := e.Lambda; l != nil {
		b = appendField(b, "function", l.Function)
		b = appendField(b, "fnerror", l.FunctionError)
	}
	return b
}

// appendRaw appends " key=value" unquoted, for IDs; nothing when value is
// empty.
func appendRaw(b []byte, key, value string) []byte {
	if value == "" {
		return b
	}
	b = append(b, ' ')
	b = append(b, key...)
	b = append(b, '=')
	return append(b, value...)
}

// appendField appends " key=value", nothing when value is empty.
func appendField(b []byte, key, value string) []byte {
	if value == "" {
		return b
	}
	return appendValue(b, key, value)
}

// appendValue appends " key=value", with "" for an empty value.
func appendValue(b []byte, key, value string) []byte {
	b = append(b, ' ')
	b = append(b, key...)
	b = append(b, '=')
	return appendQuoted(b, value)
}

// appendCode appends " code=Name", nothing for no code.
func appendCode(b []byte, c Code) []byte {
	if c == 0 {
		return b
	}
	return appendField(b, "code", c.String())
}

func appendInt(b []byte, key string, v int) []byte {
	if v == 0 {
		return b
	}
	b = append(b, ' ')
	b = append(b, key...)
	b = append(b, '=')
	return strconv.AppendInt(b, int64(v), 10)
}

// maxLogValue bounds one value in a text line.
const maxLogValue = 200

// appendQuoted appends s, cut to maxLogValue bytes (and marked "…"),
// quoted as strconv.Quote does when it is empty or holds white space, a
// quote, "=" or a control character. Printable ASCII is quoted here, in one
// pass; anything else goes through strconv.AppendQuote.
func appendQuoted(b []byte, s string) []byte {
	cut := len(s) > maxLogValue
	if cut {
		s = s[:maxLogValue]
	}
	i, high := 0, byte(0)
	for i < len(s) && !logQuote[s[i]] {
		high |= s[i]
		i++
	}
	switch {
	case s != "" && i == len(s):
		b = append(b, s...)
		if cut {
			b = append(b, "…"...)
		}
		return b
	case high < utf8.RuneSelf:
		start := len(b)
		b = append(b, '"')
		b = append(b, s[:i]...) // nothing to escape up to i
		var ascii bool
		if b, ascii = appendEscapedASCII(b, s[i:]); ascii {
			b = append(b, '"')
			break
		}
		b = strconv.AppendQuote(b[:start], s)
	default:
		b = strconv.AppendQuote(b, s)
	}
	if cut {
		b = append(b[:len(b)-1], `…"`...) // the mark inside the quotes
	}
	return b
}

// logQuote marks the bytes that make a value quoted: white space, '"', '='
// and control characters.
var logQuote = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	for _, c := range " \"=\x7f" {
		t[c] = true
	}
	return t
}()

// appendEscapedASCII appends s escaped as strconv.Quote escapes it, without
// the quotes; it reports false (having appended part of it) when s is not
// all ASCII.
func appendEscapedASCII(b []byte, s string) ([]byte, bool) {
	const hex = "0123456789abcdef"
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < 0x7f {
			continue
		}
		if c >= utf8.RuneSelf {
			return b, false
		}
		b = append(b, s[start:i]...)
		start = i + 1
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\a':
			b = append(b, '\\', 'a')
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\v':
			b = append(b, '\\', 'v')
		default:
			b = append(b, '\\', 'x', hex[c>>4], hex[c&0xf])
		}
	}
	return append(b, s[start:]...), true
}

// appendClock appends t's wall clock as 15:04:05.000.
func appendClock(b []byte, t time.Time) []byte {
	h, m, s := t.Clock()
	ms := t.Nanosecond() / 1e6
	return append(b, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10), ':',
		byte('0'+s/10), byte('0'+s%10), '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
}

// appendDuration appends d in the unit that suits it, rounded to three
// significant decimals at most: 850ns, 21.3µs, 1.25ms, 2.500s.
func appendDuration(b []byte, d time.Duration) []byte {
	switch {
	case d < time.Microsecond:
		b = strconv.AppendInt(b, int64(d), 10)
		return append(b, "ns"...)
	case d < time.Millisecond:
		return append(appendFixed(b, int64(d), 100, 1), "µs"...)
	case d < time.Second:
		return append(appendFixed(b, int64(d), 10_000, 2), "ms"...)
	}
	return append(appendFixed(b, int64(d), 1_000_000, 3), 's')
}

// appendFixed appends n/unit (rounded) with decimals digits after the
// point, where unit is 10^decimals times smaller than the printed unit.
func appendFixed(b []byte, n, unit int64, decimals int) []byte {
	v := (n + unit/2) / unit
	scale := int64(1)
	for range decimals {
		scale *= 10
	}
	b = strconv.AppendInt(b, v/scale, 10)
	b = append(b, '.')
	frac := v % scale
	for scale /= 10; scale > 0; scale /= 10 {
		b = append(b, byte('0'+frac/scale))
		frac %= scale
	}
	return b
}
