package vtl

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// kind is the type of a template value. The zero value is kNull, which also
// stands for "undefined": Velocity 1.7 makes no difference between a variable
// that was never set and one that holds null.
type kind uint8

const (
	kNull   kind = iota
	kBool        // b
	kInt         // i (Java Integer/Long)
	kFloat       // f (Java Double)
	kBigInt      // s holds the decimal digits of an integer too large for int64
	kString      // s
	kList        // ref is *list
	kMap         // ref is *vmap
	kEntry       // ref is *entry (an element of a map's entrySet)
	kGoMap       // ref is a read-only Go map from Input (map[string]any or map[string]string)
	kObject      // i is an objID: $input, $util and the functions on them
	kLoop        // ref is *loopState ($foreach)
)

// value is a template value. It is passed by value so scalars never allocate.
type value struct {
	k   kind
	b   bool
	i   int64
	f   float64
	s   string
	ref any
}

// list is a Java List. json marks a list that came from a JSON document
// ($input.path, $util.parseJson): API Gateway prints those as JSON text,
// while a list built in the template prints Java-style ("[a, b]").
type list struct {
	items []value
	json  bool
}

// vmap is a Java map with insertion order (a LinkedHashMap). Keys are
// strings; a non-string key is converted with its Java toString. fold makes
// lookups case-insensitive (request headers).
type vmap struct {
	keys  []string
	vals  []value
	index map[string]int // built once the map is large enough to need it
	fold  bool
}

// entry is one element of a map's entrySet().
type entry struct {
	key string
	val value
}

// objID names a built-in object.
type objID int64

const (
	objInput objID = iota + 1
	objUtil
	objFunc // a method named without parentheses ($input.json): prints "{}"
)

var (
	nullValue  = value{}
	trueValue  = value{k: kBool, b: true}
	falseValue = value{k: kBool}
)

func boolValue(b bool) value {
	if b {
		return trueValue
	}
	return falseValue
}

func intValue(i int64) value     { return value{k: kInt, i: i} }
func floatValue(f float64) value { return value{k: kFloat, f: f} }
func strValue(s string) value    { return value{k: kString, s: s} }
func listValue(l *list) value    { return value{k: kList, ref: l} }
func mapValue(m *vmap) value     { return value{k: kMap, ref: m} }

func (v value) isNull() bool   { return v.k == kNull }
func (v value) isNumber() bool { return v.k == kInt || v.k == kFloat || v.k == kBigInt }

// truthy is Velocity 1.7's #if test: null and false are false, every other
// value (an empty string, 0, an empty list) is true.
func (v value) truthy() bool {
	switch v.k {
	case kNull:
		return false
	case kBool:
		return v.b
	}
	return true
}

// asFloat returns a number as float64.
func (v value) asFloat() float64 {
	switch v.k {
	case kInt:
		return float64(v.i)
	case kFloat:
		return v.f
	case kBigInt:
		f, _ := strconv.ParseFloat(v.s, 64)
		return f
	}
	return 0
}

// asInt returns v as an int when it is an integer that fits, the way
// Velocity converts a method argument to a Java int.
func (v value) asInt() (int, bool) {
	if v.k != kInt || v.i > math.MaxInt32 || v.i < math.MinInt32 {
		return 0, false
	}
	return int(v.i), true
}

// ---- maps ----

func newMap(n int) *vmap {
	return &vmap{keys: make([]string, 0, n), vals: make([]value, 0, n)}
}

const mapIndexThreshold = 8

func (m *vmap) find(k string) int {
	if m.fold {
		for i, key := range m.keys {
			if strings.EqualFold(key, k) {
				return i
			}
		}
		return -1
	}
	if m.index != nil {
		if i, ok := m.index[k]; ok {
			return i
		}
		return -1
	}
	for i, key := range m.keys {
		if key == k {
			return i
		}
	}
	return -1
}

func (m *vmap) get(k string) (value, bool) {
	if i := m.find(k); i >= 0 {
		return m.vals[i], true
	}
	return nullValue, false
}

