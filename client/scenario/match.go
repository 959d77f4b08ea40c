package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// Vars are a run's variables: the file's, captures, and connectionId.NAME.
type Vars interface {
	Lookup(name string) (string, error)
}

// expand replaces every ${name} in s. With inJSON, values are escaped for a
// JSON string (a ${...} in compact JSON can only stand inside a string).
func expand(s string, vars Vars, inJSON bool) (string, error) {
	if !strings.Contains(s, "${") {
		return s, nil
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 { // Parse refuses this; keep the text as written.
			b.WriteString(s)
			return b.String(), nil
		}
		v, err := vars.Lookup(s[i+2 : i+end])
		if err != nil {
			return "", err
		}
		b.WriteString(s[:i])
		if inJSON {
			var q bytes.Buffer
			writeJSONString(&q, v)
			b.WriteString(q.String()[1 : q.Len()-1])
		} else {
			b.WriteString(v)
		}
		s = s[i+end+1:]
	}
}

// expanded is a Matcher with its variables replaced, ready to compare.
type expanded struct {
	Matcher
	want any // json, subset
	re   *regexp.Regexp
}

func (m Matcher) expand(vars Vars) (expanded, error) {
	x := expanded{Matcher: m, want: m.Value, re: m.Regex}
	var err error
	switch m.Kind {
	case MatchText:
		x.Text, err = expand(m.Text, vars, false)
	case MatchJSON, MatchSubset:
		if x.Text, err = expand(m.Text, vars, true); err == nil && x.Text != m.Text {
			err = json.Unmarshal([]byte(x.Text), &x.want)
		}
	case MatchRegex:
		if x.re == nil {
			if x.Text, err = expand(m.Text, vars, false); err == nil {
				x.re, err = regexp.Compile(x.Text)
			}
		}
	}
	return x, err
}

// match reports whether frame satisfies the matcher, and if not, why, in a
// few lines a person can read.
func (x expanded) match(frame string) (bool, string) {
	switch x.Kind {
	case MatchAny:
		return true, ""
	case MatchText:
		if frame == x.Text {
			return true, ""
		}
		return false, fmt.Sprintf("want text %s\n got text %s", quote(x.Text), quote(frame))
	case MatchRegex:
		if x.re.MatchString(frame) {
			return true, ""
		}
		return false, fmt.Sprintf("want a frame matching /%s/\n got %s", x.re, quote(frame))
	}
	var got any
	if err := json.Unmarshal([]byte(frame), &got); err != nil {
		return false, fmt.Sprintf("want JSON %s\n got a frame that is not JSON: %s", x.Text, quote(frame))
	}
	var diffs []string
	if x.Kind == MatchJSON {
		diffs = diffJSON("$", x.want, got, false, nil)
	} else {
		diffs = diffJSON("$", x.want, got, true, nil)
	}
	if len(diffs) == 0 {
		return true, ""
	}
	word := "JSON"
	if x.Kind == MatchSubset {
		word = "JSON containing"
	}
	const max = 8
	more := ""
	if len(diffs) > max {
		more = fmt.Sprintf("\n  ... and %d more", len(diffs)-max)
		diffs = diffs[:max]
	}
	return false, fmt.Sprintf("want %s %s\n got %s\n  %s%s", word, x.Text, frame, strings.Join(diffs, "\n  "), more)
}

func quote(s string) string {
	const max = 300
	if len(s) > max {
		return strconv.Quote(s[:max]) + fmt.Sprintf("... (%d bytes)", len(s))
	}
	return strconv.Quote(s)
}

