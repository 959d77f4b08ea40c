package clients

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/client"
	"wsworkbench/ui/format"
)

// Tiles is the tiled view: up to maxTiles client and watch tabs side by
// side, and the toolbar's button that switches to it and back.
type Tiles struct {
	p    *Panel
	grid *fyne.Container // the tiled view; nil while the tabs show
	// scroll holds the tiles; two rows of them scroll in a window too
	// short for both (1280x720).
	scroll *container.Scroll
	btn    *widget.Button // "Tiles", or "Tabs" while the tiles show
	// Shown are the tabs in the tiles.
	Shown []*container.TabItem
}

// Button is the toolbar's Tiles / Tabs button.
func (tl *Tiles) Button() *widget.Button { return tl.btn }

// maxTiles is how many clients the tiled view shows at once.
const maxTiles = 4

// On reports whether the clients show side by side.
func (tl *Tiles) On() bool { return tl.grid != nil }

// set shows the clients side by side (up to maxTiles, the selected
// one first, then the tabs after it) or back as tabs. A tab's content is
// the same object in both views, so its log, composer text and selection
// carry over.
func (tl *Tiles) set(on bool) {
	ct := tl.p
	if on == tl.On() {
		return
	}
	if !on {
		cur := ct.Docs.Selected()
		for _, t := range ct.List {
			t.Item.Content = t.Content
			t.Log.Detail.setInTile(false)
			if t.Item != cur {
				t.Content.Hide()
			}
		}
		for _, w := range ct.Watches.list {
			w.Item.Content = w.View.Object()
			w.View.SetCompact(false)
			if w.Item != cur {
				w.Item.Content.Hide()
			}
		}
		tl.grid, tl.scroll = nil, nil
		tl.Shown = nil
		ct.Docs.Refresh()
		ct.showEmpty()
		tl.markSeen()
		return
	}
	tl.grid = container.NewGridWithColumns(2)
	tl.scroll = container.NewVScroll(tl.grid)
	tl.fill()
	ct.showEmpty()
}

// fill puts the selected tab and the ones after it (client tabs and
// watch tabs, in tab order) into the grid.
func (tl *Tiles) fill() {
	ct := tl.p
	tl.Shown = tl.Shown[:0]
	items := ct.Docs.Items
	start := max(ct.Docs.SelectedIndex(), 0)
	var objs []fyne.CanvasObject
	for i := 0; i < len(items) && i < maxTiles; i++ {
		it := items[(start+i)%len(items)]
		if t := ct.byItem(it); t != nil {
			t.Log.Detail.setInTile(true)
			objs = append(objs, t.tile())
		} else if w := ct.Watches.byItem(it); w != nil {
			objs = append(objs, w.tile())
		} else {
			continue
		}
		tl.Shown = append(tl.Shown, it)
	}
	cols := 2
	if len(objs) == 1 {
		cols = 1
	}
	tl.grid.Layout = newGridColumns(cols)
	tl.grid.Objects = objs
	tl.grid.Refresh()
	tl.markSeen()
}

func newGridColumns(n int) fyne.Layout { return container.NewGridWithColumns(n).Layout }

// IndexOf returns t's position among the client tabs, or -1.
func (ct *Panel) IndexOf(t *Tab) int {
	for i, x := range ct.List {
		if x == t {
			return i
		}
	}
	return -1
}

// OnToggle switches between tabs and tiles.
func (tl *Tiles) OnToggle() {
	ct := tl.p
	tl.set(!tl.On())
	tl.updateButton()
	ct.host.Relayout() // a narrow window gives tiles its whole width
}

// visible reports whether t's log is on screen: the selected tab, or a
// tile.
func (tl *Tiles) visible(t *Tab) bool { return tl.visibleItem(t.Item) }

// visibleItem reports whether a client or watch tab is on screen.
func (tl *Tiles) visibleItem(it *container.TabItem) bool {
	ct := tl.p
	if tl.On() {
		return slices.Contains(tl.Shown, it)
	}
	return ct.Docs.Selected() == it
}

// markSeen clears the unread marks of the clients and watches on screen.
func (tl *Tiles) markSeen() {
	ct := tl.p
	for _, t := range ct.List {
		if tl.visible(t) {
			t.markSeen()
		}
	}
	ct.Watches.update()
}

// tile is the tab as a tile: its name (with its unread mark) above its
// content.
func (t *Tab) tile() fyne.CanvasObject {
	if t.tileTitle == nil {
		t.tileTitle = widget.NewLabel(t.Name)
		t.tileTitle.TextStyle = fyne.TextStyle{Bold: true}
		t.tileTitle.Truncation = fyne.TextTruncateEllipsis
	}
	t.Item.Content = widget.NewLabel("") // the content moves to the tile
	t.Content.Show()                     // the tabs hid it if it was not selected
	return container.NewBorder(container.NewVBox(t.tileTitle, widget.NewSeparator()), nil, nil, nil, t.Content)
}

// updateUnread counts the frames the tab received that nobody has seen
// (it is neither the selected tab nor a tile) and shows the count on its
// tab.
func (t *Tab) updateUnread() {
	if t.p.Tiles.visible(t) {
		t.markSeen()
		return
	}
	log := t.Model.Client().Log()
	n := 0
	for i := log.Len() - 1; i >= 0 && n < 100; i-- {
		e := log.At(i)
		if e.Seq <= t.seenSeq {
			break
		}
		if e.Dir == client.Received {
			n++
		}
	}
	t.setUnread(n)
}

// markSeen forgets the tab's unread frames.
func (t *Tab) markSeen() {
	log := t.Model.Client().Log()
	if n := log.Len(); n > 0 {
		t.seenSeq = log.At(n - 1).Seq
	}
	t.setUnread(0)
}

// setUnread shows n unread frames on the tab's title ("client 2 (3 new)").
func (t *Tab) setUnread(n int) {
	if n == t.unread {
		return
	}
	t.unread = n
	text := t.Name + format.Unread(n)
	t.Item.Text = text
	if t.tileTitle != nil {
		t.tileTitle.SetText(text)
	}
	t.p.Docs.Refresh()
}

// updateButton names what the tiles button switches to.
func (tl *Tiles) updateButton() {
	if tl.On() {
		tl.btn.SetText("Tabs")
		tl.btn.SetIcon(theme.ViewRestoreIcon())
	} else {
		tl.btn.SetText("Tiles")
		tl.btn.SetIcon(theme.GridIcon())
	}
}
