package vtl

import (
	"strconv"
	"strings"

	"wsworkbench/emulator/jsonpath"
)

// ---- AST ----

// stmt is a piece of template output: text, a reference, or a directive.
type stmt interface {
	exec(r *renderer) error
}

// expr is an expression inside a directive, a method argument or an index.
type expr interface {
	eval(r *renderer) (value, error)
}

type textStmt struct {
	pos int
	s   string
}

// refStmt renders a reference. escapes is the number of backslashes
// written before the "$".
type refStmt struct {
	ref     *refExpr
	escapes int
}

type setStmt struct {
	pos    int
	target *refExpr
	val    expr
}

type ifStmt struct {
	conds  []expr
	blocks [][]stmt
	els    []stmt
}

type foreachStmt struct {
	pos  int
	v    *refExpr // the loop variable: a plain $name
	src  expr
	body []stmt
}

type breakStmt struct{ pos int }

// macroDef is a #macro(name $param ...) body #end.
type macroDef struct {
	name   string
	params []*refExpr
	body   []stmt
}

// macroEscStmt is n backslashes before "#name", where name is not a
// directive: if the template defines a macro called name, the backslashes
// escape like they do before a directive (half of them print, an odd one
// makes "#name" text); otherwise they are text. text is "#name" when n is
// odd, else "" (the "#name" that follows is parsed on its own).
type macroEscStmt struct {
	n       int
	name    string
	text    string
	isMacro bool
}

// callStmt is #name(args). def is set after parsing, when every #macro of
// the template is known; a call to no macro renders as written.
type callStmt struct {
	pos  int
	name string
	args []expr
	lit  string
	def  *macroDef
}

type stopStmt struct{ pos int }

type litExpr struct{ v value }

// strExpr is a double-quoted string literal with references or directives
// inside, rendered each time it is evaluated.
type strExpr struct {
	pos  int
	body []stmt
}

type listExpr struct{ items []expr }

type rangeExpr struct {
	pos    int
	lo, hi expr
}

type mapExpr struct{ keys, vals []expr }

type binExpr struct {
	pos  int
	op   binOp
	l, r expr
}

type notExpr struct{ x expr }

type negExpr struct {
	pos int
	x   expr
}

type binOp uint8

const (
	opOr binOp = iota
	opAnd
	opEq
	opNe
	opLt
	opLe
	opGt
	opGe
	opAdd
	opSub
	opMul
	opDiv
	opMod
)

