package jsonpath

import (
	"strconv"
	"unsafe"

	"github.com/tidwall/gjson"
)

// Doc is a JSON text checked once, with the members of a top-level object
// found in the same pass. One message is looked at several times (the
// route selection expression, the request template, the template selection
// expression, MOCK's statusCode), and each gjson lookup would scan it from
// the start; a Doc answers a lookup of a top-level member from what its one
// pass found. Parse fills a Doc; its zero value is unparsed. A Doc does not
// allocate: a caller keeps one per request and parses into it again.
type Doc struct {
	text    string
	parsed  bool
	valid   bool
	indexed bool // an object whose members all fit in members, with plain keys
	n       int
	members [maxMembers]member
}

// maxMembers is how many top-level members a Doc keeps; a bigger object is
// looked up with gjson.
const maxMembers = 16

// member is a top-level member: where its key (without quotes) and value
// lie in the text.
type member struct {
	keyStart, keyEnd int32
	valStart, valEnd int32
	typ              uint8 // a gjson.Type
	escaped          bool  // a string value with escapes: gjson unescapes it
}

// Parse checks text (what gjson.Valid accepts) and indexes the members of a
// top-level object. The Doc refers to text, which must not change.
func (d *Doc) Parse(text string) {
	d.text, d.parsed, d.indexed, d.n = text, true, false, 0 // members past n are not read
	p := docParser{s: text}
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '{' && len(text) < 1<<31 {
		d.valid = p.object(d)
	} else {
		d.valid = p.value()
	}
	p.space()
	d.valid = d.valid && p.i == len(p.s)
	d.indexed = d.indexed && d.valid
}

// Of returns d parsed from text, parsing only when d holds another text
// (or none): a message's Doc is parsed by whichever of its readers comes
// first and shared by the others. Texts are told apart by their memory,
// which cannot be reused for another text while d refers to it.
func (d *Doc) Of(text string) *Doc {
	if !d.parsed || len(d.text) != len(text) || unsafe.StringData(d.text) != unsafe.StringData(text) {
		d.Parse(text)
	}
	return d
}

// Reset empties d, which then no longer keeps its text's memory alive.
func (d *Doc) Reset() { d.text, d.parsed, d.valid, d.indexed, d.n = "", false, false, false, 0 }

// Parsed reports whether Parse has filled d.
func (d *Doc) Parsed() bool { return d.parsed }

// Valid reports whether the text is JSON, as gjson.Valid would.
func (d *Doc) Valid() bool { return d.valid }

// Text returns the text d was parsed from.
func (d *Doc) Text() string { return d.text }

// Get returns what gjson.Get(text, path) returns for a valid document. A
// path that names a top-level member of an indexed object (a plain key:
// letters, digits, "_" and "-") is answered from the index; any other path
// goes to gjson.
func (d *Doc) Get(path string) gjson.Result {
	if !d.indexed || !plainKey(path) {
		return gjson.Get(d.text, path)
	}
	for i := 0; i < d.n; i++ {
		m := &d.members[i]
		if d.text[m.keyStart:m.keyEnd] != path {
			continue
		}
		if m.escaped {
			return gjson.Get(d.text, path) // gjson unescapes the string
		}
		raw := d.text[m.valStart:m.valEnd]
		r := gjson.Result{Type: gjson.Type(m.typ), Raw: raw, Index: int(m.valStart)}
		switch r.Type {
		case gjson.String:
			r.Str = raw[1 : len(raw)-1]
		case gjson.Number:
			r.Num = parseNumber(raw)
		}
		return r
	}
	return gjson.Result{}
}

// parseNumber is the value of a JSON number, as gjson computes it: an
// integer of up to 15 digits directly, anything else with ParseFloat.
func parseNumber(raw string) float64 {
	if len(raw) <= 16 {
		neg := raw[0] == '-'
		digits := raw
		if neg {
			digits = raw[1:]
		}
		var n int64
		plain := len(digits) <= 15
		for i := 0; plain && i < len(digits); i++ {
			c := digits[i]
			if c < '0' || c > '9' {
				plain = false
			}
			n = n*10 + int64(c-'0')
		}
		if plain {
			if neg {
				return -float64(n)
			}
			return float64(n)
		}
	}
	f, _ := strconv.ParseFloat(raw, 64)
	return f
}

