package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/client"
	"wsworkbench/ui/format"
)

// maxTiles is how many clients the tiled view shows at once.
const maxTiles = 4

// tiled reports whether the clients show side by side.
func (ct *clientTabs) tiled() bool { return ct.tiles != nil }

// setTiled shows the clients side by side (up to maxTiles, the selected
// one first, then the tabs after it) or back as tabs. A tab's content is
// the same object in both views, so its log, composer text and selection
// carry over.
func (ct *clientTabs) setTiled(on bool) {
	if on == ct.tiled() {
		return
	}
	if !on {
		cur := ct.docs.Selected()
		for _, t := range ct.list {
			t.item.Content = t.content
			t.log.setCompact(false)
			if t.item != cur {
				t.content.Hide()
			}
		}
		for _, w := range ct.watches {
			w.item.Content = w.view.Object()
			w.view.SetCompact(false)
			if w.item != cur {
				w.item.Content.Hide()
			}
		}
		ct.tiles, ct.tilesScroll = nil, nil
		ct.shown = nil
		ct.docs.Refresh()
		ct.showEmpty()
		ct.markSeen()
		return
	}
	ct.tiles = container.NewGridWithColumns(2)
	ct.tilesScroll = container.NewVScroll(ct.tiles)
	ct.fillTiles()
	ct.showEmpty()
}

// fillTiles puts the selected tab and the ones after it (client tabs and
// watch tabs, in tab order) into the grid.
func (ct *clientTabs) fillTiles() {
	ct.shown = ct.shown[:0]
	items := ct.docs.Items
	start := max(ct.docs.SelectedIndex(), 0)
	var objs []fyne.CanvasObject
	for i := 0; i < len(items) && i < maxTiles; i++ {
		it := items[(start+i)%len(items)]
		if t := ct.byItem(it); t != nil {
			t.log.setCompact(true)
			objs = append(objs, t.tile())
		} else if w := ct.watchByItem(it); w != nil {
			objs = append(objs, w.tile())
		} else {
			continue
		}
		ct.shown = append(ct.shown, it)
	}
	cols := 2
	if len(objs) == 1 {
		cols = 1
	}
	ct.tiles.Layout = newGridColumns(cols)
	ct.tiles.Objects = objs
	ct.tiles.Refresh()
	ct.markSeen()
}

func newGridColumns(n int) fyne.Layout { return container.NewGridWithColumns(n).Layout }

func (ct *clientTabs) indexOf(t *clientTab) int {
	for i, x := range ct.list {
		if x == t {
			return i
		}
	}
	return -1
}

// onToggleTiles switches between tabs and tiles.
func (ct *clientTabs) onToggleTiles() {
	ct.setTiled(!ct.tiled())
	ct.wb.updateTilesButton()
	ct.wb.relayout() // a narrow window gives tiles its whole width
}

// visible reports whether t's log is on screen: the selected tab, or a
// tile.
func (ct *clientTabs) visible(t *clientTab) bool { return ct.visibleItem(t.item) }

// visibleItem reports whether a client or watch tab is on screen.
func (ct *clientTabs) visibleItem(it *container.TabItem) bool {
	if ct.tiled() {
		return slices.Contains(ct.shown, it)
	}
	return ct.docs.Selected() == it
}

// markSeen clears the unread marks of the clients and watches on screen.
func (ct *clientTabs) markSeen() {
	for _, t := range ct.list {
		if ct.visible(t) {
			t.markSeen()
		}
	}
	ct.updateWatches()
}

// tile is the tab as a tile: its name (with its unread mark) above its
// content.
func (t *clientTab) tile() fyne.CanvasObject {
	if t.tileTitle == nil {
		t.tileTitle = widget.NewLabel(t.name)
		t.tileTitle.TextStyle = fyne.TextStyle{Bold: true}
		t.tileTitle.Truncation = fyne.TextTruncateEllipsis
	}
	t.item.Content = widget.NewLabel("") // the content moves to the tile
	t.content.Show()                     // the tabs hid it if it was not selected
	return container.NewBorder(container.NewVBox(t.tileTitle, widget.NewSeparator()), nil, nil, nil, t.content)
}

// updateUnread counts the frames the tab received that nobody has seen
// (it is neither the selected tab nor a tile) and shows the count on its
// tab.
func (t *clientTab) updateUnread() {
	if t.wb.clients.visible(t) {
		t.markSeen()
		return
	}
	log := t.model.Client().Log()
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
func (t *clientTab) markSeen() {
	log := t.model.Client().Log()
	if n := log.Len(); n > 0 {
		t.seenSeq = log.At(n - 1).Seq
	}
	t.setUnread(0)
}

// setUnread shows n unread frames on the tab's title ("client 2 (3 new)").
func (t *clientTab) setUnread(n int) {
	if n == t.unread {
		return
	}
	t.unread = n
	text := t.name + format.Unread(n)
	t.item.Text = text
	if t.tileTitle != nil {
		t.tileTitle.SetText(text)
	}
	t.wb.clients.docs.Refresh()
}

// updateTilesButton names what the tiles button switches to.
func (wb *workbench) updateTilesButton() {
	if wb.tilesBtn == nil {
		return
	}
	if wb.clients.tiled() {
		wb.tilesBtn.SetText("Tabs")
		wb.tilesBtn.SetIcon(theme.ViewRestoreIcon())
	} else {
		wb.tilesBtn.SetText("Tiles")
		wb.tilesBtn.SetIcon(theme.GridIcon())
	}
}
