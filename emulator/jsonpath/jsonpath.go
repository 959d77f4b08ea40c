// Package jsonpath translates the JSONPath expressions API Gateway accepts
// (Goessner's JSONPath, as written after $request.body in a selection
// expression and inside $input.path / $input.json in a mapping template) into
// gjson paths, and evaluates them.
//
// The supported grammar is:
//
//	path     = [ "$" ] { segment }        // "$" alone is the whole document
//	segment  = "." name | ".*" | "[" selector "]" | "." "[" selector "]"
//	selector = index | "*" | quoted
//	index    = [ "-" ] digits             // -1 is the last element of an array
//	quoted   = "'" chars "'" | `"` chars `"` // \' \" \\ escape inside quotes
//
// A path that does not start with "$" is relative to the document, so
// "action", "service.do" and "data[0].x" mean "$.action", "$.service.do" and
// "$.data[0].x": that is the form a selection expression hands over after
// "$request.body.".
//
// A dot name runs up to the next "." or "["; it may hold any character but
// whitespace and "]" (quote a member name with spaces: $['a b']). gjson's
// special characters in names are escaped, so "$['a.b']" and "$.a*" name the
// members "a.b" and "a*".
//
// At most one wildcard ("*") is supported, and a negative index may not
// follow it: a JSONPath with several wildcards produces a flat list that a
// gjson path cannot express. Recursive descent (".."), unions (['a','b'] or
// [0,1]), slices ([0:2]), filters ([?(...)]) and script expressions
// ([(...)]) are rejected with an error that names the construct and its
// column.
package jsonpath

import (
	"strconv"
	"strings"
	"unsafe"

	"github.com/tidwall/gjson"
)

// Error is a JSONPath syntax error. Col is the 1-based byte column in the
// path given to Compile.
type Error struct {
	Col int
	Msg string
}

// Error returns "col N: msg".
func (e *Error) Error() string { return "col " + strconv.Itoa(e.Col) + ": " + e.Msg }

// Path is a compiled JSONPath. The zero Path finds nothing. A Path is
// immutable and safe for concurrent use.
type Path struct {
	src    string
	gjson  string
	guards []guard
	plain  bool // gjson is one plain member name: a Doc answers it from its index
}

// guard is a check Get makes before it trusts the gjson path: the gjson
// modifiers that implement "*" and negative indexes also accept values that
// JSONPath would not iterate (a scalar, a missing member, an object for a
// negative index), so the value they apply to must have the right type.
type guard struct {
	prefix    string // gjson path of the value the modifier applies to
	arrayOnly bool   // an array is required; otherwise an array or an object
}

// Compile translates a JSONPath such as "$", "$.a.b", "$.a[0].b", "$['a b']",
// `$["x"]`, "$.a[*].b", "$.*" or "$.a[-1]" into a gjson path. Errors are
// *Error values that say what is wrong and at which column (1-based).
func Compile(path string) (Path, error) {
	segs, err := parse(path)
	if err != nil {
		return Path{}, err
	}
	g, guards, err := translate(segs)
	if err != nil {
		return Path{}, err
	}
	return Path{src: path, gjson: g, guards: guards, plain: len(guards) == 0 && plainKey(g)}, nil
}

// MustCompile is like Compile but panics on an error. It is meant for paths
// written in Go source, never for user input.
func MustCompile(path string) Path {
	p, err := Compile(path)
	if err != nil {
		panic("jsonpath: " + path + ": " + err.Error())
	}
	return p
}

// Translate is Compile's pure string translation, for table tests and the
// select command: it returns the gjson path Get evaluates. For a path with a
// wildcard or a negative index Get additionally checks the type of the value
// the wildcard or index applies to (see the package documentation).
func Translate(path string) (gjsonPath string, err error) {
	p, err := Compile(path)
	if err != nil {
		return "", err
	}
	return p.gjson, nil
}

// Get evaluates p against doc, which must already be valid JSON (callers
// check gjson.Valid once). A path that finds nothing returns a Result whose
// Exists is false. A path with a wildcard returns a JSON array of the values
// found (possibly empty).
//
// What it returns does not share doc's memory (as gjson.GetBytes).
func (p Path) Get(doc []byte) gjson.Result {
	d := Doc{text: unsafe.String(unsafe.SliceData(doc), len(doc))} // not indexed: every lookup goes to gjson
	res := p.GetIn(&d)
	res.Raw, res.Str = strings.Clone(res.Raw), strings.Clone(res.Str)
	return res
}

