package workspace

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// source is a file being loaded: its name for errors and its lines, so a
// position inside a scalar (a template's line and column, a ${Var} in a !Sub)
// can be mapped back to the file.
type source struct {
	name  string
	lines []string
}

func newSource(name string, data []byte) *source {
	return &source{name: name, lines: strings.Split(string(data), "\n")}
}

// errAt returns an *Error at n's position.
func (s *source) errAt(n *yaml.Node, msg string) *Error {
	if n == nil {
		return &Error{File: s.name, Msg: msg}
	}
	return &Error{File: s.name, Line: n.Line, Col: n.Column, Msg: msg}
}

// pos returns "file:line:col" for n.
func (s *source) pos(n *yaml.Node) string {
	return s.name + ":" + strconv.Itoa(n.Line) + ":" + strconv.Itoa(n.Column)
}

// line returns the 1-based line l, or "".
func (s *source) line(l int) string {
	if l < 1 || l > len(s.lines) {
		return ""
	}
	return strings.TrimSuffix(s.lines[l-1], "\r")
}

// valueStart returns where the text of scalar n begins: after its tag, and on
// the quote for a quoted scalar. For a block scalar (| or >) it is the first
// content line and its indentation.
func (s *source) valueStart(n *yaml.Node) (line, col int) {
	line, col = n.Line, n.Column
	text := s.line(line)
	runes := []rune(text)
	i := col - 1
	if i < 0 || i > len(runes) {
		return line, col
	}
	if n.Tag != "" && i < len(runes) && runes[i] == '!' {
		for i < len(runes) && runes[i] != ' ' && runes[i] != '\t' {
			i++
		}
		for i < len(runes) && (runes[i] == ' ' || runes[i] == '\t') {
			i++
		}
	}
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		// The content starts on the next non-empty line, at its indentation.
		for l := line + 1; l <= len(s.lines); l++ {
			t := s.line(l)
			if strings.TrimSpace(t) == "" {
				continue
			}
			return line + 1, len(t) - len(strings.TrimLeft(t, " ")) + 1
		}
		return line + 1, 1
	}
	return line, i + 1
}

// posIn maps a 1-based line and column inside scalar n's value to the file.
// It is exact for single-line plain and quoted scalars without escapes and for
// literal block scalars; elsewhere it falls back to the scalar's start.
func (s *source) posIn(n *yaml.Node, line, col int) (int, int) {
	if n == nil {
		return 0, 0
	}
	if n.Kind != yaml.ScalarNode {
		return n.Line, n.Column
	}
	vl, vc := s.valueStart(n)
	switch {
	case n.Style&yaml.LiteralStyle != 0:
		return vl + line - 1, vc + col - 1
	case n.Style&yaml.FoldedStyle != 0:
		return vl, vc
	case strings.Contains(n.Value, "\n") || line != 1:
		return vl, vc
	case n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0:
		return vl, vc + col
	}
	return vl, vc + col - 1
}

// posAtOffset maps a byte offset in scalar n's value to the file.
func (s *source) posAtOffset(n *yaml.Node, off int) (int, int) {
	if n == nil || off < 0 || off > len(n.Value) {
		return 0, 0
	}
	before := n.Value[:off]
	line := strings.Count(before, "\n") + 1
	if i := strings.LastIndexByte(before, '\n'); i >= 0 {
		before = before[i+1:]
	}
	return s.posIn(n, line, utf8.RuneCountInString(before)+1)
}

// mapGet returns the value under key in mapping m, or nil.
func mapGet(m *yaml.Node, key string) *yaml.Node {
	_, v := mapGetKV(m, key)
	return v
}

// mapGetKV returns the key and value nodes under key in mapping m.
func mapGetKV(m *yaml.Node, key string) (k, v *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Kind == yaml.ScalarNode && m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

// mapIndex returns the index in m.Content of key's key node, or -1.
func mapIndex(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Kind == yaml.ScalarNode && m.Content[i].Value == key {
			return i
		}
	}
	return -1
}

