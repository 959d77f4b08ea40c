// Command gofn is a Lambda function built with aws-lambda-go, run by the
// localfn tests as a provided.al2023 custom runtime.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type event struct {
	Name string `json:"name"`
	Fail bool   `json:"fail"`
}

func handle(ctx context.Context, e event) (map[string]any, error) {
	lc, _ := lambdacontext.FromContext(ctx)
	fmt.Println("hello from go,", e.Name)
	if e.Fail {
		return nil, errors.New("go says no")
	}
	deadline, _ := ctx.Deadline()
	return map[string]any{
		"greeting":  "hello " + e.Name,
		"requestId": lc.AwsRequestID,
		"function":  lambdacontext.FunctionName,
		"region":    os.Getenv("AWS_REGION"),
		"deadline":  !deadline.IsZero(),
		"pid":       os.Getpid(),
	}, nil
}

func main() { lambda.Start(handle) }
