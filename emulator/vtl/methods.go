package vtl

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// call invokes a method on v. Like Velocity, a method that does not exist
// for the value, or whose arguments do not fit, yields null; a method that
// fails (an index out of range, a bad regular expression) is an error.
func (r *renderer) call(v value, s *segment, args []value) (value, error) {
	if err := r.pollBig(s.pos, v, args); err != nil {
		return nullValue, err
	}
	switch v.k {
	case kString:
		if m := s.str; m.fits(args) {
			return m.fn(methodCall[string]{r, v.s, s, args})
		}
	case kList:
		if m := s.list; m.fits(args) {
			return m.fn(methodCall[*list]{r, v.ref.(*list), s, args})
		}
	case kMap:
		if m := s.mp; m.fits(args) {
			return m.fn(methodCall[*vmap]{r, v.ref.(*vmap), s, args})
		}
	case kGoMap:
		return r.goMapMethod(v, s, args)
	case kInt, kFloat, kBigInt:
		return r.numberMethod(v, s.name, args)
	case kBool:
		return boolMethod(v, s.name, args), nil
	case kEntry:
		return r.entryMethod(v, s.name, args), nil
	case kLoop:
		return loopMethod(v.ref.(*loopState), s.name, args), nil
	case kObject:
		switch objID(v.i) {
		case objInput:
			return r.inputMethod(s, args)
		case objUtil:
			return r.utilMethod(s, args)
		}
	}
	return nullValue, nil
}

// method is one Java method of a String, List or Map: how many arguments
// it takes and what it does. A call with another number of arguments finds
// no method, which Velocity renders as null.
type method[T any] struct {
	min, max int
	fn       func(c methodCall[T]) (value, error)
}

// anyArgs is a method's max when it takes any number of arguments and
// sorts them out itself.
const anyArgs = 1 << 30

// methodCall is one call of a method on recv: the call's segment (its name
// and position) and its arguments.
type methodCall[T any] struct {
	r    *renderer
	recv T
	s    *segment
	args []value
}

// fits reports whether m, a segment's method (nil when the type has none),
// takes that many arguments.
func (m *method[T]) fits(args []value) bool {
	return m != nil && len(args) >= m.min && len(args) <= m.max
}

// arg returns argument i, or null when there is none.
func (c methodCall[T]) arg(i int) value {
	if i >= len(c.args) {
		return nullValue
	}
	return c.args[i]
}

// str returns argument i when it is a string.
func (c methodCall[T]) str(i int) (string, bool) {
	if v := c.arg(i); v.k == kString {
		return v.s, true
	}
	return "", false
}

// int returns argument i when it is an int.
func (c methodCall[T]) int(i int) (int, bool) { return c.arg(i).asInt() }

// fail reports a failed call (a Java exception), naming typ.method.
func (c methodCall[T]) fail(typ, msg string) (value, error) {
	return nullValue, c.r.errAt(c.s.pos, typ+"."+c.s.name+": "+msg)
}

// ---- booleans, map entries, $foreach ----

func boolMethod(v value, name string, args []value) value {
	switch {
	case name == "toString" && len(args) == 0:
		return strValue(strconv.FormatBool(v.b))
	case name == "booleanValue" && len(args) == 0:
		return v
	case name == "equals" && len(args) == 1:
		return boolValue(javaEquals(v, args[0]))
	}
	return nullValue
}

// entryMethod answers a Map.Entry of entrySet().
func (r *renderer) entryMethod(v value, name string, args []value) value {
	e := v.ref.(*entry)
	switch {
	case name == "getKey" && len(args) == 0:
		return strValue(e.key)
	case name == "getValue" && len(args) == 0:
		return e.val
	case name == "setValue" && len(args) == 1:
		old := e.val
		e.val = args[0]
		return old
	case name == "toString" && len(args) == 0:
		return strValue(r.toString(v))
	}
	return nullValue
}

