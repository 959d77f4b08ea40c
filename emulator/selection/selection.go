// Package selection parses and evaluates API Gateway WebSocket selection
// expressions: the route selection expression, the template selection
// expressions of integrations and integration responses, the route response
// selection expression and the API key selection expression. It also matches
// integration response keys ("$default" or "/regex/") and picks mapping
// template keys.
//
// The language, as AWS documents it for every selection expression:
//
//   - A variable starts with "$": $request.body.action.
//   - Braces delimit a variable: ${request.body.version}-beta.
//   - Several variables and static text mix: ${request.body.service}/${request.body.action}.
//     Evaluation happens once; a value is never evaluated again.
//   - "\$" is a literal dollar sign, mostly to write the key "\$default".
//   - The whole expression "$default" is the static key $default (CloudFormation
//     templates write RouteResponseSelectionExpression: $default).
//
// Without braces a variable runs over letters, digits and "_-.*:@", non-ASCII
// bytes, and bracketed JSONPath selectors ("['a b']", "[0]"); any other
// character ends it. Inside braces everything up to the matching "}" (outside
// quotes) belongs to the variable.
//
// The part after "request.body" is a JSONPath (see package jsonpath). What it
// finds is stringified as described at Stringify.
package selection

import (
	"errors"
	"strconv"
	"strings"
	"unsafe"

	"github.com/tidwall/gjson"

	"wsworkbench/emulator/jsonpath"
	"wsworkbench/emulator/reqsource"
)

// Kind says where an expression is used, which decides the variables it may
// read.
type Kind int

// The uses of a selection expression. The variables each allows follow the
// "WebSocket selection expression summary" table of the API Gateway developer
// guide; see docs/DECISIONS.md, "Selection expressions", for the two places
// where wsworkbench is more lenient.
const (
	// RouteSelection is Api.RouteSelectionExpression: $request.body and static text.
	RouteSelection Kind = iota
	// RequestTemplateSelection is Integration.TemplateSelectionExpression:
	// $request.body, $request.header, $request.querystring, $context,
	// $stageVariables and static text.
	RequestTemplateSelection
	// ResponseTemplateSelection is IntegrationResponse.TemplateSelectionExpression:
	// $request.body, $integration.response.statuscode,
	// $integration.response.header, $integration.response.multivalueheader and
	// static text.
	ResponseTemplateSelection
	// RouteResponseSelection is Route.RouteResponseSelectionExpression: only
	// the static key $default.
	RouteResponseSelection
	// APIKeySelection is Api.ApiKeySelectionExpression: exactly
	// $request.header.x-api-key or $context.authorizer.usageIdentifierKey.
	APIKeySelection
)

var kindNames = [...]string{
	RouteSelection:            "route",
	RequestTemplateSelection:  "request-template",
	ResponseTemplateSelection: "response-template",
	RouteResponseSelection:    "route-response",
	APIKeySelection:           "api-key",
}

var kindTitles = [...]string{
	RouteSelection:            "a route selection expression",
	RequestTemplateSelection:  "an integration template selection expression",
	ResponseTemplateSelection: "an integration response template selection expression",
	RouteResponseSelection:    "a route response selection expression",
	APIKeySelection:           "an API key selection expression",
}

// String returns the kind's short name: route, request-template,
// response-template, route-response or api-key.
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return "Kind(" + strconv.Itoa(int(k)) + ")"
	}
	return kindNames[k]
}

// ParseKind returns the Kind whose String is name.
func ParseKind(name string) (Kind, error) {
	for k, n := range kindNames {
		if n == name {
			return Kind(k), nil
		}
	}
	return 0, errors.New("unknown kind " + strconv.Quote(name) + " (want " + strings.Join(kindNames[:], ", ") + ")")
}

func (k Kind) title() string {
	if k < 0 || int(k) >= len(kindTitles) {
		return "a selection expression"
	}
	return kindTitles[k]
}

// Error is a malformed expression or a variable its use does not allow. Col
// is the 1-based byte column in the expression.
type Error struct {
	Col int
	Msg string
}

// Error returns "col N: msg".
func (e *Error) Error() string { return "col " + strconv.Itoa(e.Col) + ": " + e.Msg }

