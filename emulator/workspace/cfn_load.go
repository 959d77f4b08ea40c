package workspace

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"wsworkbench/emulator/model"
)

// kind is the kind of ApiGatewayV2 resource a model element is saved as.
type kind int

const (
	kindAPI kind = iota + 1
	kindStage
	kindRoute
	kindRouteResponse
	kindIntegration
	kindIntegrationResponse
	kindAuthorizer
)

const typePrefix = "AWS::ApiGatewayV2::"

var kindType = map[kind]string{
	kindAPI:                 typePrefix + "Api",
	kindStage:               typePrefix + "Stage",
	kindRoute:               typePrefix + "Route",
	kindRouteResponse:       typePrefix + "RouteResponse",
	kindIntegration:         typePrefix + "Integration",
	kindIntegrationResponse: typePrefix + "IntegrationResponse",
	kindAuthorizer:          typePrefix + "Authorizer",
}

var typeKind = func() map[string]kind {
	m := map[string]kind{}
	for k, t := range kindType {
		m[t] = k
	}
	return m
}()

// ignoredTypes are ApiGatewayV2 resources that do not change how the API
// behaves locally; they are kept in the file and not emulated.
var ignoredTypes = map[string]string{
	typePrefix + "Deployment":                 "",
	typePrefix + "DomainName":                 "",
	typePrefix + "ApiMapping":                 "",
	typePrefix + "VpcLink":                    "",
	typePrefix + "ApiGatewayManagedOverrides": "",
	typePrefix + "Model":                      "request and response models are not validated by the workbench",
	typePrefix + "RoutingRule":                "",
}

var integrationTypes = []string{model.TypeMock, model.TypeAWSProxy, model.TypeAWS, model.TypeHTTP, model.TypeHTTPProxy}

// loader turns a CloudFormation template into a model.
type loader struct {
	ctx      context.Context
	src      *source
	root     *yaml.Node
	e        *evaluator
	res      []*resource
	warnings []string
	// derived maps an integration's or authorizer's logical ID to the function
	// its URI references (its FunctionName before Metadata overrides).
	derived map[string]string
	// nodes remembers where model values came from, for error positions.
	nodes map[string]*yaml.Node
}

func hasSAMTransform(root *yaml.Node) bool {
	t := mapGet(root, "Transform")
	if t == nil {
		return false
	}
	if t.Kind == yaml.ScalarNode {
		return strings.HasPrefix(t.Value, "AWS::Serverless")
	}
	for _, c := range t.Content {
		if c.Kind == yaml.ScalarNode && strings.HasPrefix(c.Value, "AWS::Serverless") {
			return true
		}
	}
	return false
}

// loadTemplate loads a CloudFormation or SAM template.
func loadTemplate(ctx context.Context, src *source, doc *yaml.Node) (*Workspace, error) {
	root := doc.Content[0]
	l := &loader{ctx: ctx, src: src, root: root, derived: map[string]string{}, nodes: map[string]*yaml.Node{}}
	if err := l.index(); err != nil {
		return nil, err
	}
	api, err := l.build()
	if err != nil {
		return nil, err
	}
	if err := readMetadata(src, root, api); err != nil {
		return nil, err
	}
	if err := validateAPI(api, l.locate); err != nil {
		return nil, err
	}
	format := CloudFormation
	if hasSAMTransform(root) {
		format = SAM
	}
	return &Workspace{
		Format:   format,
		API:      api,
		Warnings: l.warnings,
		doc:      doc,
		loaded:   api.Clone(),
		derived:  l.derived,
	}, nil
}

func (l *loader) warn(n *yaml.Node, msg string) {
	l.warnings = append(l.warnings, l.src.errAt(n, msg).Error())
}

// locate returns the error for a value of the model at path (see pathKey).
func (l *loader) locate(path string, line, col int, msg string) error {
	return locateIn(l.src, l.nodes, path, line, col, msg)
}