// loopMethod answers $foreach's getters (hasNext, getIndex, isFirst...).
func loopMethod(l *loopState, name string, args []value) value {
	switch name {
	case "hasNext", "getIndex", "getCount", "isFirst", "isLast", "getFirst", "getLast", "getParent":
		if len(args) == 0 {
			prop := strings.TrimPrefix(strings.TrimPrefix(name, "get"), "is")
			if prop != "hasNext" {
				prop = strings.ToLower(prop[:1]) + prop[1:]
			}
			return loopProperty(l, prop)
		}
	}
	return nullValue
}

// ---- strings ----

// isASCII reports whether s has only ASCII, where Java's UTF-16 indexes and
// Go's byte indexes agree.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// javaLen is String.length(): UTF-16 code units.
func javaLen(s string) int {
	if isASCII(s) {
		return len(s)
	}
	n := 0
	for _, c := range s {
		if c >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// units returns s as UTF-16 code units when it is not ASCII.
func units(s string) []uint16 { return utf16.Encode([]rune(s)) }

func fromUnits(u []uint16) string { return string(utf16.Decode(u)) }

// javaSubstring is String.substring(b, e) with Java's bounds check.
func javaSubstring(s string, b, e int) (string, bool) {
	if isASCII(s) {
		if b < 0 || e > len(s) || b > e {
			return "", false
		}
		return s[b:e], true
	}
	u := units(s)
	if b < 0 || e > len(u) || b > e {
		return "", false
	}
	return fromUnits(u[b:e]), true
}

// javaIndexOf is String.indexOf(sub, from) in UTF-16 units.
func javaIndexOf(s, sub string, from int) int {
	if from < 0 {
		from = 0
	}
	if isASCII(s) {
		if from > len(s) {
			return -1
		}
		i := strings.Index(s[from:], sub)
		if i < 0 {
			return -1
		}
		return i + from
	}
	u, w := units(s), units(sub)
	for i := from; i+len(w) <= len(u); i++ {
		if equalUnits(u[i:i+len(w)], w) {
			return i
		}
	}
	return -1
}

// javaLastIndexOf is String.lastIndexOf(sub, from) in UTF-16 units.
func javaLastIndexOf(s, sub string, from int) int {
	u, w := units(s), units(sub)
	if from > len(u)-len(w) {
		from = len(u) - len(w)
	}
	for i := from; i >= 0; i-- {
		if equalUnits(u[i:i+len(w)], w) {
			return i
		}
	}
	return -1
}

func equalUnits(a, b []uint16) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// javaTrim is String.trim(): it removes characters up to U+0020 at both ends.
func javaTrim(s string) string {
	return strings.TrimFunc(s, func(c rune) bool { return c <= ' ' })
}

// javaHash is String.hashCode().
func javaHash(s string) int32 {
	var h int32
	for _, c := range utf16.Encode([]rune(s)) {
		h = 31*h + int32(c)
	}
	return h
}

// stringMethods are java.lang.String's methods, in UTF-16 units where Java
// counts them.
var stringMethods = map[string]*method[string]{
	"length":              {0, 0, func(c methodCall[string]) (value, error) { return intValue(int64(javaLen(c.recv))), nil }},
	"isEmpty":             {0, 0, func(c methodCall[string]) (value, error) { return boolValue(c.recv == ""), nil }},
	"isBlank":             {0, 0, func(c methodCall[string]) (value, error) { return boolValue(strings.TrimSpace(c.recv) == ""), nil }},
	"toString":            {0, 0, strSelf},
	"intern":              {0, 0, strSelf},
	"toLowerCase":         {0, 0, func(c methodCall[string]) (value, error) { return c.r.newString(c.s, strings.ToLower(c.recv)) }},
	"toUpperCase":         {0, 0, func(c methodCall[string]) (value, error) { return c.r.newString(c.s, strings.ToUpper(c.recv)) }},
	"trim":                {0, 0, func(c methodCall[string]) (value, error) { return strValue(javaTrim(c.recv)), nil }},
	"strip":               {0, 0, func(c methodCall[string]) (value, error) { return strValue(strings.TrimSpace(c.recv)), nil }},
	"hashCode":            {0, 0, func(c methodCall[string]) (value, error) { return intValue(int64(javaHash(c.recv))), nil }},
	"equals":              {1, 1, strEquals},
	"equalsIgnoreCase":    {1, 1, strEqualsIgnoreCase},
	"contains":            {1, 1, strContains},
	"startsWith":          {1, 2, strStartsWith},
	"endsWith":            {1, 1, strEndsWith},
	"indexOf":             {1, 2, strIndexOf},
	"lastIndexOf":         {1, 2, strLastIndexOf},
	"charAt":              {1, 1, strCharAt},
	"substring":           {1, 2, strSubstring},
	"concat":              {1, 1, strConcat},
	"replace":             {2, 2, strReplace},
	"replaceAll":          {2, 2, strReplaceAll},
	"replaceFirst":        {2, 2, strReplaceFirst},
	"matches":             {1, 1, strMatches},
	"split":               {1, 2, strSplit},
	"compareTo":           {1, 1, strCompareTo},
	"compareToIgnoreCase": {1, 1, strCompareTo},
	"repeat":              {1, 1, strRepeat},
}

func strSelf(c methodCall[string]) (value, error) { return strValue(c.recv), nil }

func strEquals(c methodCall[string]) (value, error) {
	o, ok := c.str(0)
	return boolValue(ok && o == c.recv), nil
}

func strEqualsIgnoreCase(c methodCall[string]) (value, error) {
	o, ok := c.str(0)
	return boolValue(ok && strings.EqualFold(o, c.recv)), nil
}

func strContains(c methodCall[string]) (value, error) {
	o, ok := c.str(0)
	if !ok {
		return nullValue, nil
	}
	return boolValue(strings.Contains(c.recv, o)), nil
}

// strStartsWith is startsWith(prefix) and startsWith(prefix, offset).
func strStartsWith(c methodCall[string]) (value, error) {
	o, ok := c.str(0)
	if !ok {
		return nullValue, nil
	}
	if len(c.args) == 1 {
		return boolValue(strings.HasPrefix(c.recv, o)), nil
	}
	off, ok := c.int(1)
	if !ok {
		return nullValue, nil
	}
	if off < 0 || off > javaLen(c.recv) {
		return falseValue, nil
	}
	rest, _ := javaSubstring(c.recv, off, javaLen(c.recv))
	return boolValue(strings.HasPrefix(rest, o)), nil
}

func strEndsWith(c methodCall[string]) (value, error) {
	o, ok := c.str(0)
	if !ok {
		return nullValue, nil
	}
	return boolValue(strings.HasSuffix(c.recv, o)), nil
}

// strIndexOf is indexOf(str) and indexOf(str, from).
func strIndexOf(c methodCall[string]) (value, error) {
	o, ok := c.str(0)
	if !ok {
		return nullValue, nil
	}
	from := 0
	if len(c.args) == 2 {
		if from, ok = c.int(1); !ok {
			return nullValue, nil
		}
	}
	return intValue(int64(javaIndexOf(c.recv, o, from))), nil
}

// strLastIndexOf is lastIndexOf(str) and lastIndexOf(str, from).
func strLastIndexOf(c methodCall[string]) (value, error) {
	o, ok := c.str(0)
	if !ok {
		return nullValue, nil
	}
	from := javaLen(c.recv)
	if len(c.args) == 2 {
		if from, ok = c.int(1); !ok {
			return nullValue, nil
		}
	}
	if from < 0 {
		return intValue(-1), nil
	}
	return intValue(int64(javaLastIndexOf(c.recv, o, from))), nil
}

func strCharAt(c methodCall[string]) (value, error) {
	i, ok := c.int(0)
	if !ok {
		return nullValue, nil
	}
	sub, ok := javaSubstring(c.recv, i, i+1)
	if !ok {
		return strOutOfRange(c, "index "+strconv.Itoa(i))
	}
	return strValue(sub), nil
}

// strSubstring is substring(begin) and substring(begin, end).
func strSubstring(c methodCall[string]) (value, error) {
	b, ok := c.int(0)
	if !ok {
		return nullValue, nil
	}
	e := javaLen(c.recv)
	if len(c.args) == 2 {
		if e, ok = c.int(1); !ok {
			return nullValue, nil
		}
	}
	sub, ok := javaSubstring(c.recv, b, e)
	if !ok {
		return strOutOfRange(c, "begin "+strconv.Itoa(b)+", end "+strconv.Itoa(e))
	}
	return strValue(sub), nil
}

// strOutOfRange is Java's StringIndexOutOfBoundsException.
func strOutOfRange(c methodCall[string], what string) (value, error) {
	return c.fail("String", what+" out of range for a string of length "+strconv.Itoa(javaLen(c.recv)))
}

func strConcat(c methodCall[string]) (value, error) {
	o, ok := c.str(0)
	if !ok {
		return nullValue, nil
	}
	if err := c.r.chargeString(c.s, len(c.recv)+len(o)); err != nil {
		return nullValue, err
	}
	return strValue(c.recv + o), nil
}

// strReplace is replace(target, replacement): every literal occurrence.
func strReplace(c methodCall[string]) (value, error) {
	old, ok1 := c.str(0)
	repl, ok2 := c.str(1)
	if !ok1 || !ok2 {
		return nullValue, nil
	}
	if n := strings.Count(c.recv, old); len(c.recv)+n*(len(repl)-len(old)) > c.r.lim.MaxOutput {
		return c.fail("String", "result longer than "+strconv.Itoa(c.r.lim.MaxOutput)+" bytes")
	}
	out := strings.ReplaceAll(c.recv, old, repl)
	if err := c.r.charge(c.s.pos, len(out)); err != nil {
		return nullValue, err
	}
	return strValue(out), nil
}

func strReplaceAll(c methodCall[string]) (value, error)   { return strRegexReplace(c, true) }
func strReplaceFirst(c methodCall[string]) (value, error) { return strRegexReplace(c, false) }

// strRegexReplace is replaceAll and replaceFirst(regex, replacement).
func strRegexReplace(c methodCall[string], all bool) (value, error) {
	re, ok1 := c.str(0)
	repl, ok2 := c.str(1)
	if !ok1 || !ok2 {
		return nullValue, nil
	}
	out, err := c.r.regexReplace(c.s, c.recv, re, repl, all)
	if err != nil {
		return nullValue, err
	}
	if err := c.r.charge(c.s.pos, len(out)); err != nil {
		return nullValue, err
	}
	return strValue(out), nil
}

func strMatches(c methodCall[string]) (value, error) {
	re, ok := c.str(0)
	if !ok {
		return nullValue, nil
	}
	rx, err := c.r.t.cache.regexp(re, true)
	if err != nil {
		return c.fail("String", err.Error())
	}
	return boolValue(rx.MatchString(c.recv)), nil
}

// strSplit is split(regex) and split(regex, limit).
func strSplit(c methodCall[string]) (value, error) {
	re, ok := c.str(0)
	if !ok {
		return nullValue, nil
	}
	limit := 0
	if len(c.args) == 2 {
		if limit, ok = c.int(1); !ok {
			return nullValue, nil
		}
	}
	parts, err := c.r.split(c.s, c.recv, re, limit)
	if err != nil {
		return nullValue, err
	}
	if err := c.r.charge(c.s.pos, len(c.recv)+32*len(parts)); err != nil {
		return nullValue, err
	}
	l := &list{items: make([]value, len(parts))}
	for i, p := range parts {
		l.items[i] = strValue(p)
	}
	return listValue(l), nil
}

// strCompareTo is compareTo and compareToIgnoreCase.
func strCompareTo(c methodCall[string]) (value, error) {
	o, ok := c.str(0)
	if !ok {
		return nullValue, nil
	}
	a, b := c.recv, o
	if c.s.name == "compareToIgnoreCase" {
		a, b = strings.ToLower(strings.ToUpper(a)), strings.ToLower(strings.ToUpper(b))
	}
	return intValue(int64(compareUnits(units(a), units(b)))), nil
}

func strRepeat(c methodCall[string]) (value, error) {
	n, ok := c.int(0)
	if !ok {
		return nullValue, nil
	}
	if n < 0 {
		return c.fail("String", "count is negative: "+strconv.Itoa(n))
	}
	if len(c.recv)*n > c.r.lim.MaxOutput {
		return c.fail("String", "result longer than "+strconv.Itoa(c.r.lim.MaxOutput)+" bytes")
	}
	if err := c.r.charge(c.s.pos, len(c.recv)*n); err != nil {
		return nullValue, err
	}
	return strValue(strings.Repeat(c.recv, n)), nil
}

// chargeString accounts for a new string of n bytes made by method s, which
// may be no longer than the output limit.
func (r *renderer) chargeString(s *segment, n int) error {
	if n > r.lim.MaxOutput {
		return r.errAt(s.pos, "String."+s.name+": result longer than "+strconv.Itoa(r.lim.MaxOutput)+" bytes")
	}
	return r.charge(s.pos, n)
}

// compareUnits is String.compareTo: the first differing UTF-16 unit, or the
// difference in length.
func compareUnits(a, b []uint16) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return int(a[i]) - int(b[i])
		}
	}
	return len(a) - len(b)
}

