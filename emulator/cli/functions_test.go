package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"wsworkbench/emulator/dynamo/dynamotest"
)

// localTemplate is a SAM API whose routes run Node.js, Python and Ruby
// handlers from code directories beside it.
var localTemplate = `AWSTemplateFormatVersion: 2010-09-09
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Timeout: 60
    Environment:
      Variables:
        GREETING: hello
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: local-functions
      ProtocolType: WEBSOCKET
      RouteSelectionExpression: $request.body.action
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {StageName: production, ApiId: !Ref Api}
` + localRoute("Connect", "$connect", "NodeFn", false) + localRoute("Node", "node", "NodeFn", true) +
	localRoute("Py", "py", "PyFn", true) + localRoute("Rb", "rb", "RbFn", true) + `
  NodeFn:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: node/, Handler: app.handler, Runtime: nodejs20.x}
  PyFn:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: py, Handler: app.handler, Runtime: python3.12}
  RbFn:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: ./rb, Handler: app.handler, Runtime: ruby3.2}
`

// localRoute is a route, its AWS_PROXY integration and (two-way) its route
// response, calling function fn.
func localRoute(id, key, fn string, twoWay bool) string {
	s := `
  ` + id + `Route:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: ` + key + `
      Target: !Sub integrations/${` + id + `Integ}`
	if twoWay {
		s += `
      RouteResponseSelectionExpression: $default
  ` + id + `Response:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties: {ApiId: !Ref Api, RouteId: !Ref ` + id + `Route, RouteResponseKey: $default}`
	}
	return s + `
  ` + id + `Integ:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${` + fn + `.Arn}/invocations`
}

const nodeV1 = `exports.handler = async (event) => {
  console.log('node saw', event.requestContext.routeKey);
  return { statusCode: 200, body: JSON.stringify({ v: 1, greeting: process.env.GREETING, pid: process.pid }) };
};`

// writeLocalAPI writes localTemplate and its three code directories.
func writeLocalAPI(t *testing.T) (file, dir string) {
	t.Helper()
	dir = t.TempDir()
	files := map[string]string{
		"template.yaml": localTemplate,
		"node/app.js":   nodeV1,
		"py/app.py": `import json, os, time
def handler(event, context):
    body = json.loads(event["body"])
    if body.get("hang"):
        with open(body["hang"], "w") as f:
            f.write(str(os.getpid()))
        time.sleep(30)
    print("python says hi to", event["requestContext"]["connectionId"])
    return {"statusCode": 200, "body": json.dumps({"lang": "python", "pid": os.getpid()})}
`,
		"rb/app.rb": `require 'json'
def handler(event:, context:)
  puts "ruby says hi"
  { statusCode: 200, body: JSON.generate({ lang: 'ruby', pid: Process.pid }) }
end
`,
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "template.yaml"), dir
}

// ask sends msg on ws and returns the answer.
func ask(t *testing.T, ws *websocket.Conn, msg string) string {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(20 * time.Second))
	if err := ws.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	_, b, err := ws.ReadMessage()
	if err != nil {
		t.Fatalf("answer to %s: %v", msg, err)
	}
	return string(b)
}

var pidRE = regexp.MustCompile(`"pid":\s*(\d+)`)

