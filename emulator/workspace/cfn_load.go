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
	kindFunction // a SAM function (not an ApiGatewayV2 resource)
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
	kindFunction:            samFunctionType,
}

// samFunctionType is the type the model's functions are saved as.
const samFunctionType = "AWS::Serverless::Function"

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
	api.Functions = editableFunctions(src, fileDir(src.name), root, false)
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

// build makes the model from the indexed resources, in four steps: pick
// the template's ApiGatewayV2 resources, choose the WebSocket API among
// them, keep the resources that belong to it, and read those into the model.
func (l *loader) build() (*model.API, error) {
	apis, others, err := l.apiGatewayResources()
	if err != nil {
		return nil, err
	}
	apiRes, err := l.pickAPI(apis)
	if err != nil {
		return nil, err
	}
	api, err := l.api(apiRes)
	if err != nil {
		return nil, err
	}
	own, err := l.belongingTo(api, others)
	if err != nil {
		return nil, err
	}
	if err := l.readElements(api, own); err != nil {
		return nil, err
	}
	return api, nil
}

// apiGatewayResources returns, in file order, the template's
// ApiGatewayV2::Api resources and its other ApiGatewayV2 resources the model
// describes, leaving out those whose Condition is false.
func (l *loader) apiGatewayResources() (apis, others []*resource, err error) {
	for _, r := range l.res {
		k, use, err := l.classify(r)
		if err != nil {
			return nil, nil, err
		}
		switch {
		case !use:
		case k == kindAPI:
			apis = append(apis, r)
		default:
			others = append(others, r)
		}
	}
	return apis, others, nil
}

// classify returns r's kind and whether the model uses it: a resource of
// another service, a kept-but-ignored ApiGatewayV2 type or one whose
// Condition is false is not used; a malformed ApiGatewayV2 resource is an
// error.
func (l *loader) classify(r *resource) (kind, bool, error) {
	if !strings.HasPrefix(r.typ, typePrefix) {
		if r.typ == "AWS::Serverless::WebSocketApi" {
			l.warn(r.key, "AWS::Serverless::WebSocketApi is not supported; describe the API with AWS::ApiGatewayV2 resources")
		}
		return 0, false, nil
	}
	if r.node.Kind != yaml.MappingNode {
		return 0, false, l.src.errAt(r.key, fmt.Sprintf("resource %q must be a mapping", r.id))
	}
	k, ok := typeKind[r.typ]
	if !ok {
		if why, known := ignoredTypes[r.typ]; known {
			if why != "" {
				l.warn(r.key, fmt.Sprintf("%s %s is kept but not emulated: %s", r.typ, r.id, why))
			}
			return 0, false, nil
		}
		return 0, false, l.src.errAt(mapGet(r.node, "Type"), fmt.Sprintf("unsupported resource type %s", r.typ))
	}
	if !isLogicalID(r.id) {
		return 0, false, l.src.errAt(r.key, fmt.Sprintf("logical ID %q must be letters and digits only", r.id))
	}
	if r.props != nil && r.props.Kind != yaml.MappingNode {
		return 0, false, l.src.errAt(r.props, fmt.Sprintf("the Properties of %s must be a mapping", r.id))
	}
	c := mapGet(r.node, "Condition")
	if c == nil {
		return k, true, nil
	}
	if c.Kind != yaml.ScalarNode {
		return 0, false, l.src.errAt(c, "a resource's Condition must be a condition name")
	}
	created, err := l.e.condition(c.Value, c, 0)
	if err != nil {
		return 0, false, err
	}
	return k, created, nil // CloudFormation would not create it when false
}

// api reads the API resource itself.
func (l *loader) api(r *resource) (*model.API, error) {
	api := &model.API{
		ID:           r.id,
		Routes:       []model.Route{},
		Integrations: []model.Integration{},
		Authorizers:  []model.Authorizer{},
	}
	p := l.props(r)
	if err := p.strs(
		strField{"Name", &api.Name},
		strField{"Description", &api.Description},
		strField{"RouteSelectionExpression", &api.RouteSelectionExpression},
		strField{"ApiKeySelectionExpression", &api.APIKeySelectionExpression},
	); err != nil {
		return nil, err
	}
	l.remember(pathKey(kindAPI, api.ID, "RouteSelectionExpression"), p.node("RouteSelectionExpression"))
	l.remember(pathKey(kindAPI, api.ID, "ApiKeySelectionExpression"), p.node("ApiKeySelectionExpression"))
	l.remember(pathKey(kindAPI, api.ID, ""), r.key)
	return api, nil
}

