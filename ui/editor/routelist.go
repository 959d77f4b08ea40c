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
	"wsworkbench/ui/internal/compact"
)

// RouteList is the top of the editor: the API settings and the routes as a
// list, with the buttons that add, rename, duplicate and delete routes. Its
// selection picks what the detail below shows. The Editor embeds it, so
// the window reaches the list's handles (SelectRoute, AddRoute, ...) on the
// Editor.
type RouteList struct {
	ed        *Editor
	list      *widget.List
	sel       int // -1: nothing; 0: API settings; i+1: route i
	renameBtn *widget.Button
	dupBtn    *widget.Button
	delBtn    *widget.Button
	obj       fyne.CanvasObject
	rows      compact.Rows // measures the list's rows
}

// newRouteList builds the list of ed's draft.
func newRouteList(ed *Editor) *RouteList {
	rl := &RouteList{ed: ed, sel: -1}
	rl.rows.New = newRouteRow
	rl.list = widget.NewList(rl.length, newRouteRow, rl.updateRow)
	rl.list.OnSelected = func(i widget.ListItemID) { rl.onSelect(i) }
	add := widget.NewButtonWithIcon("Route", theme.ContentAddIcon(), rl.OnAddRoute)
	rl.renameBtn = widget.NewButtonWithIcon("Rename", theme.DocumentCreateIcon(), rl.OnRenameRoute)
	rl.dupBtn = widget.NewButtonWithIcon("Duplicate", theme.ContentCopyIcon(), rl.OnDuplicateRoute)
	rl.delBtn = widget.NewButtonWithIcon("", theme.DeleteIcon(), rl.OnDeleteRoute)
	title := widget.NewLabel("API")
	title.TextStyle = fyne.TextStyle{Bold: true}
	rl.obj = container.NewBorder(title, container.NewHBox(add, rl.renameBtn, rl.dupBtn, rl.delBtn), nil, nil, rl.list)
	return rl
}

// ListObject is the list of the API settings and the routes.
func (rl *RouteList) ListObject() *widget.List { return rl.list }

// selectFirst selects the first custom route, where a newcomer finds
// templates to change, or the API settings when there is none.
func (rl *RouteList) selectFirst() {
	ed := rl.ed
	for i, r := range ed.api().Routes {
		if !strings.HasPrefix(r.Key, "$") {
			rl.list.Select(i + 1)
			return
		}
	}
	rl.list.Select(0)
}

func (rl *RouteList) length() int { return len(rl.ed.api().Routes) + 1 }

func (rl *RouteList) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	ed := rl.ed
	r := o.(*routeRow)
	api := ed.api()
	if i == 0 {
		r.icon.SetResource(theme.SettingsIcon())
		r.key.TextStyle = fyne.TextStyle{Bold: true}
		r.key.SetText("API settings")
		meta := api.RouteSelectionExpression
		if ed.hasErrors(func(e *emulator.CompileError) bool { return e.Route == "" && e.Integration == "" }) {
			meta = "⚠ " + meta
		}
		r.meta.SetText(meta)
		return
	}
	if i-1 >= len(api.Routes) {
		return
	}
	route := api.Routes[i-1]
	r.key.TextStyle = fyne.TextStyle{Monospace: true, Bold: true}
	r.key.SetText(route.Key)
	var meta []string
	if in := api.Integration(route.IntegrationID); in != nil {
		meta = append(meta, in.Type)
	} else {
		meta = append(meta, "no integration")
	}
	if route.RouteResponse != nil {
		meta = append(meta, "two-way")
	}
	icon := theme.NavigateNextIcon()
	if ed.hasErrors(routeMatcher(api, &route)) {
		icon = theme.NewErrorThemedResource(theme.ErrorIcon())
	}
	r.icon.SetResource(icon)
	r.meta.SetText(strings.Join(meta, " · "))
}