// locateIn returns an error at the file position of the model value at path;
// line and col, when not 0, are a position inside the value.
func locateIn(src *source, nodes map[string]*yaml.Node, path string, line, col int, msg string) error {
	n := nodes[path]
	if n == nil {
		// A value built by an intrinsic function has no node of its own:
		// fall back to the property, then to the resource.
		line, col = 0, 0
		for p := path; n == nil; {
			i := strings.LastIndexByte(p, 0)
			if i < 0 {
				return &Error{File: src.name, Msg: msg}
			}
			p = p[:i]
			n = nodes[p]
		}
	}
	if line > 0 {
		fl, fc := src.posIn(n, line, col)
		return &Error{File: src.name, Line: fl, Col: fc, Msg: msg}
	}
	vl, vc := n.Line, n.Column
	if n.Kind == yaml.ScalarNode {
		vl, vc = src.valueStart(n)
	}
	return &Error{File: src.name, Line: vl, Col: vc, Msg: msg}
}

// index reads Parameters, Conditions, Mappings and Resources.
func (l *loader) index() error {
	l.e = &evaluator{
		ctx:        l.ctx,
		src:        l.src,
		params:     map[string]*yaml.Node{},
		resources:  map[string]*resource{},
		conditions: map[string]*yaml.Node{},
		condState:  map[string]int{},
		mappings:   mapGet(l.root, "Mappings"),
		warn:       l.warn,
	}
	if p := mapGet(l.root, "Parameters"); p != nil {
		if p.Kind != yaml.MappingNode {
			return l.src.errAt(p, "Parameters must be a mapping")
		}
		for i := 0; i+1 < len(p.Content); i += 2 {
			def := p.Content[i+1]
			if def.Kind != yaml.MappingNode {
				return l.src.errAt(def, fmt.Sprintf("parameter %q must be a mapping", p.Content[i].Value))
			}
			l.e.params[p.Content[i].Value] = def
		}
	}
	if c := mapGet(l.root, "Conditions"); c != nil {
		if c.Kind != yaml.MappingNode {
			return l.src.errAt(c, "Conditions must be a mapping")
		}
		for i := 0; i+1 < len(c.Content); i += 2 {
			l.e.conditions[c.Content[i].Value] = c.Content[i+1]
		}
	}
	rs := mapGet(l.root, "Resources")
	if rs.Kind != yaml.MappingNode {
		return l.src.errAt(rs, "Resources must be a mapping")
	}
	for i := 0; i+1 < len(rs.Content); i += 2 {
		k, v := rs.Content[i], rs.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return l.src.errAt(k, "a resource's logical ID must be a string")
		}
		if prev, dup := l.e.resources[k.Value]; dup {
			return l.src.errAt(k, fmt.Sprintf("duplicate resource %q (first defined at line %d)", k.Value, prev.key.Line))
		}
		if v.Kind == yaml.AliasNode && v.Alias != nil {
			v = v.Alias
		}
		r := &resource{id: k.Value, key: k, node: v, index: i / 2}
		if v.Kind == yaml.MappingNode {
			if t := mapGet(v, "Type"); t != nil && t.Kind == yaml.ScalarNode {
				r.typ = t.Value
			}
			r.props = mapGet(v, "Properties")
		}
		l.e.resources[k.Value] = r
		l.res = append(l.res, r)
	}
	return nil
}