func errorAt(pos int, msg string) *Error { return &Error{Col: pos + 1, Msg: msg} }

// varKind is what a variable reads.
type varKind int

const (
	varNone                varKind = iota // a literal part
	varBody                               // $request.body[.JSONPath]
	varHeader                             // $request.header.NAME
	varQuery                              // $request.querystring.NAME
	varContext                            // $context.NAME
	varStage                              // $stageVariables.NAME
	varStatus                             // $integration.response.statuscode
	varResponseHeader                     // $integration.response.header.NAME
	varResponseMultiHeader                // $integration.response.multivalueheader.NAME
)

// allowed lists the variables each kind may read.
var allowed = map[Kind][]varKind{
	RouteSelection:            {varBody},
	RequestTemplateSelection:  {varBody, varHeader, varQuery, varContext, varStage},
	ResponseTemplateSelection: {varBody, varStatus, varResponseHeader, varResponseMultiHeader},
	RouteResponseSelection:    nil,
	APIKeySelection:           {varHeader, varContext},
}

var varSpellings = map[varKind]string{
	varBody:                "$request.body",
	varHeader:              "$request.header",
	varQuery:               "$request.querystring",
	varContext:             "$context",
	varStage:               "$stageVariables",
	varStatus:              "$integration.response.statuscode",
	varResponseHeader:      "$integration.response.header",
	varResponseMultiHeader: "$integration.response.multivalueheader",
}

// part is a literal or a variable of an expression.
type part struct {
	v    varKind
	lit  string        // varNone: the text
	name string        // header, query, context, stage variable name
	path jsonpath.Path // varBody
	pos  int           // index in the expression where the part starts
}

// Expression is a parsed selection expression. It is immutable and safe for
// concurrent use; the Source it reads is not.
type Expression struct {
	src      string
	kind     Kind
	parts    []part
	usesBody bool
}

// Parse parses expr for a use. A malformed expression, or a variable that use
// does not allow, is an *Error that says what is wrong and at which column.
func Parse(expr string, kind Kind) (*Expression, error) {
	if kind < 0 || int(kind) >= len(kindNames) {
		return nil, errors.New("selection: unknown kind " + strconv.Itoa(int(kind)))
	}
	e := &Expression{src: expr, kind: kind}
	if expr == "" {
		return nil, errorAt(0, "empty expression")
	}
	if expr == "$default" {
		e.parts = []part{{lit: "$default"}}
	} else {
		parts, err := parseParts(expr)
		if err != nil {
			return nil, err
		}
		e.parts = parts
	}
	if err := e.check(); err != nil {
		return nil, err
	}
	for _, p := range e.parts {
		if p.v == varBody {
			e.usesBody = true
		}
	}
	return e, nil
}

// MustParse is like Parse but panics on an error. It is meant for expressions
// written in Go source, never for user input.
func MustParse(expr string, kind Kind) *Expression {
	e, err := Parse(expr, kind)
	if err != nil {
		panic("selection: " + expr + ": " + err.Error())
	}
	return e
}

func parseParts(expr string) ([]part, error) {
	var (
		parts  []part
		lit    strings.Builder
		litPos int
	)
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, part{lit: lit.String(), pos: litPos})
			lit.Reset()
		}
	}
	for i := 0; i < len(expr); {
		c := expr[i]
		if lit.Len() == 0 {
			litPos = i
		}
		switch {
		case c == '\\' && i+1 < len(expr) && expr[i+1] == '$':
			lit.WriteByte('$')
			i += 2
		case c == '$':
			p, next, err := parseVariable(expr, i)
			if err != nil {
				return nil, err
			}
			flush()
			p.pos = i
			parts = append(parts, p)
			i = next
		default:
			lit.WriteByte(c)
			i++
		}
	}
	flush()
	return parts, nil
}

