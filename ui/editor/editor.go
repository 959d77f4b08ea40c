package editor

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/emulator"
	"wsworkbench/emulator/model"
	"wsworkbench/ui/format"
	"wsworkbench/ui/internal/compact"
)

// Host is what the editor needs from the window: the draft it edits in
// place, a way to report each change, a window for its dialogs, and the
// backends its settings show.
type Host interface {
	// Draft is the API being edited (the workspace's model).
	Draft() *model.API
	// AssignIDs gives new elements of the draft logical IDs.
	AssignIDs()
	// Edited is called after every change of the draft.
	Edited()
	// RouteAdded is called after a route was added (the composers may be
	// offered a message for it).
	RouteAdded(key string)
	// Window is where the editor's dialogs open.
	Window() fyne.Window
	// ShowError shows an error the editor cannot show in a field.
	ShowError(error)
	// Backends are the local backends the settings show and switch.
	Backends() Backends
}

// Backends are the local chat backend and TLS, as the settings' Backends
// section shows and switches them.
type Backends interface {
	ChatURL() string // "" while the chat backend does not run
	ToggleChat()
	TLSOn() bool
	Restarting() bool // TLS cannot be switched while the gateway restarts
	ToggleTLS()
	CertPath() string // "" while TLS is off
}

// Editor is the left of the window: the API's settings and its routes
// as a list, and below them the selected item's editor. It edits the
// workspace's draft model in place and tells the workbench after each
// change; the workbench compiles the draft and, when it compiles, hands it
// to the gateway.
type Editor struct {
	// Routes is the top: the API settings and the routes.
	Routes *RouteList

	host     Host
	detail   *fyne.Container
	editors  []*codeEditor // the detail's fields that show compile errors
	labels   []*errorLabel // the detail's other error labels
	problems *problemList
	obj      fyne.CanvasObject
	errs     emulator.CompileErrors

	// The route editor's state that survives a rebuild of the detail.
	reqKey  string // request template key shown
	respID  string // integration response shown
	respKey string // response template key shown
	tab     int    // 0: request, 1: responses

	backend *backendSettings // the settings' Backends section, while shown
	fn      *functionForm    // the local function of a Lambda integration, while shown
	// authFn is the $connect authorizer's Function field, while shown, and
	// the workspace's functions it lists.
	authFn        *widget.SelectEntry
	authFnOptions []string
}

// errorLabel is an error line for a place that is not a text field (a
// route, an integration, a response key).
type errorLabel struct {
	label *widget.Label
	match errorMatcher
}

// New returns the editor of host's draft; errs are the draft's compile
// errors at start.
func New(host Host, errs emulator.CompileErrors) *Editor {
	ed := &Editor{host: host}
	ed.Routes = newRouteList(ed)
	ed.detail = container.NewStack()
	ed.problems = &problemList{ed: ed, box: container.NewVBox()}
	// The detail scrolls when the window is too short for it (a big zoom).
	ed.obj = container.New(&editorLayout{rl: ed.Routes}, ed.Routes.obj,
		container.NewBorder(nil, ed.problems.box, nil, nil, container.NewVScroll(ed.detail)))
	ed.errs = errs
	ed.Routes.selectFirst()
	return ed
}

func (ed *Editor) Object() fyne.CanvasObject { return ed.obj }

func (ed *Editor) api() *model.API { return ed.host.Draft() }

// routeRow is a row of the routes list: the key, then what it does.
type routeRow struct {
	widget.BaseWidget
	icon    *widget.Icon
	key     *widget.Label
	meta    *widget.Label
	content fyne.CanvasObject
}

func newRouteRow() fyne.CanvasObject {
	r := &routeRow{icon: widget.NewIcon(nil), key: widget.NewLabel(""), meta: widget.NewLabel("")}
	r.key.TextStyle = fyne.TextStyle{Monospace: true, Bold: true}
	r.key.Truncation = fyne.TextTruncateEllipsis
	// Compact rows, as in a client's log: more routes show whole.
	r.content = container.New(compact.Layout{}, container.NewBorder(nil, nil, r.icon, r.meta, r.key))
	r.ExtendBaseWidget(r)
	return r
}

func (r *routeRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.content) }

// routeMatcher matches the errors of a route and of its integration.
func routeMatcher(api *model.API, r *model.Route) errorMatcher {
	key, integ := r.Key, r.IntegrationID
	return func(e *emulator.CompileError) bool {
		return e.Route == key || integ != "" && e.Integration == integ
	}
}

