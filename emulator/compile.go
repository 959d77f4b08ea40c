package emulator

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"wsworkbench/emulator/jsonpath"
	"wsworkbench/emulator/model"
	"wsworkbench/emulator/selection"
	"wsworkbench/emulator/vtl"
)

// maxTemplateBytes is API Gateway's limit on one mapping template (300 KB).
const maxTemplateBytes = 300 * 1024

// defaultStage is the stage name used when the model has none: the stage the
// console's quick create deploys to.
const defaultStage = "production"

var stageNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// Snapshot is a compiled, immutable API: every expression parsed, every
// template parsed, every route wired to its integration. The gateway runs on
// one snapshot at a time and swaps in a new one on Update; a request keeps the
// snapshot it started with. A Snapshot is safe for concurrent use.
type Snapshot struct {
	api      *model.API // a private clone; never changed
	settings model.Settings
	stage    string
	apiID    string

	routeExpr  *compiledExpr
	apiKeyExpr *compiledExpr // nil: $request.header.x-api-key

	routes     map[string]*compiledRoute // by key, custom routes and $default
	connect    *compiledRoute
	disconnect *compiledRoute
	deflt      *compiledRoute

	integrations map[string]*compiledIntegration

	faults *faultPlan // nil when no fault is active
}

// API returns the model the snapshot was compiled from. Callers must not
// change it; use Clone for a copy to edit.
func (s *Snapshot) API() *model.API { return s.api }

// Settings returns the snapshot's settings with AWS's defaults filled in.
func (s *Snapshot) Settings() model.Settings { return s.settings }

// Stage returns the stage name: the first path segment of the URL.
func (s *Snapshot) Stage() string { return s.stage }

// APIID returns the 10-character API ID used in $context.apiId.
func (s *Snapshot) APIID() string { return s.apiID }

// scaled returns d divided by the time scale.
func (s *Snapshot) scaled(d time.Duration) time.Duration {
	if s.settings.TimeScale <= 1 { // Settings.Scaled's copy of the settings costs more
		return d
	}
	return s.settings.Scaled(d)
}

type compiledRoute struct {
	key    string
	model  *model.Route
	integ  *compiledIntegration // nil: the route has no integration
	twoWay bool                 // a route response exists: the integration's answer goes back to the client
	// authorizer is $connect's Lambda REQUEST authorizer (CUSTOM
	// authorization), nil when there is none or the mock authorizer is on.
	authorizer *lambdaAuthorizer
}

type compiledIntegration struct {
	model       *model.Integration
	typ         integrationType
	impl        Integration
	tse         *compiledExpr // nil: the template selection expression is unset
	templates   templateSet
	passthrough string
	timeout     time.Duration // unscaled
	responses   []*compiledResponse
	keys        []*selection.ResponseKey // responses[i].key, for SelectResponse
	// deflt is the index in responses of the "$default" response, or -1:
	// what a Lambda custom (AWS) integration's success selects.
	deflt int

	// lastStatus remembers the last status selectResponse matched and the
	// answer, as status<<32 | index+1 (0: none yet), because a backend
	// mostly answers with one status and a regex match costs more than
	// this check. The keys never change, so the answer is exact.
	lastStatus atomic.Uint64
}

// selectResponse returns the index of the integration response for
// status (see selection.SelectResponse), or -1.
func (ci *compiledIntegration) selectResponse(status int) int {
	if v := ci.lastStatus.Load(); v != 0 && int(v>>32) == status {
		return int(uint32(v)) - 1
	}
	idx, ok := selection.SelectResponse(ci.keys, statusString(status))
	if !ok {
		idx = -1
	}
	if status >= 0 && status <= math.MaxInt32 {
		ci.lastStatus.Store(uint64(status)<<32 | uint64(uint32(idx+1)))
	}
	return idx
}

type compiledResponse struct {
	model     *model.IntegrationResponse
	key       *selection.ResponseKey
	tse       *compiledExpr
	templates templateSet
}

// noSelection is the value a template is picked by when there is no
// template selection expression: the content type API Gateway assumes for
// a WebSocket message.
const noSelection = "application/json"

