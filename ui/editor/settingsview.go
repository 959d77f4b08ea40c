package editor

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/emulator"
	"wsworkbench/emulator/dynamo"
)

// buildSettings is the editor of the API's settings: name, route selection
// expression, stage and stage variables, limits and time scale.
func (f forms) buildSettings() fyne.CanvasObject {
	ed := f.ed
	api := ed.api()
	d := api.Settings.Defaults()

	name := widget.NewEntry()
	name.SetText(api.Name)
	name.OnChanged = func(s string) { api.Name = s; ed.edited() }

	rse := f.code("routeSelection", api.RouteSelectionExpression, false, func(s string) { api.RouteSelectionExpression = s },
		func(e *emulator.CompileError) bool { return e.Template == "RouteSelectionExpression" })

	stage := f.code("stage", api.Stage.Name, false, func(s string) { api.Stage.Name = s },
		func(e *emulator.CompileError) bool { return e.Template == "stage" })

	vars := f.code("stageVariables", formatVars(api.Stage.Variables), true, nil, nil)
	vars.entry.SetMinRowsVisible(3)
	vars.entry.SetPlaceHolder("name=value, one a line")
	vars.check = func(s string) error { _, err := parseVars(s); return err }
	vars.onChange = func(s string) {
		m, _ := parseVars(s)
		api.Stage.Variables = m
		ed.edited()
	}

	intField := func(name string, v *int, def int) *codeEditor {
		c := f.code(name, intText(*v), false, nil, nil)
		c.entry.SetPlaceHolder(strconv.Itoa(def) + " (AWS)")
		c.check = func(s string) error { _, err := parseCount(s); return err }
		c.onChange = func(s string) { n, _ := parseCount(s); *v = n; ed.edited() }
		return c
	}
	durField := func(name string, v *time.Duration, def time.Duration) *codeEditor {
		c := f.code(name, durText(*v), false, nil, nil)
		c.entry.SetPlaceHolder(def.String() + " (AWS)")
		c.check = func(s string) error { _, err := parseDur(s); return err }
		c.onChange = func(s string) { n, _ := parseDur(s); *v = n; ed.edited() }
		return c
	}
	st := &api.Settings
	frame := intField("maxFrame", &st.MaxFrameBytes, d.MaxFrameBytes)
	msg := intField("maxMessage", &st.MaxMessageBytes, d.MaxMessageBytes)
	idle := durField("idleTimeout", &st.IdleTimeout, d.IdleTimeout)
	maxConn := durField("maxConnection", &st.MaxConnectionTime, d.MaxConnectionTime)
	integ := durField("integrationTimeout", &st.IntegrationTimeout, d.IntegrationTimeout)
	scale := f.code("timeScale", floatText(st.TimeScale), false, nil, nil)
	scale.entry.SetPlaceHolder("1 (real time)")
	scale.check = func(s string) error { _, err := parseScale(s); return err }
	scale.onChange = func(s string) { f, _ := parseScale(s); st.TimeScale = f; ed.edited() }
	lambda := widget.NewEntry()
	lambda.SetPlaceHolder("http://127.0.0.1:3001 (sam local start-lambda)")
	lambda.SetText(st.LambdaEndpoint)
	lambda.OnChanged = func(s string) { st.LambdaEndpoint = strings.TrimSpace(s); ed.edited() }

	dynamoDB := f.code("dynamodbEndpoint", st.DynamoDBEndpoint, false, nil, nil)
	dynamoDB.entry.SetPlaceHolder("http://127.0.0.1:8000 (DynamoDB Local, dynalite)")
	dynamoDB.check = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		return dynamo.CheckEndpoint(s)
	}
	dynamoDB.onChange = func(s string) { st.DynamoDBEndpoint = strings.TrimSpace(s); ed.edited() }

	settingsErr := f.errorLabel(func(e *emulator.CompileError) bool { return e.Template == "settings" })

	form := widget.NewForm(
		widget.NewFormItem("Name", name),
		&widget.FormItem{Text: "Route selection", Widget: rse.object(), HintText: "e.g. $request.body.action"},
		&widget.FormItem{Text: "Stage", Widget: stage.object(), HintText: "the URL's path: ws://host/STAGE"},
		&widget.FormItem{Text: "Stage variables", Widget: vars.object()},
		&widget.FormItem{Text: "Max frame", Widget: frame.object(), HintText: "bytes; larger frames close with 1009"},
		&widget.FormItem{Text: "Max message", Widget: msg.object(), HintText: "bytes"},
		&widget.FormItem{Text: "Idle timeout", Widget: idle.object(), HintText: "e.g. 10m, 90s"},
		&widget.FormItem{Text: "Max connection", Widget: maxConn.object(), HintText: "e.g. 2h"},
		&widget.FormItem{Text: "Integration timeout", Widget: integ.object()},
		&widget.FormItem{Text: "Time scale", Widget: scale.object(), HintText: "60 makes 10 minutes last 10 seconds"},
		&widget.FormItem{Text: "Lambda endpoint", Widget: lambda},
		&widget.FormItem{Text: "DynamoDB endpoint", Widget: dynamoDB.object(), HintText: "tables are created there; local functions use it"},
	)
	return container.NewVScroll(container.NewVBox(settingsErr, form, f.buildBackendSettings()))
}

// code returns a code editor whose changes are stored by set (when set is
// given) and reported to the workbench, and registers it for errors.
func (f forms) code(name, text string, multiLine bool, set func(string), match errorMatcher) *codeEditor {
	ed := f.ed
	var onChange func(string)
	if set != nil {
		onChange = func(s string) { set(s); ed.edited() }
	}
	c := newCodeEditor(text, multiLine, onChange, match)
	c.name = name
	ed.editors = append(ed.editors, c)
	return c
}

// field returns the detail's field with the given name, or nil.
func (ed *Editor) Field(name string) *codeEditor {
	for _, c := range ed.editors {
		if c.name == name {
			return c
		}
	}
	return nil
}

// errorLabel returns a hidden label that shows the first error match picks.
func (f forms) errorLabel(match errorMatcher) *widget.Label {
	ed := f.ed
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	ed.labels = append(ed.labels, &errorLabel{label: l, match: match})
	return l
}

func intText(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func durText(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return d.String()
}

func floatText(f float64) string {
	if f == 0 {
		return ""
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// parseCount reads a byte count; "" is 0, AWS's value.
func parseCount(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, errors.New("a whole number of bytes, or empty for AWS's limit")
	}
	return n, nil
}

// parseDur reads a duration such as 10m; "" is 0, AWS's value.
func parseDur(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, errors.New("a duration such as 90s, 10m or 2h, or empty for AWS's value")
	}
	return d, nil
}

// parseScale reads the time scale; "" is 0 (real time).
func parseScale(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		return 0, errors.New("a number such as 60, or empty for real time")
	}
	return f, nil
}

// parseVars reads variables (stage variables, a mock authorizer's context,
// a function's environment), one name=value a line.
func parseVars(s string) (map[string]string, error) {
	m := map[string]string{}
	for i, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("%d:1 write a variable as name=value", i+1)
		}
		for j, c := range name {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
				return nil, fmt.Errorf("%d:%d a variable name has letters, digits and _ only", i+1, j+1)
			}
		}
		m[name] = strings.TrimSpace(value)
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}

// formatVars writes stage variables one name=value a line, sorted.
func formatVars(m map[string]string) string { return formatPairs(m, "=") }

// formatPairs writes m one key, sep, value a line, sorted by key.
func formatPairs(m map[string]string, sep string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + sep + m[k] + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}
