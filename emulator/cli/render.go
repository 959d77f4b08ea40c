package cli

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"wsworkbench/emulator/vtl"
)

func init() {
	register(command{
		name:    "render",
		usage:   "[flags] TEMPLATE_FILE|-",
		summary: "render a mapping template (VTL) against a message, as API Gateway would",
		run:     runRender,
	})
}

// renderContextHelp lists the $context values render fills in unless
// --context overrides them.
const renderContextHelp = `a context variable NAME=VALUE for $context; a dotted NAME sets a nested
value (identity.sourceIp=1.2.3.4, authorizer.principalId=me). An integer
VALUE becomes a number, true or false a boolean, anything else a string.
(repeatable) Unless overridden, render fills in a plausible MESSAGE event:
connectionId, messageId, requestId and extendedRequestId (fresh 16-character
IDs such as R1kmxc2VNjMCFIA=), apiId (10 characters), domainName
(APIID.execute-api.us-east-1.amazonaws.com), stage=production,
routeKey=$default, eventType=MESSAGE, connectedAt,
requestTimeEpoch (now, in ms), requestTime (dd/MMM/yyyy:HH:mm:ss +0000),
identity.sourceIp=127.0.0.1, identity.userAgent=wsworkbench`

// renderOptions are render's command line.
type renderOptions struct {
	file                             string // the template file, or - for stdin
	body                             string // --body: text, @FILE or @-
	contexts, stageVars, headers, qs multiFlag
	paths                            multiFlag
	truncate                         bool
	maxForeach, maxOutput            int
}

// runRender renders a mapping template and prints the result to stdout,
// exactly as rendered (no newline is added). A template error prints
// FILE:LINE:COL: message on stderr and exits 1; a bad command line exits 2.
func runRender(args []string, stdio Stdio) int {
	o, err := parseRenderArgs(args, stdio)
	if err != nil {
		return exitCode(err, stdio)
	}
	in, err := renderInput(o, stdio)
	if err != nil {
		return exitCode(err, stdio)
	}
	out, err := renderFile(o, in, stdio.In)
	if err != nil {
		return exitCode(err, stdio)
	}
	if _, err := io.WriteString(stdio.Out, out); err != nil {
		return exitCode(failf(ExitError, "wsworkbench render: %v", err), stdio)
	}
	return ExitOK
}

// parseRenderArgs reads render's command line.
func parseRenderArgs(args []string, stdio Stdio) (renderOptions, error) {
	var o renderOptions
	fs := newFlags("render", stdio)
	fs.StringVar(&o.body, "body", "", "the message: JSON (or any) text, @FILE to read a file, or @- to read stdin")
	fs.Var(&o.contexts, "context", renderContextHelp)
	fs.Var(&o.stageVars, "stage-var", "a stage variable NAME=VALUE for $stageVariables (repeatable)")
	fs.Var(&o.headers, "header", "a request header NAME=VALUE for $input.params() (repeatable)")
	fs.Var(&o.qs, "query", "a query string parameter NAME=VALUE for $input.params() (repeatable)")
	fs.Var(&o.paths, "path", "a path parameter NAME=VALUE for $input.params() (repeatable)")
	fs.IntVar(&o.maxForeach, "max-foreach", 1000, "the most iterations of one #foreach (API Gateway: 1000)")
	fs.BoolVar(&o.truncate, "truncate-foreach", false, "stop a longer #foreach after --max-foreach items instead of failing")
	fs.IntVar(&o.maxOutput, "max-output", 1<<20, "the most bytes of output")
	if code, done := parseFlags(fs, args, stdio); done {
		return o, failf(code, "")
	}
	switch {
	case fs.NArg() == 0:
		return o, failf(ExitUsage, "wsworkbench render: a template file (or - for stdin) is required")
	case fs.NArg() > 1:
		return o, failf(ExitUsage, "wsworkbench render: unexpected argument %q after the template file", fs.Arg(1))
	case o.maxForeach < 1 || o.maxOutput < 1:
		return o, failf(ExitUsage, "wsworkbench render: --max-foreach and --max-output must be at least 1")
	case fs.Arg(0) == "-" && o.body == "@-":
		return o, failf(ExitUsage, "wsworkbench render: the template and --body cannot both come from stdin")
	}
	o.file = fs.Arg(0)
	return o, nil
}

