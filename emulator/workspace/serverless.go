package workspace

import (
	"context"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"wsworkbench/emulator/model"
)

// The Serverless Framework's defaults for a websocket API (lib/plugins/aws:
// naming.js, package/compile/events/websockets).
const (
	slsDefaultStage       = "dev"
	slsDefaultRegion      = "us-east-1"
	slsDefaultRouteSelect = "$request.body.action"
	slsDefaultDescription = "Serverless Websockets"
	slsDefaultIdentity    = "route.request.header.Auth"
	slsAPIID              = "WebsocketsApi"
	slsStageID            = "WebsocketsDeploymentStage"
)

// slsImporter builds a model from a serverless.yml the way the Framework
// compiles its websocket events into ApiGatewayV2 resources.
type slsImporter struct {
	ctx      context.Context
	src      *source
	root     *yaml.Node
	service  string
	stage    string
	region   string
	warnings []string
	nodes    map[string]*yaml.Node
	ids      map[string]bool
	vars     *slsVars
}

func newSLSImporter(ctx context.Context, src *source, root *yaml.Node) *slsImporter {
	s := &slsImporter{ctx: ctx, src: src, root: root, nodes: map[string]*yaml.Node{}, ids: map[string]bool{}}
	s.vars = newSLSVars(s)
	return s
}

