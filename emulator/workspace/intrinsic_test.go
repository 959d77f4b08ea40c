package workspace

import (
	"strings"
	"testing"
)

// intrinsicTemplate is a template whose integration Description is expr.
const intrinsicTemplate = `Parameters:
  Env:
    Type: String
    Default: prod
  Names:
    Type: CommaDelimitedList
    Default: "a, b,c"
  Picked:
    Type: String
    AllowedValues: [first, second]
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Equals [!Ref Env, dev]
  ProdOrDev: !Or [!Condition IsProd, !Condition IsDev]
  NotProd: !Not [!Condition IsProd]
  Both: !And [{Condition: IsProd}, !Equals [a, a]]
  LongForm: {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}
Mappings:
  Regions:
    us-east-1:
      Name: virginia
      Zones: [a, b]
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: t
      ProtocolType: WEBSOCKET
      RouteSelectionExpression: $request.body.action
  Fn:
    Type: AWS::Lambda::Function
    Properties: {}
  SamFn:
    Type: AWS::Serverless::Function
  Table:
    Type: AWS::DynamoDB::Table
  Role:
    Type: AWS::IAM::Role
  Integ:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: AWS_PROXY
      Description: EXPR
`

func TestIntrinsics(t *testing.T) {
	tests := []struct {
		name, expr, want string
	}{
		{"Ref parameter", `!Ref Env`, "prod"},
		{"Ref long form", `{Ref: Env}`, "prod"},
		{"Ref AllowedValues when no Default", `!Ref Picked`, "first"},
		{"Ref AWS::Region", `!Ref AWS::Region`, "us-east-1"},
		{"Ref AWS::AccountId", `!Ref "AWS::AccountId"`, "123456789012"},
		{"Ref AWS::StackName", `!Ref AWS::StackName`, "wsworkbench"},
		{"Ref AWS::Partition", `!Ref AWS::Partition`, "aws"},
		{"Ref AWS::URLSuffix", `!Ref AWS::URLSuffix`, "amazonaws.com"},
		{"Ref AWS::NoValue", `!Ref AWS::NoValue`, ""},
		{"Ref ApiGatewayV2 resource", `!Ref Api`, "Api"},
		{"Ref function", `!Ref Fn`, "Fn"},
		{"Ref other resource", `!Ref Table`, "Table"},
		{"Sub parameter and pseudo", `!Sub "${Env}-${AWS::Region}"`, "prod-us-east-1"},
		{"Sub literal", `!Sub "${!Literal}-${Env}"`, "${Literal}-prod"},
		{"Sub function Arn", `!Sub "${Fn.Arn}"`, "arn:aws:lambda:us-east-1:123456789012:function:Fn"},
		{"Sub SAM function Arn", `!Sub "${SamFn.Arn}"`, "arn:aws:lambda:us-east-1:123456789012:function:SamFn"},
		{"Sub list form", `!Sub ["${A}/${Env}", {A: !Ref AWS::AccountId}]`, "123456789012/prod"},
		{"Sub list form variable shadows parameter", `!Sub ["${Env}", {Env: mine}]`, "mine"},
		{"Fn::Sub long form", `{"Fn::Sub": "x${Env}"}`, "xprod"},
		{"Sub without variables", `!Sub plain`, "plain"},
		{"Sub unterminated is literal", `!Sub "a${b"`, "a${b"},
		{"GetAtt short form", `!GetAtt Fn.Arn`, "arn:aws:lambda:us-east-1:123456789012:function:Fn"},
		{"GetAtt long form", `{"Fn::GetAtt": [Fn, Arn]}`, "arn:aws:lambda:us-east-1:123456789012:function:Fn"},
		{"GetAtt list short form", `!GetAtt [Fn, Arn]`, "arn:aws:lambda:us-east-1:123456789012:function:Fn"},
		{"GetAtt ApiEndpoint", `!GetAtt Api.ApiEndpoint`, "wss://api.execute-api.us-east-1.amazonaws.com"},
		{"GetAtt role Arn", `!GetAtt Role.Arn`, "arn:aws:iam::123456789012:role/Role"},
		{"GetAtt other Arn", `!GetAtt Table.Arn`, "arn:aws:dynamodb:us-east-1:123456789012:Table"},
		{"GetAtt other attribute", `!GetAtt Table.StreamArn`, "Table.StreamArn"},
		{"Join", `!Join ["-", [a, !Ref Env, c]]`, "a-prod-c"},
		{"Fn::Join long form", `{"Fn::Join": ["", ["integrations/", {"Ref": "Api"}]]}`, "integrations/Api"},
		{"Join skips NoValue", `!Join [",", [a, !Ref AWS::NoValue, b]]`, "a,b"},
		{"Select", `!Select [1, [x, y, z]]`, "y"},
		{"Select of Split", `!Select [2, !Split [",", "a,b,c"]]`, "c"},
		{"Select of list parameter", `!Select [1, !Ref Names]`, "b"},
		{"Select of GetAZs", `!Select [0, !GetAZs ""]`, "us-east-1a"},
		{"If true", `!If [IsProd, yes, no]`, "yes"},
		{"If false", `!If [IsDev, yes, no]`, "no"},
		{"Fn::If long form", `{"Fn::If": [IsProd, a, b]}`, "a"},
		{"If Or", `!If [ProdOrDev, a, b]`, "a"},
		{"If Not", `!If [NotProd, a, b]`, "b"},
		{"If And with Condition mapping", `!If [Both, a, b]`, "a"},
		{"If long-form condition", `!If [LongForm, a, b]`, "a"},
		{"If NoValue", `!If [IsDev, x, !Ref AWS::NoValue]`, ""},
		{"FindInMap", `!FindInMap [Regions, !Ref "AWS::Region", Name]`, "virginia"},
		{"FindInMap list", `!Join [",", !FindInMap [Regions, us-east-1, Zones]]`, "a,b"},
		{"Base64", `!Base64 hi`, "aGk="},
		{"nested", `!Sub ["${x}", {x: !Join ["", [!Select [0, !GetAZs ""], "!"]]}]`, "us-east-1a!"},
		{"alias", `&a !Ref Env`, "prod"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(intrinsicTemplate, "EXPR", tt.expr, 1)
			w, err := Parse("t.yaml", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			if got := w.API.Integration("Integ").Description; got != tt.want {
				t.Errorf("Description = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestIntegrationFunctionName(t *testing.T) {
	tests := []struct {
		name, uri, wantURI, wantFn string
	}{
		{"Sub with function Arn", `!Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations`,
			"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Fn/invocations", "Fn"},
		{"Join with GetAtt", `!Join ["", ["arn:", !Ref AWS::Partition, ":apigateway:", !Ref AWS::Region, ":lambda:path/2015-03-31/functions/", !GetAtt SamFn.Arn, "/invocations"]]`,
			"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:SamFn/invocations", "SamFn"},
		{"Ref to function", `!Sub "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:${Fn}/invocations"`,
			"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Fn/invocations", "Fn"},
		{"plain ARN", `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:far/invocations`,
			"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:far/invocations", ""},
		{"HTTP URL", `!Sub "https://example.com/${Env}"`, "https://example.com/prod", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(intrinsicTemplate, "Description: EXPR", "IntegrationUri: "+tt.uri, 1)
			w := mustParse(t, "t.yaml", src)
			in := w.API.Integration("Integ")
			if in.URI != tt.wantURI || in.FunctionName != tt.wantFn {
				t.Errorf("URI %q FunctionName %q, want %q %q", in.URI, in.FunctionName, tt.wantURI, tt.wantFn)
			}
			back, _ := reload(t, w)
			if d := diffAPI(back.API, w.API); d != "" {
				t.Error(d)
			}
		})
	}
}

func TestTargetForms(t *testing.T) {
	base := `Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}
  Integ:
    Type: AWS::ApiGatewayV2::Integration
    Properties: {ApiId: !Ref Api, IntegrationType: MOCK}
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: $default
      Target: TARGET
`
	for _, target := range []string{
		`!Sub integrations/${Integ}`,
		`!Sub "integrations/${Integ}"`,
		`{"Fn::Sub": "integrations/${Integ}"}`,
		`!Join [/, [integrations, !Ref Integ]]`,
		`{"Fn::Join": ["/", ["integrations", {"Ref": "Integ"}]]}`,
		`integrations/Integ`,
	} {
		t.Run(target, func(t *testing.T) {
			w := mustParse(t, "t.yaml", strings.Replace(base, "TARGET", target, 1))
			if got := w.API.Route("$default").IntegrationID; got != "Integ" {
				t.Errorf("IntegrationID = %q, want Integ", got)
			}
		})
	}
}
