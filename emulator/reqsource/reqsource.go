// Package reqsource reads the request values API Gateway's mapping
// expressions name: route.request.header.NAME, route.request.querystring.NAME,
// their multivalue forms, route.request.body.JSONPATH, stageVariables.NAME,
// context.NAME and 'static' values. Request parameter mapping (httpinteg) and
// authorizer identity sources (authorizer) both resolve their sources here;
// each caller decides which kinds it accepts.
package reqsource

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/tidwall/gjson"

	"wsworkbench/emulator/jsonpath"
)

// Kind is what a source reads.
type Kind int

// The kinds of source.
const (
	Static                Kind = iota + 1 // 'value'
	Context                               // context.NAME
	StageVariable                         // stageVariables.NAME
	Header                                // route.request.header.NAME
	MultiValueHeader                      // route.request.multivalueheader.NAME
	QueryString                           // route.request.querystring.NAME
	MultiValueQueryString                 // route.request.multivaluequerystring.NAME
	Body                                  // route.request.body.JSONPATH
)

// Request holds the values sources read.
type Request struct {
	// Context holds $context by dotted name: connectionId,
	// identity.sourceIp, authorizer.principalId.
	Context map[string]string
	// Header and Query are the upgrade request's ($connect only).
	Header http.Header
	Query  url.Values
	// StageVariables are the stage's variables.
	StageVariables map[string]string
	// Body is the message (route.request.body.JSONPATH).
	Body []byte
}

// Source is a parsed source expression.
type Source struct {
	Kind Kind
	// Name is the header, query parameter, stage variable or context name,
	// the static value, or the JSONPath of a body source.
	Name string
	path jsonpath.Path
}

// Parse reads a source expression (surrounding white space is ignored). An
// expression of no known form, or one that names nothing, is an error naming
// it.
func Parse(expr string) (Source, error) {
	v := strings.TrimSpace(expr)
	if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
		return Source{Kind: Static, Name: v[1 : len(v)-1]}, nil
	}
	prefix, name, _ := strings.Cut(v, ".")
	switch prefix {
	case "context":
		if name == "" {
			break
		}
		return Source{Kind: Context, Name: name}, nil
	case "stageVariables":
		if name == "" {
			break
		}
		return Source{Kind: StageVariable, Name: name}, nil
	case "route":
		return parseRoute(v)
	}
	return Source{}, fmt.Errorf("source %q must be 'static', context.NAME, stageVariables.NAME or route.request.(header|querystring|multivalueheader|multivaluequerystring|body).NAME", v)
}

func parseRoute(v string) (Source, error) {
	rest, ok := strings.CutPrefix(v, "route.request.")
	if !ok {
		return Source{}, fmt.Errorf("source %q: want route.request.…", v)
	}
	kind, name, ok := strings.Cut(rest, ".")
	if !ok || name == "" {
		return Source{}, fmt.Errorf("source %q names no parameter", v)
	}
	switch kind {
	case "header":
		return Source{Kind: Header, Name: name}, nil
	case "multivalueheader":
		return Source{Kind: MultiValueHeader, Name: name}, nil
	case "querystring":
		return Source{Kind: QueryString, Name: name}, nil
	case "multivaluequerystring":
		return Source{Kind: MultiValueQueryString, Name: name}, nil
	case "body":
		p, err := jsonpath.Compile(name)
		if err != nil {
			return Source{}, fmt.Errorf("source %q: %w", v, err)
		}
		return Source{Kind: Body, Name: name, path: p}, nil
	}
	return Source{}, fmt.Errorf("source %q: %q is not header, querystring, multivalueheader, multivaluequerystring or body", v, kind)
}

// Values returns what s maps to in r, as request parameter mapping sends it:
// the last value of a repeated header or query parameter, every value for the
// multivalue forms, and nothing when the source has no value (an empty single
// value counts as none).
func (s Source) Values(r Request) []string {
	vals := s.all(r)
	if s.Kind != Header && s.Kind != QueryString {
		return vals
	}
	if len(vals) == 0 {
		return nil
	}
	return nonEmpty(vals[len(vals)-1])
}

// Joined returns every value s has in r joined with commas, the form an
// authorizer identity source takes; "" when it has none.
func (s Source) Joined(r Request) string {
	return strings.Join(s.all(r), ",")
}

func (s Source) all(r Request) []string {
	switch s.Kind {
	case Static:
		return []string{s.Name}
	case Context:
		return nonEmpty(r.Context[s.Name])
	case StageVariable:
		return nonEmpty(r.StageVariables[s.Name])
	case Header, MultiValueHeader:
		return HeaderValues(r.Header, s.Name)
	case QueryString, MultiValueQueryString:
		return r.Query[s.Name]
	case Body:
		return s.bodyValues(r.Body)
	}
	return nil
}

func (s Source) bodyValues(body []byte) []string {
	if len(body) == 0 || !gjson.ValidBytes(body) {
		return nil
	}
	res := s.path.Get(body)
	if !res.Exists() {
		return nil
	}
	if res.Type == gjson.String {
		return []string{res.Str}
	}
	return []string{res.Raw}
}

// HeaderValues finds a header case-insensitively, whatever spelling the map
// holds it under: the name as given first, then its canonical spelling, then
// any other.
func HeaderValues(h map[string][]string, name string) []string {
	if v, ok := h[name]; ok {
		return v
	}
	if v, ok := h[http.CanonicalHeaderKey(name)]; ok {
		return v
	}
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
