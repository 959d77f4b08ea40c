package vtl

import (
	"encoding/base64"
	"errors"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/tidwall/gjson"

	"wsworkbench/emulator/jsonpath"
)

// ErrPayload is wrapped by the *Error a render returns when the template
// reads the body as JSON ($input.path, $input.json) and the body starts
// with "{" or "[" but is not valid JSON. API Gateway answers such a request
// with 400 "Could not process payload".
var ErrPayload = errors.New("could not process payload")

// ---- the body ----

// body returns $input.body: the raw body, or "{}" when it is empty.
func (r *renderer) body() string {
	if !r.hasBody {
		r.hasBody = true
		if len(r.in.Body) == 0 {
			r.bodyStr = "{}"
		} else {
			r.bodyStr = string(r.in.Body)
		}
	}
	return r.bodyStr
}

// bodyDoc classifies the body once per render.
func (r *renderer) bodyDoc() bodyMode {
	if r.mode != bodyUnchecked {
		return r.mode
	}
	d := r.in.Doc
	if d == nil {
		if r.own == nil {
			r.own = new(jsonpath.Doc)
		}
		d = r.own
	}
	r.mode, r.doc = readBody(r.in.Body, d)
	return r.mode
}

// readBody says how $input.path and $input.json read body and, for JSON,
// returns its Doc: d, parsed from body unless it holds body already (an
// empty body reads as {}).
func readBody(b []byte, d *jsonpath.Doc) (bodyMode, *jsonpath.Doc) {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	if i == len(b) {
		return bodyJSON, emptyDoc
	}
	d = d.Of(unsafe.String(unsafe.SliceData(b), len(b)))
	switch {
	case d.Valid():
		return bodyJSON, d
	case b[i] == '{' || b[i] == '[':
		return bodyBad, nil
	}
	return bodyText, nil
}

// emptyDoc is what an empty body reads as: {}. It is only read.
var emptyDoc = func() *jsonpath.Doc {
	var d jsonpath.Doc
	d.Parse("{}")
	return &d
}()

func (r *renderer) payloadError(pos int) error {
	e := r.errAt(pos, "could not process payload: the body starts with '{' or '[' but is not valid JSON")
	e.Err = ErrPayload
	return e
}

// inputPath resolves the JSONPath argument of $input.path or $input.json.
func (r *renderer) inputPath(s *segment, args []value) (jsonpath.Path, bool, error) {
	if s.path != nil {
		if s.path.err != nil {
			return jsonpath.Path{}, false, r.errAt(s.pos, "$input."+s.name+"('"+s.path.src+"'): bad JSONPath: "+s.path.err.Error())
		}
		return s.path.path, true, nil
	}
	src := "$"
	if len(args) == 1 {
		if args[0].k != kString {
			return jsonpath.Path{}, false, nil
		}
		src = args[0].s
	} else if len(args) > 1 {
		return jsonpath.Path{}, false, nil
	}
	p, err := r.t.cache.jsonPath(src)
	if err != nil {
		return jsonpath.Path{}, false, r.errAt(s.pos, "$input."+s.name+"('"+src+"'): bad JSONPath: "+err.Error())
	}
	return p, true, nil
}

func (r *renderer) inputMethod(s *segment, args []value) (value, error) {
	switch s.name {
	case "path", "json":
		p, ok, err := r.inputPath(s, args)
		if !ok {
			return nullValue, err
		}
		if r.bodyDoc() == bodyBad {
			return nullValue, r.payloadError(s.pos)
		}
		if s.name == "path" {
			return r.pathValue(p, s.pos)
		}
		return r.jsonValue(p), nil
	case "params":
		switch len(args) {
		case 0:
			return mapValue(r.allParams()), nil
		case 1:
			return strValue(r.param(r.toString(args[0]))), nil
		}
	case "getBody":
		if len(args) == 0 {
			return strValue(r.body()), nil
		}
	}
	return nullValue, nil
}

// pathValue is $input.path at p: the value there, or, for a body that is
// not JSON, the whole text at "$" and null elsewhere.
func (r *renderer) pathValue(p jsonpath.Path, pos int) (value, error) {
	if r.bodyDoc() == bodyText {
		if p.IsRoot() {
			return strValue(r.body()), nil
		}
		return nullValue, nil
	}
	return r.fromJSON(p.GetIn(r.doc), pos)
}

