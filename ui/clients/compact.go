package clients

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// compactTheme is the window's theme (whatever zoom and variant it has
// now) with the padding inside and between the log's rows cut to a
// quarter, so a log row is about 27 px high instead of 39 and a 1280x720
// window shows twice as many of them. It asks the app for its theme on
// every call, so it follows View > Zoom and View > Theme.
type compactTheme struct{}

var _ fyne.Theme = compactTheme{}

func (compactTheme) base() fyne.Theme { return fyne.CurrentApp().Settings().Theme() }

func (c compactTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return c.base().Color(n, v)
}

func (c compactTheme) Font(s fyne.TextStyle) fyne.Resource { return c.base().Font(s) }

func (c compactTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return c.base().Icon(n) }

func (c compactTheme) Size(n fyne.ThemeSizeName) float32 {
	s := c.base().Size(n)
	switch n {
	case theme.SizeNameInnerPadding:
		return s / 4
	case theme.SizeNamePadding:
		return s / 2
	}
	return s
}
