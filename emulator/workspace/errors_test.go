package workspace

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// errorBase is a valid template; each error case replaces one piece of it.
//
//	 1 AWSTemplateFormatVersion: '2010-09-09'
//	 2 Parameters:
//	 3   Env:
//	 4     Type: String
//	 5     Default: prod
//	 6 Resources:
//	 7   Api:
//	 8     Type: AWS::ApiGatewayV2::Api
//	 9     Properties:
//	10       Name: probe
//	11       ProtocolType: WEBSOCKET
//	12       RouteSelectionExpression: $request.body.action
//	13   Integ:
//	14     Type: AWS::ApiGatewayV2::Integration
//	15     Properties:
//	16       ApiId: !Ref Api
//	17       IntegrationType: MOCK
//	18       RequestTemplates:
//	19         $default: '{"statusCode": 200}'
//	20   Route:
//	21     Type: AWS::ApiGatewayV2::Route
//	22     Properties:
//	23       ApiId: !Ref Api
//	24       RouteKey: $default
//	25       Target: !Sub integrations/${Integ}
//	26   RouteResponse:
//	27     Type: AWS::ApiGatewayV2::RouteResponse
//	28     Properties:
//	29       ApiId: !Ref Api
//	30       RouteId: !Ref Route
//	31       RouteResponseKey: $default
//	32   IntegResponse:
//	33     Type: AWS::ApiGatewayV2::IntegrationResponse
//	34     Properties:
//	35       ApiId: !Ref Api
//	36       IntegrationId: !Ref Integ
//	37       IntegrationResponseKey: $default
const errorBase = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env:
    Type: String
    Default: prod
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: probe
      ProtocolType: WEBSOCKET
      RouteSelectionExpression: $request.body.action
  Integ:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: MOCK
      RequestTemplates:
        $default: '{"statusCode": 200}'
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: $default
      Target: !Sub integrations/${Integ}
  RouteResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties:
      ApiId: !Ref Api
      RouteId: !Ref Route
      RouteResponseKey: $default
  IntegResponse:
    Type: AWS::ApiGatewayV2::IntegrationResponse
    Properties:
      ApiId: !Ref Api
      IntegrationId: !Ref Integ
      IntegrationResponseKey: $default
