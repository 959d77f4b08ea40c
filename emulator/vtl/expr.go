package vtl

import (
	"strconv"
	"strings"

	"wsworkbench/emulator/jsonpath"
)

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
			if !p.eat(']') {
				return nil, p.errAt(p.expectPos(), "expected ']' to close the index started at "+p.lc(segPos))
			}
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
				ref.segs = append(ref.segs, segment{pos: segPos, kind: segMethod, name: name, args: args,
					str: stringMethods[name], list: listMethods[name], mp: mapMethods[name]})
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
	if p.eat(')') {
		return nil, nil
	}
	var args []expr
	for {
		a, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		args = append(args, a)
		if p.eat(',') {
			continue
		}
		if p.eat(')') {
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
	return p.parseBinary(0)
}

// opToken spells a binary operator: a symbol, or a word such as "and".
type opToken struct {
	tok string
	op  binOp
}

// binLevels are the binary operators by precedence, loosest first. Within a
// level a longer symbol comes before its prefix ("<=" before "<"); a word
// matches only as a whole word, so "order" is not "or".
var binLevels = [...][]opToken{
	{{"||", opOr}, {"or", opOr}},
	{{"&&", opAnd}, {"and", opAnd}},
	{{"==", opEq}, {"!=", opNe}, {"eq", opEq}, {"ne", opNe}},
	{{"<=", opLe}, {">=", opGe}, {"<", opLt}, {">", opGt}, {"le", opLe}, {"ge", opGe}, {"lt", opLt}, {"gt", opGt}},
	{{"+", opAdd}, {"-", opSub}},
	{{"*", opMul}, {"/", opDiv}, {"%", opMod}},
}

// parseBinary parses a left-associative chain of the operators of
// binLevels[level] whose operands bind tighter; past the last level the
// operands are unary expressions.
func (p *parser) parseBinary(level int) (expr, error) {
	if level == len(binLevels) {
		return p.parseUnary()
	}
	l, err := p.parseBinary(level + 1)
	if err != nil {
		return nil, err
	}
	for {
		p.skipWS()
		pos := p.pos
		op, ok := p.binaryOp(binLevels[level])
		if !ok {
			return l, nil
		}
		r, err := p.parseBinary(level + 1)
		if err != nil {
			return nil, err
		}
		l = &binExpr{pos: pos, op: op, l: l, r: r}
	}
}

// binaryOp consumes the first of ops found at p.pos.
func (p *parser) binaryOp(ops []opToken) (binOp, bool) {
	for _, o := range ops {
		found := p.at(o.tok)
		if isLetter(o.tok[0]) {
			found = p.word() == o.tok
		}
		if found {
			p.pos += len(o.tok)
			return o.op, true
		}
	}
	return 0, false
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
		if !p.eat(')') {
			return nil, p.errAt(p.expectPos(), "expected ')' to close the '(' at "+p.lc(pos))
		}
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
	if p.eat(']') {
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
		if !p.eat(']') {
			return nil, p.errAt(p.expectPos(), "expected ']' to close the range started at "+p.lc(start))
		}
		return &rangeExpr{pos: start, lo: first, hi: hi}, nil
	}
	l := &listExpr{items: []expr{first}}
	for {
		if p.eat(']') {
			return l, nil
		}
		if !p.eat(',') {
			return nil, p.errAt(p.expectPos(), "expected ',' or ']' in the list started at "+p.lc(start))
		}
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
	if p.eat('}') {
		return m, nil
	}
	for {
		k, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		if !p.eat(':') {
			return nil, p.errAt(p.expectPos(), "expected ':' after a key in the map started at "+p.lc(start))
		}
		v, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		m.keys = append(m.keys, k)
		m.vals = append(m.vals, v)
		if p.eat('}') {
			return m, nil
		}
		if !p.eat(',') {
			return nil, p.errAt(p.expectPos(), "expected ',' or '}' in the map started at "+p.lc(start))
		}
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
