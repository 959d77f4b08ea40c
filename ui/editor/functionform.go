package editor

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/emulator/localfn"
	"wsworkbench/emulator/model"
	"wsworkbench/emulator/workspace"
)

// noLocalFunction is the function picker's choice for an integration that
// calls no function of the workspace.
const noLocalFunction = "none"

// unsupportedMark follows a runtime the workbench does not run.
const unsupportedMark = " (does not run here)"

// functionForm is a Lambda integration's local function: which of the
// workspace's functions it calls, or a new one made from a code folder, and
// that function's code folder, handler, runtime, timeout, memory and
// variables. Every change edits the draft's function (model.API.Functions)
// in place and tells the workbench, which checks the function and runs it
// from the next message on, as with any other edit. Its exported fields are
// the handles tests reach through Editor.Function.
type functionForm struct {
	f       forms
	integID string
	name    string // the function shown, "" for none

	Pick    *widget.Select
	New     *widget.Button
	Delete  *widget.Button // while a function is shown
	Folder  *widget.Entry
	Handler *widget.Entry
	Runtime *widget.Select
	Timeout *codeEditor
	Memory  *codeEditor
	Env     *codeEditor
}

// buildFunctionForm returns the local function part of integration
// integID's editor.
func (f forms) buildFunctionForm(integID string) fyne.CanvasObject {
	ed := f.ed
	api := ed.api()
	ff := &functionForm{f: f, integID: integID}
	ed.fn = ff
	in := api.Integration(integID)
	if name, ok := localFunctionOf(api, in); ok {
		ff.name = name
	}

	ff.Pick = widget.NewSelect(append([]string{noLocalFunction}, functionNames(api)...), nil)
	if ff.name != "" {
		ff.Pick.SetSelected(ff.name)
	} else {
		ff.Pick.SetSelected(noLocalFunction)
	}
	ff.Pick.OnChanged = ff.onPick
	ff.New = widget.NewButton("New…", ff.onNew)
	pick := &widget.FormItem{Text: "Local code", Widget: container.NewBorder(nil, nil, nil, ff.New, ff.Pick)}

	note := widget.NewLabel("")
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.LowImportance
	if ff.name == "" {
		note.SetText("New… makes a function from a code folder (Node.js, Python, Ruby or a custom runtime's bootstrap) and saves it in the workspace, so this route runs your code.")
		return container.NewVBox(widget.NewForm(pick), note)
	}
	ff.Delete = widget.NewButtonWithIcon("", theme.DeleteIcon(), ff.onDelete)
	pick.Widget = container.NewBorder(nil, nil, nil, container.NewHBox(ff.New, ff.Delete), ff.Pick)
	fn := api.Function(ff.name)
	note.SetText(fmt.Sprintf("Saved as the AWS::Serverless::Function %s (CodeUri relative to the workspace file).", fn.Name))
	if api.Settings.LambdaEndpoint != "" {
		note.SetText(note.Text + " The API settings name a Lambda endpoint, so calls go there, not to this code.")
		note.Importance = widget.WarningImportance
	}
	return container.NewVBox(widget.NewForm(append([]*widget.FormItem{pick}, ff.buildFields(fn)...)...), note)
}

