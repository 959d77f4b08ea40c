package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
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

// serveOptions are serve's command line.
type serveOptions struct {
	file           string
	listen         string
	log            string // text, steps, json or none
	timeScale      float64
	lambdaEndpoint string
	lambdaMode     string
	tls            bool
	dynamoEndpoint string
	instances      int
	domainName     string
	faults         *faultFlags
}

// runServe loads FILE, serves it until SIGINT or SIGTERM, and logs what the
// gateway does. Its first two lines on stdout are stable, for scripts:
//
//	WebSocket: ws://127.0.0.1:8080/production
//	@connections: http://127.0.0.1:8080/production/@connections
func runServe(args []string, stdio Stdio) int {
	o, err := parseServeArgs(args, stdio)
	if err != nil {
		return exitCode(err, stdio)
	}
	defer holdHeapFloor()()
	api, err := loadServeAPI(o, stdio)
	if err != nil {
		return exitCode(err, stdio)
	}
	opts, cert, err := serveListener(o, stdio)
	if err != nil {
		return exitCode(err, stdio)
	}
	local, closeLocal, err := startLocalFunctions(o, api, cert, &opts, stdio)
	if err != nil {
		return exitCode(err, stdio)
	}
	defer closeLocal()
	describeLambda(api, local, cert, stdio)
	g, err := newServeGateway(o, api, opts)
	if err != nil {
		return exitCode(err, stdio)
	}
	log := startEventLog(g, o.log, stdio.Out)
	if err := g.Open(); err != nil {
		_ = g.Close(context.Background())
		log.stopAndReport(stdio)
		return exitCode(failf(ExitError, "wsworkbench serve: %v", err), stdio)
	}
	ctx, stop := stopContext()
	defer stop()
	fmt.Fprintf(stdio.Out, "WebSocket: %s\n", g.URL())
	fmt.Fprintf(stdio.Out, "@connections: %s\n", g.ConnectionsURL())
	ifaces, _ := net.InterfaceAddrs()
	if w := networkWarning(g.Addr(), g.URL(), ifaces); w != "" {
		fmt.Fprintln(stdio.Err, w)
	}
	<-ctx.Done()
	stop() // a second signal now ends the process at once
	return shutdownServe(g, log, stdio)
}

// parseServeArgs reads serve's command line.
func parseServeArgs(args []string, stdio Stdio) (serveOptions, error) {
	var o serveOptions
	fs := newFlags("serve", stdio)
	fs.StringVar(&o.listen, "listen", DefaultServeAddr, "the address to listen on (host:port; port 0 picks a free one)")
	fs.StringVar(&o.log, "log", "text", "how to log what happens: text (one line per message, connect, close, error, warning), steps (one line per event: every step of every message), json (one JSON object per event) or none")
	fs.Float64Var(&o.timeScale, "time-scale", 0, "divide every timeout by N: 60 makes the 10-minute idle timeout 10 s (0 keeps the file's setting)")
	fs.StringVar(&o.lambdaEndpoint, "lambda-endpoint", "", "the Lambda Invoke API endpoint for Lambda integrations, e.g. http://127.0.0.1:3001 (overrides the file's setting)")
	fs.StringVar(&o.lambdaMode, "lambda-mode", "", "how to call the Lambda endpoint: auto, concurrent, or serial (one call at a time, queued: the Runtime Interface Emulator) (overrides the file's setting)")
	fs.BoolVar(&o.tls, "tls", false, "serve wss:// and https:// with the workbench's self-signed certificate for 127.0.0.1 and localhost")
	fs.StringVar(&o.domainName, "domain-name", "", "the host[:port] backends reach the gateway by, as requestContext.domainName (default: the gateway's own address), e.g. host.docker.internal:8080")
	fs.StringVar(&o.dynamoEndpoint, "dynamodb-endpoint", "", "a DynamoDB-compatible server (DynamoDB Local, dynalite, LocalStack), e.g. http://127.0.0.1:8000: the file's missing tables are created there and local functions get AWS_ENDPOINT_URL_DYNAMODB")
	fs.IntVar(&o.instances, "lambda-instances", localfn.DefaultMaxInstances, "how many instances of each local function may run at once (a function's ReservedConcurrentExecutions, when lower, wins)")
	o.faults = addFaultFlags(fs)
	flagUsage := fs.Usage
	fs.Usage = func() {
		flagUsage()
		fmt.Fprint(fs.Output(), serveHelp)
	}
	if code, done := parseFlags(fs, args, stdio); done {
		return o, failf(code, "")
	}
	switch {
	case fs.NArg() != 1:
		return o, failf(ExitUsage, "wsworkbench serve: give one FILE (a CloudFormation or SAM template, a serverless.yml, or the word sample)")
	case logFormatErr(o.log) != nil:
		return o, failf(ExitUsage, "wsworkbench serve: %v", logFormatErr(o.log))
	case strings.ContainsAny(o.domainName, "/?#@ \t\r\n"):
		return o, failf(ExitUsage, "wsworkbench serve: --domain-name %q: want host or host:port, as backends put it in https://{domainName}/{stage}", o.domainName)
	case o.instances < 1:
		return o, failf(ExitUsage, "wsworkbench serve: --lambda-instances must be at least 1")
	case o.timeScale < 0:
		return o, failf(ExitUsage, "wsworkbench serve: --time-scale must not be negative")
	}
	if o.dynamoEndpoint != "" {
		if err := dynamo.CheckEndpoint(o.dynamoEndpoint); err != nil {
			return o, failf(ExitUsage, "wsworkbench serve: --dynamodb-endpoint: %v", err)
		}
	}
	if o.lambdaMode != "" {
		if _, err := lambda.ParseMode(o.lambdaMode); err != nil {
			return o, failf(ExitUsage, "wsworkbench serve: --lambda-mode: %v", err)
		}
	}
	o.file = fs.Arg(0)
	return o, nil
}

