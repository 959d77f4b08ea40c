package workspace

import (
	"reflect"
	"strings"
	"testing"

	"wsworkbench/emulator/model"
)

const slsBase = `service: chat
custom:
  defaultStage: staging
  prefix: my
provider:
  name: aws
PROVIDER
functions:
FUNCTIONS
`

func slsDoc(provider, functions string) string {
	return strings.NewReplacer("PROVIDER", provider, "FUNCTIONS", functions).Replace(slsBase)
}

func TestServerlessImport(t *testing.T) {
	const oneFn = "  hello:\n    handler: h.hello\n    events:\n      - websocket: $default\n"
	tests := []struct {
		name      string
		provider  string
		functions string
		check     func(t *testing.T, api *model.API)
	}{
		{"defaults", "", oneFn, func(t *testing.T, api *model.API) {
			if api.Name != "dev-chat-websockets" || api.Stage.Name != "dev" || api.RouteSelectionExpression != "$request.body.action" || api.Description != "Serverless Websockets" {
				t.Errorf("API %q stage %q rse %q desc %q", api.Name, api.Stage.Name, api.RouteSelectionExpression, api.Description)
			}
			r := api.Route("$default")
			if r == nil || r.ID != "SdefaultWebsocketsRoute" || r.IntegrationID != "HelloWebsocketsIntegration" || r.AuthorizationType != "NONE" {
				t.Fatalf("route = %+v", r)
			}
			in := api.Integration(r.IntegrationID)
			if in.FunctionName != "hello" || in.URI != "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:chat-dev-hello/invocations" {
				t.Errorf("integration = %+v", in)
			}
		}},
		{"stage from opt fallback", "  stage: ${opt:stage, 'prod'}\n  region: eu-west-1\n", oneFn, func(t *testing.T, api *model.API) {
			if api.Stage.Name != "prod" || api.Name != "prod-chat-websockets" || !strings.Contains(api.Integrations[0].URI, ":eu-west-1:") {
				t.Errorf("stage %q name %q uri %q", api.Stage.Name, api.Name, api.Integrations[0].URI)
			}
		}},
		{"stage from self fallback", "  stage: ${opt:stage, self:custom.defaultStage}\n", oneFn, func(t *testing.T, api *model.API) {
			if api.Stage.Name != "staging" {
				t.Errorf("stage %q", api.Stage.Name)
			}
		}},
		{"stage from nested variable fallback", "  stage: ${opt:stage, ${self:custom.defaultStage}}\n", oneFn, func(t *testing.T, api *model.API) {
			if api.Stage.Name != "staging" {
				t.Errorf("stage %q", api.Stage.Name)
			}
		}},
		{"names with variables", "  websocketsApiName: ${self:custom.prefix}-${self:service}-${sls:stage}\n  websocketsDescription: in ${aws:region} for ${env:TEAM}\n", oneFn, func(t *testing.T, api *model.API) {
			if api.Name != "my-chat-dev" || api.Description != "in us-east-1 for ${env:TEAM}" {
				t.Errorf("name %q description %q", api.Name, api.Description)
			}
		}},
		{"provider route selection", "  websocketsApiRouteSelectionExpression: $request.body.route\n", oneFn, func(t *testing.T, api *model.API) {
			if api.RouteSelectionExpression != "$request.body.route" {
				t.Errorf("rse %q", api.RouteSelectionExpression)
			}
		}},
		{"apiGateway route selection and API key", "  apiGateway:\n    websocketsApiRouteSelectionExpression: $request.body.op\n    websocketsApiKeySelectionExpression: $request.header.x-api-key\n", oneFn, func(t *testing.T, api *model.API) {
			if api.RouteSelectionExpression != "$request.body.op" || api.APIKeySelectionExpression != "$request.header.x-api-key" {
				t.Errorf("rse %q aks %q", api.RouteSelectionExpression, api.APIKeySelectionExpression)
			}
		}},
		{"route response", "", "  hello:\n    handler: h.hello\n    events:\n      - websocket:\n          route: hello\n          routeResponseSelectionExpression: $default\n", func(t *testing.T, api *model.API) {
			r := api.Route("hello")
			if r.RouteResponseSelectionExpression != "$default" || r.RouteResponse == nil || *r.RouteResponse != (model.RouteResponse{ID: "helloWebsocketsRouteResponse", Key: "$default"}) {
				t.Errorf("route = %+v %+v", r, r.RouteResponse)
			}
		}},
		{"one integration per function", "", "  multi:\n    handler: h.multi\n    events:\n      - websocket: $connect\n      - websocket:\n          route: $disconnect\n      - http: GET /\n", func(t *testing.T, api *model.API) {
			if len(api.Integrations) != 1 || len(api.Routes) != 2 || api.Routes[0].IntegrationID != api.Routes[1].IntegrationID {
				t.Errorf("routes %+v integrations %+v", api.Routes, api.Integrations)
			}
		}},
		{"custom function name", "", "  hello:\n    name: custom-${sls:stage}\n    handler: h.hello\n    events:\n      - websocket: $default\n", func(t *testing.T, api *model.API) {
			if in := api.Integrations[0]; !strings.HasSuffix(in.URI, ":function:custom-dev/invocations") || in.FunctionName != "hello" {
				t.Errorf("integration = %+v", in)
			}
		}},
		{"authorizer by function name", "", `  connect:
    handler: h.connect
    events:
      - websocket:
          route: $connect
          authorizer: auth
  auth:
    handler: h.auth
`, func(t *testing.T, api *model.API) {
			want := model.Authorizer{ID: "AuthWebsocketsAuthorizer", Name: "auth", Type: "REQUEST", FunctionName: "auth", TTLSeconds: 300,
				URI:            "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:chat-dev-auth/invocations",
				IdentitySource: []string{"route.request.header.Auth"}}
			if len(api.Authorizers) != 1 || !reflect.DeepEqual(api.Authorizers[0], want) {
				t.Errorf("authorizers = %+v\nwant %+v", api.Authorizers, want)
			}
			if r := api.Route("$connect"); r.AuthorizationType != "CUSTOM" || r.AuthorizerID != "AuthWebsocketsAuthorizer" {
				t.Errorf("route = %+v", r)
			}
		}},
		{"authorizer by ARN", "", "  connect:\n    handler: h.connect\n    events:\n      - websocket:\n          route: $connect\n          authorizer: arn:aws:lambda:us-east-1:111122223333:function:external\n", func(t *testing.T, api *model.API) {
			au := api.Authorizers[0]
			if au.Name != "external" || au.FunctionName != "" || au.URI != "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:111122223333:function:external/invocations" {
				t.Errorf("authorizer = %+v", au)
			}
		}},
		{"authorizer mapping with identity sources", "", `  connect:
    handler: h.connect
    events:
      - websocket:
          route: $connect
          authorizer:
            name: auth
            identitySource:
              - route.request.header.Auth
              - route.request.querystring.Auth
  auth:
    handler: h.auth
`, func(t *testing.T, api *model.API) {
			if got := api.Authorizers[0].IdentitySource; !reflect.DeepEqual(got, []string{"route.request.header.Auth", "route.request.querystring.Auth"}) {
				t.Errorf("identity sources = %q", got)
			}
		}},
		{"authorizer mapping with arn and a single identity source", "", "  connect:\n    handler: h.connect\n    events:\n      - websocket:\n          route: $connect\n          authorizer:\n            arn: arn:aws:lambda:us-east-1:1:function:ext\n            identitySource: route.request.querystring.token\n", func(t *testing.T, api *model.API) {
			au := api.Authorizers[0]
			if au.Name != "ext" || !reflect.DeepEqual(au.IdentitySource, []string{"route.request.querystring.token"}) {
				t.Errorf("authorizer = %+v", au)
			}
		}},
		{"service mapping form", "", oneFn, func(t *testing.T, api *model.API) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := slsDoc(tt.provider, tt.functions)
			if tt.name == "service mapping form" {
				src = strings.Replace(src, "service: chat", "service:\n  name: chat", 1)
			}
			w := mustParse(t, "serverless.yml", src)
			if w.Format != Serverless {
				t.Errorf("Format = %v", w.Format)
			}
			tt.check(t, w.API)
			back, out := reload(t, w)
			if d := diffAPI(back.API, w.API); d != "" {
				t.Errorf("round trip: %s\n%s", d, out)
			}
		})
	}
}

