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

// runRender renders a mapping template and prints the result to stdout,
// exactly as rendered (no newline is added). A template error prints
// FILE:LINE:COL: message on stderr and exits 1; a bad command line exits 2.
func runRender(args []string, stdio Stdio) int {
	fs := newFlags("render", stdio)
	var (
		body                             string
		contexts, stageVars, headers, qs multiFlag
		paths                            multiFlag
		truncate                         bool
		maxForeach, maxOutput            int
	)
	fs.StringVar(&body, "body", "", "the message: JSON (or any) text, @FILE to read a file, or @- to read stdin")
	fs.Var(&contexts, "context", renderContextHelp)
	fs.Var(&stageVars, "stage-var", "a stage variable NAME=VALUE for $stageVariables (repeatable)")
	fs.Var(&headers, "header", "a request header NAME=VALUE for $input.params() (repeatable)")
	fs.Var(&qs, "query", "a query string parameter NAME=VALUE for $input.params() (repeatable)")
	fs.Var(&paths, "path", "a path parameter NAME=VALUE for $input.params() (repeatable)")
	fs.IntVar(&maxForeach, "max-foreach", 1000, "the most iterations of one #foreach (API Gateway: 1000)")
	fs.BoolVar(&truncate, "truncate-foreach", false, "stop a longer #foreach after --max-foreach items instead of failing")
	fs.IntVar(&maxOutput, "max-output", 1<<20, "the most bytes of output")
	if code, done := parseFlags(fs, args, stdio); done {
		return code
	}
	switch fs.NArg() {
	case 0:
		fmt.Fprintln(stdio.Err, "wsworkbench render: a template file (or - for stdin) is required")
		return ExitUsage
	case 1:
	default:
		fmt.Fprintf(stdio.Err, "wsworkbench render: unexpected argument %q after the template file\n", fs.Arg(1))
		return ExitUsage
	}
	if maxForeach < 1 || maxOutput < 1 {
		fmt.Fprintln(stdio.Err, "wsworkbench render: --max-foreach and --max-output must be at least 1")
		return ExitUsage
	}
	file := fs.Arg(0)
	if file == "-" && body == "@-" {
		fmt.Fprintln(stdio.Err, "wsworkbench render: the template and --body cannot both come from stdin")
		return ExitUsage
	}

	in := &vtl.Input{Context: defaultRenderContext(time.Now())}
	for _, c := range contexts {
		k, v, ok := strings.Cut(c, "=")
		if !ok || k == "" {
			fmt.Fprintf(stdio.Err, "wsworkbench render: --context %q: want NAME=VALUE\n", c)
			return ExitUsage
		}
		if err := setContext(in.Context, k, contextValue(v)); err != nil {
			fmt.Fprintf(stdio.Err, "wsworkbench render: --context %q: %v\n", c, err)
			return ExitUsage
		}
	}
	if !setPairs(stdio.Err, "render", []pairFlag{
		{"--stage-var", stageVars, func(k, v string) {
			if in.StageVariables == nil {
				in.StageVariables = map[string]string{}
			}
			in.StageVariables[k] = v
		}},
		{"--header", headers, func(k, v string) { addParam(in, "header", k, v) }},
		{"--query", qs, func(k, v string) { addParam(in, "querystring", k, v) }},
		{"--path", paths, func(k, v string) { addParam(in, "path", k, v) }},
	}) {
		return ExitUsage
	}
	if body != "" {
		b, err := readBody(body, stdio.In)
		if err != nil {
			fmt.Fprintf(stdio.Err, "wsworkbench render: --body: %v\n", err)
			return ExitError
		}
		in.Body = b
	}

	name := file
	var src []byte
	var err error
	if file == "-" {
		name = "<stdin>"
		src, err = io.ReadAll(stdio.In)
	} else {
		src, err = os.ReadFile(file)
	}
	if err != nil {
		fmt.Fprintf(stdio.Err, "wsworkbench render: %v\n", err)
		return ExitError
	}
	tmpl, err := vtl.Parse(string(src))
	if err != nil {
		printTemplateError(stdio.Err, name, err)
		return ExitError
	}
	tmpl = tmpl.WithLimits(vtl.Limits{MaxForeach: maxForeach, TruncateForeach: truncate, MaxOutput: maxOutput})
	out, err := tmpl.Render(in)
	if err != nil {
		printTemplateError(stdio.Err, name, err)
		return ExitError
	}
	if _, err := io.WriteString(stdio.Out, out); err != nil {
		fmt.Fprintf(stdio.Err, "wsworkbench render: %v\n", err)
		return ExitError
	}
	return ExitOK
}

func printTemplateError(w io.Writer, name string, err error) {
	var e *vtl.Error
	if errors.As(err, &e) {
		fmt.Fprintf(w, "%s:%d:%d: %s\n", name, e.Line, e.Col, e.Msg)
		return
	}
	fmt.Fprintf(w, "%s: %v\n", name, err)
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