// build makes the model from the indexed resources.
func (l *loader) build() (*model.API, error) {
	var mine []*resource // this API's resources, in file order
	var apis []*resource
	for _, r := range l.res {
		if !strings.HasPrefix(r.typ, typePrefix) {
			if r.typ == "AWS::Serverless::WebSocketApi" {
				l.warn(r.key, "AWS::Serverless::WebSocketApi is not supported; describe the API with AWS::ApiGatewayV2 resources")
			}
			continue
		}
		if r.node.Kind != yaml.MappingNode {
			return nil, l.src.errAt(r.key, fmt.Sprintf("resource %q must be a mapping", r.id))
		}
		k, ok := typeKind[r.typ]
		if !ok {
			if why, known := ignoredTypes[r.typ]; known {
				if why != "" {
					l.warn(r.key, fmt.Sprintf("%s %s is kept but not emulated: %s", r.typ, r.id, why))
				}
				continue
			}
			return nil, l.src.errAt(mapGet(r.node, "Type"), fmt.Sprintf("unsupported resource type %s", r.typ))
		}
		if !isLogicalID(r.id) {
			return nil, l.src.errAt(r.key, fmt.Sprintf("logical ID %q must be letters and digits only", r.id))
		}
		if r.props != nil && r.props.Kind != yaml.MappingNode {
			return nil, l.src.errAt(r.props, fmt.Sprintf("the Properties of %s must be a mapping", r.id))
		}
		if c := mapGet(r.node, "Condition"); c != nil {
			if c.Kind != yaml.ScalarNode {
				return nil, l.src.errAt(c, "a resource's Condition must be a condition name")
			}
			ok, err := l.e.condition(c.Value, c, 0)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue // CloudFormation would not create it
			}
		}
		if k == kindAPI {
			apis = append(apis, r)
			continue
		}
		mine = append(mine, r)
	}
	apiRes, err := l.pickAPI(apis)
	if err != nil {
		return nil, err
	}
	api := &model.API{
		ID:           apiRes.id,
		Routes:       []model.Route{},
		Integrations: []model.Integration{},
		Authorizers:  []model.Authorizer{},
	}
	p := l.props(apiRes)
	if api.Name, err = p.str("Name"); err != nil {
		return nil, err
	}
	if api.Description, err = p.str("Description"); err != nil {
		return nil, err
	}
	if api.RouteSelectionExpression, err = p.str("RouteSelectionExpression"); err != nil {
		return nil, err
	}
	if api.APIKeySelectionExpression, err = p.str("ApiKeySelectionExpression"); err != nil {
		return nil, err
	}
	l.remember(pathKey(kindAPI, api.ID, "RouteSelectionExpression"), p.node("RouteSelectionExpression"))
	l.remember(pathKey(kindAPI, api.ID, "ApiKeySelectionExpression"), p.node("ApiKeySelectionExpression"))
	l.remember(pathKey(kindAPI, api.ID, ""), apiRes.key)

	// Keep only the resources whose ApiId is this API.
	var own []*resource
	for _, r := range mine {
		p := l.props(r)
		id, err := p.str("ApiId")
		if err != nil {
			return nil, err
		}
		if id == "" {
			return nil, l.src.errAt(r.key, fmt.Sprintf("%s %s has no ApiId", r.typ, r.id))
		}
		if id != api.ID {
			l.warn(p.node("ApiId"), fmt.Sprintf("%s %s belongs to API %q, not to %s; it is kept but not emulated", r.typ, r.id, id, api.ID))
			continue
		}
		own = append(own, r)
	}

	// Integrations and authorizers first: routes refer to them.
	for _, r := range own {
		var err error
		switch typeKind[r.typ] {
		case kindIntegration:
			err = l.integration(api, r)
		case kindAuthorizer:
			err = l.authorizer(api, r)
		case kindStage:
			err = l.stage(api, r)
		}
		if err != nil {
			return nil, err
		}
	}
	routeLine := map[string]int{}
	for _, r := range own {
		if typeKind[r.typ] != kindRoute {
			continue
		}
		if err := l.route(api, r, routeLine); err != nil {
			return nil, err
		}
	}
	for _, r := range own {
		var err error
		switch typeKind[r.typ] {
		case kindRouteResponse:
			err = l.routeResponse(api, r)
		case kindIntegrationResponse:
			err = l.integrationResponse(api, r)
		}
		if err != nil {
			return nil, err
		}
	}
	return api, nil
}