// buildFields returns the fields of the function shown.
func (ff *functionForm) buildFields(fn *model.Function) []*widget.FormItem {
	ed := ff.f.ed
	name := fn.Name
	edit := func(change func(*model.Function)) {
		if fn := ed.api().Function(name); fn != nil {
			change(fn)
			ed.edited()
		}
	}

	ff.Folder = widget.NewEntry()
	ff.Folder.SetText(fn.CodeDir)
	ff.Folder.OnChanged = func(s string) { edit(func(fn *model.Function) { fn.CodeDir = strings.TrimSpace(s) }) }
	choose := widget.NewButton("Choose…", func() {
		ShowFolderDialog(ff.Folder.Text, ed.host.Window(), func(dir string) { ff.Folder.SetText(dir) })
	})

	ff.Handler = widget.NewEntry()
	ff.Handler.TextStyle = fyne.TextStyle{Monospace: true}
	ff.Handler.SetPlaceHolder("index.handler, app.lambda_handler")
	ff.Handler.SetText(fn.Handler)
	ff.Handler.OnChanged = func(s string) { edit(func(fn *model.Function) { fn.Handler = strings.TrimSpace(s) }) }

	ff.Runtime = widget.NewSelect(runtimeChoices(fn.Runtime), nil)
	ff.Runtime.SetSelected(runtimeChoice(fn.Runtime))
	ff.Runtime.OnChanged = func(s string) {
		edit(func(fn *model.Function) { fn.Runtime = strings.TrimSuffix(s, unsupportedMark) })
	}

	ff.Timeout = ff.f.code("function.timeout", intText(int(fn.Timeout/time.Second)), false, nil, nil)
	ff.Timeout.entry.SetPlaceHolder("3 (Lambda's default)")
	ff.Timeout.check = func(s string) error { _, err := parseLimit(s, 1, 900, "seconds"); return err }
	ff.Timeout.onChange = func(s string) {
		n, _ := parseLimit(s, 1, 900, "seconds")
		edit(func(fn *model.Function) { fn.Timeout = time.Duration(n) * time.Second })
	}
	ff.Memory = ff.f.code("function.memory", intText(fn.MemoryMB), false, nil, nil)
	ff.Memory.entry.SetPlaceHolder("128 (Lambda's default)")
	ff.Memory.check = func(s string) error { _, err := parseLimit(s, 128, 10240, "MB"); return err }
	ff.Memory.onChange = func(s string) {
		n, _ := parseLimit(s, 128, 10240, "MB")
		edit(func(fn *model.Function) { fn.MemoryMB = n })
	}
	ff.Env = ff.f.code("function.environment", formatVars(fn.Env), true, nil, nil)
	ff.Env.entry.SetMinRowsVisible(3)
	ff.Env.entry.SetPlaceHolder("TABLE_NAME=connections, one name=value a line")
	ff.Env.check = func(s string) error { _, err := parseVars(s); return err }
	ff.Env.onChange = func(s string) {
		vars, _ := parseVars(s)
		edit(func(fn *model.Function) { fn.Env = vars })
	}

	return []*widget.FormItem{
		{Text: "Code folder", Widget: container.NewBorder(nil, nil, nil, choose, ff.Folder)},
		{Text: "Handler", Widget: ff.Handler},
		{Text: "Runtime", Widget: ff.Runtime},
		{Text: "Timeout (s)", Widget: ff.Timeout.object()},
		{Text: "Memory (MB)", Widget: ff.Memory.object()},
		{Text: "Variables", Widget: ff.Env.object()},
	}
}

// onPick points the integration at the function picked, or at none.
func (ff *functionForm) onPick(name string) {
	ed := ff.f.ed
	in := ed.api().Integration(ff.integID)
	if in == nil || name == ff.name {
		return
	}
	if name == noLocalFunction {
		in.URI, in.FunctionName = "", ""
	} else {
		in.URI, in.FunctionName = workspace.FunctionURI(name), name
	}
	ed.edited()
	ed.rebuild()
}

// onDelete asks, then deletes the function shown.
func (ff *functionForm) onDelete() {
	ed := ff.f.ed
	name := ff.name
	dialog.ShowConfirm("Delete function", fmt.Sprintf("Delete %s from the workspace? Its code folder stays; the routes that call it call nothing until you pick another.", name), func(ok bool) {
		if ok {
			ff.Remove()
		}
	}, ed.host.Window())
}

// Remove deletes the function shown from the workspace (a save removes its
// resource; its code folder is left alone) and points every integration
// that called it at nothing.
func (ff *functionForm) Remove() {
	ed := ff.f.ed
	api := ed.api()
	name := ff.name
	api.Functions = slices.DeleteFunc(api.Functions, func(fn model.Function) bool { return fn.Name == name })
	for i := range api.Integrations {
		in := &api.Integrations[i]
		if in.URI == workspace.FunctionURI(name) || in.FunctionName == name {
			in.URI, in.FunctionName = "", ""
		}
	}
	ed.edited()
	ed.rebuild()
}

// onNew asks for a code folder and makes a function of it.
func (ff *functionForm) onNew() {
	ed := ff.f.ed
	start := ""
	if fns := ed.api().Functions; len(fns) > 0 {
		start = filepath.Dir(fns[len(fns)-1].CodeDir)
	}
	ShowFolderDialog(start, ed.host.Window(), func(dir string) {
		if err := ff.Create(dir); err != nil {
			ed.host.ShowError(err)
		}
	})
}