// parseVariable parses the variable whose "$" is at expr[start] and returns
// it with the index just past it.
func parseVariable(expr string, start int) (part, int, error) {
	if start+1 >= len(expr) {
		return part{}, 0, errorAt(start, `'$' at the end of the expression (write \$ for a literal dollar sign)`)
	}
	if expr[start+1] == '{' {
		body := start + 2
		end, err := closingBrace(expr, body)
		if err != nil {
			return part{}, 0, err
		}
		if end == body {
			return part{}, 0, errorAt(start, "empty variable ${}")
		}
		p, err := parseName(expr[body:end], body)
		if err != nil {
			return part{}, 0, err
		}
		return p, end + 1, nil
	}
	body := start + 1
	end := unbracedEnd(expr, body)
	if end == body {
		return part{}, 0, errorAt(start, "'$' not followed by a variable name (write \\$ for a literal dollar sign)")
	}
	p, err := parseName(expr[body:end], body)
	if err != nil {
		return part{}, 0, err
	}
	return p, end, nil
}

// closingBrace returns the index of the "}" that closes a "${" whose content
// starts at from, skipping quoted JSONPath names.
func closingBrace(expr string, from int) (int, error) {
	for i := from; i < len(expr); i++ {
		switch expr[i] {
		case '\'', '"':
			i = closingQuote(expr, i)
		case '}':
			return i, nil
		case '{':
			return 0, errorAt(i, "'{' inside ${...}")
		}
	}
	return 0, errorAt(from-2, "unclosed '${' (missing '}')")
}

// closingQuote returns the index of the quote that closes the one at expr[at],
// skipping backslash escapes, or len(expr) when it is never closed.
func closingQuote(expr string, at int) int {
	for i := at + 1; i < len(expr); i++ {
		switch expr[i] {
		case '\\':
			i++
		case expr[at]:
			return i
		}
	}
	return len(expr)
}

// unbracedEnd returns the index just past an unbraced variable name starting
// at from.
func unbracedEnd(expr string, from int) int {
	i := from
	for i < len(expr) {
		c := expr[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '_', c == '-', c == '.', c == '*', c == ':', c == '@', c >= 0x80:
			i++
		case c == '[':
			// A JSONPath bracket selector, quotes and all.
			j := i + 1
			for ; j < len(expr) && expr[j] != ']'; j++ {
				if expr[j] == '\'' || expr[j] == '"' {
					j = closingQuote(expr, j)
				}
			}
			if j >= len(expr) {
				// Unclosed: hand it all to the JSONPath parser, which says so.
				return len(expr)
			}
			i = j + 1
		default:
			return i
		}
	}
	return i
}

// parseName parses a variable name without "$" or braces; at is its index in
// the expression.
func parseName(name string, at int) (part, error) {
	rest, ok := strings.CutPrefix(name, "request.")
	if ok {
		switch {
		case rest == "body":
			return part{v: varBody, path: jsonpath.MustCompile("$")}, nil
		case strings.HasPrefix(rest, "body.") || strings.HasPrefix(rest, "body["):
			off := len("request.body")
			jp := rest[len("body"):]
			if jp[0] == '.' {
				jp, off = jp[1:], off+1
			}
			if jp == "" {
				return part{}, errorAt(at+off-1, "missing JSONPath after request.body.")
			}
			path, err := jsonpath.Compile(jp)
			if err != nil {
				var je *jsonpath.Error
				if errors.As(err, &je) {
					return part{}, &Error{Col: at + off + je.Col, Msg: "JSONPath: " + je.Msg}
				}
				return part{}, errorAt(at+off, "JSONPath: "+err.Error())
			}
			return part{v: varBody, path: path}, nil
		}
		if n, ok := strings.CutPrefix(rest, "header."); ok {
			return namedPart(varHeader, n, at+len("request.header."), "header")
		}
		if n, ok := strings.CutPrefix(rest, "querystring."); ok {
			return namedPart(varQuery, n, at+len("request.querystring."), "query string parameter")
		}
		return part{}, errorAt(at, "unknown variable $"+name+" (want $request.body, $request.header.NAME or $request.querystring.NAME)")
	}
	if n, ok := strings.CutPrefix(name, "context."); ok {
		return namedPart(varContext, n, at+len("context."), "context variable")
	}
	if n, ok := strings.CutPrefix(name, "stageVariables."); ok {
		return namedPart(varStage, n, at+len("stageVariables."), "stage variable")
	}
	if rest, ok := strings.CutPrefix(name, "integration.response."); ok {
		switch {
		case rest == "statuscode":
			return part{v: varStatus}, nil
		case strings.HasPrefix(rest, "header."):
			return namedPart(varResponseHeader, rest[len("header."):], at+len("integration.response.header."), "header")
		case strings.HasPrefix(rest, "multivalueheader."):
			return namedPart(varResponseMultiHeader, rest[len("multivalueheader."):], at+len("integration.response.multivalueheader."), "header")
		}
		return part{}, errorAt(at, "unknown variable $"+name+" (want $integration.response.statuscode, .header.NAME or .multivalueheader.NAME)")
	}
	return part{}, errorAt(at, "unknown variable $"+name+" (variables start with request., context., stageVariables. or integration.response.)")
}

