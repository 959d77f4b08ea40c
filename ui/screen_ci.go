//go:build ci || android || ios || wasm || test_web_driver || mobile

package ui

import "fyne.io/fyne/v2"

// screenArea cannot tell the screen's size without a display driver.
func screenArea(fyne.App) (fyne.Size, bool) { return fyne.Size{}, false }