// TestServeLocalFunctions runs the real binary on a SAM template whose
// functions have local code: the routes answer from Node.js, Python and
// Ruby, their prints appear in the log framed by START/END/REPORT, a code
// change is picked up while the client stays connected, and SIGTERM leaves
// no function process behind.
func TestServeLocalFunctions(t *testing.T) {
	file, dir := writeLocalAPI(t)
	s := startServe(t, file)
	wsURL, _ := s.urls(t)
	ws, got := dial(t, wsURL, `{"action":"node"}`)
	if !strings.Contains(got, `"v":1`) || !strings.Contains(got, `"greeting":"hello"`) {
		t.Fatalf("node route answered %q", got)
	}
	var pids []string
	pids = append(pids, pidRE.FindStringSubmatch(got)[1])
	for _, c := range []struct{ msg, want string }{{`{"action":"py"}`, `"lang": "python"`}, {`{"action":"rb"}`, `"lang":"ruby"`}} {
		got := ask(t, ws, c.msg)
		if !strings.Contains(got, c.want) {
			t.Fatalf("%s answered %q", c.msg, got)
		}
		pids = append(pids, pidRE.FindStringSubmatch(got)[1])
	}

	// Hot reload while connected.
	v2 := strings.Replace(nodeV1, "v: 1", "v: 2", 1)
	if err := os.WriteFile(filepath.Join(dir, "node", "app.js"), []byte(v2), 0o644); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		got = ask(t, ws, `{"action":"node"}`)
		if strings.Contains(got, `"v":2`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the node route still answers %q after the code changed", got)
		}
		time.Sleep(50 * time.Millisecond)
	}
	pids = append(pids, pidRE.FindStringSubmatch(got)[1])

	_, lines := s.stop(t, ws, syscall.SIGTERM)
	log := strings.Join(lines, "\n")
	for _, want := range []string{"python says hi to", "ruby says hi", "node saw node", "\tINFO\tnode saw $connect"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q", want)
		}
	}
	// The default log's one line for the message carries the call, and
	// the function's output goes under it.
	if !regexp.MustCompile(` message +conn=[^\n]* route=py integration=AWS_PROXY status=200 [^\n]*function=PyFn[^\n]*\n    START RequestId: [0-9a-f-]{36} Version: \$LATEST\n    python says hi to [^\n]+\n    END RequestId: [0-9a-f-]{36}\n    REPORT RequestId: [0-9a-f-]{36}\tDuration: [0-9.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: [0-9.]+ ms`).MatchString(log) {
		t.Errorf("the Python invocation is not framed like CloudWatch Logs:\n%s", log)
	}
	if !strings.Contains(s.stderr.String(), "function NodeFn: code changed") {
		t.Errorf("stderr does not report the reload:\n%s", s.stderr)
	}
	for _, p := range pids {
		pid, _ := strconv.Atoi(p)
		if running(pid) {
			t.Errorf("function process %d outlived serve", pid)
		}
	}
}

