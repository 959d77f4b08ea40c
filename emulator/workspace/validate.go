package workspace

import (
	"errors"

	"wsworkbench/emulator/model"
)

// locator turns a problem with a model value into an error at the value's
// place in the file. path is a pathKey; line and col, when not 0, are a
// position inside the value (a template's line and column).
type locator func(path string, line, col int, msg string) error

// validateAPI checks what the model needs before it can run.
func validateAPI(api *model.API, at locator) error {
	if at == nil {
		at = func(_ string, _, _ int, msg string) error { return errors.New(msg) }
	}
	if api.RouteSelectionExpression == "" {
		return at(pathKey(kindAPI, api.ID, ""), 0, 0, "API "+api.ID+" has no RouteSelectionExpression")
	}
	return nil
}