// Create adds a function whose code is in dir to the workspace and points
// the integration at it. The runtime and handler are guessed from the
// folder's files (index.js: Node.js, index.handler; app.py: Python,
// app.lambda_handler; ...); the form shows them to change.
func (ff *functionForm) Create(dir string) error {
	ed := ff.f.ed
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return fmt.Errorf("%s is not a folder", dir)
	}
	api := ed.api()
	in := api.Integration(ff.integID)
	if in == nil {
		return errors.New("the integration no longer exists")
	}
	runtime, handler := guessFunction(abs)
	api.Functions = append(api.Functions, model.Function{CodeDir: abs, Runtime: runtime, Handler: handler})
	ed.host.AssignIDs()
	name := api.Functions[len(api.Functions)-1].Name
	in.URI, in.FunctionName = workspace.FunctionURI(name), name
	ed.edited()
	ed.rebuild()
	return nil
}

// functionGuesses are the files that say which runtime and handler a code
// folder has, in the order they are looked for.
var functionGuesses = []struct{ file, runtime, handler string }{
	{"bootstrap", "provided.al2023", "bootstrap"},
	{"index.js", "nodejs20.x", "index.handler"},
	{"index.mjs", "nodejs20.x", "index.handler"},
	{"app.js", "nodejs20.x", "app.handler"},
	{"app.mjs", "nodejs20.x", "app.handler"},
	{"handler.js", "nodejs20.x", "handler.handler"},
	{"lambda_function.py", "python3.12", "lambda_function.lambda_handler"},
	{"app.py", "python3.12", "app.lambda_handler"},
	{"handler.py", "python3.12", "handler.handler"},
	{"lambda_function.rb", "ruby3.3", "lambda_function.lambda_handler"},
	{"app.rb", "ruby3.3", "app.lambda_handler"},
	{"function.rb", "ruby3.3", "function.handler"},
}

// guessFunction returns the runtime and handler dir's files suggest;
// Node.js and index.handler when none does.
func guessFunction(dir string) (runtime, handler string) {
	for _, g := range functionGuesses {
		if st, err := os.Stat(filepath.Join(dir, g.file)); err == nil && !st.IsDir() {
			return g.runtime, g.handler
		}
	}
	return "nodejs20.x", "index.handler"
}

// localFunctionOf returns the workspace function a Lambda integration calls.
func localFunctionOf(api *model.API, in *model.Integration) (string, bool) {
	if in == nil || in.Type != model.TypeAWSProxy && in.Type != model.TypeAWS {
		return "", false
	}
	for _, fn := range api.Functions {
		if in.URI == workspace.FunctionURI(fn.Name) || in.FunctionName == fn.Name {
			return fn.Name, true
		}
	}
	return "", false
}

// runtimeChoices are the runtimes the picker offers: the supported ones,
// then those that do not run here, marked, and current when it is neither.
func runtimeChoices(current string) []string {
	var out []string
	known := false
	for _, rt := range localfn.Runtimes {
		out = append(out, runtimeChoice(rt.ID))
		known = known || rt.ID == current
	}
	if !known && current != "" {
		out = append(out, current)
	}
	return out
}

// runtimeChoice is a runtime as the picker shows it.
func runtimeChoice(id string) string {
	for _, rt := range localfn.Runtimes {
		if rt.ID == id && !rt.Supported {
			return id + unsupportedMark
		}
	}
	return id
}

// parseLimit reads a whole number between lo and hi; "" is 0 (Lambda's
// default).
func parseLimit(s string, lo, hi int, unit string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("a whole number of %s from %d to %d, or empty for Lambda's default", unit, lo, hi)
	}
	return n, nil
}

// ShowFolderDialog opens Fyne's folder-open dialog (never its save dialog,
// which creates the file it names) at start, 900x600. The editor's function
// folders and the window's Save As and export dialogs all use it.
func ShowFolderDialog(start string, win fyne.Window, chosen func(string)) {
	fd := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err == nil && u != nil {
			chosen(u.Path())
		}
	}, win)
	if start != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(start)); err == nil {
			fd.SetLocation(l)
		}
	}
	fd.Show()
	fd.Resize(fyne.NewSize(900, 600))
}
