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
)

// IntegrationTypes are the integration types the editor offers.
var IntegrationTypes = []string{model.TypeMock, model.TypeHTTP, model.TypeHTTPProxy, model.TypeAWSProxy, model.TypeAWS}

// PassthroughChoices are an integration's passthrough behaviours.
var PassthroughChoices = []string{"WHEN_NO_MATCH", "NEVER", "WHEN_NO_TEMPLATES"}

// buildRoute is the editor of one route: whether it is two-way, its
// integration, the integration's request templates and its responses.
func (f forms) buildRoute(routeID string) fyne.CanvasObject {
	ed := f.ed
	api := ed.api()
	r := routeByID(api, routeID)
	key := r.Key

	title := widget.NewLabel(key)
	title.TextStyle = fyne.TextStyle{Monospace: true, Bold: true}
	twoWay := widget.NewCheck("Two-way (route response)", nil)
	twoWay.SetChecked(r.RouteResponse != nil)
	twoWay.OnChanged = func(on bool) {
		if rt := routeByID(api, routeID); rt != nil {
			setTwoWay(rt, on)
			ed.Routes.list.Refresh()
			ed.edited()
		}
	}
	if key == model.RouteConnect || key == model.RouteDisconnect {
		twoWay.Text = "Route response (" + key + " never sends a frame)"
		twoWay.Refresh()
	}
	routeErr := f.errorLabel(func(e *emulator.CompileError) bool { return e.Route == key && e.Integration == "" })
	head := container.NewVBox(title, twoWay, routeErr)
	if key == model.RouteConnect {
		head.Add(f.buildAuthorization(routeID))
	}

	in := api.Integration(r.IntegrationID)
	if in == nil {
		add := widget.NewButtonWithIcon("Add a MOCK integration", theme.ContentAddIcon(), func() {
			if rt := routeByID(api, routeID); rt != nil {
				ensureIntegration(api, rt, ed.host.AssignIDs)
				ed.Routes.list.Refresh()
				ed.edited()
				ed.rebuild()
			}
		})
		note := widget.NewLabel("This route has no integration: the gateway accepts its messages and answers nothing.")
		note.Wrapping = fyne.TextWrapWord
		return container.NewVScroll(container.NewVBox(head, note, add))
	}
	integID := in.ID
	integ := func() *model.Integration { return api.Integration(integID) }

	typeSel := widget.NewSelect(IntegrationTypes, nil)
	typeSel.SetSelected(in.Type)
	typeSel.OnChanged = func(s string) {
		if it := integ(); it != nil && it.Type != s {
			it.Type = s
			ed.Routes.list.Refresh()
			ed.edited()
			ed.rebuild()
		}
	}
	integErr := f.errorLabel(func(e *emulator.CompileError) bool {
		return e.Integration == integID && e.Response == "" && e.Template == ""
	})
	integRow := container.NewBorder(nil, nil, widget.NewLabel("Integration"), nil, typeSel)
	headObjs := []fyne.CanvasObject{head, integRow}
	if in.Type != model.TypeMock {
		uri := widget.NewEntry()
		uri.TextStyle = fyne.TextStyle{Monospace: true}
		uri.SetPlaceHolder(uriHint(in.Type))
		uri.SetText(in.URI)
		uri.OnChanged = func(s string) {
			if it := integ(); it != nil {
				it.URI = strings.TrimSpace(s)
				ed.edited()
			}
		}
		headObjs = append(headObjs, container.NewBorder(nil, nil, widget.NewLabel("URI"), nil, uri))
		headObjs = append(headObjs, f.buildBackendFields(integID)...)
	}
	if others := sharedWith(api, integID, routeID); len(others) > 0 {
		l := widget.NewLabel("Shared with " + strings.Join(others, ", ") + ": changes apply to them too.")
		l.Importance = widget.WarningImportance
		l.Wrapping = fyne.TextWrapWord
		headObjs = append(headObjs, l)
	}
	headObjs = append(headObjs, integErr)
	top := container.NewVBox(headObjs...)

	if in.Type == model.TypeAWSProxy || in.Type == model.TypeHTTPProxy {
		note := widget.NewLabel("A proxy integration gets the message as it is and answers for itself: it has no mapping templates or integration responses.")
		note.Wrapping = fyne.TextWrapWord
		return container.NewBorder(top, nil, nil, nil, container.NewVBox(note))
	}

	tabs := container.NewAppTabs(
		container.NewTabItem("Request", f.buildRequest(integID)),
		container.NewTabItem(fmt.Sprintf("Responses (%d)", len(in.Responses)), f.buildResponses(integID)),
	)
	tabs.SelectIndex(ed.tab)
	tabs.OnSelected = func(*container.TabItem) { ed.tab = tabs.SelectedIndex() }
	return container.NewBorder(top, nil, nil, nil, tabs)
}

