package vtl

import (
	"errors"
	"math"
	"strconv"
	"time"

	"wsworkbench/emulator/jsonpath"
)

// errBreak and errStop carry #break and #stop up to the loop or the
// template that ends them; they never leave Render.
var (
	errBreak = errors.New("vtl: #break")
	errStop  = errors.New("vtl: #stop")
)

// loopState is the current #foreach iteration, seen as $foreach.
type loopState struct {
	index   int
	hasNext bool
	parent  *loopState
}

// bodyMode says how $input.path and $input.json see the body.
type bodyMode uint8

const (
	bodyUnchecked bodyMode = iota
	bodyJSON               // valid JSON (an empty body counts as {})
	bodyText               // not JSON and not starting with { or [: a plain string
	bodyBad                // starts with { or [ but is not valid JSON
)

// renderer holds the state of one render. Renderers are pooled.
type renderer struct {
	t     *Template
	in    *Input
	lim   Limits
	out   []byte
	base  int // len(out) when the render started
	vars  []value
	args  []value // the arguments of the method calls being evaluated, a stack (evalN)
	loop  *loopState
	steps int
	mem   int

	deadline time.Time       // when the render gives up: zero until its first poll (fixDeadline)
	done     <-chan struct{} // Input.Done
	slowAt   time.Time       // when to call slow: set with deadline (fixDeadline)
	slow     func()          // Input.Slow, until it is called

	macroDepth int

	mode    bodyMode
	doc     *jsonpath.Doc // the body as JSON ({} when empty)
	own     *jsonpath.Doc // where a body without an Input.Doc is parsed; kept by the pool
	bodyStr string
	hasBody bool
	params  *vmap
}

func (r *renderer) errAt(pos int, msg string) *Error {
	line, col := lineCol(r.t.src, pos)
	return &Error{Line: line, Col: col, Msg: msg}
}

// step counts one unit of work and fails when the render has done too much.
func (r *renderer) step(pos int) error {
	r.steps++
	if r.steps > r.lim.MaxSteps {
		return r.errAt(pos, "template did too much work (more than "+strconv.Itoa(r.lim.MaxSteps)+" steps); is a loop running away?")
	}
	if r.steps%pollEvery == 0 {
		return r.poll(pos)
	}
	return nil
}

// charge accounts for n bytes of strings, lists or maps the template builds.
func (r *renderer) charge(pos, n int) error {
	r.mem += n
	if r.mem > r.lim.MaxMemory {
		return r.errAt(pos, "template built more than "+strconv.Itoa(r.lim.MaxMemory)+" bytes of values")
	}
	return nil
}

func (r *renderer) checkOutput(pos int) error {
	if len(r.out)-r.base > r.lim.MaxOutput {
		return r.errAt(pos, "output is larger than "+strconv.Itoa(r.lim.MaxOutput)+" bytes")
	}
	return nil
}

func (r *renderer) execBlock(body []stmt) error {
	for _, s := range body {
		if err := s.exec(r); err != nil {
			return err
		}
	}
	return nil
}

func (s *textStmt) exec(r *renderer) error {
	r.out = append(r.out, s.s...)
	if len(r.out)-r.base > r.lim.MaxOutput {
		return r.errAt(s.pos, "output is larger than "+strconv.Itoa(r.lim.MaxOutput)+" bytes")
	}
	return nil
}

func (s *refStmt) exec(r *renderer) error {
	if err := r.step(s.ref.pos); err != nil {
		return err
	}
	v, err := s.ref.eval(r)
	if err != nil {
		return err
	}
	n := s.escapes
	if n == 0 {
		r.out = appendJava(r.out, v, true, r.base+r.lim.MaxOutput)
		return r.checkOutput(s.ref.pos)
	}
	// Velocity's escaping: an even number of backslashes renders half of
	// them and then the value, or all of them when the reference is
	// undefined ("schmoo"); an odd number renders half of them (rounded
	// down) and the reference as written, plus one more backslash when the
	// reference is undefined.
	half := n / 2
	if n%2 == 0 && v.isNull() {
		half = n
	}
	for i := 0; i < half; i++ {
		r.out = append(r.out, '\\')
	}
	if n%2 == 0 {
		r.out = appendJava(r.out, v, true, r.base+r.lim.MaxOutput)
		return r.checkOutput(s.ref.pos)
	}
	if v.isNull() {
		r.out = append(r.out, '\\')
	}
	r.out = append(r.out, s.ref.lit...)
	return r.checkOutput(s.ref.pos)
}

