package clients

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"wsworkbench/ui/flow"
)

// searchBarLayout lays out the log's tools: the search entry (the first
// object) stretching to fill one line with the other objects (the filter
// and the buttons) at its right, or, when the line would leave the search
// less than minSearchWidth, the search on a line of its own with the
// others wrapping below it (a narrow tile).
type searchBarLayout struct {
	rest  flow.Layout
	width float32 // the width of the last Layout; 0 before the first
}

// minSearchWidth is the narrowest the search entry gets beside the
// buttons before they move below it.
const minSearchWidth = 140

// restWidth is the width of objs laid out in one line, with gaps.
func restWidth(objs []fyne.CanvasObject, pad float32) float32 {
	w := float32(0)
	for _, o := range objs {
		if o.Visible() {
			w += o.MinSize().Width + pad
		}
	}
	return w
}

func (l *searchBarLayout) oneLine(objs []fyne.CanvasObject, width float32) bool {
	return width == 0 || width-restWidth(objs[1:], theme.Padding()) >= minSearchWidth
}

func (l *searchBarLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.width = size.Width
	search, rest := objs[0], objs[1:]
	pad := theme.Padding()
	if l.oneLine(objs, size.Width) {
		x := size.Width
		for i := len(rest) - 1; i >= 0; i-- {
			o := rest[i]
			if !o.Visible() {
				continue
			}
			w := o.MinSize().Width
			x -= w
			o.Move(fyne.NewPos(x, 0))
			o.Resize(fyne.NewSize(w, size.Height))
			x -= pad
		}
		search.Move(fyne.NewPos(0, 0))
		search.Resize(fyne.NewSize(max(x, 0), size.Height))
		return
	}
	h := search.MinSize().Height
	search.Move(fyne.NewPos(0, 0))
	search.Resize(fyne.NewSize(size.Width, h))
	below := fyne.NewSize(size.Width, size.Height-h-pad)
	l.rest.Layout(rest, below)
	for _, o := range rest {
		o.Move(o.Position().AddXY(0, h+pad))
	}
}

func (l *searchBarLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	search, rest := objs[0], objs[1:]
	h := search.MinSize().Height
	for _, o := range rest {
		if o.Visible() {
			h = max(h, o.MinSize().Height)
		}
	}
	if l.oneLine(objs, l.width) {
		return fyne.NewSize(minSearchWidth, h)
	}
	below := l.rest.MinSize(rest)
	return fyne.NewSize(max(minSearchWidth, below.Width), search.MinSize().Height+theme.Padding()+below.Height)
}
