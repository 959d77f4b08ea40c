package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// MaxFileSize is the largest scenario file Parse reads (a recorded session
// of thousands of steps is well under it).
const MaxFileSize = 8 << 20

// Error is a problem in a scenario file, with its place.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Load reads and parses a scenario file.
func Load(path string) (*Scenario, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse parses a scenario file's bytes; file names it in errors.
func Parse(file string, data []byte) (*Scenario, error) {
	p := &parser{file: file}
	if len(data) > MaxFileSize {
		return nil, p.errf(nil, "the file is larger than %d MiB", MaxFileSize>>20)
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		line, col := lineCol(data, i)
		return nil, &Error{File: file, Line: line, Col: col, Msg: "the file holds a NUL byte: it is not a text file"}
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, p.errf(nil, "the file is empty: a scenario needs at least steps")
		}
		return nil, yamlError(file, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, p.errf(&extra, "a second YAML document: a scenario file holds one")
	} else if !errors.Is(err, io.EOF) {
		return nil, yamlError(file, err)
	}
	sc, err := p.scenario(&doc)
	if err != nil {
		return nil, err
	}
	sc.doc = &doc
	return sc, nil
}

// Encode writes the scenario back as YAML: the document it was parsed from,
// with its comments and key order.
func (s *Scenario) Encode(w io.Writer) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(s.doc); err != nil {
		return err
	}
	return enc.Close()
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError gives a YAML syntax error its file and line.
func yamlError(file string, err error) error {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: file, Line: line, Col: 1, Msg: m[2]}
	}
	return &Error{File: file, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
}

func lineCol(data []byte, off int) (line, col int) {
	line = 1 + bytes.Count(data[:off], []byte{'\n'})
	col = off - bytes.LastIndexByte(data[:off], '\n')
	return line, col
}

type parser struct{ file string }

func (p *parser) errf(n *yaml.Node, format string, args ...any) error {
	e := &Error{File: p.file, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Col = n.Line, n.Column
	}
	return e
}

func pos(n *yaml.Node) Pos { return Pos{n.Line, n.Column} }

// pairs returns a mapping's key/value pairs, refusing anything else and
// duplicate keys.
func (p *parser) pairs(n *yaml.Node, what string) ([][2]*yaml.Node, error) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		return nil, p.errf(n, "%s must be a mapping", what)
	}
	seen := map[string]*yaml.Node{}
	var out [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, p.errf(k, "%s: keys must be plain names", what)
		}
		if first, dup := seen[k.Value]; dup {
			return nil, p.errf(k, "%s: %q is given twice (first at line %d)", what, k.Value, first.Line)
		}
		seen[k.Value] = k
		out = append(out, [2]*yaml.Node{k, v})
	}
	return out, nil
}

func (p *parser) str(n *yaml.Node, what string) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", p.errf(n, "%s must be a text value", what)
	}
	return n.Value, nil
}

func (p *parser) integer(n *yaml.Node, what string, lo, hi int) (int, error) {
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		return 0, p.errf(n, "%s must be a whole number", what)
	}
	if v < lo || v > hi {
		return 0, p.errf(n, "%s must be between %d and %d, not %d", what, lo, hi, v)
	}
	return v, nil
}

// duration reads "2s", "150ms" or a number of seconds.
func (p *parser) duration(n *yaml.Node, what string) (time.Duration, error) {
	if n.Kind != yaml.ScalarNode {
		return 0, p.errf(n, "%s must be a duration such as 2s or 500ms", what)
	}
	d, err := time.ParseDuration(n.Value)
	if err != nil {
		secs, ferr := strconv.ParseFloat(n.Value, 64)
		if ferr != nil {
			return 0, p.errf(n, "%s: %q is not a duration such as 2s or 500ms", what, n.Value)
		}
		d = time.Duration(secs * float64(time.Second))
	}
	if d < 0 || d > time.Hour {
		return 0, p.errf(n, "%s must be between 0 and 1h", what)
	}
	return d, nil
}

