package workspace

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"wsworkbench/emulator/model"
)

// TestEditRoundTrip edits a loaded seed, saves, loads again and expects the
// edited model back; then checks the saved text for what must (not) be there.
func TestEditRoundTrip(t *testing.T) {
	tests := []struct {
		name    string
		seed    string
		edit    func(t *testing.T, w *Workspace)
		has     []string // the saved template contains these
		hasNot  []string // and not these
		checkFn func(t *testing.T, api *model.API)
	}{
		{
			name: "add a two-way MOCK route",
			seed: "mock-integration.cfn.yaml",
			edit: func(t *testing.T, w *Workspace) {
				api := w.API
				api.Integrations = append(api.Integrations, model.Integration{
					Type:             model.TypeMock,
					RequestTemplates: map[string]string{"$default": `{"statusCode": 200}`},
					Responses: []model.IntegrationResponse{{
						Key:               "$default",
						ResponseTemplates: map[string]string{"$default": "{\n  \"echo\": \"$context.routeKey\"\n}\n"},
					}},
				})
				w.AssignIDs()
				api.Routes = append(api.Routes, model.Route{
					Key:                              "echo",
					IntegrationID:                    api.Integrations[len(api.Integrations)-1].ID,
					RouteResponseSelectionExpression: "$default",
					RouteResponse:                    &model.RouteResponse{Key: "$default"},
				})
			},
			has: []string{"RouteEcho:", "Target: !Sub integrations/${Integration}", "RouteEchoResponse:", "IntegrationResponseDefault:", "RouteId: !Ref RouteEcho", "\"echo\": \"$context.routeKey\""},
			checkFn: func(t *testing.T, api *model.API) {
				r := api.Route("echo")
				if r == nil || r.ID != "RouteEcho" || r.IntegrationID != "Integration" || r.RouteResponse.ID != "RouteEchoResponse" {
					t.Errorf("new route = %+v", r)
				}
			},
		},
		{
			name: "rename a route key and the API",
			seed: "mock-integration.cfn.yaml",
			edit: func(t *testing.T, w *Workspace) {
				w.API.Route("message").Key = "greet"
				w.API.Name = "renamed"
				w.API.Description = "now with a description"
			},
			has:    []string{"RouteKey: greet", "Name: renamed", "Description: now with a description", "Target: !Sub integrations/${ApiGatewayV2IntegrationOnMessage}"},
			hasNot: []string{"RouteKey: message"},
		},
		{
			name: "delete a route, its route response and its integration",
			seed: "simple-chat.sam.yaml",
			edit: func(t *testing.T, w *Workspace) {
				api := w.API
				api.Routes = slices.DeleteFunc(api.Routes, func(r model.Route) bool { return r.Key == "sendmessage" })
				api.Integrations = slices.DeleteFunc(api.Integrations, func(in model.Integration) bool { return in.ID == "SendInteg" })
			},
			has:    []string{"ConnectRoute:", "DisconnectInteg:", "SendMessageFunction:", "- ConnectRoute\n      - DisconnectRoute\n"},
			hasNot: []string{"SendRoute:", "SendInteg:", "- SendRoute"},
		},
		{
			name: "delete the route response of a two-way route",
			seed: "mock-integration.cfn.yaml",
			edit: func(t *testing.T, w *Workspace) {
				w.API.Route("message").RouteResponse = nil
			},
			hasNot: []string{"ApiGatewayV2RouteResponseOnMessage"},
		},
		{
			name: "change templates",
			seed: "mock-integration.cfn.yaml",
			edit: func(t *testing.T, w *Workspace) {
				in := w.API.Integration("ApiGatewayV2IntegrationOnMessage")
				in.RequestTemplates["$default"] = "#if($input.path('$.messageId') == 1)\n{\"statusCode\": 200}\n#else\n{\"statusCode\": 404}\n#end\n"
				in.Responses[0].ResponseTemplates["3"] = "  leading spaces and a unicode ✓ \n\ttab"
				in.Responses[0].TemplateSelectionExpression = "${request.body.other}"
				in.Responses = append(in.Responses, model.IntegrationResponse{Key: "/404/", ResponseTemplates: map[string]string{"$default": `{"message": "not found"}`}})
			},
			has: []string{"#if($input.path('$.messageId') == 1)", `'1': '{"message": "Hello World"}'`, "ApiGatewayV2IntegrationOnMessageResponse404:", "IntegrationResponseKey: /404/"},
		},
		{
			name: "settings, saved messages and the mock authorizer",
			seed: "simple-chat.sam.yaml",
			edit: func(t *testing.T, w *Workspace) {
				w.API.Settings = model.Settings{
					MaxFrameBytes:      1000,
					MaxMessageBytes:    5000,
					IdleTimeout:        90 * time.Second,
					MaxConnectionTime:  3 * time.Minute,
					IntegrationTimeout: 1500 * time.Millisecond,
					TimeScale:          60.5,
					LambdaEndpoint:     "http://127.0.0.1:3001",
					DynamoDBEndpoint:   "http://127.0.0.1:8000",
					MockAuthorizer: model.MockAuthorizer{
						Enabled: true, Header: "Auth", QueryString: "token", Value: "secret", PrincipalID: "me",
						Context: map[string]string{"tenant": "t1", "role": "admin"},
					},
				}
				w.API.SavedMessages = []model.SavedMessage{{Name: "hello", Body: `{"action":"sendmessage","data":"hi"}`}, {Name: "multi\nline", Body: "a\nb"}}
			},
			has: []string{"Metadata:\n  wsworkbench:\n    settings:\n", "idleTimeout: 1m30s", "lambdaEndpoint: http://127.0.0.1:3001", "dynamodbEndpoint: http://127.0.0.1:8000", "savedMessages:"},
		},
		{
			name: "function name override and a changed URI",
			seed: "simple-chat.sam.yaml",
			edit: func(t *testing.T, w *Workspace) {
				w.API.Integration("ConnectInteg").FunctionName = "MyLocalConnect"
				w.API.Integration("DisconnectInteg").FunctionName = ""
				w.API.Integration("SendInteg").URI = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:other/invocations"
			},
			has: []string{"functionNames:", "ConnectInteg: MyLocalConnect", "DisconnectInteg: \"\"", "SendInteg: SendMessageFunction", "${OnConnectFunction.Arn}", "function:other/invocations"},
		},
		{
			name: "add an authorizer to $connect",
			seed: "simple-chat.sam.yaml",
			edit: func(t *testing.T, w *Workspace) {
				w.API.Authorizers = append(w.API.Authorizers, model.Authorizer{
					Name: "auth", Type: "REQUEST", FunctionName: "AuthFunction",
					URI:            "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:AuthFunction/invocations",
					IdentitySource: []string{"route.request.header.Auth", "route.request.querystring.token"},
					TTLSeconds:     0,
				})
				w.AssignIDs()
				r := w.API.Route("$connect")
				r.AuthorizationType, r.AuthorizerID = "CUSTOM", w.API.Authorizers[0].ID
			},
			has: []string{"AuthorizerAuth:", "AuthorizerId: !Ref AuthorizerAuth", "AuthorizerResultTtlInSeconds: 0", "AuthorizerAuth: AuthFunction"},
		},
		{
			name: "reorder routes",
			seed: "simple-chat.sam.yaml",
			edit: func(t *testing.T, w *Workspace) {
				slices.Reverse(w.API.Routes)
				slices.Reverse(w.API.Integrations)
			},
		},
		{
			name: "stage, route and integration details",
			seed: "mock-integration.cfn.yaml",
			edit: func(t *testing.T, w *Workspace) {
				api := w.API
				api.Stage.Name = "dev"
				api.Stage.Variables = map[string]string{"backend": "http://127.0.0.1:9000", "n": "1"}
				api.APIKeySelectionExpression = "$request.header.x-api-key"
				r := api.Route("message")
				r.APIKeyRequired = true
				r.OperationName = "Message"
				r.RequestParameters = map[string]bool{"route.request.header.x-trace": false}
				c := api.Route("$connect")
				c.RequestParameters = map[string]bool{"route.request.querystring.token": true}
				in := api.Integration("ApiGatewayV2IntegrationOnConnect")
				in.Type, in.URI, in.Method = model.TypeHTTP, "http://127.0.0.1:9000/connect", "POST"
				in.RequestParameters = map[string]string{"integration.request.header.connectionId": "context.connectionId"}
				in.TimeoutMillis = 0
				in.PassthroughBehavior = "NEVER"
				in.ContentHandlingStrategy = "CONVERT_TO_TEXT"
				in.Description = "now HTTP"
				in.CredentialsArn = "arn:aws:iam::123456789012:role/x"
			},
			has:    []string{"StageName: dev", "ApiKeyRequired: true", "Required: true", "IntegrationType: HTTP"},
			hasNot: []string{"TimeoutInMillis: 29000\n      PayloadFormatVersion: '1.0'\n  ApiGatewayV2IntegrationOnMessage"},
		},
		{
			name: "route without integration",
			seed: "mock-integration.cfn.yaml",
			edit: func(t *testing.T, w *Workspace) {
				w.API.Route("message").IntegrationID = ""
			},
			hasNot: []string{"${ApiGatewayV2IntegrationOnMessage}"},
		},
		{
			name: "remove the stage",
			seed: "mock-integration.cfn.yaml",
			edit: func(t *testing.T, w *Workspace) {
				w.API.Stage = model.Stage{}
			},
			hasNot: []string{"ApiGatewayV2Stage:"},
		},
		{
			name: "add a route to a SAM template with a deployment",
			seed: "simple-chat.sam.yaml",
			edit: func(t *testing.T, w *Workspace) {
				w.API.Routes = append(w.API.Routes, model.Route{Key: "$default", IntegrationID: "SendInteg"})
			},
			has: []string{"- DisconnectRoute\n      - RouteDefault\n", "Transform: AWS::Serverless-2016-10-31"},
		},
		{
			name: "edit an imported serverless.yml",
			seed: "simple-chat.serverless.yml",
			edit: func(t *testing.T, w *Workspace) {
				w.API.Route("sendmessage").RouteResponse = &model.RouteResponse{Key: "$default"}
				w.API.Route("sendmessage").RouteResponseSelectionExpression = "$default"
			},
			has: []string{"sendmessageWebsocketsRouteResponse:", "RouteId: !Ref sendmessageWebsocketsRoute", "ConnectWebsocketsIntegration: connect"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := mustLoad(t, tt.seed)
			tt.edit(t, w)
			w.AssignIDs()
			want := w.API.Clone()
			back, out := reload(t, w)
			if d := diffAPI(w.API, want); d != "" {
				t.Errorf("Marshal changed the model beyond IDs: %s", d)
			}
			if d := diffAPI(back.API, w.API); d != "" {
				t.Errorf("round trip: %s\n%s", d, out)
			}
			for _, s := range tt.has {
				if !strings.Contains(out, s) {
					t.Errorf("saved template lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tt.hasNot {
				if strings.Contains(out, s) {
					t.Errorf("saved template still has %q:\n%s", s, out)
				}
			}
			if tt.checkFn != nil {
				tt.checkFn(t, back.API)
			}
			// Saving, editing nothing, and saving again writes the same text.
			path := filepath.Join(t.TempDir(), "x.yaml")
			if err := w.Save(path); err != nil {
				t.Fatal(err)
			}
			again, err := w.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if string(again) != readFile(t, path) {
				t.Errorf("second save differs")
			}
		})
	}
}

// TestUnchangedPropertiesKeepTheirForm checks that an edit rewrites only the
// properties it changed.
func TestUnchangedPropertiesKeepTheirForm(t *testing.T) {
	w := mustLoad(t, "simple-chat.sam.yaml")
	w.API.Integration("SendInteg").Description = "edited"
	w.API.Route("sendmessage").OperationName = "Edited"
	_, out := reload(t, w)
	if got := strings.Count(out, "Target: !Join"); got != 3 {
		t.Errorf("%d !Join targets kept, want 3:\n%s", got, out)
	}
	if got := strings.Count(out, "Fn::Sub: arn:aws:apigateway:${AWS::Region}"); got != 3 {
		t.Errorf("%d Fn::Sub URIs kept, want 3", got)
	}
	if !strings.Contains(out, "Description: edited") || !strings.Contains(out, "OperationName: Edited") {
		t.Errorf("edits missing:\n%s", out)
	}
}

func TestCommentsSurvive(t *testing.T) {
	src := `# head comment
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  # the API
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: commented # its name
      ProtocolType: WEBSOCKET
      RouteSelectionExpression: $request.body.action
  Integ:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: MOCK # loopback
  # the only route
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: $default
      Target: !Sub integrations/${Integ}
`
	w := mustParse(t, "c.yaml", src)
	w.API.Name = "renamed"
	w.API.Routes = append(w.API.Routes, model.Route{Key: "new"})
	_, out := reload(t, w)
	for _, c := range []string{"# head comment", "# the API", "Name: renamed # its name", "# loopback", "# the only route"} {
		if !strings.Contains(out, c) {
			t.Errorf("comment %q lost:\n%s", c, out)
		}
	}
}

func TestNewWorkspace(t *testing.T) {
	api := &model.API{
		Name:                     "fresh",
		RouteSelectionExpression: "$request.body.action",
		Stage:                    model.Stage{Name: "local"},
		Integrations: []model.Integration{{
			ID: "Mock", Type: model.TypeMock,
			RequestTemplates: map[string]string{"$default": `{"statusCode": 200}`},
			Responses:        []model.IntegrationResponse{{Key: "$default", ResponseTemplates: map[string]string{"$default": `{"ok": true}`}}},
		}},
		Routes:      []model.Route{{Key: "$default", IntegrationID: "Mock", RouteResponse: &model.RouteResponse{Key: "$default"}}},
		Authorizers: []model.Authorizer{},
	}
	w := New(api)
	back, out := reload(t, w)
	if d := diffAPI(back.API, w.API); d != "" {
		t.Errorf("round trip: %s\n%s", d, out)
	}
	if api.ID != "WebSocketApi" || api.Stage.ID != "Stage" || api.Routes[0].ID != "RouteDefault" {
		t.Errorf("assigned IDs: %q %q %q", api.ID, api.Stage.ID, api.Routes[0].ID)
	}
	if !strings.Contains(out, "AutoDeploy: true") {
		t.Errorf("a new stage without a deployment should auto-deploy:\n%s", out)
	}
}

func TestJSONTemplate(t *testing.T) {
	src := `{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Name": "json", "ProtocolType": "WEBSOCKET", "RouteSelectionExpression": "$request.body.action"}},
    "Integ": {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {"ApiId": {"Ref": "Api"}, "IntegrationType": "MOCK", "TimeoutInMillis": 5000,
      "RequestTemplates": {"$default": "{\"statusCode\": 200}"}}},
    "Route": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {"ApiId": {"Ref": "Api"}, "RouteKey": "$default", "ApiKeyRequired": false,
      "Target": {"Fn::Join": ["/", ["integrations", {"Ref": "Integ"}]]}}}
  }
}`
	w := mustParse(t, "t.json", src)
	if r := w.API.Route("$default"); r == nil || r.IntegrationID != "Integ" || w.API.Integration("Integ").TimeoutMillis != 5000 {
		t.Fatalf("JSON template loaded as %+v", w.API)
	}
	w.API.Name = "edited"
	back, out := reload(t, w)
	if d := diffAPI(back.API, w.API); d != "" {
		t.Errorf("round trip: %s\n%s", d, out)
	}
	if strings.Contains(out, "{\"Type\"") || !strings.Contains(out, "Resources:\n  Api:\n") {
		t.Errorf("a JSON template should save as block YAML:\n%s", out)
	}
}

func TestMarshalRejects(t *testing.T) {
	tests := []struct {
		name string
		edit func(api *model.API)
		want string
	}{
		{"route to a missing integration", func(api *model.API) { api.Route("message").IntegrationID = "Nope" },
			`route message: integration "Nope" does not exist`},
		{"duplicate route key", func(api *model.API) { api.Route("message").Key = "$connect" },
			`route key "$connect" is used twice`},
		{"empty route key", func(api *model.API) { api.Route("message").Key = "" },
			"route ApiGatewayV2RouteOnMessage has no route key"},
		{"ID clash", func(api *model.API) { api.Routes[1].ID = api.Routes[0].ID },
			"route message: logical ID ApiGatewayV2RouteOnConnect is also used by route $connect"},
		{"bad logical ID", func(api *model.API) { api.Routes[1].ID = "bad-id" },
			`route message: logical ID "bad-id" must be letters and digits only`},
		{"ID of a parameter", func(api *model.API) {
			api.Routes = append(api.Routes, model.Route{ID: "TableName", Key: "x"})
		}, "logical ID TableName is already used by another resource or parameter in the template"},
		{"ID of another resource", func(api *model.API) {
			api.Routes = append(api.Routes, model.Route{ID: "ConnectionsTable", Key: "x"})
		}, "logical ID ConnectionsTable is already used by another resource or parameter in the template"},
		{"bad integration type", func(api *model.API) { api.Integrations[0].Type = "LAMBDA" },
			`integration ApiGatewayV2IntegrationOnConnect: type "LAMBDA" is not one of MOCK, AWS_PROXY, AWS, HTTP, HTTP_PROXY`},
		{"route response key", func(api *model.API) { api.Route("message").RouteResponse.Key = "x" },
			`route message: route response key must be $default, not "x"`},
		{"no route selection expression", func(api *model.API) { api.RouteSelectionExpression = "" },
			"API ApiGatewayV2Api has no RouteSelectionExpression"},
		{"bad template", func(api *model.API) { api.Integrations[1].RequestTemplates["$default"] = "#if($x) a" },
			`integration ApiGatewayV2IntegrationOnMessage request template "$default": unclosed #if started at 1:1`},
		{"bad response key", func(api *model.API) { api.Integrations[1].Responses[0].Key = "200" },
			"integration response ApiGatewayV2IntegrationResponseOnMessage IntegrationResponseKey: an integration response key is $default or a regex between slashes"},
		{"stage without a name", func(api *model.API) { api.Stage.Name = "" },
			"stage ApiGatewayV2Stage has no name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seed := "mock-integration.cfn.yaml"
			if strings.Contains(tt.name, "parameter") || strings.Contains(tt.name, "another resource") {
				seed = "simple-chat.sam.yaml"
			}
			w := mustLoad(t, seed)
			before := readFile(t, "testdata/"+seed)
			tt.edit(w.API)
			path := filepath.Join(t.TempDir(), "x.yaml")
			_, err := w.Marshal()
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("Marshal error = %v, want %q", err, tt.want)
			}
			if err := w.Save(path); err == nil {
				t.Errorf("Save succeeded")
			}
			if readFile(t, "testdata/"+seed) != before {
				t.Errorf("the source file changed")
			}
		})
	}
}
