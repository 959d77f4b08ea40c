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
	i := space(text, 0)
	if i < len(text) && text[i] == '{' && len(text) < 1<<31 {
		i = container(text, i, '}', d)
	} else {
		i, _, _ = value(text, i)
	}
	d.valid = i >= 0 && space(text, i) == len(text)
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
	if !plainKey(path) {
		return gjson.Get(d.text, path)
	}
	return d.member(path)
}

// member is Get for a plain key (a Path knows it is one from its Compile).
func (d *Doc) member(key string) gjson.Result {
	if !d.indexed {
		return gjson.Get(d.text, key)
	}
	m := d.find(key)
	switch {
	case m == nil:
		return gjson.Result{}
	case m.escaped:
		return gjson.Get(d.text, key) // gjson unescapes the string
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

// find returns the member of an indexed object named key, or nil.
func (d *Doc) find(key string) *member {
	for i := 0; i < d.n; i++ {
		m := &d.members[i]
		if int(m.keyEnd-m.keyStart) == len(key) && d.text[m.keyStart:m.keyEnd] == key {
			return m
		}
	}
	return nil
}

// ScalarIn looks p up in d through d's index, without building a
// gjson.Result: the value's type and text (a string's without its quotes,
// a number as written; a missing member is Null with no text, a null
// member Null with its text "null"). It reports
// false when it cannot tell: p is not a plain member name, d is no indexed
// object, or the value is an object, an array or a string with escapes
// (GetIn tells then).
func (p *Path) ScalarIn(d *Doc) (typ gjson.Type, text string, ok bool) {
	if !p.plain || !d.indexed {
		return 0, "", false
	}
	m := d.find(p.gjson)
	if m == nil {
		return gjson.Null, "", true
	}
	typ, text = gjson.Type(m.typ), d.text[m.valStart:m.valEnd]
	switch {
	case typ == gjson.JSON || typ == gjson.String && m.escaped:
		return 0, "", false
	case typ == gjson.String:
		text = text[1 : len(text)-1]
	}
	return typ, text, true
}

// StringIn returns the text a selection expression makes of p's value in
// d (selection.Stringify of p.GetIn(d)) when ScalarIn can tell the value:
// a string's text, a number as written, "true", "false", or "" for null
// and missing. Route and template selection call it for every message;
// building a gjson.Result for them cost more than the lookup.
func (p *Path) StringIn(d *Doc) (string, bool) {
	typ, text, ok := p.ScalarIn(d)
	switch typ {
	case gjson.True:
		return "true", ok
	case gjson.False:
		return "false", ok
	case gjson.Null:
		return "", ok
	}
	return text, ok
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

// The scanners below check JSON text from index i on and return the index
// after what they read, or -1 when the text is not JSON there. They take
// and return the text and the index as values, which the compiler keeps in
// registers.

// space skips JSON whitespace. Most calls find none, and every
// whitespace byte is at most ' ', so one comparison ends them.
func space(s string, i int) int {
	for i < len(s) && s[i] <= ' ' && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// value checks one JSON value at i and returns its gjson type and, for a
// string, whether it has escapes.
func value(s string, i int) (next int, typ gjson.Type, escaped bool) {
	if i >= len(s) {
		return -1, 0, false
	}
	switch c := s[i]; {
	case c == '"':
		i, escaped = str(s, i)
		return i, gjson.String, escaped
	case c == '{':
		return container(s, i, '}', nil), gjson.JSON, false
	case c == '[':
		return container(s, i, ']', nil), gjson.JSON, false
	case c == '-' || '0' <= c && c <= '9':
		return number(s, i), gjson.Number, false
	case c == 't':
		return literal(s, i, "true"), gjson.True, false
	case c == 'f':
		return literal(s, i, "false"), gjson.False, false
	case c == 'n':
		return literal(s, i, "null"), gjson.Null, false
	}
	return -1, 0, false
}

// container checks an object or an array at i. For the top-level object,
// d is the Doc its members are recorded in; below it d is nil.
func container(s string, i int, end byte, d *Doc) int {
	if d != nil {
		d.indexed = true
	}
	i = space(s, i+1)
	if i < len(s) && s[i] == end {
		return i + 1
	}
	for {
		keyStart, keyEnd, keyEscaped := 0, 0, false
		if end == '}' {
			if i >= len(s) || s[i] != '"' {
				return -1
			}
			keyStart = i + 1
			if i, keyEscaped = str(s, i); i < 0 {
				return -1
			}
			keyEnd = i - 1
			i = space(s, i)
			if i >= len(s) || s[i] != ':' {
				return -1
			}
			i = space(s, i+1)
		}
		valStart := i
		var typ gjson.Type
		var valEscaped bool
		if i, typ, valEscaped = value(s, i); i < 0 {
			return -1
		}
		if d != nil {
			d.record(keyStart, keyEnd, keyEscaped, valStart, i, typ, valEscaped)
		}
		i = space(s, i)
		if i >= len(s) {
			return -1
		}
		switch s[i] {
		case ',':
			i = space(s, i+1)
		case end:
			return i + 1
		default:
			return -1
		}
	}
}

// record adds a member of the top-level object to d's index; a key with
// escapes (gjson matches its unescaped text) or one member too many leaves
// the object to gjson.
func (d *Doc) record(keyStart, keyEnd int, keyEscaped bool, valStart, valEnd int, typ gjson.Type, valEscaped bool) {
	if keyEscaped || d.n == maxMembers {
		d.indexed = false
		return
	}
	m := &d.members[d.n]
	m.keyStart, m.keyEnd, m.valStart, m.valEnd = int32(keyStart), int32(keyEnd), int32(valStart), int32(valEnd)
	m.typ, m.escaped = uint8(typ), valEscaped
	d.n++
}

// plainByte says which bytes a string takes as they are: all but the
// quote, the backslash and control characters.
var plainByte = func() (t [256]bool) {
	for c := range t {
		t[c] = c >= ' ' && c != '"' && c != '\\'
	}
	return t
}()

// str checks a string at i (its opening quote).
func str(s string, i int) (next int, escaped bool) {
	for i++; i < len(s); {
		c := s[i]
		if plainByte[c] { // the common case: one load and one test a byte
			i++
			continue
		}
		switch {
		case c == '"':
			return i + 1, escaped
		case c < ' ':
			return -1, false
		case c == '\\':
			escaped = true
			if i+1 >= len(s) {
				return -1, false
			}
			switch s[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+5 >= len(s) {
					return -1, false
				}
				for _, h := range []byte(s[i+2 : i+6]) {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return -1, false
					}
				}
				i += 6
			default:
				return -1, false
			}
		default:
			i++
		}
	}
	return -1, false
}

// number checks a number at i: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func number(s string, i int) int {
	if s[i] == '-' {
		i++
	}
	switch {
	case i >= len(s):
		return -1
	case s[i] == '0':
		i++
	default:
		if i = digits(s, i); i < 0 {
			return -1
		}
	}
	if i < len(s) && s[i] == '.' {
		if i = digits(s, i+1); i < 0 {
			return -1
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i = digits(s, i); i < 0 {
			return -1
		}
	}
	return i
}

// digits checks one or more digits at i.
func digits(s string, i int) int {
	start := i
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	if i == start {
		return -1
	}
	return i
}

func literal(s string, i int, word string) int {
	if len(s)-i < len(word) || s[i:i+len(word)] != word {
		return -1
	}
	return i + len(word)
}
