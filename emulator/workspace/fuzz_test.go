package workspace

import (
	"strings"
	"testing"
)

// fuzzSeedCFN is every resource kind the loader reads, in flow style to keep
// it small: the fuzzer minimises each new input it finds for up to a minute
// by default, and mutations of the 6-7 KB seed files kept it minimising
// ("0 execs/s") for the whole run. The whole files are checked by
// TestSeeds; the fuzzer gets their features in a few hundred bytes.
const fuzzSeedCFN = `Resources:
  Api: {Type: AWS::ApiGatewayV2::Api, Properties: {ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}}
  Fn: {Type: AWS::Serverless::Function}
  In: {Type: AWS::ApiGatewayV2::Integration, Properties: {ApiId: !Ref Api, IntegrationType: AWS_PROXY, IntegrationUri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations"}}
  Au: {Type: AWS::ApiGatewayV2::Authorizer, Properties: {ApiId: !Ref Api, Name: a, AuthorizerType: REQUEST, AuthorizerUri: !GetAtt Fn.Arn, IdentitySource: [route.request.header.Auth]}}
  C: {Type: AWS::ApiGatewayV2::Route, Properties: {ApiId: !Ref Api, RouteKey: $connect, AuthorizationType: CUSTOM, AuthorizerId: !Ref Au, Target: !Join [/, [integrations, !Ref In]]}}
  M: {Type: AWS::ApiGatewayV2::Integration, Properties: {ApiId: !Ref Api, IntegrationType: MOCK, RequestTemplates: {$default: '{"statusCode": 200}'}}}
  IR: {Type: AWS::ApiGatewayV2::IntegrationResponse, Properties: {ApiId: !Ref Api, IntegrationId: !Ref M, IntegrationResponseKey: $default, ResponseTemplates: {$default: $input.body}}}
  D: {Type: AWS::ApiGatewayV2::Route, Properties: {ApiId: !Ref Api, RouteKey: $default, RouteResponseSelectionExpression: $default, Target: !Sub "integrations/${M}"}}
  RR: {Type: AWS::ApiGatewayV2::RouteResponse, Properties: {ApiId: !Ref Api, RouteId: !Ref D, RouteResponseKey: $default}}
  S: {Type: AWS::ApiGatewayV2::Stage, Properties: {ApiId: !Ref Api, StageName: dev}}
`

// FuzzParse feeds the loader arbitrary bytes. Whatever it gets, Parse must not
// panic, and a file it accepts must save and load back to the same model.
func FuzzParse(f *testing.F) {
	f.Add([]byte(fuzzSeedCFN))
	f.Add([]byte(errorBase))
	f.Add([]byte(strings.Replace(intrinsicTemplate, "EXPR", `!Sub ["${x}", {x: !Join ["", [!Select [0, !GetAZs ""], !If [IsProd, a, b]]]}]`, 1)))
	f.Add([]byte(slsDoc("  stage: ${opt:stage, 'prod'}\n", "  connect:\n    handler: h.c\n    events:\n      - websocket:\n          route: $connect\n          authorizer: {name: auth, identitySource: [route.request.header.Auth]}\n  auth:\n    handler: h.a\n")))
	f.Add([]byte("service: s\nprovider: {name: aws}\ncustom: {a: '${self:custom.b}${self:custom.b}', b: x}\nfunctions: {f: {events: [{websocket: $default}, {websocket: {route: $default}}]}}\n"))
	f.Add([]byte(`{"Resources": {"Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"ProtocolType": "WEBSOCKET", "RouteSelectionExpression": "$request.body.action"}}}}`))
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
		out, err := w.Marshal()
		if err != nil {
			t.Fatalf("a loaded workspace does not marshal: %v", err)
		}
		back, err := Parse("saved.yaml", out)
		if err != nil {
			t.Fatalf("the saved template does not load: %v\n%s", err, out)
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
