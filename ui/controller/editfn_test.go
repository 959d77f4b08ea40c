package controller

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wsworkbench/assets"
	"wsworkbench/emulator/model"
	"wsworkbench/emulator/workspace"
)

// pointAtFunction makes the sample's message route call a new function of
// the draft: Node.js code in dir that answers with its GREETING variable.
func pointAtFunction(t *testing.T, api *model.API, dir string) {
	t.Helper()
	code := `exports.handler = async (event) => ({statusCode: 200, body: process.env.GREETING + " " + JSON.parse(event.body).data});`
	if err := os.WriteFile(filepath.Join(dir, "index.js"), []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	api.Functions = append(api.Functions, model.Function{Name: "Greeter", Runtime: "nodejs20.x", Handler: "index.handler",
		CodeDir: dir, Timeout: 30 * time.Second, Env: map[string]string{"GREETING": "hello"}})
	in := api.Integration(api.Route("message").IntegrationID)
	in.Type, in.URI, in.FunctionName = model.TypeAWSProxy, workspace.FunctionURI("Greeter"), "Greeter"
}

// TestEditedFunctionsGoLive: a function the editor adds runs once the draft
// applies, with no save; a bad handler is an error that keeps the last
// valid function answering; a changed variable restarts only that function,
// on the same gateway.
func TestEditedFunctionsGoLive(t *testing.T) {
	localWorkspace(t) // node and python3 are needed
	h := newHarness(t)
	api := h.c.Workspace().API
	dir := t.TempDir()
	pointAtFunction(t, api, dir)
	h.c.Edited()
	h.waitFor("the function to go live", h.c.Live)
	if got := roundTrip(t, h, `{"action":"message","data":"one"}`); got != "hello one" {
		t.Fatalf("answer %q (note %q, errors %v)", got, h.c.Server.FunctionsNote(), h.c.Errors())
	}

	fn := api.Function("Greeter")
	fn.Handler = "main.handler"
	h.c.Edited()
	h.waitFor("the handler error", func() bool { return len(h.c.Errors()) > 0 })
	errs := h.c.Errors()
	if errs[0].Integration != api.Route("message").IntegrationID || !strings.Contains(errs[0].Msg, "handler main.handler: no main.js or main.mjs or main.cjs in "+dir) {
		t.Errorf("errors %v, want the missing handler file on the message route's integration", errs)
	}
	if got := roundTrip(t, h, `{"action":"message","data":"two"}`); got != "hello two" {
		t.Errorf("with a bad handler the gateway answered %q, want the last valid function", got)
	}
	// Turning TLS on restarts the functions: still the last valid one.
	tlsDone := false
	h.c.TLS.Set(true, func(err error) {
		if err != nil {
			t.Errorf("TLS: %v", err)
		}
		tlsDone = true
	})
	h.waitFor("the TLS restart", func() bool { return tlsDone })
	if got := roundTrip(t, h, `{"action":"message","data":"two"}`); got != "hello two" {
		t.Errorf("after a TLS restart with a bad handler pending the gateway answered %q, want the last valid function", got)
	}
	gw := h.c.Server.Gateway()

	fn.Handler, fn.Runtime = "index.handler", "java21"
	h.c.Edited()
	h.waitFor("the runtime error", func() bool {
		errs := h.c.Errors()
		return len(errs) > 0 && strings.Contains(errs[0].Msg, "runtime java21 is not supported by the workbench")
	})

	fn.Runtime = "nodejs20.x"
	fn.Env["GREETING"] = "bonjour"
	h.c.Edited()
	h.waitFor("the fixed function to go live", func() bool { return h.c.Live() && len(h.c.Errors()) == 0 })
	if got := roundTrip(t, h, `{"action":"message","data":"three"}`); got != "bonjour three" {
		t.Errorf("after changing GREETING the answer is %q", got)
	}
	if h.c.Server.Gateway() != gw {
		t.Error("a function edit restarted the gateway")
	}
}

// TestImportedServerlessRunsItsFunctions: a serverless.yml opened in the
// window runs its own handler before it is saved, and the CloudFormation
// template it is saved as runs the same handler when opened again.
func TestImportedServerlessRunsItsFunctions(t *testing.T) {
	localWorkspace(t) // node is needed
	dir := t.TempDir()
	for name, content := range map[string]string{
		"serverless.yml": `service: chat
provider:
  name: aws
  runtime: nodejs20.x
  environment:
    GREETING: hi from ${self:service}
functions:
  sendMessage:
    handler: src/handler.send
    events:
      - websocket: {route: sendmessage, routeResponseSelectionExpression: $default}
  send-twice:
    handler: src/handler.twice
    events:
      - websocket: {route: twice, routeResponseSelectionExpression: $default}
`,
		"src/handler.js": "exports.send = async (event) => ({statusCode: 200, body: process.env.GREETING + ': ' + JSON.parse(event.body).data});\n" +
			"exports.twice = async (event) => ({statusCode: 200, body: JSON.parse(event.body).data.repeat(2)});\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h := newHarness(t, func(o *Options) { o.File = filepath.Join(dir, "serverless.yml") })
	if got := roundTrip(t, h, `{"action":"sendmessage","data":"one"}`); got != "hi from chat: one" {
		t.Fatalf("the imported serverless.yml answered %q (note %q)", got, h.c.Server.FunctionsNote())
	}
	// send-twice is not a logical ID, so the model does not hold it; it
	// runs from the serverless.yml all the same.
	if got := roundTrip(t, h, `{"action":"twice","data":"ab"}`); got != "abab" {
		t.Errorf("the serverless.yml's send-twice answered %q", got)
	}
	saved := filepath.Join(dir, "chat.yaml")
	if err := h.c.Files.SaveTo(saved); err != nil {
		t.Fatal(err)
	}
	if got := roundTrip(t, h, `{"action":"sendmessage","data":"two"}`); got != "hi from chat: two" {
		t.Errorf("after Save As the window answered %q", got)
	}
	h2 := newHarness(t, func(o *Options) { o.File = saved })
	if got := roundTrip(t, h2, `{"action":"sendmessage","data":"three"}`); got != "hi from chat: three" {
		t.Errorf("the saved template answered %q (note %q)", got, h2.c.Server.FunctionsNote())
	}
}

// TestBuiltInChatSamplesRunNoLocalCode: the chat seeds opened from File >
// Open Sample have functions whose code is not on this machine: nothing
// runs locally and no note complains about missing code.
func TestBuiltInChatSamplesRunNoLocalCode(t *testing.T) {
	h := newHarness(t)
	for name, data := range map[string][]byte{assets.ChatSAMName: assets.ChatSAM, assets.ChatServerlessName: assets.ChatServerless} {
		if err := h.c.Files.OpenSample(name, data, false); err != nil {
			t.Fatal(err)
		}
		h.drain()
		if len(h.c.Workspace().API.Functions) == 0 {
			t.Errorf("%s: the model has no functions (they are saved with it)", name)
		}
		if r := h.c.Server.Functions(); r != nil {
			t.Errorf("%s: functions run locally: %+v", name, r.Status())
		}
		if note := h.c.Server.FunctionsNote(); note != "" {
			t.Errorf("%s: note %q", name, note)
		}
	}
}