func (ed *Editor) hasErrors(m errorMatcher) bool {
	for _, e := range ed.errs {
		if m(e) {
			return true
		}
	}
	return false
}

// openingTab is the tab of the route editor a route opens on: Responses
// (1) when the route answers (it has a route response) and its integration
// has a response template, since what a route answers is what a person most
// often comes to change; else Request (0).
func openingTab(api *model.API, r *model.Route) int {
	if r == nil || r.RouteResponse == nil {
		return 0
	}
	in := api.Integration(r.IntegrationID)
	if in == nil {
		return 0
	}
	for _, resp := range in.Responses {
		if len(resp.ResponseTemplates) > 0 {
			return 1
		}
	}
	return 0
}

// rebuild builds the detail for the selection.
func (ed *Editor) rebuild() {
	ed.editors, ed.labels, ed.fn = nil, nil, nil
	ed.authFn, ed.authFnOptions = nil, nil
	var obj fyne.CanvasObject
	switch r := ed.Routes.SelectedRoute(); {
	case ed.Routes.sel == 0:
		obj = ed.forms().buildSettings()
	case r != nil:
		obj = ed.forms().buildRoute(r.ID)
	default:
		l := widget.NewLabel("Select the API settings or a route to edit it.")
		l.Importance = widget.LowImportance
		l.Wrapping = fyne.TextWrapWord
		obj = l
	}
	ed.detail.Objects = []fyne.CanvasObject{obj}
	ed.detail.Refresh()
	ed.ShowErrors(ed.errs)
}

// reload shows a newly opened workspace.
func (ed *Editor) Reload() {
	ed.Routes.sel = -1
	ed.Routes.list.UnselectAll()
	ed.Routes.list.Refresh()
	ed.errs = nil
	ed.Routes.selectFirst()
	ed.problems.show()
}

// edited tells the workbench about a change of the draft.
func (ed *Editor) edited() { ed.host.Edited() }

// showErrors shows compile errors in the fields they belong to, marks the
// routes that have any, and lists them all under the editor.
func (ed *Editor) ShowErrors(errs emulator.CompileErrors) {
	ed.errs = errs
	for _, c := range ed.editors {
		c.setErrors(errs)
	}
	for _, l := range ed.labels {
		text := ""
		for _, e := range errs {
			if l.match(e) {
				text = fieldError(e)
				break
			}
		}
		l.label.SetText(text)
		if text == "" {
			l.label.Hide()
		} else {
			l.label.Show()
		}
	}
	ed.Routes.list.Refresh()
	ed.problems.show()
}

// problemText is a compile error as the problem list shows it: the route
// it belongs to by key (an integration by the routes that use it, never by
// its CloudFormation logical ID), then the field, the line:col and the
// message, on one line:
//
//	route sendmessage: request template "$default" line 3:7: unexpected "#end"
func problemText(api *model.API, e *emulator.CompileError) string {
	var parts []string
	switch {
	case e.Route != "":
		parts = append(parts, "route "+e.Route)
	case e.Integration != "":
		var keys []string
		for _, r := range api.Routes {
			if r.IntegrationID == e.Integration {
				keys = append(keys, r.Key)
			}
		}
		switch len(keys) {
		case 0:
			parts = append(parts, "integration "+e.Integration+" (no route uses it)")
		case 1:
			parts = append(parts, "route "+keys[0])
		default:
			parts = append(parts, "routes "+strings.Join(keys, ", "))
		}
	}
	if e.Response != "" {
		parts = append(parts, "response "+e.Response)
	}
	field := e.Template
	if e.Line > 0 {
		field = strings.TrimSpace(fmt.Sprintf("%s line %d:%d", field, e.Line, e.Col))
	}
	if field != "" {
		parts = append(parts, field)
	}
	parts = append(parts, strings.Join(strings.Fields(e.Msg), " "))
	return strings.Join(parts, ": ")
}