// mapSet sets key to v in mapping m, keeping the key node (and its comments)
// when the key exists.
func mapSet(m *yaml.Node, key string, v *yaml.Node) {
	if i := mapIndex(m, key); i >= 0 {
		old := m.Content[i+1]
		if v.LineComment == "" {
			v.LineComment = old.LineComment
		}
		m.Content[i+1] = v
		return
	}
	m.Content = append(m.Content, strNode(key), v)
}

// mapInsert inserts key: v into m at pair index i (0 is first).
func mapInsert(m *yaml.Node, at int, key string, v *yaml.Node) {
	pair := []*yaml.Node{strNode(key), v}
	m.Content = append(m.Content[:at], append(pair, m.Content[at:]...)...)
}

// mapDelete removes key from mapping m.
func mapDelete(m *yaml.Node, key string) {
	if i := mapIndex(m, key); i >= 0 {
		m.Content = append(m.Content[:i], m.Content[i+2:]...)
	}
}

// strNode returns a string scalar that reads back as s: the encoder picks
// the style (a literal block for multi-line text) unless that style would
// change the text, in which case it is double-quoted.
func strNode(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	fixStyle(n)
	return n
}

// fixStyle double-quotes string scalar n when the encoder's own choice of
// style would not read back as the same text (a tab starting a line of a
// literal block, trailing blank lines, carriage returns, ...).
func fixStyle(n *yaml.Node) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" || n.Style&yaml.DoubleQuotedStyle != 0 || plainSafe(n.Value) {
		return
	}
	if !readsBack(n) {
		n.Style = yaml.DoubleQuotedStyle
	}
}

// plainSafe reports whether s is printable ASCII on one line, which the
// encoder always writes faithfully.
func plainSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

func readsBack(n *yaml.Node) bool {
	doc := mappingNode(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "k"}, n)
	out, err := yaml.Marshal(doc)
	if err != nil {
		return false
	}
	var m map[string]string
	if err := yaml.Unmarshal(out, &m); err != nil {
		return false
	}
	return m["k"] == n.Value
}

// fixStyles applies fixStyle to every scalar under n.
func fixStyles(n *yaml.Node) {
	if n == nil {
		return
	}
	fixStyle(n)
	for _, c := range n.Content {
		fixStyles(c)
	}
}

func tagNode(tag, s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: s}
}

func mappingNode(kv ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: kv}
}

// copyNode deep-copies n, keeping aliases pointing at the copies of their anchors.
func copyNode(n *yaml.Node) *yaml.Node {
	seen := map[*yaml.Node]*yaml.Node{}
	var cp func(n *yaml.Node) *yaml.Node
	cp = func(n *yaml.Node) *yaml.Node {
		if n == nil {
			return nil
		}
		if c, ok := seen[n]; ok {
			return c
		}
		c := *n
		seen[n] = &c
		if n.Content != nil {
			c.Content = make([]*yaml.Node, len(n.Content))
			for i, child := range n.Content {
				c.Content[i] = cp(child)
			}
		}
		c.Alias = cp(n.Alias)
		return &c
	}
	return cp(n)
}

// nodeEqual reports whether a and b have the same kind, tag, value and children
// (styles, positions and comments aside). Nil equals nil only.
func nodeEqual(a, b *yaml.Node) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Kind != b.Kind || a.ShortTag() != b.ShortTag() || a.Value != b.Value || len(a.Content) != len(b.Content) {
		return false
	}
	for i := range a.Content {
		if !nodeEqual(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

// unflow makes a document parsed from JSON print as block YAML: it drops the
// flow and quoting styles (the encoder quotes where YAML needs it).
func unflow(n *yaml.Node, seen map[*yaml.Node]bool) {
	if n == nil || seen[n] {
		return
	}
	seen[n] = true
	n.Style &= yaml.TaggedStyle | yaml.LiteralStyle | yaml.FoldedStyle
	fixStyle(n)
	for _, c := range n.Content {
		unflow(c, seen)
	}
}
