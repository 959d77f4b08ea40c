package client

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportsNothingOfTheGateway keeps the client a plain WebSocket client:
// it talks to any server, so it imports neither the gateway (emulator/...)
// nor Fyne. Saved messages, once here, belong to the workspace model.
func TestImportsNothingOfTheGateway(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(path, "wsworkbench/emulator") || strings.HasPrefix(path, "fyne.io/") {
				t.Errorf("%s imports %s", name, path)
			}
		}
	}
}