func TestServerlessErrors(t *testing.T) {
	tests := []struct {
		name, functions, want string
	}{
		{"no websocket events", "  hello:\n    handler: h.hello\n    events:\n      - http: GET /\n",
			"serverless.yml:9:3: not a WebSocket API: no function has a websocket event"},
		{"no functions", "", "serverless.yml:1:1: not a WebSocket API: no function has a websocket event"},
		{"event without route", "  a:\n    handler: h.a\n    events:\n      - websocket:\n          routeResponseSelectionExpression: $default\n",
			"serverless.yml:13:11: function a: websocket event has no route"},
		{"events not a list", "  a:\n    handler: h.a\n    events: websocket\n",
			"serverless.yml:11:13: function a: events must be a list"},
		{"event is a list", "  a:\n    handler: h.a\n    events:\n      - websocket: [x]\n",
			"serverless.yml:12:20: function a: a websocket event is a route key or a mapping with route"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := slsDoc("", tt.functions)
			if tt.functions == "" {
				src = strings.Replace(src, "functions:\n", "", 1)
			}
			_, err := Parse("serverless.yml", []byte(src))
			if err == nil || err.Error() != tt.want {
				t.Errorf("error\n got: %v\nwant: %s", err, tt.want)
			}
		})
	}
}

func TestServerlessAuthorizerOnlyOnConnect(t *testing.T) {
	src := slsDoc("", "  a:\n    handler: h.a\n    events:\n      - websocket:\n          route: msg\n          authorizer: auth\n")
	w := mustParse(t, "serverless.yml", src)
	if len(w.API.Authorizers) != 0 || w.API.Route("msg").AuthorizationType != "NONE" {
		t.Errorf("authorizer on a message route was not ignored: %+v", w.API)
	}
	if len(w.Warnings) != 1 || !strings.Contains(w.Warnings[0], "only the $connect route can have an authorizer") {
		t.Errorf("warnings = %q", w.Warnings)
	}
}

