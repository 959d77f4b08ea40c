package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/ui/watch"
)

// watchTab is a watch view (ui/watch) in the clients' tab area: a tab, or a
// tile beside the client tabs. The view does the work; this is the glue
// that hosts it. Closing the tab does not close the connection.
type watchTab struct {
	ct        *clientTabs
	view      *watch.View
	item      *container.TabItem
	tileTitle *widget.Label // the title above the tile

	shownClosed bool // the tab shows the close
}

// watchHost is the window as a watch view sees it.
type watchHost struct{ wb *workbench }

var _ watch.Host = watchHost{}

func (h watchHost) Gateway() watch.Gateway { return h.wb.gw }

// ShowTrace shows a request's trace in the trace panel (its side tab in a
// narrow window, as a log row does).
func (h watchHost) ShowTrace(requestID string) {
	h.wb.tracer.ShowID(requestID)
	h.wb.body.showSide(sideTrace)
}

// Watch opens the watch tab of a connection, or selects it when open.
func (h connsHost) Watch(connID string) { h.wb.clients.openWatch(connID) }

// openWatch opens connID's watch tab beside the client tabs and selects
// it, or selects it when it is open.
func (ct *clientTabs) openWatch(connID string) *watchTab {
	if w := ct.watchByConnID(connID); w != nil {
		ct.selectItem(w.item)
		return w
	}
	w := &watchTab{ct: ct, view: watch.New(watchHost{ct.wb}, connID)}
	w.item = container.NewTabItemWithIcon(w.view.TabTitle(false), theme.VisibilityIcon(), w.view.Object())
	ct.watches = append(ct.watches, w)
	ct.updateWatches() // two tabs on one origin show their IDs
	ct.docs.Append(w.item)
	ct.selectItem(w.item)
	ct.showEmpty()
	return w
}

// closeWatch removes a watch tab; the connection stays open.
func (ct *clientTabs) closeWatch(w *watchTab) {
	for i, x := range ct.watches {
		if x == w {
			ct.watches = append(ct.watches[:i], ct.watches[i+1:]...)
			break
		}
	}
	ct.docs.Remove(w.item)
	ct.updateWatches()
	if ct.tiled() {
		ct.fillTiles()
	}
	ct.showEmpty()
}

// currentWatch returns the selected tab when it is a watch tab, or nil.
func (ct *clientTabs) currentWatch() *watchTab { return ct.watchByItem(ct.docs.Selected()) }

func (ct *clientTabs) watchByItem(it *container.TabItem) *watchTab {
	for _, w := range ct.watches {
		if w.item == it {
			return w
		}
	}
	return nil
}

func (ct *clientTabs) watchByConnID(id string) *watchTab {
	for _, w := range ct.watches {
		if w.view.ConnectionID() == id {
			return w
		}
	}
	return nil
}

// pollWatches shows what the watched connections did since the last
// refresh; it runs in the bridge's refresh, at most once a frame.
func (ct *clientTabs) pollWatches() {
	for _, w := range ct.watches {
		if w.view.Poll() {
			w.update()
		}
	}
}

// updateWatches shows every watch tab's title (after one opened or
// closed: a tab shows the start of its connection ID while another shares
// its origin or user agent).
func (ct *clientTabs) updateWatches() {
	for _, w := range ct.watches {
		w.update()
	}
}

// sameWho reports whether another watch tab names its connection as w does.
func (ct *clientTabs) sameWho(w *watchTab) bool {
	for _, x := range ct.watches {
		if x != w && x.view.Who() == w.view.Who() {
			return true
		}
	}
	return false
}

// update marks the tab seen when it is on screen and shows its title
// (unread frames, closed) and its icon.
func (w *watchTab) update() {
	if w.ct.visibleItem(w.item) {
		w.view.MarkSeen()
	}
	title, closed := w.view.TabTitle(w.ct.sameWho(w)), w.view.Closed()
	if w.item.Text != title || w.shownClosed != closed {
		w.item.Text, w.shownClosed = title, closed
		if closed {
			w.item.Icon = theme.NewDisabledResource(theme.VisibilityOffIcon())
		}
		w.ct.docs.Refresh()
	}
	if w.tileTitle != nil && w.tileTitle.Text != w.view.TileTitle() {
		w.tileTitle.SetText(w.view.TileTitle())
	}
}

// tile is the watch tab as a tile: an eye and "external: <title>" above
// the view.
func (w *watchTab) tile() fyne.CanvasObject {
	if w.tileTitle == nil {
		w.tileTitle = widget.NewLabel(w.view.TileTitle())
		w.tileTitle.TextStyle = fyne.TextStyle{Bold: true}
		w.tileTitle.Truncation = fyne.TextTruncateEllipsis
	}
	w.view.SetCompact(true)
	w.item.Content = widget.NewLabel("") // the content moves to the tile
	w.view.Object().Show()               // the tabs hid it if it was not selected
	head := container.NewBorder(nil, nil, widget.NewIcon(theme.VisibilityIcon()), nil, w.tileTitle)
	return container.NewBorder(container.NewVBox(head, widget.NewSeparator()), nil, nil, nil, w.view.Object())
}