// templateSet is an integration's request templates, or a response's, by
// key, with the template picked without a selection expression found once.
type templateSet struct {
	byKey map[string]*compiledTemplate
	fixed *compiledTemplate // pick(noSelection)
}

func newTemplateSet() templateSet {
	return templateSet{byKey: map[string]*compiledTemplate{}}
}

func (s *templateSet) add(key string, t *compiledTemplate) {
	s.byKey[key] = t
	s.fixed = s.pick(noSelection)
}

// pick returns the template for a selection value: its own, else
// "$default"'s, else nil.
func (s *templateSet) pick(value string) *compiledTemplate {
	if t := s.byKey[value]; t != nil {
		return t
	}
	return s.byKey["$default"]
}

// compiledExpr is a parsed selection expression.
type compiledExpr struct {
	src         string
	e           *selection.Expression
	usesContext bool // it reads $context, so the request must build the flat context map
	// bodyPath is the gjson path of an expression that is one plain
	// $request.body member path (the common "$request.body.action"), which
	// the request evaluates directly; "" for any other expression.
	bodyPath string
	body     jsonpath.Path // bodyPath's JSONPath, compiled
}

func newExpr(src string, kind selection.Kind) (*compiledExpr, error) {
	e, err := selection.Parse(src, kind)
	if err != nil {
		return nil, err
	}
	ce := &compiledExpr{src: src, e: e}
	parts := e.Parts()
	for _, p := range parts {
		if p.Variable == "$context" {
			ce.usesContext = true
		}
	}
	if len(parts) == 1 && parts[0].Variable == "$request.body" && plainGJSONPath(parts[0].JSONPath.GJSON()) {
		ce.bodyPath, ce.body = parts[0].JSONPath.GJSON(), parts[0].JSONPath
	}
	return ce, nil
}

// plainGJSONPath reports whether p is a gjson path of member names and
// indexes only ("action", "a.b", "items.0"): no escapes, modifiers or
// pipes, so jsonpath.Path.Get is exactly gjson's Get with it (the type
// guards of wildcards and negative indexes come with modifiers).
func plainGJSONPath(p string) bool {
	if p == "" {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_':
		case c == '.' && i > 0 && i < len(p)-1 && p[i-1] != '.':
		default:
			return false
		}
	}
	return true
}

type compiledTemplate struct {
	key         string
	tpl         *vtl.Template
	usesContext bool
}

// CompileError is one problem Compile found, with the place it is in: the
// route, integration, integration response and template (whichever apply),
// and for a template or expression the 1-based line and column.
type CompileError struct {
	Route       string // route key
	Integration string // integration ID
	Response    string // integration response key
	Template    string // e.g. `request template "$default"`, `RouteSelectionExpression`
	Line, Col   int    // 0 when unknown
	Msg         string
	Err         error
}

// Error names the place, then the position, then the problem:
//
//	integration "OnMessage": response "/200/": response template "1": 1:12: unexpected "#end"
func (e *CompileError) Error() string {
	var parts []string
	if e.Route != "" {
		parts = append(parts, fmt.Sprintf("route %q", e.Route))
	}
	if e.Integration != "" {
		parts = append(parts, fmt.Sprintf("integration %q", e.Integration))
	}
	if e.Response != "" {
		parts = append(parts, fmt.Sprintf("response %q", e.Response))
	}
	if e.Template != "" {
		parts = append(parts, e.Template)
	}
	if e.Line > 0 {
		parts = append(parts, fmt.Sprintf("%d:%d", e.Line, e.Col))
	}
	parts = append(parts, e.Msg)
	return strings.Join(parts, ": ")
}

// Unwrap returns the parser's error, if any.
func (e *CompileError) Unwrap() error { return e.Err }

// CompileErrors is every problem Compile found, in model order.
type CompileErrors []*CompileError