// loadServeAPI loads the workspace, prints its warnings and applies the
// command line's overrides (faults, time scale, Lambda) to its API.
func loadServeAPI(o serveOptions, stdio Stdio) (*model.API, error) {
	ws, err := loadWorkspace(o.file)
	if err != nil {
		return nil, failf(ExitError, "%v", err)
	}
	for _, w := range ws.Warnings {
		fmt.Fprintln(stdio.Err, "warning:", w)
	}
	api := ws.API.Clone()
	if err := o.faults.apply(api); err != nil {
		return nil, failf(ExitUsage, "wsworkbench serve: %v", err)
	}
	if line := describeFaults(api.Settings.Faults); line != "" {
		fmt.Fprintln(stdio.Err, line)
	}
	if o.timeScale > 0 {
		api.Settings.TimeScale = o.timeScale
	}
	if o.lambdaEndpoint != "" {
		api.Settings.LambdaEndpoint = o.lambdaEndpoint
	}
	if o.lambdaMode != "" {
		api.Settings.LambdaMode = o.lambdaMode
	}
	if o.dynamoEndpoint != "" {
		api.Settings.DynamoDBEndpoint = o.dynamoEndpoint
	}
	return api, nil
}

// serveListener returns the gateway's options for where it listens, with
// the workbench's certificate for --tls (nil without).
func serveListener(o serveOptions, stdio Stdio) (emulator.Options, *tlscert.Cert, error) {
	opts := emulator.Options{Addr: o.listen, DomainName: o.domainName}
	if !o.tls {
		return opts, nil, nil
	}
	cert, err := ensureCert()
	if err != nil {
		return opts, nil, failf(ExitError, "wsworkbench serve: --tls: %v", err)
	}
	opts.TLS = cert.ServerConfig()
	fmt.Fprintf(stdio.Err, "certificate: %s\n", cert.CertPath)
	return opts, cert, nil
}

// startLocalFunctions creates the file's missing tables at the DynamoDB
// endpoint (--dynamodb-endpoint, else the file's dynamodbEndpoint) and, with no Lambda endpoint, runs the functions whose
// code the file has here (see package localfn), setting opts.Functions. It
// returns those functions and what stops them.
func startLocalFunctions(o serveOptions, api *model.API, cert *tlscert.Cert, opts *emulator.Options, stdio Stdio) ([]model.Function, func(), error) {
	none := func() {}
	runLocal := o.file != "sample" && localfn.RunsLocally(api)
	dynamoEndpoint := api.Settings.DynamoDBEndpoint // --dynamodb-endpoint or the file's setting
	if !runLocal && dynamoEndpoint == "" {
		return nil, none, nil
	}
	if o.file == "sample" {
		return nil, none, failf(ExitUsage, "wsworkbench serve: --dynamodb-endpoint: the sample declares no tables")
	}
	code, err := workspace.LoadLocal(o.file)
	if err != nil {
		return nil, none, failf(ExitError, "%v", err)
	}
	for _, w := range code.Warnings {
		fmt.Fprintln(stdio.Err, "warning:", w)
	}
	for _, m := range code.DropMissing() {
		fmt.Fprintln(stdio.Err, "Lambda:", m)
	}
	if dynamoEndpoint != "" {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		err := dynamo.Prepare(ctx, dynamoEndpoint, code.Tables, stdio.Err)
		cancel()
		if err != nil {
			return nil, none, failf(ExitError, "wsworkbench serve: DynamoDB endpoint %s: %v", dynamoEndpoint, err)
		}
	}
	if !runLocal || len(code.Functions) == 0 {
		return nil, none, nil
	}
	runner, err := localFunctions(code.Functions, o.instances, cert, dynamoEndpoint, o.log != "none", stdio.Err)
	if err != nil {
		return nil, none, failf(ExitError, "wsworkbench serve: local functions: %v", err)
	}
	opts.Functions = runner
	return code.Functions, func() { runner.Close() }, nil
}