// ---- numbers ----

func (r *renderer) numberMethod(v value, name string, args []value) (value, error) {
	n := len(args)
	switch name {
	case "toString":
		if n == 0 {
			return strValue(r.toString(v)), nil
		}
	case "intValue":
		if n == 0 {
			if v.k == kInt {
				return intValue(int64(int32(v.i))), nil
			}
			return intValue(int64(int32(v.asFloat()))), nil
		}
	case "longValue":
		if n == 0 {
			if v.k == kInt {
				return v, nil
			}
			return intValue(int64(v.asFloat())), nil
		}
	case "doubleValue", "floatValue":
		if n == 0 {
			return floatValue(v.asFloat()), nil
		}
	case "equals":
		if n == 1 {
			return boolValue(javaEquals(v, args[0])), nil
		}
	case "compareTo":
		if n == 1 && args[0].isNumber() {
			return intValue(int64(compareNumbers(v, args[0]))), nil
		}
	}
	return nullValue, nil
}

// ---- lists ----

// listMethods are java.util.List's methods.
var listMethods = map[string]*method[*list]{
	"size":        {0, 0, func(c methodCall[*list]) (value, error) { return intValue(int64(len(c.recv.items))), nil }},
	"isEmpty":     {0, 0, func(c methodCall[*list]) (value, error) { return boolValue(len(c.recv.items) == 0), nil }},
	"get":         {1, 1, listGet},
	"contains":    {1, 1, func(c methodCall[*list]) (value, error) { return boolValue(indexOf(c.recv.items, c.arg(0)) >= 0), nil }},
	"indexOf":     {1, 1, func(c methodCall[*list]) (value, error) { return intValue(int64(indexOf(c.recv.items, c.arg(0)))), nil }},
	"lastIndexOf": {1, 1, listLastIndexOf},
	"add":         {0, anyArgs, listAdd},
	"addAll":      {1, 1, listAddAll},
	"set":         {2, 2, listSet},
	"remove":      {1, 1, listRemove},
	"clear":       {0, 0, listClear},
	"subList":     {2, 2, listSubList},
	"toString":    {0, 0, func(c methodCall[*list]) (value, error) { return strValue(c.r.toString(listValue(c.recv))), nil }},
	"equals":      {1, 1, listEquals},
}

