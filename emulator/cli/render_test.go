package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func renderCLI(stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = Run(append([]string{"render"}, args...), Stdio{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRender(t *testing.T) {
	dir := t.TempDir()
	seed := writeFile(t, dir, "seed.vtl", `{"statusCode": 200, "messageId": $input.path('$.messageId')}`)
	params := writeFile(t, dir, "params.vtl", "$input.params('id') $input.params('q') $input.params('x-trace') $input.params().header.get('X-TRACE')")
	ctx := writeFile(t, dir, "ctx.vtl", "$context.identity.sourceIp $context.authorizer.principalId $context.authorizer.n $context.stage $stageVariables.env")
	loop := writeFile(t, dir, "loop.vtl", "#foreach($i in [1..5])$i#end")
	badSyntax := writeFile(t, dir, "bad.vtl", "line one\n  #if($x\n")
	badBody := writeFile(t, dir, "body.vtl", "ok\n$input.json('$')")
	bodyFile := writeFile(t, dir, "msg.json", `{"messageId": 7}`)

	tests := []struct {
		name    string
		stdin   string
		args    []string
		code    int
		stdout  string // exact
		wantErr string // a part of stderr ("" means stderr must be empty)
	}{
		{name: "seed", args: []string{"--body", `{"action":"message","messageId":1}`, seed}, stdout: `{"statusCode": 200, "messageId": 1}`},
		{name: "body from a file", args: []string{"--body", "@" + bodyFile, seed}, stdout: `{"statusCode": 200, "messageId": 7}`},
		{name: "body from stdin", stdin: `{"messageId": 3}`, args: []string{"--body", "@-", seed}, stdout: `{"statusCode": 200, "messageId": 3}`},
		{name: "template from stdin", stdin: "[$input.body]", args: []string{"--body", "hi", "-"}, stdout: "[hi]"},
		{name: "no body reads as {}", args: []string{seed}, stdout: `{"statusCode": 200, "messageId": }`},
		{name: "params", args: []string{"--path", "id=42", "--query", "q=x y", "--header", "X-Trace=t1", params}, stdout: "42 x y t1 t1"},
		{name: "context and stage variables", args: []string{"--context", "identity.sourceIp=1.2.3.4", "--context", "authorizer.principalId=me",
			"--context", "authorizer.n=1", "--context", "stage=dev", "--stage-var", "env=test", ctx}, stdout: "1.2.3.4 me 1 dev test"},
		{name: "typed context values", stdin: "#set($x = $context.n + 1)$x $context.b", args: []string{"--context", "n=41", "--context", "b=true", "-"}, stdout: "42 true"},
		{name: "foreach limit", args: []string{"--max-foreach", "3", loop}, code: 1, wantErr: loop + ":1:1: #foreach over 5 items: API Gateway allows at most 3 iterations"},
		{name: "foreach truncated", args: []string{"--max-foreach", "3", "--truncate-foreach", loop}, stdout: "123"},
		{name: "syntax error", args: []string{badSyntax}, code: 1, wantErr: badSyntax + ":2:9: expected ')' to close #if started at 2:3\n"},
		{name: "syntax error on stdin", stdin: "#end", args: []string{"-"}, code: 1, wantErr: "<stdin>:1:1: #end without a matching #if or #foreach\n"},
		{name: "render error", args: []string{"--body", `{"broken`, badBody}, code: 1, wantErr: badBody + ":2:7: could not process payload"},
		{name: "missing template file", args: []string{filepath.Join(dir, "nope.vtl")}, code: 1, wantErr: "no such file"},
		{name: "missing body file", args: []string{"--body", "@" + filepath.Join(dir, "nope.json"), seed}, code: 1, wantErr: "--body"},
		{name: "no template", args: nil, code: 2, wantErr: "a template file (or - for stdin) is required"},
		{name: "two templates", args: []string{seed, seed}, code: 2, wantErr: "unexpected argument"},
		{name: "context without value", args: []string{"--context", "stage", seed}, code: 2, wantErr: `--context "stage": want NAME=VALUE`},
		{name: "context value then group", args: []string{"--context", "foo=x", "--context", "foo.bar=1", seed}, code: 2, wantErr: "foo is a value, not a group of values"},
		{name: "context group then value", args: []string{"--context", "identity=x", seed}, code: 2, wantErr: "identity is a group of values"},
		{name: "context empty part", args: []string{"--context", "a..b=1", seed}, code: 2, wantErr: "empty name part"},
		{name: "header without value", args: []string{"--header", "X", seed}, code: 2, wantErr: `--header "X": want NAME=VALUE`},
		{name: "both from stdin", args: []string{"--body", "@-", "-"}, code: 2, wantErr: "cannot both come from stdin"},
		{name: "unknown flag", args: []string{"--nope", seed}, code: 2, wantErr: "flag provided but not defined"},
		{name: "zero foreach limit", args: []string{"--max-foreach", "0", seed}, code: 2, wantErr: "must be at least 1"},
		{name: "output limit", args: []string{"--max-output", "10", seed}, code: 1, wantErr: seed + ":1:1: output is larger than 10 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := renderCLI(tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			if out != tt.stdout {
				t.Errorf("stdout %q, want %q", out, tt.stdout)
			}
			if tt.wantErr == "" && errOut != "" {
				t.Errorf("stderr %q, want none", errOut)
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr %q, want it to contain %q", errOut, tt.wantErr)
			}
		})
	}
}

func TestRenderDefaultContext(t *testing.T) {
	tmpl := "$context.connectionId|$context.messageId|$context.requestId|$context.extendedRequestId|$context.apiId|" +
		"$context.domainName|$context.stage|$context.routeKey|$context.eventType|$context.connectedAt|" +
		"$context.requestTimeEpoch|$context.requestTime|$context.identity.sourceIp|$context.identity.userAgent"
	code, out, errOut := renderCLI(tmpl, "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	id := `[A-Za-z0-9_-]{15}=`
	re := regexp.MustCompile(`^(` + id + `)\|` + id + `\|(` + id + `)\|(` + id + `)\|([a-z0-9]{10})\|` +
		`([a-z0-9]{10})\.execute-api\.us-east-1\.amazonaws\.com\|production\|\$default\|MESSAGE\|(\d{13})\|(\d{13})\|` +
		`\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000\|127\.0\.0\.1\|wsworkbench$`)
	m := re.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("default context %q does not look like API Gateway's", out)
	}
	if m[2] != m[3] {
		t.Errorf("requestId %s and extendedRequestId %s differ", m[2], m[3])
	}
	if m[4] != m[5] {
		t.Errorf("apiId %s is not the start of domainName %s", m[4], m[5])
	}
	if m[6] != m[7] {
		t.Errorf("connectedAt %s and requestTimeEpoch %s differ", m[6], m[7])
	}
	// Each run makes new IDs.
	_, out2, _ := renderCLI("$context.connectionId", "-")
	if out2 == m[1] {
		t.Errorf("two runs made the same connectionId %s", out2)
	}
	// An override replaces the generated value.
	_, out3, _ := renderCLI("$context.connectionId", "--context", "connectionId=abc", "-")
	if out3 != "abc" {
		t.Errorf("override: %q", out3)
	}
}

func TestRenderHelp(t *testing.T) {
	code, out, _ := renderCLI("", "--help")
	if code != 0 {
		t.Fatalf("--help exit %d", code)
	}
	for _, want := range []string{"Usage: wsworkbench render [flags] TEMPLATE_FILE|-", "--body", "connectionId", "identity.sourceIp=127.0.0.1", "stage=production"} {
		if !strings.Contains(out, strings.TrimPrefix(want, "-")) {
			t.Errorf("help lacks %q:\n%s", want, out)
		}
	}
	if !IsCommand([]string{"render"}) {
		t.Error("render is not registered")
	}
}
