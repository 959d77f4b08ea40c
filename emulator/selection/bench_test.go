package selection

import "testing"

var sink string

func BenchmarkEvalRoute(b *testing.B) {
	benchEval(b, "$request.body.action", chatBody)
}

func BenchmarkEvalRouteNested(b *testing.B) {
	benchEval(b, "$request.body.data.room", chatBody)
}

func BenchmarkEvalInterpolated(b *testing.B) {
	benchEval(b, "${request.body.service}/${request.body.action}", chatBody)
}

func BenchmarkEvalRouteNotJSON(b *testing.B) {
	benchEval(b, "$request.body.action", "My name is John, and this is not JSON at all")
}

// benchEval measures evaluating the route selection expression expr against
// a message body.
func benchEval(b *testing.B, expr, body string) {
	e := MustParse(expr, RouteSelection)
	raw := []byte(body)
	b.ReportAllocs()
	for b.Loop() {
		src := Source{Body: raw}
		v, _ := e.Eval(&src)
		sink = v
	}
}

func BenchmarkParseRoute(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		e, _ := Parse("${request.body.service}/${request.body.action}", RouteSelection)
		sink = e.String()
	}
}