// SelectRow selects a row of the list (0 is the API settings).
func (rl *RouteList) SelectRow(i int) {
	rl.list.Select(i)
	rl.list.ScrollTo(i)
}

// SelectRoute selects the route with the given key.
func (rl *RouteList) SelectRoute(key string) bool {
	ed := rl.ed
	for i, r := range ed.api().Routes {
		if r.Key == key {
			rl.SelectRow(i + 1)
			return true
		}
	}
	return false
}

func (rl *RouteList) onSelect(i int) {
	ed := rl.ed
	if i == rl.sel {
		return
	}
	rl.sel = i
	ed.reqKey, ed.respID, ed.respKey = "", "", ""
	ed.tab = openingTab(ed.api(), rl.SelectedRoute())
	ed.rebuild()
	rl.updateButtons()
}

// SelectedRoute returns the selected route, or nil.
func (rl *RouteList) SelectedRoute() *model.Route {
	ed := rl.ed
	api := ed.api()
	if rl.sel < 1 || rl.sel-1 >= len(api.Routes) {
		return nil
	}
	return &api.Routes[rl.sel-1]
}

func (rl *RouteList) updateButtons() {
	if rl.SelectedRoute() == nil {
		rl.renameBtn.Disable()
		rl.dupBtn.Disable()
		rl.delBtn.Disable()
		return
	}
	rl.renameBtn.Enable()
	rl.dupBtn.Enable()
	rl.delBtn.Enable()
}

// StructureChanged redraws the list (a route was added, renamed, deleted)
// and tells the workbench.
func (rl *RouteList) StructureChanged() {
	ed := rl.ed
	rl.list.Refresh()
	ed.edited()
}

// OnAddRoute asks for a route key and adds a two-way MOCK route.
func (rl *RouteList) OnAddRoute() {
	ed := rl.ed
	ed.askKey("Add route", "", "Route key (the value the route selection expression picks, e.g. sendmessage)", ed.Routes.AddRoute)
}

// AddRoute adds a route without asking (tests, and the dialog above).
func (rl *RouteList) AddRoute(key string) error {
	ed := rl.ed
	i, err := addRoute(ed.api(), key, ed.host.AssignIDs)
	if err != nil {
		return err
	}
	rl.StructureChanged()
	rl.SelectRow(i + 1)
	ed.host.RouteAdded(key)
	return nil
}

func (rl *RouteList) OnRenameRoute() {
	ed := rl.ed
	r := rl.SelectedRoute()
	if r == nil {
		return
	}
	id := r.ID
	ed.askKey("Rename route", r.Key, "New route key", func(key string) error {
		if err := renameRoute(ed.api(), id, key); err != nil {
			return err
		}
		rl.StructureChanged()
		ed.rebuild()
		return nil
	})
}

func (rl *RouteList) OnDuplicateRoute() {
	ed := rl.ed
	r := rl.SelectedRoute()
	if r == nil {
		return
	}
	id := r.ID
	ed.askKey("Duplicate route", r.Key+"-copy", "Key of the copy", func(key string) error {
		i, err := duplicateRoute(ed.api(), id, key, ed.host.AssignIDs)
		if err != nil {
			return err
		}
		rl.StructureChanged()
		rl.SelectRow(i + 1)
		return nil
	})
}

func (rl *RouteList) OnDeleteRoute() {
	ed := rl.ed
	r := rl.SelectedRoute()
	if r == nil {
		return
	}
	id, key := r.ID, r.Key
	dialog.ShowConfirm("Delete route", fmt.Sprintf("Delete the %s route (and its integration, unless another route uses it)?", key), func(ok bool) {
		if !ok {
			return
		}
		if err := DeleteRoute(ed.api(), id); err != nil {
			ed.host.ShowError(err)
			return
		}
		rl.sel = -1
		rl.list.UnselectAll()
		rl.StructureChanged()
		ed.rebuild()
		rl.updateButtons()
	}, ed.host.Window())
}
