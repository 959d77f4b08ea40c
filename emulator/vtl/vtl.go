// Package vtl renders API Gateway mapping templates: the Velocity Template
// Language (VTL) as API Gateway runs it, with $input, $context,
// $stageVariables and $util.
//
// A template is parsed once into a tree whose JSONPaths, string constants
// and variable slots are resolved up front, then rendered many times,
// concurrently if need be. The language follows Apache Velocity 1.7, the
// release current when API Gateway launched in 2015: #set,
// #if/#elseif/#else, #foreach, #break, #stop, #macro, comments, escapes and
// Velocity's whitespace rules. Where API Gateway departs from plain Velocity (an undefined
// reference renders as nothing, an empty body reads as {}) it follows API
// Gateway; docs/DECISIONS.md, under "Mapping templates", lists each choice
// the AWS documentation leaves open.
//
// Rendering never panics and is bounded: a #foreach runs at most 1000 times
// (API Gateway's quota), and the output, the work done, the values built and
// the time taken are capped (see Limits); a caller can also stop a render
// (Input.Done). Hitting a cap is an *Error with the position of
// the construct that hit it.
package vtl

import (
	"bytes"
	"strconv"
	"sync"
	"time"

	"wsworkbench/emulator/jsonpath"
)

// MaxTemplateSize is API Gateway's limit on the size of a mapping template
// (300 KB); Parse rejects larger templates.
const MaxTemplateSize = 300 * 1024

// Error is a template error with the 1-based line and column in the
// template text of the construct at fault. Err, when set, is a sentinel
// such as ErrPayload that callers can test with errors.Is.
type Error struct {
	Line, Col int
	Msg       string
	Err       error
}

// Error returns "LINE:COL: message".
func (e *Error) Error() string {
	return strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Col) + ": " + e.Msg
}

// Unwrap returns the sentinel behind the error, if any.
func (e *Error) Unwrap() error { return e.Err }

// Input is what a template reads.
type Input struct {
	Body           []byte                       // $input.body; $input.json/$input.path read it as JSON
	Context        map[string]any               // $context.*; nested map[string]any for identity, authorizer, error; values string/int64/float64/bool/nil
	StageVariables map[string]string            // $stageVariables
	Params         map[string]map[string]string // $input.params(): keys "path", "querystring", "header" (header lookup case-insensitive)

	// Doc, when set, is where Body is parsed as JSON: the caller's, shared
	// with its other readers of the same message (a selection expression),
	// so that whichever reads first parses Body and the others look up what
	// it found. Unset, a render that reads the body parses it itself.
	Doc *jsonpath.Doc

	// Deadline, when set and earlier than Limits.MaxTime from the start of
	// the render, is when the render gives up with an *Error wrapping
	// ErrTimeout.
	Deadline time.Time
	// Budget, when set and shorter than Limits.MaxTime, is how long the
	// render may take: a Deadline that needs no clock reading from the
	// caller.
	Budget time.Duration
	// Done, when set, stops the render with an *Error wrapping ErrCanceled
	// once it is closed (a context's Done: the client left, the gateway
	// closes).
	Done <-chan struct{}
	// Slow, when set, is called once, on the rendering goroutine, when the
	// render has run for SlowAfter from its first budget check. The render
	// checks every few hundred steps and before a method works on a big
	// string, so a short render never calls it. The gateway uses it to
	// go on reading a connection while one of its messages renders long.
	Slow      func()
	SlowAfter time.Duration
}

// Limits bound one render.
type Limits struct {
	// MaxForeach is the most items one #foreach may visit. API Gateway's
	// quota is 1000 ("Number of iterations in a #foreach ... #end loop in
	// mapping templates").
	MaxForeach int
	// TruncateForeach makes a longer loop stop after MaxForeach items, as
	// Velocity's directive.foreach.maxloops does, instead of failing.
	TruncateForeach bool
	// MaxOutput is the most bytes a render may produce, and the longest
	// string it may build.
	MaxOutput int
	// MaxSteps bounds the work of a render: one step per reference,
	// directive, method call and loop iteration.
	MaxSteps int
	// MaxMemory bounds the bytes of strings, lists and maps a render builds.
	MaxMemory int
	// MaxTime bounds how long a render may run. The clock and Input.Done
	// are checked every few hundred steps and before a method works on a
	// big string, so a render stops within about a millisecond of it.
	MaxTime time.Duration
}

// DefaultLimits returns the limits Render uses: 1000 iterations per
// #foreach (API Gateway's quota), 1 MiB of output (eight times the largest
// WebSocket message API Gateway accepts, 128 KB; a larger integration
// request is almost certainly a runaway loop), two million steps (a
// thousand-by-thousand nested loop with room to spare), 64 MiB of
// values and 29 s (API Gateway's integration timeout, the longest a client
// waits for an answer).
func DefaultLimits() Limits {
	return Limits{
		MaxForeach: 1000,
		MaxOutput:  1 << 20,
		MaxSteps:   2_000_000,
		MaxMemory:  64 << 20,
		MaxTime:    29 * time.Second,
	}
}

// Template is a parsed mapping template. It is immutable and safe for
// concurrent use by any number of goroutines.
type Template struct {
	src    string
	body   []stmt
	nslots int
	uses   map[string]bool
	limits Limits
	cache  *cache
	// straight is the template's pieces when it is straight (straight.go).
	straight []straightPiece
}