// put sets k to v and returns the previous value (null if none).
func (m *vmap) put(k string, v value) value {
	if i := m.find(k); i >= 0 {
		old := m.vals[i]
		m.vals[i] = v
		return old
	}
	m.keys = append(m.keys, k)
	m.vals = append(m.vals, v)
	if m.index != nil {
		m.index[k] = len(m.keys) - 1
	} else if len(m.keys) > mapIndexThreshold && !m.fold {
		m.index = make(map[string]int, len(m.keys)*2)
		for i, key := range m.keys {
			m.index[key] = i
		}
	}
	return nullValue
}

// remove deletes k and returns its value (null if absent).
func (m *vmap) remove(k string) value {
	i := m.find(k)
	if i < 0 {
		return nullValue
	}
	old := m.vals[i]
	m.keys = append(m.keys[:i], m.keys[i+1:]...)
	m.vals = append(m.vals[:i], m.vals[i+1:]...)
	if m.index != nil {
		m.index = make(map[string]int, len(m.keys)*2)
		for j, key := range m.keys {
			m.index[key] = j
		}
	}
	return old
}

// ---- Go maps from Input ----

// goMapValue wraps a map from Input (Context, StageVariables) as a
// read-only template map.
func goMapValue(m any) value { return value{k: kGoMap, ref: m} }

// goMapGet looks up k in a wrapped Go map.
func goMapGet(m any, k string) (value, bool) {
	switch m := m.(type) {
	case map[string]any:
		x, ok := m[k]
		if !ok {
			return nullValue, false
		}
		return fromGo(x), true
	case map[string]string:
		x, ok := m[k]
		if !ok {
			return nullValue, false
		}
		return strValue(x), true
	}
	return nullValue, false
}

// goMapLen returns the number of entries of a wrapped Go map.
func goMapLen(m any) int {
	switch m := m.(type) {
	case map[string]any:
		return len(m)
	case map[string]string:
		return len(m)
	}
	return 0
}