// describeLambda says on stderr where Lambda calls go: the functions that
// run here, and the endpoint for the others.
func describeLambda(api *model.API, local []model.Function, cert *tlscert.Cert, stdio Stdio) {
	if !localfn.UsesLambda(api) {
		return
	}
	for _, fn := range local {
		where := fn.CodeDir
		if fn.InlineCode != "" {
			where = "inline code"
		}
		fmt.Fprintf(stdio.Err, "Lambda: %s (%s, %s) runs here from %s\n", fn.Name, fn.Runtime, fn.Handler, where)
	}
	endpoint := cmp.Or(api.Settings.LambdaEndpoint, emulator.DefaultLambdaEndpoint)
	mode := cmp.Or(api.Settings.LambdaMode, "auto")
	if len(local) > 0 {
		fmt.Fprintf(stdio.Err, "Lambda: other functions: %s (calls: %s)\n", endpoint, mode)
	} else {
		fmt.Fprintf(stdio.Err, "Lambda: %s (calls: %s)\n", endpoint, mode)
	}
	if len(local) > 0 && cert == nil {
		fmt.Fprintln(stdio.Err, "Lambda: functions that post back with an AWS SDK build https://{domainName}/{stage}: serve with --tls so those calls reach the gateway")
	}
}

// newServeGateway compiles api into a gateway that is not listening yet.
func newServeGateway(o serveOptions, api *model.API, opts emulator.Options) (*emulator.Gateway, error) {
	g, err := emulator.New(api, opts)
	if err == nil {
		return g, nil
	}
	name := o.file
	if o.file == "sample" {
		name = assets.SampleName
	}
	var b strings.Builder
	for i, line := range strings.Split(err.Error(), "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s: %s", name, line)
	}
	return nil, failf(ExitError, "%s", b.String())
}

// serveLog is serve's event log while it runs; nil with --log none.
type serveLog struct{ *eventLog }

// logFormatErr is the error for a --log value serve does not know.
func logFormatErr(s string) error {
	_, _, err := parseLogFormat(s)
	return err
}

// startEventLog subscribes a log of g's events in format (a valid --log) to
// out. With --log none nobody subscribes, so the gateway builds no events.
func startEventLog(g *emulator.Gateway, format string, out io.Writer) serveLog {
	f, ok, _ := parseLogFormat(format)
	if !ok {
		return serveLog{}
	}
	l := newEventLog(out, f, logMaxPending)
	g.SubscribeFuncFilter(f.filter(), l.add)
	go l.run()
	return serveLog{l}
}

// stopAndReport writes what the log still holds and says on stderr how
// many lines it dropped. Call it after the gateway has closed.
func (l serveLog) stopAndReport(stdio Stdio) {
	if l.eventLog == nil {
		return
	}
	l.close()
	if n := l.droppedTotal(); n > 0 {
		fmt.Fprintf(stdio.Err, "%d log lines were dropped: the log's reader did not keep up\n", n)
	}
}

// shutdownServe closes every connection, running their $disconnect routes,
// and flushes the log.
func shutdownServe(g *emulator.Gateway, log serveLog, stdio Stdio) int {
	fmt.Fprintln(stdio.Err, "shutting down: closing connections (1001 Going away) and running $disconnect (signal again to quit at once)")
	ctx, cancel := context.WithTimeout(context.Background(), serveShutdownTimeout)
	defer cancel()
	closeErr := g.Close(ctx)
	log.stopAndReport(stdio)
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

// ensureCert returns the workbench's TLS certificate, making it on first use.
func ensureCert() (*tlscert.Cert, error) {
	dir, err := tlscert.DefaultDir()
	if err != nil {
		return nil, err
	}
	return tlscert.Ensure(dir)
}

// serveHelp follows the flags in serve's --help.
const serveHelp = `
FILE is a CloudFormation or SAM template with an AWS::ApiGatewayV2 WebSocket
API, or a serverless.yml; the word "sample" runs the built-in sample API
(write ./sample for a file of that name).

serve prints the WebSocket URL and the @connections endpoint, then its log
(--log): by default one line per message (route, integration, status, sizes,
time taken), one per connect and close, and a line of its own for every
error, limit and fault; --log steps prints every step of every message (the
frame, the route, each template, the integration, the answer). SIGINT or SIGTERM closes every connection with
1001 "Going away", runs $disconnect for each, and exits 0.
`