func namedPart(v varKind, name string, at int, what string) (part, error) {
	if name == "" {
		return part{}, errorAt(at, "missing "+what+" name")
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c == 0x7f {
			return part{}, errorAt(at+i, "invalid character in "+what+" name")
		}
	}
	return part{v: v, name: name}, nil
}

// check rejects variables the expression's kind does not allow.
func (e *Expression) check() error {
	switch e.kind {
	case RouteResponseSelection:
		if v, ok := e.Static(); !ok || v != "$default" {
			return errorAt(0, "a route response selection expression can only be $default")
		}
		return nil
	case APIKeySelection:
		if len(e.parts) == 1 {
			p := e.parts[0]
			if (p.v == varHeader && strings.EqualFold(p.name, "x-api-key")) ||
				(p.v == varContext && p.name == "authorizer.usageIdentifierKey") {
				return nil
			}
		}
		return errorAt(0, "an API key selection expression can only be $request.header.x-api-key or $context.authorizer.usageIdentifierKey")
	}
	for _, p := range e.parts {
		if p.v != varNone && !kindAllows(e.kind, p.v) {
			return errorAt(p.pos, varSpellings[p.v]+" is not allowed in "+e.kind.title()+" (allowed: "+allowedList(e.kind)+")")
		}
	}
	return nil
}

func kindAllows(k Kind, v varKind) bool {
	for _, a := range allowed[k] {
		if a == v {
			return true
		}
	}
	return false
}

func allowedList(k Kind) string {
	var names []string
	for _, v := range allowed[k] {
		names = append(names, varSpellings[v])
	}
	names = append(names, "static text")
	return strings.Join(names, ", ")
}

// String returns the expression as written.
func (e *Expression) String() string { return e.src }

// Kind returns the use the expression was parsed for.
func (e *Expression) Kind() Kind { return e.kind }

// Static returns the value of an expression without variables ("\$default"
// gives "$default"); ok is false when the expression has a variable.
func (e *Expression) Static() (value string, ok bool) {
	var b strings.Builder
	for _, p := range e.parts {
		if p.v != varNone {
			return "", false
		}
		b.WriteString(p.lit)
	}
	return b.String(), true
}

// Part is one piece of an expression, for tools that show how an expression
// is read (the select command's --explain).
type Part struct {
	Col      int           // 1-based column where the part starts
	Literal  string        // static text; "" for a variable
	Variable string        // a variable's root, e.g. "$request.body" or "$request.header"; "" for static text
	Name     string        // the header, query string, context or stage variable name
	JSONPath jsonpath.Path // what a $request.body variable reads
}

// Parts returns the expression's static text and variables in order.
func (e *Expression) Parts() []Part {
	out := make([]Part, len(e.parts))
	for i, p := range e.parts {
		out[i] = Part{Col: p.pos + 1, Literal: p.lit, Variable: varSpellings[p.v], Name: p.name, JSONPath: p.path}
	}
	return out
}

// UsesBody reports whether the expression reads $request.body, i.e. whether
// a body that is not JSON makes it impossible to evaluate.
func (e *Expression) UsesBody() bool { return e.usesBody }