// TestServerlessDuplicateRoute imports a route declared by two functions as
// the Framework compiles it: one Route resource, the last declaration's
// integration, and the earlier route response kept (issue 10; the import
// used to refuse the whole file).
func TestServerlessDuplicateRoute(t *testing.T) {
	w := mustLoad(t, "duplicate-route.serverless.yml")
	var multi []model.Route
	for _, r := range w.API.Routes {
		if r.Key == "makeMultiCalls" {
			multi = append(multi, r)
		}
	}
	if len(multi) != 1 {
		t.Fatalf("%d makeMultiCalls routes, want 1: %+v", len(multi), w.API.Routes)
	}
	r := multi[0]
	if r.ID != "makeMultiCallsWebsocketsRoute" || r.IntegrationID != "MultiCall2WebsocketsIntegration" || r.RouteResponseSelectionExpression != "$default" || r.RouteResponse == nil {
		t.Errorf("route = %+v (response %+v)", r, r.RouteResponse)
	}
	want := []string{`testdata/duplicate-route.serverless.yml:31:18: function multiCall2: route "makeMultiCalls" is also declared by function multiCall1 at testdata/duplicate-route.serverless.yml:25:18; the Framework merges the two and the last declaration wins: makeMultiCalls calls multiCall2`}
	if !reflect.DeepEqual(w.Warnings, want) {
		t.Errorf("warnings\n got: %q\nwant: %q", w.Warnings, want)
	}
	back, out := reload(t, w)
	if d := diffAPI(back.API, w.API); d != "" {
		t.Errorf("round trip: %s\n%s", d, out)
	}
}

