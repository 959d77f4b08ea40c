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
		return r.stringMethod(v.s, s, args)
	case kList:
		return r.listMethod(v.ref.(*list), s, args)
	case kMap:
		return r.mapMethod(v.ref.(*vmap), s, args)
	case kGoMap:
		return r.goMapMethod(v, s, args)
	case kInt, kFloat, kBigInt:
		return r.numberMethod(v, s.name, args)
	case kBool:
		switch {
		case s.name == "toString" && len(args) == 0:
			return strValue(strconv.FormatBool(v.b)), nil
		case s.name == "booleanValue" && len(args) == 0:
			return v, nil
		case s.name == "equals" && len(args) == 1:
			return boolValue(javaEquals(v, args[0])), nil
		}
	case kEntry:
		e := v.ref.(*entry)
		switch {
		case s.name == "getKey" && len(args) == 0:
			return strValue(e.key), nil
		case s.name == "getValue" && len(args) == 0:
			return e.val, nil
		case s.name == "setValue" && len(args) == 1:
			old := e.val
			e.val = args[0]
			return old, nil
		case s.name == "toString" && len(args) == 0:
			return strValue(r.toString(v)), nil
		}
	case kLoop:
		l := v.ref.(*loopState)
		switch s.name {
		case "hasNext", "getIndex", "getCount", "isFirst", "isLast", "getFirst", "getLast", "getParent":
			if len(args) == 0 {
				name := strings.TrimPrefix(strings.TrimPrefix(s.name, "get"), "is")
				if name != "hasNext" {
					name = strings.ToLower(name[:1]) + name[1:]
				}
				return loopProperty(l, name), nil
			}
		}
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