func listEquals(c methodCall[*list]) (value, error) {
	return boolValue(javaEquals(listValue(c.recv), c.arg(0))), nil
}

// listIndex checks index i against size, as Java's IndexOutOfBoundsException.
func listIndex(c methodCall[*list], i, size int) error {
	if i < 0 || i >= size {
		_, err := c.fail("List", "index "+strconv.Itoa(i)+" out of bounds for length "+strconv.Itoa(size))
		return err
	}
	return nil
}

func listGet(c methodCall[*list]) (value, error) {
	i, ok := c.int(0)
	if !ok {
		return nullValue, nil
	}
	if err := listIndex(c, i, len(c.recv.items)); err != nil {
		return nullValue, err
	}
	return c.recv.items[i], nil
}

func listLastIndexOf(c methodCall[*list]) (value, error) {
	items := c.recv.items
	for i := len(items) - 1; i >= 0; i-- {
		if javaEquals(items[i], c.arg(0)) {
			return intValue(int64(i)), nil
		}
	}
	return intValue(-1), nil
}

// listAdd is add(x) and add(index, x). It charges for the new item before
// it looks at the arguments.
func listAdd(c methodCall[*list]) (value, error) {
	if err := c.r.charge(c.s.pos, 64); err != nil {
		return nullValue, err
	}
	l := c.recv
	switch len(c.args) {
	case 1:
		l.items = append(l.items, c.arg(0))
		return trueValue, nil
	case 2:
		i, ok := c.int(0)
		if !ok {
			return nullValue, nil
		}
		if err := listIndex(c, i, len(l.items)+1); err != nil {
			return nullValue, err
		}
		l.items = append(l.items, nullValue)
		copy(l.items[i+1:], l.items[i:])
		l.items[i] = c.arg(1)
	}
	return nullValue, nil
}