// pickAPI chooses the WebSocket API among the template's ApiGatewayV2::Api resources.
func (l *loader) pickAPI(apis []*resource) (*resource, error) {
	var ws []*resource
	var other *resource
	var otherProto *yaml.Node
	var otherValue string
	for _, r := range apis {
		p := l.props(r)
		proto, err := p.str("ProtocolType")
		if err != nil {
			return nil, err
		}
		if proto == "WEBSOCKET" {
			ws = append(ws, r)
			continue
		}
		if other == nil {
			other, otherProto, otherValue = r, p.node("ProtocolType"), proto
		}
	}
	if len(ws) == 0 {
		if other != nil {
			at := otherProto
			if at == nil {
				at = other.key
			}
			if otherValue == "" {
				return nil, l.src.errAt(at, fmt.Sprintf("not a WebSocket API: %s has no ProtocolType WEBSOCKET", other.id))
			}
			return nil, l.src.errAt(at, fmt.Sprintf("not a WebSocket API: %s has ProtocolType %s", other.id, otherValue))
		}
		return nil, l.src.errAt(mapGet(l.root, "Resources"), "no AWS::ApiGatewayV2::Api resource with ProtocolType WEBSOCKET")
	}
	for _, r := range ws[1:] {
		l.warn(r.key, fmt.Sprintf("only one WebSocket API per workspace: %s is loaded, %s is kept in the file but not emulated", ws[0].id, r.id))
	}
	return ws[0], nil
}

func (l *loader) remember(path string, n *yaml.Node) {
	if n != nil {
		l.nodes[path] = n
	}
}

// pathKey names a value of the model for error positions: kind, logical ID,
// field and, for maps, the key.
func pathKey(k kind, id, field string, key ...string) string {
	s := strconv.Itoa(int(k)) + "\x00" + id + "\x00" + field
	for _, x := range key {
		s += "\x00" + x
	}
	return s
}

func (l *loader) stage(api *model.API, r *resource) error {
	if api.Stage.ID != "" {
		l.warn(r.key, fmt.Sprintf("only one stage per workspace: %s is used, %s is kept but not emulated", api.Stage.ID, r.id))
		return nil
	}
	p := l.props(r)
	st := model.Stage{ID: r.id}
	var err error
	if st.Name, err = p.str("StageName"); err != nil {
		return err
	}
	if st.Name == "" {
		return l.src.errAt(r.key, fmt.Sprintf("stage %s has no StageName", r.id))
	}
	if st.Description, err = p.str("Description"); err != nil {
		return err
	}
	if st.Variables, err = p.strMap("StageVariables"); err != nil {
		return err
	}
	if st.DeploymentID, err = p.str("DeploymentId"); err != nil {
		return err
	}
	api.Stage = st
	return nil
}

func (l *loader) integration(api *model.API, r *resource) error {
	p := l.props(r)
	in := model.Integration{ID: r.id, Responses: []model.IntegrationResponse{}}
	var err error
	if in.Type, err = p.str("IntegrationType"); err != nil {
		return err
	}
	if !slices.Contains(integrationTypes, in.Type) {
		at := p.node("IntegrationType")
		if at == nil {
			return l.src.errAt(r.key, fmt.Sprintf("integration %s has no IntegrationType", r.id))
		}
		return l.src.errAt(at, fmt.Sprintf("integration %s: IntegrationType %q is not one of %s", r.id, in.Type, strings.Join(integrationTypes, ", ")))
	}
	l.e.funcRefs = nil
	if in.URI, err = p.str("IntegrationUri"); err != nil {
		return err
	}
	if len(l.e.funcRefs) > 0 {
		in.FunctionName = l.e.funcRefs[0]
		l.derived[r.id] = in.FunctionName
	}
	fields := []struct {
		dst  *string
		name string
	}{
		{&in.Description, "Description"},
		{&in.Method, "IntegrationMethod"},
		{&in.TemplateSelectionExpression, "TemplateSelectionExpression"},
		{&in.PassthroughBehavior, "PassthroughBehavior"},
		{&in.ContentHandlingStrategy, "ContentHandlingStrategy"},
		{&in.ConnectionType, "ConnectionType"},
		{&in.PayloadFormatVersion, "PayloadFormatVersion"},
		{&in.CredentialsArn, "CredentialsArn"},
	}
	for _, f := range fields {
		if *f.dst, err = p.str(f.name); err != nil {
			return err
		}
	}
	if in.RequestTemplates, err = p.strMap("RequestTemplates"); err != nil {
		return err
	}
	if in.RequestParameters, err = p.strMap("RequestParameters"); err != nil {
		return err
	}
	if in.TimeoutMillis, err = p.integer("TimeoutInMillis", 0); err != nil {
		return err
	}
	l.remember(pathKey(kindIntegration, r.id, ""), r.key)
	l.remember(pathKey(kindIntegration, r.id, "TemplateSelectionExpression"), p.node("TemplateSelectionExpression"))
	l.rememberMap(pathKey(kindIntegration, r.id, "RequestTemplates"), p.node("RequestTemplates"))
	api.Integrations = append(api.Integrations, in)
	return nil
}

