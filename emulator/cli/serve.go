package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"wsworkbench/assets"
	"wsworkbench/emulator"
	"wsworkbench/emulator/dynamo"
	"wsworkbench/emulator/lambda"
	"wsworkbench/emulator/localfn"
	"wsworkbench/emulator/model"
	"wsworkbench/emulator/tlscert"
	"wsworkbench/emulator/workspace"
)

// DefaultServeAddr is where serve listens unless told otherwise. 8080
// rather than 3001, which sam local start-lambda, serverless-offline and the
// chat sample backend use.
const DefaultServeAddr = "127.0.0.1:8080"

func init() {
	register(command{
		name:    "serve",
		usage:   "[flags] FILE|sample",
		summary: "run the gateway for FILE without the window (FILE may be the word sample)",
		run:     runServe,
	})
}

// serveShutdownTimeout bounds the close of every connection (and their
// $disconnect routes) at exit; a second SIGINT or SIGTERM ends serve at
// once. Messages in flight are stopped at the first signal: nobody could
// get their answers.
const serveShutdownTimeout = 5 * time.Second

// runServe loads FILE, serves it until SIGINT or SIGTERM, and logs what the
// gateway does. Its first two lines on stdout are stable, for scripts:
//
//	WebSocket: ws://127.0.0.1:8080/production
//	@connections: http://127.0.0.1:8080/production/@connections
func runServe(args []string, stdio Stdio) int {
	fs := newFlags("serve", stdio)
	listen := fs.String("listen", DefaultServeAddr, "the address to listen on (host:port; port 0 picks a free one)")
	logFormat := fs.String("log", "text", "how to log what happens: text (one readable line per event), json (one JSON object per line) or none")
	timeScale := fs.Float64("time-scale", 0, "divide every timeout by N: 60 makes the 10-minute idle timeout 10 s (0 keeps the file's setting)")
	lambdaEndpoint := fs.String("lambda-endpoint", "", "the Lambda Invoke API endpoint for Lambda integrations, e.g. http://127.0.0.1:3001 (overrides the file's setting)")
	lambdaMode := fs.String("lambda-mode", "", "how to call the Lambda endpoint: auto, concurrent, or serial (one call at a time, queued: the Runtime Interface Emulator) (overrides the file's setting)")
	domainName := fs.String("domain-name", "", "the host[:port] backends reach the gateway by, as requestContext.domainName (default: the gateway's own address), e.g. host.docker.internal:8080")
	useTLS := fs.Bool("tls", false, "serve wss:// and https:// with the workbench's self-signed certificate for 127.0.0.1 and localhost")
	dynamoEndpoint := fs.String("dynamodb-endpoint", "", "a DynamoDB-compatible server (DynamoDB Local, dynalite, LocalStack), e.g. http://127.0.0.1:8000: the file's missing tables are created there and local functions get AWS_ENDPOINT_URL_DYNAMODB")
	instances := fs.Int("lambda-instances", localfn.DefaultMaxInstances, "how many instances of each local function may run at once (a function's ReservedConcurrentExecutions, when lower, wins)")
	faults := addFaultFlags(fs)
	flagUsage := fs.Usage
	fs.Usage = func() {
		flagUsage()
		fmt.Fprint(fs.Output(), serveHelp)
	}
	if code, done := parseFlags(fs, args, stdio); done {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stdio.Err, "wsworkbench serve: give one FILE (a CloudFormation or SAM template, a serverless.yml, or the word sample)")
		return ExitUsage
	}
	switch *logFormat {
	case "text", "json", "none":
	default:
		fmt.Fprintf(stdio.Err, "wsworkbench serve: --log %q: want text, json or none\n", *logFormat)
		return ExitUsage
	}
	if *dynamoEndpoint != "" {
		if err := dynamo.CheckEndpoint(*dynamoEndpoint); err != nil {
			fmt.Fprintf(stdio.Err, "wsworkbench serve: --dynamodb-endpoint: %v\n", err)
			return ExitUsage
		}
	}
	if *instances < 1 {
		fmt.Fprintln(stdio.Err, "wsworkbench serve: --lambda-instances must be at least 1")
		return ExitUsage
	}
	if *timeScale < 0 {
		fmt.Fprintln(stdio.Err, "wsworkbench serve: --time-scale must not be negative")
		return ExitUsage
	}
	if strings.ContainsAny(*domainName, "/?#@ \t\r\n") {
		fmt.Fprintf(stdio.Err, "wsworkbench serve: --domain-name %q: want host or host:port, as backends put it in https://{domainName}/{stage}\n", *domainName)
		return ExitUsage
	}

	if *lambdaMode != "" {
		if _, err := lambda.ParseMode(*lambdaMode); err != nil {
			fmt.Fprintf(stdio.Err, "wsworkbench serve: --lambda-mode: %v\n", err)
			return ExitUsage
		}
	}

	file := fs.Arg(0)
	ws, err := loadWorkspace(file)
	if err != nil {
		fmt.Fprintln(stdio.Err, err)
		return ExitError
	}
	for _, w := range ws.Warnings {
		fmt.Fprintln(stdio.Err, "warning:", w)
	}
	api := ws.API.Clone()
	if err := faults.apply(api); err != nil {
		fmt.Fprintf(stdio.Err, "wsworkbench serve: %v\n", err)
		return ExitUsage
	}
	if line := describeFaults(api.Settings.Faults); line != "" {
		fmt.Fprintln(stdio.Err, line)
	}
	if *timeScale > 0 {
		api.Settings.TimeScale = *timeScale
	}
	if *lambdaEndpoint != "" {
		api.Settings.LambdaEndpoint = *lambdaEndpoint
	}
	if *lambdaMode != "" {
		api.Settings.LambdaMode = *lambdaMode
	}
	opts := emulator.Options{Addr: *listen, DomainName: *domainName}
	var cert *tlscert.Cert
	if *useTLS {
		if cert, err = ensureCert(); err != nil {
			fmt.Fprintf(stdio.Err, "wsworkbench serve: --tls: %v\n", err)
			return ExitError
		}
		opts.TLS = cert.ServerConfig()
		fmt.Fprintf(stdio.Err, "certificate: %s\n", cert.CertPath)
	}
	// With no Lambda endpoint, the functions whose code the file has run
	// here (see package localfn).
	runLocal := file != "sample" && usesLambda(api) && strings.TrimSpace(api.Settings.LambdaEndpoint) == ""
	var local []model.Function
	if runLocal || *dynamoEndpoint != "" {
		if file == "sample" {
			fmt.Fprintln(stdio.Err, "wsworkbench serve: --dynamodb-endpoint: the sample declares no tables")
			return ExitUsage
		}
		code, err := workspace.LoadLocal(file)
		if err != nil {
			fmt.Fprintln(stdio.Err, err)
			return ExitError
		}
		for _, w := range code.Warnings {
			fmt.Fprintln(stdio.Err, "warning:", w)
		}
		for _, m := range code.DropMissing() {
			fmt.Fprintln(stdio.Err, "Lambda:", m)
		}
		if *dynamoEndpoint != "" {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			err := ensureTables(ctx, *dynamoEndpoint, code.Tables, stdio.Err)
			cancel()
			if err != nil {
				fmt.Fprintf(stdio.Err, "wsworkbench serve: --dynamodb-endpoint: %v\n", err)
				return ExitError
			}
		}
		if runLocal && len(code.Functions) > 0 {
			runner, err := localFunctions(code.Functions, *instances, cert, *dynamoEndpoint, *logFormat != "none", stdio.Err)
			if err != nil {
				fmt.Fprintf(stdio.Err, "wsworkbench serve: local functions: %v\n", err)
				return ExitError
			}
			defer runner.Close()
			opts.Functions = runner
			local = code.Functions
		}
	}
	if usesLambda(api) {
		for _, fn := range local {
			where := fn.CodeDir
			if fn.InlineCode != "" {
				where = "inline code"
			}
			fmt.Fprintf(stdio.Err, "Lambda: %s (%s, %s) runs here from %s\n", fn.Name, fn.Runtime, fn.Handler, where)
		}
		endpoint := api.Settings.LambdaEndpoint
		if endpoint == "" {
			endpoint = emulator.DefaultLambdaEndpoint
		}
		mode := api.Settings.LambdaMode
		if mode == "" {
			mode = "auto"
		}
		if len(local) > 0 {
			fmt.Fprintf(stdio.Err, "Lambda: other functions: %s (calls: %s)\n", endpoint, mode)
		} else {
			fmt.Fprintf(stdio.Err, "Lambda: %s (calls: %s)\n", endpoint, mode)
		}
		if len(local) > 0 && cert == nil {
			fmt.Fprintln(stdio.Err, "Lambda: functions that post back with an AWS SDK build https://{domainName}/{stage}: serve with --tls so those calls reach the gateway")
		}
	}
	g, err := emulator.New(api, opts)
	if err != nil {
		name := file
		if file == "sample" {
			name = assets.SampleName
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(stdio.Err, "%s: %s\n", name, line)
		}
		return ExitError
	}
	// With --log none nobody subscribes, so the gateway builds no events.
	var sub *emulator.Subscription
	if *logFormat != "none" {
		sub = g.Subscribe(4096)
	}
	if err := g.Open(); err != nil {
		fmt.Fprintf(stdio.Err, "wsworkbench serve: %v\n", err)
		_ = g.Close(context.Background())
		return ExitError
	}
	ctx, stop := stopContext()
	defer stop()

	fmt.Fprintf(stdio.Out, "WebSocket: %s\n", g.URL())
	fmt.Fprintf(stdio.Out, "@connections: %s\n", g.ConnectionsURL())
	ifaces, _ := net.InterfaceAddrs()
	if w := networkWarning(g.Addr(), g.URL(), ifaces); w != "" {
		fmt.Fprintln(stdio.Err, w)
	}

	var logged sync.WaitGroup
	if sub != nil {
		logged.Add(1)
		go func() {
			defer logged.Done()
			logEvents(sub, *logFormat, stdio.Out)
		}()
	}

	<-ctx.Done()
	stop() // a second signal now ends the process at once
	fmt.Fprintln(stdio.Err, "shutting down: closing connections (1001 Going away) and running $disconnect (signal again to quit at once)")
	sctx, cancel := context.WithTimeout(context.Background(), serveShutdownTimeout)
	defer cancel()
	closeErr := g.Close(sctx)
	logged.Wait()
	if n := dropped(sub); n > 0 {
		fmt.Fprintf(stdio.Err, "%d events were not logged: the log could not keep up\n", n)
	}
	if closeErr != nil {
		// serve was asked to stop and has stopped: what was cut off is
		// worth a line, not a failure.
		fmt.Fprintf(stdio.Err, "wsworkbench serve: shutdown after %v: %v\n", serveShutdownTimeout, closeErr)
	}
	return ExitOK
}

