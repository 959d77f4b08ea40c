package workspace

import (
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"gopkg.in/yaml.v3"

	"wsworkbench/emulator/model"
)

// element is one ApiGatewayV2 resource as the model describes it: its logical
// ID, kind and the canonical encoding of every property the model covers (nil
// for "absent"). A save compares an element with the same element of the model
// as loaded; only properties whose encodings differ are rewritten, so a
// property's original node (a !Sub, a !Join, a comment) survives when its value
// did not change.
type element struct {
	id    string
	kind  kind
	props []propVal
	// extra are properties written only when the resource is created.
	extra []propVal
	// fn is the model function an integration's URI points at (written as
	// a !Sub of the function's Arn), "" for none.
	fn string
}

type propVal struct {
	name string
	node *yaml.Node
}

func (e element) prop(name string) (*yaml.Node, bool) {
	for _, p := range e.props {
		if p.name == name {
			return p.node, true
		}
	}
	return nil, false
}

func sv(s string) *yaml.Node {
	if s == "" {
		return nil
	}
	return strNode(s)
}

func refv(id string) *yaml.Node {
	if id == "" {
		return nil
	}
	return tagNode("!Ref", id)
}

func boolv(b bool) *yaml.Node {
	if !b {
		return nil
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"}
}

func intv(i, absent int) *yaml.Node {
	if i == absent {
		return nil
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(i)}
}

func mapv(m map[string]string) *yaml.Node {
	if len(m) == 0 {
		return nil
	}
	n := mappingNode()
	for _, k := range slices.Sorted(maps.Keys(m)) {
		n.Content = append(n.Content, strNode(k), strNode(m[k]))
	}
	return n
}

func listv(l []string) *yaml.Node {
	if len(l) == 0 {
		return nil
	}
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, s := range l {
		n.Content = append(n.Content, strNode(s))
	}
	return n
}

func routeParamsv(m map[string]bool) *yaml.Node {
	if len(m) == 0 {
		return nil
	}
	n := mappingNode()
	for _, k := range slices.Sorted(maps.Keys(m)) {
		req := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(m[k])}
		n.Content = append(n.Content, strNode(k), mappingNode(strNode("Required"), req))
	}
	return n
}