func (s *setStmt) exec(r *renderer) error {
	if err := r.step(s.pos); err != nil {
		return err
	}
	v, err := s.val.eval(r)
	if err != nil {
		return err
	}
	if v.isNull() {
		// Velocity 1.7 leaves the variable as it was when the value is null.
		return nil
	}
	t := s.target
	if len(t.segs) == 0 {
		r.vars[t.slot] = v
		return nil
	}
	obj, err := t.evalN(r, len(t.segs)-1)
	if err != nil {
		return err
	}
	last := &t.segs[len(t.segs)-1]
	switch last.kind {
	case segProp:
		if obj.k == kMap {
			if err := r.charge(s.pos, len(last.name)+64); err != nil {
				return err
			}
			obj.ref.(*vmap).put(last.name, v)
		}
		// Velocity logs and carries on when there is no setter.
	case segIndex:
		idx, err := last.index.eval(r)
		if err != nil {
			return err
		}
		switch obj.k {
		case kMap:
			if err := r.charge(s.pos, 64); err != nil {
				return err
			}
			obj.ref.(*vmap).put(r.keyString(idx), v)
		case kList:
			l := obj.ref.(*list)
			i, ok := idx.asInt()
			if !ok {
				return nil
			}
			if i < 0 {
				i += len(l.items)
			}
			if i < 0 || i >= len(l.items) {
				return r.errAt(last.pos, "index "+strconv.Itoa(i)+" out of bounds for a list of "+strconv.Itoa(len(l.items)))
			}
			l.items[i] = v
		}
	case segMethod:
		return r.errAt(last.pos, "cannot assign to a method call")
	}
	return nil
}

func (s *ifStmt) exec(r *renderer) error {
	for i, c := range s.conds {
		v, err := c.eval(r)
		if err != nil {
			return err
		}
		if v.truthy() {
			return r.execBlock(s.blocks[i])
		}
	}
	if s.els != nil {
		return r.execBlock(s.els)
	}
	return nil
}

func (s *foreachStmt) exec(r *renderer) error {
	src, err := s.src.eval(r)
	if err != nil {
		return err
	}
	var items []value
	switch src.k {
	case kList:
		items = src.ref.(*list).items
	case kMap:
		// #foreach over a map visits its values.
		items = src.ref.(*vmap).vals
	case kGoMap:
		items = materialize(src.ref).vals
	default:
		return nil
	}
	n := len(items)
	if n > r.lim.MaxForeach {
		if !r.lim.TruncateForeach {
			return r.errAt(s.pos, "#foreach over "+strconv.Itoa(n)+" items: API Gateway allows at most "+strconv.Itoa(r.lim.MaxForeach)+" iterations of a loop")
		}
		n = r.lim.MaxForeach
	}
	slot := s.v.slot
	saved := r.vars[slot]
	loop := &loopState{parent: r.loop}
	r.loop = loop
	defer func() {
		r.loop = loop.parent
		r.vars[slot] = saved
	}()
	for i := 0; i < n; i++ {
		if err := r.step(s.pos); err != nil {
			return err
		}
		loop.index = i
		loop.hasNext = i < n-1
		r.vars[slot] = items[i]
		if err := r.execBlock(s.body); err != nil {
			if err == errBreak {
				return nil
			}
			return err
		}
	}
	return nil
}

func (s *breakStmt) exec(r *renderer) error { return errBreak }

func (s *macroEscStmt) exec(r *renderer) error {
	n := s.n
	if s.isMacro {
		n /= 2
	}
	for i := 0; i < n; i++ {
		r.out = append(r.out, '\\')
	}
	r.out = append(r.out, s.text...)
	return nil
}