// loadWorkspace loads FILE, or the built-in sample for the word "sample".
func loadWorkspace(file string) (*workspace.Workspace, error) {
	if file == "sample" {
		return workspace.Parse(assets.SampleName, assets.SampleAPI)
	}
	ws, err := workspace.Load(file)
	if err != nil {
		var we *workspace.Error
		if errors.As(err, &we) {
			return nil, err // already "file:line:col: message"
		}
		return nil, fmt.Errorf("wsworkbench serve: %w", err)
	}
	return ws, nil
}

// usesLambda reports whether any integration or authorizer calls Lambda.
func usesLambda(api *model.API) bool {
	for _, in := range api.Integrations {
		if in.Type == model.TypeAWSProxy || in.Type == model.TypeAWS {
			return true
		}
	}
	return len(api.Authorizers) > 0 && !api.Settings.MockAuthorizer.Enabled
}

// ensureCert returns the workbench's TLS certificate, making it on first use.
func ensureCert() (*tlscert.Cert, error) {
	dir, err := tlscert.DefaultDir()
	if err != nil {
		return nil, err
	}
	return tlscert.Ensure(dir)
}

// dropped returns how many events sub lost; 0 without a subscription.
func dropped(sub *emulator.Subscription) uint64 {
	if sub == nil {
		return 0
	}
	return sub.Dropped()
}

// logEvents writes each event until the gateway closes the subscription.
// Lines go through a buffer that is flushed whenever no further event is
// waiting, so a busy gateway costs one write call per burst of events
// rather than one per event, and an idle one shows every line at once.
func logEvents(sub *emulator.Subscription, format string, out io.Writer) {
	w := bufio.NewWriterSize(out, 32<<10)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	events := sub.C()
	for e := range events {
		switch format {
		case "text":
			_, _ = w.WriteString(e.String())
			_ = w.WriteByte('\n')
			if e.Lambda != nil && e.Lambda.Log != "" {
				writeFunctionLog(w, e.Lambda.Log)
			}
		case "json":
			_ = enc.Encode(e)
		}
		if len(events) == 0 {
			_ = w.Flush()
		}
	}
	_ = w.Flush()
}

// serveHelp follows the flags in serve's --help.
const serveHelp = `
FILE is a CloudFormation or SAM template with an AWS::ApiGatewayV2 WebSocket
API, or a serverless.yml; the word "sample" runs the built-in sample API
(write ./sample for a file of that name).

serve prints the WebSocket URL and the @connections endpoint, then one line
per event (--log). SIGINT or SIGTERM closes every connection with
1001 "Going away", runs $disconnect for each, and exits 0.
`