// Error returns one problem per line.
func (es CompileErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the problems, for errors.As.
func (es CompileErrors) Unwrap() []error {
	errs := make([]error, len(es))
	for i, e := range es {
		errs[i] = e
	}
	return errs
}

// compiler collects problems while it compiles.
type compiler struct {
	errs CompileErrors
}

func (c *compiler) fail(place CompileError, err error, format string, args ...any) {
	e := place
	e.Msg = fmt.Sprintf(format, args...)
	e.Err = err
	if err != nil {
		var ve *vtl.Error
		if errors.As(err, &ve) {
			e.Line, e.Col, e.Msg = ve.Line, ve.Col, ve.Msg
		} else if line, col, msg, ok := selectionPosition(err); ok {
			e.Line, e.Col, e.Msg = line, col, msg
		} else if e.Msg == "" {
			e.Msg = err.Error()
		} else {
			e.Msg += ": " + err.Error()
		}
	}
	c.errs = append(c.errs, &e)
}

// Compile validates api and compiles it into a Snapshot. It reports every
// problem it finds, as CompileErrors, each naming its place (route key,
// integration ID, template key) and, for templates and expressions, the
// line and column. api is cloned: later changes to it do not reach the
// snapshot.
func Compile(api *model.API) (*Snapshot, error) {
	if api == nil {
		return nil, CompileErrors{{Msg: "no API"}}
	}
	api = api.Clone()
	c := &compiler{}
	s := &Snapshot{
		api:          api,
		settings:     api.Settings.Defaults(),
		stage:        api.Stage.Name,
		apiID:        apiIDFor(api.ID, api.Name),
		routes:       map[string]*compiledRoute{},
		integrations: map[string]*compiledIntegration{},
	}
	if s.stage == "" {
		s.stage = defaultStage
	}
	if !stageNameRE.MatchString(s.stage) {
		c.fail(CompileError{Template: "stage"}, nil, "stage name %q must be 1-128 letters, digits, '-' or '_'", s.stage)
	}
	c.settings(api.Settings)
	if f, err := compileFaults(api.Settings.Faults); err != nil {
		c.fail(CompileError{Template: "faults"}, nil, "%v", err)
	} else {
		s.faults = f
	}

	if strings.TrimSpace(api.RouteSelectionExpression) == "" {
		c.fail(CompileError{Template: "RouteSelectionExpression"}, nil, "the route selection expression is required (e.g. $request.body.action)")
	} else if e, err := newExpr(api.RouteSelectionExpression, selection.RouteSelection); err != nil {
		c.fail(CompileError{Template: "RouteSelectionExpression"}, err, "")
	} else {
		s.routeExpr = e
	}
	if api.APIKeySelectionExpression != "" {
		if e, err := newExpr(api.APIKeySelectionExpression, selection.APIKeySelection); err != nil {
			c.fail(CompileError{Template: "ApiKeySelectionExpression"}, err, "")
		} else {
			s.apiKeyExpr = e
		}
	}

	for i := range api.Integrations {
		in := &api.Integrations[i]
		if in.ID == "" {
			c.fail(CompileError{}, nil, "integration %d has no ID", i+1)
			continue
		}
		if _, dup := s.integrations[in.ID]; dup {
			c.fail(CompileError{Integration: in.ID}, nil, "integration ID defined twice")
			continue
		}
		if ci := c.integration(api, in); ci != nil {
			s.integrations[in.ID] = ci
		}
	}

	for i := range api.Routes {
		r := &api.Routes[i]
		cr := c.route(api, s, r)
		if cr == nil {
			continue
		}
		switch r.Key {
		case model.RouteConnect:
			s.connect = cr
		case model.RouteDisconnect:
			s.disconnect = cr
		default:
			s.routes[r.Key] = cr
			if r.Key == model.RouteDefault {
				s.deflt = cr
			}
		}
	}
	if len(c.errs) > 0 {
		return nil, c.errs
	}
	return s, nil
}

func (c *compiler) settings(st model.Settings) {
	place := CompileError{Template: "settings"}
	checks := []struct {
		name string
		bad  bool
	}{
		{"MaxFrameBytes", st.MaxFrameBytes < 0},
		{"MaxMessageBytes", st.MaxMessageBytes < 0},
		{"IdleTimeout", st.IdleTimeout < 0},
		{"MaxConnectionTime", st.MaxConnectionTime < 0},
		{"IntegrationTimeout", st.IntegrationTimeout < 0},
		{"TimeScale", st.TimeScale < 0},
	}
	for _, ch := range checks {
		if ch.bad {
			c.fail(place, nil, "%s must not be negative", ch.name)
		}
	}
	d := st.Defaults()
	if d.MaxFrameBytes > d.MaxMessageBytes {
		c.fail(place, nil, "MaxFrameBytes (%d) is larger than MaxMessageBytes (%d)", d.MaxFrameBytes, d.MaxMessageBytes)
	}
}

func (c *compiler) route(api *model.API, s *Snapshot, r *model.Route) *compiledRoute {
	place := CompileError{Route: r.Key}
	switch {
	case r.Key == "":
		c.fail(CompileError{Route: r.ID}, nil, "route has no route key")
		return nil
	case strings.HasPrefix(r.Key, "$") && r.Key != model.RouteConnect && r.Key != model.RouteDisconnect && r.Key != model.RouteDefault:
		c.fail(place, nil, "custom route keys must not start with $ (only $connect, $disconnect and $default are predefined)")
		return nil
	}
	if dupRoute(api, r) {
		c.fail(place, nil, "route key defined twice")
		return nil
	}
	cr := &compiledRoute{key: r.Key, model: r, twoWay: r.RouteResponse != nil}
	if rrse := r.RouteResponseSelectionExpression; rrse != "" && rrse != "$default" {
		c.fail(place, nil, "RouteResponseSelectionExpression %q: API Gateway supports only $default", rrse)
	}
	if r.RouteResponse != nil && r.RouteResponse.Key != "" && r.RouteResponse.Key != "$default" {
		c.fail(place, nil, "route response key %q: API Gateway supports only $default", r.RouteResponse.Key)
	}
	if r.IntegrationID != "" {
		ci, ok := s.integrations[r.IntegrationID]
		if !ok {
			if api.Integration(r.IntegrationID) == nil {
				c.fail(place, nil, "target integration %q does not exist", r.IntegrationID)
			}
			return nil // the integration's own error is reported already
		}
		cr.integ = ci
	}
	switch r.AuthorizationType {
	case "", "NONE", "AWS_IAM":
	case "CUSTOM":
		if r.Key != model.RouteConnect {
			c.fail(place, nil, "authorization type CUSTOM is allowed on $connect only")
		} else if !api.Settings.MockAuthorizer.Enabled {
			if au := api.Authorizer(r.AuthorizerID); au == nil {
				c.fail(place, nil, "authorizer %q does not exist", r.AuthorizerID)
			} else if la, err := newLambdaAuthorizer(au, api); err != nil {
				c.fail(place, nil, "authorizer %s: %v", au.ID, err)
			} else {
				cr.authorizer = la
			}
		}
	default:
		c.fail(place, nil, "unknown authorization type %q (NONE, AWS_IAM or CUSTOM)", r.AuthorizationType)
	}
	return cr
}

func dupRoute(api *model.API, r *model.Route) bool {
	for i := range api.Routes {
		o := &api.Routes[i]
		if o == r {
			return false
		}
		if o.Key == r.Key {
			return true
		}
	}
	return false
}

func (c *compiler) integration(api *model.API, in *model.Integration) *compiledIntegration {
	place := CompileError{Integration: in.ID}
	typ, ok := integrationTypes[in.Type]
	if !ok {
		c.fail(place, nil, "unknown integration type %q (MOCK, AWS_PROXY, AWS, HTTP or HTTP_PROXY)", in.Type)
		return nil
	}
	ci := &compiledIntegration{model: in, typ: typ, passthrough: in.PassthroughBehavior, templates: newTemplateSet(), deflt: -1}
	switch in.PassthroughBehavior {
	case "":
		ci.passthrough = passWhenNoMatch
	case passWhenNoMatch, passNever, passWhenNoTemplates:
	default:
		c.fail(place, nil, "unknown PassthroughBehavior %q (WHEN_NO_MATCH, NEVER or WHEN_NO_TEMPLATES)", in.PassthroughBehavior)
	}
	switch in.ContentHandlingStrategy {
	case "", "CONVERT_TO_BINARY", "CONVERT_TO_TEXT":
	default:
		c.fail(place, nil, "unknown ContentHandlingStrategy %q (CONVERT_TO_BINARY or CONVERT_TO_TEXT)", in.ContentHandlingStrategy)
	}
	ci.timeout = api.Settings.Defaults().IntegrationTimeout
	if in.TimeoutMillis != 0 {
		if in.TimeoutMillis < 50 || in.TimeoutMillis > 29000 {
			c.fail(place, nil, "TimeoutInMillis %d is outside 50-29000", in.TimeoutMillis)
		}
		ci.timeout = time.Duration(in.TimeoutMillis) * time.Millisecond
	}
	if !typ.proxy {
		if in.TemplateSelectionExpression != "" {
			e, err := newExpr(in.TemplateSelectionExpression, selection.RequestTemplateSelection)
			if err != nil {
				c.fail(CompileError{Integration: in.ID, Template: "TemplateSelectionExpression"}, err, "")
			}
			ci.tse = e
		}
		for _, key := range sortedKeys(in.RequestTemplates) {
			tp := CompileError{Integration: in.ID, Template: fmt.Sprintf("request template %q", key)}
			if t := c.template(tp, in.RequestTemplates[key]); t != nil {
				t.key = key
				ci.templates.add(key, t)
			}
		}
		seen := map[string]bool{}
		for i := range in.Responses {
			r := &in.Responses[i]
			if seen[r.Key] {
				c.fail(CompileError{Integration: in.ID, Response: r.Key}, nil, "integration response key defined twice")
				continue
			}
			seen[r.Key] = true
			if cr := c.response(in, r); cr != nil {
				if r.Key == "$default" {
					ci.deflt = len(ci.responses)
				}
				ci.responses = append(ci.responses, cr)
				ci.keys = append(ci.keys, cr.key)
			}
		}
	}
	impl, err := typ.build(in, api)
	if err != nil {
		c.fail(place, err, "")
		return nil
	}
	ci.impl = impl
	return ci
}

func (c *compiler) response(in *model.Integration, r *model.IntegrationResponse) *compiledResponse {
	place := CompileError{Integration: in.ID, Response: r.Key}
	key, err := selection.ParseResponseKey(r.Key)
	if err != nil {
		c.fail(place, err, "")
		return nil
	}
	cr := &compiledResponse{model: r, key: key, templates: newTemplateSet()}
	if r.TemplateSelectionExpression != "" {
		e, err := newExpr(r.TemplateSelectionExpression, selection.ResponseTemplateSelection)
		if err != nil {
			c.fail(CompileError{Integration: in.ID, Response: r.Key, Template: "TemplateSelectionExpression"}, err, "")
		}
		cr.tse = e
	}
	switch r.ContentHandlingStrategy {
	case "", "CONVERT_TO_BINARY", "CONVERT_TO_TEXT":
	default:
		c.fail(place, nil, "unknown ContentHandlingStrategy %q (CONVERT_TO_BINARY or CONVERT_TO_TEXT)", r.ContentHandlingStrategy)
	}
	for _, k := range sortedKeys(r.ResponseTemplates) {
		tp := CompileError{Integration: in.ID, Response: r.Key, Template: fmt.Sprintf("response template %q", k)}
		if t := c.template(tp, r.ResponseTemplates[k]); t != nil {
			t.key = k
			cr.templates.add(k, t)
		}
	}
	return cr
}

func (c *compiler) template(place CompileError, src string) *compiledTemplate {
	if len(src) > maxTemplateBytes {
		c.fail(place, nil, "template is %d bytes; API Gateway allows 300 KB", len(src))
		return nil
	}
	t, err := vtl.Parse(src)
	if err != nil {
		c.fail(place, err, "")
		return nil
	}
	return &compiledTemplate{tpl: t, usesContext: t.Uses("context")}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// selectionPosition extracts the column and message from a selection parse
// error (expressions are one line).
func selectionPosition(err error) (line, col int, msg string, ok bool) {
	var se *selection.Error
	if errors.As(err, &se) {
		return 1, se.Col, se.Msg, true
	}
	return 0, 0, "", false
}

// statusString is the integration status as selection expressions see it.
func statusString(status int) string {
	if status >= 100 && status < 100+len(statusStrings) {
		return statusStrings[status-100]
	}
	return strconv.Itoa(status)
}

// statusStrings are the HTTP statuses 100-599 as text, so selecting an
// integration response or a template by status allocates nothing.
var statusStrings = func() (s [500]string) {
	for i := range s {
		s[i] = strconv.Itoa(100 + i)
	}
	return s
}()