// maxMacroDepth is Velocity's velocimacro.max.depth.
const maxMacroDepth = 20

// exec runs a macro. Arguments are evaluated once, before the body runs
// (Velocity passes references by name and re-evaluates them at each use;
// the two differ only for arguments with side effects). Parameters are
// restored afterwards; a #set of any other variable in the body is global,
// as in Velocity 1.7.
func (s *callStmt) exec(r *renderer) error {
	if s.def == nil {
		r.out = append(r.out, s.lit...)
		return r.checkOutput(s.pos)
	}
	if err := r.step(s.pos); err != nil {
		return err
	}
	if r.macroDepth >= maxMacroDepth {
		return r.errAt(s.pos, "#"+s.name+": macros nested deeper than "+strconv.Itoa(maxMacroDepth)+" calls")
	}
	params := s.def.params
	var buf [4]value
	vals := buf[:0]
	for i := range params {
		v := nullValue
		if i < len(s.args) {
			var err error
			if v, err = s.args[i].eval(r); err != nil {
				return err
			}
		}
		vals = append(vals, v)
	}
	var savedBuf [4]value
	saved := savedBuf[:0]
	for i, p := range params {
		saved = append(saved, r.vars[p.slot])
		r.vars[p.slot] = vals[i]
	}
	r.macroDepth++
	err := r.execBlock(s.def.body)
	r.macroDepth--
	for i, p := range params {
		r.vars[p.slot] = saved[i]
	}
	return err
}

func (s *stopStmt) exec(r *renderer) error { return errStop }

// ---- expressions ----

func (e *litExpr) eval(r *renderer) (value, error) { return e.v, nil }

func (e *strExpr) eval(r *renderer) (value, error) {
	savedOut, savedBase := r.out, r.base
	r.out = make([]byte, 0, 64)
	r.base = 0
	err := r.execBlock(e.body)
	s := string(r.out)
	r.out, r.base = savedOut, savedBase
	if err != nil {
		return nullValue, err
	}
	if err := r.charge(e.pos, len(s)); err != nil {
		return nullValue, err
	}
	return strValue(s), nil
}

func (e *listExpr) eval(r *renderer) (value, error) {
	l := &list{items: make([]value, 0, len(e.items))}
	for _, it := range e.items {
		v, err := it.eval(r)
		if err != nil {
			return nullValue, err
		}
		l.items = append(l.items, v)
	}
	if err := r.charge(0, 64+32*len(l.items)); err != nil {
		return nullValue, err
	}
	return listValue(l), nil
}

// maxRange bounds [a..b]: a #foreach stops after 1000 anyway, and a range
// this long is almost certainly a mistake.
const maxRange = 100000

func (e *rangeExpr) eval(r *renderer) (value, error) {
	lo, err := e.lo.eval(r)
	if err != nil {
		return nullValue, err
	}
	hi, err := e.hi.eval(r)
	if err != nil {
		return nullValue, err
	}
	a, aok := rangeBound(lo)
	b, bok := rangeBound(hi)
	if !aok || !bok {
		return nullValue, nil // Velocity logs "not an integer" and yields null
	}
	n := b - a
	if n < 0 {
		n = -n
	}
	if n >= maxRange {
		return nullValue, r.errAt(e.pos, "range ["+strconv.FormatInt(a, 10)+".."+strconv.FormatInt(b, 10)+"] has more than "+strconv.Itoa(maxRange)+" elements")
	}
	if err := r.charge(e.pos, 64+32*int(n+1)); err != nil {
		return nullValue, err
	}
	l := &list{items: make([]value, 0, n+1)}
	step := int64(1)
	if b < a {
		step = -1
	}
	for i := a; ; i += step {
		l.items = append(l.items, intValue(i))
		if i == b {
			break
		}
	}
	return listValue(l), nil
}

func rangeBound(v value) (int64, bool) {
	switch v.k {
	case kInt:
		return v.i, true
	case kString:
		// Velocity converts a string holding an integer.
		n, err := strconv.ParseInt(v.s, 10, 32)
		return n, err == nil
	}
	return 0, false
}

