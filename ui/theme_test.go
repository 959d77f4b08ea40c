package ui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// luminance is a colour's relative luminance (WCAG 2.x).
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is the WCAG contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// TestThemeTextContrast: hint, caption and low-importance text (Fyne's
// placeholder and disabled colours) reach 4.5:1 against every background
// they are drawn on, in the light and the dark theme.
func TestThemeTextContrast(t *testing.T) {
	if got := contrast(color.White, color.Black); math.Abs(got-21) > 0.01 {
		t.Fatalf("contrast(white, black) = %v, want 21", got)
	}
	texts := []fyne.ThemeColorName{theme.ColorNamePlaceHolder, theme.ColorNameDisabled, theme.ColorNameForeground}
	backgrounds := []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameInputBackground, theme.ColorNameOverlayBackground, theme.ColorNameMenuBackground}
	for _, variant := range []string{themeLight, themeDark} {
		th := newZoomTheme(1, variant)
		for _, fg := range texts {
			for _, bg := range backgrounds {
				// The variant argument is ignored: the theme is fixed.
				if r := contrast(th.Color(fg, theme.VariantDark), th.Color(bg, theme.VariantLight)); r < 4.5 {
					t.Errorf("%s theme: %s on %s is %.2f:1, want at least 4.5:1", variant, fg, bg, r)
				}
			}
		}
	}
	// Fyne's own light placeholder fails, which is why the theme changes it.
	if r := contrast(theme.DefaultTheme().Color(theme.ColorNamePlaceHolder, theme.VariantLight), color.White); r >= 4.5 {
		t.Logf("Fyne's light placeholder now reaches %.2f:1", r)
	}
}

// TestThemeMenuIsRemembered: View > Theme > Dark makes the window dark at
// once, shows the choice checked, and the next start is dark too.
func TestThemeMenuIsRemembered(t *testing.T) {
	a := test.NewTempApp(t)
	tb := newTestBenchOn(t, a)
	view := tb.win.MainMenu().Items[3]
	dark := findMenuItem(view, "Dark")
	if dark == nil || findMenuItem(view, "System") == nil || findMenuItem(view, "Light") == nil {
		t.Fatal("View > Theme lacks System, Light or Dark")
	}
	dark.Action()
	darkBG := theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark)
	if got := a.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantLight); got != darkBG {
		t.Errorf("after View > Theme > Dark the background is %v", got)
	}
	if !findMenuItem(tb.win.MainMenu().Items[3], "Dark").Checked {
		t.Error("Dark is not checked")
	}
	tb.close()
	tb2 := newTestBenchOn(t, a)
	if tb2.wb.look.zoom.variant != themeDark {
		t.Errorf("after a restart the theme is %q", tb2.wb.look.zoom.variant)
	}
}

// TestWindowSizeFitsTheScreen: the window opens at its remembered size (or
// at the first start 1280x800 or 80% of the screen's work area, whichever
// is bigger) but never larger than the work area, leaving room for a title
// bar.
func TestWindowSizeFitsTheScreen(t *testing.T) {
	tests := []struct {
		name          string
		saved, screen fyne.Size
		known         bool
		want          fyne.Size
	}{
		{"first start, big screen", fyne.Size{}, fyne.NewSize(1920, 1050), true, fyne.NewSize(1536, 840)},
		{"first start, 1920x1080 without panels", fyne.Size{}, fyne.NewSize(1920, 1080), true, fyne.NewSize(1536, 864)},
		{"first start, 2560x1440", fyne.Size{}, fyne.NewSize(2560, 1400), true, fyne.NewSize(2048, 1120)},
		{"first start, 1366x768 laptop", fyne.Size{}, fyne.NewSize(1366, 738), true, fyne.NewSize(1280, 698)},
		{"first start, 1440x900", fyne.Size{}, fyne.NewSize(1440, 870), true, fyne.NewSize(1280, 800)},
		{"first start, screen unknown", fyne.Size{}, fyne.Size{}, false, fyne.NewSize(1280, 800)},
		{"first start, projector", fyne.Size{}, fyne.NewSize(1024, 768), true, fyne.NewSize(1024, 728)},
		{"first start, 1280x720", fyne.Size{}, fyne.NewSize(1280, 720), true, fyne.NewSize(1280, 680)},
		{"remembered, fits", fyne.NewSize(1500, 900), fyne.NewSize(1920, 1050), true, fyne.NewSize(1500, 900)},
		{"remembered on a bigger screen", fyne.NewSize(1900, 1000), fyne.NewSize(1024, 768), true, fyne.NewSize(1024, 728)},
		{"screen unknown", fyne.NewSize(1500, 900), fyne.Size{}, false, fyne.NewSize(1500, 900)},
	}
	// The first start reads no size: windowSize picks it.
	first := savedWindowSize(test.NewTempApp(t).Preferences())
	tests = append(tests, struct {
		name          string
		saved, screen fyne.Size
		known         bool
		want          fyne.Size
	}{"first start, as run reads the preferences", first, fyne.NewSize(1920, 1050), true, fyne.NewSize(1536, 840)})
	for _, tc := range tests {
		got := windowSize(tc.saved, tc.screen, tc.known)
		if got != tc.want {
			t.Errorf("%s: windowSize = %v, want %v", tc.name, got, tc.want)
		}
		if tc.known && (got.Width > tc.screen.Width || got.Height > tc.screen.Height-titleBarAllowance) {
			t.Errorf("%s: the window %v is larger than the work area %v", tc.name, got, tc.screen)
		}
	}
}

// TestScreenScaleIsFynes: the window's first size is worked out with the
// scale Fyne's driver will draw at: FYNE_SCALE first, then the app's
// setting, times the scale detected from the screen's DPI (over 120),
// rounded to a tenth.
func TestScreenScaleIsFynes(t *testing.T) {
	for _, tc := range []struct {
		name        string
		env         string
		setting     float32
		widthMm, px int
		want        float32
	}{
		{"nothing set, 96 dpi", "", 1, 271, 1024, 1},
		{"FYNE_SCALE=1.25 draws at 1.3", "1.25", 1, 271, 1024, 1.3},
		{"FYNE_SCALE=2", "2", 1, 271, 1024, 2},
		{"FYNE_SCALE=auto", "auto", 1.5, 271, 1024, 1},
		{"setting 1.5", "", 1.5, 271, 1024, 1.5},
		{"bad FYNE_SCALE falls back to the setting", "big", 1.2, 271, 1024, 1.2},
		{"a 4K 27-inch screen", "", 1, 597, 3840, 1.4},
		{"no physical size", "", 1, 0, 1920, 1},
	} {
		if got := screenScale(tc.env, tc.setting, detectedScale(tc.widthMm, tc.px)); got != tc.want {
			t.Errorf("%s: screenScale = %v, want %v", tc.name, got, tc.want)
		}
	}
}
