package ui

import (
	"fyne.io/fyne/v2"

	"wsworkbench/ui/watch"
)

// watchWindow is a watch view (ui/watch) in a window of its own: one per
// watched connection, beside the main window, so the clients' tabs and
// tiles keep their room.
type watchWindow struct {
	view *watch.View
	win  fyne.Window
}

// watchHost is the window as a watch view sees it.
type watchHost struct{ wb *workbench }

var _ watch.Host = watchHost{}

func (h watchHost) Gateway() watch.Gateway { return h.wb.gw }

// ShowTrace shows a request's trace in the main window's trace panel (its
// side tab in a narrow window, as a log row does).
func (h watchHost) ShowTrace(requestID string) {
	h.wb.tracer.ShowID(requestID)
	h.wb.body.showSide(sideTrace)
}

// Watch opens the watch view of a connection, or brings its window to the
// front when it is open.
func (h connsHost) Watch(connID string) { h.wb.openWatch(connID) }

func (wb *workbench) openWatch(connID string) *watchWindow {
	if w, ok := wb.watches[connID]; ok {
		w.win.RequestFocus()
		return w
	}
	if wb.watches == nil {
		wb.watches = map[string]*watchWindow{}
	}
	w := &watchWindow{view: watch.New(watchHost{wb}, connID)}
	w.win = wb.app.NewWindow("Watch " + connID)
	w.win.SetContent(w.view.Object())
	w.win.Resize(fyne.NewSize(640, 480))
	w.win.SetOnClosed(func() { delete(wb.watches, connID) })
	wb.watches[connID] = w
	w.win.Show()
	return w
}

// pollWatches shows what the watched connections did since the last
// refresh; it runs in the bridge's refresh, at most once a frame.
func (wb *workbench) pollWatches() {
	for _, w := range wb.watches {
		w.view.Poll()
	}
}

// closeWatches closes the watch windows (the main window is closing).
func (wb *workbench) closeWatches() {
	for _, w := range wb.watches {
		w.win.SetOnClosed(nil)
		w.win.Close()
	}
	wb.watches = nil
}