// rememberMap remembers the value node of every key of a plain mapping.
func (l *loader) rememberMap(prefix string, m *yaml.Node) {
	if m == nil {
		return
	}
	l.nodes[prefix] = m
	if m.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		l.nodes[prefix+"\x00"+m.Content[i].Value] = m.Content[i+1]
	}
}

func (l *loader) authorizer(api *model.API, r *resource) error {
	p := l.props(r)
	au := model.Authorizer{ID: r.id}
	var err error
	if au.Name, err = p.str("Name"); err != nil {
		return err
	}
	if au.Type, err = p.str("AuthorizerType"); err != nil {
		return err
	}
	l.e.funcRefs = nil
	if au.URI, err = p.str("AuthorizerUri"); err != nil {
		return err
	}
	if len(l.e.funcRefs) > 0 {
		au.FunctionName = l.e.funcRefs[0]
		l.derived[r.id] = au.FunctionName
	}
	if au.IdentitySource, err = p.strList("IdentitySource"); err != nil {
		return err
	}
	// CloudFormation's default when AuthorizerResultTtlInSeconds is absent.
	if au.TTLSeconds, err = p.integer("AuthorizerResultTtlInSeconds", defaultAuthorizerTTL); err != nil {
		return err
	}
	api.Authorizers = append(api.Authorizers, au)
	return nil
}

// defaultAuthorizerTTL is CloudFormation's AuthorizerResultTtlInSeconds default.
const defaultAuthorizerTTL = 300

func (l *loader) route(api *model.API, r *resource, seen map[string]int) error {
	p := l.props(r)
	rt := model.Route{ID: r.id}
	var err error
	if rt.Key, err = p.str("RouteKey"); err != nil {
		return err
	}
	if rt.Key == "" {
		return l.src.errAt(r.key, fmt.Sprintf("route %s has no RouteKey", r.id))
	}
	if line, dup := seen[rt.Key]; dup {
		return l.src.errAt(p.node("RouteKey"), fmt.Sprintf("duplicate route key %q (also used by the route at line %d)", rt.Key, line))
	}
	seen[rt.Key] = r.key.Line
	target, err := p.str("Target")
	if err != nil {
		return err
	}
	if target != "" {
		id, ok := strings.CutPrefix(target, "integrations/")
		if !ok || id == "" {
			return l.src.errAt(p.node("Target"), fmt.Sprintf("route %s: Target %q must be integrations/{IntegrationId}", r.id, target))
		}
		if api.Integration(id) == nil {
			return l.src.errAt(p.node("Target"), fmt.Sprintf("route %s: integration %q does not exist", r.id, id))
		}
		rt.IntegrationID = id
	}
	if rt.AuthorizationType, err = p.str("AuthorizationType"); err != nil {
		return err
	}
	if rt.AuthorizerID, err = p.str("AuthorizerId"); err != nil {
		return err
	}
	if rt.AuthorizerID != "" && api.Authorizer(rt.AuthorizerID) == nil {
		return l.src.errAt(p.node("AuthorizerId"), fmt.Sprintf("route %s: authorizer %q does not exist", r.id, rt.AuthorizerID))
	}
	if rt.APIKeyRequired, err = p.boolean("ApiKeyRequired"); err != nil {
		return err
	}
	if rt.RouteResponseSelectionExpression, err = p.str("RouteResponseSelectionExpression"); err != nil {
		return err
	}
	if rt.OperationName, err = p.str("OperationName"); err != nil {
		return err
	}
	if rt.RequestParameters, err = p.routeParams("RequestParameters"); err != nil {
		return err
	}
	l.remember(pathKey(kindRoute, r.id, ""), r.key)
	l.remember(pathKey(kindRoute, r.id, "RouteResponseSelectionExpression"), p.node("RouteResponseSelectionExpression"))
	api.Routes = append(api.Routes, rt)
	return nil
}