func loadServerless(ctx context.Context, src *source, root *yaml.Node) (*Workspace, error) {
	s := newSLSImporter(ctx, src, root)
	api, err := s.build()
	if err != nil {
		return nil, err
	}
	if err := validateAPI(api, func(path string, line, col int, msg string) error {
		return locateIn(src, s.nodes, path, line, col, msg)
	}); err != nil {
		return nil, err
	}
	// The functions come along, so a save as CloudFormation runs them too.
	api.Functions = editableFunctions(src, fileDir(src.name), root, true)
	desc := fmt.Sprintf("Imported by wsworkbench from %s (service %s, stage %s)", baseName(src.name), s.service, s.stage)
	return &Workspace{
		Format:   Serverless,
		API:      api,
		Warnings: s.warnings,
		doc:      emptyTemplate(desc),
		derived:  map[string]string{},
	}, nil
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

func (s *slsImporter) warn(n *yaml.Node, msg string) {
	s.warnings = append(s.warnings, s.src.errAt(n, msg).Error())
}

// str returns scalar n's value with the Framework variables it can resolve
// resolved; "" for nil.
func (s *slsImporter) str(n *yaml.Node, what string) (string, error) {
	if n == nil {
		return "", nil
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.ScalarNode {
		return "", s.src.errAt(n, what+" must be a string")
	}
	if n.ShortTag() == "!!null" {
		return "", nil
	}
	return s.vars.resolve(n)
}

func (s *slsImporter) build() (*model.API, error) {
	var err error
	svc := mapGet(s.root, "service")
	if svc != nil && svc.Kind == yaml.MappingNode {
		svc = mapGet(svc, "name") // the older service: {name: ...} form
	}
	if s.service, err = s.str(svc, "service"); err != nil {
		return nil, err
	}
	if s.service == "" {
		return nil, s.src.errAt(mapGet(s.root, "service"), "serverless.yml: service has no name")
	}
	provider := mapGet(s.root, "provider")
	if provider.Kind != yaml.MappingNode {
		return nil, s.src.errAt(provider, "serverless.yml: provider must be a mapping")
	}
	// The stage and region come first: other values refer to them.
	s.stage, s.region = slsDefaultStage, slsDefaultRegion
	if st, err := s.str(mapGet(provider, "stage"), "provider.stage"); err != nil {
		return nil, err
	} else if st != "" {
		s.stage = st
	}
	if r, err := s.str(mapGet(provider, "region"), "provider.region"); err != nil {
		return nil, err
	} else if r != "" {
		s.region = r
	}
	s.vars.reset()
	gw := mapGet(provider, "apiGateway")
	if gw != nil && gw.Kind != yaml.MappingNode {
		gw = nil
	}
	if ext := mapGet(gw, "websocketApiId"); ext != nil {
		s.warn(ext, "provider.apiGateway.websocketApiId names an existing API; the workbench emulates the routes declared here")
	}

	api := &model.API{
		ID:           slsAPIID,
		Routes:       []model.Route{},
		Integrations: []model.Integration{},
		Authorizers:  []model.Authorizer{},
		Stage:        model.Stage{ID: slsStageID, Name: s.stage},
	}
	s.ids[slsAPIID], s.ids[slsStageID] = true, true
	strs := []struct {
		dst   *string
		nodes []*yaml.Node
		def   string
		what  string
	}{
		{&api.Name, []*yaml.Node{mapGet(provider, "websocketsApiName")}, s.stage + "-" + s.service + "-websockets", "provider.websocketsApiName"},
		{&api.Description, []*yaml.Node{mapGet(provider, "websocketsDescription")}, slsDefaultDescription, "provider.websocketsDescription"},
		{&api.RouteSelectionExpression, []*yaml.Node{mapGet(provider, "websocketsApiRouteSelectionExpression"), mapGet(gw, "websocketsApiRouteSelectionExpression")}, slsDefaultRouteSelect, "the route selection expression"},
		{&api.APIKeySelectionExpression, []*yaml.Node{mapGet(gw, "websocketsApiKeySelectionExpression")}, "", "provider.apiGateway.websocketsApiKeySelectionExpression"},
	}
	for _, f := range strs {
		*f.dst = f.def
		for _, n := range f.nodes {
			v, err := s.str(n, f.what)
			if err != nil {
				return nil, err
			}
			if v != "" {
				*f.dst = v
				if f.dst == &api.RouteSelectionExpression {
					s.nodes[pathKey(kindAPI, api.ID, "RouteSelectionExpression")] = n
				}
				if f.dst == &api.APIKeySelectionExpression {
					s.nodes[pathKey(kindAPI, api.ID, "ApiKeySelectionExpression")] = n
				}
				break
			}
		}
	}

	fns := mapGet(s.root, "functions")
	if fns != nil && fns.Kind != yaml.MappingNode {
		return nil, s.src.errAt(fns, "serverless.yml: functions must be a mapping")
	}
	routeAt := map[string]routeDecl{}
	for i := 0; fns != nil && i+1 < len(fns.Content); i += 2 {
		if err := s.function(api, fns.Content[i], fns.Content[i+1], routeAt); err != nil {
			return nil, err
		}
	}
	if len(api.Routes) == 0 {
		at := fns
		if at == nil {
			at = s.root
		}
		return nil, s.src.errAt(at, "not a WebSocket API: no function has a websocket event")
	}
	return api, nil
}

// function imports one function's websocket events.
func (s *slsImporter) function(api *model.API, key, def *yaml.Node, routeAt map[string]routeDecl) error {
	name := key.Value
	if def.Kind == yaml.AliasNode && def.Alias != nil {
		def = def.Alias
	}
	events := mapGet(def, "events")
	if events == nil {
		return nil
	}
	if events.Kind != yaml.SequenceNode {
		return s.src.errAt(events, fmt.Sprintf("function %s: events must be a list", name))
	}
	var integ *model.Integration
	for _, ev := range events.Content {
		ws := mapGet(ev, "websocket")
		if ws == nil {
			continue
		}
		if integ == nil {
			in, err := s.integration(api, name, def)
			if err != nil {
				return err
			}
			integ = in
		}
		if err := s.route(api, name, integ.ID, ws, routeAt); err != nil {
			return err
		}
	}
	return nil
}

func (s *slsImporter) integration(api *model.API, fn string, def *yaml.Node) (*model.Integration, error) {
	deployed, err := s.str(mapGet(def, "name"), "function "+fn+" name")
	if err != nil {
		return nil, err
	}
	if deployed == "" {
		deployed = s.service + "-" + s.stage + "-" + fn
	}
	arn := "arn:aws:lambda:" + s.region + ":" + pseudoAccountID + ":function:" + deployed
	api.Integrations = append(api.Integrations, model.Integration{
		ID:           s.uniqueID(slsName(fn) + "WebsocketsIntegration"),
		Type:         model.TypeAWSProxy,
		URI:          s.invokeURI(arn),
		FunctionName: fn,
		Responses:    []model.IntegrationResponse{},
	})
	return &api.Integrations[len(api.Integrations)-1], nil
}

func (s *slsImporter) invokeURI(functionArn string) string {
	return "arn:aws:apigateway:" + s.region + ":lambda:path/2015-03-31/functions/" + functionArn + "/invocations"
}

// routeDecl is where a route was declared: its index in api.Routes, the
// function and the node of its route key.
type routeDecl struct {
	index int
	fn    string
	at    *yaml.Node
}

// route imports one websocket event: "websocket: $default" or
// "websocket: {route, routeResponseSelectionExpression, authorizer}".
func (s *slsImporter) route(api *model.API, fn, integID string, ws *yaml.Node, routeAt map[string]routeDecl) error {
	if ws.Kind == yaml.AliasNode && ws.Alias != nil {
		ws = ws.Alias
	}
	rt := model.Route{IntegrationID: integID, AuthorizationType: "NONE"}
	routeNode := ws
	var err error
	switch ws.Kind {
	case yaml.ScalarNode:
		rt.Key, err = s.str(ws, "the websocket route")
	case yaml.MappingNode:
		routeNode = mapGet(ws, "route")
		rt.Key, err = s.str(routeNode, "the websocket route")
	default:
		return s.src.errAt(ws, fmt.Sprintf("function %s: a websocket event is a route key or a mapping with route", fn))
	}
	if err != nil {
		return err
	}
	if rt.Key == "" {
		return s.src.errAt(ws, fmt.Sprintf("function %s: websocket event has no route", fn))
	}
	// The Framework names the Route resource after the route key and
	// merges resources of the same name: see mergeRoute.
	logicalID := slsRouteName(rt.Key) + "WebsocketsRoute"
	prev, dup := routeAt[logicalID]
	if !dup {
		rt.ID = s.uniqueID(logicalID)
	} else {
		rt.ID = api.Routes[prev.index].ID
	}
	if ws.Kind == yaml.MappingNode {
		if err := s.routeOptions(api, fn, &rt, ws); err != nil {
			return err
		}
		if req := mapGet(ws, "request"); req != nil {
			s.warn(req, fmt.Sprintf("function %s: request schemas (AWS::ApiGatewayV2::Model) are not validated by the workbench", fn))
		}
	}
	if dup {
		s.mergeRoute(api, prev, fn, routeNode, rt)
		return nil
	}
	if rt.RouteResponse != nil {
		rt.RouteResponse.ID = s.uniqueID(rt.ID + "Response")
	}
	routeAt[logicalID] = routeDecl{index: len(api.Routes), fn: fn, at: routeNode}
	api.Routes = append(api.Routes, rt)
	return nil
}

// routeOptions reads an event mapping's routeResponseSelectionExpression and
// authorizer into rt.
func (s *slsImporter) routeOptions(api *model.API, fn string, rt *model.Route, ws *yaml.Node) error {
	rrse := mapGet(ws, "routeResponseSelectionExpression")
	var err error
	if rt.RouteResponseSelectionExpression, err = s.str(rrse, "routeResponseSelectionExpression"); err != nil {
		return err
	}
	if rt.RouteResponseSelectionExpression != "" {
		s.nodes[pathKey(kindRoute, rt.ID, "RouteResponseSelectionExpression")] = rrse
		rt.RouteResponse = &model.RouteResponse{Key: model.RouteDefault} // its ID comes with the route's place
	}
	a := mapGet(ws, "authorizer")
	if a == nil {
		return nil
	}
	if rt.Key != model.RouteConnect {
		s.warn(a, fmt.Sprintf("function %s: only the $connect route can have an authorizer; ignored on %s", fn, rt.Key))
		return nil
	}
	id, err := s.authorizer(api, a)
	if err != nil {
		return err
	}
	rt.AuthorizationType, rt.AuthorizerID = "CUSTOM", id
	return nil
}

// mergeRoute folds a second declaration of a route (the same route key, or
// one the Framework's naming turns into the same logical ID) into the
// first, as the Framework's _.merge of the compiled resources does: the
// later event's key, integration and authorization win; a route response
// selection expression (and the route response) stays when the later event
// has none. The warning names both places.
func (s *slsImporter) mergeRoute(api *model.API, prev routeDecl, fn string, at *yaml.Node, rt model.Route) {
	old := &api.Routes[prev.index]
	s.warn(at, fmt.Sprintf("function %s: route %q is also declared by function %s at %s; the Framework merges the two and the last declaration wins: %s calls %s",
		fn, rt.Key, prev.fn, s.src.pos(prev.at), rt.Key, fn))
	old.Key = rt.Key
	old.IntegrationID = rt.IntegrationID
	// _.merge would keep an earlier AuthorizerId beside the later NONE; no
	// authorizer runs on a NONE route, so the ID is dropped.
	old.AuthorizationType, old.AuthorizerID = rt.AuthorizationType, rt.AuthorizerID
	if rt.RouteResponseSelectionExpression != "" {
		old.RouteResponseSelectionExpression = rt.RouteResponseSelectionExpression
		if old.RouteResponse == nil {
			old.RouteResponse = &model.RouteResponse{ID: s.uniqueID(old.ID + "Response"), Key: model.RouteDefault}
		}
	}
}

// authorizer imports an event's authorizer (a function name, an ARN, or
// {name|arn, identitySource}) and returns its ID.
func (s *slsImporter) authorizer(api *model.API, a *yaml.Node) (string, error) {
	if a.Kind == yaml.AliasNode && a.Alias != nil {
		a = a.Alias
	}
	var name, arn string
	identity := []string{slsDefaultIdentity}
	var err error
	switch a.Kind {
	case yaml.ScalarNode:
		v, err := s.str(a, "authorizer")
		if err != nil {
			return "", err
		}
		if strings.Contains(v, ":") {
			arn = v
		} else {
			name = v
		}
	case yaml.MappingNode:
		if name, err = s.str(mapGet(a, "name"), "authorizer.name"); err != nil {
			return "", err
		}
		arnNode := mapGet(a, "arn")
		if arnNode != nil && arnNode.Kind != yaml.ScalarNode && arnNode.Kind != yaml.AliasNode {
			// An intrinsic function (Fn::GetAtt, Fn::ImportValue...): the
			// Framework requires a name beside it, and so do we.
			if name == "" {
				return "", s.src.errAt(arnNode, `authorizer: an arn that is not a string needs a name (the Framework requires it too)`)
			}
			s.warn(arnNode, fmt.Sprintf("authorizer %s: its arn is not a string; the workbench calls the local function %s", name, name))
			arnNode = nil
		}
		if arn, err = s.str(arnNode, "authorizer.arn"); err != nil {
			return "", err
		}
		if ids := mapGet(a, "identitySource"); ids != nil {
			identity = nil
			if ids.Kind == yaml.ScalarNode {
				ids = &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{ids}}
			}
			for _, n := range ids.Content {
				v, err := s.str(n, "authorizer.identitySource")
				if err != nil {
					return "", err
				}
				identity = append(identity, v)
			}
		}
	default:
		return "", s.src.errAt(a, "authorizer must be a function name, an ARN or a mapping")
	}
	au := model.Authorizer{Type: "REQUEST", IdentitySource: identity, TTLSeconds: defaultAuthorizerTTL}
	switch {
	case arn != "":
		if name == "" {
			name = arn[strings.LastIndexByte(arn, ':')+1:]
		}
		au.URI = s.invokeURI(arn)
	case name != "":
		fn := mapGet(mapGet(s.root, "functions"), name)
		deployed := s.service + "-" + s.stage + "-" + name
		if fn != nil {
			if d, err := s.str(mapGet(fn, "name"), "function "+name+" name"); err == nil && d != "" {
				deployed = d
			}
		} else {
			s.warn(a, fmt.Sprintf("authorizer function %q is not among this service's functions", name))
		}
		au.URI = s.invokeURI("arn:aws:lambda:" + s.region + ":" + pseudoAccountID + ":function:" + deployed)
		au.FunctionName = name
	default:
		return "", s.src.errAt(a, "authorizer needs a name or an arn")
	}
	au.Name = name
	id := slsName(name) + "WebsocketsAuthorizer"
	if api.Authorizer(id) != nil {
		return id, nil // the Framework merges authorizers by name
	}
	au.ID = s.uniqueID(id)
	api.Authorizers = append(api.Authorizers, au)
	return au.ID, nil
}

func (s *slsImporter) uniqueID(base string) string {
	id := base
	for n := 2; s.ids[id]; n++ {
		id = fmt.Sprintf("%s%d", base, n)
	}
	s.ids[id] = true
	return id
}

// slsName is the Framework's getNormalizedFunctionName, keeping only what a
// logical ID may hold.
func slsName(name string) string {
	name = strings.NewReplacer("-", "Dash", "_", "Underscore").Replace(name)
	name = keepAlnum(name)
	if name == "" {
		return "F"
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

// slsRouteName is the Framework's getNormalizedWebsocketsRouteKey.
func slsRouteName(key string) string {
	key = strings.NewReplacer("$", "S", "/", "Slash", "-", "Dash", "_", "Underscore", ".", "Period").Replace(key)
	key = keepAlnum(key)
	if key == "" {
		return "R"
	}
	return key
}

func keepAlnum(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}
