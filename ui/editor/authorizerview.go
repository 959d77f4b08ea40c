package editor

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/emulator/model"
	"wsworkbench/ui/format"
)

// AuthorizationTypes are the authorization types $connect offers.
var AuthorizationTypes = []string{"NONE", "CUSTOM", "AWS_IAM"}

// buildAuthorization edits how $connect authorizes a connection: the
// authorization type, for CUSTOM the Lambda REQUEST authorizer (its function,
// identity sources and cache TTL), and whether an API key is required.
func (f forms) buildAuthorization(routeID string) fyne.CanvasObject {
	ed := f.ed
	api := ed.api()
	route := func() *model.Route { return routeByID(api, routeID) }
	r := route()
	if r == nil {
		return container.NewVBox()
	}

	typ := r.AuthorizationType
	if typ == "" {
		typ = "NONE"
	}
	typeSel := widget.NewSelect(AuthorizationTypes, nil)
	typeSel.SetSelected(typ)
	typeSel.OnChanged = func(s string) {
		rt := route()
		if rt == nil || rt.AuthorizationType == s || rt.AuthorizationType == "" && s == "NONE" {
			return
		}
		rt.AuthorizationType = s
		if s == "CUSTOM" && rt.AuthorizerID == "" && len(api.Authorizers) > 0 {
			rt.AuthorizerID = api.Authorizers[0].ID
		}
		ed.edited()
		ed.rebuild()
	}
	apiKey := widget.NewCheck("API key required (x-api-key header)", func(on bool) {
		if rt := route(); rt != nil && rt.APIKeyRequired != on {
			rt.APIKeyRequired = on
			ed.edited()
		}
	})
	apiKey.SetChecked(r.APIKeyRequired)

	items := []*widget.FormItem{{Text: "Authorization", Widget: typeSel}}
	var notes []fyne.CanvasObject
	if api.Settings.MockAuthorizer.Enabled {
		l := widget.NewLabel("The mock authorizer (API settings) decides every $connect while it is on.")
		l.Importance = widget.WarningImportance
		l.Wrapping = fyne.TextWrapWord
		notes = append(notes, l)
	}
	if typ == "CUSTOM" {
		items = append(items, f.authorizerItems(routeID)...)
	}
	form := widget.NewForm(items...)
	title := widget.NewLabel("Authorization")
	title.TextStyle = fyne.TextStyle{Bold: true}
	box := container.NewVBox(widget.NewSeparator(), title)
	box.Objects = append(box.Objects, notes...)
	box.Add(form)
	box.Add(apiKey)
	box.Add(widget.NewSeparator())
	return box
}