func (l *loader) routeResponse(api *model.API, r *resource) error {
	p := l.props(r)
	routeID, err := p.str("RouteId")
	if err != nil {
		return err
	}
	var rt *model.Route
	for i := range api.Routes {
		if api.Routes[i].ID == routeID {
			rt = &api.Routes[i]
		}
	}
	if rt == nil {
		at := p.node("RouteId")
		if at == nil {
			return l.src.errAt(r.key, fmt.Sprintf("route response %s has no RouteId", r.id))
		}
		return l.src.errAt(at, fmt.Sprintf("route response %s: route %q does not exist", r.id, routeID))
	}
	key, err := p.str("RouteResponseKey")
	if err != nil {
		return err
	}
	if key != model.RouteDefault {
		at := p.node("RouteResponseKey")
		if at == nil {
			at = r.key
		}
		return l.src.errAt(at, fmt.Sprintf("route response %s: RouteResponseKey must be $default (the only key API Gateway supports), not %q", r.id, key))
	}
	if rt.RouteResponse != nil {
		return l.src.errAt(r.key, fmt.Sprintf("route %s already has route response %s", rt.ID, rt.RouteResponse.ID))
	}
	rt.RouteResponse = &model.RouteResponse{ID: r.id, Key: key}
	return nil
}

func (l *loader) integrationResponse(api *model.API, r *resource) error {
	p := l.props(r)
	integID, err := p.str("IntegrationId")
	if err != nil {
		return err
	}
	in := api.Integration(integID)
	if in == nil {
		at := p.node("IntegrationId")
		if at == nil {
			return l.src.errAt(r.key, fmt.Sprintf("integration response %s has no IntegrationId", r.id))
		}
		return l.src.errAt(at, fmt.Sprintf("integration response %s: integration %q does not exist", r.id, integID))
	}
	ir := model.IntegrationResponse{ID: r.id}
	if ir.Key, err = p.str("IntegrationResponseKey"); err != nil {
		return err
	}
	if ir.Key == "" {
		return l.src.errAt(r.key, fmt.Sprintf("integration response %s has no IntegrationResponseKey", r.id))
	}
	if ir.ResponseTemplates, err = p.strMap("ResponseTemplates"); err != nil {
		return err
	}
	if ir.TemplateSelectionExpression, err = p.str("TemplateSelectionExpression"); err != nil {
		return err
	}
	if ir.ContentHandlingStrategy, err = p.str("ContentHandlingStrategy"); err != nil {
		return err
	}
	if ir.ResponseParameters, err = p.strMap("ResponseParameters"); err != nil {
		return err
	}
	l.remember(pathKey(kindIntegrationResponse, r.id, ""), r.key)
	l.remember(pathKey(kindIntegrationResponse, r.id, "IntegrationResponseKey"), p.node("IntegrationResponseKey"))
	l.remember(pathKey(kindIntegrationResponse, r.id, "TemplateSelectionExpression"), p.node("TemplateSelectionExpression"))
	l.rememberMap(pathKey(kindIntegrationResponse, r.id, "ResponseTemplates"), p.node("ResponseTemplates"))
	in.Responses = append(in.Responses, ir)
	return nil
}

// props reads a resource's properties.
func (l *loader) props(r *resource) props { return props{l: l, r: r} }

type props struct {
	l *loader
	r *resource
}

func (p props) node(key string) *yaml.Node { return mapGet(p.r.props, key) }

// value resolves property key; nil when absent.
func (p props) value(key string) (any, *yaml.Node, error) {
	n := p.node(key)
	if n == nil {
		return nil, nil, nil
	}
	v, err := p.l.e.eval(n)
	return v, n, err
}

