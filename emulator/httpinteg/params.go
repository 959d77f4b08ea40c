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

	"wsworkbench/emulator/reqsource"
)

// Sources are the values request parameter mapping reads.
type Sources = reqsource.Request

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
		source, err := reqsource.Parse(params[k])
		if err != nil {
			return m, fmt.Errorf("request parameter %q: %w", k, err)
		}
		vals := source.Values(src)
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
