package workspace

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"wsworkbench/emulator/model"
)

var seedFiles = []string{"mock-integration.cfn.yaml", "simple-chat.sam.yaml", "simple-chat.serverless.yml"}

func routeKeys(api *model.API) []string {
	var keys []string
	for _, r := range api.Routes {
		keys = append(keys, r.Key)
	}
	return keys
}

func TestSeedMockIntegration(t *testing.T) {
	w := mustLoad(t, "mock-integration.cfn.yaml")
	api := w.API
	if w.Format != CloudFormation {
		t.Errorf("Format = %v, want CloudFormation", w.Format)
	}
	if len(w.Warnings) != 0 {
		t.Errorf("Warnings = %q", w.Warnings)
	}
	if api.ID != "ApiGatewayV2Api" || api.Name != "api-gateway-websocket-with-mock-integration" || api.RouteSelectionExpression != "$request.body.action" {
		t.Errorf("API = %q %q %q", api.ID, api.Name, api.RouteSelectionExpression)
	}
	if api.Stage.Name != "production" || api.Stage.ID != "ApiGatewayV2Stage" {
		t.Errorf("Stage = %+v", api.Stage)
	}
	if got := routeKeys(api); !slices.Equal(got, []string{"$connect", "message"}) {
		t.Errorf("route keys = %q", got)
	}
	msg := api.Route("message")
	if msg.IntegrationID != "ApiGatewayV2IntegrationOnMessage" || msg.RouteResponseSelectionExpression != "$default" {
		t.Errorf("message route = %+v", msg)
	}
	if msg.RouteResponse == nil || *msg.RouteResponse != (model.RouteResponse{ID: "ApiGatewayV2RouteResponseOnMessage", Key: "$default"}) {
		t.Errorf("message route response = %+v", msg.RouteResponse)
	}
	in := api.Integration("ApiGatewayV2IntegrationOnMessage")
	if in.Type != model.TypeMock || in.PassthroughBehavior != "WHEN_NO_MATCH" || in.TimeoutMillis != 29000 || in.PayloadFormatVersion != "1.0" || in.ConnectionType != "INTERNET" {
		t.Errorf("integration = %+v", in)
	}
	if got := in.RequestTemplates["$default"]; got != `{"statusCode": 200, "messageId": $input.path('$.messageId')}` {
		t.Errorf("request template = %q", got)
	}
	if len(in.Responses) != 1 {
		t.Fatalf("responses = %+v", in.Responses)
	}
	ir := in.Responses[0]
	if ir.Key != "/200/" || ir.TemplateSelectionExpression != "${request.body.messageId}" ||
		ir.ResponseTemplates["1"] != `{"message": "Hello World"}` || ir.ResponseTemplates["2"] != `{"message": "Hi!"}` {
		t.Errorf("integration response = %+v", ir)
	}
	if c := api.Integration("ApiGatewayV2IntegrationOnConnect"); len(c.Responses) != 1 || c.Responses[0].ResponseTemplates != nil {
		t.Errorf("connect integration responses = %+v", c.Responses)
	}
}

func TestSeedSAM(t *testing.T) {
	w := mustLoad(t, "simple-chat.sam.yaml")
	api := w.API
	if w.Format != SAM {
		t.Errorf("Format = %v, want SAM", w.Format)
	}
	if len(w.Warnings) != 0 {
		t.Errorf("Warnings = %q", w.Warnings)
	}
	if !reflect.DeepEqual(api.Stage, model.Stage{ID: "Stage", Name: "Prod", Description: "Prod Stage", DeploymentID: "Deployment"}) {
		t.Errorf("Stage = %+v", api.Stage)
	}
	if got := routeKeys(api); !slices.Equal(got, []string{"$connect", "$disconnect", "sendmessage"}) {
		t.Errorf("route keys = %q", got)
	}
	want := map[string]string{"ConnectInteg": "OnConnectFunction", "DisconnectInteg": "OnDisconnectFunction", "SendInteg": "SendMessageFunction"}
	for id, fn := range want {
		in := api.Integration(id)
		if in == nil {
			t.Fatalf("no integration %s", id)
		}
		if in.Type != model.TypeAWSProxy || in.FunctionName != fn {
			t.Errorf("%s: type %s function %q, want AWS_PROXY %q", id, in.Type, in.FunctionName, fn)
		}
		uri := "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:" + fn + "/invocations"
		if in.URI != uri {
			t.Errorf("%s URI = %q, want %q", id, in.URI, uri)
		}
	}
	r := api.Route("sendmessage")
	if r.IntegrationID != "SendInteg" || r.AuthorizationType != "NONE" || r.OperationName != "SendRoute" || r.RouteResponse != nil {
		t.Errorf("sendmessage route = %+v", r)
	}
}