// materialize copies a wrapped Go map into a template map with its keys
// sorted, so iteration and printing are deterministic.
func materialize(m any) *vmap {
	var keys []string
	switch m := m.(type) {
	case map[string]any:
		keys = make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
	case map[string]string:
		keys = make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := newMap(len(keys))
	for _, k := range keys {
		v, _ := goMapGet(m, k)
		out.put(k, v)
	}
	return out
}

// fromGo converts a Go value from Input.Context into a template value.
func fromGo(x any) value {
	switch x := x.(type) {
	case nil:
		return nullValue
	case string:
		return strValue(x)
	case bool:
		return boolValue(x)
	case int:
		return intValue(int64(x))
	case int32:
		return intValue(int64(x))
	case int64:
		return intValue(x)
	case int8:
		return intValue(int64(x))
	case int16:
		return intValue(int64(x))
	case uint8:
		return intValue(int64(x))
	case uint16:
		return intValue(int64(x))
	case uint32:
		return intValue(int64(x))
	case uint:
		return fromGo(uint64(x))
	case uint64:
		if x > math.MaxInt64 {
			return value{k: kBigInt, s: strconv.FormatUint(x, 10)}
		}
		return intValue(int64(x))
	case float32:
		return floatValue(float64(x))
	case float64:
		return floatValue(x)
	case map[string]any, map[string]string:
		return goMapValue(x)
	case []any:
		l := &list{items: make([]value, len(x))}
		for i, e := range x {
			l.items[i] = fromGo(e)
		}
		return listValue(l)
	case []string:
		l := &list{items: make([]value, len(x))}
		for i, e := range x {
			l.items[i] = strValue(e)
		}
		return listValue(l)
	case interface{ String() string }:
		return strValue(x.String())
	}
	return nullValue
}

// ---- equality ----

// javaEquals is Java's Object.equals between two template values: types
// must match (an Integer never equals a Double), collections compare element
// by element.
func javaEquals(a, b value) bool { return javaEqualsDepth(a, b, 0) }

// maxValueDepth bounds recursion into nested lists and maps, which a
// template can make cyclic ($l.add($l)). Java would overflow its stack.
const maxValueDepth = 100

func javaEqualsDepth(a, b value, depth int) bool {
	if depth > maxValueDepth {
		return false
	}
	if a.k == kGoMap {
		a = mapValue(materialize(a.ref))
	}
	if b.k == kGoMap {
		b = mapValue(materialize(b.ref))
	}
	if a.k != b.k {
		if a.k == kBigInt || b.k == kBigInt {
			return false
		}
		return false
	}
	switch a.k {
	case kNull:
		return true
	case kBool:
		return a.b == b.b
	case kInt:
		return a.i == b.i
	case kFloat:
		return a.f == b.f || (math.IsNaN(a.f) && math.IsNaN(b.f))
	case kBigInt, kString:
		return a.s == b.s
	case kList:
		x, y := a.ref.(*list), b.ref.(*list)
		if x == y {
			return true
		}
		if len(x.items) != len(y.items) {
			return false
		}
		for i := range x.items {
			if !javaEqualsDepth(x.items[i], y.items[i], depth+1) {
				return false
			}
		}
		return true
	case kMap:
		x, y := a.ref.(*vmap), b.ref.(*vmap)
		if x == y {
			return true
		}
		if len(x.keys) != len(y.keys) {
			return false
		}
		for i, k := range x.keys {
			v, ok := y.get(k)
			if !ok || !javaEqualsDepth(x.vals[i], v, depth+1) {
				return false
			}
		}
		return true
	case kEntry:
		x, y := a.ref.(*entry), b.ref.(*entry)
		return x.key == y.key && javaEqualsDepth(x.val, y.val, depth+1)
	case kObject:
		return a.i == b.i
	case kLoop:
		return a.ref == b.ref
	}
	return false
}

// ---- Java number formatting ----

// formatDouble formats f the way Java's Double.toString does: "1.0",
// "0.001", "1.0E7", "1.5E-5", "NaN", "Infinity".
func formatDouble(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	case f == 0:
		if math.Signbit(f) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		start := len(dst)
		dst = strconv.AppendFloat(dst, f, 'f', -1, 64)
		for _, c := range dst[start:] {
			if c == '.' {
				return dst
			}
		}
		return append(dst, ".0"...)
	}
	var tmp [32]byte
	e := strconv.AppendFloat(tmp[:0], f, 'e', -1, 64) // e.g. -1.2345e+07
	mant, exp, _ := strings.Cut(string(e), "e")
	dst = append(dst, mant...)
	if !strings.Contains(mant, ".") {
		dst = append(dst, ".0"...)
	}
	dst = append(dst, 'E')
	if exp[0] == '-' {
		dst = append(dst, '-')
	}
	exp = strings.TrimLeft(exp[1:], "0")
	if exp == "" {
		exp = "0"
	}
	return append(dst, exp...)
}

// ---- printing ----

// appendJava appends the Java toString of v. top is true for a value
// rendered directly into the output, where API Gateway prints null as
// nothing; inside a collection null prints as "null".
func appendJava(dst []byte, v value, top bool, limit int) []byte {
	return appendJavaDepth(dst, v, top, limit, 0)
}

// cycleText stands for a collection nested deeper than maxValueDepth, as
// Java prints a collection that contains itself.
const cycleText = "(this Collection)"