// elements returns the resources api describes, in model order. inDoc tells
// whether a logical ID names a resource of the template (a Stage's
// DeploymentId is a !Ref only then); dir is the directory the file is
// saved in, which functions' CodeUri is relative to.
func elements(api *model.API, inDoc func(id string) bool, dir string) []element {
	apiRef := refv(api.ID)
	var out []element
	out = append(out, element{id: api.ID, kind: kindAPI, props: []propVal{
		{"Name", sv(api.Name)},
		{"ProtocolType", strNode("WEBSOCKET")},
		{"RouteSelectionExpression", sv(api.RouteSelectionExpression)},
		{"ApiKeySelectionExpression", sv(api.APIKeySelectionExpression)},
		{"Description", sv(api.Description)},
	}})
	if st := api.Stage; st.ID != "" {
		dep := sv(st.DeploymentID)
		if st.DeploymentID != "" && inDoc(st.DeploymentID) {
			dep = refv(st.DeploymentID)
		}
		el := element{id: st.ID, kind: kindStage, props: []propVal{
			{"ApiId", apiRef},
			{"StageName", sv(st.Name)},
			{"Description", sv(st.Description)},
			{"DeploymentId", dep},
			{"StageVariables", mapv(st.Variables)},
		}}
		if st.DeploymentID == "" {
			// Without a deployment a new stage would serve nothing once deployed.
			el.extra = []propVal{{"AutoDeploy", boolv(true)}}
		}
		out = append(out, el)
	}
	for _, au := range api.Authorizers {
		out = append(out, element{id: au.ID, kind: kindAuthorizer, props: []propVal{
			{"ApiId", apiRef},
			{"Name", sv(au.Name)},
			{"AuthorizerType", sv(au.Type)},
			{"AuthorizerUri", sv(au.URI)},
			{"IdentitySource", listv(au.IdentitySource)},
			{"AuthorizerResultTtlInSeconds", intv(au.TTLSeconds, defaultAuthorizerTTL)},
		}})
	}
	for _, r := range api.Routes {
		var target *yaml.Node
		if r.IntegrationID != "" {
			target = tagNode("!Sub", "integrations/${"+r.IntegrationID+"}")
		}
		out = append(out, element{id: r.ID, kind: kindRoute, props: []propVal{
			{"ApiId", apiRef},
			{"RouteKey", sv(r.Key)},
			{"AuthorizationType", sv(r.AuthorizationType)},
			{"AuthorizerId", refv(r.AuthorizerID)},
			{"ApiKeyRequired", boolv(r.APIKeyRequired)},
			{"OperationName", sv(r.OperationName)},
			{"RouteResponseSelectionExpression", sv(r.RouteResponseSelectionExpression)},
			{"RequestParameters", routeParamsv(r.RequestParameters)},
			{"Target", target},
		}})
		if rr := r.RouteResponse; rr != nil {
			out = append(out, element{id: rr.ID, kind: kindRouteResponse, props: []propVal{
				{"ApiId", apiRef},
				{"RouteId", refv(r.ID)},
				{"RouteResponseKey", sv(rr.Key)},
			}})
		}
	}
	for _, in := range api.Integrations {
		uri, fn := sv(in.URI), ""
		if name, ok := functionOfURI(api, in.URI); ok && (in.Type == model.TypeAWSProxy || in.Type == model.TypeAWS) {
			uri, fn = functionURINode(name), name
		}
		out = append(out, element{id: in.ID, kind: kindIntegration, fn: fn, props: []propVal{
			{"ApiId", apiRef},
			{"Description", sv(in.Description)},
			{"IntegrationType", sv(in.Type)},
			{"IntegrationUri", uri},
			{"IntegrationMethod", sv(in.Method)},
			{"ConnectionType", sv(in.ConnectionType)},
			{"CredentialsArn", sv(in.CredentialsArn)},
			{"PassthroughBehavior", sv(in.PassthroughBehavior)},
			{"ContentHandlingStrategy", sv(in.ContentHandlingStrategy)},
			{"RequestParameters", mapv(in.RequestParameters)},
			{"RequestTemplates", mapv(in.RequestTemplates)},
			{"TemplateSelectionExpression", sv(in.TemplateSelectionExpression)},
			{"TimeoutInMillis", intv(in.TimeoutMillis, 0)},
			{"PayloadFormatVersion", sv(in.PayloadFormatVersion)},
		}})
	}
	for _, in := range api.Integrations {
		for _, ir := range in.Responses {
			out = append(out, element{id: ir.ID, kind: kindIntegrationResponse, props: []propVal{
				{"ApiId", apiRef},
				{"IntegrationId", refv(in.ID)},
				{"IntegrationResponseKey", sv(ir.Key)},
				{"ResponseTemplates", mapv(ir.ResponseTemplates)},
				{"TemplateSelectionExpression", sv(ir.TemplateSelectionExpression)},
				{"ContentHandlingStrategy", sv(ir.ContentHandlingStrategy)},
				{"ResponseParameters", mapv(ir.ResponseParameters)},
			}})
		}
	}
	for _, fn := range api.Functions {
		out = append(out, functionElement(fn, dir))
	}
	return out
}

// functionElement is a model function as an AWS::Serverless::Function:
// CodeUri relative to dir (slash-separated, as SAM writes it), Handler,
// Runtime, Timeout, MemorySize, ReservedConcurrentExecutions and
// Environment.Variables.
func functionElement(fn model.Function, dir string) element {
	codeURI := fn.CodeDir
	if rel, err := filepath.Rel(dir, fn.CodeDir); err == nil && fn.CodeDir != "" {
		codeURI = filepath.ToSlash(rel)
	}
	var env *yaml.Node
	if vars := mapv(fn.Env); vars != nil {
		env = mappingNode(strNode("Variables"), vars)
	}
	return element{id: fn.Name, kind: kindFunction, props: []propVal{
		{"CodeUri", sv(codeURI)},
		{"Handler", sv(fn.Handler)},
		{"Runtime", sv(fn.Runtime)},
		{"Timeout", intv(int(fn.Timeout/time.Second), 0)},
		{"MemorySize", intv(fn.MemoryMB, 0)},
		{"ReservedConcurrentExecutions", intv(fn.ReservedConcurrency, 0)},
		{"Environment", env},
	}}
}

// FunctionURI is the integration URI that calls the workspace function
// name, as a load reads the !Sub a save writes for it (see
// functionURINode): point an integration at a model function by setting
// its URI to this.
func FunctionURI(name string) string {
	return "arn:" + pseudoPartition + ":apigateway:" + pseudoRegion + ":lambda:path/2015-03-31/functions/" + functionArn(name) + "/invocations"
}

// functionURINode is how SAM templates point an integration at a function
// of the template.
func functionURINode(name string) *yaml.Node {
	return tagNode("!Sub", "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${"+name+".Arn}/invocations")
}

// functionOfURI returns the model function uri calls, when it is
// FunctionURI of one.
func functionOfURI(api *model.API, uri string) (string, bool) {
	for _, fn := range api.Functions {
		if uri == FunctionURI(fn.Name) {
			return fn.Name, true
		}
	}
	return "", false
}
