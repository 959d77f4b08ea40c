package lambda

import "testing"

func TestFunctionName(t *testing.T) {
	tests := []struct {
		name, uri, want string
		bad             bool
	}{
		{name: "SAM Fn::Sub with logical ID", uri: "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${OnConnectFunction.Arn}/invocations", want: "OnConnectFunction"},
		{name: "resolved region", uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${SendMessageFunction.Arn}/invocations", want: "SendMessageFunction"},
		{name: "function ARN inside", uri: "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:chat-send/invocations", want: "chat-send"},
		{name: "function ARN with alias inside", uri: "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:chat-send:live/invocations", want: "chat-send"},
		{name: "function ARN with pseudo parameters", uri: "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:connect", want: "connect"},
		{name: "Sub reference inside ARN", uri: "arn:aws:lambda:us-east-1:1:function:${ConnectLambdaFunction}", want: "ConnectLambdaFunction"},
		{name: "bare function ARN", uri: "arn:aws-cn:lambda:cn-north-1:123456789012:function:my_func", want: "my_func"},
		{name: "reference", uri: "${AuthorizerFunction.Arn}", want: "AuthorizerFunction"},
		{name: "plain reference", uri: "${AuthorizerFunction}", want: "AuthorizerFunction"},
		{name: "GetAtt spelling", uri: "SendMessageFunction.Arn", want: "SendMessageFunction"},
		{name: "bare name", uri: "sendMessage", want: "sendMessage"},
		{name: "function: prefix", uri: "function:sendMessage:3", want: "sendMessage"},
		{name: "spaces trimmed", uri: "  connect ", want: "connect"},
		{name: "empty", uri: "", bad: true},
		{name: "http URL", uri: "http://127.0.0.1:9000/x", bad: true},
		{name: "not lambda ARN", uri: "arn:aws:sqs:us-east-1:1:queue", bad: true},
		{name: "no invocations suffix", uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/x", bad: true},
		{name: "no function in path", uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions//invocations", bad: true},
		{name: "bad characters", uri: "my function", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FunctionName(tt.uri)
			if tt.bad {
				if err == nil {
					t.Fatalf("FunctionName(%q) = %q, want an error", tt.uri, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("FunctionName(%q) = %q, %v; want %q", tt.uri, got, err, tt.want)
			}
		})
	}
}

func FuzzFunctionName(f *testing.F) {
	for _, s := range []string{
		"arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${OnConnectFunction.Arn}/invocations",
		"arn:aws:lambda:us-east-1:1:function:x:y", "${X}", "x.Arn", "function:a", "",
		"arn:aws:apigateway:r:lambda:path/2015-03-31/functions/arn:aws:apigateway:r:lambda:path/2015-03-31/functions/f/invocations/invocations",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		name, err := FunctionName(uri)
		if err == nil && !namePattern.MatchString(name) && !refPattern.MatchString("${"+name+"}") {
			t.Fatalf("FunctionName(%q) = %q, not a valid name", uri, name)
		}
	})
}
