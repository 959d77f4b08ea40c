package ui

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"fyne.io/fyne/v2"

	"wsworkbench/ui/trace"
)

// authWorkspace is a workspace whose $connect authorizer names a function
// that is not here (Elsewhere) and which has a local function fit to be
// the authorizer (AuthFunction, code in auth/).
const authWorkspace = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: authdemo, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {ApiId: !Ref Api, StageName: dev, AutoDeploy: true}
  ConnectRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Api, RouteKey: $connect, AuthorizationType: CUSTOM, AuthorizerId: !Ref Auth, Target: !Sub 'integrations/${ConnectIntegration}'}
  ConnectIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties: {ApiId: !Ref Api, IntegrationType: MOCK, RequestTemplates: {$default: '{"statusCode": 200}'}}
  Auth:
    Type: AWS::ApiGatewayV2::Authorizer
    Properties:
      ApiId: !Ref Api
      Name: Auth
      AuthorizerType: REQUEST
      AuthorizerUri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Elsewhere/invocations
      IdentitySource: [route.request.header.Authorization]
  AuthFunction:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: auth/, Handler: index.handler, Runtime: nodejs20.x}
`

const authCode = `exports.handler = async (event) => {
  const effect = event.headers.Authorization === 'ok' ? 'Allow' : 'Deny';
  return { principalId: 'me', policyDocument: { Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: event.methodArn }] } };
};
`

// TestAuthorizerPicksLocalFunction: the $connect authorizer's Function
// field lists the workspace's functions; picking one runs its code as the
// authorizer at once: a tab with the header it allows opens, one it denies
// gets 403. Before, the authorizer called a function that is not here.
func TestAuthorizerPicksLocalFunction(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("node is needed (scripts/setup.sh installs it): %v", err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "auth"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"api.yaml": authWorkspace, "auth/index.js": authCode} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tb := newTestBench(t)
	tb.openFile(filepath.Join(dir, "api.yaml"))
	tb.waitFor("the workspace to go live", func() bool { return tb.wb.ctl.Live() })
	ok := http.Header{"Authorization": {"ok"}}
	tb.waitTabState("before: the authorizer's function is not here", ok, "500")

	ed := tb.wb.editor
	ed.Routes.SelectRoute("$connect")
	fn, options := ed.AuthorizerFunction()
	if fn == nil || !slices.Contains(options, "AuthFunction") || !slices.Contains(objects(ed.Detail()), fyne.CanvasObject(fn)) {
		t.Fatalf("the authorizer's Function field (%v) does not show or list the workspace's AuthFunction: %q", fn != nil, options)
	}
	fn.SetText("AuthFunction") // as picking it from the list does
	tb.waitFor("the authorizer's function to go live", func() bool { return tb.wb.ctl.Live() && len(tb.wb.ctl.Errors()) == 0 })
	if au := tb.wb.ws.API.Authorizer(tb.wb.ws.API.Route("$connect").AuthorizerID); au == nil || au.FunctionName != "AuthFunction" {
		t.Fatalf("authorizer %+v, want FunctionName AuthFunction", au)
	}
	tb.waitTabState("denied by the local code", http.Header{"Authorization": {"no"}}, "403")
	tab := tb.waitTabState("allowed by the local code", ok, "open")
	connID := tb.waitConnectedTab(tab)
	defer func() {
		if t.Failed() {
			id, _ := tb.wb.traces.ConnectOf(connID)
			tr, _ := tb.wb.traces.Get(id)
			for _, s := range trace.Steps(tr) {
				t.Logf("step %q %+v", s.Title, s.Lines)
			}
		}
	}()
	tb.waitConnectAuthorized(connID, "the $connect trace naming the function", "AuthFunction")
}