// plainKey reports whether a gjson path is one member name that gjson
// matches as written: no path syntax, no wildcard, no escape.
func plainKey(path string) bool {
	if path == "" {
		return false
	}
	for i := 0; i < len(path); i++ {
		c := path[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// docParser checks JSON text from i on.
type docParser struct {
	s string
	i int
}

func (p *docParser) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// object checks the top-level object at i, recording its members in d.
func (p *docParser) object(d *Doc) bool {
	p.i++ // '{'
	d.indexed = true
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return true
	}
	for {
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return false
		}
		keyStart := p.i + 1
		escaped, ok := p.str()
		if !ok {
			return false
		}
		keyEnd := p.i - 1
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return false
		}
		p.i++
		p.space()
		valStart := p.i
		typ, valEscaped, ok := p.typedValue()
		if !ok {
			return false
		}
		if escaped || d.n == maxMembers {
			d.indexed = false
		} else {
			d.members[d.n] = member{int32(keyStart), int32(keyEnd), int32(valStart), int32(p.i), uint8(typ), valEscaped}
			d.n++
		}
		p.space()
		if p.i >= len(p.s) {
			return false
		}
		switch p.s[p.i] {
		case ',':
			p.i++
			p.space()
		case '}':
			p.i++
			return true
		default:
			return false
		}
	}
}

// value checks one JSON value at i.
func (p *docParser) value() bool {
	_, _, ok := p.typedValue()
	return ok
}

// typedValue checks one JSON value at i and returns its gjson type and, for
// a string, whether it has escapes.
func (p *docParser) typedValue() (typ gjson.Type, escaped, ok bool) {
	if p.i >= len(p.s) {
		return 0, false, false
	}
	switch c := p.s[p.i]; {
	case c == '"':
		escaped, ok = p.str()
		return gjson.String, escaped, ok
	case c == '{':
		return gjson.JSON, false, p.container('}')
	case c == '[':
		return gjson.JSON, false, p.container(']')
	case c == '-' || '0' <= c && c <= '9':
		return gjson.Number, false, p.number()
	case c == 't':
		return gjson.True, false, p.literal("true")
	case c == 'f':
		return gjson.False, false, p.literal("false")
	case c == 'n':
		return gjson.Null, false, p.literal("null")
	}
	return 0, false, false
}

// container checks an object or an array at i (below the top level).
func (p *docParser) container(end byte) bool {
	p.i++
	p.space()
	if p.i < len(p.s) && p.s[p.i] == end {
		p.i++
		return true
	}
	for {
		if end == '}' {
			if p.i >= len(p.s) || p.s[p.i] != '"' {
				return false
			}
			if _, ok := p.str(); !ok {
				return false
			}
			p.space()
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return false
			}
			p.i++
			p.space()
		}
		if !p.value() {
			return false
		}
		p.space()
		if p.i >= len(p.s) {
			return false
		}
		switch p.s[p.i] {
		case ',':
			p.i++
			p.space()
		case end:
			p.i++
			return true
		default:
			return false
		}
	}
}

// str checks a string at i (its opening quote) and moves past it.
func (p *docParser) str() (escaped, ok bool) {
	p.i++
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return escaped, true
		case c < ' ':
			return false, false
		case c == '\\':
			escaped = true
			p.i++
			if p.i >= len(p.s) {
				return false, false
			}
			switch p.s[p.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.i++
			case 'u':
				if p.i+4 >= len(p.s) {
					return false, false
				}
				for _, h := range []byte(p.s[p.i+1 : p.i+5]) {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return false, false
					}
				}
				p.i += 5
			default:
				return false, false
			}
		default:
			p.i++
		}
	}
	return false, false
}

// number checks a number at i: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *docParser) number() bool {
	if p.s[p.i] == '-' {
		p.i++
	}
	if p.i >= len(p.s) {
		return false
	}
	if p.s[p.i] == '0' {
		p.i++
	} else if !p.digits() {
		return false
	}
	if p.i < len(p.s) && p.s[p.i] == '.' {
		p.i++
		if !p.digits() {
			return false
		}
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			p.i++
		}
		if !p.digits() {
			return false
		}
	}
	return true
}

// digits moves past one or more digits.
func (p *docParser) digits() bool {
	start := p.i
	for p.i < len(p.s) && '0' <= p.s[p.i] && p.s[p.i] <= '9' {
		p.i++
	}
	return p.i > start
}

func (p *docParser) literal(word string) bool {
	if len(p.s)-p.i < len(word) || p.s[p.i:p.i+len(word)] != word {
		return false
	}
	p.i += len(word)
	return true
}