func listAddAll(c methodCall[*list]) (value, error) {
	if c.arg(0).k != kList {
		return nullValue, nil
	}
	more := c.arg(0).ref.(*list).items
	if err := c.r.charge(c.s.pos, 64*len(more)); err != nil {
		return nullValue, err
	}
	c.recv.items = append(c.recv.items, more...)
	return boolValue(len(more) > 0), nil
}

func listSet(c methodCall[*list]) (value, error) {
	i, ok := c.int(0)
	if !ok {
		return nullValue, nil
	}
	if err := listIndex(c, i, len(c.recv.items)); err != nil {
		return nullValue, err
	}
	old := c.recv.items[i]
	c.recv.items[i] = c.arg(1)
	return old, nil
}

// listRemove is remove(index), which returns the item, and remove(item),
// which says whether it was there.
func listRemove(c methodCall[*list]) (value, error) {
	l := c.recv
	if i, ok := c.int(0); ok {
		if err := listIndex(c, i, len(l.items)); err != nil {
			return nullValue, err
		}
		old := l.items[i]
		l.items = append(l.items[:i], l.items[i+1:]...)
		return old, nil
	}
	i := indexOf(l.items, c.arg(0))
	if i < 0 {
		return falseValue, nil
	}
	l.items = append(l.items[:i], l.items[i+1:]...)
	return trueValue, nil
}