// TestServeKilledLeavesNoFunctions kills serve with SIGKILL, which it
// cannot handle, while a function is busy in a long call: the kernel still
// ends the function's process (Linux's parent-death signal), so no orphan
// keeps running.
func TestServeKilledLeavesNoFunctions(t *testing.T) {
	file, dir := writeLocalAPI(t)
	s := startServe(t, "--log", "none", file)
	wsURL, _ := s.urls(t)
	pidFile := filepath.Join(dir, "pid")
	ws, _, err := websocket.DefaultDialer.Dial(wsURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"action":"py","hang":"`+pidFile+`"}`)); err != nil {
		t.Fatal(err)
	}
	var pid int
	for deadline := time.Now().Add(20 * time.Second); pid == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the function never wrote its pid")
		}
		b, _ := os.ReadFile(pidFile)
		pid, _ = strconv.Atoi(string(b))
	}
	if err := s.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-s.wait
	for deadline := time.Now().Add(3 * time.Second); running(pid); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("function process %d outlived a killed serve", pid)
		}
	}
}

// running reports whether process pid exists and is not a zombie waiting
// to be reaped.
func running(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	return err != nil || !strings.Contains(string(st), ") Z ")
}

// TestServeServerlessFunctions runs a serverless.yml's handlers as the
// Framework names them: "dir/file.export" for Node.js and
// "dir/file.Module.method" for Ruby (the seed's form), from the service
// directory, with the provider's runtime and environment.
func TestServeServerlessFunctions(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"serverless.yml": `service: chat
provider:
  name: aws
  runtime: ruby3.2
  timeout: 60
  environment:
    GREETING: hi from ${self:service}
functions:
  connect:
    handler: src/handler.connect
    runtime: nodejs20.x
    events:
      - websocket: {route: $connect}
  sendMessage:
    handler: sendmessage/handler.WebsocketApi.send_message
    events:
      - websocket: {route: sendmessage, routeResponseSelectionExpression: $default}
`,
		"src/handler.js": `exports.connect = async () => ({ statusCode: 200 });`,
		"sendmessage/handler.rb": `require 'json'
module WebsocketApi
  def self.send_message(event:, context:)
    { statusCode: 200, body: "#{ENV['GREETING']}: #{JSON.parse(event['body'])['data']}" }
  end
end
`,
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := startServe(t, filepath.Join(dir, "serverless.yml"))
	l1 := s.line(t)
	wsURL := regexp.MustCompile(`^WebSocket: (ws://\S+)$`).FindStringSubmatch(l1)
	if wsURL == nil {
		t.Fatalf("first line %q", l1)
	}
	s.line(t)
	ws, got := dial(t, wsURL[1], `{"action":"sendmessage","data":"hello"}`)
	if got != "hi from chat: hello" {
		t.Fatalf("sendmessage answered %q\nstderr: %s", got, s.stderr)
	}
	s.stop(t, ws, syscall.SIGTERM)
}

// TestServeSeedWithoutCode serves the SAM chat seed, whose code
// directories are not beside it: nothing runs locally and the functions are
// called at the Lambda endpoint, as before local functions existed (the
// sample backend demo).
func TestServeSeedWithoutCode(t *testing.T) {
	s := startServe(t, "--log", "none", filepath.Join("..", "workspace", "testdata", "simple-chat.sam.yaml"))
	s.line(t) // the URLs
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-s.wait
	stderr := s.stderr.String()
	for _, want := range []string{"Lambda: function OnConnectFunction: no code at ", "its calls go to the Lambda endpoint",
		"Lambda: http://127.0.0.1:3001 (calls: auto)\n"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "runs here") {
		t.Errorf("a function without code runs here:\n%s", stderr)
	}
}

// dynamoWorkspace writes the simple chat seed, whose template declares a
// table, with Metadata.wsworkbench.settings.dynamodbEndpoint set to endpoint.
func dynamoWorkspace(t *testing.T, endpoint string) string {
	t.Helper()
	seed, err := os.ReadFile(filepath.Join("..", "workspace", "testdata", "simple-chat.sam.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "chat.yaml")
	text := "Metadata:\n  wsworkbench:\n    settings:\n      dynamodbEndpoint: " + endpoint + "\n" + string(seed)
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestServeDynamoDBEndpointSetting: with no --dynamodb-endpoint, serve
// creates the template's table at the file's dynamodbEndpoint; the flag,
// when given, wins over the setting.
func TestServeDynamoDBEndpointSetting(t *testing.T) {
	serveUntilReady := func(t *testing.T, args ...string) string {
		s := startServe(t, append([]string{"--log", "none"}, args...)...)
		s.line(t) // the URLs: the tables were created before
		if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		<-s.wait
		return s.stderr.String()
	}
	t.Run("setting", func(t *testing.T) {
		fake := dynamotest.New(t)
		stderr := serveUntilReady(t, dynamoWorkspace(t, fake.URL))
		if got := fake.Created(); !slices.Equal(got, []string{"simplechat_connections"}) {
			t.Errorf("tables created: %q, want the template's\n%s", got, stderr)
		}
		if want := "DynamoDB: created table simplechat_connections at " + fake.URL; !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	})
	t.Run("flag wins", func(t *testing.T) {
		fromFile, fromFlag := dynamotest.New(t), dynamotest.New(t)
		stderr := serveUntilReady(t, "--dynamodb-endpoint", fromFlag.URL, dynamoWorkspace(t, fromFile.URL))
		if got := fromFlag.Created(); len(got) != 1 {
			t.Errorf("the flag's endpoint got tables %q, want one\n%s", got, stderr)
		}
		if got := fromFile.Created(); len(got) != 0 {
			t.Errorf("the file's endpoint got tables %q despite the flag", got)
		}
	})
}
