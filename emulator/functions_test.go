package emulator

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"wsworkbench/emulator/localfn"
	"wsworkbench/emulator/model"
)

// localCode writes files into a new code directory.
func localCode(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// startFunctions returns a runner for fns, closed when the test ends. A
// function without a Timeout gets a minute, so a loaded machine does not
// turn a slow start into a timeout.
func startFunctions(t *testing.T, fns ...model.Function) *localfn.Runner {
	t.Helper()
	for i := range fns {
		if fns[i].Timeout == 0 {
			fns[i].Timeout = time.Minute
		}
	}
	for _, p := range []string{"node", "python3", "ruby"} {
		if _, err := exec.LookPath(p); err != nil {
			t.Fatalf("%s is not on PATH (scripts/setup.sh installs it)", p)
		}
	}
	r, err := localfn.New(fns, localfn.Options{CacheDir: t.TempDir(), ReloadInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

// TestLocalFunctionsThroughGateway runs Node.js, Python and Ruby handlers
// behind routes of a gateway that has no Lambda endpoint: each answers the
// client, a failing or unsupported function gets AWS's error frame, and an
// explicit endpoint still wins over local code.
func TestLocalFunctionsThroughGateway(t *testing.T) {
	node := localCode(t, map[string]string{"app.js": `
exports.connect = async (event) => ({ statusCode: event.queryStringParameters && event.queryStringParameters.deny ? 403 : 200 });
exports.echo = async (event) => ({ statusCode: 200, body: 'node: ' + JSON.parse(event.body).data + ' from ' + event.requestContext.connectionId });
exports.fails = async () => { throw new Error('no way'); };
`})
	py := localCode(t, map[string]string{"app.py": `
import json
def handler(event, context):
    print("python saw", event["requestContext"]["routeKey"])
    return {"statusCode": 200, "body": "python: " + json.loads(event["body"])["data"]}
`})
	rb := localCode(t, map[string]string{"app.rb": `
require 'json'
def handler(event:, context:)
  puts "ruby saw #{event['requestContext']['routeKey']}"
  { statusCode: 200, body: "ruby: #{JSON.parse(event['body'])['data']}" }
end
`})
	r := startFunctions(t,
		model.Function{Name: "Connect", Runtime: "nodejs20.x", Handler: "app.connect", CodeDir: node},
		model.Function{Name: "Echo", Runtime: "nodejs20.x", Handler: "app.echo", CodeDir: node},
		model.Function{Name: "Fails", Runtime: "nodejs20.x", Handler: "app.fails", CodeDir: node},
		model.Function{Name: "Py", Runtime: "python3.12", Handler: "app.handler", CodeDir: py},
		model.Function{Name: "Rb", Runtime: "ruby3.2", Handler: "app.handler", CodeDir: rb},
		model.Function{Name: "Java", Runtime: "java21", Handler: "a.B::c", CodeDir: node},
	)
	routes := map[string]string{"$connect": "Connect", "echo": "Echo", "fails": "Fails", "py": "Py", "rb": "Rb", "java": "Java"}
	api := lambdaAPI("", routes, "echo", "fails", "py", "rb", "java")
	g := start(t, api, Options{Functions: r})
	if _, resp, err := tryDial(g.URL() + "?deny=1"); err == nil || resp == nil || resp.StatusCode != 403 {
		t.Fatalf("a $connect answering 403 let the client in (err %v)", err)
	}
	ws := dial(t, g)
	cases := []struct{ msg, want string }{
		{`{"action":"echo","data":"hi"}`, "node: hi from "},
		{`{"action":"py","data":"hi"}`, "python: hi"},
		{`{"action":"rb","data":"hi"}`, "ruby: hi"},
		{`{"action":"fails"}`, frameRE("Internal server error")},
		{`{"action":"java"}`, frameRE("Internal server error")},
	}
	for _, c := range cases {
		send(t, ws, c.msg)
		if got := recv(t, ws); !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: got %q, want %q…", c.msg, got, c.want)
		}
	}

	// With an endpoint in the workspace, the Invoke API is called instead.
	fl := startLambda(t, map[string]lambdaFunc{"Echo": answer(`{"statusCode":200,"body":"from the endpoint"}`)})
	api = lambdaAPI(fl.url, map[string]string{"echo": "Echo"}, "echo")
	g2 := start(t, api, Options{Functions: r})
	ws2 := dial(t, g2)
	send(t, ws2, `{"action":"echo","data":"x"}`)
	if got := recv(t, ws2); got != "from the endpoint" {
		t.Errorf("with an endpoint: got %q, want the endpoint's answer", got)
	}
}

// TestLocalFunctionConcurrentMessages sends 20 messages at once from 20
// clients to one local function: every client gets its own answer.
func TestLocalFunctionConcurrentMessages(t *testing.T) {
	dir := localCode(t, map[string]string{"app.js": `
exports.handler = async (event) => {
  await new Promise((r) => setTimeout(r, 20));
  return { statusCode: 200, body: 'for ' + event.requestContext.connectionId };
};`})
	r := startFunctions(t, model.Function{Name: "Fn", Runtime: "nodejs20.x", Handler: "app.handler", CodeDir: dir})
	g := start(t, lambdaAPI("", map[string]string{"$default": "Fn"}, "$default"), Options{Functions: r})
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		ws := dial(t, g)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := ws.WriteMessage(1, []byte(`{"n":1}`)); err != nil {
				t.Error(err)
				return
			}
			ws.SetReadDeadline(time.Now().Add(20 * time.Second))
			_, b, err := ws.ReadMessage()
			if err != nil || !strings.HasPrefix(string(b), "for ") {
				t.Errorf("answer %q, %v", b, err)
			}
		}()
	}
	wg.Wait()
}

// TestLocalAuthorizer runs a $connect REQUEST authorizer from local Node.js
// code: its policy decides the upgrade and its context reaches the route.
func TestLocalAuthorizer(t *testing.T) {
	dir := localCode(t, map[string]string{"auth.js": `
exports.handler = async (event) => {
  const effect = event.queryStringParameters.token === 'allow' ? 'Allow' : 'Deny';
  return { principalId: 'alice', context: { tier: 'gold' },
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: event.methodArn }] } };
};
exports.connect = async () => ({ statusCode: 200 });
exports.echo = async (event) => ({ statusCode: 200, body: 'tier ' + event.requestContext.authorizer.tier });
`})
	r := startFunctions(t,
		model.Function{Name: "AuthFunction", Runtime: "nodejs20.x", Handler: "auth.handler", CodeDir: dir},
		model.Function{Name: "onconnect", Runtime: "nodejs20.x", Handler: "auth.connect", CodeDir: dir},
		model.Function{Name: "echo", Runtime: "nodejs20.x", Handler: "auth.echo", CodeDir: dir},
	)
	g := start(t, authorizedAPI(""), Options{Functions: r})
	if _, resp, err := tryDial(g.URL() + "?token=deny"); err == nil || resp == nil || resp.StatusCode != 403 {
		t.Fatalf("a Deny policy let the client in (err %v)", err)
	}
	ws, _, err := tryDial(g.URL() + "?token=allow")
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	send(t, ws, `{"x":1}`)
	if got := recv(t, ws); got != "tier gold" {
		t.Fatalf("got %q, want the authorizer's context", got)
	}
}

// TestLocalUnsupportedRuntimeInTrace checks the trace says why a function
// with an unsupported runtime failed.
func TestLocalUnsupportedRuntimeInTrace(t *testing.T) {
	r := startFunctions(t, model.Function{Name: "Java", Runtime: "java21", Handler: "a.B::c", CodeDir: t.TempDir()})
	g := start(t, lambdaAPI("", map[string]string{"$default": "Java"}, "$default"), Options{Functions: r})
	sub := g.Subscribe(64)
	ws := dial(t, g)
	send(t, ws, `{}`)
	if got := recv(t, ws); !strings.HasPrefix(got, frameRE("Internal server error")) {
		t.Fatalf("got %q", got)
	}
	deadline := time.After(5 * time.Second)
	for {
		select {
		case e := <-sub.C():
			if strings.Contains(e.Error, "runtime java21 is not supported by the workbench") {
				return
			}
		case <-deadline:
			t.Fatal("no event says the runtime is not supported")
		}
	}
}

// TestLocalFunctionLogInTrace checks the integration event of a local call
// carries the invocation's log, for the window's trace.
func TestLocalFunctionLogInTrace(t *testing.T) {
	dir := localCode(t, map[string]string{"app.py": "def handler(event, context):\n    print('from python', event['requestContext']['routeKey'])\n    return {'statusCode': 200, 'body': 'ok'}\n"})
	r := startFunctions(t, model.Function{Name: "Py", Runtime: "python3.12", Handler: "app.handler", CodeDir: dir})
	g := start(t, lambdaAPI("", map[string]string{"$default": "Py"}, "$default"), Options{Functions: r})
	sub := g.Subscribe(64)
	ws := dial(t, g)
	send(t, ws, `{}`)
	if got := recv(t, ws); got != "ok" {
		t.Fatalf("got %q", got)
	}
	deadline := time.After(5 * time.Second)
	for {
		select {
		case e := <-sub.C():
			if e.Kind != EventIntegration || e.Lambda == nil {
				continue
			}
			if !strings.HasPrefix(e.Lambda.Log, "START RequestId: ") || !strings.Contains(e.Lambda.Log, "from python $default\n") ||
				!strings.Contains(e.Lambda.Log, "\nREPORT RequestId: ") {
				t.Fatalf("the integration event's log is %q", e.Lambda.Log)
			}
			return
		case <-deadline:
			t.Fatal("no integration event with a Lambda call")
		}
	}
}