func appendJavaDepth(dst []byte, v value, top bool, limit, depth int) []byte {
	if len(dst) > limit {
		return dst
	}
	if depth > maxValueDepth {
		return append(dst, cycleText...)
	}
	switch v.k {
	case kNull:
		if top {
			return dst
		}
		return append(dst, "null"...)
	case kBool:
		return strconv.AppendBool(dst, v.b)
	case kInt:
		return strconv.AppendInt(dst, v.i, 10)
	case kFloat:
		return formatDouble(dst, v.f)
	case kBigInt, kString:
		return append(dst, v.s...)
	case kList:
		l := v.ref.(*list)
		if l.json {
			return appendJSONDepth(dst, v, limit, depth)
		}
		dst = append(dst, '[')
		for i, e := range l.items {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			if e.k == kList && e.ref == any(l) {
				dst = append(dst, cycleText...)
				continue
			}
			dst = appendJavaDepth(dst, e, false, limit, depth+1)
			if len(dst) > limit {
				return dst
			}
		}
		return append(dst, ']')
	case kMap:
		m := v.ref.(*vmap)
		dst = append(dst, '{')
		for i, k := range m.keys {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = append(dst, k...)
			dst = append(dst, '=')
			if m.vals[i].k == kMap && m.vals[i].ref == any(m) {
				dst = append(dst, "(this Map)"...)
				continue
			}
			dst = appendJavaDepth(dst, m.vals[i], false, limit, depth+1)
			if len(dst) > limit {
				return dst
			}
		}
		return append(dst, '}')
	case kGoMap:
		return appendJavaDepth(dst, mapValue(materialize(v.ref)), top, limit, depth)
	case kEntry:
		e := v.ref.(*entry)
		dst = append(dst, e.key...)
		dst = append(dst, '=')
		return appendJavaDepth(dst, e.val, false, limit, depth+1)
	case kObject, kLoop:
		return append(dst, "{}"...)
	}
	return dst
}

// appendJSON appends v as compact JSON text.
func appendJSON(dst []byte, v value, limit int) []byte { return appendJSONDepth(dst, v, limit, 0) }

func appendJSONDepth(dst []byte, v value, limit, depth int) []byte {
	if len(dst) > limit {
		return dst
	}
	if depth > maxValueDepth {
		return append(dst, "null"...)
	}
	switch v.k {
	case kNull:
		return append(dst, "null"...)
	case kBool:
		return strconv.AppendBool(dst, v.b)
	case kInt:
		return strconv.AppendInt(dst, v.i, 10)
	case kFloat:
		if math.IsNaN(v.f) || math.IsInf(v.f, 0) {
			return append(dst, "null"...)
		}
		return formatDouble(dst, v.f)
	case kBigInt:
		return append(dst, v.s...)
	case kString:
		return appendJSONString(dst, v.s)
	case kList:
		dst = append(dst, '[')
		for i, e := range v.ref.(*list).items {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONDepth(dst, e, limit, depth+1)
			if len(dst) > limit {
				return dst
			}
		}
		return append(dst, ']')
	case kMap:
		m := v.ref.(*vmap)
		dst = append(dst, '{')
		for i, k := range m.keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, k)
			dst = append(dst, ':')
			dst = appendJSONDepth(dst, m.vals[i], limit, depth+1)
			if len(dst) > limit {
				return dst
			}
		}
		return append(dst, '}')
	case kGoMap:
		return appendJSONDepth(dst, mapValue(materialize(v.ref)), limit, depth)
	case kEntry:
		e := v.ref.(*entry)
		m := &vmap{keys: []string{e.key}, vals: []value{e.val}}
		return appendJSONDepth(dst, mapValue(m), limit, depth+1)
	}
	return append(dst, "{}"...)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string literal.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, s[start:i]...)
				dst = append(dst, `\ufffd`...)
				i += size
				start = i
				continue
			}
			i += size
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"':
			dst = append(dst, `\"`...)
		case '\\':
			dst = append(dst, `\\`...)
		case '\n':
			dst = append(dst, `\n`...)
		case '\r':
			dst = append(dst, `\r`...)
		case '\t':
			dst = append(dst, `\t`...)
		case '\b':
			dst = append(dst, `\b`...)
		case '\f':
			dst = append(dst, `\f`...)
		default:
			dst = append(dst, `\u00`...)
			dst = append(dst, hexDigits[c>>4], hexDigits[c&0xf])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