func (e *mapExpr) eval(r *renderer) (value, error) {
	m := newMap(len(e.keys))
	for i := range e.keys {
		k, err := e.keys[i].eval(r)
		if err != nil {
			return nullValue, err
		}
		v, err := e.vals[i].eval(r)
		if err != nil {
			return nullValue, err
		}
		m.put(r.keyString(k), v)
	}
	if err := r.charge(0, 64+48*len(m.keys)); err != nil {
		return nullValue, err
	}
	return mapValue(m), nil
}

func (e *notExpr) eval(r *renderer) (value, error) {
	v, err := e.x.eval(r)
	if err != nil {
		return nullValue, err
	}
	return boolValue(!v.truthy()), nil
}

func (e *negExpr) eval(r *renderer) (value, error) {
	v, err := e.x.eval(r)
	if err != nil {
		return nullValue, err
	}
	switch v.k {
	case kInt:
		if v.i == math.MinInt64 {
			return floatValue(-float64(v.i)), nil
		}
		return intValue(-v.i), nil
	case kFloat, kBigInt:
		return floatValue(-v.asFloat()), nil
	}
	return nullValue, nil
}

// literalOf is the text Velocity uses for a null operand of a string
// concatenation: the reference as written.
func literalOf(e expr) string {
	if ref, ok := e.(*refExpr); ok {
		return ref.lit
	}
	return "null"
}

func (e *binExpr) eval(r *renderer) (value, error) {
	l, err := e.l.eval(r)
	if err != nil {
		return nullValue, err
	}
	switch e.op {
	case opAnd:
		if !l.truthy() {
			return falseValue, nil
		}
		rv, err := e.r.eval(r)
		if err != nil {
			return nullValue, err
		}
		return boolValue(rv.truthy()), nil
	case opOr:
		if l.truthy() {
			return trueValue, nil
		}
		rv, err := e.r.eval(r)
		if err != nil {
			return nullValue, err
		}
		return boolValue(rv.truthy()), nil
	}
	rv, err := e.r.eval(r)
	if err != nil {
		return nullValue, err
	}
	switch e.op {
	case opEq:
		return boolValue(r.velocityEquals(l, rv)), nil
	case opNe:
		return boolValue(!r.velocityEquals(l, rv)), nil
	case opLt, opLe, opGt, opGe:
		if !l.isNumber() || !rv.isNumber() {
			return falseValue, nil // Velocity 1.7 compares numbers only
		}
		c := compareNumbers(l, rv)
		switch e.op {
		case opLt:
			return boolValue(c < 0), nil
		case opLe:
			return boolValue(c <= 0), nil
		case opGt:
			return boolValue(c > 0), nil
		}
		return boolValue(c >= 0), nil
	case opAdd:
		if l.k == kString || rv.k == kString {
			var b []byte
			if l.isNull() {
				b = append(b, literalOf(e.l)...)
			} else {
				b = r.appendString(b, l)
			}
			if rv.isNull() {
				b = append(b, literalOf(e.r)...)
			} else {
				b = r.appendString(b, rv)
			}
			if len(b) > r.lim.MaxOutput {
				return nullValue, r.errAt(e.pos, "string longer than "+strconv.Itoa(r.lim.MaxOutput)+" bytes")
			}
			if err := r.charge(e.pos, len(b)); err != nil {
				return nullValue, err
			}
			return strValue(string(b)), nil
		}
	}
	if !l.isNumber() || !rv.isNumber() {
		return nullValue, nil // Velocity logs the error and yields null
	}
	return arith(e.op, l, rv), nil
}

// appendString appends the Java toString of v, bounded by the output limit.
func (r *renderer) appendString(dst []byte, v value) []byte {
	return appendJava(dst, v, false, r.lim.MaxOutput)
}

// toString returns the Java toString of v ("null" for null).
func (r *renderer) toString(v value) string {
	if v.k == kString || v.k == kBigInt {
		return v.s
	}
	return string(appendJava(nil, v, false, r.lim.MaxOutput))
}

