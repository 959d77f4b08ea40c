package workspace

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"wsworkbench/emulator/model"
)

// withLocalFunction returns the MOCK sample with its message route's
// integration turned into AWS_PROXY calling a new model function whose code
// is in dir/code.
func withLocalFunction(t *testing.T, dir string) *Workspace {
	t.Helper()
	w := mustLoad(t, "mock-integration.cfn.yaml")
	code := filepath.Join(dir, "code")
	if err := os.MkdirAll(code, 0o755); err != nil {
		t.Fatal(err)
	}
	w.API.Functions = append(w.API.Functions, model.Function{Name: "EchoFunction", Runtime: "nodejs20.x", Handler: "index.handler",
		CodeDir: code, Timeout: 5 * time.Second, MemoryMB: 256, Env: map[string]string{"GREETING": "hello"}})
	in := w.API.Integration(w.API.Route("message").IntegrationID)
	in.Type, in.URI, in.FunctionName = model.TypeAWSProxy, FunctionURI("EchoFunction"), "EchoFunction"
	in.RequestTemplates, in.Responses, in.TemplateSelectionExpression = nil, []model.IntegrationResponse{}, ""
	return w
}

// TestModelFunctionSavedAsSAM: a function the editor created is saved as an
// AWS::Serverless::Function (CodeUri relative to the file, the SAM
// transform declared), the integration calls it through a !Sub of its Arn
// with no functionNames override, and the file reads back to the same model
// and the same local function.
func TestModelFunctionSavedAsSAM(t *testing.T) {
	dir := t.TempDir()
	w := withLocalFunction(t, dir)
	path := filepath.Join(dir, "api.yaml")
	if err := w.Save(path); err != nil {
		t.Fatal(err)
	}
	out := readFile(t, path)
	for _, s := range []string{
		"Transform: AWS::Serverless-2016-10-31\n",
		"EchoFunction:\n    Type: AWS::Serverless::Function\n",
		"CodeUri: code\n",
		"Handler: index.handler\n",
		"Runtime: nodejs20.x\n",
		"Timeout: 5\n",
		"MemorySize: 256\n",
		"Variables:\n          GREETING: hello\n",
		"IntegrationUri: !Sub arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${EchoFunction.Arn}/invocations\n",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("saved file lacks %q:\n%s", s, out)
		}
	}
	if strings.Contains(out, "functionNames") {
		t.Errorf("the integration's function is written as an override, not derived from its URI:\n%s", out)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if d := diffAPI(back.API, w.API); d != "" {
		t.Errorf("reopened model differs: %s", d)
	}
	local, err := LoadLocal(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Function{w.API.Functions[0]}
	if !reflect.DeepEqual(local.Functions, want) {
		t.Errorf("LoadLocal = %+v, want %+v", local.Functions, want)
	}
	// Saving again, unchanged, writes the same text.
	if err := back.Save(path); err != nil {
		t.Fatal(err)
	}
	if again := readFile(t, path); again != out {
		t.Errorf("an unchanged save rewrote the file:\n%s\nwas:\n%s", again, out)
	}
}

// TestModelFunctionEditKeepsTheRest: editing a loaded function's variable
// rewrites only that variable; saving to another folder rewrites CodeUri
// relative to the new file.
func TestModelFunctionEditKeepsTheRest(t *testing.T) {
	dir := t.TempDir()
	w := withLocalFunction(t, dir)
	path := filepath.Join(dir, "api.yaml")
	if err := w.Save(path); err != nil {
		t.Fatal(err)
	}
	// A comment the user wrote by hand survives the edit.
	data := strings.Replace(readFile(t, path), "Handler: index.handler\n", "Handler: index.handler # entry\n", 1)
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	w.API.Function("EchoFunction").Env["GREETING"] = "bonjour"
	other := filepath.Join(dir, "elsewhere", "api.yaml")
	if err := os.MkdirAll(filepath.Dir(other), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := w.Save(other); err != nil {
		t.Fatal(err)
	}
	out := readFile(t, other)
	for _, s := range []string{"GREETING: bonjour", "Handler: index.handler # entry", "CodeUri: ../code\n"} {
		if !strings.Contains(out, s) {
			t.Errorf("saved file lacks %q:\n%s", s, out)
		}
	}
	local, err := LoadLocal(other)
	if err != nil {
		t.Fatal(err)
	}
	if len(local.Functions) != 1 || local.Functions[0].CodeDir != filepath.Join(dir, "code") {
		t.Errorf("LoadLocal(%s) = %+v, want the code at %s", other, local.Functions, filepath.Join(dir, "code"))
	}
}

// TestModelHoldsEditableFunctionsOnly: the seed chat's SAM functions are in
// the model; a function with inline code, or whose variable does not
// resolve, stays in the file only.
func TestModelHoldsEditableFunctionsOnly(t *testing.T) {
	w := mustLoad(t, "simple-chat.sam.yaml")
	var names []string
	for _, fn := range w.API.Functions {
		names = append(names, fn.Name)
	}
	if want := []string{"OnConnectFunction", "OnDisconnectFunction", "SendMessageFunction"}; !reflect.DeepEqual(names, want) {
		t.Errorf("model functions = %v, want %v", names, want)
	}
	src := `Transform: AWS::Serverless-2016-10-31
Resources:
  Api: {Type: AWS::ApiGatewayV2::Api, Properties: {Name: a, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}}
  Inline:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: index.handler, InlineCode: "def handler(e, c): return 1"}
  Unresolved:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src
      Environment: {Variables: {X: !GetAtt Nowhere.Arn}}
  Plain:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: app.handler, CodeUri: src}
`
	w = mustParse(t, "t.yaml", src)
	if len(w.API.Functions) != 1 || w.API.Functions[0].Name != "Plain" {
		t.Errorf("model functions = %+v, want only Plain", w.API.Functions)
	}
}

// TestServerlessImportKeepsItsFunctions: a serverless.yml's functions come
// into the model, so saving the import as a CloudFormation template writes
// them as SAM functions from the same code, and the saved file runs them.
func TestServerlessImportKeepsItsFunctions(t *testing.T) {
	w := mustLoad(t, "simple-chat.serverless.yml")
	var names []string
	for _, fn := range w.API.Functions {
		names = append(names, fn.Name)
	}
	if want := []string{"connect", "disconnect", "sendMessage"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("model functions %v, want %v", names, want)
	}
	path := filepath.Join(t.TempDir(), "chat.yaml")
	if err := w.Save(path); err != nil {
		t.Fatal(err)
	}
	out := readFile(t, path)
	for _, s := range []string{"Transform: AWS::Serverless-2016-10-31\n", "sendMessage:\n    Type: AWS::Serverless::Function\n", "Handler: sendmessage/handler.WebsocketApi.send_message\n"} {
		if !strings.Contains(out, s) {
			t.Errorf("saved file lacks %q:\n%s", s, out)
		}
	}
	local, err := LoadLocal(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(local.Functions, w.API.Functions) {
		t.Errorf("the saved file's functions\n%+v\nwant the serverless.yml's\n%+v", local.Functions, w.API.Functions)
	}
}
