// Package httpinteg builds the requests API Gateway sends to HTTP and
// HTTP_PROXY integrations of a WebSocket API and reads their answers:
// request parameter mapping (integration.request.header.X = context.Y and
// the like), the backend URL, method, headers and body, and a bounded
// response capture. The gateway renders templates and selects integration
// responses; this package only talks HTTP.
package httpinteg

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/tidwall/gjson"

	"wsworkbench/emulator/jsonpath"
)

// Sources are the values request parameter mapping reads.
type Sources struct {
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

// Mapped is what request parameter mapping produced for the backend request.
type Mapped struct {
	Header http.Header
	Query  url.Values
	Path   map[string]string // {name} in the integration URI
}

// paramName is what API Gateway allows as a mapped parameter's name.
var paramName = regexp.MustCompile(`^[a-zA-Z0-9._$-]+$`)

// MapParameters evaluates an integration's RequestParameters. Keys are
// integration.request.header.NAME, integration.request.querystring.NAME or
// integration.request.path.NAME; values are 'static', context.NAME,
// stageVariables.NAME, route.request.header.NAME,
// route.request.querystring.NAME, route.request.multivalueheader.NAME,
// route.request.multivaluequerystring.NAME or route.request.body.JSONPATH. A
// source with no value maps to nothing, as on AWS; a key or value of another
// form is an error naming it. Parameters are applied in key order, so the
// result does not depend on map order.
func MapParameters(params map[string]string, src Sources) (Mapped, error) {
	m := Mapped{Header: http.Header{}, Query: url.Values{}, Path: map[string]string{}}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		kind, name, ok := target(k)
		if !ok {
			return m, fmt.Errorf("request parameter %q: the key must be integration.request.header.NAME, integration.request.querystring.NAME or integration.request.path.NAME", k)
		}
		vals, err := sourceValues(strings.TrimSpace(params[k]), src)
		if err != nil {
			return m, fmt.Errorf("request parameter %q: %w", k, err)
		}
		if len(vals) == 0 {
			continue
		}
		switch kind {
		case "header":
			// Kept as spelled: a backend may look for "connectionId".
			m.Header[name] = append(m.Header[name], vals...)
		case "querystring":
			m.Query[name] = append(m.Query[name], vals...)
		case "path":
			m.Path[name] = strings.Join(vals, ",")
		}
	}
	return m, nil
}

// CheckParameters reports the first configuration error in params without
// evaluating them, so a bad mapping is caught when the API is loaded.
func CheckParameters(params map[string]string) error {
	_, err := MapParameters(params, Sources{})
	return err
}

func target(k string) (kind, name string, ok bool) {
	rest, found := strings.CutPrefix(k, "integration.request.")
	if !found {
		return "", "", false
	}
	kind, name, found = strings.Cut(rest, ".")
	if !found || !paramName.MatchString(name) {
		return "", "", false
	}
	switch kind {
	case "header", "querystring", "path":
		return kind, name, true
	}
	return "", "", false
}

// sourceValues returns the values a mapping source stands for (none when it
// has no value in this request).
func sourceValues(v string, src Sources) ([]string, error) {
	if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
		return []string{v[1 : len(v)-1]}, nil
	}
	prefix, name, _ := strings.Cut(v, ".")
	switch prefix {
	case "context":
		if name == "" {
			break
		}
		return nonEmpty(src.Context[name]), nil
	case "stageVariables":
		if name == "" {
			break
		}
		return nonEmpty(src.StageVariables[name]), nil
	case "route":
		return routeValues(v, src)
	}
	return nil, fmt.Errorf("source %q must be 'static', context.NAME, stageVariables.NAME or route.request.(header|querystring|multivalueheader|multivaluequerystring|body).NAME", v)
}

func routeValues(v string, src Sources) ([]string, error) {
	rest, ok := strings.CutPrefix(v, "route.request.")
	if !ok {
		return nil, fmt.Errorf("source %q: want route.request.…", v)
	}
	kind, name, ok := strings.Cut(rest, ".")
	if !ok || name == "" {
		return nil, fmt.Errorf("source %q names no parameter", v)
	}
	switch kind {
	case "header":
		vals := headerValues(src.Header, name)
		if len(vals) == 0 {
			return nil, nil
		}
		return nonEmpty(vals[len(vals)-1]), nil
	case "multivalueheader":
		return headerValues(src.Header, name), nil
	case "querystring":
		vals := src.Query[name]
		if len(vals) == 0 {
			return nil, nil
		}
		return nonEmpty(vals[len(vals)-1]), nil
	case "multivaluequerystring":
		return src.Query[name], nil
	case "body":
		p, err := jsonpath.Compile(name)
		if err != nil {
			return nil, fmt.Errorf("source %q: %w", v, err)
		}
		if len(src.Body) == 0 || !gjson.ValidBytes(src.Body) {
			return nil, nil
		}
		r := p.Get(src.Body)
		if !r.Exists() {
			return nil, nil
		}
		if r.Type == gjson.String {
			return []string{r.Str}, nil
		}
		return []string{r.Raw}, nil
	}
	return nil, fmt.Errorf("source %q: %q is not header, querystring, multivalueheader, multivaluequerystring or body", v, kind)
}

func headerValues(h http.Header, name string) []string {
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