func (p props) str(key string) (string, error) {
	v, n, err := p.value(key)
	if err != nil || v == nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", p.l.src.errAt(n, fmt.Sprintf("%s %s: %s must be a string, not %s", p.r.typ, p.r.id, key, describe(v)))
	}
	return s, nil
}

func (p props) strMap(key string) (map[string]string, error) {
	v, n, err := p.value(key)
	if err != nil || v == nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, p.l.src.errAt(n, fmt.Sprintf("%s %s: %s must be a mapping, not %s", p.r.typ, p.r.id, key, describe(v)))
	}
	if len(m) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		s, ok := v.(string)
		if !ok {
			at := mapGet(n, k)
			if at == nil {
				at = n
			}
			return nil, p.l.src.errAt(at, fmt.Sprintf("%s %s: %s.%s must be a string, not %s", p.r.typ, p.r.id, key, k, describe(v)))
		}
		out[k] = s
	}
	return out, nil
}

func (p props) strList(key string) ([]string, error) {
	v, n, err := p.value(key)
	if err != nil || v == nil {
		return nil, err
	}
	var out []string
	switch v := v.(type) {
	case string:
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	case []any:
		for _, x := range v {
			s, ok := x.(string)
			if !ok {
				return nil, p.l.src.errAt(n, fmt.Sprintf("%s %s: %s must be a list of strings", p.r.typ, p.r.id, key))
			}
			out = append(out, s)
		}
	default:
		return nil, p.l.src.errAt(n, fmt.Sprintf("%s %s: %s must be a list of strings, not %s", p.r.typ, p.r.id, key, describe(v)))
	}
	return out, nil
}

func (p props) boolean(key string) (bool, error) {
	s, err := p.str(key)
	if err != nil || s == "" {
		return false, err
	}
	switch strings.ToLower(s) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, p.l.src.errAt(p.node(key), fmt.Sprintf("%s %s: %s must be true or false, not %q", p.r.typ, p.r.id, key, s))
}

func (p props) integer(key string, absent int) (int, error) {
	s, err := p.str(key)
	if err != nil {
		return 0, err
	}
	if p.node(key) == nil {
		return absent, nil
	}
	i, err := strconv.Atoi(s)
	if err != nil || i < 0 {
		return 0, p.l.src.errAt(p.node(key), fmt.Sprintf("%s %s: %s must be a whole number, not %q", p.r.typ, p.r.id, key, s))
	}
	return i, nil
}

// routeParams reads a route's RequestParameters: name → {Required: bool}.
func (p props) routeParams(key string) (map[string]bool, error) {
	v, n, err := p.value(key)
	if err != nil || v == nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, p.l.src.errAt(n, fmt.Sprintf("%s %s: %s must be a mapping", p.r.typ, p.r.id, key))
	}
	if len(m) == 0 {
		return nil, nil
	}
	out := make(map[string]bool, len(m))
	for name, v := range m {
		req := v
		if mm, ok := v.(map[string]any); ok {
			req = mm["Required"]
		}
		switch s, _ := req.(string); strings.ToLower(s) {
		case "true":
			out[name] = true
		case "false", "":
			out[name] = false
		default:
			return nil, p.l.src.errAt(n, fmt.Sprintf("%s %s: %s.%s.Required must be true or false", p.r.typ, p.r.id, key, name))
		}
	}
	return out, nil
}

// modelKinds maps every logical ID in api to its resource kind.
func modelKinds(api *model.API) map[string]kind {
	k := map[string]kind{}
	if api.ID != "" {
		k[api.ID] = kindAPI
	}
	if api.Stage.ID != "" {
		k[api.Stage.ID] = kindStage
	}
	for _, r := range api.Routes {
		k[r.ID] = kindRoute
		if r.RouteResponse != nil {
			k[r.RouteResponse.ID] = kindRouteResponse
		}
	}
	for _, in := range api.Integrations {
		k[in.ID] = kindIntegration
		for _, ir := range in.Responses {
			k[ir.ID] = kindIntegrationResponse
		}
	}
	for _, au := range api.Authorizers {
		k[au.ID] = kindAuthorizer
	}
	return k
}
