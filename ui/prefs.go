package ui

import (
	"math"

	"fyne.io/fyne/v2"

	"wsworkbench/ui/controller"
)

// Preference keys: what the window remembers between runs.
const (
	prefTabs           = "tabs" // one target URL per tab; "" is the embedded gateway
	prefWindowWidth    = "window.width"
	prefWindowHeight   = "window.height"
	prefSplitMain      = "split.main"
	prefSplitSide      = "split.side"
	prefSplitInspector = "split.inspector"
	prefShowEditor     = "show.editor"
	prefShowInspector  = "show.inspector"
	prefZoom           = "zoom"
	prefLogCapacity    = "log.capacity"
	prefGatewayAddr    = "gateway.addr"
	prefTheme          = "theme" // themeSystem, themeLight or themeDark
)

// defaultWindowSize is the window's smallest size at the first start, on
// a screen that has room for it; on a bigger screen the first start takes
// firstStartShare of the work area each way.
const (
	defaultWindowWidth  = 1280
	defaultWindowHeight = 800
	firstStartShare     = 0.8
)

// titleBarAllowance is the room left for the window manager's title bar
// when the window is as tall as the screen's work area.
const titleBarAllowance = 40

// windowSize is the size the window opens at: the size it had last time,
// or at the first start the default or firstStartShare of the screen's
// work area, whichever is bigger; made to fit the work area when that is
// known, so the window is never larger than the screen.
func windowSize(saved fyne.Size, screen fyne.Size, known bool) fyne.Size {
	if saved.Width < 100 || saved.Height < 100 {
		saved = fyne.NewSize(defaultWindowWidth, defaultWindowHeight)
		if known {
			saved = fyne.NewSize(max(saved.Width, float32(math.Round(float64(screen.Width*firstStartShare)))),
				max(saved.Height, float32(math.Round(float64(screen.Height*firstStartShare)))))
		}
	}
	if !known {
		return saved
	}
	return fyne.NewSize(min(saved.Width, screen.Width), min(saved.Height, max(screen.Height-titleBarAllowance, 100)))
}

// savedWindowSize is the window's size as the last run left it; zero at
// the first start (windowSize picks the size then).
func savedWindowSize(p fyne.Preferences) fyne.Size {
	return fyne.NewSize(float32(p.FloatWithFallback(prefWindowWidth, 0)), float32(p.FloatWithFallback(prefWindowHeight, 0)))
}

// saveLayout remembers the window's size, the split positions, the panels
// shown, the zoom and the client tabs' targets.
func (wb *workbench) saveLayout() {
	p := wb.prefs
	size := wb.win.Canvas().Size()
	if size.Width > 100 && size.Height > 100 {
		p.SetFloat(prefWindowWidth, float64(size.Width))
		p.SetFloat(prefWindowHeight, float64(size.Height))
	}
	wb.panes.save(p)
	p.SetFloat(prefZoom, float64(wb.look.zoom.scale))
	p.SetStringList(prefTabs, wb.clients.Targets())
	p.SetBool(controller.PrefFirstStartDone, true)
}