// authorizerItems are the form rows of the authorizer $connect uses: which
// one, its function (URI or name), identity sources and TTL.
func (f forms) authorizerItems(routeID string) []*widget.FormItem {
	ed := f.ed
	api := ed.api()
	r := routeByID(api, routeID)
	var ids []string
	for _, au := range api.Authorizers {
		ids = append(ids, au.ID)
	}
	newBtn := widget.NewButtonWithIcon("New", theme.ContentAddIcon(), func() { f.addAuthorizer(routeID) })
	if len(ids) == 0 {
		return []*widget.FormItem{{Text: "Authorizer", Widget: container.NewHBox(newBtn), HintText: "no authorizer yet: add one"}}
	}
	pick := widget.NewSelect(ids, nil)
	pick.SetSelected(r.AuthorizerID)
	pick.OnChanged = func(id string) {
		if rt := routeByID(api, routeID); rt != nil && rt.AuthorizerID != id {
			rt.AuthorizerID = id
			ed.edited()
			ed.rebuild()
		}
	}
	au := api.Authorizer(r.AuthorizerID)
	buttons := container.NewHBox(newBtn)
	if au != nil {
		auID := au.ID
		buttons.Add(widget.NewButtonWithIcon("Delete", theme.DeleteIcon(), func() { f.confirmDeleteAuthorizer(auID) }))
	}
	items := []*widget.FormItem{{Text: "Authorizer", Widget: container.NewBorder(nil, nil, nil, buttons, pick)}}
	if au == nil {
		return items
	}
	auID := au.ID
	get := func() *model.Authorizer { return api.Authorizer(auID) }

	// field is an entry for one of the authorizer's text settings, trimmed.
	field := func(text, placeholder string, mono bool, set func(a *model.Authorizer, s string)) *widget.Entry {
		e := widget.NewEntry()
		e.TextStyle = fyne.TextStyle{Monospace: mono}
		e.SetPlaceHolder(placeholder)
		e.SetText(text)
		e.OnChanged = func(s string) {
			if a := get(); a != nil {
				set(a, strings.TrimSpace(s))
				ed.edited()
			}
		}
		return e
	}
	name := field(au.Name, "authorizer name", false, func(a *model.Authorizer, s string) { a.Name = s })
	uri := field(au.URI, uriHint(model.TypeAWSProxy), true, func(a *model.Authorizer, s string) { a.URI = s })
	// The function: any name (an endpoint's, RIE's "function"), or one of
	// the workspace's functions from the list, which runs its code here.
	fn := widget.NewSelectEntry(functionNames(api))
	ed.authFn, ed.authFnOptions = fn, functionNames(api)
	fn.TextStyle = fyne.TextStyle{Monospace: true}
	fn.SetPlaceHolder(derivedFunction(au.URI))
	fn.SetText(au.FunctionName)
	fn.OnChanged = func(s string) {
		if a := get(); a != nil {
			a.FunctionName = strings.TrimSpace(s)
			ed.edited()
		}
	}
	sources := f.code("identitySource", strings.Join(au.IdentitySource, ", "), false, nil, nil)
	sources.entry.SetPlaceHolder("route.request.header.Authorization, route.request.querystring.token")
	sources.onChange = func(s string) {
		if a := get(); a != nil {
			a.IdentitySource = format.SplitList(s)
			ed.edited()
		}
	}
	ttl := f.code("authorizerTTL", strconv.Itoa(au.TTLSeconds), false, nil, nil)
	ttl.check = func(s string) error { _, err := parseTTL(s); return err }
	ttl.onChange = func(s string) {
		if a := get(); a != nil {
			a.TTLSeconds, _ = parseTTL(s)
			ed.edited()
		}
	}
	return append(items,
		&widget.FormItem{Text: "Name", Widget: name, HintText: "the authorizer's name; its ID (" + auID + ") stays"},
		&widget.FormItem{Text: "Authorizer URI", Widget: uri},
		&widget.FormItem{Text: "Function", Widget: fn, HintText: functionHint(api)},
		&widget.FormItem{Text: "Identity sources", Widget: sources.object(), HintText: "comma-separated; a missing one answers 401 without a call"},
		&widget.FormItem{Text: "Cache TTL", Widget: ttl.object(), HintText: "seconds, 0-3600 (0: call every time)"},
	)
}

// functionNames returns the names of the workspace's functions.
func functionNames(api *model.API) []string {
	names := make([]string, 0, len(api.Functions))
	for _, fn := range api.Functions {
		names = append(names, fn.Name)
	}
	return names
}

// functionHint is the authorizer's Function field's hint.
func functionHint(api *model.API) string {
	if len(api.Functions) == 0 {
		return "overrides the function the URI names"
	}
	return "overrides the function the URI names; pick one of the workspace's functions (the list) to run its code here"
}

// addAuthorizer adds a REQUEST authorizer that reads the Authorization
// header and makes $connect use it.
func (f forms) addAuthorizer(routeID string) {
	ed := f.ed
	api := ed.api()
	api.Authorizers = append(api.Authorizers, model.Authorizer{
		Name:           "authorizer",
		Type:           "REQUEST",
		FunctionName:   "authorizer",
		IdentitySource: []string{"route.request.header.Authorization"},
	})
	ed.host.AssignIDs()
	if r := routeByID(api, routeID); r != nil {
		r.AuthorizationType = "CUSTOM"
		r.AuthorizerID = api.Authorizers[len(api.Authorizers)-1].ID
	}
	ed.edited()
	ed.rebuild()
}

// confirmDeleteAuthorizer asks, then deletes the authorizer id.
func (f forms) confirmDeleteAuthorizer(id string) {
	ed := f.ed
	dialog.ShowConfirm("Delete authorizer", "Delete the "+id+" authorizer? Every route that uses it goes back to authorization NONE.", func(ok bool) {
		if !ok {
			return
		}
		deleteAuthorizer(ed.api(), id)
		ed.edited()
		ed.rebuild()
	}, ed.host.Window())
}

// deleteAuthorizer removes the authorizer id from api and sets every route
// that used it back to authorization NONE.
func deleteAuthorizer(api *model.API, id string) {
	api.Authorizers = slices.DeleteFunc(api.Authorizers, func(a model.Authorizer) bool { return a.ID == id })
	for i := range api.Routes {
		if r := &api.Routes[i]; r.AuthorizerID == id {
			r.AuthorizerID = ""
			r.AuthorizationType = "NONE"
		}
	}
}

// parseTTL reads an authorizer's cache TTL in seconds; "" is 0.
func parseTTL(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 3600 {
		return 0, errors.New("a whole number of seconds from 0 to 3600")
	}
	return n, nil
}