// GetIn is Get on a parsed document: a path to a top-level member of an
// object is answered from the Doc's index, without scanning the text.
func (p Path) GetIn(d *Doc) gjson.Result {
	if p.plain {
		return d.member(p.gjson)
	}
	if p.gjson == "" {
		return gjson.Result{}
	}
	for _, g := range p.guards {
		r := d.Get(g.prefix)
		if !r.IsArray() && (g.arrayOnly || !r.IsObject()) {
			return gjson.Result{}
		}
	}
	return d.Get(p.gjson)
}

// String returns the original JSONPath.
func (p Path) String() string { return p.src }

// GJSON returns the translated gjson path ("" for the zero Path).
func (p Path) GJSON() string { return p.gjson }

// IsRoot reports whether p is "$", the whole document.
func (p Path) IsRoot() bool { return p.gjson == rootPath }

// rootPath is the gjson path of the whole document.
const rootPath = "@this"

type segKind int

const (
	segMember segKind = iota
	segIndex
	segWildcard
)

// segment is one step of a parsed path.
type segment struct {
	kind  segKind
	name  string // segMember
	index int    // segIndex
	col   int    // 1-based column where the segment starts
}

// parser walks a JSONPath byte by byte.
type parser struct {
	s   string
	pos int
}

func (p *parser) errorf(pos int, msg string) error {
	return &Error{Col: pos + 1, Msg: msg}
}

func parse(path string) ([]segment, error) {
	p := &parser{s: path}
	if path == "" {
		return nil, p.errorf(0, "empty path (use $ for the whole document)")
	}
	var segs []segment
	if path[0] == '$' {
		p.pos = 1
	} else {
		// A relative path: the first segment is a name or a bracket.
		if path[0] == '.' {
			return nil, p.errorf(0, "a relative path cannot start with '.' (write $.name or name)")
		}
		if path[0] != '[' {
			seg, err := p.dotName(0)
			if err != nil {
				return nil, err
			}
			segs = append(segs, seg)
		}
	}
	for p.pos < len(p.s) {
		start := p.pos
		var seg segment
		var err error
		switch c := p.s[p.pos]; c {
		case '.':
			p.pos++
			switch {
			case p.pos >= len(p.s):
				return nil, p.errorf(start, "missing member name after '.'")
			case p.s[p.pos] == '.':
				return nil, p.errorf(start, "recursive descent (..) is not supported")
			case p.s[p.pos] == '[':
				// "$.['a']" is accepted as "$['a']", as Jayway JSONPath does.
				seg, err = p.bracket()
			default:
				seg, err = p.dotName(start)
			}
		case '[':
			seg, err = p.bracket()
		default:
			if start == 1 && p.s[0] == '$' {
				return nil, p.errorf(start, "expected '.' or '[' after '$', found "+quoteByte(c))
			}
			return nil, p.errorf(start, "expected '.' or '[', found "+quoteByte(c))
		}
		if err != nil {
			return nil, err
		}
		segs = append(segs, seg)
	}
	return segs, nil
}

// dotName reads a name after a '.' (or at the start of a relative path);
// segStart is the column of the '.' for the segment.
func (p *parser) dotName(segStart int) (segment, error) {
	start := p.pos
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c == '.' || c == '[' {
			break
		}
		if c == ']' {
			return segment{}, p.errorf(p.pos, "unexpected ']' without '['")
		}
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' {
			return segment{}, p.errorf(p.pos, "whitespace in a member name (quote the name: ['a b'])")
		}
		p.pos++
	}
	name := p.s[start:p.pos]
	switch name {
	case "":
		return segment{}, p.errorf(start, "missing member name")
	case "*":
		return segment{kind: segWildcard, col: segStart + 1}, nil
	}
	return segment{kind: segMember, name: name, col: segStart + 1}, nil
}

