package editor

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/emulator/lambda"
	"wsworkbench/emulator/model"
)

// HTTPMethods are the methods the HTTP integration editor offers.
var HTTPMethods = []string{"POST", "GET", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

// buildBackendFields returns the fields of an integration that calls a
// backend, to go under its URI: the Lambda function for AWS_PROXY and AWS;
// the method and the request parameters for HTTP and HTTP_PROXY. MOCK has
// none. Errors in them show in the integration's error line (the gateway
// reports them for the integration as a whole).
func (f forms) buildBackendFields(integID string) []fyne.CanvasObject {
	ed := f.ed
	api := ed.api()
	integ := func() *model.Integration { return api.Integration(integID) }
	in := integ()
	if in == nil {
		return nil
	}
	switch in.Type {
	case model.TypeAWSProxy, model.TypeAWS:
		fn := f.code("functionName", in.FunctionName, false, nil, nil)
		hint := widget.NewLabel("")
		hint.Wrapping = fyne.TextWrapWord
		hint.Importance = widget.LowImportance
		showHint := func() {
			if it := integ(); it != nil {
				hint.SetText(lambdaCallHint(api, it))
				fn.entry.SetPlaceHolder(derivedFunction(it.URI))
			}
		}
		fn.onChange = func(s string) {
			if it := integ(); it != nil {
				it.FunctionName = strings.TrimSpace(s)
				showHint()
				ed.edited()
			}
		}
		showHint()
		return []fyne.CanvasObject{
			container.NewBorder(nil, nil, widget.NewLabel("Function"), nil, fn.object()),
			hint,
			f.buildFunctionForm(integID),
		}
	case model.TypeHTTP, model.TypeHTTPProxy:
		method := widget.NewSelect(HTTPMethods, nil)
		m := strings.ToUpper(in.Method)
		if m == "" {
			m = "POST"
		}
		method.SetSelected(m)
		method.OnChanged = func(s string) {
			if it := integ(); it != nil && it.Method != s {
				it.Method = s
				ed.edited()
			}
		}
		params := f.code("requestParameters", formatParams(in.RequestParameters), true, nil, nil)
		params.entry.SetMinRowsVisible(3)
		params.entry.SetPlaceHolder("integration.request.header.connectionId = context.connectionId\nintegration.request.header.X-Static = 'fixed'")
		params.check = func(s string) error { _, err := parseParams(s); return err }
		params.onChange = func(s string) {
			if it := integ(); it != nil {
				it.RequestParameters, _ = parseParams(s)
				ed.edited()
			}
		}
		form := widget.NewForm(
			&widget.FormItem{Text: "Method", Widget: method},
			&widget.FormItem{Text: "Request parameters", Widget: params.object(),
				HintText: "target = source, one a line: context.X, route.request.header.X, route.request.querystring.X, route.request.body.X, stageVariables.X or 'static'"},
		)
		return []fyne.CanvasObject{form}
	}
	return nil
}

// derivedFunction is the function an integration URI names, as a
// placeholder for the function name field.
func derivedFunction(uri string) string {
	name, err := lambda.FunctionName(uri)
	if err != nil {
		return "function name (the URI names none)"
	}
	return name + " (from the URI)"
}

// lambdaCallHint says which function an integration calls, and where: its
// code here (a function of the workspace, while no Lambda endpoint is set),
// or the Lambda endpoint.
func lambdaCallHint(api *model.API, in *model.Integration) string {
	name := in.FunctionName
	if name == "" {
		n, err := lambda.FunctionName(in.URI)
		if err != nil {
			return "Set the URI or a function name, or pick local code below: " + err.Error()
		}
		name = n
	}
	if endpoint := api.Settings.LambdaEndpoint; endpoint != "" {
		return fmt.Sprintf("Calls %s at %s (the Lambda endpoint in the API settings; no local code runs while it is set).", name, endpoint)
	}
	if api.Function(name) != nil {
		return fmt.Sprintf("Calls %s, whose code runs here (below).", name)
	}
	return fmt.Sprintf("Calls %s: here when the workspace file has its code, else at http://127.0.0.1:3001 (set a Lambda endpoint in the API settings).", name)
}

// parseParams reads request parameters, one "target = source" a line.
func parseParams(s string) (map[string]string, error) {
	m := map[string]string{}
	for i, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		target, source, ok := strings.Cut(line, "=")
		target, source = strings.TrimSpace(target), strings.TrimSpace(source)
		if !ok || target == "" || source == "" {
			return nil, fmt.Errorf("%d:1 write a parameter as integration.request.header.NAME = SOURCE", i+1)
		}
		if !strings.HasPrefix(target, "integration.request.") {
			col := strings.Index(line, target) + 1
			return nil, fmt.Errorf("%d:%d the target starts with integration.request. (header, querystring or path)", i+1, col)
		}
		if _, dup := m[target]; dup {
			return nil, fmt.Errorf("%d:1 %s is mapped twice", i+1, target)
		}
		m[target] = source
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}

// formatParams writes request parameters one "target = source" a line,
// sorted.
func formatParams(m map[string]string) string { return formatPairs(m, " = ") }
