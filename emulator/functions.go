package emulator

import (
	"context"

	"wsworkbench/emulator/authorizer"
)

// Functions runs Lambda functions whose code is on this machine (package
// localfn's Runner implements it). When Options.Functions is set and the
// workspace names no Lambda endpoint, a Lambda integration or authorizer
// whose function Has local code calls Invoke instead of the Invoke API;
// every other function is called at DefaultLambdaEndpoint as before.
type Functions interface {
	// Has reports whether function has local code.
	Has(function string) bool
	// Invoke runs function as the Invoke API would (see lambda.Client's
	// Invoke) and also returns the invocation's log.
	Invoke(ctx context.Context, function string, payload []byte) (result []byte, functionError, log string, err error)
}

// localInvoker adapts Functions to the authorizer's Invoker; the
// invocation's log goes to call when it is not nil.
type localInvoker struct {
	fns  Functions
	call *LambdaCall
}

var _ authorizer.Invoker = localInvoker{}

func (l localInvoker) Invoke(ctx context.Context, function string, payload []byte) ([]byte, string, error) {
	res, fnErr, log, err := l.fns.Invoke(ctx, function, payload)
	if l.call != nil {
		l.call.Log = log
	}
	return res, fnErr, err
}