func (r *renderer) stringMethod(str string, s *segment, args []value) (value, error) {
	argStr := func(i int) (string, bool) {
		if i >= len(args) || args[i].k != kString {
			return "", false
		}
		return args[i].s, true
	}
	argInt := func(i int) (int, bool) {
		if i >= len(args) {
			return 0, false
		}
		return args[i].asInt()
	}
	outOfRange := func(what string) (value, error) {
		return nullValue, r.errAt(s.pos, "String."+s.name+": "+what+" out of range for a string of length "+strconv.Itoa(javaLen(str)))
	}
	n := len(args)
	switch s.name {
	case "length":
		if n == 0 {
			return intValue(int64(javaLen(str))), nil
		}
	case "isEmpty":
		if n == 0 {
			return boolValue(str == ""), nil
		}
	case "isBlank":
		if n == 0 {
			return boolValue(strings.TrimSpace(str) == ""), nil
		}
	case "toString", "intern":
		if n == 0 {
			return strValue(str), nil
		}
	case "toLowerCase":
		if n == 0 {
			return r.newString(s, strings.ToLower(str))
		}
	case "toUpperCase":
		if n == 0 {
			return r.newString(s, strings.ToUpper(str))
		}
	case "trim":
		if n == 0 {
			return strValue(javaTrim(str)), nil
		}
	case "strip":
		if n == 0 {
			return strValue(strings.TrimSpace(str)), nil
		}
	case "hashCode":
		if n == 0 {
			return intValue(int64(javaHash(str))), nil
		}
	case "equals":
		if n == 1 {
			return boolValue(args[0].k == kString && args[0].s == str), nil
		}
	case "equalsIgnoreCase":
		if n == 1 {
			o, ok := argStr(0)
			return boolValue(ok && strings.EqualFold(o, str)), nil
		}
	case "contains":
		if o, ok := argStr(0); ok && n == 1 {
			return boolValue(strings.Contains(str, o)), nil
		}
	case "startsWith":
		if o, ok := argStr(0); ok {
			if n == 1 {
				return boolValue(strings.HasPrefix(str, o)), nil
			}
			if off, ok := argInt(1); ok && n == 2 {
				if off < 0 || off > javaLen(str) {
					return falseValue, nil
				}
				rest, _ := javaSubstring(str, off, javaLen(str))
				return boolValue(strings.HasPrefix(rest, o)), nil
			}
		}
	case "endsWith":
		if o, ok := argStr(0); ok && n == 1 {
			return boolValue(strings.HasSuffix(str, o)), nil
		}
	case "indexOf":
		if o, ok := argStr(0); ok {
			from := 0
			if n == 2 {
				if from, ok = argInt(1); !ok {
					return nullValue, nil
				}
			} else if n != 1 {
				return nullValue, nil
			}
			return intValue(int64(javaIndexOf(str, o, from))), nil
		}
	case "lastIndexOf":
		if o, ok := argStr(0); ok {
			from := javaLen(str)
			if n == 2 {
				if from, ok = argInt(1); !ok {
					return nullValue, nil
				}
			} else if n != 1 {
				return nullValue, nil
			}
			if from < 0 {
				return intValue(-1), nil
			}
			return intValue(int64(javaLastIndexOf(str, o, from))), nil
		}
	case "charAt":
		if i, ok := argInt(0); ok && n == 1 {
			sub, ok := javaSubstring(str, i, i+1)
			if !ok {
				return outOfRange("index " + strconv.Itoa(i))
			}
			return strValue(sub), nil
		}
	case "substring":
		b, ok := argInt(0)
		if !ok {
			return nullValue, nil
		}
		e := javaLen(str)
		if n == 2 {
			if e, ok = argInt(1); !ok {
				return nullValue, nil
			}
		} else if n != 1 {
			return nullValue, nil
		}
		sub, ok := javaSubstring(str, b, e)
		if !ok {
			return outOfRange("begin " + strconv.Itoa(b) + ", end " + strconv.Itoa(e))
		}
		return strValue(sub), nil
	case "concat":
		if o, ok := argStr(0); ok && n == 1 {
			if err := r.chargeString(s, len(str)+len(o)); err != nil {
				return nullValue, err
			}
			return strValue(str + o), nil
		}
	case "replace":
		if n == 2 && args[0].k == kString && args[1].k == kString {
			if c := strings.Count(str, args[0].s); len(str)+c*(len(args[1].s)-len(args[0].s)) > r.lim.MaxOutput {
				return nullValue, r.errAt(s.pos, "String.replace: result longer than "+strconv.Itoa(r.lim.MaxOutput)+" bytes")
			}
			out := strings.ReplaceAll(str, args[0].s, args[1].s)
			if err := r.charge(s.pos, len(out)); err != nil {
				return nullValue, err
			}
			return strValue(out), nil
		}
	case "replaceAll", "replaceFirst":
		if n == 2 && args[0].k == kString && args[1].k == kString {
			out, err := r.regexReplace(s, str, args[0].s, args[1].s, s.name == "replaceAll")
			if err != nil {
				return nullValue, err
			}
			if err := r.charge(s.pos, len(out)); err != nil {
				return nullValue, err
			}
			return strValue(out), nil
		}
	case "matches":
		if re, ok := argStr(0); ok && n == 1 {
			rx, err := r.t.cache.regexp(re, true)
			if err != nil {
				return nullValue, r.errAt(s.pos, "String.matches: "+err.Error())
			}
			return boolValue(rx.MatchString(str)), nil
		}
	case "split":
		if re, ok := argStr(0); ok {
			limit := 0
			if n == 2 {
				if limit, ok = argInt(1); !ok {
					return nullValue, nil
				}
			} else if n != 1 {
				return nullValue, nil
			}
			parts, err := r.split(s, str, re, limit)
			if err != nil {
				return nullValue, err
			}
			if err := r.charge(s.pos, len(str)+32*len(parts)); err != nil {
				return nullValue, err
			}
			l := &list{items: make([]value, len(parts))}
			for i, p := range parts {
				l.items[i] = strValue(p)
			}
			return listValue(l), nil
		}
	case "compareTo", "compareToIgnoreCase":
		if o, ok := argStr(0); ok && n == 1 {
			a, b := str, o
			if s.name == "compareToIgnoreCase" {
				a, b = strings.ToLower(strings.ToUpper(a)), strings.ToLower(strings.ToUpper(b))
			}
			return intValue(int64(compareUnits(units(a), units(b)))), nil
		}
	case "repeat":
		if c, ok := argInt(0); ok && n == 1 {
			if c < 0 {
				return nullValue, r.errAt(s.pos, "String.repeat: count is negative: "+strconv.Itoa(c))
			}
			if len(str)*c > r.lim.MaxOutput {
				return nullValue, r.errAt(s.pos, "String.repeat: result longer than "+strconv.Itoa(r.lim.MaxOutput)+" bytes")
			}
			if err := r.charge(s.pos, len(str)*c); err != nil {
				return nullValue, err
			}
			return strValue(strings.Repeat(str, c)), nil
		}
	}
	return nullValue, nil
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

func (r *renderer) listMethod(l *list, s *segment, args []value) (value, error) {
	n := len(args)
	index := func(i, size int) error {
		if i < 0 || i >= size {
			return r.errAt(s.pos, "List."+s.name+": index "+strconv.Itoa(i)+" out of bounds for length "+strconv.Itoa(size))
		}
		return nil
	}
	switch s.name {
	case "size":
		if n == 0 {
			return intValue(int64(len(l.items))), nil
		}
	case "isEmpty":
		if n == 0 {
			return boolValue(len(l.items) == 0), nil
		}
	case "get":
		if n == 1 {
			i, ok := args[0].asInt()
			if !ok {
				return nullValue, nil
			}
			if err := index(i, len(l.items)); err != nil {
				return nullValue, err
			}
			return l.items[i], nil
		}
	case "contains":
		if n == 1 {
			return boolValue(indexOf(l.items, args[0]) >= 0), nil
		}
	case "indexOf":
		if n == 1 {
			return intValue(int64(indexOf(l.items, args[0]))), nil
		}
	case "lastIndexOf":
		if n == 1 {
			for i := len(l.items) - 1; i >= 0; i-- {
				if javaEquals(l.items[i], args[0]) {
					return intValue(int64(i)), nil
				}
			}
			return intValue(-1), nil
		}
	case "add":
		if err := r.charge(s.pos, 64); err != nil {
			return nullValue, err
		}
		if n == 1 {
			l.items = append(l.items, args[0])
			return trueValue, nil
		}
		if n == 2 {
			i, ok := args[0].asInt()
			if !ok {
				return nullValue, nil
			}
			if err := index(i, len(l.items)+1); err != nil {
				return nullValue, err
			}
			l.items = append(l.items, nullValue)
			copy(l.items[i+1:], l.items[i:])
			l.items[i] = args[1]
			return nullValue, nil
		}
	case "addAll":
		if n == 1 && args[0].k == kList {
			more := args[0].ref.(*list).items
			if err := r.charge(s.pos, 64*len(more)); err != nil {
				return nullValue, err
			}
			l.items = append(l.items, more...)
			return boolValue(len(more) > 0), nil
		}
	case "set":
		if n == 2 {
			i, ok := args[0].asInt()
			if !ok {
				return nullValue, nil
			}
			if err := index(i, len(l.items)); err != nil {
				return nullValue, err
			}
			old := l.items[i]
			l.items[i] = args[1]
			return old, nil
		}
	case "remove":
		if n == 1 {
			if i, ok := args[0].asInt(); ok {
				if err := index(i, len(l.items)); err != nil {
					return nullValue, err
				}
				old := l.items[i]
				l.items = append(l.items[:i], l.items[i+1:]...)
				return old, nil
			}
			i := indexOf(l.items, args[0])
			if i < 0 {
				return falseValue, nil
			}
			l.items = append(l.items[:i], l.items[i+1:]...)
			return trueValue, nil
		}
	case "clear":
		if n == 0 {
			l.items = l.items[:0]
			return nullValue, nil
		}
	case "subList":
		if n == 2 {
			b, ok1 := args[0].asInt()
			e, ok2 := args[1].asInt()
			if !ok1 || !ok2 {
				return nullValue, nil
			}
			if b < 0 || e > len(l.items) || b > e {
				return nullValue, r.errAt(s.pos, "List.subList: range ["+strconv.Itoa(b)+", "+strconv.Itoa(e)+") out of bounds for length "+strconv.Itoa(len(l.items)))
			}
			return listValue(&list{items: append([]value(nil), l.items[b:e]...), json: l.json}), nil
		}
	case "toString":
		if n == 0 {
			return strValue(r.toString(listValue(l))), nil
		}
	case "equals":
		if n == 1 {
			return boolValue(javaEquals(listValue(l), args[0])), nil
		}
	}
	return nullValue, nil
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

func (r *renderer) mapMethod(m *vmap, s *segment, args []value) (value, error) {
	n := len(args)
	switch s.name {
	case "get":
		if n == 1 {
			v, _ := m.get(r.keyString(args[0]))
			return v, nil
		}
	case "getOrDefault":
		if n == 2 {
			if v, ok := m.get(r.keyString(args[0])); ok {
				return v, nil
			}
			return args[1], nil
		}
	case "containsKey":
		if n == 1 {
			_, ok := m.get(r.keyString(args[0]))
			return boolValue(ok), nil
		}
	case "containsValue":
		if n == 1 {
			return boolValue(indexOf(m.vals, args[0]) >= 0), nil
		}
	case "put":
		if n == 2 {
			k := r.keyString(args[0])
			if err := r.charge(s.pos, len(k)+64); err != nil {
				return nullValue, err
			}
			return m.put(k, args[1]), nil
		}
	case "putAll":
		if n == 1 {
			var src *vmap
			switch args[0].k {
			case kMap:
				src = args[0].ref.(*vmap)
			case kGoMap:
				src = materialize(args[0].ref)
			default:
				return nullValue, nil
			}
			if err := r.charge(s.pos, 64*len(src.keys)); err != nil {
				return nullValue, err
			}
			for i, k := range src.keys {
				m.put(k, src.vals[i])
			}
			return nullValue, nil
		}
	case "remove":
		if n == 1 {
			return m.remove(r.keyString(args[0])), nil
		}
	case "clear":
		if n == 0 {
			m.keys, m.vals, m.index = m.keys[:0], m.vals[:0], nil
			return nullValue, nil
		}
	case "size":
		if n == 0 {
			return intValue(int64(len(m.keys))), nil
		}
	case "isEmpty":
		if n == 0 {
			return boolValue(len(m.keys) == 0), nil
		}
	case "keySet":
		if n == 0 {
			l := &list{items: make([]value, len(m.keys))}
			for i, k := range m.keys {
				l.items[i] = strValue(k)
			}
			return listValue(l), r.charge(s.pos, 64*len(m.keys))
		}
	case "values":
		if n == 0 {
			return listValue(&list{items: append([]value(nil), m.vals...)}), r.charge(s.pos, 64*len(m.keys))
		}
	case "entrySet":
		if n == 0 {
			l := &list{items: make([]value, len(m.keys))}
			for i, k := range m.keys {
				l.items[i] = value{k: kEntry, ref: &entry{key: k, val: m.vals[i]}}
			}
			return listValue(l), r.charge(s.pos, 96*len(m.keys))
		}
	case "toString":
		if n == 0 {
			return strValue(r.toString(mapValue(m))), nil
		}
	case "equals":
		if n == 1 {
			return boolValue(javaEquals(mapValue(m), args[0])), nil
		}
	}
	return nullValue, nil
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
	return r.mapMethod(materialize(v.ref), s, args)
}
