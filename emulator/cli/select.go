package cli

import (
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"strings"

	"wsworkbench/emulator/selection"
)

func init() {
	register(command{
		name:    "select",
		usage:   "--expression EXPR [flags]",
		summary: "evaluate a selection expression against a message, as API Gateway would",
		run:     runSelect,
	})
}

// runSelect evaluates a selection expression and prints its value on a line
// of its own. When the expression reads $request.body and the body is not
// JSON, API Gateway cannot evaluate it and falls back to $default: select
// says so on stdout and exits 0, since that is a valid answer. A malformed
// expression prints the error with its column and exits 1; a bad command line
// exits 2.
func runSelect(args []string, stdio Stdio) int {
	fs := newFlags("select", stdio)
	var (
		expr, body, kindName, status string
		headers, queries, contexts   multiFlag
		stageVars, respHeaders       multiFlag
		explain                      bool
	)
	fs.StringVar(&expr, "expression", "", "the selection expression, e.g. '$request.body.action' (required)")
	fs.StringVar(&body, "body", "", "the message: JSON text, @FILE to read a file, or @- to read stdin")
	fs.StringVar(&kindName, "kind", "route", "where the expression is used: route, request-template, response-template, route-response or api-key")
	fs.StringVar(&status, "status", "", "the integration status code for ${integration.response.statuscode}, e.g. 200")
	fs.Var(&headers, "header", "a request header NAME=VALUE for $request.header (repeatable)")
	fs.Var(&queries, "query", "a query string parameter NAME=VALUE for $request.querystring (repeatable)")
	fs.Var(&contexts, "context", "a context variable NAME=VALUE for $context, e.g. authorizer.usageIdentifierKey=k (repeatable)")
	fs.Var(&stageVars, "stage-var", "a stage variable NAME=VALUE for $stageVariables (repeatable)")
	fs.Var(&respHeaders, "response-header", "an integration response header NAME=VALUE for ${integration.response.header} (repeatable)")
	fs.BoolVar(&explain, "explain", false, "also print each part of the expression and the gjson path its JSONPath becomes")
	if code, done := parseFlags(fs, args, stdio); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stdio.Err, "wsworkbench select: unexpected argument %q\n", fs.Arg(0))
		return ExitUsage
	}
	if expr == "" {
		fmt.Fprintln(stdio.Err, "wsworkbench select: --expression is required")
		return ExitUsage
	}
	kind, err := selection.ParseKind(kindName)
	if err != nil {
		fmt.Fprintf(stdio.Err, "wsworkbench select: --kind: %v\n", err)
		return ExitUsage
	}
	src := &selection.Source{StatusCode: status}
	if !setPairs(stdio.Err, "select", []pairFlag{
		{"--header", headers, func(k, v string) { src.Headers = addMulti(src.Headers, textproto.CanonicalMIMEHeaderKey(k), v) }},
		{"--query", queries, func(k, v string) { src.QueryString = addMulti(src.QueryString, k, v) }},
		{"--context", contexts, func(k, v string) { src.Context = addSingle(src.Context, k, v) }},
		{"--stage-var", stageVars, func(k, v string) { src.StageVariables = addSingle(src.StageVariables, k, v) }},
		{"--response-header", respHeaders, func(k, v string) {
			src.ResponseHeaders = addMulti(src.ResponseHeaders, textproto.CanonicalMIMEHeaderKey(k), v)
		}},
	}) {
		return ExitUsage
	}
	msg, err := readBody(body, stdio.In)
	if err != nil {
		fmt.Fprintf(stdio.Err, "wsworkbench select: --body: %v\n", err)
		return ExitError
	}
	src.Body = msg

	e, err := selection.Parse(expr, kind)
	if err != nil {
		printExprError(stdio.Err, expr, err)
		return ExitError
	}
	if explain {
		explainExpression(stdio.Out, e)
	}
	value, ok := e.Eval(src)
	if !ok {
		fmt.Fprintf(stdio.Out, "not evaluable: the body is not JSON, so API Gateway would use %s\n", fallback(kind))
		return ExitOK
	}
	if explain {
		fmt.Fprintf(stdio.Out, "value: %q\n", value)
		return ExitOK
	}
	fmt.Fprintln(stdio.Out, value)
	return ExitOK
}

// fallback names what API Gateway uses when an expression of kind cannot be
// evaluated.
func fallback(kind selection.Kind) string {
	switch kind {
	case selection.RequestTemplateSelection, selection.ResponseTemplateSelection:
		return "the $default template"
	}
	return "the $default route"
}

// printExprError prints a parse error with the expression and a caret under
// the column.
func printExprError(w io.Writer, expr string, err error) {
	fmt.Fprintf(w, "wsworkbench select: invalid expression: %v\n", err)
	var se *selection.Error
	if !errors.As(err, &se) || strings.ContainsAny(expr, "\n\r\t") {
		return
	}
	fmt.Fprintf(w, "  %s\n  %s^\n", expr, strings.Repeat(" ", columnWidth(expr, se.Col)))
}

// columnWidth is the number of characters before the 1-based byte column
// col, so the caret lines up under multi-byte text.
func columnWidth(expr string, col int) int {
	if col-1 > len(expr) {
		col = len(expr) + 1
	}
	return len([]rune(expr[:col-1]))
}

func explainExpression(w io.Writer, e *selection.Expression) {
	fmt.Fprintf(w, "expression: %s\nkind: %s\n", e.String(), e.Kind())
	for _, p := range e.Parts() {
		switch {
		case p.Variable == "":
			fmt.Fprintf(w, "col %d: static %q\n", p.Col, p.Literal)
		case p.Variable == "$request.body":
			fmt.Fprintf(w, "col %d: %s JSONPath %s -> gjson %s\n", p.Col, p.Variable, p.JSONPath.String(), p.JSONPath.GJSON())
		case p.Name != "":
			fmt.Fprintf(w, "col %d: %s.%s\n", p.Col, p.Variable, p.Name)
		default:
			fmt.Fprintf(w, "col %d: %s\n", p.Col, p.Variable)
		}
	}
}

func addMulti(m map[string][]string, k, v string) map[string][]string {
	if m == nil {
		m = map[string][]string{}
	}
	m[k] = append(m[k], v)
	return m
}

func addSingle(m map[string]string, k, v string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[k] = v
	return m
}