// goTo selects the route (or the settings) an error is in.
func (ed *Editor) goTo(e *emulator.CompileError) {
	api := ed.api()
	for i, r := range api.Routes {
		if e.Route != "" && r.Key == e.Route || e.Integration != "" && r.IntegrationID == e.Integration {
			ed.Routes.SelectRow(i + 1)
			if e.Response != "" {
				if in := api.Integration(r.IntegrationID); in != nil {
					for _, resp := range in.Responses {
						if resp.Key == e.Response {
							ed.respID, ed.tab = resp.ID, 1
							ed.rebuild()
						}
					}
				}
			}
			return
		}
	}
	ed.Routes.SelectRow(0)
}

// askKey asks for a key; apply's error keeps the dialog's question open.
func (ed *Editor) askKey(title, initial, hint string, apply func(string) error) {
	entry := widget.NewEntry()
	entry.TextStyle = fyne.TextStyle{Monospace: true}
	entry.SetText(initial)
	errLabel := widget.NewLabel("")
	errLabel.Importance = widget.DangerImportance
	errLabel.Wrapping = fyne.TextWrapWord
	hintLabel := widget.NewLabel(hint)
	hintLabel.Wrapping = fyne.TextWrapWord
	var d dialog.Dialog
	submit := func() {
		if err := apply(entry.Text); err != nil {
			errLabel.SetText(format.ErrorText(err))
			return
		}
		d.Hide()
	}
	entry.OnSubmitted = func(string) { submit() }
	ok := widget.NewButton("OK", submit)
	ok.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel", func() { d.Hide() })
	content := container.NewVBox(hintLabel, entry, errLabel, container.NewHBox(cancel, ok))
	d = dialog.NewCustomWithoutButtons(title, content, ed.host.Window())
	d.Resize(fyne.NewSize(420, 200))
	d.Show()
	ed.host.Window().Canvas().Focus(entry)
}

// Handles for the window's tests: the parts of the editor a test reaches
// to act as a person would and to read what is drawn.

// Detail is the selected item's editor as drawn.
func (ed *Editor) Detail() *fyne.Container { return ed.detail }

// Problems is the list of compile errors under the editor.
func (ed *Editor) Problems() *fyne.Container { return ed.problems.box }

// Backend is the settings' Backends section while the API settings are
// shown, else nil.
func (ed *Editor) Backend() *backendSettings { return ed.backend }

// Function is the local function form of the Lambda integration shown, else
// nil.
func (ed *Editor) Function() *functionForm { return ed.fn }

// AuthorizerFunction returns the $connect authorizer's Function field (nil
// when not shown) and the workspace's functions its list offers.
func (ed *Editor) AuthorizerFunction() (*widget.SelectEntry, []string) {
	return ed.authFn, ed.authFnOptions
}

// Tab is the route editor's selected tab: 0 Request, 1 Responses.
func (ed *Editor) Tab() int { return ed.tab }

// editorLayout puts the route list above the selected item's detail. The
// list shows whole rows: as many as fit in routeShare of the height, and
// at least minRouteRows (the API settings and four routes) while the
// detail keeps its minimum; never more than the API has.
//
// Objects: the route list's pane, the detail.
type editorLayout struct{ rl *RouteList }

const (
	routeShare   = 0.34
	minRouteRows = 5
)

// topHeight is the height of the route list's pane in an editor h high
// whose detail needs at least bottomMin.
func (l *editorLayout) topHeight(top fyne.CanvasObject, h, bottomMin float32) float32 {
	rows := &l.rl.rows
	pad := theme.Padding()
	chrome := top.MinSize().Height - l.rl.list.MinSize().Height
	n := l.rl.length()
	fit := func(k int) bool { return chrome+rows.Height(k)+pad+bottomMin <= h }
	k := int((h*routeShare - chrome + pad) / rows.Step())
	k = min(max(k, minRouteRows), n)
	for k > 1 && !fit(k) {
		k--
	}
	return chrome + rows.Height(max(k, 1))
}

func (l *editorLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	top, bottom := objs[0], objs[1]
	th := l.topHeight(top, size.Height, bottom.MinSize().Height)
	top.Move(fyne.NewPos(0, 0))
	top.Resize(fyne.NewSize(size.Width, th))
	y := th + theme.Padding()
	bottom.Move(fyne.NewPos(0, y))
	bottom.Resize(fyne.NewSize(size.Width, max(size.Height-y, 0)))
}

// MinSize is one row of routes above the detail's minimum: the list gives
// way first in a short window.
func (l *editorLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	top, bottom := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(max(top.Width, bottom.Width), top.Height+theme.Padding()+bottom.Height)
}