// Parse compiles a mapping template once; render it many times. A syntax
// error is an *Error.
func Parse(src string) (*Template, error) {
	if len(src) > MaxTemplateSize {
		return nil, &Error{Line: 1, Col: 1, Msg: "template is " + strconv.Itoa(len(src)) + " bytes; API Gateway allows at most " + strconv.Itoa(MaxTemplateSize) + " (300 KB)"}
	}
	var calls []*callStmt
	var escs []*macroEscStmt
	p := &parser{src: src, end: len(src), assigned: map[string]bool{}, uses: map[string]bool{},
		macros: map[string]*macroDef{}, calls: &calls, escs: &escs}
	body, st, err := p.parseStmts()
	if err != nil {
		return nil, err
	}
	switch st.kind {
	case stopEnd:
		return nil, p.errAt(st.pos, "#end without a matching #if or #foreach")
	case stopElse:
		return nil, p.errAt(st.pos, "#else without a matching #if")
	case stopElseIf:
		return nil, p.errAt(st.pos, "#elseif without a matching #if")
	}
	t := &Template{src: src, body: body, uses: p.uses, limits: DefaultLimits(), cache: &cache{}}
	slots := map[string]int{}
	for _, ref := range p.refs {
		ref.root = builtinRoots[ref.name]
		if !p.assigned[ref.name] {
			continue
		}
		slot, ok := slots[ref.name]
		if !ok {
			slot = len(slots)
			slots[ref.name] = slot
		}
		ref.slot = slot
	}
	t.nslots = len(slots)
	t.straight = straightPlan(body)
	for _, c := range calls {
		c.def = p.macros[c.name]
	}
	for _, e := range escs {
		e.isMacro = p.macros[e.name] != nil
	}
	return t, nil
}

// WithLimits returns a copy of t that renders with l. Zero fields of l keep
// the default.
func (t *Template) WithLimits(l Limits) *Template {
	d := DefaultLimits()
	if l.MaxForeach <= 0 {
		l.MaxForeach = d.MaxForeach
	}
	if l.MaxOutput <= 0 {
		l.MaxOutput = d.MaxOutput
	}
	if l.MaxSteps <= 0 {
		l.MaxSteps = d.MaxSteps
	}
	if l.MaxMemory <= 0 {
		l.MaxMemory = d.MaxMemory
	}
	if l.MaxTime <= 0 {
		l.MaxTime = d.MaxTime
	}
	c := *t
	c.limits = l
	return &c
}

// Limits returns the limits t renders with.
func (t *Template) Limits() Limits { return t.limits }

// Uses reports whether the template refers to the top-level variable name
// ("context", "stageVariables", "input", "util", ...), so a caller can skip
// building Context when it is not read.
func (t *Template) Uses(name string) bool { return t.uses[name] }

// Source returns the template text.
func (t *Template) Source() string { return t.src }

var rendererPool = sync.Pool{New: func() any { return new(renderer) }}

var emptyInput Input

func (t *Template) newRenderer(in *Input, out []byte) *renderer {
	r := rendererPool.Get().(*renderer)
	if in == nil {
		in = &emptyInput
	}
	vars := r.vars[:0]
	for i := 0; i < t.nslots; i++ {
		vars = append(vars, nullValue)
	}
	*r = renderer{t: t, in: in, lim: t.limits, out: out, base: len(out), vars: vars, args: r.args[:0], own: r.own}
	return r
}

func (r *renderer) release() {
	clear(r.vars)
	vars, args := r.vars, r.args
	if r.own != nil {
		r.own.Reset() // let the body go
	}
	*r = renderer{vars: vars[:0], args: args[:0], own: r.own}
	rendererPool.Put(r)
}

func (r *renderer) run() error {
	r.startClock()
	err := r.execBlock(r.t.body)
	if err == errStop || err == errBreak {
		return nil
	}
	return err
}

// Render renders the template. It never panics; loop iterations and output
// size are capped and hitting a cap is an *Error naming where.
func (t *Template) Render(in *Input) (string, error) {
	if text, ok := t.text(); ok {
		return text, nil
	}
	bp := bufPool.Get().(*[]byte)
	out, err := t.AppendRender((*bp)[:0], in)
	var s string
	if err == nil {
		s = string(out)
	}
	if cap(out) <= 64<<10 {
		*bp = out[:0]
	}
	bufPool.Put(bp)
	return s, err
}

// text returns what a template that is only text renders (no reference,
// no directive: a MOCK's fixed answer), which needs no renderer: it reads
// no input, takes one step and never polls.
func (t *Template) text() (string, bool) {
	switch len(t.body) {
	case 0:
		return "", true
	case 1:
		if s, ok := t.body[0].(*textStmt); ok && len(s.s) <= t.limits.MaxOutput {
			return s.s, true
		}
	}
	return "", false
}

// IsText reports whether the template is only text: it renders the same
// whatever its Input, which it does not read (nil will do).
func (t *Template) IsText() bool {
	_, ok := t.text()
	return ok
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// RenderTo renders the template, appending the output to buf. On error buf
// is left as it was.
func (t *Template) RenderTo(buf *bytes.Buffer, in *Input) error {
	out, err := t.AppendRender(buf.AvailableBuffer(), in)
	if err == nil {
		buf.Write(out)
	}
	return err
}

// AppendRender renders the template, appending the output to dst, and
// returns the extended slice; on error, dst as it was.
func (t *Template) AppendRender(dst []byte, in *Input) ([]byte, error) {
	if text, ok := t.text(); ok {
		return append(dst, text...), nil
	}
	if t.straight != nil {
		if out, ok := t.renderStraight(dst, in); ok {
			return out, nil
		}
	}
	r := t.newRenderer(in, dst)
	err := r.run()
	out := r.out
	r.release()
	if err != nil {
		return dst, err
	}
	return out, nil
}