// jsonValue is $input.json at p: the JSON text there ("null" when missing),
// or, for a body that is not JSON, the whole text as a JSON string at "$".
func (r *renderer) jsonValue(p jsonpath.Path) value {
	return jsonValueOf(r.bodyDoc(), r.doc, p, r.in.Body)
}

// jsonValueOf is $input.json at p of body, read as mode says (readBody).
func jsonValueOf(mode bodyMode, doc *jsonpath.Doc, p jsonpath.Path, body []byte) value {
	if mode == bodyText {
		if p.IsRoot() {
			return strValue(string(appendJSONString(nil, string(body))))
		}
		return strValue("null")
	}
	res := p.GetIn(doc)
	if !res.Exists() {
		return strValue("null")
	}
	return strValue(compactJSON(res.Raw))
}

// allParams builds $input.params() once per render: path, querystring and
// header, in that order, each with its names sorted.
func (r *renderer) allParams() *vmap {
	if r.params != nil {
		return r.params
	}
	m := newMap(3)
	for _, k := range [...]string{"path", "querystring", "header"} {
		src := r.in.Params[k]
		names := make([]string, 0, len(src))
		for n := range src {
			names = append(names, n)
		}
		if k == "header" {
			sort.Slice(names, func(i, j int) bool { return strings.ToLower(names[i]) < strings.ToLower(names[j]) })
		} else {
			sort.Strings(names)
		}
		sub := newMap(len(names))
		sub.fold = k == "header"
		for _, n := range names {
			sub.put(n, strValue(src[n]))
		}
		m.put(k, mapValue(sub))
	}
	r.params = m
	return m
}

// param is $input.params(name): the path parameter, else the query string
// parameter, else the header (case-insensitive), else "".
func (r *renderer) param(name string) string {
	if v, ok := r.in.Params["path"][name]; ok {
		return v
	}
	if v, ok := r.in.Params["querystring"][name]; ok {
		return v
	}
	h := r.in.Params["header"]
	if v, ok := h[name]; ok {
		return v
	}
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// maxJSONDepth bounds how deeply nested a JSON value may be turned into
// template values.
const maxJSONDepth = 512

// fromJSON converts a gjson result into a template value: objects become
// maps (in document order), arrays become lists that print as JSON.
func (r *renderer) fromJSON(res gjson.Result, pos int) (value, error) {
	if res.Type == gjson.JSON {
		return r.decodeJSON(res.Raw, pos)
	}
	return scalarFromJSON(res), nil
}

// scalarFromJSON is the value of a JSON null, boolean, string or number
// (and null for nothing found).
func scalarFromJSON(res gjson.Result) value {
	text := res.Raw
	if res.Type == gjson.String {
		text = res.Str
	}
	return scalarOf(res.Type, text)
}

// scalarOf is the value of a JSON scalar of type typ whose text is text (a
// string's unescaped, a number's as written).
func scalarOf(typ gjson.Type, text string) value {
	switch typ {
	case gjson.False:
		return falseValue
	case gjson.True:
		return trueValue
	case gjson.String:
		return strValue(text)
	case gjson.Number:
		return numberValue(text)
	}
	return nullValue
}

// compactJSON removes the whitespace between JSON tokens, as re-serialising
// the value would.
func compactJSON(raw string) string {
	need := false
	inStr := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if inStr {
			if c == '\\' {
				i++
			} else if c == '"' {
				inStr = false
			}
			continue
		}
		if c == '"' {
			inStr = true
		} else if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			need = true
			break
		}
	}
	if !need {
		return raw
	}
	b := make([]byte, 0, len(raw))
	inStr = false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if inStr {
			b = append(b, c)
			if c == '\\' && i+1 < len(raw) {
				i++
				b = append(b, raw[i])
			} else if c == '"' {
				inStr = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		case '"':
			inStr = true
		}
		b = append(b, c)
	}
	return string(b)
}

// ---- $util ----

var utilFuncs = map[string]bool{
	"escapeJavaScript": true, "parseJson": true, "urlEncode": true, "urlDecode": true,
	"base64Encode": true, "base64Decode": true, "toJson": true, "qr": true,
}

