package clients

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/ui/watch"
)

// Watches are the watch tabs: watch views (ui/watch) of connections the
// window did not open, beside the client tabs.
type Watches struct {
	p    *Panel
	list []*WatchTab
}

// WatchTab is a watch view (ui/watch) in the clients' tab area: a tab, or a
// tile beside the client tabs. The view does the work; this is the glue
// that hosts it. Closing the tab does not close the connection.
type WatchTab struct {
	p         *Panel
	View      *watch.View
	Item      *container.TabItem
	tileTitle *widget.Label // the title above the tile

	shownClosed bool // the tab shows the close
}

// Open opens connID's watch tab beside the client tabs and selects
// it, or selects it when it is open.
func (ws *Watches) Open(connID string) *WatchTab {
	ct := ws.p
	if w := ws.ByConnID(connID); w != nil {
		ct.SelectItem(w.Item)
		return w
	}
	w := &WatchTab{p: ct, View: watch.New(ct.host.WatchHost(), connID)}
	w.Item = container.NewTabItemWithIcon(w.View.TabTitle(false), theme.VisibilityIcon(), w.View.Object())
	ws.list = append(ws.list, w)
	ws.update() // two tabs on one origin show their IDs
	ct.Docs.Append(w.Item)
	ct.SelectItem(w.Item)
	ct.showEmpty()
	return w
}

// close removes a watch tab; the connection stays open.
func (ws *Watches) close(w *WatchTab) {
	ct := ws.p
	for i, x := range ws.list {
		if x == w {
			ws.list = append(ws.list[:i], ws.list[i+1:]...)
			break
		}
	}
	ct.Docs.Remove(w.Item)
	ws.update()
	if ct.Tiles.On() {
		ct.Tiles.fill()
	}
	ct.showEmpty()
}

// currentWatch returns the selected tab when it is a watch tab, or nil.
func (ws *Watches) current() *WatchTab { return ws.byItem(ws.p.Docs.Selected()) }

func (ws *Watches) byItem(it *container.TabItem) *WatchTab {
	for _, w := range ws.list {
		if w.Item == it {
			return w
		}
	}
	return nil
}

// ByConnID returns the watch tab of connection id, or nil.
func (ws *Watches) ByConnID(id string) *WatchTab {
	for _, w := range ws.list {
		if w.View.ConnectionID() == id {
			return w
		}
	}
	return nil
}

// Poll shows what the watched connections did since the last
// refresh; it runs in the bridge's refresh, at most once a frame.
func (ws *Watches) Poll() {
	for _, w := range ws.list {
		if w.View.Poll() {
			w.update()
		}
	}
}

// update shows every watch tab's title (after one opened or
// closed: a tab shows the start of its connection ID while another shares
// its origin or user agent).
func (ws *Watches) update() {
	for _, w := range ws.list {
		w.update()
	}
}

// sameWho reports whether another watch tab names its connection as w does.
func (ws *Watches) sameWho(w *WatchTab) bool {
	for _, x := range ws.list {
		if x != w && x.View.Who() == w.View.Who() {
			return true
		}
	}
	return false
}

// update marks the tab seen when it is on screen and shows its title
// (unread frames, closed) and its icon.
func (w *WatchTab) update() {
	if w.p.Tiles.visibleItem(w.Item) {
		w.View.MarkSeen()
	}
	title, closed := w.View.TabTitle(w.p.Watches.sameWho(w)), w.View.Closed()
	if w.Item.Text != title || w.shownClosed != closed {
		w.Item.Text, w.shownClosed = title, closed
		if closed {
			w.Item.Icon = theme.NewDisabledResource(theme.VisibilityOffIcon())
		}
		w.p.Docs.Refresh()
	}
	if w.tileTitle != nil && w.tileTitle.Text != w.View.TileTitle() {
		w.tileTitle.SetText(w.View.TileTitle())
	}
}

// tile is the watch tab as a tile: an eye and "external: <title>" above
// the view.
func (w *WatchTab) tile() fyne.CanvasObject {
	if w.tileTitle == nil {
		w.tileTitle = widget.NewLabel(w.View.TileTitle())
		w.tileTitle.TextStyle = fyne.TextStyle{Bold: true}
		w.tileTitle.Truncation = fyne.TextTruncateEllipsis
	}
	w.View.SetCompact(true)
	w.Item.Content = widget.NewLabel("") // the content moves to the tile
	w.View.Object().Show()               // the tabs hid it if it was not selected
	head := container.NewBorder(nil, nil, widget.NewIcon(theme.VisibilityIcon()), nil, w.tileTitle)
	return container.NewBorder(container.NewVBox(head, widget.NewSeparator()), nil, nil, nil, w.View.Object())
}
