package templates

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dave/jennifer/jen"
)

// localPath is the package the tests generate code into. The module around it has
// packages whose names differ from their paths (pkgfoo is package bar, thing/v2 is
// package thing), internal packages on both sides of the import rule, and stdlib imports.
const (
	modulePath = "example.com/m"
	localPath  = modulePath + "/local"
)

var moduleFiles = map[string]string{
	"go.mod": "module " + modulePath + "\n\ngo 1.26\n",

	"other/other.go": `package other

import (
	"image"

	"example.com/m/other/internal/secret"
)

type Pair[K comparable, V any] struct {
	Key K
	Val V
}

type List[T any] []T

// Set is a generic alias.
type Set[T comparable] = map[T]struct{}

type unexported struct{ x int }

var Unexp unexported

// PubUnexp names an unexported type through an exported alias.
type PubUnexp = unexported

var UnexpPtrs map[string]*unexported

// SecretVal has a type local may not name: other/internal is not visible to local.
var SecretVal secret.T

// PubSecret names the internal type through an exported alias.
type PubSecret = secret.T

var AnonPriv struct{ x int }

var AnonPub struct {
	X int ` + "`json:\"x\"`" + `
}

var AnonIfacePriv interface{ m() }

var Point image.Point
`,
	"other/internal/secret/secret.go": "package secret\n\ntype T struct{ A int }\n",
	"internal/shared/shared.go":       "package shared\n\ntype Cfg struct{ N int }\n",
	"pkgfoo/bar.go":                   "package bar\n\ntype T int\n",
	"thing/v2/thing.go":               "package thing\n\ntype T string\n",
	"local/internal/deep/deep.go":     "package deep\n\ntype D int\n",

	"local/local.go": `package local

import (
	"context"
	"image"
	"io"
	"net/http"
	"unsafe"

	"example.com/m/internal/shared"
	"example.com/m/local/internal/deep"
	"example.com/m/other"
	bar "example.com/m/pkgfoo"
	"example.com/m/thing/v2"
)

type Foo struct{ A int }

type foo struct{ b string }

type MyAlias = Foo

type LSet[T comparable] = map[T]bool

type Box[T any] struct{ V T }

type HTTPServer struct{}

type Größe int

type Range int

type AVeryLongTypeNameThatKeepsGoingOnAndOnForever struct{}

type Num interface {
	~int | ~float64
	String() string
}

var (
	vString    string
	vByte      byte
	vUint8     uint8
	vRune      rune
	vInt32     int32
	vComplex   complex128
	vUnsafe    unsafe.Pointer
	vError     error
	vAny       any
	vEmpty     interface{}
	vFoo       Foo
	vFooPtr    *Foo
	vfoo       foo
	vImage     image.Image
	vRequest   *http.Request
	vReader    io.Reader
	vSlice     []string
	vArray     [4]byte
	vMap       map[string]int
	vChan      chan int
	vRecv      <-chan int
	vSend      chan<- int
	vChanRecv  chan (<-chan int)
	vSendRecv  chan<- <-chan int
	vFunc      func(int, ...string) (bool, error)
	vFunc0     func()
	vFuncCtx   func(context.Context) error
	vFuncFunc  func() func() int
	vFuncSlice []func()
	vFuncNamed func(ctx context.Context, xs ...*Foo) (n int, err error)
	vStruct    struct {
		A int ` + "`json:\"a\"`" + `
		b string
		C int "has` + "`" + `backquote"
		Foo
		MyAlias
		*http.Client
		other.Pair[int, string]
	}
	vEmptyStruct struct{}
	vIface       interface {
		io.Reader
		M(int) string
		m()
	}
	vPair       other.Pair[string, Foo]
	vNested     other.Pair[*other.List[Foo], map[string]*other.Pair[int, image.Point]]
	vListfoo    other.List[foo]
	vAlias      MyAlias
	vSet        other.Set[string]
	vLSet       LSet[int]
	vPubUnexp   other.PubUnexp
	vPubSecret  other.PubSecret
	vBar        bar.T
	vThing      thing.T
	vShared     shared.Cfg
	vDeep       deep.D
	vHTTP       HTTPServer
	vGroesse    Größe
	vRange      Range
	vLong       AVeryLongTypeNameThatKeepsGoingOnAndOnForever
	vBoxBox     Box[Box[*Foo]]
	vUnexp      = other.Unexp
	vUnexpPtrs  = other.UnexpPtrs
	vSecret     = other.SecretVal
	vAnonPriv   = other.AnonPriv
	vAnonPub    = other.AnonPub
	vIfacePriv  = other.AnonIfacePriv
	vPoint      = other.Point
)

func constrained[T ~int | string]() {}

func withLocalType() any {
	type inner int
	return inner(0)
}
`,
}