`

func TestErrorBaseLoads(t *testing.T) {
	w := mustParse(t, "api.yaml", errorBase)
	if len(w.API.Routes) != 1 || w.API.Routes[0].RouteResponse == nil || len(w.API.Integrations[0].Responses) != 1 {
		t.Fatalf("base template loaded as %+v", w.API)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name     string
		old, new string // replace old with new in errorBase
		want     string
	}{
		{"unknown Ref", "ApiId: !Ref Api\n      IntegrationType", "ApiId: !Ref Nope\n      IntegrationType",
			`api.yaml:16:14: unknown reference "Nope": no parameter or resource has that name`},
		{"unknown Sub variable", "integrations/${Integ}", "integrations/${Nope}",
			`api.yaml:25:33: unknown reference "Nope": no parameter or resource has that name`},
		{"unknown Sub variable quoted", "!Sub integrations/${Integ}", "!Sub 'integrations/${Nope}'",
			`api.yaml:25:34: unknown reference "Nope": no parameter or resource has that name`},
		{"unknown Sub variable long form", "Target: !Sub integrations/${Integ}", `Target: {"Fn::Sub": "integrations/${Nope}"}`,
			`api.yaml:25:41: unknown reference "Nope": no parameter or resource has that name`},
		{"unknown GetAtt in Sub", "integrations/${Integ}", "integrations/${Nope.Arn}",
			`api.yaml:25:33: unknown reference "Nope" in GetAtt: no resource has that name`},
		{"unknown GetAtt", "Name: probe", "Name: !GetAtt Nope.Name",
			`api.yaml:10:13: unknown reference "Nope" in GetAtt: no resource has that name`},
		{"unknown pseudo parameter", "Name: probe", "Name: !Ref AWS::Nope",
			`api.yaml:10:13: unknown pseudo parameter "AWS::Nope"`},
		{"integration missing", "integrations/${Integ}", "integrations/Nope",
			`api.yaml:25:15: route Route: integration "Nope" does not exist`},
		{"target not an integration", "!Sub integrations/${Integ}", "routes/x",
			`api.yaml:25:15: route Route: Target "routes/x" must be integrations/{IntegrationId}`},
		{"target not a string", "!Sub integrations/${Integ}", "[integrations, Integ]",
			`api.yaml:25:15: AWS::ApiGatewayV2::Route Route: Target must be a string, not a list`},
		{"HTTP API", "ProtocolType: WEBSOCKET", "ProtocolType: HTTP",
			`api.yaml:11:21: not a WebSocket API: Api has ProtocolType HTTP`},
		{"no ProtocolType", "      ProtocolType: WEBSOCKET\n", "",
			`api.yaml:7:3: not a WebSocket API: Api has no ProtocolType WEBSOCKET`},
		{"no API", "Type: AWS::ApiGatewayV2::Api", "Type: AWS::SNS::Topic",
			`api.yaml:7:3: no AWS::ApiGatewayV2::Api resource with ProtocolType WEBSOCKET`},
		{"unsupported ApiGatewayV2 type", "Type: AWS::ApiGatewayV2::Route", "Type: AWS::ApiGatewayV2::Rout",
			`api.yaml:21:11: unsupported resource type AWS::ApiGatewayV2::Rout`},
		{"bad YAML", "      RouteKey: $default", "      RouteKey: [a",
			`api.yaml:23: invalid YAML: did not find expected ',' or ']'`},
		{"bad YAML indentation", "    Properties:\n      ApiId: !Ref Api\n      RouteKey", "    Properties:\n      ApiId: !Ref Api\n     RouteKey",
			`api.yaml:20: invalid YAML: did not find expected key`},
		{"bad integration type", "IntegrationType: MOCK", "IntegrationType: LAMBDA",
			`api.yaml:17:24: integration Integ: IntegrationType "LAMBDA" is not one of MOCK, AWS_PROXY, AWS, HTTP, HTTP_PROXY`},
		{"no integration type", "      IntegrationType: MOCK\n", "",
			`api.yaml:13:3: integration Integ has no IntegrationType`},
		{"unsupported function", "ApiId: !Ref Api\n      RouteKey", "ApiId: !ImportValue x\n      RouteKey",
			`api.yaml:23:14: Fn::ImportValue is not supported: the workbench cannot read another stack's exports`},
		{"unknown tag", "Name: probe", "Name: !Nope x",
			`api.yaml:10:13: unsupported intrinsic function !Nope`},
		{"unknown long-form function", "Name: probe", `Name: {"Fn::Nope": x}`,
			`api.yaml:10:13: unsupported intrinsic function Fn::Nope`},
		{"condition function outside Conditions", "Name: probe", "Name: !Equals [a, b]",
			`api.yaml:10:13: Fn::Equals belongs in Conditions or in the first argument of Fn::If`},
		{"unknown condition", "IntegrationType: MOCK", "IntegrationType: !If [Nope, MOCK, HTTP]",
			`api.yaml:17:29: unknown condition "Nope"`},
		{"Select out of range", "Name: probe", "Name: !Select [3, [a, b]]",
			`api.yaml:10:22: Fn::Select index 3 is out of range (the list has 2 values)`},
		{"Join of a mapping", "Name: probe", "Name: !Join [',', [{a: b}]]",
			`api.yaml:10:25: Fn::Join can only join strings, not a mapping`},
		{"wrong argument count", "Name: probe", "Name: !Join [',']",
			`api.yaml:10:13: Fn::Join needs a list of 2 arguments`},
		{"parameter without default", "    Default: prod\nResources:\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      Name: probe",
			"Resources:\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      Name: !Ref Env",
			`api.yaml:9:13: parameter "Env" has no Default: the workbench needs a Default value to resolve it`,
		},
		{"duplicate route key", "  RouteResponse:\n", "  Route2:\n    Type: AWS::ApiGatewayV2::Route\n    Properties: {ApiId: !Ref Api, RouteKey: $default}\n  RouteResponse:\n",
			`api.yaml:28:45: duplicate route key "$default" (also used by the route at line 20)`},
		{"duplicate resource", "  RouteResponse:\n", "  Route:\n    Type: AWS::SNS::Topic\n  RouteResponse:\n",
			`api.yaml:26:3: duplicate key "Route" (first at line 20, column 3)`},
		{"no RouteSelectionExpression", "      RouteSelectionExpression: $request.body.action\n", "",
			`api.yaml:7:3: API Api has no RouteSelectionExpression`},
		{"route response for a missing route", "RouteId: !Ref Route", "RouteId: Nope",
			`api.yaml:30:16: route response RouteResponse: route "Nope" does not exist`},
		{"route response key", "RouteResponseKey: $default", "RouteResponseKey: other",
			`api.yaml:31:25: route response RouteResponse: RouteResponseKey must be $default (the only key API Gateway supports), not "other"`},
		{"integration response for a missing integration", "IntegrationId: !Ref Integ", "IntegrationId: Nope",
			`api.yaml:36:22: integration response IntegResponse: integration "Nope" does not exist`},
		{"integration response without key", "      IntegrationResponseKey: $default\n", "",
			`api.yaml:32:3: integration response IntegResponse has no IntegrationResponseKey`},
		{"route without key", "      RouteKey: $default\n", "",
			`api.yaml:20:3: route Route has no RouteKey`},
		{"route without ApiId", "    Properties:\n      ApiId: !Ref Api\n      RouteKey", "    Properties:\n      RouteKey",
			`api.yaml:20:3: AWS::ApiGatewayV2::Route Route has no ApiId`},
		{"missing authorizer", "RouteKey: $default", "RouteKey: $default\n      AuthorizerId: Nope",
			`api.yaml:25:21: route Route: authorizer "Nope" does not exist`},
		{"ApiKeyRequired not a bool", "RouteKey: $default", "RouteKey: $default\n      ApiKeyRequired: maybe",
			`api.yaml:25:23: AWS::ApiGatewayV2::Route Route: ApiKeyRequired must be true or false, not "maybe"`},
		{"timeout not a number", "IntegrationType: MOCK", "IntegrationType: MOCK\n      TimeoutInMillis: soon",
			`api.yaml:18:24: AWS::ApiGatewayV2::Integration Integ: TimeoutInMillis must be a whole number, not "soon"`},
		{"template not a string", `$default: '{"statusCode": 200}'`, `$default: [a]`,
			`api.yaml:19:19: AWS::ApiGatewayV2::Integration Integ: RequestTemplates.$default must be a string, not a list`},
		{"Properties not a mapping", "    Properties:\n      ApiId: !Ref Api\n      IntegrationType: MOCK\n      RequestTemplates:\n        $default: '{\"statusCode\": 200}'\n", "    Properties: [a]\n",
			`api.yaml:15:17: the Properties of Integ must be a mapping`},
		{"request template syntax, quoted", `$default: '{"statusCode": 200}'`, `$default: '#if($x) a'`,
			`api.yaml:19:20: integration Integ request template "$default": unclosed #if started at 1:1: expected #end`},
		{"request template syntax, block scalar", `$default: '{"statusCode": 200}'`, "$default: |\n          {\"statusCode\": 200}\n          #foreach($x in [1..2]) $x",
			`api.yaml:21:11: integration Integ request template "$default": unclosed #foreach started at 2:1: expected #end`},
		{"template built by an intrinsic", "RequestTemplates:\n        $default: '{\"statusCode\": 200}'", `RequestTemplates: {"Fn::If": [C, {a: "#if("}, {}]}`,
			`api.yaml:20:25: integration Integ request template "a": expected an expression, found the end of the template`},
		{"route selection expression", "RouteSelectionExpression: $request.body.action", "RouteSelectionExpression: ${request.body.action",
			`api.yaml:12:33: API Api RouteSelectionExpression: unclosed '${' (missing '}')`},
		{"integration response key", "IntegrationResponseKey: $default", "IntegrationResponseKey: 200",
			`api.yaml:37:31: integration response IntegResponse IntegrationResponseKey: an integration response key is $default or a regex between slashes (write /200/)`},
		{"route response selection expression", "RouteKey: $default", "RouteKey: $default\n      RouteResponseSelectionExpression: $request.body.x",
			`api.yaml:25:41: route Route ($default) RouteResponseSelectionExpression: a route response selection expression can only be $default`},
		{"API key selection expression", "Name: probe", "Name: probe\n      ApiKeySelectionExpression: $request.header.other",
			`api.yaml:11:34: API Api ApiKeySelectionExpression: an API key selection expression can only be $request.header.x-api-key or $context.authorizer.usageIdentifierKey`},
		{"Resources not a mapping", "Resources:\n", "Resources: []\nX:\n",
			`api.yaml:6:12: Resources must be a mapping`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(errorBase, tt.old) {
				t.Fatalf("errorBase has no %q", tt.old)
			}
			src := strings.Replace(errorBase, tt.old, tt.new, 1)
			if strings.Contains(tt.new, "[C,") {
				src = strings.Replace(src, "Parameters:", "Conditions:\n  C: !Equals [a, a]\nParameters:", 1)
			}
			w, err := Parse("api.yaml", []byte(src))
			if err == nil {
				t.Fatalf("loaded without error: %+v", w.API)
			}
			if w != nil {
				t.Errorf("a failed load returned a workspace")
			}
			var le *Error
			if !errors.As(err, &le) {
				t.Errorf("error is %T, want *Error", err)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", err, tt.want)
			}
		})
	}
}