var opNames = [...]string{"||", "&&", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%"}

// rootKind is what the first name of a reference resolves to when the
// template never assigns that name itself.
type rootKind uint8

const (
	rootNone rootKind = iota // an unknown name: always null
	rootInput
	rootUtil
	rootContext
	rootStageVariables
	rootForeach
	rootVelocityCount
	rootVelocityHasNext
)

var builtinRoots = map[string]rootKind{
	"input":           rootInput,
	"util":            rootUtil,
	"context":         rootContext,
	"stageVariables":  rootStageVariables,
	"foreach":         rootForeach,
	"velocityCount":   rootVelocityCount,
	"velocityHasNext": rootVelocityHasNext,
}

// refExpr is a reference such as $a, $a.b, $a.b('x')[0] or ${a.b}.
type refExpr struct {
	pos   int
	lit   string // the reference as written, for Velocity's literal renderings
	name  string
	slot  int // variable slot, or -1 when the template never assigns name
	root  rootKind
	segs  []segment
	quiet bool
}

type segKind uint8

const (
	segProp segKind = iota
	segMethod
	segIndex
)

// segment is one ".name", ".name(args)" or "[index]" after a reference's name.
type segment struct {
	pos   int
	kind  segKind
	name  string
	args  []expr
	index expr
	path  *compiledPath // $input.path / $input.json with a literal path
}

// compiledPath is a JSONPath compiled when the template was parsed.
type compiledPath struct {
	src  string
	path jsonpath.Path
	err  error
}

// ---- parser ----

// maxNesting bounds how deeply directives, expressions and string literals
// may nest, so neither parsing nor rendering can exhaust the stack.
const maxNesting = 100

type parser struct {
	src      string
	pos, end int
	depth    int
	refs     []*refExpr
	assigned map[string]bool
	uses     map[string]bool
	macros   map[string]*macroDef
	calls    *[]*callStmt
	escs     *[]*macroEscStmt
	// speculative is set while tryCall tries to read a macro call that
	// may turn out to be text: errors then are thrown away, so they are
	// not worth the line and column (which cost a scan of the template).
	speculative bool
}

// errSpeculative is the error of a failed speculative parse.
var errSpeculative = &Error{Line: 1, Col: 1, Msg: "not a macro call"}

// stopKind is what ended a statement list.
type stopKind uint8

const (
	stopEOF stopKind = iota
	stopEnd
	stopElse
	stopElseIf
)

type stopInfo struct {
	kind stopKind
	pos  int
	cond expr // for #elseif
}

// builder collects statements and the text run since the last VTL construct.
type builder struct {
	stmts      []stmt
	pending    []byte
	pendingPos int
}

// text adds plain template text that starts at pos.
func (b *builder) text(pos int, s string) {
	if len(b.pending) == 0 {
		b.pendingPos = pos
	}
	b.pending = append(b.pending, s...)
}

func (b *builder) flush() {
	if len(b.pending) > 0 {
		b.stmts = append(b.stmts, &textStmt{pos: b.pendingPos, s: string(b.pending)})
		b.pending = b.pending[:0]
	}
}

// literal adds text that stands for a construct of its own in Velocity's
// lexer (a lone "$", an unknown "#word", a backslash): it ends the current
// text run, which matters for #set's whitespace gobbling.
func (b *builder) literal(pos int, s string) {
	b.flush()
	b.stmts = append(b.stmts, &textStmt{pos: pos, s: s})
}

func (b *builder) add(s stmt) {
	b.flush()
	b.stmts = append(b.stmts, s)
}

// done returns the statements with adjacent text merged.
func (b *builder) done() []stmt {
	b.flush()
	var out []stmt
	var run strings.Builder
	runPos, inRun := 0, false
	for _, s := range b.stmts {
		if t, ok := s.(*textStmt); ok {
			if !inRun {
				runPos, inRun = t.pos, true
			}
			run.WriteString(t.s)
			continue
		}
		if inRun {
			out = append(out, &textStmt{pos: runPos, s: run.String()})
			run.Reset()
			inRun = false
		}
		out = append(out, s)
	}
	if inRun {
		out = append(out, &textStmt{pos: runPos, s: run.String()})
	}
	return out
}

func (p *parser) errAt(pos int, msg string) *Error {
	if p.speculative {
		return errSpeculative
	}
	line, col := lineCol(p.src, pos)
	return &Error{Line: line, Col: col, Msg: msg}
}

// expectPos is where to report a missing token: the next character, or
// just after the last token when only blanks are left.
func (p *parser) expectPos() int {
	if p.pos < p.end {
		return p.pos
	}
	q := p.pos
	for q > 0 && (p.src[q-1] == ' ' || p.src[q-1] == '\t' || p.src[q-1] == '\n' || p.src[q-1] == '\r') {
		q--
	}
	return q
}

func (p *parser) at(s string) bool { return strings.HasPrefix(p.src[p.pos:p.end], s) }

func (p *parser) peek(off int) byte {
	if p.pos+off < p.end {
		return p.src[p.pos+off]
	}
	return 0
}

func (p *parser) enter(pos int) error {
	p.depth++
	if p.depth > maxNesting {
		return p.errAt(pos, "nesting too deep (more than "+strconv.Itoa(maxNesting)+" levels)")
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// parseStmts parses statements up to the end of input or a #end, #else or
// #elseif, which it reports without consuming anything after it.
func (p *parser) parseStmts() ([]stmt, stopInfo, error) {
	var b builder
	for p.pos < p.end {
		c := p.src[p.pos]
		switch c {
		case '$':
			if err := p.dollar(&b, p.pos); err != nil {
				return nil, stopInfo{}, err
			}
		case '#':
			st, stopped, err := p.hash(&b, p.pos)
			if err != nil {
				return nil, stopInfo{}, err
			}
			if stopped {
				return b.done(), st, nil
			}
		case '\\':
			start := p.pos
			n := 0
			for p.pos+n < p.end && p.src[p.pos+n] == '\\' {
				n++
			}
			after := p.pos + n
			if after < p.end && p.src[after] == '$' {
				p.pos = after
				if err := p.dollar(&b, start); err != nil {
					return nil, stopInfo{}, err
				}
				continue
			}
			if after < p.end && p.src[after] == '#' && p.directiveWordAt(after) != "" {
				p.pos = after
				if n%2 == 1 {
					// \#if: an escaped directive renders as text, with half
					// of the other backslashes.
					word := p.directiveWordAt(after)
					b.literal(start, strings.Repeat(`\`, n/2)+p.src[after:after+len(word)])
					p.pos = after + len(word)
					continue
				}
				b.literal(start, strings.Repeat(`\`, n/2))
				st, stopped, err := p.hash(&b, after)
				if err != nil {
					return nil, stopInfo{}, err
				}
				if stopped {
					return b.done(), st, nil
				}
				continue
			}
			if w, name := p.wordAt(after); after < p.end && p.src[after] == '#' && w != "" {
				// Backslashes before "#name": whether they escape depends on
				// whether the template defines a macro of that name, which
				// is known only after parsing.
				e := &macroEscStmt{n: n, name: name}
				if n%2 == 1 {
					e.text = w
					p.pos = after + len(w)
				} else {
					p.pos = after
				}
				b.add(e)
				*p.escs = append(*p.escs, e)
				continue
			}
			b.literal(start, p.src[start:after])
			p.pos = after
		default:
			i := p.pos
			for i < p.end {
				c := p.src[i]
				if c == '$' || c == '#' || c == '\\' {
					break
				}
				i++
			}
			b.text(p.pos, p.src[p.pos:i])
			p.pos = i
		}
	}
	return b.done(), stopInfo{kind: stopEOF, pos: p.end}, nil
}

// dollar handles a "$" at p.pos; start is where its escaping backslashes begin.
func (p *parser) dollar(b *builder, start int) error {
	ref, err := p.parseRef(false)
	if err != nil {
		return err
	}
	if ref == nil {
		// Not a reference: "$" alone, "$!" or "${" without a name.
		b.literal(start, p.src[start:p.pos+1])
		p.pos++
		return nil
	}
	b.add(&refStmt{ref: ref, escapes: ref.pos - start})
	return nil
}

// directiveWords are the names after "#" that Velocity treats as directives.
var directiveWords = map[string]bool{
	"set": true, "if": true, "elseif": true, "else": true, "end": true,
	"foreach": true, "break": true, "stop": true,
	"macro": true, "define": true, "evaluate": true, "parse": true, "include": true,
}

// directiveWordAt returns the directive written at pos ("#if", "#{end}"), or
// "" when pos does not start a known directive.
func (p *parser) directiveWordAt(pos int) string {
	w, name := p.wordAt(pos)
	if w == "" || !directiveWords[name] {
		return ""
	}
	return w
}

// wordAt reads "#word" or "#{word}" at pos and returns the text and the name.
func (p *parser) wordAt(pos int) (text, name string) {
	i := pos + 1
	if i < p.end && p.src[i] == '{' {
		j := i + 1
		if j >= p.end || !(isLetter(p.src[j]) || p.src[j] == '_') {
			return "", ""
		}
		for j < p.end && isDirectiveChar(p.src[j]) {
			j++
		}
		if j >= p.end || p.src[j] != '}' {
			return "", ""
		}
		return p.src[pos : j+1], p.src[i+1 : j]
	}
	if i >= p.end || !(isLetter(p.src[i]) || p.src[i] == '_' || p.src[i] == '@') {
		return "", ""
	}
	j := i
	for j < p.end && isDirectiveChar(p.src[j]) {
		j++
	}
	return p.src[pos:j], p.src[i:j]
}

// eatLineEnd consumes spaces and tabs followed by a newline, as Velocity 1.7
// does after a directive's closing parenthesis, #else and #end.
func (p *parser) eatLineEnd() {
	i := p.pos
	for i < p.end && (p.src[i] == ' ' || p.src[i] == '\t') {
		i++
	}
	if i < p.end && p.src[i] == '\n' {
		p.pos = i + 1
	} else if i < p.end && p.src[i] == '\r' {
		p.pos = i + 1
		if p.pos < p.end && p.src[p.pos] == '\n' {
			p.pos++
		}
	}
}

// hash handles a "#" at pos. It reports stopped=true for #end, #else and
// #elseif, which end the enclosing statement list.
func (p *parser) hash(b *builder, pos int) (stopInfo, bool, error) {
	p.pos = pos
	switch {
	case p.at("##"):
		b.flush()
		for p.pos < p.end && p.src[p.pos] != '\n' && p.src[p.pos] != '\r' {
			p.pos++
		}
		if p.at("\r\n") {
			p.pos += 2
		} else if p.pos < p.end {
			p.pos++
		}
		return stopInfo{}, false, nil
	case p.at("#*"):
		b.flush()
		i := strings.Index(p.src[p.pos+2:p.end], "*#")
		if i < 0 {
			return stopInfo{}, false, p.errAt(pos, "unclosed comment started at "+p.lc(pos))
		}
		p.pos += 2 + i + 2
		return stopInfo{}, false, nil
	case p.at("#[["):
		i := strings.Index(p.src[p.pos+3:p.end], "]]#")
		if i < 0 {
			return stopInfo{}, false, p.errAt(pos, "unclosed #[[ text block started at "+p.lc(pos))
		}
		b.literal(pos, p.src[p.pos+3:p.pos+3+i])
		p.pos += 3 + i + 3
		return stopInfo{}, false, nil
	}
	text, name := p.wordAt(pos)
	if text == "" {
		b.literal(pos, "#")
		p.pos = pos + 1
		return stopInfo{}, false, nil
	}
	if !directiveWords[name] {
		p.pos = pos + len(text)
		if call := p.tryCall(pos, name); call != nil {
			b.add(call)
			return stopInfo{}, false, nil
		}
		b.literal(pos, text)
		return stopInfo{}, false, nil
	}
	p.pos = pos + len(text)
	switch name {
	case "end":
		p.eatLineEnd()
		return stopInfo{kind: stopEnd, pos: pos}, true, nil
	case "else":
		p.eatLineEnd()
		return stopInfo{kind: stopElse, pos: pos}, true, nil
	case "elseif":
		cond, err := p.parenExpr(pos, "#elseif")
		if err != nil {
			return stopInfo{}, false, err
		}
		return stopInfo{kind: stopElseIf, pos: pos, cond: cond}, true, nil
	case "set":
		// Velocity's #set needs "(" after optional spaces; otherwise "#set" is text.
		i := p.pos
		for i < p.end && p.src[i] == ' ' {
			i++
		}
		if i >= p.end || p.src[i] != '(' {
			b.literal(pos, text)
			return stopInfo{}, false, nil
		}
		if isBlank(b.pending) {
			b.pending = b.pending[:0] // #set eats the indentation before it
		}
		s, err := p.parseSet(pos, i)
		if err != nil {
			return stopInfo{}, false, err
		}
		b.add(s)
	case "if":
		s, err := p.parseIf(pos)
		if err != nil {
			return stopInfo{}, false, err
		}
		b.add(s)
	case "foreach":
		s, err := p.parseForeach(pos)
		if err != nil {
			return stopInfo{}, false, err
		}
		b.add(s)
	case "break":
		i := p.pos
		for i < p.end && (p.src[i] == ' ' || p.src[i] == '\t') {
			i++
		}
		if i < p.end && p.src[i] == '(' {
			p.pos = i + 1
			p.skipWS()
			if p.pos < p.end && p.src[p.pos] != ')' {
				if _, err := p.parseExpr(); err != nil {
					return stopInfo{}, false, err
				}
				p.skipWS()
			}
			if p.pos >= p.end || p.src[p.pos] != ')' {
				return stopInfo{}, false, p.errAt(p.expectPos(), "expected ')' to close #break(")
			}
			p.pos++
			p.eatLineEnd()
		}
		b.add(&breakStmt{pos: pos})
	case "stop":
		b.add(&stopStmt{pos: pos})
	case "macro":
		if err := p.parseMacro(pos); err != nil {
			return stopInfo{}, false, err
		}
		b.flush()
	default:
		return stopInfo{}, false, p.errAt(pos, "#"+name+" is not supported in mapping templates")
	}
	return stopInfo{}, false, nil
}

func isBlank(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

func (p *parser) lc(pos int) string {
	if p.speculative {
		return ""
	}
	l, c := lineCol(p.src, pos)
	return strconv.Itoa(l) + ":" + strconv.Itoa(c)
}

// parenExpr parses "( expr )" after a directive name, then eats the rest
// of the line if it is blank.
func (p *parser) parenExpr(dirPos int, dir string) (expr, error) {
	p.skipWS()
	if p.pos >= p.end || p.src[p.pos] != '(' {
		return nil, p.errAt(p.expectPos(), "expected '(' after "+dir)
	}
	p.pos++
	e, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	p.skipWS()
	if p.pos >= p.end || p.src[p.pos] != ')' {
		msg := "expected ')' to close " + dir + " started at " + p.lc(dirPos)
		if p.pos < p.end && p.src[p.pos] == '=' {
			msg += " (compare with ==, not =)"
		}
		return nil, p.errAt(p.expectPos(), msg)
	}
	p.pos++
	p.eatLineEnd()
	return e, nil
}

func (p *parser) parseSet(pos, lparen int) (stmt, error) {
	p.pos = lparen + 1
	p.skipWS()
	if p.pos >= p.end || p.src[p.pos] != '$' {
		return nil, p.errAt(p.expectPos(), "expected a reference such as $name after #set(")
	}
	target, err := p.parseRef(true)
	if err != nil {
		return nil, err
	}
	p.skipWS()
	if p.pos >= p.end || p.src[p.pos] != '=' {
		return nil, p.errAt(p.expectPos(), "expected '=' in #set")
	}
	p.pos++
	val, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	p.skipWS()
	if p.pos >= p.end || p.src[p.pos] != ')' {
		return nil, p.errAt(p.expectPos(), "expected ')' to close #set started at "+p.lc(pos))
	}
	p.pos++
	p.eatLineEnd()
	if len(target.segs) == 0 {
		p.assigned[target.name] = true
	}
	return &setStmt{pos: pos, target: target, val: val}, nil
}

func (p *parser) parseIf(pos int) (stmt, error) {
	if err := p.enter(pos); err != nil {
		return nil, err
	}
	defer p.leave()
	cond, err := p.parenExpr(pos, "#if")
	if err != nil {
		return nil, err
	}
	s := &ifStmt{}
	for {
		body, st, err := p.parseStmts()
		if err != nil {
			return nil, err
		}
		s.conds = append(s.conds, cond)
		s.blocks = append(s.blocks, body)
		switch st.kind {
		case stopEOF:
			return nil, p.errAt(pos, "unclosed #if started at "+p.lc(pos)+": expected #end")
		case stopEnd:
			return s, nil
		case stopElseIf:
			cond = st.cond
			continue
		case stopElse:
			els, st2, err := p.parseStmts()
			if err != nil {
				return nil, err
			}
			switch st2.kind {
			case stopEOF:
				return nil, p.errAt(pos, "unclosed #if started at "+p.lc(pos)+": expected #end")
			case stopElse:
				return nil, p.errAt(st2.pos, "second #else in the #if started at "+p.lc(pos))
			case stopElseIf:
				return nil, p.errAt(st2.pos, "#elseif after #else in the #if started at "+p.lc(pos))
			}
			s.els = els
			if s.els == nil {
				s.els = []stmt{}
			}
			return s, nil
		}
	}
}

func (p *parser) parseForeach(pos int) (stmt, error) {
	if err := p.enter(pos); err != nil {
		return nil, err
	}
	defer p.leave()
	p.skipWS()
	if p.pos >= p.end || p.src[p.pos] != '(' {
		return nil, p.errAt(p.expectPos(), "expected '(' after #foreach")
	}
	p.pos++
	p.skipWS()
	if p.pos >= p.end || p.src[p.pos] != '$' {
		return nil, p.errAt(p.expectPos(), "expected a loop variable such as $item after #foreach(")
	}
	v, err := p.parseRef(true)
	if err != nil {
		return nil, err
	}
	if len(v.segs) > 0 {
		return nil, p.errAt(v.pos, "the #foreach loop variable must be a plain name such as $item")
	}
	p.skipWS()
	if w := p.word(); w != "in" {
		return nil, p.errAt(p.expectPos(), "expected 'in' after the #foreach loop variable")
	}
	p.pos += 2
	src, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	p.skipWS()
	if p.pos >= p.end || p.src[p.pos] != ')' {
		return nil, p.errAt(p.expectPos(), "expected ')' to close #foreach started at "+p.lc(pos))
	}
	p.pos++
	p.eatLineEnd()
	p.assigned[v.name] = true
	body, st, err := p.parseStmts()
	if err != nil {
		return nil, err
	}
	switch st.kind {
	case stopEOF:
		return nil, p.errAt(pos, "unclosed #foreach started at "+p.lc(pos)+": expected #end")
	case stopElse, stopElseIf:
		return nil, p.errAt(st.pos, "#else inside the #foreach started at "+p.lc(pos)+" (no #if is open)")
	}
	return &foreachStmt{pos: pos, v: v, src: src, body: body}, nil
}

// parseMacro parses #macro(name $a $b) body #end and records it.
func (p *parser) parseMacro(pos int) error {
	if err := p.enter(pos); err != nil {
		return err
	}
	defer p.leave()
	p.skipWS()
	if p.pos >= p.end || p.src[p.pos] != '(' {
		return p.errAt(p.expectPos(), "expected '(' after #macro")
	}
	p.pos++
	p.skipWS()
	name := p.word()
	if name == "" || !(isLetter(name[0]) || name[0] == '_') {
		return p.errAt(p.expectPos(), "expected the macro's name after #macro(")
	}
	if directiveWords[name] {
		return p.errAt(p.pos, "#"+name+" is a directive; a macro cannot take its name")
	}
	p.pos += len(name)
	def := &macroDef{name: name}
	for {
		p.skipWS()
		if p.pos < p.end && p.src[p.pos] == ',' {
			p.pos++
			p.skipWS()
		}
		if p.pos < p.end && p.src[p.pos] == ')' {
			p.pos++
			break
		}
		if p.pos >= p.end || p.src[p.pos] != '$' {
			return p.errAt(p.expectPos(), "expected a parameter such as $name or ')' in #macro("+name+")")
		}
		param, err := p.parseRef(true)
		if err != nil {
			return err
		}
		if len(param.segs) > 0 {
			return p.errAt(param.pos, "a macro parameter must be a plain name such as $name")
		}
		p.assigned[param.name] = true
		def.params = append(def.params, param)
	}
	p.eatLineEnd()
	body, st, err := p.parseStmts()
	if err != nil {
		return err
	}
	switch st.kind {
	case stopEOF:
		return p.errAt(pos, "unclosed #macro started at "+p.lc(pos)+": expected #end")
	case stopElse, stopElseIf:
		return p.errAt(st.pos, "#else inside the #macro started at "+p.lc(pos)+" (no #if is open)")
	}
	def.body = body
	p.macros[name] = def
	return nil
}

// tryCall parses "(args)" after an unknown "#name" as a macro call. When
// what follows is not an argument list it returns nil and leaves p.pos
// after the name, and "#name" is plain text.
func (p *parser) tryCall(pos int, name string) *callStmt {
	after := p.pos
	i := p.pos
	for i < p.end && (p.src[i] == ' ' || p.src[i] == '\t') {
		i++
	}
	if i >= p.end || p.src[i] != '(' || name[0] == '@' {
		return nil
	}
	p.pos = i + 1
	call := &callStmt{pos: pos, name: name}
	savedRefs := len(p.refs)
	wasSpeculative := p.speculative
	p.speculative = true
	defer func() { p.speculative = wasSpeculative }()
	for {
		p.skipWS()
		if p.pos < p.end && p.src[p.pos] == ',' {
			p.pos++
			p.skipWS()
		}
		if p.pos < p.end && p.src[p.pos] == ')' {
			p.pos++
			break
		}
		if p.pos >= p.end {
			p.pos, p.refs = after, p.refs[:savedRefs]
			return nil
		}
		a, err := p.parseUnary()
		if err != nil {
			p.pos, p.refs = after, p.refs[:savedRefs]
			return nil
		}
		call.args = append(call.args, a)
	}
	p.eatLineEnd()
	call.lit = p.src[pos:p.pos]
	*p.calls = append(*p.calls, call)
	return call
}

// ---- references ----

func isLetter(c byte) bool        { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool         { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool    { return isLetter(c) || c == '_' }
func isIdentChar(c byte) bool     { return isLetter(c) || isDigit(c) || c == '_' || c == '-' }
func isDirectiveChar(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' || c == '@' }

func (p *parser) ident() string {
	i := p.pos
	for i < p.end && isIdentChar(p.src[i]) {
		i++
	}
	s := p.src[p.pos:i]
	p.pos = i
	return s
}

// parseRef parses a reference at p.pos (a "$"). Outside directives
// (inExpr=false) a "$" that does not start a reference is text, and
// parseRef returns nil without moving; inside an expression it is an error.
func (p *parser) parseRef(inExpr bool) (*refExpr, error) {
	start := p.pos
	i := start + 1
	quiet, formal := false, false
	if i < p.end && p.src[i] == '!' {
		quiet = true
		i++
	}
	if i < p.end && p.src[i] == '{' {
		formal = true
		i++
	}
	if i >= p.end || !isIdentStart(p.src[i]) {
		if inExpr {
			return nil, p.errAt(start, "expected a name after '$'")
		}
		return nil, nil
	}
	if err := p.enter(start); err != nil {
		return nil, err
	}
	defer p.leave()
	p.pos = i
	ref := &refExpr{pos: start, name: p.ident(), slot: -1, quiet: quiet}
	p.uses[ref.name] = true
	for p.pos < p.end {
		c := p.src[p.pos]
		if c == '[' {
			segPos := p.pos
			p.pos++
			idx, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			p.skipWS()
			if p.pos >= p.end || p.src[p.pos] != ']' {
				return nil, p.errAt(p.expectPos(), "expected ']' to close the index started at "+p.lc(segPos))
			}
			p.pos++
			ref.segs = append(ref.segs, segment{pos: segPos, kind: segIndex, index: idx})
			continue
		}
		if c == '.' && p.pos+1 < p.end && isLetter(p.src[p.pos+1]) {
			segPos := p.pos
			p.pos++
			name := p.ident()
			if p.pos < p.end && p.src[p.pos] == '(' {
				args, err := p.parseArgs(segPos, name)
				if err != nil {
					return nil, err
				}
				ref.segs = append(ref.segs, segment{pos: segPos, kind: segMethod, name: name, args: args})
				continue
			}
			ref.segs = append(ref.segs, segment{pos: segPos, kind: segProp, name: name})
			continue
		}
		break
	}
	if formal {
		if p.pos >= p.end || p.src[p.pos] != '}' {
			return nil, p.errAt(p.expectPos(), "expected '}' to close the reference started at "+p.lc(start))
		}
		p.pos++
	}
	ref.lit = p.src[start:p.pos]
	p.compileInputPath(ref)
	p.refs = append(p.refs, ref)
	return ref, nil
}

// compileInputPath compiles the JSONPath of $input.path('...') and
// $input.json('...') once, at parse time, when it is a literal.
func (p *parser) compileInputPath(ref *refExpr) {
	if ref.name != "input" || len(ref.segs) == 0 {
		return
	}
	s := &ref.segs[0]
	if s.kind != segMethod || (s.name != "path" && s.name != "json") || len(s.args) != 1 {
		return
	}
	lit, ok := s.args[0].(*litExpr)
	if !ok || lit.v.k != kString {
		return
	}
	c := &compiledPath{src: lit.v.s}
	c.path, c.err = jsonpath.Compile(lit.v.s)
	s.path = c
}

func (p *parser) parseArgs(segPos int, name string) ([]expr, error) {
	p.pos++ // "("
	p.skipWS()
	if p.pos < p.end && p.src[p.pos] == ')' {
		p.pos++
		return nil, nil
	}
	var args []expr
	for {
		a, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		args = append(args, a)
		p.skipWS()
		if p.pos < p.end && p.src[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.pos < p.end && p.src[p.pos] == ')' {
			p.pos++
			return args, nil
		}
		return nil, p.errAt(p.expectPos(), "expected ',' or ')' in the call to "+name+" started at "+p.lc(segPos))
	}
}

// ---- expressions ----

func (p *parser) skipWS() {
	for p.pos < p.end {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// word returns the letters at p.pos without consuming them.
func (p *parser) word() string {
	i := p.pos
	for i < p.end && (isLetter(p.src[i]) || isDigit(p.src[i]) || p.src[i] == '_') {
		i++
	}
	return p.src[p.pos:i]
}

func (p *parser) parseExpr() (expr, error) {
	if err := p.enter(p.pos); err != nil {
		return nil, err
	}
	defer p.leave()
	return p.parseOr()
}

func (p *parser) parseOr() (expr, error) {
	l, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for {
		p.skipWS()
		pos := p.pos
		switch {
		case p.at("||"):
			p.pos += 2
		case p.word() == "or":
			p.pos += 2
		default:
			return l, nil
		}
		r, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		l = &binExpr{pos: pos, op: opOr, l: l, r: r}
	}
}

func (p *parser) parseAnd() (expr, error) {
	l, err := p.parseEq()
	if err != nil {
		return nil, err
	}
	for {
		p.skipWS()
		pos := p.pos
		switch {
		case p.at("&&"):
			p.pos += 2
		case p.word() == "and":
			p.pos += 3
		default:
			return l, nil
		}
		r, err := p.parseEq()
		if err != nil {
			return nil, err
		}
		l = &binExpr{pos: pos, op: opAnd, l: l, r: r}
	}
}

func (p *parser) parseEq() (expr, error) {
	l, err := p.parseRel()
	if err != nil {
		return nil, err
	}
	for {
		p.skipWS()
		pos := p.pos
		var op binOp
		switch w := p.word(); {
		case p.at("=="):
			op, p.pos = opEq, p.pos+2
		case p.at("!="):
			op, p.pos = opNe, p.pos+2
		case w == "eq":
			op, p.pos = opEq, p.pos+2
		case w == "ne":
			op, p.pos = opNe, p.pos+2
		default:
			return l, nil
		}
		r, err := p.parseRel()
		if err != nil {
			return nil, err
		}
		l = &binExpr{pos: pos, op: op, l: l, r: r}
	}
}

func (p *parser) parseRel() (expr, error) {
	l, err := p.parseAdd()
	if err != nil {
		return nil, err
	}
	for {
		p.skipWS()
		pos := p.pos
		var op binOp
		switch w := p.word(); {
		case p.at("<="):
			op, p.pos = opLe, p.pos+2
		case p.at(">="):
			op, p.pos = opGe, p.pos+2
		case p.at("<"):
			op, p.pos = opLt, p.pos+1
		case p.at(">"):
			op, p.pos = opGt, p.pos+1
		case w == "le":
			op, p.pos = opLe, p.pos+2
		case w == "ge":
			op, p.pos = opGe, p.pos+2
		case w == "lt":
			op, p.pos = opLt, p.pos+2
		case w == "gt":
			op, p.pos = opGt, p.pos+2
		default:
			return l, nil
		}
		r, err := p.parseAdd()
		if err != nil {
			return nil, err
		}
		l = &binExpr{pos: pos, op: op, l: l, r: r}
	}
}

func (p *parser) parseAdd() (expr, error) {
	l, err := p.parseMul()
	if err != nil {
		return nil, err
	}
	for {
		p.skipWS()
		pos := p.pos
		var op binOp
		switch {
		case p.at("+"):
			op = opAdd
		case p.at("-"):
			op = opSub
		default:
			return l, nil
		}
		p.pos++
		r, err := p.parseMul()
		if err != nil {
			return nil, err
		}
		l = &binExpr{pos: pos, op: op, l: l, r: r}
	}
}

func (p *parser) parseMul() (expr, error) {
	l, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for {
		p.skipWS()
		pos := p.pos
		var op binOp
		switch {
		case p.at("*"):
			op = opMul
		case p.at("/"):
			op = opDiv
		case p.at("%"):
			op = opMod
		default:
			return l, nil
		}
		p.pos++
		r, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		l = &binExpr{pos: pos, op: op, l: l, r: r}
	}
}

func (p *parser) parseUnary() (expr, error) {
	p.skipWS()
	pos := p.pos
	if err := p.enter(pos); err != nil {
		return nil, err
	}
	defer p.leave()
	switch {
	case p.at("!") && !p.at("!="):
		p.pos++
		x, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return &notExpr{x: x}, nil
	case p.word() == "not":
		p.pos += 3
		x, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return &notExpr{x: x}, nil
	case p.at("-") && !isDigit(p.peek(1)):
		p.pos++
		x, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return &negExpr{pos: pos, x: x}, nil
	}
	return p.parsePrimary()
}

func (p *parser) parsePrimary() (expr, error) {
	p.skipWS()
	if p.pos >= p.end {
		return nil, p.errAt(p.expectPos(), "expected an expression, found the end of the template")
	}
	pos := p.pos
	c := p.src[p.pos]
	switch {
	case c == '$':
		return p.parseRef(true)
	case c == '\'' || c == '"':
		return p.parseString()
	case isDigit(c) || c == '-' && isDigit(p.peek(1)):
		return p.parseNumber()
	case c == '[':
		return p.parseList()
	case c == '{':
		return p.parseMap()
	case c == '(':
		p.pos++
		e, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		p.skipWS()
		if p.pos >= p.end || p.src[p.pos] != ')' {
			return nil, p.errAt(p.expectPos(), "expected ')' to close the '(' at "+p.lc(pos))
		}
		p.pos++
		return e, nil
	}
	switch w := p.word(); w {
	case "true":
		p.pos += 4
		return &litExpr{v: trueValue}, nil
	case "false":
		p.pos += 5
		return &litExpr{v: falseValue}, nil
	case "null":
		p.pos += 4
		return &litExpr{v: nullValue}, nil
	case "":
		return nil, p.errAt(pos, "unexpected "+strconv.QuoteRune(rune(c))+" where an expression was expected")
	default:
		return nil, p.errAt(pos, "unexpected word "+strconv.Quote(w)+" where an expression was expected (variables start with '$')")
	}
}

func (p *parser) parseNumber() (expr, error) {
	start := p.pos
	i := p.pos
	if p.src[i] == '-' {
		i++
	}
	for i < p.end && isDigit(p.src[i]) {
		i++
	}
	isFloat := false
	if i+1 < p.end && p.src[i] == '.' && isDigit(p.src[i+1]) {
		isFloat = true
		i++
		for i < p.end && isDigit(p.src[i]) {
			i++
		}
	}
	if i < p.end && (p.src[i] == 'e' || p.src[i] == 'E') {
		j := i + 1
		if j < p.end && (p.src[j] == '+' || p.src[j] == '-') {
			j++
		}
		if j < p.end && isDigit(p.src[j]) {
			isFloat = true
			for j < p.end && isDigit(p.src[j]) {
				j++
			}
			i = j
		}
	}
	text := p.src[start:i]
	p.pos = i
	if isFloat {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil && !isRangeErr(err) {
			return nil, p.errAt(start, "bad number "+strconv.Quote(text))
		}
		return &litExpr{v: floatValue(f)}, nil
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		// Java makes a BigInteger of a literal too large for a long.
		return &litExpr{v: value{k: kBigInt, s: strings.TrimLeft(text, "+")}}, nil
	}
	return &litExpr{v: intValue(n)}, nil
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func (p *parser) parseString() (expr, error) {
	start := p.pos
	q := p.src[start]
	i := start + 1
	for {
		if i >= p.end {
			return nil, p.errAt(start, "unclosed string literal started at "+p.lc(start))
		}
		c := p.src[i]
		if c == q {
			break
		}
		if c == '\\' && q == '"' && i+1 < p.end && (p.src[i+1] == '"' || p.src[i+1] == '\\') {
			i += 2
			continue
		}
		i++
	}
	content := p.src[start+1 : i]
	p.pos = i + 1
	if q == '\'' || !strings.ContainsAny(content, "$#") {
		return &litExpr{v: strValue(content)}, nil
	}
	// A double-quoted string with references or directives is a template.
	if err := p.enter(start); err != nil {
		return nil, err
	}
	defer p.leave()
	sub := &parser{src: p.src, pos: start + 1, end: i, depth: p.depth, refs: p.refs, assigned: p.assigned, uses: p.uses, macros: p.macros, calls: p.calls, escs: p.escs, speculative: p.speculative}
	body, st, err := sub.parseStmts()
	p.refs = sub.refs
	if err != nil {
		return nil, err
	}
	if st.kind != stopEOF {
		return nil, p.errAt(st.pos, "#end, #else or #elseif without a matching #if or #foreach")
	}
	// A string whose parts are all text is a constant after all ("#foo").
	if len(body) == 1 {
		if t, ok := body[0].(*textStmt); ok {
			return &litExpr{v: strValue(t.s)}, nil
		}
	}
	if len(body) == 0 {
		return &litExpr{v: strValue("")}, nil
	}
	return &strExpr{pos: start, body: body}, nil
}

func (p *parser) parseList() (expr, error) {
	start := p.pos
	p.pos++
	p.skipWS()
	if p.pos < p.end && p.src[p.pos] == ']' {
		p.pos++
		return &listExpr{}, nil
	}
	first, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	p.skipWS()
	if p.at("..") {
		p.pos += 2
		hi, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		p.skipWS()
		if p.pos >= p.end || p.src[p.pos] != ']' {
			return nil, p.errAt(p.expectPos(), "expected ']' to close the range started at "+p.lc(start))
		}
		p.pos++
		return &rangeExpr{pos: start, lo: first, hi: hi}, nil
	}
	l := &listExpr{items: []expr{first}}
	for {
		p.skipWS()
		if p.pos < p.end && p.src[p.pos] == ']' {
			p.pos++
			return l, nil
		}
		if p.pos >= p.end || p.src[p.pos] != ',' {
			return nil, p.errAt(p.expectPos(), "expected ',' or ']' in the list started at "+p.lc(start))
		}
		p.pos++
		e, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		l.items = append(l.items, e)
	}
}

func (p *parser) parseMap() (expr, error) {
	start := p.pos
	p.pos++
	m := &mapExpr{}
	p.skipWS()
	if p.pos < p.end && p.src[p.pos] == '}' {
		p.pos++
		return m, nil
	}
	for {
		k, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		p.skipWS()
		if p.pos >= p.end || p.src[p.pos] != ':' {
			return nil, p.errAt(p.expectPos(), "expected ':' after a key in the map started at "+p.lc(start))
		}
		p.pos++
		v, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		m.keys = append(m.keys, k)
		m.vals = append(m.vals, v)
		p.skipWS()
		if p.pos < p.end && p.src[p.pos] == '}' {
			p.pos++
			return m, nil
		}
		if p.pos >= p.end || p.src[p.pos] != ',' {
			return nil, p.errAt(p.expectPos(), "expected ',' or '}' in the map started at "+p.lc(start))
		}
		p.pos++
	}
}

// lineCol converts a byte offset into a 1-based line and column; the column
// counts characters, not bytes.
func lineCol(src string, pos int) (line, col int) {
	if pos > len(src) {
		pos = len(src)
	}
	line = 1
	lineStart := 0
	for i := 0; i < pos; i++ {
		if src[i] == '\n' {
			line++
			lineStart = i + 1
		}
	}
	col = 1
	for i := lineStart; i < pos; i++ {
		if src[i]&0xC0 != 0x80 {
			col++
		}
	}
	return line, col
}