// Source is what an expression may read. A Source parses Body once
// (BodyDoc), however many expressions read it, and again only when Body is
// other memory; a Source is therefore not safe for concurrent use. Do not
// change the bytes of Body after the first Eval: the values Eval returns
// may share them.
type Source struct {
	Body            []byte              // the client's message ($request.body)
	Headers         map[string][]string // request headers ($request.header.X, case-insensitive), only on $connect
	QueryString     map[string][]string // $request.querystring.X
	Context         map[string]string   // $context.X (e.g. authorizer.usageIdentifierKey)
	StageVariables  map[string]string   // $stageVariables.X
	StatusCode      string              // ${integration.response.statuscode}
	ResponseHeaders map[string][]string // ${integration.response.header.X} / multivalueheader, case-insensitive

	// Doc, when set, is where Body is parsed: the caller's, shared with its
	// other readers of the same message (a mapping template). Unset, the
	// Source sets a Doc of its own on first use.
	Doc *jsonpath.Doc
}

// BodyDoc returns Body parsed, parsing it only when Doc does not hold this
// Body yet.
func (s *Source) BodyDoc() *jsonpath.Doc {
	if s.Doc == nil {
		s.Doc = new(jsonpath.Doc)
	}
	return s.Doc.Of(unsafe.String(unsafe.SliceData(s.Body), len(s.Body)))
}

// BodyIsJSON reports whether Body is valid JSON.
func (s *Source) BodyIsJSON() bool { return s.BodyDoc().Valid() }

// Eval returns the expression's value. ok is false when the expression
// cannot be evaluated against src: it reads $request.body and the body is
// not JSON; the caller then falls back to $default. A variable that finds
// nothing (a missing member, header or context key) evaluates to "".
func (e *Expression) Eval(src *Source) (value string, ok bool) {
	if e.usesBody && !src.BodyIsJSON() {
		return "", false
	}
	if len(e.parts) == 1 {
		return e.parts[0].value(src), true
	}
	var b strings.Builder
	for i := range e.parts {
		b.WriteString(e.parts[i].value(src))
	}
	return b.String(), true
}

// value evaluates one part; for varBody the body has been validated.
func (p *part) value(src *Source) string {
	switch p.v {
	case varNone:
		return p.lit
	case varBody:
		return Stringify(p.path.GetIn(src.BodyDoc()))
	case varHeader:
		return last(reqsource.HeaderValues(src.Headers, p.name))
	case varQuery:
		return last(src.QueryString[p.name])
	case varContext:
		return src.Context[p.name]
	case varStage:
		return src.StageVariables[p.name]
	case varStatus:
		return src.StatusCode
	case varResponseHeader:
		return last(reqsource.HeaderValues(src.ResponseHeaders, p.name))
	case varResponseMultiHeader:
		return strings.Join(reqsource.HeaderValues(src.ResponseHeaders, p.name), ",")
	}
	return ""
}

func last(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

// Stringify renders what a JSONPath found the way a selection expression
// sees it (recorded in docs/DECISIONS.md, "Selection expressions"):
//
//   - nothing found, or null: ""
//   - a string: its unescaped text (no quotes)
//   - a number: its JSON text as written (5, 1.5, 1e3)
//   - true, false: "true", "false"
//   - an array: "[" + the elements joined by ", " + "]", e.g. ["a",1] gives
//     "[a, 1]" (the documented "[item1, item2]"); a null element is "null"
//   - an object: "{k=v, k2=v2}", the same Java collection rendering
func Stringify(r gjson.Result) string {
	switch r.Type {
	case gjson.Null:
		return ""
	case gjson.String:
		return r.Str
	case gjson.Number:
		return r.Raw
	case gjson.True:
		return "true"
	case gjson.False:
		return "false"
	}
	var b strings.Builder
	writeCollection(&b, r)
	return b.String()
}

func writeCollection(b *strings.Builder, r gjson.Result) {
	obj := r.IsObject()
	if obj {
		b.WriteByte('{')
	} else {
		b.WriteByte('[')
	}
	first := true
	r.ForEach(func(k, v gjson.Result) bool {
		if !first {
			b.WriteString(", ")
		}
		first = false
		if obj {
			b.WriteString(k.Str)
			b.WriteByte('=')
		}
		switch v.Type {
		case gjson.Null:
			b.WriteString("null")
		case gjson.JSON:
			writeCollection(b, v)
		default:
			b.WriteString(Stringify(v))
		}
		return true
	})
	if obj {
		b.WriteByte('}')
	} else {
		b.WriteByte(']')
	}
}
