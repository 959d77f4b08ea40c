package emulator

import (
	"strconv"
	"strings"
	"time"
)

// String renders the event on one line for a text log.
func (e *Event) String() string { return string(e.AppendLine(make([]byte, 0, 160))) }

// AppendLine appends the event's text-log line, without a newline, to b:
// the time, the kind, the connection and request, then key=value pairs of
// what the kind carries. A value is cut to 200 bytes and quoted when it is
// empty or holds white space, a quote or "=". It allocates nothing when b
// has room, so a log can format into one reused buffer.
func (e *Event) AppendLine(b []byte) []byte {
	b = e.Time.AppendFormat(b, "15:04:05.000")
	b = append(b, ' ')
	kind := e.Kind.String()
	b = append(b, kind...)
	for n := len(kind); n < len("integration"); n++ { // padded to the longest kind
		b = append(b, ' ')
	}
	b = appendRaw(b, "conn", e.ConnectionID)
	b = appendRaw(b, "req", e.RequestID)
	b = appendField(b, "route", e.RouteKey)
	switch e.Kind {
	case EventConnect:
		b = e.appendConnect(b)
	case EventAuthorizer:
		b = e.appendAuthorizer(b)
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
	case EventIntegration:
		b = e.appendIntegration(b)
	case EventConnections:
		if c := e.Connections; c != nil {
			b = appendField(b, "method", c.Method)
			b = appendInt(b, "status", e.Status)
			if e.Code != 0 {
				b = appendField(b, "code", e.Code.String())
			}
			b = appendField(b, "during", c.DuringRequest)
		}
	case EventError:
		if e.Code != 0 {
			b = appendField(b, "code", e.Code.String())
		}
		b = appendInt(b, "status", e.Status)
	case EventLimit, EventDisconnect:
		if c := e.Close; c != nil {
			b = appendInt(b, "code", c.Code)
			b = appendValue(b, "reason", c.Reason)
		}
	case EventConfig:
		b = appendField(b, "outcome", e.Config.String())
	case EventFault:
		if f := e.Fault; f != nil {
			b = appendField(b, "fault", f.Kind.String())
			b = appendValue(b, "detail", f.Detail)
		}
	}
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

func (e *Event) appendConnect(b []byte) []byte {
	c := e.Connect
	if c == nil {
		return appendInt(b, "status", e.Status)
	}
	b = appendField(b, "outcome", c.Outcome.String())
	b = appendInt(b, "status", e.Status)
	if e.Code != 0 {
		b = appendField(b, "code", e.Code.String())
	}
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
// quoted when it is empty or holds white space, a quote or "=".
func appendQuoted(b []byte, s string) []byte {
	cut := len(s) > maxLogValue
	if cut {
		s = s[:maxLogValue]
	}
	if s != "" && !strings.ContainsAny(s, " \t\n\r\"=") {
		b = append(b, s...)
		if cut {
			b = append(b, "…"...)
		}
		return b
	}
	if !cut {
		return strconv.AppendQuote(b, s)
	}
	b = strconv.AppendQuote(b, s)
	b = b[:len(b)-1] // reopen the quote for the mark
	return append(b, `…"`...)
}

// appendDuration appends d in the unit that suits it, with at most three
// significant decimals: 850ns, 21.3µs, 1.25ms, 2.5s.
func appendDuration(b []byte, d time.Duration) []byte {
	switch {
	case d < time.Microsecond:
		b = strconv.AppendInt(b, int64(d), 10)
		return append(b, "ns"...)
	case d < time.Millisecond:
		b = strconv.AppendFloat(b, float64(d)/1e3, 'f', 1, 64)
		return append(b, "µs"...)
	case d < time.Second:
		b = strconv.AppendFloat(b, float64(d)/1e6, 'f', 2, 64)
		return append(b, "ms"...)
	}
	b = strconv.AppendFloat(b, d.Seconds(), 'f', 3, 64)
	return append(b, 's')
}