// keyString converts a map key to the string the map stores.
func (r *renderer) keyString(v value) string { return r.toString(v) }

func compareNumbers(a, b value) int {
	if a.k == kInt && b.k == kInt {
		switch {
		case a.i < b.i:
			return -1
		case a.i > b.i:
			return 1
		}
		return 0
	}
	x, y := a.asFloat(), b.asFloat()
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// velocityEquals is Velocity 1.7's "==": numbers compare by value, values
// of the same type with equals, anything else by their string forms. A null
// equals null and, as on API Gateway, the empty string (a null renders as
// "" there, and `$input.path('$.missing') == ""` is true on AWS).
func (r *renderer) velocityEquals(a, b value) bool {
	if a.isNumber() && b.isNumber() {
		return compareNumbers(a, b) == 0
	}
	if a.isNull() || b.isNull() {
		return nullOrEmpty(a) && nullOrEmpty(b)
	}
	if a.k == b.k || (a.k == kGoMap && b.k == kMap) || (a.k == kMap && b.k == kGoMap) {
		return javaEquals(a, b)
	}
	return r.toString(a) == r.toString(b)
}

// nullOrEmpty reports whether v is null or the empty string.
func nullOrEmpty(v value) bool { return v.isNull() || v.k == kString && v.s == "" }

// arith applies an arithmetic operator to two numbers the way Velocity's
// MathUtils does: integers stay integers (widening instead of overflowing;
// past 64 bits this emulator falls back to double), anything with a decimal
// is a double. Division or modulo by zero yields null.
func arith(op binOp, a, b value) value {
	if a.k == kInt && b.k == kInt {
		x, y := a.i, b.i
		switch op {
		case opAdd:
			s := x + y
			if (x >= 0) == (y >= 0) && (s >= 0) != (x >= 0) {
				return floatValue(float64(x) + float64(y))
			}
			return intValue(s)
		case opSub:
			s := x - y
			if (x >= 0) != (y >= 0) && (s >= 0) != (x >= 0) {
				return floatValue(float64(x) - float64(y))
			}
			return intValue(s)
		case opMul:
			if x == 0 || y == 0 {
				return intValue(0)
			}
			p := x * y
			if p/y != x || (x == -1 && y == math.MinInt64) || (y == -1 && x == math.MinInt64) {
				return floatValue(float64(x) * float64(y))
			}
			return intValue(p)
		case opDiv:
			if y == 0 {
				return nullValue
			}
			if x == math.MinInt64 && y == -1 {
				return floatValue(-float64(x))
			}
			return intValue(x / y)
		case opMod:
			if y == 0 {
				return nullValue
			}
			if y == -1 {
				return intValue(0)
			}
			return intValue(x % y)
		}
	}
	x, y := a.asFloat(), b.asFloat()
	switch op {
	case opAdd:
		return floatValue(x + y)
	case opSub:
		return floatValue(x - y)
	case opMul:
		return floatValue(x * y)
	case opDiv:
		if y == 0 {
			return nullValue
		}
		return floatValue(x / y)
	case opMod:
		if y == 0 {
			return nullValue
		}
		return floatValue(math.Mod(x, y))
	}
	return nullValue
}

// ---- references ----

func (e *refExpr) eval(r *renderer) (value, error) { return e.evalN(r, len(e.segs)) }

// evalN evaluates the reference's root and its first n segments. A null
// anywhere along the way makes the whole reference null, as in Velocity.
func (e *refExpr) evalN(r *renderer, n int) (value, error) {
	v := r.root(e)
	for i := 0; i < n; i++ {
		if v.isNull() {
			return nullValue, nil
		}
		s := &e.segs[i]
		var err error
		switch s.kind {
		case segProp:
			v = r.property(v, s.name)
		case segIndex:
			var idx value
			idx, err = s.index.eval(r)
			if err != nil {
				return nullValue, err
			}
			v, err = r.index(v, idx, s.pos)
		case segMethod:
			if err := r.step(s.pos); err != nil {
				return nullValue, err
			}
			// The arguments go onto r.args; those of calls nested in them
			// go above and are gone before these are complete, so one
			// buffer per render serves every call.
			base := len(r.args)
			for _, a := range s.args {
				av, err := a.eval(r)
				if err != nil {
					r.popArgs(base)
					return nullValue, err
				}
				r.args = append(r.args, av)
			}
			v, err = r.call(v, s, r.args[base:len(r.args):len(r.args)])
			r.popArgs(base)
		}
		if err != nil {
			return nullValue, err
		}
	}
	return v, nil
}

// popArgs drops the method arguments above base (see renderer.args).
func (r *renderer) popArgs(base int) {
	clear(r.args[base:])
	r.args = r.args[:base]
}

var emptyContext = map[string]any{}

func (r *renderer) root(e *refExpr) value {
	if e.slot >= 0 {
		if v := r.vars[e.slot]; !v.isNull() {
			return v
		}
	}
	switch e.root {
	case rootInput:
		return value{k: kObject, i: int64(objInput)}
	case rootUtil:
		return value{k: kObject, i: int64(objUtil)}
	case rootContext:
		if r.in.Context == nil {
			return goMapValue(emptyContext)
		}
		return goMapValue(r.in.Context)
	case rootStageVariables:
		return goMapValue(r.in.StageVariables)
	case rootForeach:
		if r.loop != nil {
			return value{k: kLoop, ref: r.loop}
		}
	case rootVelocityCount:
		if r.loop != nil {
			return intValue(int64(r.loop.index + 1))
		}
	case rootVelocityHasNext:
		if r.loop != nil {
			return boolValue(r.loop.hasNext)
		}
	}
	return nullValue
}

// property is $v.name: a map's value, a built-in's property, or one of the
// Java getters Velocity finds (isEmpty as .empty, getKey as .key).
func (r *renderer) property(v value, name string) value {
	switch v.k {
	case kMap:
		x, _ := v.ref.(*vmap).get(name)
		return x
	case kGoMap:
		x, _ := goMapGet(v.ref, name)
		return x
	case kObject:
		switch objID(v.i) {
		case objInput:
			switch name {
			case "body":
				return strValue(r.body())
			case "path", "json", "params":
				return value{k: kObject, i: int64(objFunc)}
			}
		case objUtil:
			if utilFuncs[name] {
				return value{k: kObject, i: int64(objFunc)}
			}
		}
	case kLoop:
		return loopProperty(v.ref.(*loopState), name)
	case kEntry:
		e := v.ref.(*entry)
		switch name {
		case "key":
			return strValue(e.key)
		case "value":
			return e.val
		}
	case kString:
		if name == "empty" {
			return boolValue(v.s == "")
		}
	case kList:
		if name == "empty" {
			return boolValue(len(v.ref.(*list).items) == 0)
		}
	}
	return nullValue
}

func loopProperty(l *loopState, name string) value {
	switch name {
	case "hasNext":
		return boolValue(l.hasNext)
	case "index":
		return intValue(int64(l.index))
	case "count":
		return intValue(int64(l.index + 1))
	case "first":
		return boolValue(l.index == 0)
	case "last":
		return boolValue(!l.hasNext)
	case "parent":
		if l.parent != nil {
			return value{k: kLoop, ref: l.parent}
		}
	}
	return nullValue
}

// index is $v[idx].
func (r *renderer) index(v, idx value, pos int) (value, error) {
	switch v.k {
	case kList:
		items := v.ref.(*list).items
		i, ok := idx.asInt()
		if !ok {
			return nullValue, nil
		}
		if i < 0 {
			i += len(items)
		}
		if i < 0 || i >= len(items) {
			return nullValue, r.errAt(pos, "index "+r.toString(idx)+" out of bounds for a list of "+strconv.Itoa(len(items)))
		}
		return items[i], nil
	case kMap:
		x, _ := v.ref.(*vmap).get(r.keyString(idx))
		return x, nil
	case kGoMap:
		x, _ := goMapGet(v.ref, r.keyString(idx))
		return x, nil
	}
	return nullValue, nil
}