func (r *renderer) utilMethod(s *segment, args []value) (value, error) {
	if len(args) != 1 {
		return nullValue, nil
	}
	a := args[0]
	if s.name == "qr" {
		return nullValue, nil // evaluates its argument, renders nothing
	}
	if s.name == "toJson" {
		out := string(appendJSON(nil, a, r.lim.MaxOutput))
		return strValue(out), r.charge(s.pos, len(out))
	}
	if a.k != kString {
		// The Java methods take a String: other values find no method.
		return nullValue, nil
	}
	in := a.s
	var out string
	switch s.name {
	case "escapeJavaScript":
		out = escapeJavaScript(in)
	case "urlEncode":
		out = urlEncode(in)
	case "urlDecode":
		var err error
		if out, err = urlDecode(in); err != nil {
			return nullValue, r.errAt(s.pos, "$util.urlDecode: "+err.Error())
		}
	case "base64Encode":
		out = base64.StdEncoding.EncodeToString([]byte(in))
	case "base64Decode":
		b, err := base64Decode(in)
		if err != nil {
			return nullValue, r.errAt(s.pos, "$util.base64Decode: "+err.Error())
		}
		out = string(b)
	case "parseJson":
		if !gjson.Valid(in) {
			return nullValue, r.errAt(s.pos, "$util.parseJson: the argument is not valid JSON")
		}
		return r.fromJSON(gjson.Parse(in), s.pos)
	default:
		return nullValue, nil
	}
	return strValue(out), r.charge(s.pos, len(out))
}

// escapeJavaScript escapes s the way Apache Commons Lang 2's
// StringEscapeUtils.escapeJavaScript does: quotes, backslash and "/" get a
// backslash, control characters become \b \t \n \f \r or \u00XX, and every
// character above U+007F becomes \uXXXX (UTF-16, upper-case hex).
func escapeJavaScript(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	const hex = "0123456789ABCDEF"
	unit := func(u uint16) {
		b.WriteString(`\u`)
		b.WriteByte(hex[u>>12&0xF])
		b.WriteByte(hex[u>>8&0xF])
		b.WriteByte(hex[u>>4&0xF])
		b.WriteByte(hex[u&0xF])
	}
	for _, c := range s {
		switch {
		case c > 0x7F:
			if c >= 0x10000 {
				hi, lo := utf16.EncodeRune(c)
				unit(uint16(hi))
				unit(uint16(lo))
			} else {
				unit(uint16(c))
			}
		case c < 0x20:
			switch c {
			case '\b':
				b.WriteString(`\b`)
			case '\n':
				b.WriteString(`\n`)
			case '\t':
				b.WriteString(`\t`)
			case '\f':
				b.WriteString(`\f`)
			case '\r':
				b.WriteString(`\r`)
			default:
				unit(uint16(c))
			}
		case c == '\'' || c == '"' || c == '\\' || c == '/':
			b.WriteByte('\\')
			b.WriteByte(byte(c))
		default:
			b.WriteByte(byte(c))
		}
	}
	return b.String()
}

// urlEncode is Java's URLEncoder.encode(s, "UTF-8"): letters, digits and
// ".-*_" stay, a space becomes "+", everything else is %XX of its UTF-8 bytes.
func urlEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isLetter(c) || isDigit(c) || c == '.' || c == '-' || c == '*' || c == '_':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xF])
		}
	}
	return b.String()
}

// urlDecode is Java's URLDecoder.decode(s, "UTF-8"): "+" is a space and
// %XX a byte; a malformed escape is an error.
func urlDecode(s string) (string, error) {
	if !strings.ContainsAny(s, "+%") {
		return s, nil
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			b = append(b, ' ')
		case '%':
			if i+2 >= len(s) {
				return "", errors.New("incomplete trailing escape (%) pattern")
			}
			h, ok1 := unhex(s[i+1])
			l, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				return "", errors.New("illegal hex characters in escape (%) pattern: " + strconv.Quote(s[i:i+3]))
			}
			b = append(b, h<<4|l)
			i += 2
		default:
			b = append(b, c)
		}
	}
	if !utf8.Valid(b) {
		return strings.ToValidUTF8(string(b), "\uFFFD"), nil
	}
	return string(b), nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// base64Decode accepts standard base64 with or without padding, and the
// URL-safe alphabet.
func base64Decode(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("the argument is not base64")
}