func TestSeedServerless(t *testing.T) {
	w := mustLoad(t, "simple-chat.serverless.yml")
	api := w.API
	if w.Format != Serverless {
		t.Errorf("Format = %v, want Serverless", w.Format)
	}
	if api.Name != "SimpleChatWebSocket" || api.RouteSelectionExpression != "$request.body.action" || api.Description != "Serverless Websockets" {
		t.Errorf("API = %q %q %q", api.Name, api.RouteSelectionExpression, api.Description)
	}
	if api.Stage.Name != "dev" {
		t.Errorf("stage = %q, want dev", api.Stage.Name)
	}
	if got := routeKeys(api); !slices.Equal(got, []string{"$connect", "$disconnect", "sendmessage"}) {
		t.Errorf("route keys = %q", got)
	}
	for key, fn := range map[string]string{"$connect": "connect", "$disconnect": "disconnect", "sendmessage": "sendMessage"} {
		r := api.Route(key)
		in := api.Integration(r.IntegrationID)
		if in == nil || in.Type != model.TypeAWSProxy || in.FunctionName != fn {
			t.Errorf("route %s integration = %+v, want AWS_PROXY function %s", key, in, fn)
			continue
		}
		if !strings.Contains(in.URI, ":ap-northeast-1:") || !strings.HasSuffix(in.URI, ":function:simple-websocket-chat-ruby-dev-"+fn+"/invocations") {
			t.Errorf("route %s URI = %q", key, in.URI)
		}
		if r.RouteResponse != nil || r.AuthorizationType != "NONE" {
			t.Errorf("route %s = %+v", key, r)
		}
	}
	if api.Route("sendmessage").ID != "sendmessageWebsocketsRoute" || api.Route("$connect").ID != "SconnectWebsocketsRoute" {
		t.Errorf("route IDs do not follow the Framework's naming: %q %q", api.Route("sendmessage").ID, api.Route("$connect").ID)
	}
}

// TestSeedsRoundTrip checks load → save → load gives the same model, and that
// a second save writes the same bytes.
func TestSeedsRoundTrip(t *testing.T) {
	for _, name := range append(seedFiles, "../../../assets/sample.yaml") {
		t.Run(filepath.Base(name), func(t *testing.T) {
			w := mustLoad(t, name)
			want := w.API.Clone()
			path := filepath.Join(t.TempDir(), "saved.yaml")
			if err := w.Save(path); err != nil {
				t.Fatal(err)
			}
			if d := diffAPI(w.API, want); d != "" {
				t.Errorf("Save changed the model: %s", d)
			}
			back, err := Load(path)
			if err != nil {
				t.Fatalf("Load(saved): %v\n%s", err, readFile(t, path))
			}
			if d := diffAPI(back.API, want); d != "" {
				t.Errorf("round trip: %s\n%s", d, readFile(t, path))
			}
			if back.Format == Serverless || w.Format == Serverless {
				t.Errorf("saved workspace format = %v / %v, want CloudFormation or SAM", back.Format, w.Format)
			}
			first := readFile(t, path)
			if err := w.Save(path); err != nil {
				t.Fatal(err)
			}
			if second := readFile(t, path); second != first {
				t.Errorf("second save differs:\n%s\n---\n%s", first, second)
			}
			if err := back.Save(path); err != nil {
				t.Fatal(err)
			}
			if third := readFile(t, path); third != first {
				t.Errorf("saving the reloaded workspace differs:\n%s\n---\n%s", first, third)
			}
		})
	}
}

// TestSaveKeepsUntouched checks a save without edits keeps the intrinsic
// functions and the other resources as written.
func TestSaveKeepsUntouched(t *testing.T) {
	w := mustLoad(t, "simple-chat.sam.yaml")
	_, out := reload(t, w)
	for _, want := range []string{
		"Transform: AWS::Serverless-2016-10-31",
		"Target: !Join",
		"Fn::Sub: arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${OnConnectFunction.Arn}/invocations",
		"DeploymentId: !Ref Deployment",
		"Type: AWS::DynamoDB::Table",
		"Type: AWS::Serverless::Function",
		"FunctionName: !Ref SendMessageFunction",
		"WebSocketURI:",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("saved template lacks %q", want)
		}
	}
	if strings.Contains(out, "wsworkbench:") {
		t.Errorf("an unedited SAM workspace gained Metadata:\n%s", out)
	}
}

func TestSaveAtomic(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "serverless.yml")
	if err := os.WriteFile(src, []byte(readFile(t, "testdata/simple-chat.serverless.yml")), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := Load(src)
	if err != nil {
		t.Fatal(err)
	}
	if w.Path != "" {
		t.Errorf("an imported serverless.yml has Path %q, want none", w.Path)
	}
	if err := w.Save(src); err == nil {
		t.Error("Save overwrote the serverless.yml it was imported from")
	}
	path := filepath.Join(dir, "chat.yaml")
	if err := os.WriteFile(path, []byte("old content"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := w.Save(path); err != nil {
		t.Fatal(err)
	}
	if w.Path != path || w.Format != CloudFormation {
		t.Errorf("after Save: Path %q Format %v, want %q CloudFormation", w.Path, w.Format, path)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].Name() != "chat.yaml" || entries[1].Name() != "serverless.yml" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %q, want only chat.yaml and serverless.yml", names)
	}
	if got := readFile(t, path); !strings.HasPrefix(got, "AWSTemplateFormatVersion:") {
		t.Errorf("saved file starts %q", got[:min(len(got), 40)])
	}
	// A save into a directory that does not exist fails and leaves the workspace as it was.
	if err := w.Save(filepath.Join(dir, "missing", "x.yaml")); err == nil {
		t.Error("Save into a missing directory succeeded")
	}
	if w.Path != path {
		t.Errorf("failed Save changed Path to %q", w.Path)
	}
}

// TestUneditedSaveIsTheSameDocument checks that saving an unedited template
// gives the same YAML document: same keys, values and tags everywhere (only
// formatting may differ).
func TestUneditedSaveIsTheSameDocument(t *testing.T) {
	for _, name := range []string{"mock-integration.cfn.yaml", "simple-chat.sam.yaml", "../../../assets/sample.yaml"} {
		t.Run(filepath.Base(name), func(t *testing.T) {
			w := mustLoad(t, name)
			orig := copyNode(w.doc)
			back, out := reload(t, w)
			if !nodeEqual(orig, back.doc) {
				t.Errorf("the saved document differs from the original:\n%s", out)
			}
		})
	}
}
