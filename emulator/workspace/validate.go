package workspace

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"unicode/utf8"

	"wsworkbench/emulator/model"
	"wsworkbench/emulator/selection"
	"wsworkbench/emulator/vtl"
)

// locator turns a problem with a model value into an error at the value's
// place in the file. path is a pathKey; line and col, when not 0, are a
// position inside the value (a template's line and column).
type locator func(path string, line, col int, msg string) error

// validateAPI checks what the gateway will need to run the model: a route
// selection expression, and that every selection expression, integration
// response key and mapping template parses. The first problem is returned,
// placed in the file by at (nil: no position).
func validateAPI(api *model.API, at locator) error {
	if at == nil {
		at = func(_ string, _, _ int, msg string) error { return errors.New(msg) }
	}
	if api.RouteSelectionExpression == "" {
		return at(pathKey(kindAPI, api.ID, ""), 0, 0, "API "+api.ID+" has no RouteSelectionExpression")
	}
	check := func(path, what, expr string, kind selection.Kind) error {
		if expr == "" {
			return nil
		}
		_, err := selection.Parse(expr, kind)
		return selectionError(at, path, what, expr, err)
	}
	if err := check(pathKey(kindAPI, api.ID, "RouteSelectionExpression"), "API "+api.ID+" RouteSelectionExpression", api.RouteSelectionExpression, selection.RouteSelection); err != nil {
		return err
	}
	if err := check(pathKey(kindAPI, api.ID, "ApiKeySelectionExpression"), "API "+api.ID+" ApiKeySelectionExpression", api.APIKeySelectionExpression, selection.APIKeySelection); err != nil {
		return err
	}
	for _, r := range api.Routes {
		if err := check(pathKey(kindRoute, r.ID, "RouteResponseSelectionExpression"), fmt.Sprintf("route %s (%s) RouteResponseSelectionExpression", r.ID, r.Key), r.RouteResponseSelectionExpression, selection.RouteResponseSelection); err != nil {
			return err
		}
	}
	for _, in := range api.Integrations {
		if err := check(pathKey(kindIntegration, in.ID, "TemplateSelectionExpression"), "integration "+in.ID+" TemplateSelectionExpression", in.TemplateSelectionExpression, selection.RequestTemplateSelection); err != nil {
			return err
		}
		for _, key := range slices.Sorted(maps.Keys(in.RequestTemplates)) {
			path := pathKey(kindIntegration, in.ID, "RequestTemplates", key)
			if err := templateError(at, path, fmt.Sprintf("integration %s request template %q", in.ID, key), in.RequestTemplates[key]); err != nil {
				return err
			}
		}
		for _, ir := range in.Responses {
			if _, err := selection.ParseResponseKey(ir.Key); err != nil {
				if err := selectionError(at, pathKey(kindIntegrationResponse, ir.ID, "IntegrationResponseKey"), "integration response "+ir.ID+" IntegrationResponseKey", ir.Key, err); err != nil {
					return err
				}
			}
			if err := check(pathKey(kindIntegrationResponse, ir.ID, "TemplateSelectionExpression"), "integration response "+ir.ID+" TemplateSelectionExpression", ir.TemplateSelectionExpression, selection.ResponseTemplateSelection); err != nil {
				return err
			}
			for _, key := range slices.Sorted(maps.Keys(ir.ResponseTemplates)) {
				path := pathKey(kindIntegrationResponse, ir.ID, "ResponseTemplates", key)
				if err := templateError(at, path, fmt.Sprintf("integration response %s response template %q", ir.ID, key), ir.ResponseTemplates[key]); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// selectionError places a selection package error (its byte column in expr)
// in the file.
func selectionError(at locator, path, what, expr string, err error) error {
	if err == nil {
		return nil
	}
	var se *selection.Error
	if !errors.As(err, &se) {
		return at(path, 0, 0, what+": "+err.Error())
	}
	col := se.Col
	if col >= 1 && col-1 <= len(expr) {
		col = utf8.RuneCountInString(expr[:col-1]) + 1
	}
	return at(path, 1, col, what+": "+se.Msg)
}

// templateError parses a mapping template and places its error in the file.
func templateError(at locator, path, what, src string) error {
	_, err := vtl.Parse(src)
	if err == nil {
		return nil
	}
	var ve *vtl.Error
	if !errors.As(err, &ve) {
		return at(path, 0, 0, what+": "+err.Error())
	}
	return at(path, ve.Line, ve.Col, what+": "+ve.Msg)
}