func TestLoadErrorsWhole(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"empty file", "", "api.yaml:1: empty file"},
		{"comment only", "# nothing\n", "api.yaml:1: empty file"},
		{"top-level list", "- a\n- b\n", "api.yaml:1:1: not a CloudFormation template or serverless.yml: the top level must be a mapping"},
		{"no Resources", "AWSTemplateFormatVersion: '2010-09-09'\nDescription: x\n",
			"api.yaml:1:1: not a CloudFormation template (no Resources) or serverless.yml (no service and provider)"},
		{"unknown anchor", "a: *x\n", "api.yaml: invalid YAML: unknown anchor 'x' referenced"},
		{"tab indentation", "Resources:\n\tApi: x\n", "api.yaml:2: invalid YAML: found character that cannot start any token"},
		{"condition cycle", `Conditions:
  A: !Not [!Condition B]
  B: !Not [!Condition A]
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Condition: A
    Properties: {ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}
`, `api.yaml:3:12: condition "A" refers to itself`},
		{"bad metadata duration", `Metadata:
  wsworkbench:
    settings:
      idleTimeout: forever
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}
`, `api.yaml:4:20: Metadata.wsworkbench.settings.idleTimeout: "forever" is not a duration like 10m or 30s`},
		{"bad metadata dynamodb endpoint", `Metadata:
  wsworkbench:
    settings:
      dynamodbEndpoint: localhost:8000
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}
`, `api.yaml:4:25: Metadata.wsworkbench.settings.dynamodbEndpoint: dynamodb endpoint "localhost:8000": want http://host:port or https://host:port`},
		{"bad metadata type", `Metadata:
  wsworkbench:
    settings:
      maxFrameBytes: lots
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}
`, "api.yaml:4: Metadata.wsworkbench: cannot unmarshal !!str `lots` into int"},
		{"alias bomb", `a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action, Name: !Join ["", *f]}
`, "api.yaml:10:97: template too complex to evaluate"},
		// Hostile or broken bytes (issue 9 item 10): each names its line and column.
		{"JSON syntax error", "{\n  \"Resources\": {\n    \"Api\": {\"Type\": \"AWS::ApiGatewayV2::Api\" \"Properties\": {}}\n  }\n}\n",
			"api.yaml:3:46: invalid JSON: invalid character '\"' after object key:value pair"},
		{"JSON with a byte order mark", "\ufeff{\"Resources\": {\"a\": 1 \"b\": 2}}\n",
			"api.yaml:1:23: invalid JSON: invalid character '\"' after object key:value pair"},
		{"JSON with text after it", "{\"Resources\": {}}\n}\n",
			"api.yaml:2:1: invalid JSON: invalid character '}' after top-level value"},
		{"invalid UTF-8", "Resources:\n  Api: caf\xe9\n", "api.yaml:2:11: invalid UTF-8 (byte 0xE9): workspace files are UTF-8 text"},
		{"NUL byte", "Resources:\n  Api:\n    Type: x\x00y\n", "api.yaml:3:12: NUL byte (U+0000): workspace files are text"},
		{"control character", "Resources:\n  \x1b[31mApi: x\n", "api.yaml:2:3: control character U+001B is not allowed in YAML"},
		{"duplicate YAML key", "Resources:\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties: {ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action, ProtocolType: HTTP}\n",
			`api.yaml:4:91: duplicate key "ProtocolType" (first at line 4, column 18)`},
		{"duplicate JSON key", `{"Resources": {"Api": {"Type": "AWS::ApiGatewayV2::Api", "Type": "AWS::SNS::Topic"}}}`,
			`api.yaml:1:58: duplicate key "Type" (first at line 1, column 24)`},
		{"second YAML document", "Resources:\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties: {ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}\n---\nResources: {}\n",
			"api.yaml:5:1: a second YAML document: a workspace file holds one template"},
		{"too large", "Resources: {}\n#" + strings.Repeat("x", MaxFileSize) + "\n",
			"api.yaml: the file is 4194320 bytes (4.0 MiB); workspace files are limited to 4 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("api.yaml", []byte(tt.src))
			if err == nil || err.Error() != tt.want {
				t.Errorf("error\n got: %v\nwant: %s", err, tt.want)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want a not-exist error", err)
	}
}

