// Package compact makes the rows of dense lists (a client's log, the API
// editor's routes) shorter than Fyne draws a row of labels, and measures
// them.
package compact

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Layout lays out one object (a row's content) at its own height, centred
// in a row trim() shorter: labels keep the padding at their sides and
// lose most of it above and below their text, so a row of one line of text
// is about 23 px high instead of 35 and a 1280x720 window shows twice as
// many log rows. It follows the theme (View > Zoom).
//
// A theme override (container.NewThemeOverride) with less padding would do
// the same on screen, but Fyne resets its text-measuring caches each time
// a list makes a row in an overridden scope, which a log that scrolls at
// 60 frames a second does all the time: the window's work quadrupled.
type Layout struct{}

// trim is how much shorter the row is than its content: all but an eighth
// of a label's inner padding, above and below.
func trim() float32 {
	ip := theme.InnerPadding()
	return 2 * (ip - ip/8)
}

func (Layout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, (size.Height-h)/2))
		o.Resize(fyne.NewSize(size.Width, h))
	}
}

func (Layout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return fyne.NewSize(s.Width, max(s.Height-trim(), 0))
}

// Rows measures the rows of a list: the height of one row and the gap
// below it. It remeasures when the text size changes (a zoom).
type Rows struct {
	New      func() fyne.CanvasObject // a row, as the list makes them
	textSize float32
	step     float32
}

// Step is the height of one row and the gap below it.
func (r *Rows) Step() float32 {
	if ts := theme.TextSize(); ts != r.textSize {
		r.textSize = ts
		r.step = r.New().MinSize().Height + theme.Padding()
	}
	return r.step
}

// Height is the height of n rows in a list (no gap below the last).
func (r *Rows) Height(n int) float32 {
	if n <= 0 {
		return 0
	}
	return float32(n)*r.Step() - theme.Padding()
}