// renderInput builds the template's input from the command line: $context
// (defaults and --context), stage variables, parameters and the body.
func renderInput(o renderOptions, stdio Stdio) (*vtl.Input, error) {
	in := &vtl.Input{Context: defaultRenderContext(time.Now())}
	for _, c := range o.contexts {
		k, v, ok := strings.Cut(c, "=")
		if !ok || k == "" {
			return nil, failf(ExitUsage, "wsworkbench render: --context %q: want NAME=VALUE", c)
		}
		if err := setContext(in.Context, k, contextValue(v)); err != nil {
			return nil, failf(ExitUsage, "wsworkbench render: --context %q: %v", c, err)
		}
	}
	if !setPairs(stdio.Err, "render", []pairFlag{
		{"--stage-var", o.stageVars, func(k, v string) {
			if in.StageVariables == nil {
				in.StageVariables = map[string]string{}
			}
			in.StageVariables[k] = v
		}},
		{"--header", o.headers, func(k, v string) { addParam(in, "header", k, v) }},
		{"--query", o.qs, func(k, v string) { addParam(in, "querystring", k, v) }},
		{"--path", o.paths, func(k, v string) { addParam(in, "path", k, v) }},
	}) {
		return nil, failf(ExitUsage, "") // setPairs said why
	}
	if o.body != "" {
		b, err := readBody(o.body, stdio.In)
		if err != nil {
			return nil, failf(ExitError, "wsworkbench render: --body: %v", err)
		}
		in.Body = b
	}
	return in, nil
}

// renderFile reads the template (from stdin for -), parses it with the
// command line's limits and renders it with in.
func renderFile(o renderOptions, in *vtl.Input, stdin io.Reader) (string, error) {
	name := o.file
	var src []byte
	var err error
	if o.file == "-" {
		name = "<stdin>"
		src, err = io.ReadAll(stdin)
	} else {
		src, err = os.ReadFile(o.file)
	}
	if err != nil {
		return "", failf(ExitError, "wsworkbench render: %v", err)
	}
	tmpl, err := vtl.Parse(string(src))
	if err != nil {
		return "", failf(ExitError, "%s", templateError(name, err))
	}
	tmpl = tmpl.WithLimits(vtl.Limits{MaxForeach: o.maxForeach, TruncateForeach: o.truncate, MaxOutput: o.maxOutput})
	out, err := tmpl.Render(in)
	if err != nil {
		return "", failf(ExitError, "%s", templateError(name, err))
	}
	return out, nil
}

// templateError is a template error as FILE:LINE:COL: message.
func templateError(name string, err error) string {
	var e *vtl.Error
	if errors.As(err, &e) {
		return fmt.Sprintf("%s:%d:%d: %s", name, e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("%s: %v", name, err)
}

func addParam(in *vtl.Input, kind, k, v string) {
	if in.Params == nil {
		in.Params = map[string]map[string]string{}
	}
	if in.Params[kind] == nil {
		in.Params[kind] = map[string]string{}
	}
	in.Params[kind][k] = v
}

// contextValue types a --context value: an integer is a number, true and
// false are booleans, anything else is a string.
func contextValue(s string) any {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n
	}
	switch s {
	case "true":
		return true
	case "false":
		return false
	}
	return s
}

// setContext sets a dotted name in the context, creating nested maps.
func setContext(ctx map[string]any, name string, v any) error {
	parts := strings.Split(name, ".")
	m := ctx
	for i, p := range parts[:len(parts)-1] {
		if p == "" {
			return errors.New("empty name part")
		}
		next, ok := m[p]
		if !ok || next == nil {
			nm := map[string]any{}
			m[p] = nm
			m = nm
			continue
		}
		nm, ok := next.(map[string]any)
		if !ok {
			return fmt.Errorf("%s is a value, not a group of values", strings.Join(parts[:i+1], "."))
		}
		m = nm
	}
	last := parts[len(parts)-1]
	if last == "" {
		return errors.New("empty name part")
	}
	if _, isMap := m[last].(map[string]any); isMap {
		return fmt.Errorf("%s is a group of values; set one of them, e.g. %s.NAME", name, name)
	}
	m[last] = v
	return nil
}

// newID returns an ID in API Gateway's format: 11 random bytes, URL-safe
// base64 with its one "=" pad, 16 characters.
func newID() string {
	var b [11]byte
	_, _ = rand.Read(b[:])
	return base64.URLEncoding.EncodeToString(b[:])
}

// newAPIID returns 10 lower-case letters and digits, like "dl7ptocha9".
func newAPIID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	var b [10]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:])
}

// defaultRenderContext is the $context of a MESSAGE event on a fresh
// connection, with generated IDs and the given time.
func defaultRenderContext(now time.Time) map[string]any {
	apiID := newAPIID()
	reqID := newID()
	now = now.UTC()
	ms := now.UnixMilli()
	return map[string]any{
		"connectionId":      newID(),
		"messageId":         newID(),
		"requestId":         reqID,
		"extendedRequestId": reqID,
		"apiId":             apiID,
		"domainName":        apiID + ".execute-api.us-east-1.amazonaws.com",
		"stage":             "production",
		"routeKey":          "$default",
		"eventType":         "MESSAGE",
		"connectedAt":       ms,
		"requestTimeEpoch":  ms,
		"requestTime":       now.Format("02/Jan/2006:15:04:05 -0700"),
		"identity": map[string]any{
			"sourceIp":  "127.0.0.1",
			"userAgent": "wsworkbench",
		},
	}
}