// TestLoadSizeCap checks that Load refuses a file over MaxFileSize from its
// size, and stops reading one whose size it cannot know at the cap.
func TestLoadSizeCap(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.yaml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(30 << 20); err != nil { // sparse: nothing is written
		t.Fatal(err)
	}
	f.Close()
	_, err = Load(big)
	if want := big + ": the file is 31457280 bytes (30.0 MiB); workspace files are limited to 4 MiB"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
	// /dev/zero has no size and never ends: without the cap, Load would
	// read until memory runs out.
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	_, err = Load("/dev/zero")
	if want := "/dev/zero: the file is 4194305 bytes (4.0 MiB); workspace files are limited to 4 MiB"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}

func TestWarnings(t *testing.T) {
	tests := []struct {
		name, old, new string
		want           []string
	}{
		{"second WebSocket API", "  Integ:\n", "  Api2:\n    Type: AWS::ApiGatewayV2::Api\n    Properties: {ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.x}\n  Integ:\n",
			[]string{"api.yaml:13:3: only one WebSocket API per workspace: Api is loaded, Api2 is kept in the file but not emulated"}},
		{"resource of another API", "  Integ:\n", "  Other:\n    Type: AWS::ApiGatewayV2::Route\n    Properties: {ApiId: abc123, RouteKey: x}\n  Integ:\n",
			[]string{`api.yaml:15:25: AWS::ApiGatewayV2::Route Other belongs to API "abc123", not to Api; it is kept but not emulated`}},
		{"second stage", "  Integ:\n", "  S1:\n    Type: AWS::ApiGatewayV2::Stage\n    Properties: {ApiId: !Ref Api, StageName: a}\n  S2:\n    Type: AWS::ApiGatewayV2::Stage\n    Properties: {ApiId: !Ref Api, StageName: b}\n  Integ:\n",
			[]string{"api.yaml:16:3: only one stage per workspace: S1 is used, S2 is kept but not emulated"}},
		{"model", "  Integ:\n", "  M:\n    Type: AWS::ApiGatewayV2::Model\n  Integ:\n",
			[]string{"api.yaml:13:3: AWS::ApiGatewayV2::Model M is kept but not emulated: request and response models are not validated by the workbench"}},
		{"parameter from AllowedValues", "    Default: prod\n", "    AllowedValues: [blue, green]\n",
			nil}, // Env is not used by the base template
		{"condition false skips a route", "  Route:\n    Type: AWS::ApiGatewayV2::Route\n", "  Route:\n    Type: AWS::ApiGatewayV2::Route\n    Condition: Never\n",
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(errorBase, tt.old, tt.new, 1)
			if tt.name == "condition false skips a route" {
				src = "Conditions:\n  Never: !Equals [a, b]\n" + strings.Replace(src, "  RouteResponse:\n    Type: AWS::ApiGatewayV2::RouteResponse\n", "  RouteResponse:\n    Type: AWS::ApiGatewayV2::RouteResponse\n    Condition: Never\n", 1)
			}
			w := mustParse(t, "api.yaml", src)
			if strings.Join(w.Warnings, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("warnings\n got: %q\nwant: %q", w.Warnings, tt.want)
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		name string
		err  Error
		want string
	}{
		{"all", Error{File: "a.yaml", Line: 3, Col: 7, Msg: "bad"}, "a.yaml:3:7: bad"},
		{"no column", Error{File: "a.yaml", Line: 3, Msg: "bad"}, "a.yaml:3: bad"},
		{"no line", Error{File: "a.yaml", Msg: "bad"}, "a.yaml: bad"},
		{"no file", Error{Line: 3, Col: 7, Msg: "bad"}, "3:7: bad"},
		{"message only", Error{Msg: "bad"}, "bad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestTextCheckMatchesYAML: the text check refuses exactly the characters
// yaml.v3's reader refuses (so it only adds a position, never refuses a file
// that loaded before).
func TestTextCheckMatchesYAML(t *testing.T) {
	var runes []rune
	for r := rune(0); r < 0x200; r++ {
		runes = append(runes, r)
	}
	runes = append(runes, 0x2028, 0xD7FF, 0xE000, 0xFEFF, 0xFFFD, 0xFFFE, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF)
	for _, r := range runes {
		src := "a: x" + string(r) + "y\n"
		var n yaml.Node
		yerr := yaml.Unmarshal([]byte(src), &n)
		refused := yerr != nil && yerr.Error() == "yaml: control characters are not allowed"
		if err := checkText("f", []byte(src)); (err != nil) != refused {
			t.Errorf("U+%04X: text check %v, yaml.v3 %v", r, err, yerr)
		}
	}
}
