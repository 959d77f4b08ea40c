package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// zoomTheme is Fyne's default theme (which follows the system's light or
// dark choice) with every size multiplied by scale, so a projector audience
// can read the window: View > Zoom in.
type zoomTheme struct {
	base  fyne.Theme
	scale float32
}

// Zoom limits and step.
const (
	minZoom  = 0.8
	maxZoom  = 2.0
	zoomStep = 0.1
)

func newZoomTheme(scale float32) *zoomTheme {
	if scale < minZoom || scale > maxZoom {
		scale = 1
	}
	return &zoomTheme{base: theme.DefaultTheme(), scale: scale}
}

var _ fyne.Theme = (*zoomTheme)(nil)

func (t *zoomTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return t.base.Color(n, v)
}

func (t *zoomTheme) Font(s fyne.TextStyle) fyne.Resource { return t.base.Font(s) }

func (t *zoomTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base.Icon(n) }

func (t *zoomTheme) Size(n fyne.ThemeSizeName) float32 { return t.base.Size(n) * t.scale }

// setZoom applies a new scale (clamped) to the whole window.
func (wb *workbench) setZoom(scale float32) {
	if scale < minZoom {
		scale = minZoom
	}
	if scale > maxZoom {
		scale = maxZoom
	}
	wb.zoom = &zoomTheme{base: theme.DefaultTheme(), scale: scale}
	wb.app.Settings().SetTheme(wb.zoom)
	wb.prefs.SetFloat(prefZoom, float64(scale))
}

func (wb *workbench) onZoomIn()    { wb.setZoom(wb.zoom.scale + zoomStep) }
func (wb *workbench) onZoomOut()   { wb.setZoom(wb.zoom.scale - zoomStep) }
func (wb *workbench) onZoomReset() { wb.setZoom(1) }
