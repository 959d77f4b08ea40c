package scenario

import (
	"bytes"
	"strings"
	"testing"
)

const minimal = `# leading comment
name: demo # trailing comment
clients:
  alice: {path: /x, headers: {X-A: "1"}, query: {q: v}, subprotocols: [chat]}
steps:
  - connect: alice
  - send: alice
    json: {action: message, messageId: 1}
  - expect: alice
    description: the answer
    json: {message: Hello World}
    capture: {m: $.message}
  - post: ${connectionId.alice}
    text: hi ${m}
  - wait: 10ms
  - close: alice
    code: 4000
    reason: bye
  - expectClose: alice
    code: 4000
`

func TestParseReadsEveryField(t *testing.T) {
	sc, err := Parse("demo.yaml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "demo" || len(sc.Steps) != 7 || len(sc.Clients) != 1 {
		t.Fatalf("got name %q, %d steps, %d clients", sc.Name, len(sc.Steps), len(sc.Clients))
	}
	c := sc.Clients[0]
	if c.Path != "/x" || c.Headers["X-A"] != "1" || c.Query["q"] != "v" || len(c.Subprotocols) != 1 {
		t.Errorf("client spec %+v", c)
	}
	send := sc.Steps[1]
	if !send.BodyJSON || send.Body != `{"action":"message","messageId":1}` {
		t.Errorf("send body %q (json %v): want the file's key order, compact", send.Body, send.BodyJSON)
	}
	exp := sc.Steps[2]
	if exp.Description != "the answer" || len(exp.Frames) != 1 || exp.Frames[0].Kind != MatchJSON || len(exp.Captures) != 1 {
		t.Errorf("expect step %+v", exp)
	}
	if exp.Pos != (Pos{9, 5}) {
		t.Errorf("expect at %v, want 9:5", exp.Pos)
	}
	if sc.Steps[3].Target != "${connectionId.alice}" || sc.Steps[3].Body != "hi ${m}" {
		t.Errorf("post step %+v", sc.Steps[3])
	}
	if sc.Steps[5].Code != 4000 || sc.Steps[5].Reason != "bye" || sc.Steps[6].Code != 4000 {
		t.Errorf("close steps %+v %+v", sc.Steps[5], sc.Steps[6])
	}
}

func TestEncodeKeepsCommentsAndDescriptions(t *testing.T) {
	sc, err := Parse("demo.yaml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := sc.Encode(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# leading comment", "# trailing comment", "description: the answer"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("saved file lost %q:\n%s", want, b.String())
		}
	}
	again, err := Parse("demo.yaml", b.Bytes())
	if err != nil {
		t.Fatalf("saved file does not load: %v\n%s", err, b.String())
	}
	if len(again.Steps) != len(sc.Steps) || again.Steps[1].Body != sc.Steps[1].Body {
		t.Errorf("round trip changed the steps")
	}
}

// TestParseErrorsNamePlace: every malformed file names file:line:col and
// what is wrong.
func TestParseErrorsNamePlace(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"empty", "", "f.yaml: the file is empty"},
		{"not a mapping", "- a\n", "f.yaml:1:1: a scenario must be a mapping"},
		{"no steps", "name: x\n", "f.yaml:1:1: a scenario needs steps"},
		{"yaml syntax", "steps: [\n", "f.yaml:1:1: did not find expected node content"},
		{"unknown top key", "stepz: []\n", `f.yaml:1:1: unknown key "stepz"`},
		{"duplicate key", "name: a\nname: b\nsteps: []\n", `f.yaml:2:1: a scenario: "name" is given twice (first at line 1)`},
		{"two documents", "steps: []\n---\nsteps: []\n", "f.yaml:2:1: a second YAML document"},
		{"NUL byte", "steps: []\x00\n", "f.yaml:1:10: the file holds a NUL byte"},
		{"unknown step", "steps:\n  - jump: a\n", "f.yaml:2:5: a step starts with one of connect"},
		{"two kinds", "steps:\n  - send: a\n    connect: b\n", `f.yaml:3:5: a step does one thing`},
		{"unknown field", "steps:\n  - send: a\n    text: x\n    code: 1\n", `f.yaml:4:5: send: unknown key "code"`},
		{"send without body", "steps:\n  - send: a\n", "f.yaml:2:5: send needs text or json"},
		{"text and json", "steps:\n  - send: a\n    text: x\n    json: {}\n", "f.yaml:4:5: send: give text or json, not both"},
		{"expect without matcher", "steps:\n  - expect: a\n    timeout: 1s\n", "f.yaml:2:5: expect needs a matcher"},
		{"bad regex", "steps:\n  - expect: a\n    regex: '('\n", "f.yaml:3:12: regex: error parsing regexp"},
		{"bad duration", "steps:\n  - wait: soon\n", `f.yaml:2:11: wait: "soon" is not a duration`},
		{"bad status", "steps:\n  - connect: a\n    status: 99\n", "f.yaml:3:13: status must be between 100 and 599"},
		{"bad close code", "steps:\n  - close: a\n    code: 999\n", "f.yaml:3:11: code must be between 1000 and 4999"},
		{"unclosed var", "steps:\n  - send: a\n    text: 'hi ${x'\n", "f.yaml:3:11: \"hi ${x\": ${ is not closed by }"},
		{"bad var name", "steps:\n  - send: a\n    text: '${}'\n", "f.yaml:3:11: \"${}\": ${} is not a variable name"},
		{"bad client name", "steps:\n  - send: 'a b'\n    text: x\n", `f.yaml:2:11: send: "a b" is not a client name`},
		{"bad capture path", "steps:\n  - expect: a\n    any: true\n    capture: {x: nope}\n", `f.yaml:4:18: capture x: "nope" is not a JSONPath`},
		{"capture connectionId", "steps:\n  - expect: a\n    any: true\n    capture: {connectionId.b: $.x}\n", "f.yaml:4:15: capture: \"connectionId.b\" is not a variable name"},
		{"any false", "steps:\n  - expect: a\n    any: false\n", "f.yaml:3:10: any takes the value true"},
		{"frames not list", "steps:\n  - expect: a\n    frames: {text: x}\n", "f.yaml:3:13: frames must be a list"},
		{"frame two matchers", "steps:\n  - expect: a\n    frames:\n      - {text: x, any: true}\n", "f.yaml:4:9: a frame is one matcher"},
		{"post without target", "steps:\n  - post: ''\n    text: x\n", "f.yaml:2:11: post needs a connection ID"},
		{"reason too long", "steps:\n  - close: a\n    reason: " + strings.Repeat("x", 124) + "\n", "f.yaml:3:13: reason is 124 bytes"},
		{"json number", "steps:\n  - send: a\n    json: {a: .inf}\n", `f.yaml:3:15: json: ".inf" is not a JSON number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(tt.src))
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %q\nwant prefix %q", err, tt.want)
			}
		})
	}
}

func TestParseRefusesHugeFile(t *testing.T) {
	_, err := Parse("big.yaml", bytes.Repeat([]byte("#"), MaxFileSize+1))
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("err = %v", err)
	}
}

func TestQuotedJSONIsTakenAsJSON(t *testing.T) {
	sc, err := Parse("f.yaml", []byte("steps:\n  - send: a\n    json: '{\"b\": 1, \"a\": [true, null]}'\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := sc.Steps[0].Body; got != `{"b":1,"a":[true,null]}` {
		t.Errorf("body %q", got)
	}
}
