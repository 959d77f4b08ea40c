package selection

import "testing"

var sink string

func BenchmarkEvalRoute(b *testing.B) {
	e := MustParse("$request.body.action", RouteSelection)
	body := []byte(chatBody)
	b.ReportAllocs()
	for b.Loop() {
		src := Source{Body: body}
		v, _ := e.Eval(&src)
		sink = v
	}
}

func BenchmarkEvalRouteNested(b *testing.B) {
	e := MustParse("$request.body.data.room", RouteSelection)
	body := []byte(chatBody)
	b.ReportAllocs()
	for b.Loop() {
		src := Source{Body: body}
		v, _ := e.Eval(&src)
		sink = v
	}
}

func BenchmarkEvalInterpolated(b *testing.B) {
	e := MustParse("${request.body.service}/${request.body.action}", RouteSelection)
	body := []byte(chatBody)
	b.ReportAllocs()
	for b.Loop() {
		src := Source{Body: body}
		v, _ := e.Eval(&src)
		sink = v
	}
}

func BenchmarkEvalRouteNotJSON(b *testing.B) {
	e := MustParse("$request.body.action", RouteSelection)
	body := []byte("My name is John, and this is not JSON at all")
	b.ReportAllocs()
	for b.Loop() {
		src := Source{Body: body}
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