func listClear(c methodCall[*list]) (value, error) {
	c.recv.items = c.recv.items[:0]
	return nullValue, nil
}

func listSubList(c methodCall[*list]) (value, error) {
	b, ok1 := c.int(0)
	e, ok2 := c.int(1)
	if !ok1 || !ok2 {
		return nullValue, nil
	}
	l := c.recv
	if b < 0 || e > len(l.items) || b > e {
		return c.fail("List", "range ["+strconv.Itoa(b)+", "+strconv.Itoa(e)+") out of bounds for length "+strconv.Itoa(len(l.items)))
	}
	return listValue(&list{items: append([]value(nil), l.items[b:e]...), json: l.json}), nil
}

func indexOf(items []value, x value) int {
	for i, it := range items {
		if javaEquals(it, x) {
			return i
		}
	}
	return -1
}

// ---- maps ----

// mapMethods are java.util.Map's methods; keys are strings (a key of
// another type is its toString).
var mapMethods = map[string]*method[*vmap]{
	"get":           {1, 1, mapGet},
	"getOrDefault":  {2, 2, mapGetOrDefault},
	"containsKey":   {1, 1, mapContainsKey},
	"containsValue": {1, 1, func(c methodCall[*vmap]) (value, error) { return boolValue(indexOf(c.recv.vals, c.arg(0)) >= 0), nil }},
	"put":           {2, 2, mapPut},
	"putAll":        {1, 1, mapPutAll},
	"remove":        {1, 1, func(c methodCall[*vmap]) (value, error) { return c.recv.remove(c.r.keyString(c.arg(0))), nil }},
	"clear":         {0, 0, mapClear},
	"size":          {0, 0, func(c methodCall[*vmap]) (value, error) { return intValue(int64(len(c.recv.keys))), nil }},
	"isEmpty":       {0, 0, func(c methodCall[*vmap]) (value, error) { return boolValue(len(c.recv.keys) == 0), nil }},
	"keySet":        {0, 0, mapKeySet},
	"values":        {0, 0, mapValues},
	"entrySet":      {0, 0, mapEntrySet},
	"toString":      {0, 0, func(c methodCall[*vmap]) (value, error) { return strValue(c.r.toString(mapValue(c.recv))), nil }},
	"equals":        {1, 1, mapEquals},
}

