package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(args, Stdio{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

const chatBody = `{"service":"chat","action":"join","data":{"room":"room1234"}}`

func TestSelect(t *testing.T) {
	dir := t.TempDir()
	bodyFile := filepath.Join(dir, "msg.json")
	if err := os.WriteFile(bodyFile, []byte(`{"service":{"do":"echo"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		stdin   string
		args    []string
		code    int
		stdout  string // exact, when wantOut is empty
		wantOut string // a part of stdout
		wantErr string // a part of stderr
	}{
		{name: "route action", args: []string{"select", "--expression", "$request.body.action", "--body", chatBody}, stdout: "join\n"},
		{name: "interpolation", args: []string{"select", "--expression", "${request.body.service}/${request.body.action}", "--body", chatBody}, stdout: "chat/join\n"},
		{name: "invalid path is empty", args: []string{"select", "--expression", "${request.body.action}-${request.body.invalidPath}", "--body", chatBody}, stdout: "join-\n"},
		{name: "static", args: []string{"select", "--expression", "action", "--body", chatBody}, stdout: "action\n"},
		{name: "escaped default", args: []string{"select", "--expression", `\$default`}, stdout: "$default\n"},
		{name: "body from file", args: []string{"select", "--expression", "$request.body.service.do", "--body", "@" + bodyFile}, stdout: "echo\n"},
		{name: "body from stdin", stdin: `{"action":"leave"}`, args: []string{"select", "--expression", "$request.body.action", "--body", "@-"}, stdout: "leave\n"},
		{name: "not JSON goes to default route", args: []string{"select", "--expression", "$request.body.action", "--body", "hi"}, stdout: "not evaluable: the body is not JSON, so API Gateway would use the $default route\n"},
		{name: "no body goes to default route", args: []string{"select", "--expression", "$request.body.action"}, wantOut: "$default route"},
		{name: "template not JSON goes to default template", args: []string{"select", "--kind", "response-template", "--expression", "${request.body.messageId}", "--body", "x"}, wantOut: "the $default template"},
		{name: "response template by messageId", args: []string{"select", "--kind", "response-template", "--expression", "${request.body.messageId}", "--body", `{"messageId":1}`}, stdout: "1\n"},
		{name: "status code", args: []string{"select", "--kind", "response-template", "--expression", "${integration.response.statuscode}", "--status", "200"}, stdout: "200\n"},
		{name: "response header", args: []string{"select", "--kind", "response-template", "--expression", "${integration.response.multivalueheader.X}", "--response-header", "x=1", "--response-header", "X=2"}, stdout: "1,2\n"},
		{name: "request header", args: []string{"select", "--kind", "request-template", "--expression", "$request.header.Content-Type", "--header", "content-type=text/plain"}, stdout: "text/plain\n"},
		{name: "query context stage", args: []string{"select", "--kind", "request-template", "--expression", "${request.querystring.q}.${context.routeKey}.${stageVariables.env}", "--query", "q=1", "--context", "routeKey=join", "--stage-var", "env=dev"}, stdout: "1.join.dev\n"},
		{name: "api key", args: []string{"select", "--kind", "api-key", "--expression", "$request.header.x-api-key", "--header", "X-API-Key=abc"}, stdout: "abc\n"},
		{name: "explain", args: []string{"select", "--explain", "--expression", "${request.body['a b']}-x", "--body", `{"a b":"v"}`}, wantOut: "col 1: $request.body JSONPath ['a b'] -> gjson a b\ncol 23: static \"-x\"\nvalue: \"v-x\"\n"},

		{name: "malformed expression", args: []string{"select", "--expression", "${request.body.action", "--body", chatBody}, code: ExitError, wantErr: "invalid expression: col 1: unclosed '${'"},
		{name: "bad JSONPath has caret", args: []string{"select", "--expression", "$request.body.a..b"}, code: ExitError, wantErr: "col 16: JSONPath: recursive descent (..) is not supported\n  $request.body.a..b\n                 ^\n"},
		{name: "variable not allowed", args: []string{"select", "--expression", "$request.header.Auth"}, code: ExitError, wantErr: "not allowed in a route selection expression"},
		{name: "missing body file", args: []string{"select", "--expression", "x", "--body", "@" + filepath.Join(dir, "nope.json")}, code: ExitError, wantErr: "--body:"},
		{name: "missing expression", args: []string{"select", "--body", "{}"}, code: ExitUsage, wantErr: "--expression is required"},
		{name: "bad kind", args: []string{"select", "--kind", "nope", "--expression", "x"}, code: ExitUsage, wantErr: "unknown kind"},
		{name: "bad header", args: []string{"select", "--expression", "x", "--header", "novalue"}, code: ExitUsage, wantErr: "want NAME=VALUE"},
		{name: "extra argument", args: []string{"select", "--expression", "x", "extra"}, code: ExitUsage, wantErr: "unexpected argument"},
		{name: "unknown flag", args: []string{"select", "--nope"}, code: ExitUsage, wantErr: "flag provided but not defined"},
		{name: "help", args: []string{"select", "--help"}, wantOut: "Usage: wsworkbench select"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit code = %d, want %d (stdout %q, stderr %q)", code, tt.code, out, errs)
			}
			if tt.wantOut == "" && tt.code == ExitOK && out != tt.stdout {
				t.Errorf("stdout = %q, want %q", out, tt.stdout)
			}
			if tt.wantOut != "" && !strings.Contains(out, tt.wantOut) {
				t.Errorf("stdout = %q, want it to contain %q", out, tt.wantOut)
			}
			if tt.wantErr != "" && !strings.Contains(errs, tt.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", errs, tt.wantErr)
			}
		})
	}
}
