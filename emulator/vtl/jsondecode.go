package vtl

import (
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// jsonDecoder turns JSON text into template values in one pass. The text
// has already been validated (gjson.Valid, or it came out of a gjson
// result), so the decoder only tolerates malformed input: it never panics
// and always moves forward, but what it makes of such input is unspecified.
type jsonDecoder struct {
	s string
	i int
}

// decodeJSON converts a JSON object or array into a map (in document order)
// or a list that prints as JSON.
func (r *renderer) decodeJSON(raw string, pos int) (value, error) {
	if err := r.charge(pos, 2*len(raw)+64); err != nil {
		return nullValue, err
	}
	d := jsonDecoder{s: raw}
	v, ok := d.value(0)
	if !ok {
		return nullValue, r.errAt(pos, "JSON nested deeper than "+strconv.Itoa(maxJSONDepth)+" levels")
	}
	return v, nil
}

func (d *jsonDecoder) ws() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// value decodes the value at d.i; ok is false when it nests too deeply.
func (d *jsonDecoder) value(depth int) (v value, ok bool) {
	d.ws()
	if d.i >= len(d.s) {
		return nullValue, true
	}
	switch d.s[d.i] {
	case '{':
		if depth >= maxJSONDepth {
			return nullValue, false
		}
		d.i++
		m := newMap(4)
		for {
			d.ws()
			if d.i >= len(d.s) {
				return mapValue(m), true
			}
			switch d.s[d.i] {
			case '}':
				d.i++
				return mapValue(m), true
			case ',':
				d.i++
				continue
			}
			k := d.str()
			d.ws()
			if d.i < len(d.s) && d.s[d.i] == ':' {
				d.i++
			}
			x, ok := d.value(depth + 1)
			if !ok {
				return nullValue, false
			}
			m.put(k, x)
		}
	case '[':
		if depth >= maxJSONDepth {
			return nullValue, false
		}
		d.i++
		l := &list{items: make([]value, 0, 4), json: true}
		for {
			d.ws()
			if d.i >= len(d.s) {
				return listValue(l), true
			}
			switch d.s[d.i] {
			case ']':
				d.i++
				return listValue(l), true
			case ',':
				d.i++
				continue
			}
			x, ok := d.value(depth + 1)
			if !ok {
				return nullValue, false
			}
			l.items = append(l.items, x)
		}
	case '"':
		return strValue(d.str()), true
	case 't':
		d.skip(4)
		return trueValue, true
	case 'f':
		d.skip(5)
		return falseValue, true
	case 'n':
		d.skip(4)
		return nullValue, true
	}
	j := d.i
	for j < len(d.s) && strings.IndexByte("+-0123456789.eE", d.s[j]) >= 0 {
		j++
	}
	if j == d.i {
		d.i++ // not JSON: step over it
		return nullValue, true
	}
	raw := d.s[d.i:j]
	d.i = j
	return numberValue(raw), true
}

func (d *jsonDecoder) skip(n int) {
	d.i = min(d.i+n, len(d.s))
}

// str decodes the string at d.i. A string without escapes is a slice of
// the text, so it costs no copy.
func (d *jsonDecoder) str() string {
	if d.s[d.i] != '"' {
		d.i++
		return ""
	}
	start := d.i
	escaped := false
	j := start + 1
	for j < len(d.s) && d.s[j] != '"' {
		if d.s[j] == '\\' {
			escaped = true
			j++
		}
		j++
	}
	if j >= len(d.s) {
		d.i = len(d.s)
		return d.s[min(start+1, len(d.s)):]
	}
	d.i = j + 1
	if !escaped {
		return d.s[start+1 : j]
	}
	return gjson.Parse(d.s[start : j+1]).Str
}

// numberValue turns JSON number text into an integer when it is written as
// one (as json-smart makes an Integer or Long; a larger one keeps its
// digits, like a BigInteger), otherwise a double.
func numberValue(raw string) value {
	if !strings.ContainsAny(raw, ".eE") {
		if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
			return intValue(n)
		}
		return value{k: kBigInt, s: raw}
	}
	f, _ := strconv.ParseFloat(raw, 64)
	return floatValue(f)
}
