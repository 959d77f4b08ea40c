package workspace

import (
	"testing"
)

// fuzzSeeds cover every resource kind, the intrinsics, the metadata and
// serverless.yml in a few hundred bytes each, in flow style. They must stay
// small: the fuzzer minimises each new input it finds (for up to a minute
// by default) and mutations of the 6-7 KB seed files kept it minimising
// ("0 execs/s") for the whole run. The whole files are checked by TestSeeds.
var fuzzSeeds = []string{
	`Resources:
  Api: {Type: AWS::ApiGatewayV2::Api, Properties: {ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.a}}
  F: {Type: AWS::Serverless::Function}
  I: {Type: AWS::ApiGatewayV2::Integration, Properties: {ApiId: !Ref Api, IntegrationType: AWS_PROXY, IntegrationUri: !Sub "${F.Arn}"}}
  R: {Type: AWS::ApiGatewayV2::Route, Properties: {ApiId: !Ref Api, RouteKey: x, Target: !Join [/, [integrations, !Ref I]]}}
`,
	`Resources:
  Api: {Type: AWS::ApiGatewayV2::Api, Properties: {ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.a}}
  A: {Type: AWS::ApiGatewayV2::Authorizer, Properties: {ApiId: !Ref Api, AuthorizerType: REQUEST, AuthorizerUri: u, IdentitySource: [route.request.header.Auth]}}
  C: {Type: AWS::ApiGatewayV2::Route, Properties: {ApiId: !Ref Api, RouteKey: $connect, AuthorizationType: CUSTOM, AuthorizerId: !Ref A}}
`,
	`Resources:
  Api: {Type: AWS::ApiGatewayV2::Api, Properties: {ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.a}}
  M: {Type: AWS::ApiGatewayV2::Integration, Properties: {ApiId: !Ref Api, IntegrationType: MOCK, RequestTemplates: {$default: '{"statusCode":200}'}}}
  IR: {Type: AWS::ApiGatewayV2::IntegrationResponse, Properties: {ApiId: !Ref Api, IntegrationId: !Ref M, IntegrationResponseKey: /2\d\d/, ResponseTemplates: {$default: $input.body}}}
`,
	`Resources:
  Api: {Type: AWS::ApiGatewayV2::Api, Properties: {ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.a}}
  D: {Type: AWS::ApiGatewayV2::Route, Properties: {ApiId: !Ref Api, RouteKey: $default, RouteResponseSelectionExpression: $default}}
  RR: {Type: AWS::ApiGatewayV2::RouteResponse, Properties: {ApiId: !Ref Api, RouteId: !Ref D, RouteResponseKey: $default}}
  S: {Type: AWS::ApiGatewayV2::Stage, Properties: {ApiId: !Ref Api, StageName: dev, StageVariables: {v: x}}}
`,
	`Parameters: {E: {Type: String, Default: prod}}
Conditions: {P: !Equals [!Ref E, prod]}
Mappings: {M: {prod: {n: x}}}
Resources:
  Api: {Type: AWS::ApiGatewayV2::Api, Properties: {ProtocolType: WEBSOCKET, RouteSelectionExpression: !If [P, $request.body.a, $request.body.b], Name: !Join ["", [!Select [0, !Split [",", "a,b"]], !FindInMap [M, !Ref E, n]]]}}
`,
	`Metadata: {wsworkbench: {settings: {idleTimeout: 10m, timeScale: 60}, functionNames: {I: f}, savedMessages: [{name: a, body: x}]}}
Resources: {Api: {Type: AWS::ApiGatewayV2::Api, Properties: {ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.a}}}
`,
	"service: s\nprovider: {name: aws, stage: '${opt:stage, dev}'}\ncustom: {a: '${self:custom.b}${self:custom.b}', b: x}\nfunctions:\n  f: {events: [{websocket: $default}, {websocket: {route: $connect, authorizer: {name: f}}}]}\n  g: {events: [{websocket: {route: $default, routeResponseSelectionExpression: $default}}]}\n",
	`{"Resources": {"Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"ProtocolType": "WEBSOCKET", "RouteSelectionExpression": "$request.body.action"}}}}`,
}

// FuzzParse feeds the loader arbitrary bytes. Whatever it gets, Parse must not
// panic, and a file it accepts must save and load back to the same model.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := Parse("fuzz.yaml", data)
		if err != nil {
			if w != nil {
				t.Fatal("Parse returned a workspace with an error")
			}
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error is %T, want *Error: %v", err, err)
			}
			return
		}
		// marshal loads its output back (as Marshal and Save do), so the
		// one call checks both; a third Parse here made every exec, and the
		// fuzzer's minimising, a third slower.
		out, back, err := w.marshal("saved.yaml")
		if err != nil {
			t.Fatalf("a loaded workspace does not marshal or load back: %v", err)
		}
		if d := diffAPI(back.API, w.API); d != "" {
			t.Fatalf("round trip: %s\n%s", d, out)
		}
	})
}

// TestFuzzRegressions holds the inputs fuzzing found, each as a named case:
// the load must fail with the given error, or succeed and round-trip.
func TestFuzzRegressions(t *testing.T) {
	tests := []struct {
		name, src, wantErr string
	}{
		{"empty logical ID", "Resources:\n  &0 '':\n    Type: AWS::ApiGatewayV2::Api\n    Properties: {ProtocolType: WEBSOCKET, RouteSelectionExpression: 0}\n",
			`fuzz.yaml:2:3: logical ID "" must be letters and digits only`},
		{"carriage returns in a JSON string", "{\"Resources\":{\"0\":{\"Type\":\"AWS::ApiGatewayV2::Api\",\"Properties\":{\"ProtocolType\":\"WEBSOCKET\",\"RouteSelectionExpression\":\"\r\r\"}}}}", ""},
		{"flow key without value", "Metadata:\n wsworkbench:\n    settings: {timeScale}\nResources:\n 00:\n    Type: AWS::ApiGatewayV2::Api\n    Properties: {ProtocolType: WEBSOCKET,RouteSelectionExpression: 0}", ""},
		{"tab at the start of a template line", "Resources:\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties: {ProtocolType: WEBSOCKET, RouteSelectionExpression: \"\\ta\\nb\"}\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := Parse("fuzz.yaml", []byte(tt.src))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			back, out := reload(t, w)
			if d := diffAPI(back.API, w.API); d != "" {
				t.Errorf("round trip: %s\n%s", d, out)
			}
		})
	}
}