func (p *parser) strMap(n *yaml.Node, what string) (map[string]string, error) {
	kv, err := p.pairs(n, what)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(kv))
	for _, e := range kv {
		v, err := p.str(e[1], what+"."+e[0].Value)
		if err != nil {
			return nil, err
		}
		if err := p.checkVars(e[1], v); err != nil {
			return nil, err
		}
		m[e[0].Value] = v
	}
	return m, nil
}

func (p *parser) strList(n *yaml.Node, what string) ([]string, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, p.errf(n, "%s must be a list", what)
	}
	out := make([]string, 0, len(n.Content))
	for _, e := range n.Content {
		v, err := p.str(e, what)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (p *parser) scenario(doc *yaml.Node) (*Scenario, error) {
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	kv, err := p.pairs(root, "a scenario")
	if err != nil {
		return nil, err
	}
	sc := &Scenario{File: p.file, Timeout: DefaultTimeout, Vars: map[string]string{}}
	var steps *yaml.Node
	for _, e := range kv {
		k, v := e[0], e[1]
		switch k.Value {
		case "name":
			sc.Name, err = p.str(v, "name")
		case "description":
			sc.Description, err = p.str(v, "description")
		case "timeout":
			sc.Timeout, err = p.duration(v, "timeout")
		case "clients":
			sc.Clients, err = p.clients(v)
		case "vars":
			sc.Vars, err = p.strMap(v, "vars")
		case "steps":
			steps = v
		default:
			err = p.errf(k, "unknown key %q (want name, description, timeout, clients, vars, steps)", k.Value)
		}
		if err != nil {
			return nil, err
		}
	}
	if steps == nil {
		return nil, p.errf(root, "a scenario needs steps")
	}
	if steps.Kind != yaml.SequenceNode {
		return nil, p.errf(steps, "steps must be a list")
	}
	for _, n := range steps.Content {
		st, err := p.step(n)
		if err != nil {
			return nil, err
		}
		sc.Steps = append(sc.Steps, st)
	}
	for _, st := range sc.Steps {
		if st.Client != "" && sc.client(st.Client) == nil {
			sc.Clients = append(sc.Clients, ClientSpec{Name: st.Client})
		}
	}
	return sc, nil
}

// client returns the named client's spec, or nil.
func (s *Scenario) client(name string) *ClientSpec {
	for i := range s.Clients {
		if s.Clients[i].Name == name {
			return &s.Clients[i]
		}
	}
	return nil
}

var namePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

func (p *parser) clients(n *yaml.Node) ([]ClientSpec, error) {
	kv, err := p.pairs(n, "clients")
	if err != nil {
		return nil, err
	}
	var out []ClientSpec
	for _, e := range kv {
		name := e[0].Value
		if !namePattern.MatchString(name) {
			return nil, p.errf(e[0], "client name %q: use letters, digits, _ and -", name)
		}
		c := ClientSpec{Name: name}
		if e[1].Tag != "!!null" {
			fields, err := p.pairs(e[1], "client "+name)
			if err != nil {
				return nil, err
			}
			for _, f := range fields {
				switch f[0].Value {
				case "path":
					c.Path, err = p.str(f[1], "path")
				case "headers":
					c.Headers, err = p.strMap(f[1], "headers")
				case "query":
					c.Query, err = p.strMap(f[1], "query")
				case "subprotocols":
					c.Subprotocols, err = p.strList(f[1], "subprotocols")
				default:
					err = p.errf(f[0], "client %s: unknown key %q (want path, headers, query, subprotocols)", name, f[0].Value)
				}
				if err != nil {
					return nil, err
				}
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// allowed lists the keys each kind of step takes besides its own key and
// description.
var allowed = map[Kind][]string{
	Connect:     {"path", "headers", "query", "subprotocols", "status"},
	Send:        {"text", "json"},
	Expect:      {"text", "json", "subset", "regex", "any", "frames", "timeout", "capture"},
	Post:        {"text", "json", "status"},
	Get:         {"status", "text", "json", "subset", "regex", "any", "capture"},
	Delete:      {"status"},
	Wait:        {},
	Close:       {"code", "reason"},
	ExpectClose: {"code", "timeout"},
}

func (p *parser) step(n *yaml.Node) (Step, error) {
	kv, err := p.pairs(n, "a step")
	if err != nil {
		return Step{}, err
	}
	st := Step{Pos: pos(n)}
	var kindVal *yaml.Node
	for _, e := range kv {
		if slices.Contains(kinds, Kind(e[0].Value)) {
			if kindVal != nil {
				return Step{}, p.errf(e[0], "a step does one thing: %q and %q are both given", st.Kind, e[0].Value)
			}
			st.Kind, kindVal = Kind(e[0].Value), e[1]
		}
	}
	if kindVal == nil {
		return Step{}, p.errf(n, "a step starts with one of %s", kindList())
	}
	if err := p.stepTarget(&st, kindVal); err != nil {
		return Step{}, err
	}
	for _, e := range kv {
		k, v := e[0], e[1]
		switch {
		case Kind(k.Value) == st.Kind:
			continue
		case k.Value == "description":
			st.Description, err = p.str(v, "description")
		case !slices.Contains(allowed[st.Kind], k.Value):
			err = p.errf(k, "%s: unknown key %q (want %s)", st.Kind, k.Value, strings.Join(append([]string{"description"}, allowed[st.Kind]...), ", "))
		default:
			err = p.stepField(&st, k, v)
		}
		if err != nil {
			return Step{}, err
		}
	}
	return st, p.stepComplete(&st, n)
}

func kindList() string {
	s := make([]string, len(kinds))
	for i, k := range kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// stepTarget reads the value of the step's own key: a client name, a
// connection ID, or wait's duration.
func (p *parser) stepTarget(st *Step, v *yaml.Node) error {
	var err error
	switch st.Kind {
	case Wait:
		st.Wait, err = p.duration(v, "wait")
	case Post, Get, Delete:
		st.Target, err = p.str(v, string(st.Kind))
		if err == nil && st.Target == "" {
			err = p.errf(v, "%s needs a connection ID, e.g. ${connectionId.alice}", st.Kind)
		}
		if err == nil {
			err = p.checkVars(v, st.Target)
		}
	default:
		st.Client, err = p.str(v, string(st.Kind))
		if err == nil && !namePattern.MatchString(st.Client) {
			err = p.errf(v, "%s: %q is not a client name (letters, digits, _ and -)", st.Kind, st.Client)
		}
	}
	return err
}

func (p *parser) stepField(st *Step, k, v *yaml.Node) error {
	var err error
	switch k.Value {
	case "path":
		st.Path, err = p.str(v, "path")
	case "headers":
		st.Headers, err = p.strMap(v, "headers")
	case "query":
		st.Query, err = p.strMap(v, "query")
	case "subprotocols":
		st.Subprotocols, err = p.strList(v, "subprotocols")
	case "status":
		st.Status, err = p.integer(v, "status", 100, 599)
	case "code":
		st.Code, err = p.integer(v, "code", 1000, 4999)
	case "reason":
		st.Reason, err = p.str(v, "reason")
		if err == nil && len(st.Reason) > 123 {
			err = p.errf(v, "reason is %d bytes; a close frame holds at most 123", len(st.Reason))
		}
	case "timeout":
		st.Timeout, err = p.duration(v, "timeout")
	case "capture":
		st.Captures, err = p.captures(v)
	case "frames":
		err = p.frames(st, v)
	case "text", "json":
		if st.Kind == Send || st.Kind == Post {
			err = p.body(st, k, v)
			break
		}
		fallthrough
	default: // a matcher
		var m Matcher
		m, err = p.matcher(k, v)
		st.Frames = append(st.Frames, m)
	}
	return err
}

func (p *parser) body(st *Step, k, v *yaml.Node) error {
	if st.Body != "" || st.BodyJSON {
		return p.errf(k, "%s: give text or json, not both", st.Kind)
	}
	if k.Value == "text" {
		var err error
		st.Body, err = p.str(v, "text")
		if err != nil {
			return err
		}
		return p.checkVars(v, st.Body)
	}
	text, _, err := p.jsonValue(v)
	st.Body, st.BodyJSON = text, true
	return err
}

// jsonValue turns a YAML value into compact JSON, keeping the file's key
// order. A quoted text value that is itself JSON (json: '{"a":1}') is taken
// as that JSON.
func (p *parser) jsonValue(v *yaml.Node) (string, any, error) {
	var b bytes.Buffer
	if v.Kind == yaml.ScalarNode && v.Tag == "!!str" && v.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 && json.Valid([]byte(v.Value)) {
		if err := json.Compact(&b, []byte(v.Value)); err != nil {
			return "", nil, p.errf(v, "json: %v", err)
		}
	} else if err := p.writeJSON(&b, v, 0); err != nil {
		return "", nil, err
	}
	if err := p.checkVars(v, b.String()); err != nil {
		return "", nil, err
	}
	var val any
	if err := json.Unmarshal(b.Bytes(), &val); err != nil {
		return "", nil, p.errf(v, "json: %v", err)
	}
	return b.String(), val, nil
}

// writeJSON writes a YAML node as JSON.
func (p *parser) writeJSON(b *bytes.Buffer, n *yaml.Node, depth int) error {
	if depth > 100 {
		return p.errf(n, "json: nested more than 100 deep")
	}
	switch n.Kind {
	case yaml.AliasNode:
		return p.errf(n, "json: aliases are not allowed here")
	case yaml.MappingNode:
		kv, err := p.pairs(n, "a JSON object")
		if err != nil {
			return err
		}
		b.WriteByte('{')
		for i, e := range kv {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, e[0].Value)
			b.WriteByte(':')
			if err := p.writeJSON(b, e[1], depth+1); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, e := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := p.writeJSON(b, e, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			b.WriteString("null")
		case "!!bool":
			var v bool
			_ = n.Decode(&v)
			b.WriteString(strconv.FormatBool(v))
		case "!!int", "!!float":
			var f float64
			if err := n.Decode(&f); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
				return p.errf(n, "json: %q is not a JSON number", n.Value)
			}
			if json.Valid([]byte(n.Value)) {
				b.WriteString(n.Value)
			} else {
				b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
			}
		default:
			writeJSONString(b, n.Value)
		}
	default:
		return p.errf(n, "json: unexpected YAML node")
	}
	return nil
}

// writeJSONString writes s as a JSON string, escaping only what JSON needs
// (encoding/json would also escape <, > and &).
func writeJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	b.Truncate(b.Len() - 1) // Encode's newline
}

func (p *parser) matcher(k, v *yaml.Node) (Matcher, error) {
	m := Matcher{Kind: MatchKind(k.Value), Pos: pos(k)}
	var err error
	switch m.Kind {
	case MatchText:
		m.Text, err = p.str(v, "text")
		if err == nil {
			err = p.checkVars(v, m.Text)
		}
	case MatchJSON, MatchSubset:
		m.Text, m.Value, err = p.jsonValue(v)
	case MatchRegex:
		m.Text, err = p.str(v, "regex")
		if err == nil {
			err = p.checkVars(v, m.Text)
		}
		if err == nil && !strings.Contains(m.Text, "${") {
			m.Regex, err = regexp.Compile(m.Text)
			if err != nil {
				err = p.errf(v, "regex: %v", err)
			}
		}
	case MatchAny:
		if v.Tag != "!!bool" || v.Value != "true" {
			err = p.errf(v, "any takes the value true")
		}
	default:
		err = p.errf(k, "unknown matcher %q (want text, json, subset, regex or any)", k.Value)
	}
	return m, err
}

// frames reads an expect's unordered set of frames: a list of one-key
// mappings, each a matcher.
func (p *parser) frames(st *Step, v *yaml.Node) error {
	if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
		return p.errf(v, "frames must be a list of matchers, e.g. - json: {...}")
	}
	for _, f := range v.Content {
		kv, err := p.pairs(f, "a frame")
		if err != nil {
			return err
		}
		if len(kv) != 1 {
			return p.errf(f, "a frame is one matcher: text, json, subset, regex or any")
		}
		m, err := p.matcher(kv[0][0], kv[0][1])
		if err != nil {
			return err
		}
		st.Frames = append(st.Frames, m)
	}
	return nil
}

func (p *parser) captures(v *yaml.Node) ([]Capture, error) {
	kv, err := p.pairs(v, "capture")
	if err != nil {
		return nil, err
	}
	var out []Capture
	for _, e := range kv {
		c := Capture{Var: e[0].Value, Pos: pos(e[0])}
		if !varName.MatchString(c.Var) || strings.HasPrefix(c.Var, "connectionId.") {
			return nil, p.errf(e[0], "capture: %q is not a variable name (letters, digits, _, - and .; connectionId.* is taken)", c.Var)
		}
		switch e[1].Kind {
		case yaml.ScalarNode:
			c.Path = e[1].Value
			if _, err := gjsonPath(c.Path); err != nil {
				return nil, p.errf(e[1], "capture %s: %v", c.Var, err)
			}
		case yaml.MappingNode:
			f, err := p.pairs(e[1], "capture "+c.Var)
			if err != nil {
				return nil, err
			}
			if len(f) != 1 || f[0][0].Value != "regex" {
				return nil, p.errf(e[1], "capture %s: give a JSONPath ($.a.b) or {regex: ...}", c.Var)
			}
			expr, err := p.str(f[0][1], "regex")
			if err != nil {
				return nil, err
			}
			if c.Regex, err = regexp.Compile(expr); err != nil {
				return nil, p.errf(f[0][1], "capture %s: regex: %v", c.Var, err)
			}
		default:
			return nil, p.errf(e[1], "capture %s: give a JSONPath ($.a.b) or {regex: ...}", c.Var)
		}
		out = append(out, c)
	}
	return out, nil
}

// stepComplete checks what a step needs as a whole.
func (p *parser) stepComplete(st *Step, n *yaml.Node) error {
	switch st.Kind {
	case Send:
		if st.Body == "" && !st.BodyJSON {
			return p.errf(n, "send needs text or json")
		}
	case Expect:
		if len(st.Frames) == 0 {
			return p.errf(n, "expect needs a matcher (text, json, subset, regex, any) or frames")
		}
	case Get:
		if len(st.Frames) > 1 {
			return p.errf(n, "get takes at most one matcher for the answer's body")
		}
	}
	if len(st.Captures) > 0 && len(st.Frames) == 0 {
		return p.errf(n, "capture needs a matcher to take values from")
	}
	return nil
}

// checkVars refuses a "${" that is not closed or names no variable.
func (p *parser) checkVars(n *yaml.Node, s string) error {
	for i := 0; ; {
		j := strings.Index(s[i:], "${")
		if j < 0 {
			return nil
		}
		j += i
		end := strings.IndexByte(s[j:], '}')
		if end < 0 {
			return p.errf(n, "%q: ${ is not closed by }", s)
		}
		if name := s[j+2 : j+end]; !varName.MatchString(name) {
			return p.errf(n, "%q: ${%s} is not a variable name", s, name)
		}
		i = j + end + 1
	}
}

var varName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)
