// Package compact is a theme for dense lists (the log, the route list):
// the window's theme with less padding, and the height of a row drawn in
// it.
package compact

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// Theme is the window's theme (whatever zoom and variant it has now) with
// the padding inside a list's rows cut to a quarter and between them to a
// half, so a row of one line of text is about 27 px high instead of 39. It
// asks the app for its theme on every call, so it follows View > Zoom and
// View > Theme.
type Theme struct{}

var _ fyne.Theme = Theme{}

func (Theme) base() fyne.Theme { return fyne.CurrentApp().Settings().Theme() }

func (c Theme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return c.base().Color(n, v)
}

func (c Theme) Font(s fyne.TextStyle) fyne.Resource { return c.base().Font(s) }

func (c Theme) Icon(n fyne.ThemeIconName) fyne.Resource { return c.base().Icon(n) }

func (c Theme) Size(n fyne.ThemeSizeName) float32 {
	s := c.base().Size(n)
	switch n {
	case theme.SizeNameInnerPadding:
		return s / 4
	case theme.SizeNamePadding:
		return s / 2
	}
	return s
}

// Rows measures the rows of a list drawn in Theme: the height of one row
// and the gap below it. It remeasures when the text size changes (a
// zoom), and only then: measuring resets Fyne's theme caches.
type Rows struct {
	New      func() fyne.CanvasObject // a row, as the list makes them
	textSize float32
	step     float32
}

// Step is the height of one row and the gap below it.
func (r *Rows) Step() float32 {
	th := Theme{}
	if ts := th.Size(theme.SizeNameText); ts != r.textSize {
		r.textSize = ts
		r.step = container.NewThemeOverride(r.New(), th).MinSize().Height + th.Size(theme.SizeNamePadding)
	}
	return r.step
}

// Height is the height of n rows in a list (no gap below the last).
func (r *Rows) Height(n int) float32 {
	if n <= 0 {
		return 0
	}
	return float32(n)*r.Step() - Theme{}.Size(theme.SizeNamePadding)
}