func mapEquals(c methodCall[*vmap]) (value, error) {
	return boolValue(javaEquals(mapValue(c.recv), c.arg(0))), nil
}

func mapGet(c methodCall[*vmap]) (value, error) {
	v, _ := c.recv.get(c.r.keyString(c.arg(0)))
	return v, nil
}

func mapGetOrDefault(c methodCall[*vmap]) (value, error) {
	if v, ok := c.recv.get(c.r.keyString(c.arg(0))); ok {
		return v, nil
	}
	return c.arg(1), nil
}

func mapContainsKey(c methodCall[*vmap]) (value, error) {
	_, ok := c.recv.get(c.r.keyString(c.arg(0)))
	return boolValue(ok), nil
}

func mapPut(c methodCall[*vmap]) (value, error) {
	k := c.r.keyString(c.arg(0))
	if err := c.r.charge(c.s.pos, len(k)+64); err != nil {
		return nullValue, err
	}
	return c.recv.put(k, c.arg(1)), nil
}

// mapPutAll copies another map in, $context and $stageVariables too.
func mapPutAll(c methodCall[*vmap]) (value, error) {
	var src *vmap
	switch a := c.arg(0); a.k {
	case kMap:
		src = a.ref.(*vmap)
	case kGoMap:
		src = materialize(a.ref)
	default:
		return nullValue, nil
	}
	if err := c.r.charge(c.s.pos, 64*len(src.keys)); err != nil {
		return nullValue, err
	}
	for i, k := range src.keys {
		c.recv.put(k, src.vals[i])
	}
	return nullValue, nil
}

func mapClear(c methodCall[*vmap]) (value, error) {
	m := c.recv
	m.keys, m.vals, m.index = m.keys[:0], m.vals[:0], nil
	return nullValue, nil
}

func mapKeySet(c methodCall[*vmap]) (value, error) {
	m := c.recv
	l := &list{items: make([]value, len(m.keys))}
	for i, k := range m.keys {
		l.items[i] = strValue(k)
	}
	return listValue(l), c.r.charge(c.s.pos, 64*len(m.keys))
}

func mapValues(c methodCall[*vmap]) (value, error) {
	m := c.recv
	return listValue(&list{items: append([]value(nil), m.vals...)}), c.r.charge(c.s.pos, 64*len(m.keys))
}

func mapEntrySet(c methodCall[*vmap]) (value, error) {
	m := c.recv
	l := &list{items: make([]value, len(m.keys))}
	for i, k := range m.keys {
		l.items[i] = value{k: kEntry, ref: &entry{key: k, val: m.vals[i]}}
	}
	return listValue(l), c.r.charge(c.s.pos, 96*len(m.keys))
}

// goMapMethod answers the read-only methods of $context and
// $stageVariables without copying them; anything else works on a copy.
func (r *renderer) goMapMethod(v value, s *segment, args []value) (value, error) {
	switch {
	case s.name == "get" && len(args) == 1:
		x, _ := goMapGet(v.ref, r.keyString(args[0]))
		return x, nil
	case s.name == "containsKey" && len(args) == 1:
		_, ok := goMapGet(v.ref, r.keyString(args[0]))
		return boolValue(ok), nil
	case s.name == "size" && len(args) == 0:
		return intValue(int64(goMapLen(v.ref))), nil
	case s.name == "isEmpty" && len(args) == 0:
		return boolValue(goMapLen(v.ref) == 0), nil
	}
	if m := s.mp; m.fits(args) {
		return m.fn(methodCall[*vmap]{r, materialize(v.ref), s, args})
	}
	return nullValue, nil
}
