package vtl

import (
	"strconv"
	"strings"
)

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
// addParsed adds s when a parse step produced it without an error.
func (b *builder) addParsed(s stmt, err error) error {
	if err != nil {
		return err
	}
	b.add(s)
	return nil
}

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

// eat skips white space and consumes c when it comes next, reporting whether
// it did.
func (p *parser) eat(c byte) bool {
	p.skipWS()
	if p.pos < p.end && p.src[p.pos] == c {
		p.pos++
		return true
	}
	return false
}

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
		var st stopInfo
		var stopped bool
		var err error
		switch p.src[p.pos] {
		case '$':
			err = p.dollar(&b, p.pos)
		case '#':
			st, stopped, err = p.hash(&b, p.pos)
		case '\\':
			st, stopped, err = p.backslashes(&b)
		default:
			p.plainText(&b)
		}
		if err != nil {
			return nil, stopInfo{}, err
		}
		if stopped {
			return b.done(), st, nil
		}
	}
	return b.done(), stopInfo{kind: stopEOF, pos: p.end}, nil
}

// plainText adds the text up to the next "$", "#" or backslash.
func (p *parser) plainText(b *builder) {
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

// backslashes handles a run of backslashes at p.pos: before "$" or a
// directive they are escapes, before "#name" it depends on the macros, and
// anywhere else they are text.
func (p *parser) backslashes(b *builder) (stopInfo, bool, error) {
	start := p.pos
	n := 0
	for p.pos+n < p.end && p.src[p.pos+n] == '\\' {
		n++
	}
	after := p.pos + n
	if after < p.end && p.src[after] == '$' {
		p.pos = after
		return stopInfo{}, false, p.dollar(b, start)
	}
	if after < p.end && p.src[after] == '#' && p.directiveWordAt(after) != "" {
		return p.escapedDirective(b, start, after, n)
	}
	if w, name := p.wordAt(after); after < p.end && p.src[after] == '#' && w != "" {
		p.escapedMacroCall(b, after, n, w, name)
		return stopInfo{}, false, nil
	}
	b.literal(start, p.src[start:after])
	p.pos = after
	return stopInfo{}, false, nil
}

// escapedDirective handles n backslashes at start before the directive at
// after: an odd number escapes it (\#if renders as text, with half of the
// other backslashes); an even number prints half of them and runs it.
func (p *parser) escapedDirective(b *builder, start, after, n int) (stopInfo, bool, error) {
	p.pos = after
	if n%2 == 1 {
		word := p.directiveWordAt(after)
		b.literal(start, strings.Repeat(`\`, n/2)+p.src[after:after+len(word)])
		p.pos = after + len(word)
		return stopInfo{}, false, nil
	}
	b.literal(start, strings.Repeat(`\`, n/2))
	return p.hash(b, after)
}

// escapedMacroCall handles n backslashes before "#name" (w as written):
// whether they escape depends on whether the template defines a macro of
// that name, which is known only after parsing.
func (p *parser) escapedMacroCall(b *builder, after, n int, w, name string) {
	e := &macroEscStmt{n: n, name: name}
	if n%2 == 1 {
		e.text = w
		p.pos = after + len(w)
	} else {
		p.pos = after
	}
	b.add(e)
	*p.escs = append(*p.escs, e)
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
		p.lineComment()
		return stopInfo{}, false, nil
	case p.at("#*"):
		b.flush()
		return stopInfo{}, false, p.blockComment(pos)
	case p.at("#[["):
		return stopInfo{}, false, p.rawBlock(b, pos)
	}
	text, name := p.wordAt(pos)
	switch {
	case text == "":
		b.literal(pos, "#")
		p.pos = pos + 1
	case !directiveWords[name]:
		p.pos = pos + len(text)
		p.macroCall(b, pos, text, name)
	default:
		p.pos = pos + len(text)
		return p.directive(b, pos, text, name)
	}
	return stopInfo{}, false, nil
}

// lineComment skips "## ..." and its line end.
func (p *parser) lineComment() {
	for p.pos < p.end && p.src[p.pos] != '\n' && p.src[p.pos] != '\r' {
		p.pos++
	}
	if p.at("\r\n") {
		p.pos += 2
	} else if p.pos < p.end {
		p.pos++
	}
}

// blockComment skips "#* ... *#" started at pos.
func (p *parser) blockComment(pos int) error {
	i := strings.Index(p.src[p.pos+2:p.end], "*#")
	if i < 0 {
		return p.errAt(pos, "unclosed comment started at "+p.lc(pos))
	}
	p.pos += 2 + i + 2
	return nil
}

// rawBlock adds the text of "#[[ ... ]]#" started at pos, unparsed.
func (p *parser) rawBlock(b *builder, pos int) error {
	i := strings.Index(p.src[p.pos+3:p.end], "]]#")
	if i < 0 {
		return p.errAt(pos, "unclosed #[[ text block started at "+p.lc(pos))
	}
	b.literal(pos, p.src[p.pos+3:p.pos+3+i])
	p.pos += 3 + i + 3
	return nil
}

// macroCall adds "#name(...)", a call of a macro, or the text "#name"
// when no call follows.
func (p *parser) macroCall(b *builder, pos int, text, name string) {
	if call := p.tryCall(pos, name); call != nil {
		b.add(call)
		return
	}
	b.literal(pos, text)
}

// directive parses the directive name, written as text at pos; p.pos is
// just after the name. #end, #else and #elseif stop the statement list.
func (p *parser) directive(b *builder, pos int, text, name string) (stopInfo, bool, error) {
	var err error
	switch name {
	case "end", "else", "elseif":
		return p.stopDirective(pos, name)
	case "set":
		err = p.setDirective(b, pos, text)
	case "if":
		err = b.addParsed(p.parseIf(pos))
	case "foreach":
		err = b.addParsed(p.parseForeach(pos))
	case "break":
		err = p.breakDirective(b, pos)
	case "stop":
		b.add(&stopStmt{pos: pos})
	case "macro":
		if err = p.parseMacro(pos); err == nil {
			b.flush()
		}
	default:
		err = p.errAt(pos, "#"+name+" is not supported in mapping templates")
	}
	return stopInfo{}, false, err
}

// stopDirective reports #end, #else or #elseif(cond) at pos.
func (p *parser) stopDirective(pos int, name string) (stopInfo, bool, error) {
	switch name {
	case "end":
		p.eatLineEnd()
		return stopInfo{kind: stopEnd, pos: pos}, true, nil
	case "else":
		p.eatLineEnd()
		return stopInfo{kind: stopElse, pos: pos}, true, nil
	}
	cond, err := p.parenExpr(pos, "#elseif")
	if err != nil {
		return stopInfo{}, false, err
	}
	return stopInfo{kind: stopElseIf, pos: pos, cond: cond}, true, nil
}

// setDirective adds #set(...). Velocity's #set needs "(" after optional
// spaces; otherwise "#set" is text.
func (p *parser) setDirective(b *builder, pos int, text string) error {
	i := p.pos
	for i < p.end && p.src[i] == ' ' {
		i++
	}
	if i >= p.end || p.src[i] != '(' {
		b.literal(pos, text)
		return nil
	}
	if isBlank(b.pending) {
		b.pending = b.pending[:0] // #set eats the indentation before it
	}
	return b.addParsed(p.parseSet(pos, i))
}

// breakDirective adds #break, which may have an argument, #break($foreach),
// that is parsed and ignored.
func (p *parser) breakDirective(b *builder, pos int) error {
	i := p.pos
	for i < p.end && (p.src[i] == ' ' || p.src[i] == '\t') {
		i++
	}
	if i < p.end && p.src[i] == '(' {
		p.pos = i + 1
		p.skipWS()
		if p.pos < p.end && p.src[p.pos] != ')' {
			if _, err := p.parseExpr(); err != nil {
				return err
			}
		}
		if !p.eat(')') {
			return p.errAt(p.expectPos(), "expected ')' to close #break(")
		}
		p.eatLineEnd()
	}
	b.add(&breakStmt{pos: pos})
	return nil
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
	if !p.eat('(') {
		return nil, p.errAt(p.expectPos(), "expected '(' after "+dir)
	}
	e, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	if !p.eat(')') {
		msg := "expected ')' to close " + dir + " started at " + p.lc(dirPos)
		if p.pos < p.end && p.src[p.pos] == '=' {
			msg += " (compare with ==, not =)"
		}
		return nil, p.errAt(p.expectPos(), msg)
	}
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
	if !p.eat('=') {
		return nil, p.errAt(p.expectPos(), "expected '=' in #set")
	}
	val, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	if !p.eat(')') {
		return nil, p.errAt(p.expectPos(), "expected ')' to close #set started at "+p.lc(pos))
	}
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
	if !p.eat('(') {
		return nil, p.errAt(p.expectPos(), "expected '(' after #foreach")
	}
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
	if !p.eat(')') {
		return nil, p.errAt(p.expectPos(), "expected ')' to close #foreach started at "+p.lc(pos))
	}
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
	if !p.eat('(') {
		return p.errAt(p.expectPos(), "expected '(' after #macro")
	}
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
		p.eat(',')
		if p.eat(')') {
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
		p.eat(',')
		if p.eat(')') {
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