func uriHint(typ string) string {
	switch typ {
	case model.TypeHTTP, model.TypeHTTPProxy:
		return "https://backend.example.com/ws"
	}
	return "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:…:function:NAME/invocations"
}

// sharedWith returns the keys of the other routes that use an integration.
func sharedWith(api *model.API, integID, routeID string) []string {
	var keys []string
	for _, r := range api.Routes {
		if r.IntegrationID == integID && r.ID != routeID {
			keys = append(keys, r.Key)
		}
	}
	return keys
}

// buildRequest edits the integration's request side: template selection
// expression, passthrough behaviour and request templates.
func (f forms) buildRequest(integID string) fyne.CanvasObject {
	ed := f.ed
	api := ed.api()
	integ := func() *model.Integration { return api.Integration(integID) }
	in := integ()
	tse := f.code("request.selection", in.TemplateSelectionExpression, false,
		func(s string) {
			if it := integ(); it != nil {
				it.TemplateSelectionExpression = s
			}
		},
		func(e *emulator.CompileError) bool {
			return e.Integration == integID && e.Response == "" && e.Template == "TemplateSelectionExpression"
		})
	tse.entry.SetPlaceHolder("empty: the $default template (e.g. $request.body.action)")
	pass := widget.NewSelect(PassthroughChoices, nil)
	pt := in.PassthroughBehavior
	if pt == "" {
		pt = "WHEN_NO_MATCH"
	}
	pass.SetSelected(pt)
	pass.OnChanged = func(s string) {
		if it := integ(); it != nil {
			it.PassthroughBehavior = s
			ed.edited()
		}
	}
	form := widget.NewForm(
		&widget.FormItem{Text: "Selection", Widget: tse.object()},
		&widget.FormItem{Text: "Passthrough", Widget: pass},
	)
	templates := f.buildTemplates("request", integID, "", "request.template",
		func() map[string]string {
			if it := integ(); it != nil {
				return it.RequestTemplates
			}
			return nil
		},
		func(m map[string]string) {
			if it := integ(); it != nil {
				it.RequestTemplates = m
			}
		}, &ed.reqKey)
	return container.NewBorder(form, nil, nil, nil, templates)
}

// buildResponses edits the integration responses: pick one by key, then its
// template selection expression and response templates.
func (f forms) buildResponses(integID string) fyne.CanvasObject {
	ed := f.ed
	api := ed.api()
	integ := func() *model.Integration { return api.Integration(integID) }
	in := integ()

	add := widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() {
		initial := "/200/"
		for _, r := range integ().Responses {
			if r.Key == initial {
				initial = "$default"
			}
		}
		ed.askKey("Add integration response", initial, `Response key: $default, or a regular expression on the status between slashes, like /2\d\d/`, func(k string) error {
			return ed.AddResponse(integID, k)
		})
	})
	if len(in.Responses) == 0 {
		note := widget.NewLabel("No integration responses: the route sends nothing back. Add /200/ (or $default) to answer.")
		note.Wrapping = fyne.TextWrapWord
		return container.NewVBox(note, container.NewHBox(add))
	}
	var keys []string
	for _, r := range in.Responses {
		keys = append(keys, r.Key)
	}
	if responseByID(in, ed.respID) == nil {
		ed.respID, ed.respKey = in.Responses[0].ID, ""
	}
	resp := responseByID(in, ed.respID)
	respID, respKey := resp.ID, resp.Key
	sel := widget.NewSelect(keys, nil)
	sel.SetSelected(respKey)
	sel.OnChanged = func(k string) {
		for _, r := range integ().Responses {
			if r.Key == k && r.ID != ed.respID {
				ed.respID, ed.respKey = r.ID, ""
				ed.rebuild()
				return
			}
		}
	}
	rename := widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), func() {
		ed.askKey("Rename integration response", respKey, "New response key", func(k string) error {
			it := integ()
			if err := checkResponseKey(it, k, respID); err != nil {
				return err
			}
			responseByID(it, respID).Key = k
			ed.edited()
			ed.rebuild()
			return nil
		})
	})
	del := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
		dialog.ShowConfirm("Delete integration response", "Delete the "+respKey+" response and its templates?", func(ok bool) {
			if !ok {
				return
			}
			it := integ()
			for i := range it.Responses {
				if it.Responses[i].ID == respID {
					it.Responses = append(it.Responses[:i], it.Responses[i+1:]...)
					break
				}
			}
			ed.respID = ""
			ed.edited()
			ed.rebuild()
		}, ed.host.Window())
	})
	respErr := f.errorLabel(func(e *emulator.CompileError) bool {
		return e.Integration == integID && e.Response == respKey && e.Template == ""
	})
	tse := f.code("response.selection", resp.TemplateSelectionExpression, false,
		func(s string) {
			if r := responseByID(integ(), respID); r != nil {
				r.TemplateSelectionExpression = s
			}
		},
		func(e *emulator.CompileError) bool {
			return e.Integration == integID && e.Response == respKey && e.Template == "TemplateSelectionExpression"
		})
	tse.entry.SetPlaceHolder("empty: the $default template (e.g. ${request.body.messageId})")
	keyRow := container.NewBorder(nil, nil, widget.NewLabel("Response"), container.NewHBox(add, rename, del), sel)
	form := widget.NewForm(&widget.FormItem{Text: "Selection", Widget: tse.object()})
	templates := f.buildTemplates("response", integID, respKey, "response.template",
		func() map[string]string {
			if r := responseByID(integ(), respID); r != nil {
				return r.ResponseTemplates
			}
			return nil
		},
		func(m map[string]string) {
			if r := responseByID(integ(), respID); r != nil {
				r.ResponseTemplates = m
			}
		}, &ed.respKey)
	return container.NewBorder(container.NewVBox(keyRow, respErr, form), nil, nil, nil, templates)
}

