package workspace

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func benchData(b *testing.B, name string) []byte {
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func BenchmarkParse(b *testing.B) {
	for _, name := range seedFiles {
		data := benchData(b, name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(name, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMarshal measures a save after an edit, including the check that
// the output loads back.
func BenchmarkMarshal(b *testing.B) {
	for _, name := range seedFiles {
		w, err := Parse(name, benchData(b, name))
		if err != nil {
			b.Fatal(err)
		}
		w.API.Routes[0].OperationName = "Edited"
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := w.Marshal(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLoadFanOut loads issue 9's fan-out serverless.yml (7^10 lookups
// when each ${self:...} is expanded every time it is used).
func BenchmarkLoadFanOut(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load("testdata/fanout.serverless.yml"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseMaxSize parses a template just under MaxFileSize (the API
// and a few thousand resources of another type): the memory a file at the
// cap costs.
func BenchmarkParseMaxSize(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("Resources:\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties: {ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}\n")
	for i := 0; sb.Len() < MaxFileSize-400; i++ {
		fmt.Fprintf(&sb, "  Topic%d:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Sub '${AWS::StackName}-topic-%d'\n      Tags: [{Key: team, Value: chat}]\n", i, i)
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("big.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}