// diffJSON lists where got differs from want, one line per JSONPath. With
// subset, got may have more object members than want.
func diffJSON(path string, want, got any, subset bool, out []string) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return append(out, fmt.Sprintf("%s: want an object, got %s", path, short(got)))
		}
		for _, k := range slices.Sorted(maps.Keys(w)) {
			gv, ok := g[k]
			if !ok {
				out = append(out, fmt.Sprintf("%s: missing (want %s)", member(path, k), short(w[k])))
				continue
			}
			out = diffJSON(member(path, k), w[k], gv, subset, out)
		}
		if !subset {
			for _, k := range slices.Sorted(maps.Keys(g)) {
				if _, ok := w[k]; !ok {
					out = append(out, fmt.Sprintf("%s: not expected (got %s)", member(path, k), short(g[k])))
				}
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			return append(out, fmt.Sprintf("%s: want an array, got %s", path, short(got)))
		}
		if len(g) != len(w) {
			return append(out, fmt.Sprintf("%s: want %d elements, got %d: %s", path, len(w), len(g), short(got)))
		}
		for i := range w {
			out = diffJSON(fmt.Sprintf("%s[%d]", path, i), w[i], g[i], subset, out)
		}
	default:
		if want != got {
			out = append(out, fmt.Sprintf("%s: want %s, got %s", path, short(want), short(got)))
		}
	}
	return out
}

func member(path, k string) string {
	if namePattern.MatchString(k) {
		return path + "." + k
	}
	return path + "[" + strconv.Quote(k) + "]"
}

// short writes a JSON value in at most about 80 characters.
func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 80 {
		return string(b[:77]) + "..."
	}
	return string(b)
}

// gjsonPath turns the JSONPath a capture names ($, $.a.b, $.a[0], $['a b'])
// into a gjson path.
func gjsonPath(p string) (string, error) {
	if p == "$" {
		return "@this", nil
	}
	if !strings.HasPrefix(p, "$.") && !strings.HasPrefix(p, "$[") {
		return "", fmt.Errorf("%q is not a JSONPath: start it with $. ($.a.b)", p)
	}
	var parts []string
	s := p[1:]
	for s != "" {
		switch {
		case s[0] == '.':
			end := strings.IndexAny(s[1:], ".[")
			if end < 0 {
				end = len(s) - 1
			}
			name := s[1 : 1+end]
			if name == "" {
				return "", fmt.Errorf("%q: empty member name", p)
			}
			parts = append(parts, gjsonEscape(name))
			s = s[1+end:]
		case s[0] == '[':
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return "", fmt.Errorf("%q: [ is not closed", p)
			}
			in := s[1:end]
			if n, err := strconv.Atoi(in); err == nil && n >= 0 {
				parts = append(parts, in)
			} else if len(in) >= 2 && (in[0] == '\'' || in[0] == '"') && in[len(in)-1] == in[0] {
				parts = append(parts, gjsonEscape(in[1:len(in)-1]))
			} else {
				return "", fmt.Errorf("%q: [%s] is neither an index nor a quoted name", p, in)
			}
			s = s[end+1:]
		default:
			return "", fmt.Errorf("%q: unexpected %q", p, s[0])
		}
	}
	return strings.Join(parts, "."), nil
}

func gjsonEscape(name string) string {
	var b strings.Builder
	for _, r := range name {
		if strings.ContainsRune(`.*?|#@\!=<>%"`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// capture takes a capture's value from a frame.
func (c Capture) take(frame string) (string, error) {
	if c.Regex != nil {
		m := c.Regex.FindStringSubmatch(frame)
		switch {
		case m == nil:
			return "", fmt.Errorf("capture %s: /%s/ does not match %s", c.Var, c.Regex, quote(frame))
		case len(m) > 1:
			return m[1], nil
		}
		return m[0], nil
	}
	path, _ := gjsonPath(c.Path) // checked by Parse
	if !gjson.Valid(frame) {
		return "", fmt.Errorf("capture %s: the frame is not JSON: %s", c.Var, quote(frame))
	}
	r := gjson.Get(frame, path)
	if !r.Exists() {
		return "", fmt.Errorf("capture %s: %s is not in %s", c.Var, c.Path, quote(frame))
	}
	if r.Type == gjson.String {
		return r.Str, nil
	}
	return r.Raw, nil
}