// typeCase is one type to render. By default the type is that of the package-level
// variable name of package local; get overrides that.
type typeCase struct {
	name string
	get  func(p *types.Package) types.Type
	// constraint marks an interface only valid as a constraint: the round trip declares
	// a type parameter with it instead of a variable.
	constraint bool

	want string // Type, as rendered in a file of package local; "" to skip

	imports []string // Imports, as "path name"
	ident   string   // Ident
	err     string   // substring of Nameable's error; "" if nameable
}

var typeCases = []typeCase{
	{name: "vString", want: "string", ident: "string"},
	{name: "vByte", want: "byte", ident: "byte"},
	{name: "vUint8", want: "uint8", ident: "uint8"},
	{name: "vRune", want: "rune", ident: "rune"},
	{name: "vInt32", want: "int32", ident: "int32"},
	{name: "vComplex", want: "complex128", ident: "complex128"},
	{name: "vUnsafe", want: "unsafe.Pointer", imports: []string{"unsafe unsafe"}, ident: "unsafePointer"},
	{name: "vError", want: "error", ident: "error"},
	{name: "vAny", want: "any", ident: "any"},
	{name: "vEmpty", want: "any", ident: "any"},
	{name: "vFoo", want: "Foo", ident: "foo"},
	{name: "vFooPtr", want: "*Foo", ident: "fooPtr"},
	{name: "vfoo", want: "foo", ident: "foo"},
	{name: "vImage", want: "image.Image", imports: []string{"image image"}, ident: "image"},
	{name: "vRequest", want: "*http.Request", imports: []string{"net/http http"}, ident: "requestPtr"},
	{name: "vReader", want: "io.Reader", imports: []string{"io io"}, ident: "reader"},
	{name: "vSlice", want: "[]string", ident: "stringSlice"},
	{name: "vArray", want: "[4]byte", ident: "byte4Array"},
	{name: "vMap", want: "map[string]int", ident: "stringIntMap"},
	{name: "vChan", want: "chan int", ident: "intChan"},
	{name: "vRecv", want: "<-chan int", ident: "intRecvChan"},
	{name: "vSend", want: "chan<- int", ident: "intSendChan"},
	{name: "vChanRecv", want: "chan (<-chan int)", ident: "intRecvChanChan"},
	{name: "vSendRecv", want: "chan<- <-chan int", ident: "intRecvChanSendChan"},
	{name: "vFunc", want: "func(int, ...string) (bool, error)", ident: "funcType"},
	{name: "vFunc0", want: "func()", ident: "funcType"},
	{name: "vFuncCtx", want: "func(context.Context) error", imports: []string{"context context"}, ident: "funcType"},
	{name: "vFuncFunc", want: "func() func() int", ident: "funcType"},
	{name: "vFuncSlice", want: "[]func()", ident: "funcSlice"},
	{name: "vFuncNamed", want: "func(context.Context, ...*Foo) (int, error)", imports: []string{"context context"}, ident: "funcType"},
	{
		name: "vStruct",
		want: "struct {\n" +
			"\tA int `json:\"a\"`\n" +
			"\tb string\n" +
			"\tC int \"has`backquote\"\n" +
			"\tFoo\n" +
			"\tMyAlias\n" +
			"\t*http.Client\n" +
			"\tother.Pair[int, string]\n" +
			"}",
		imports: []string{"net/http http", "example.com/m/other other"},
		ident:   "structType",
	},
	{name: "vEmptyStruct", want: "struct{}", ident: "structType"},
	{
		name: "vIface",
		want: "interface {\n" +
			"\tio.Reader\n" +
			"\tM(int) string\n" +
			"\tm()\n" +
			"}",
		imports: []string{"io io"},
		ident:   "any",
	},
	{name: "vPair", want: "other.Pair[string, Foo]", imports: []string{"example.com/m/other other"}, ident: "pairStringFoo"},
	{
		name:    "vNested",
		want:    "other.Pair[*other.List[Foo], map[string]*other.Pair[int, image.Point]]",
		imports: []string{"example.com/m/other other", "image image"},
		ident:   "pairListFooPtrStringPairIntPointPtrMap",
	},
	{name: "vListfoo", want: "other.List[foo]", imports: []string{"example.com/m/other other"}, ident: "listFoo"},
	{name: "vAlias", want: "MyAlias", ident: "myAlias"},
	{name: "vSet", want: "other.Set[string]", imports: []string{"example.com/m/other other"}, ident: "setString"},
	{name: "vLSet", want: "LSet[int]", ident: "lSetInt"},
	{name: "vPubUnexp", want: "other.PubUnexp", imports: []string{"example.com/m/other other"}, ident: "pubUnexp"},
	{name: "vPubSecret", want: "other.PubSecret", imports: []string{"example.com/m/other other"}, ident: "pubSecret"},
	{name: "vBar", want: "bar.T", imports: []string{"example.com/m/pkgfoo bar"}, ident: "t"},
	{name: "vThing", want: "thing.T", imports: []string{"example.com/m/thing/v2 thing"}, ident: "t"},
	{name: "vShared", want: "shared.Cfg", imports: []string{"example.com/m/internal/shared shared"}, ident: "cfg"},
	{name: "vDeep", want: "deep.D", imports: []string{"example.com/m/local/internal/deep deep"}, ident: "d"},
	{name: "vHTTP", want: "HTTPServer", ident: "httpServer"},
	{name: "vGroesse", want: "Größe", ident: "grosse"},
	{name: "vRange", want: "Range", ident: "rangeType"},
	{name: "vLong", want: "AVeryLongTypeNameThatKeepsGoingOnAndOnForever", ident: "aVeryLongTypeNameThatKeepsGoingOnAndOn"},
	{name: "vBoxBox", want: "Box[Box[*Foo]]", ident: "boxBoxFooPtr"},
	{name: "vPoint", want: "image.Point", imports: []string{"image image"}, ident: "point"},
	{name: "vAnonPub", want: "struct {\n\tX int `json:\"x\"`\n}", ident: "structType"},

	// Constraints: writable, but only as the constraint of a type parameter.
	{
		name:       "Num",
		get:        func(p *types.Package) types.Type { return p.Scope().Lookup("Num").Type().Underlying() },
		constraint: true,
		want:       "interface {\n\t~int | ~float64\n\tString() string\n}",
		ident:      "any",
	},
	{
		name: "implicitConstraint", // [T ~int | string]
		get: func(p *types.Package) types.Type {
			return p.Scope().Lookup("constrained").(*types.Func).Signature().TypeParams().At(0).Constraint()
		},
		constraint: true,
		want:       "~int | string",
		ident:      "any",
	},
	{
		name:       "comparable",
		get:        func(*types.Package) types.Type { return types.Universe.Lookup("comparable").Type() },
		constraint: true,
		want:       "comparable",
		ident:      "comparable",
	},

	// Not nameable in package local.
	{name: "vUnexp", want: "other.unexported", imports: []string{"example.com/m/other other"}, ident: "unexported",
		err: "type other.unexported is not exported by package example.com/m/other"},
	{name: "vUnexpPtrs", want: "map[string]*other.unexported", imports: []string{"example.com/m/other other"}, ident: "stringUnexportedPtrMap",
		err: "type other.unexported is not exported by package example.com/m/other"},
	{name: "vSecret", want: "secret.T", imports: []string{"example.com/m/other/internal/secret secret"}, ident: "t",
		err: "type secret.T cannot be named in package example.com/m/local: use of internal package example.com/m/other/internal/secret not allowed"},
	{name: "vAnonPriv", want: "struct {\n\tx int\n}", ident: "structType",
		err: "struct{x int} has unexported field x of package example.com/m/other, so it can only be written in that package"},
	{name: "vIfacePriv", want: "interface {\n\tm()\n}", ident: "any",
		err: "interface{m()} has unexported method m of package example.com/m/other, so it can only be written in that package"},
	{
		name: "typeParam",
		get: func(p *types.Package) types.Type {
			return p.Scope().Lookup("Box").Type().(*types.Named).TypeParams().At(0)
		},
		want:  "T",
		ident: "t",
		err:   "T is a type parameter",
	},
	{
		name: "typeParamField",
		get: func(p *types.Package) types.Type {
			return p.Scope().Lookup("Box").Type().Underlying().(*types.Struct).Field(0).Type()
		},
		want:  "T",
		ident: "t",
		err:   "T is a type parameter",
	},
	{
		name: "uninstantiated",
		get: func(p *types.Package) types.Type {
			return types.NewSlice(p.Scope().Lookup("Box").Type())
		},
		want:  "[]Box",
		ident: "boxSlice",
		err:   "generic type Box cannot be used without instantiation",
	},
	{
		name: "uninstantiatedAlias",
		get:  func(p *types.Package) types.Type { return p.Scope().Lookup("LSet").Type() },
		want: "LSet", ident: "lSet",
		err: "generic type LSet cannot be used without instantiation",
	},
	{
		name: "functionLocal",
		get: func(p *types.Package) types.Type {
			return p.Scope().Lookup("withLocalType").(*types.Func).Scope().Lookup("inner").Type()
		},
		want: "inner", ident: "inner",
		err: "type inner is declared inside a function",
	},
	{
		name: "invalid", get: func(*types.Package) types.Type { return types.Typ[types.Invalid] },
		want: "invalid", ident: "invalid", err: "invalid type",
	},
	{
		name: "untyped", get: func(*types.Package) types.Type { return types.Typ[types.UntypedFloat] },
		want: "invalid", ident: "untypedFloat", err: "untyped float is the type of a constant expression",
	},
	{
		name: "tuple",
		get: func(*types.Package) types.Type {
			return types.NewTuple(types.NewVar(token.NoPos, nil, "", types.Typ[types.Int]), types.NewVar(token.NoPos, nil, "", types.Universe.Lookup("error").Type()))
		},
		// A tuple has no source form, so Type is not checked.
		ident: "tuple", err: "(int, error) is a list of values, not a single type",
	},
}

