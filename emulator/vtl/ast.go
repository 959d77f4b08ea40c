package vtl

import "wsworkbench/emulator/jsonpath"

// stmt is a piece of template output: text, a reference, or a directive.
type stmt interface {
	exec(r *renderer) error
}

// expr is an expression inside a directive, a method argument or an index.
type expr interface {
	eval(r *renderer) (value, error)
}

type textStmt struct {
	pos int
	s   string
}

// refStmt renders a reference. escapes is the number of backslashes
// written before the "$".
type refStmt struct {
	ref     *refExpr
	escapes int
}

type setStmt struct {
	pos    int
	target *refExpr
	val    expr
}

type ifStmt struct {
	conds  []expr
	blocks [][]stmt
	els    []stmt
}

type foreachStmt struct {
	pos  int
	v    *refExpr // the loop variable: a plain $name
	src  expr
	body []stmt
}

type breakStmt struct{ pos int }

// macroDef is a #macro(name $param ...) body #end.
type macroDef struct {
	name   string
	params []*refExpr
	body   []stmt
}

// macroEscStmt is n backslashes before "#name", where name is not a
// directive: if the template defines a macro called name, the backslashes
// escape like they do before a directive (half of them print, an odd one
// makes "#name" text); otherwise they are text. text is "#name" when n is
// odd, else "" (the "#name" that follows is parsed on its own).
type macroEscStmt struct {
	n       int
	name    string
	text    string
	isMacro bool
}

// callStmt is #name(args). def is set after parsing, when every #macro of
// the template is known; a call to no macro renders as written.
type callStmt struct {
	pos  int
	name string
	args []expr
	lit  string
	def  *macroDef
}

type stopStmt struct{ pos int }

type litExpr struct{ v value }

// strExpr is a double-quoted string literal with references or directives
// inside, rendered each time it is evaluated.
type strExpr struct {
	pos  int
	body []stmt
}

type listExpr struct{ items []expr }

type rangeExpr struct {
	pos    int
	lo, hi expr
}

type mapExpr struct{ keys, vals []expr }

type binExpr struct {
	pos  int
	op   binOp
	l, r expr
}

type notExpr struct{ x expr }

type negExpr struct {
	pos int
	x   expr
}

type binOp uint8

const (
	opOr binOp = iota
	opAnd
	opEq
	opNe
	opLt
	opLe
	opGt
	opGe
	opAdd
	opSub
	opMul
	opDiv
	opMod
)

// rootKind is what the first name of a reference resolves to when the
// template never assigns that name itself.
type rootKind uint8

const (
	rootNone rootKind = iota // an unknown name: always null
	rootInput
	rootUtil
	rootContext
	rootStageVariables
	rootForeach
	rootVelocityCount
	rootVelocityHasNext
)

var builtinRoots = map[string]rootKind{
	"input":           rootInput,
	"util":            rootUtil,
	"context":         rootContext,
	"stageVariables":  rootStageVariables,
	"foreach":         rootForeach,
	"velocityCount":   rootVelocityCount,
	"velocityHasNext": rootVelocityHasNext,
}

// refExpr is a reference such as $a, $a.b, $a.b('x')[0] or ${a.b}.
type refExpr struct {
	pos   int
	lit   string // the reference as written, for Velocity's literal renderings
	name  string
	slot  int // variable slot, or -1 when the template never assigns name
	root  rootKind
	segs  []segment
	quiet bool
}

type segKind uint8

const (
	segProp segKind = iota
	segMethod
	segIndex
)

// segment is one ".name", ".name(args)" or "[index]" after a reference's name.
type segment struct {
	pos   int
	kind  segKind
	name  string
	args  []expr
	index expr
	path  *compiledPath // $input.path / $input.json with a literal path
	// str, list and mp are the String, List and Map methods a method
	// segment names (nil where the type has none), looked up at Parse.
	str  *method[string]
	list *method[*list]
	mp   *method[*vmap]
}

// compiledPath is a JSONPath compiled when the template was parsed.
type compiledPath struct {
	src  string
	path jsonpath.Path
	err  error
}