// belongingTo returns the resources whose ApiId is api's; the others are
// kept in the file with a warning.
func (l *loader) belongingTo(api *model.API, rs []*resource) ([]*resource, error) {
	var own []*resource
	for _, r := range rs {
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
	return own, nil
}

// readElements reads the API's resources into the model: integrations,
// authorizers and the stage first (routes refer to them), then routes, then
// the responses that refer to routes and integrations.
func (l *loader) readElements(api *model.API, own []*resource) error {
	routeLine := map[string]int{}
	passes := []map[kind]func(*model.API, *resource) error{
		{kindIntegration: l.integration, kindAuthorizer: l.authorizer, kindStage: l.stage},
		{kindRoute: func(api *model.API, r *resource) error { return l.route(api, r, routeLine) }},
		{kindRouteResponse: l.routeResponse, kindIntegrationResponse: l.integrationResponse},
	}
	for _, pass := range passes {
		for _, r := range own {
			if read := pass[typeKind[r.typ]]; read != nil {
				if err := read(api, r); err != nil {
					return err
				}
			}
		}
	}
	return nil
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
	if err := p.strs(strField{"StageName", &st.Name}, strField{"Description", &st.Description}, strField{"DeploymentId", &st.DeploymentID}); err != nil {
		return err
	}
	if st.Name == "" {
		return l.src.errAt(r.key, fmt.Sprintf("stage %s has no StageName", r.id))
	}
	var err error
	if st.Variables, err = p.strMap("StageVariables"); err != nil {
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
	if err := p.strs(
		strField{"Description", &in.Description},
		strField{"IntegrationMethod", &in.Method},
		strField{"TemplateSelectionExpression", &in.TemplateSelectionExpression},
		strField{"PassthroughBehavior", &in.PassthroughBehavior},
		strField{"ContentHandlingStrategy", &in.ContentHandlingStrategy},
		strField{"ConnectionType", &in.ConnectionType},
		strField{"PayloadFormatVersion", &in.PayloadFormatVersion},
		strField{"CredentialsArn", &in.CredentialsArn},
	); err != nil {
		return err
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
	l.e.funcRefs = nil
	if err := p.strs(strField{"Name", &au.Name}, strField{"AuthorizerType", &au.Type}, strField{"AuthorizerUri", &au.URI}); err != nil {
		return err
	}
	var err error
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
	if err := p.strs(
		strField{"AuthorizationType", &rt.AuthorizationType},
		strField{"AuthorizerId", &rt.AuthorizerID},
		strField{"RouteResponseSelectionExpression", &rt.RouteResponseSelectionExpression},
		strField{"OperationName", &rt.OperationName},
	); err != nil {
		return err
	}
	if rt.AuthorizerID != "" && api.Authorizer(rt.AuthorizerID) == nil {
		return l.src.errAt(p.node("AuthorizerId"), fmt.Sprintf("route %s: authorizer %q does not exist", r.id, rt.AuthorizerID))
	}
	if rt.APIKeyRequired, err = p.boolean("ApiKeyRequired"); err != nil {
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
	if err := p.strs(strField{"TemplateSelectionExpression", &ir.TemplateSelectionExpression}, strField{"ContentHandlingStrategy", &ir.ContentHandlingStrategy}); err != nil {
		return err
	}
	if ir.ResponseTemplates, err = p.strMap("ResponseTemplates"); err != nil {
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

// strField names a string property and where its value goes.
type strField struct {
	key string
	dst *string
}

// strs reads string properties into their destinations, stopping at the
// first error.
func (p props) strs(fields ...strField) error {
	for _, f := range fields {
		v, err := p.str(f.key)
		if err != nil {
			return err
		}
		*f.dst = v
	}
	return nil
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
	for _, fn := range api.Functions {
		k[fn.Name] = kindFunction
	}
	return k
}
