package workspace

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
)

// fanOut returns a serverless.yml whose custom.l{i} refers to l{i-1} width
// times, for levels levels, with l0 set to base; the API's description is
// the top level.
func fanOut(base string, width, levels int) string {
	var b strings.Builder
	b.WriteString("service: fanout\nprovider:\n  name: aws\n")
	b.WriteString("  websocketsDescription: ${self:custom.l" + strconv.Itoa(levels) + "}\ncustom:\n  l0: '" + base + "'\n")
	for i := 1; i <= levels; i++ {
		b.WriteString("  l" + strconv.Itoa(i) + ": " + strings.Repeat("${self:custom.l"+strconv.Itoa(i-1)+"}", width) + "\n")
	}
	b.WriteString("functions:\n  hello:\n    handler: h.hello\n    events:\n      - websocket: $default\n")
	return b.String()
}

// TestServerlessFanOut loads issue 9's hang: each level refers to the one
// below seven times, 7^10 lookups without memoising. The lookup budget
// (maxVarLookups) is far below that, so the file loads only because each
// ${self:...} is resolved once.
func TestServerlessFanOut(t *testing.T) {
	w, err := Load("testdata/fanout.serverless.yml")
	if err != nil {
		t.Fatal(err)
	}
	// l10 resolves to l0's empty string, so the Framework's default applies.
	if w.API.Description != slsDefaultDescription {
		t.Errorf("description = %q, want %q", w.API.Description, slsDefaultDescription)
	}

	// The work: one lookup per reference written in the file (7 per level).
	data := []byte(readFile(t, "testdata/fanout.serverless.yml"))
	doc, err := parseYAML("fanout.serverless.yml", data)
	if err != nil {
		t.Fatal(err)
	}
	s := newSLSImporter(context.Background(), newSource("fanout.serverless.yml", data), doc.Content[0])
	if _, err := s.build(); err != nil {
		t.Fatal(err)
	}
	if refs := strings.Count(string(data), "${"); s.vars.lookups > refs {
		t.Errorf("%d lookups for %d references", s.vars.lookups, refs)
	}
}

func TestServerlessVariableLimits(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"values that grow sevenfold per level", fanOut("x", 7, 10),
			"sls.yml:14:7: variables expand to more than 1048576 bytes"},
		{"too many variables", "service: s\nprovider:\n  name: aws\n  websocketsDescription: " + strings.Repeat("${self:custom.v}", maxVarLookups+1) + "\ncustom:\n  v: x\nfunctions:\n  f:\n    events:\n      - websocket: $default\n",
			"sls.yml:4:26: more than 100000 variables to resolve"},
		{"references too deep", deepChain(maxVarDepth + 2),
			"sls.yml:8:7: variables refer to variables more than 32 deep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("sls.yml", []byte(tt.src))
			var le *Error
			if !errors.As(err, &le) || le.Line == 0 || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("error = %v, want %s...", err, tt.want)
			}
		})
	}
}

// deepChain returns a serverless.yml whose description goes through n
// references, c{n} → c{n-1} → ... → c0.
func deepChain(n int) string {
	var b strings.Builder
	b.WriteString("service: s\nprovider:\n  name: aws\n  websocketsDescription: ${self:custom.c" + strconv.Itoa(n) + "}\ncustom:\n  c0: end\n")
	for i := 1; i <= n; i++ {
		b.WriteString("  c" + strconv.Itoa(i) + ": ${self:custom.c" + strconv.Itoa(i-1) + "}\n")
	}
	b.WriteString("functions:\n  f:\n    events:\n      - websocket: $default\n")
	return b.String()
}

func TestServerlessVariableChains(t *testing.T) {
	// Twenty references deep resolves (the old cap of 10 left it as written).
	w := mustParse(t, "sls.yml", deepChain(20))
	if w.API.Description != "end" {
		t.Errorf("description = %q, want end", w.API.Description)
	}
	// A cycle stays as written, as before.
	w = mustParse(t, "sls.yml", "service: s\nprovider:\n  name: aws\n  websocketsDescription: ${self:custom.a}\ncustom:\n  a: ${self:custom.b}\n  b: x${self:custom.a}\nfunctions:\n  f:\n    events:\n      - websocket: $default\n")
	if w.API.Description != "${self:custom.a}" {
		t.Errorf("description = %q, want the cycle as written", w.API.Description)
	}
}

func TestParseContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, name := range []string{"fanout.serverless.yml", "simple-chat.sam.yaml"} {
		_, err := LoadContext(ctx, "testdata/"+name)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: err = %v, want context.Canceled", name, err)
		}
	}
}

// cancelAfter is a context whose Err turns to Canceled after n calls, to
// cancel a load in the middle of its work.
type cancelAfter struct {
	context.Context
	n int
}

func (c *cancelAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

// TestParseContextCancelledMidway cancels once parsing is done: the
// variable resolver and the intrinsic evaluator notice within 1,024 steps.
func TestParseContextCancelledMidway(t *testing.T) {
	sls := "service: s\nprovider:\n  name: aws\n  websocketsDescription: " + strings.Repeat("${self:custom.v}", 5000) + "\ncustom:\n  v: x\nfunctions:\n  f:\n    events:\n      - websocket: $default\n"
	cfn := "Resources:\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties: {ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action, Name: !Join ['', [" + strings.Repeat("!Ref AWS::Region, ", 5000) + "x]]}\n"
	for name, src := range map[string]string{"serverless.yml": sls, "template.yaml": cfn} {
		if _, err := Parse(name, []byte(src)); err != nil {
			t.Fatalf("%s does not load: %v", name, err)
		}
		_, err := ParseContext(&cancelAfter{Context: context.Background(), n: 2}, name, []byte(src))
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: err = %v, want context.Canceled", name, err)
		}
	}
}
