package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// maxMethods is how many methods (exported or not, test files aside) a type
// under ui/ may have: a type with more holds more than one job (issue 8,
// "No type in ui/ needs more than about 20 methods").
const maxMethods = 20

// methodsAllowed are the types allowed above maxMethods for now, each with
// why. Tighten it when the reason is gone.
var methodsAllowed = map[string]string{}

// TestNoTypeHasTooManyMethods counts the methods declared on each type in
// every package under ui/ (non-test files) and fails for a type above
// maxMethods that methodsAllowed does not name, listing the offenders.
func TestNoTypeHasTooManyMethods(t *testing.T) {
	counts, err := countMethods(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) < 50 {
		t.Fatalf("counted methods of only %d types: is the walk broken?", len(counts))
	}
	var over []string
	for typ, n := range counts {
		if n > maxMethods {
			if _, ok := methodsAllowed[typ]; !ok {
				over = append(over, typ)
			}
		}
	}
	sort.Strings(over)
	for _, typ := range over {
		t.Errorf("%s has %d methods (at most %d): split it along its jobs", typ, counts[typ], maxMethods)
	}
	for typ := range methodsAllowed {
		if counts[typ] <= maxMethods {
			t.Errorf("%s has %d methods now: remove it from methodsAllowed", typ, counts[typ])
		}
	}
}

// countMethods returns the number of methods of each type declared in the
// Go files (not tests) under root, keyed "ui/<dir>.<Type>".
func countMethods(root string) (map[string]int, error) {
	counts := map[string]int{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Join("ui", filepath.Dir(path)))
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || len(fn.Recv.List) == 0 {
				continue
			}
			counts[pkg+"."+receiverType(fn.Recv.List[0].Type)]++
		}
		return nil
	})
	return counts, err
}

// receiverType is the name of a receiver's type: T for T, *T, T[P] and
// *T[P].
func receiverType(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return "?"
		}
	}
}

// TestCountMethods checks the counting itself on a package written for it:
// pointer and value receivers, generic types, test files left out.
func TestCountMethods(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.go", "package p\ntype A struct{}\nfunc (A) x() {}\nfunc (*A) y() {}\ntype G[T any] struct{}\nfunc (g *G[T]) z() {}\nfunc free() {}\n")
	write("a_test.go", "package p\nfunc (A) inTest() {}\n")
	counts, err := countMethods(dir)
	if err != nil {
		t.Fatal(err)
	}
	pkg := filepath.ToSlash(filepath.Join("ui", dir))
	want := map[string]int{pkg + ".A": 2, pkg + ".G": 1}
	if len(counts) != len(want) {
		t.Fatalf("counts %v, want %v", counts, want)
	}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("%s: %d methods, want %d (all: %v)", k, counts[k], n, counts)
		}
	}
}