// TestServerlessRouteMerge pins the other cases of the Framework's merge by
// logical ID.
func TestServerlessRouteMerge(t *testing.T) {
	tests := []struct {
		name, functions string
		check           func(t *testing.T, api *model.API)
	}{
		{"keys the naming makes equal", "  a:\n    events:\n      - websocket: send-msg\n  b:\n    events:\n      - websocket: sendDashmsg\n", func(t *testing.T, api *model.API) {
			if len(api.Routes) != 1 || api.Routes[0].Key != "sendDashmsg" || api.Routes[0].ID != "sendDashmsgWebsocketsRoute" || api.Routes[0].IntegrationID != "BWebsocketsIntegration" {
				t.Errorf("routes = %+v", api.Routes)
			}
		}},
		{"the later $connect has no authorizer", "  a:\n    events:\n      - websocket:\n          route: $connect\n          authorizer: auth\n  b:\n    events:\n      - websocket: $connect\n  auth:\n    handler: h.auth\n", func(t *testing.T, api *model.API) {
			if r := api.Route("$connect"); r.AuthorizationType != "NONE" || r.AuthorizerID != "" || r.IntegrationID != "BWebsocketsIntegration" {
				t.Errorf("route = %+v", r)
			}
		}},
		{"the later $connect has the authorizer", "  a:\n    events:\n      - websocket: $connect\n  b:\n    events:\n      - websocket:\n          route: $connect\n          authorizer: auth\n  auth:\n    handler: h.auth\n", func(t *testing.T, api *model.API) {
			if r := api.Route("$connect"); r.AuthorizationType != "CUSTOM" || r.AuthorizerID != "AuthWebsocketsAuthorizer" {
				t.Errorf("route = %+v", r)
			}
		}},
		{"one function declares a route twice", "  a:\n    events:\n      - websocket: x\n      - websocket:\n          route: x\n          routeResponseSelectionExpression: $default\n", func(t *testing.T, api *model.API) {
			if len(api.Routes) != 1 || api.Routes[0].RouteResponse == nil || api.Routes[0].RouteResponse.ID != "xWebsocketsRouteResponse" {
				t.Errorf("routes = %+v", api.Routes)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := mustParse(t, "serverless.yml", slsDoc("", tt.functions))
			if len(w.Warnings) != 1 || !strings.Contains(w.Warnings[0], "the last declaration wins") {
				t.Errorf("warnings = %q", w.Warnings)
			}
			tt.check(t, w.API)
			back, out := reload(t, w)
			if d := diffAPI(back.API, w.API); d != "" {
				t.Errorf("round trip: %s\n%s", d, out)
			}
		})
	}
}

// TestServerlessFrameworkDifferences pins what the websocket compile code of
// the Framework does where the import used to differ.
func TestServerlessFrameworkDifferences(t *testing.T) {
	t.Run("authorizer arn as an intrinsic function, with a name", func(t *testing.T) {
		w := mustParse(t, "serverless.yml", slsDoc("", "  c:\n    events:\n      - websocket:\n          route: $connect\n          authorizer:\n            name: auth\n            arn: {Fn::GetAtt: [AuthLambdaFunction, Arn]}\n  auth:\n    handler: h.a\n"))
		au := w.API.Authorizers[0]
		if au.Name != "auth" || au.FunctionName != "auth" {
			t.Errorf("authorizer = %+v", au)
		}
		if len(w.Warnings) != 1 || !strings.Contains(w.Warnings[0], "serverless.yml:15:18: authorizer auth: its arn is not a string") {
			t.Errorf("warnings = %q", w.Warnings)
		}
	})
	t.Run("authorizer arn as an intrinsic function, without a name", func(t *testing.T) {
		_, err := Parse("serverless.yml", []byte(slsDoc("", "  c:\n    events:\n      - websocket:\n          route: $connect\n          authorizer:\n            arn: {Fn::ImportValue: shared-auth}\n")))
		if want := "serverless.yml:14:18: authorizer: an arn that is not a string needs a name (the Framework requires it too)"; err == nil || err.Error() != want {
			t.Errorf("err = %v, want %s", err, want)
		}
	})
	t.Run("request schema", func(t *testing.T) {
		w := mustParse(t, "serverless.yml", slsDoc("", "  c:\n    events:\n      - websocket:\n          route: send\n          request:\n            schema:\n              application/json: {type: object}\n"))
		if len(w.Warnings) != 1 || !strings.Contains(w.Warnings[0], "request schemas (AWS::ApiGatewayV2::Model) are not validated") {
			t.Errorf("warnings = %q", w.Warnings)
		}
	})
}
