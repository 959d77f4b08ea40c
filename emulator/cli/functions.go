package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"wsworkbench/emulator/localfn"
	"wsworkbench/emulator/model"
	"wsworkbench/emulator/tlscert"
)

// localFunctions returns a runner for fns (see localfn.Start); reloads are
// reported on errw when logging. Each invocation's log reaches the event
// log with the event of the call (LambdaCall.Log).
func localFunctions(fns []model.Function, maxInstances int, cert *tlscert.Cert, dynamoEndpoint string, logging bool, errw io.Writer) (*localfn.Runner, error) {
	s := localfn.Setup{MaxInstances: maxInstances, DynamoEndpoint: dynamoEndpoint}
	if cert != nil {
		s.CertPath = cert.CertPath
	}
	if logging {
		s.OnReload = func(fn string) {
			fmt.Fprintf(errw, "%s function %s: code changed; its next invocation starts a new instance\n", time.Now().Format("15:04:05.000"), fn)
		}
	}
	return localfn.Start(fns, s)
}

// appendFunctionLog appends a local invocation's log, indented, to go under
// its event in the text log.
func appendFunctionLog(b []byte, log string) []byte {
	log = strings.TrimRight(log, "\n")
	for line := range strings.SplitAfterSeq(log, "\n") {
		b = append(b, "    "...)
		b = append(b, line...)
	}
	return append(b, '\n')
}