// writeModule writes moduleFiles to a fresh directory and returns it.
func writeModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range moduleFiles {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// loaded is package local, type-checked.
type loaded struct {
	fset  *token.FileSet
	types *types.Package
	info  *types.Info
	files []*ast.File
}

// loadLocal type-checks package local of the module in dir the way the generator sees
// it: from source, with every imported package read from the compiler's export data
// (as go/packages does without NeedDeps). "go list -export" compiles local and all its
// dependencies, so a compile error anywhere fails the test with the compiler's message.
func loadLocal(t *testing.T, dir string) *loaded {
	t.Helper()
	cmd := exec.Command("go", "list", "-export", "-deps", "-f", "{{.ImportPath}}={{.Export}}", "./local")
	cmd.Dir = dir
	// The module has no requirements: keep the build hermetic.
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOPROXY=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.Bytes())
	}
	exports := make(map[string]string)
	for line := range strings.Lines(string(out)) {
		path, file, _ := strings.Cut(strings.TrimSpace(line), "=")
		exports[path] = file
	}

	l := &loaded{
		fset: token.NewFileSet(),
		info: &types.Info{Types: make(map[ast.Expr]types.TypeAndValue)},
	}
	names, err := filepath.Glob(filepath.Join(dir, "local", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		f, err := parser.ParseFile(l.fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		l.files = append(l.files, f)
	}
	conf := types.Config{
		GoVersion: "go1.26",
		Importer: importer.ForCompiler(l.fset, "gc", func(path string) (io.ReadCloser, error) {
			file, ok := exports[path]
			if !ok || file == "" {
				return nil, fmt.Errorf("no export data for %s", path)
			}
			return os.Open(file)
		}),
	}
	l.types, err = conf.Check(localPath, l.fset, l.files, l.info)
	if err != nil {
		t.Fatalf("type-check %s: %v", localPath, err)
	}
	return l
}

func (c typeCase) typ(t *testing.T, p *types.Package) types.Type {
	t.Helper()
	if c.get != nil {
		return c.get(p)
	}
	obj := p.Scope().Lookup(c.name)
	if obj == nil {
		t.Fatalf("no %s in package local", c.name)
	}
	return obj.Type()
}

// renderDecl renders "var _ T" (or "type _[X T] struct{}" for a constraint) in a file of
// package local with the imports registered through Imports, and returns the source of
// the type and the file's imports as "path name" (name "" for an unaliased import).
func renderDecl(t *testing.T, n *Namer, typ types.Type, constraint bool) (expr string, imports []string) {
	t.Helper()
	f := jen.NewFilePath(localPath)
	n.Imports(typ, f.ImportName)
	prefix, suffix := "var _ ", ""
	if constraint {
		prefix, suffix = "type _[X ", "] struct{}"
		f.Type().Id("_").Types(jen.Id("X").Add(n.Type(typ))).Struct()
	} else {
		f.Var().Id("_").Add(n.Type(typ))
	}
	var buf bytes.Buffer
	if err := f.Render(&buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	src := buf.String()
	_, decl, ok := strings.Cut(src, prefix)
	decl, ok2 := strings.CutSuffix(strings.TrimSpace(decl), suffix)
	if !ok || !ok2 {
		t.Fatalf("no %s...%s in\n%s", prefix, suffix, src)
	}
	file, err := parser.ParseFile(token.NewFileSet(), "x.go", src, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range file.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		name := ""
		if imp.Name != nil {
			name = imp.Name.Name
		}
		imports = append(imports, strings.TrimSpace(path+" "+name))
	}
	return decl, imports
}

func TestNamer(t *testing.T) {
	dir := writeModule(t)
	p := loadLocal(t, dir)
	n := NewNamer(localPath)

	for _, c := range typeCases {
		t.Run(c.name, func(t *testing.T) {
			typ := c.typ(t, p.types)

			var fileImports []string
			if c.want != "" {
				var got string
				got, fileImports = renderDecl(t, n, typ, c.constraint)
				if got != c.want {
					t.Errorf("Type = %q, want %q", got, c.want)
				}
			}

			var calls []string
			n.Imports(typ, func(path, name string) { calls = append(calls, path+" "+name) })
			if !slices.Equal(calls, c.imports) {
				t.Errorf("Imports called with %q, want %q", calls, c.imports)
			}
			// Imports registered the real names, so jennifer writes each import without
			// an alias, and the code uses the package's own name (bar.T, thing.T).
			var wantFile []string
			for _, imp := range c.imports {
				path, _, _ := strings.Cut(imp, " ")
				wantFile = append(wantFile, path)
			}
			slices.Sort(wantFile)
			slices.Sort(fileImports)
			if c.want != "" && !slices.Equal(fileImports, wantFile) {
				t.Errorf("file imports %q, want %q", fileImports, wantFile)
			}

			err := n.Nameable(typ)
			switch {
			case c.err == "" && err != nil:
				t.Errorf("Nameable = %v, want nil", err)
			case c.err != "" && err == nil:
				t.Errorf("Nameable = nil, want error containing %q", c.err)
			case c.err != "" && !strings.Contains(err.Error(), c.err):
				t.Errorf("Nameable = %q, want error containing %q", err, c.err)
			}

			id := Ident(typ)
			if id != c.ident {
				t.Errorf("Ident = %q, want %q", id, c.ident)
			}
			checkIdent(t, id)
		})
	}
}

// checkIdent checks Ident's promises: a valid ASCII identifier of bounded length.
func checkIdent(t *testing.T, id string) {
	t.Helper()
	if !token.IsIdentifier(id) {
		t.Errorf("Ident %q is not a valid identifier", id)
	}
	if len(id) > maxIdentLen {
		t.Errorf("Ident %q is longer than %d", id, maxIdentLen)
	}
	for i := range len(id) {
		if id[i] >= 0x80 {
			t.Errorf("Ident %q is not ASCII", id)
			break
		}
	}
}

// TestNamerRoundTrip writes every nameable case back into package local and type-checks
// it again: the rendered type must denote exactly the original type. Assignability alone
// would accept a named type for its underlying type, so each case also assigns &v to
// *T: pointer types are assignable only if their element types are identical. Beyond
// compiling, the types are compared with types.Identical.
func TestNamerRoundTrip(t *testing.T) {
	dir := writeModule(t)
	p := loadLocal(t, dir)
	n := NewNamer(localPath)

	f := jen.NewFilePath(localPath)
	type check struct{ decl, orig string } // names in the generated file and in local.go
	var checks []check
	for i, c := range typeCases {
		typ := c.typ(t, p.types)
		if c.err != "" {
			continue
		}
		n.Imports(typ, f.ImportName)
		switch {
		case c.constraint:
			// type rtN[X T] struct{}: compared with the original constraint below.
			name := "rt" + strconv.Itoa(i)
			f.Type().Id(name).Types(jen.Id("X").Add(n.Type(typ))).Struct()
			checks = append(checks, check{name, c.name})
		default:
			f.Var().Id("_").Add(n.Type(typ)).Op("=").Id(c.name)
			f.Var().Id("_").Op("*").Add(n.Type(typ)).Op("=").Op("&").Id(c.name)
		}
	}
	var buf bytes.Buffer
	if err := f.Render(&buf); err != nil {
		t.Fatal(err)
	}
	const genName = "roundtrip_gen.go"
	if err := os.WriteFile(filepath.Join(dir, "local", genName), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s:\n%s", genName, buf.String())

	p = loadLocal(t, dir) // fails the test on any compile error
	var gen *ast.File
	for _, file := range p.files {
		if filepath.Base(p.fset.File(file.Pos()).Name()) == genName {
			gen = file
		}
	}
	if gen == nil {
		t.Fatalf("%s not loaded", genName)
	}

	// var _ T = v: T and the type of v must be identical.
	var vars int
	for _, decl := range gen.Decls {
		d, ok := decl.(*ast.GenDecl)
		if !ok || d.Tok != token.VAR {
			continue
		}
		for _, spec := range d.Specs {
			vs := spec.(*ast.ValueSpec)
			want, got := p.info.TypeOf(vs.Values[0]), p.info.TypeOf(vs.Type)
			if !types.Identical(got, want) {
				t.Errorf("%s: rendered %s, original %s", p.fset.Position(vs.Pos()), got, want)
			}
			vars++
		}
	}
	if vars == 0 {
		t.Error("no variables generated")
	}

	// type rtN[X C] struct{}: C must be identical to the original constraint.
	for _, c := range checks {
		got := p.types.Scope().Lookup(c.decl).Type().(*types.Named).TypeParams().At(0).Constraint()
		var want types.Type
		for _, tc := range typeCases {
			if tc.name == c.orig {
				want = tc.typ(t, p.types)
			}
		}
		if !types.Identical(got, want) {
			t.Errorf("constraint %s: rendered %s, original %s", c.orig, got, want)
		}
	}
}

// TestNameableImportRules covers packages that cannot be imported for other reasons
// than internal, on types made up directly: they cannot be loaded into package local.
func TestNameableImportRules(t *testing.T) {
	named := func(path, pkgName, typeName string) types.Type {
		pkg := types.NewPackage(path, pkgName)
		obj := types.NewTypeName(token.NoPos, pkg, typeName, nil)
		typ := types.NewNamed(obj, types.Typ[types.Int], nil)
		pkg.Scope().Insert(obj)
		return typ
	}
	tests := []struct {
		local string
		typ   types.Type
		err   string
	}{
		{"example.com/a", named("internal/poll", "poll", "FD"),
			"type poll.FD cannot be named in package example.com/a: use of internal package internal/poll not allowed"},
		{"example.com/a", named("example.com/a/internal", "internal", "T"), ""},
		{"example.com/a/b/c", named("example.com/a/internal/x", "x", "T"), ""},
		{"example.com/ab", named("example.com/a/internal/x", "x", "T"),
			"use of internal package example.com/a/internal/x not allowed"},
		{"example.com/a/internal/y", named("example.com/a/internal/x", "x", "T"), ""},
		// The last internal element decides.
		{"example.com/a/internal/y", named("example.com/a/internal/x/internal/z", "z", "T"),
			"use of internal package example.com/a/internal/x/internal/z not allowed"},
		{"example.com/a", named("vendor/golang.org/x/net/http2/hpack", "hpack", "Decoder"),
			"package vendor/golang.org/x/net/http2/hpack is vendored"},
		{"example.com/a", named("example.com/cmd/tool", "main", "Config"),
			"type main.Config cannot be named in package example.com/a: package example.com/cmd/tool is a program (package main) and cannot be imported"},
		{"example.com/cmd/tool", named("example.com/cmd/tool", "main", "Config"), ""},
		{"example.com/a", named("example.com/a_test", "a_test", "Fixture"),
			"package example.com/a_test is an external test package"},
		{"example.com/a", types.NewMap(types.Typ[types.String], named("example.com/b", "b", "priv")),
			"type b.priv is not exported by package example.com/b"},
		{"example.com/a", nil, "missing type"},
	}
	for _, tt := range tests {
		err := NewNamer(tt.local).Nameable(tt.typ)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("in %s: Nameable(%v) = %v, want nil", tt.local, tt.typ, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("in %s: Nameable(%v) = %v, want error containing %q", tt.local, tt.typ, err, tt.err)
		}
	}
}

// TestIdentNames covers the conversion of arbitrary names to identifier fragments.
func TestIdentNames(t *testing.T) {
	pkg := types.NewPackage("example.com/a", "a")
	named := func(name string) types.Type {
		return types.NewNamed(types.NewTypeName(token.NoPos, pkg, name, nil), types.Typ[types.Int], nil)
	}
	tests := []struct {
		typ  types.Type
		want string
	}{
		{named("Foo"), "foo"},
		{named("URL"), "url"},
		{named("ID"), "id"},
		{named("HTTPServer"), "httpServer"},
		{named("XMLHttpRequest"), "xmlHttpRequest"},
		{named("my_type"), "myType"},
		{named("_Ctype_int"), "ctypeInt"},
		{named("_2D"), "n2D"},
		{named("Größe"), "grosse"},
		{named("Ölfeld"), "olfeld"},
		{named("名前"), "named"},
		{named("T名"), "t"},
		{named("Type"), "typeType"},
		{named("Func"), "funcType"},
		{types.NewPointer(named("Type")), "typePtr"},
		{types.Universe.Lookup("byte").Type(), "byte"},
		{types.Typ[types.Byte], "uint8"}, // types.Typ indexes by kind: Byte is Uint8
		{types.NewSlice(types.NewSlice(types.NewSlice(types.NewSlice(types.NewSlice(types.NewSlice(named("SomewhatLongName"))))))),
			"somewhatLongNameSliceSliceSliceSlice"},
		{named(strings.Repeat("x", 100)), strings.Repeat("x", maxIdentLen)},
		{nil, "value"},
	}
	for _, tt := range tests {
		got := Ident(tt.typ)
		if got != tt.want {
			t.Errorf("Ident(%v) = %q, want %q", tt.typ, got, tt.want)
		}
		checkIdent(t, got)
	}
}
