package workspace

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Limits on resolving a serverless.yml's variables. A ${self:path} is
// resolved once and remembered, so the work grows with the number of
// references in the file, not with how they fan out; the limits stop the
// rest (a huge file of references, values that double at every level).
const (
	maxVarLookups = 100_000 // variables resolved in one file
	maxVarDepth   = 32      // references through references
	maxVarBytes   = 8 << 20 // bytes produced by expansion in one file
)

// varResult is a resolved ${self:path}: its value, and whether it resolved
// (a value with a variable the workbench cannot know stays as written).
type varResult struct {
	v  string
	ok bool
}

// slsVars resolves the Serverless Framework variables the workbench can know:
// ${self:path}, ${sls:stage}, ${opt:...} and ${env:...} through their
// fallbacks, ${aws:region} and ${aws:accountId}. What it cannot resolve stays
// as written. The first error (a limit reached, ctx done) sticks in err and
// ends the load.
type slsVars struct {
	s *slsImporter
	// memo holds every ${self:path} resolved so far; it is valid for one
	// stage and region, and cleared when they are set.
	memo map[string]varResult
	// active are the self paths being resolved, to leave a cycle unresolved.
	active  map[string]bool
	lookups int
	bytes   int
	at      *yaml.Node // the value being resolved, for err's position
	err     error
}

func newSLSVars(s *slsImporter) *slsVars {
	return &slsVars{s: s, memo: map[string]varResult{}, active: map[string]bool{}}
}

// resolve returns n's value with its variables resolved.
func (r *slsVars) resolve(n *yaml.Node) (string, error) {
	return r.resolveString(n, n.Value)
}

// resolveString returns str, a value read from n (an intrinsic function's
// result, say), with its variables resolved; errors are placed at n.
func (r *slsVars) resolveString(n *yaml.Node, str string) (string, error) {
	if r.err != nil {
		return "", r.err
	}
	r.at = n
	v := r.expand(str, 0)
	return v, r.err
}

// fail records the first error, at the value being resolved.
func (r *slsVars) fail(msg string) {
	if r.err == nil {
		r.err = r.s.src.errAt(r.at, msg)
	}
}

// expand resolves every ${...} in str.
func (r *slsVars) expand(str string, depth int) string {
	if r.err != nil || !strings.Contains(str, "${") {
		return str
	}
	if depth > maxVarDepth {
		r.fail(fmt.Sprintf("variables refer to variables more than %d deep", maxVarDepth))
		return str
	}
	var b strings.Builder
	rest := str
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:i])
		end := matchBrace(rest, i+2)
		if end < 0 {
			b.WriteString(rest[i:])
			break
		}
		if v, ok := r.variable(rest[i+2:end], depth+1); ok {
			b.WriteString(v)
		} else {
			b.WriteString(rest[i : end+1])
		}
		if r.err != nil {
			return str
		}
		if b.Len() > maxEvalString {
			r.fail(fmt.Sprintf("variables expand to more than %d bytes", maxEvalString))
			return str
		}
		rest = rest[end+1:]
	}
	r.bytes += b.Len()
	if r.bytes > maxVarBytes {
		r.fail(fmt.Sprintf("variables expand to more than %d bytes in all", maxVarBytes))
		return str
	}
	return b.String()
}

// matchBrace returns the index of the } closing a ${ whose body starts at from.
func matchBrace(s string, from int) int {
	depth := 1
	for j := from; j < len(s); j++ {
		switch {
		case s[j] == '$' && j+1 < len(s) && s[j+1] == '{':
			depth++
			j++
		case s[j] == '}':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// variable resolves one variable body, "source[, fallback]".
func (r *slsVars) variable(body string, depth int) (string, bool) {
	r.lookups++
	if r.lookups > maxVarLookups {
		r.fail(fmt.Sprintf("more than %d variables to resolve", maxVarLookups))
		return "", false
	}
	if r.lookups%1024 == 0 {
		if err := r.s.ctx.Err(); err != nil {
			r.err = fmt.Errorf("load %s: %w", r.s.src.name, err)
			return "", false
		}
	}
	ref, fallback, hasFallback := splitTopComma(body)
	ref = strings.TrimSpace(ref)
	if v, ok := r.source(ref, depth); ok {
		return v, true
	}
	if !hasFallback {
		return "", false
	}
	fallback = strings.TrimSpace(fallback)
	if len(fallback) >= 2 && (fallback[0] == '\'' || fallback[0] == '"') && fallback[len(fallback)-1] == fallback[0] {
		return fallback[1 : len(fallback)-1], true
	}
	if strings.HasPrefix(fallback, "${") {
		v := r.expand(fallback, depth)
		return v, !strings.Contains(v, "${")
	}
	if v, ok := r.source(fallback, depth); ok {
		return v, true
	}
	if fallback != "" && !strings.Contains(fallback, ":") {
		return fallback, true // a bare literal like 10 or dev
	}
	return "", false
}

func splitTopComma(s string) (string, string, bool) {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
		case ',':
			if depth == 0 {
				return s[:i], s[i+1:], true
			}
		}
	}
	return s, "", false
}

// source resolves a variable source such as self:provider.stage.
func (r *slsVars) source(ref string, depth int) (string, bool) {
	if strings.HasPrefix(ref, "${") {
		v := r.expand(ref, depth)
		return v, !strings.Contains(v, "${")
	}
	kind, path, ok := strings.Cut(ref, ":")
	if !ok {
		return "", false
	}
	s := r.s
	switch kind {
	case "self":
		return r.self(path, depth)
	case "sls":
		if path == "stage" && s.stage != "" {
			return s.stage, true
		}
	case "aws":
		switch path {
		case "region":
			if s.region != "" {
				return s.region, true
			}
		case "accountId":
			return pseudoAccountID, true
		}
	}
	return "", false
}

// self resolves ${self:path}, once per path.
func (r *slsVars) self(path string, depth int) (string, bool) {
	if res, done := r.memo[path]; done {
		return res.v, res.ok
	}
	if r.active[path] {
		return "", false // a cycle: left as written
	}
	n := r.s.root
	for _, part := range strings.Split(path, ".") {
		if part == "" {
			continue
		}
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		if n = mapGet(n, part); n == nil {
			return "", false
		}
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.ScalarNode {
		return "", false
	}
	if path == "provider.stage" && n.Value == "" {
		return r.s.stage, true
	}
	r.active[path] = true
	at := r.at
	r.at = n
	v := r.expand(n.Value, depth)
	r.at = at
	delete(r.active, path)
	if r.err != nil {
		return "", false
	}
	res := varResult{v, !strings.Contains(v, "${")}
	r.memo[path] = res
	return res.v, res.ok
}

// reset forgets what was resolved: ${sls:stage} and ${aws:region} change
// once the stage and region are known.
func (r *slsVars) reset() {
	clear(r.memo)
}