// addResponse adds an integration response with key to an integration and
// shows it.
func (ed *Editor) AddResponse(integID, key string) error {
	it := ed.api().Integration(integID)
	if it == nil {
		return fmt.Errorf("the integration no longer exists")
	}
	if err := checkResponseKey(it, key, ""); err != nil {
		return err
	}
	it.Responses = append(it.Responses, model.IntegrationResponse{Key: key})
	ed.host.AssignIDs()
	ed.respID, ed.respKey, ed.tab = it.Responses[len(it.Responses)-1].ID, "", 1
	ed.edited()
	ed.rebuild()
	return nil
}

// buildTemplates edits a set of mapping templates keyed by template
// selection value: pick a key, edit its template in a monospace editor.
// kind is "request" or "response"; respKey names the integration response
// (for errors); selKey remembers the key shown across rebuilds.
func (f forms) buildTemplates(kind, integID, respKey, fieldName string, get func() map[string]string, set func(map[string]string), selKey *string) fyne.CanvasObject {
	ed := f.ed
	m := get()
	keys := sortedTemplateKeys(m)
	if _, ok := m[*selKey]; !ok {
		*selKey = ""
		if len(keys) > 0 {
			*selKey = keys[0]
		}
	}
	key := *selKey

	add := widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() {
		initial := "$default"
		if _, ok := get()[initial]; ok {
			initial = ""
		}
		ed.askKey("Add "+kind+" template", initial, "Template key: the value the template selection expression gives ($default is used when none matches)", func(k string) error {
			return f.addTemplate(get, set, selKey, k)
		})
	})
	label := widget.NewLabel("Template")
	if len(keys) == 0 {
		note := widget.NewLabel("No " + kind + " templates.")
		if kind == "request" {
			note.SetText("No request templates: the message passes through as it is (see Passthrough).")
		}
		note.Wrapping = fyne.TextWrapWord
		return container.NewVBox(container.NewBorder(nil, nil, label, add), note)
	}
	sel := widget.NewSelect(keys, nil)
	sel.SetSelected(key)
	sel.OnChanged = func(k string) {
		if k != *selKey {
			*selKey = k
			ed.rebuild()
		}
	}
	rename := widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), func() {
		ed.askKey("Rename "+kind+" template", key, "New template key", func(k string) error {
			cur := get()
			if err := checkTemplateKey(cur, k, key); err != nil {
				return err
			}
			text := cur[key]
			delete(cur, key)
			cur[k] = text
			*selKey = k
			ed.edited()
			ed.rebuild()
			return nil
		})
	})
	del := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
		dialog.ShowConfirm("Delete "+kind+" template", "Delete the "+key+" template?", func(ok bool) {
			if !ok {
				return
			}
			delete(get(), key)
			*selKey = ""
			ed.edited()
			ed.rebuild()
		}, ed.host.Window())
	})
	templateName := fmt.Sprintf("%s template %q", kind, key)
	code := f.code(fieldName, m[key], true,
		func(s string) {
			if cur := get(); cur != nil {
				cur[key] = s
			}
		},
		func(e *emulator.CompileError) bool {
			return e.Integration == integID && e.Response == respKey && e.Template == templateName
		})
	bar := container.NewBorder(nil, nil, label, container.NewHBox(add, rename, del), sel)
	return container.NewBorder(bar, nil, nil, nil, code.object())
}

// addTemplate adds an empty template under key and shows it.
func (f forms) addTemplate(get func() map[string]string, set func(map[string]string), selKey *string, key string) error {
	ed := f.ed
	cur := get()
	if err := checkTemplateKey(cur, key, ""); err != nil {
		return err
	}
	if cur == nil {
		cur = map[string]string{}
		set(cur)
	}
	cur[key] = ""
	*selKey = key
	ed.edited()
	ed.rebuild()
	return nil
}
