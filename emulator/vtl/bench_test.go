package vtl

import (
	"bytes"
	"strings"
	"testing"

	"wsworkbench/emulator/jsonpath"
)

// seedTemplate is the request template of the MOCK integration in
// shared/fixtures/seeds/mock-integration.cfn.yaml.
const seedTemplate = `{"statusCode": 200, "messageId": $input.path('$.messageId')}`

func benchRender(b *testing.B, tmpl string, in *Input) {
	b.Helper()
	tp, err := Parse(tmpl)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := tp.Render(in); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := tp.Render(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderSeed(b *testing.B) {
	benchRender(b, seedTemplate, &Input{Body: []byte(`{"action":"message","messageId":1}`)})
}

func BenchmarkRenderToSeed(b *testing.B) {
	tp, err := Parse(seedTemplate)
	if err != nil {
		b.Fatal(err)
	}
	in := &Input{Body: []byte(`{"action":"message","messageId":1}`)}
	var buf bytes.Buffer
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		if err := tp.RenderTo(&buf, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderForeach renders the AWS documentation's pets example over
// a JSON array of 50 objects.
func BenchmarkRenderForeach(b *testing.B) {
	var body strings.Builder
	body.WriteString("[")
	for i := 0; i < 50; i++ {
		if i > 0 {
			body.WriteString(",")
		}
		body.WriteString(`{"id": 1, "type": "dog", "price": 249.99}`)
	}
	body.WriteString("]")
	tmpl := `#set($inputRoot = $input.path('$'))
[
#foreach($elem in $inputRoot)
  {
    "description" : "Item $elem.id is a $elem.type.",
    "askingPrice" : $elem.price
  }#if($foreach.hasNext),#end

#end
]`
	benchRender(b, tmpl, &Input{Body: []byte(body.String())})
}

// BenchmarkRenderContext renders a template that reads several $context
// variables, as a $connect request template would.
func BenchmarkRenderContext(b *testing.B) {
	tmpl := `{
  "connectionId": "$context.connectionId",
  "routeKey": "$context.routeKey",
  "sourceIp": "$context.identity.sourceIp",
  "principal": "$context.authorizer.principalId",
  "stage": "$context.stage",
  "at": $context.connectedAt,
  "key": "$input.params('x-api-key')"
}`
	in := &Input{
		Context: map[string]any{
			"connectionId": "R1kmxc2VNjMCFIA=", "routeKey": "$connect", "stage": "production",
			"connectedAt": int64(1700000000000),
			"identity":    map[string]any{"sourceIp": "203.0.113.7"},
			"authorizer":  map[string]any{"principalId": "user-1"},
		},
		Params: map[string]map[string]string{"header": {"X-Api-Key": "k1"}},
	}
	benchRender(b, tmpl, in)
}

// methodsTemplate calls String, List and Map methods, as templates that
// reshape a message do.
const methodsTemplate = `#set($s = $input.path('$.action'))#set($l = $input.path('$.tags'))#set($m = {})
$s.length() $s.toUpperCase() $s.substring(1, 3) $s.indexOf("s") $s.startsWith("me") $s.replace("e", "E") $s.equals("message")
$l.size() $l.get(0) $l.contains("b") $l.isEmpty() $m.put("k", $s) $m.get("k") $m.containsKey("x") $m.size() $m.isEmpty()`

// BenchmarkRenderMethods measures method calls: the String, List and Map
// method tables.
func BenchmarkRenderMethods(b *testing.B) {
	benchRender(b, methodsTemplate, &Input{Body: []byte(`{"action":"message","tags":["a","b"]}`)})
}

func BenchmarkParseSeed(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Parse(seedTemplate); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderToSeedSharedDoc is BenchmarkRenderToSeed with the body
// parsed by the caller (the gateway's route selection has parsed it).
func BenchmarkRenderToSeedSharedDoc(b *testing.B) {
	tp, err := Parse(seedTemplate)
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(`{"action":"message","messageId":1}`)
	var doc jsonpath.Doc
	doc.Parse(string(body))
	in := &Input{Body: body, Doc: &doc}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := tp.RenderTo(&buf, in); err != nil {
			b.Fatal(err)
		}
	}
}
