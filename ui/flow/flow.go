// Package flow is a Fyne layout that wraps a bar of controls onto more
// lines when it is narrow, instead of cutting them off or widening the
// window.
package flow

import "fyne.io/fyne/v2"

// Layout places its objects left to right at their minimum size and
// wraps to a new line when the next one does not fit, so a bar of buttons
// grows taller in a narrow panel instead of being cut off. Its minimum
// height is that of the lines at the width it was last laid out at.
type Layout struct {
	width float32 // the width of the last Layout; 0 before the first
}

const gap = 4

// flowLines splits objs into lines that fit width (one line when width is 0).
func flowLines(objs []fyne.CanvasObject, width float32) [][]fyne.CanvasObject {
	var lines [][]fyne.CanvasObject
	var line []fyne.CanvasObject
	x := float32(0)
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		w := o.MinSize().Width
		if len(line) > 0 && width > 0 && x+gap+w > width {
			lines = append(lines, line)
			line, x = nil, 0
		}
		if len(line) > 0 {
			x += gap
		}
		line = append(line, o)
		x += w
	}
	if len(line) > 0 {
		lines = append(lines, line)
	}
	return lines
}

func lineHeight(line []fyne.CanvasObject) float32 {
	h := float32(0)
	for _, o := range line {
		h = max(h, o.MinSize().Height)
	}
	return h
}

// Layout places the objects in lines.
func (l *Layout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.width = size.Width
	y := float32(0)
	for _, line := range flowLines(objs, size.Width) {
		x := float32(0)
		h := lineHeight(line)
		for _, o := range line {
			ms := o.MinSize()
			o.Move(fyne.NewPos(x, y))
			o.Resize(fyne.NewSize(ms.Width, h))
			x += ms.Width + gap
		}
		y += h + gap
	}
}

// MinSize is as wide as the widest object and as tall as the lines at the
// last width.
func (l *Layout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w := float32(0)
	for _, o := range objs {
		if o.Visible() {
			w = max(w, o.MinSize().Width)
		}
	}
	lines := flowLines(objs, max(l.width, w))
	h := float32(0)
	for i, line := range lines {
		if i > 0 {
			h += gap
		}
		h += lineHeight(line)
	}
	return fyne.NewSize(w, h)
}
