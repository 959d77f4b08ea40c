package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// zoomTheme is Fyne's default theme with three changes: every size is
// multiplied by scale, so a projector audience can read the window (View >
// Zoom In); the light or dark variant can be fixed instead of following the
// system (View > Theme); and the greys Fyne uses for hints, captions and
// low-importance text are dark (or light) enough to read: at least 4.5:1
// against every background they sit on, in both variants.
type zoomTheme struct {
	base    fyne.Theme
	scale   float32
	variant string // themeSystem, themeLight or themeDark
}

// Zoom limits and step.
const (
	minZoom  = 0.8
	maxZoom  = 2.0
	zoomStep = 0.1
)

// Theme choices (View > Theme), as the preferences store them.
const (
	themeSystem = "system"
	themeLight  = "light"
	themeDark   = "dark"
)

// Readable greys for hint, caption and low-importance text (Fyne's own
// are #888888 and #e3e3e3 on white, 3.5:1 and 1.3:1, and #39393a on
// #171718 in the dark, 1.6:1). TestThemeTextContrast checks the ratios.
var (
	lightHint = color.NRGBA{R: 0x6b, G: 0x6b, B: 0x6b, A: 0xff}
	darkHint  = color.NRGBA{R: 0x9e, G: 0x9e, B: 0xa0, A: 0xff}
)

func newZoomTheme(scale float32, variant string) *zoomTheme {
	if scale < minZoom || scale > maxZoom {
		scale = 1
	}
	switch variant {
	case themeLight, themeDark:
	default:
		variant = themeSystem
	}
	return &zoomTheme{base: theme.DefaultTheme(), scale: scale, variant: variant}
}

var _ fyne.Theme = (*zoomTheme)(nil)

// Color is the default theme's colour for the chosen variant, with readable
// hint greys.
func (t *zoomTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	switch t.variant {
	case themeLight:
		v = theme.VariantLight
	case themeDark:
		v = theme.VariantDark
	}
	switch n {
	case theme.ColorNamePlaceHolder, theme.ColorNameDisabled:
		if v == theme.VariantDark {
			return darkHint
		}
		return lightHint
	}
	return t.base.Color(n, v)
}

func (t *zoomTheme) Font(s fyne.TextStyle) fyne.Resource { return t.base.Font(s) }

func (t *zoomTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base.Icon(n) }

func (t *zoomTheme) Size(n fyne.ThemeSizeName) float32 { return t.base.Size(n) * t.scale }

// appearance is View > Zoom and View > Theme: it makes and applies the
// window's zoomTheme and remembers it in prefs. rebuildMenu shows the
// theme chosen in the View menu.
type appearance struct {
	app         fyne.App
	prefs       fyne.Preferences
	rebuildMenu func()
	zoom        *zoomTheme // the theme applied now
}

// newAppearance applies the theme prefs remember.
func newAppearance(app fyne.App, prefs fyne.Preferences, rebuildMenu func()) *appearance {
	ap := &appearance{app: app, prefs: prefs, rebuildMenu: rebuildMenu}
	ap.zoom = newZoomTheme(float32(prefs.FloatWithFallback(prefZoom, 1)), prefs.StringWithFallback(prefTheme, themeSystem))
	app.Settings().SetTheme(ap.zoom)
	return ap
}

// setTheme applies a new theme (scale clamped) to the whole window and
// remembers it.
func (ap *appearance) setTheme(scale float32, variant string) {
	scale = min(max(scale, minZoom), maxZoom)
	ap.zoom = newZoomTheme(scale, variant)
	ap.app.Settings().SetTheme(ap.zoom)
	ap.prefs.SetFloat(prefZoom, float64(ap.zoom.scale))
	ap.prefs.SetString(prefTheme, ap.zoom.variant)
}

func (ap *appearance) onZoomIn()    { ap.setTheme(ap.zoom.scale+zoomStep, ap.zoom.variant) }
func (ap *appearance) onZoomOut()   { ap.setTheme(ap.zoom.scale-zoomStep, ap.zoom.variant) }
func (ap *appearance) onZoomReset() { ap.setTheme(1, ap.zoom.variant) }

// themeMenuItem is View > Theme: System, Light or Dark, the current one
// checked.
func (ap *appearance) themeMenuItem() *fyne.MenuItem {
	choice := func(label, variant string) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, func() {
			ap.setTheme(ap.zoom.scale, variant)
			ap.rebuildMenu()
		})
		it.Checked = ap.zoom.variant == variant
		return it
	}
	it := fyne.NewMenuItem("Theme", nil)
	it.ChildMenu = fyne.NewMenu("",
		choice("System", themeSystem),
		choice("Light", themeLight),
		choice("Dark", themeDark),
	)
	return it
}