// bracket reads "[...]" starting at the '['.
func (p *parser) bracket() (segment, error) {
	open := p.pos
	p.pos++ // '['
	p.skipSpace()
	if p.pos >= len(p.s) {
		return segment{}, p.errorf(open, "unclosed '['")
	}
	var seg segment
	switch c := p.s[p.pos]; {
	case c == '\'' || c == '"':
		name, err := p.quoted()
		if err != nil {
			return segment{}, err
		}
		if name == "" {
			return segment{}, p.errorf(open, "empty member name is not supported")
		}
		seg = segment{kind: segMember, name: name, col: open + 1}
	case c == '*':
		p.pos++
		seg = segment{kind: segWildcard, col: open + 1}
	case c == '-' || (c >= '0' && c <= '9'):
		numStart := p.pos
		if c == '-' {
			p.pos++
		}
		digits := p.pos
		for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
			p.pos++
		}
		if p.pos == digits {
			return segment{}, p.errorf(numStart, "expected digits after '-'")
		}
		n, err := strconv.Atoi(p.s[numStart:p.pos])
		if err != nil || n < -1<<31 || n > 1<<31-1 {
			return segment{}, p.errorf(numStart, "array index out of range")
		}
		seg = segment{kind: segIndex, index: n, col: open + 1}
	case c == '?':
		return segment{}, p.errorf(p.pos, "filter expressions ([?(...)]) are not supported")
	case c == '(':
		return segment{}, p.errorf(p.pos, "script expressions ([(...)]) are not supported")
	case c == ':':
		return segment{}, p.errorf(p.pos, "array slices ([start:end]) are not supported")
	case c == ']':
		return segment{}, p.errorf(open, "empty brackets []")
	default:
		return segment{}, p.errorf(p.pos, "expected an index, '*' or a quoted name in brackets, found "+quoteByte(c))
	}
	p.skipSpace()
	if p.pos >= len(p.s) {
		return segment{}, p.errorf(open, "unclosed '['")
	}
	switch p.s[p.pos] {
	case ']':
		p.pos++
		return seg, nil
	case ',':
		return segment{}, p.errorf(p.pos, "unions ([a,b]) are not supported")
	case ':':
		return segment{}, p.errorf(p.pos, "array slices ([start:end]) are not supported")
	}
	return segment{}, p.errorf(p.pos, "expected ']', found "+quoteByte(p.s[p.pos]))
}

// quoted reads a single- or double-quoted name starting at the quote.
func (p *parser) quoted() (string, error) {
	open := p.pos
	q := p.s[p.pos]
	p.pos++
	var b strings.Builder
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		switch c {
		case q:
			p.pos++
			return b.String(), nil
		case '\\':
			if p.pos+1 >= len(p.s) {
				return "", p.errorf(p.pos, "unfinished escape at end of path")
			}
			switch e := p.s[p.pos+1]; e {
			case '\'', '"', '\\', '/':
				b.WriteByte(e)
			default:
				return "", p.errorf(p.pos, "unknown escape \\"+string(rune(e))+` in a quoted name (use \' \" or \\)`)
			}
			p.pos += 2
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
	return "", p.errorf(open, "unclosed quote "+quoteByte(q))
}

func (p *parser) skipSpace() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t') {
		p.pos++
	}
}

func quoteByte(c byte) string {
	if c < ' ' || c >= 0x7f {
		return strconv.QuoteRune(rune(c))
	}
	return "'" + string(rune(c)) + "'"
}

// translate turns parsed segments into a gjson path and the guards Get needs.
func translate(segs []segment) (string, []guard, error) {
	if len(segs) == 0 {
		return rootPath, nil, nil
	}
	var (
		b        strings.Builder
		guards   []guard
		mapping  bool // after a wildcard: later steps apply to each element
		wildcard int  // column of the wildcard, for errors
	)
	// prefix is the gjson path of everything written so far.
	prefix := func() string {
		if b.Len() == 0 {
			return rootPath
		}
		return b.String()
	}
	// sep writes the separator before a plain key or index.
	sep := func() {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
	}
	pendingMap := false // "|#" still to be written before the next step
	for _, s := range segs {
		switch s.kind {
		case segWildcard:
			if mapping {
				return "", nil, &Error{Col: s.col, Msg: "only one wildcard is supported (the first is at col " + strconv.Itoa(wildcard) + ")"}
			}
			guards = append(guards, guard{prefix: prefix()})
			if b.Len() > 0 {
				b.WriteByte('|')
			}
			b.WriteString("@values")
			mapping, pendingMap, wildcard = true, true, s.col
		case segIndex:
			if s.index < 0 {
				if mapping {
					return "", nil, &Error{Col: s.col, Msg: "a negative index after a wildcard is not supported"}
				}
				guards = append(guards, guard{prefix: prefix(), arrayOnly: true})
				if b.Len() > 0 {
					b.WriteByte('|')
				}
				b.WriteString("@reverse|")
				b.WriteString(strconv.Itoa(-s.index - 1))
				continue
			}
			if pendingMap {
				b.WriteString("|#.")
				pendingMap = false
			} else {
				sep()
			}
			b.WriteString(strconv.Itoa(s.index))
		case segMember:
			if pendingMap {
				b.WriteString("|#.")
				pendingMap = false
			} else {
				sep()
			}
			b.WriteString(gjson.Escape(s.name))
		}
	}
	return b.String(), guards, nil
}
