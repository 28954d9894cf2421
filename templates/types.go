package templates

import (
	"errors"
	"fmt"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
)

// Namer renders go/types types as jennifer code for one generated file in package local.
//
// The generator sees the user's types through go/types, but has to write them back as
// source in a file of the user's package. Types of that package are written unqualified,
// types of other packages with jen.Qual so that jennifer emits the import. Not every
// type can be written back (unexported types of other packages, type parameters, ...):
// Nameable tells which and why, so the generator can report it at the user's directive
// instead of emitting code that does not compile.
//
// A Namer holds no per-file state; it is safe for concurrent use.
type Namer struct {
	local string // import path of the package the generated file belongs to
}

// NewNamer returns a Namer for code generated into the package with import path local.
func NewNamer(local string) *Namer {
	return &Namer{local: local}
}

// Type returns the Go source expression for t, qualifying identifiers of other packages
// with jen.Qual so that jennifer writes the imports. It assumes Nameable(t) is nil.
//
// Named types and aliases are written by their own (qualified) name with their type
// arguments, never by their underlying type: that keeps the user's vocabulary in the
// generated code, and an exported alias is often the only way to name an unexported or
// internal type. The empty interface is written as any. A type parameter is written as
// its bare name, which is only meaningful inside a generic declaration that declares it.
// Types that have no source form (invalid, untyped) are rendered as the identifier
// "invalid", which does not compile; call Nameable first.
func (n *Namer) Type(t types.Type) *jen.Statement {
	r := renderer{local: n.local}
	return r.typ(t)
}

// Imports calls add(path, name) once per package that Type(t) would import, so the
// caller can register real package names with jen.File.ImportName (jennifer otherwise
// guesses names from paths, which is wrong for e.g. gopkg.in/yaml.v3 or pkg/v2).
// Packages are reported in the order Type first refers to them. The package local itself
// is never reported.
func (n *Namer) Imports(t types.Type, add func(path, name string)) {
	seen := make(map[string]bool)
	r := renderer{local: n.local, imported: func(pkg *types.Package) {
		// Deduplicate by path: the same package can be reached through several
		// *types.Package values when types come from different loads.
		if !seen[pkg.Path()] {
			seen[pkg.Path()] = true
			add(pkg.Path(), pkg.Name())
		}
	}}
	// Rendering is the only reliable way to know what Type refers to: a separate walk
	// would have to mirror every decision (aliases kept, underlying types skipped).
	r.typ(t)
}

// renderer turns a types.Type into jennifer code. It is shared by Type and Imports so
// that the imports reported are exactly those of the rendered code.
type renderer struct {
	local    string
	imported func(*types.Package) // called for every qualified reference; may be nil
}

// typ renders t as a type expression.
func (r *renderer) typ(t types.Type) *jen.Statement {
	switch t := t.(type) {
	case nil:
		return jen.Id("invalid")
	case *types.Basic:
		return r.basic(t)
	case *types.Named:
		return r.typeName(t.Obj(), t.TypeArgs())
	case *types.Alias:
		return r.typeName(t.Obj(), t.TypeArgs())
	case *types.TypeParam:
		return jen.Id(t.Obj().Name())
	case *types.Pointer:
		return jen.Op("*").Add(r.typ(t.Elem()))
	case *types.Slice:
		return jen.Index().Add(r.typ(t.Elem()))
	case *types.Array:
		return jen.Index(jen.Lit(int(t.Len()))).Add(r.typ(t.Elem()))
	case *types.Map:
		return jen.Map(r.typ(t.Key())).Add(r.typ(t.Elem()))
	case *types.Chan:
		return r.chanType(t)
	case *types.Signature:
		return r.signature(jen.Func(), t)
	case *types.Struct:
		return r.structType(t)
	case *types.Interface:
		return r.ifaceType(t)
	case *types.Union:
		return r.union(t)
	case *types.Tuple:
		// Not a type expression; render the list so that a mistaken use is at least
		// recognizable in the output (and fails to compile).
		return jen.Parens(jen.List(r.tupleTypes(t)...))
	default:
		return jen.Id("invalid")
	}
}

func (r *renderer) basic(t *types.Basic) *jen.Statement {
	switch {
	case t.Kind() == types.UnsafePointer:
		r.importPkg(types.Unsafe)
		return jen.Qual("unsafe", "Pointer")
	case t.Kind() == types.Invalid, t.Info()&types.IsUntyped != 0:
		return jen.Id("invalid")
	}
	// Name, not Kind: go/types has distinct *Basic values for the byte and rune aliases
	// (types.Universe.Lookup("byte").Type() has kind Uint8 but name "byte"), so the
	// user's spelling survives. Both spellings denote identical types.
	return jen.Id(t.Name())
}

// typeName renders a reference to a declared type (defined or alias) with its type
// arguments.
func (r *renderer) typeName(obj *types.TypeName, args *types.TypeList) *jen.Statement {
	var s *jen.Statement
	switch pkg := obj.Pkg(); {
	case pkg == nil:
		// Universe: error, comparable, any. jen.Any keeps "any" recognizable as the
		// predeclared identifier.
		if obj.Name() == "any" {
			s = jen.Any()
		} else {
			s = jen.Id(obj.Name())
		}
	case pkg.Path() == r.local:
		s = jen.Id(obj.Name())
	default:
		r.importPkg(pkg)
		s = jen.Qual(pkg.Path(), obj.Name())
	}
	if args.Len() > 0 {
		list := make([]jen.Code, args.Len())
		for i := range args.Len() {
			list[i] = r.typ(args.At(i))
		}
		s.Types(list...)
	}
	return s
}

func (r *renderer) chanType(t *types.Chan) *jen.Statement {
	elem := r.typ(t.Elem())
	switch t.Dir() {
	case types.SendOnly:
		return jen.Chan().Op("<-").Add(elem)
	case types.RecvOnly:
		return jen.Op("<-").Chan().Add(elem)
	}
	// "chan <-chan T" would parse as "chan<- chan T": the <- binds to the leftmost chan,
	// so a bidirectional channel of receive-only channels needs parentheses. Only an
	// unnamed element matters; a named one is written by name.
	if c, ok := t.Elem().(*types.Chan); ok && c.Dir() == types.RecvOnly {
		return jen.Chan().Parens(elem)
	}
	return jen.Chan().Add(elem)
}

// signature appends the parameters and results of sig to s: s is jen.Func() for a func
// type, or a method name inside an interface. Parameter names are dropped: they are not
// part of the type's identity, and the user's names could collide with the generated
// file's imports.
func (r *renderer) signature(s *jen.Statement, sig *types.Signature) *jen.Statement {
	params := r.tupleTypes(sig.Params())
	if sig.Variadic() && len(params) > 0 {
		// The last parameter of a variadic signature has type []E; it is written ...E.
		last := sig.Params().At(sig.Params().Len() - 1).Type()
		if sl, ok := last.Underlying().(*types.Slice); ok {
			params[len(params)-1] = jen.Op("...").Add(r.typ(sl.Elem()))
		}
	}
	s.Params(params...)
	switch res := r.tupleTypes(sig.Results()); len(res) {
	case 0:
	case 1:
		s.Add(res[0])
	default:
		s.Params(res...)
	}
	return s
}

func (r *renderer) tupleTypes(tup *types.Tuple) []jen.Code {
	list := make([]jen.Code, tup.Len())
	for i := range tup.Len() {
		list[i] = r.typ(tup.At(i).Type())
	}
	return list
}

func (r *renderer) structType(t *types.Struct) *jen.Statement {
	fields := make([]jen.Code, t.NumFields())
	for i := range t.NumFields() {
		f := t.Field(i)
		var field *jen.Statement
		if f.Embedded() {
			// The field's name is implied by its type (T, *T, pkg.T, T[A]).
			field = r.typ(f.Type())
		} else {
			field = jen.Id(f.Name()).Add(r.typ(f.Type()))
		}
		if tag := t.Tag(i); tag != "" {
			// The tag is part of the struct type's identity, so it is written verbatim:
			// jen's Tag takes a map and would reorder and re-quote it.
			if strconv.CanBackquote(tag) {
				field.Op("`" + tag + "`")
			} else {
				field.Lit(tag)
			}
		}
		fields[i] = field
	}
	return jen.Struct(fields...)
}

func (r *renderer) ifaceType(t *types.Interface) *jen.Statement {
	if t.IsImplicit() {
		// The interface of a constraint written without interface{...}, as in
		// [T ~int | string]: write it the way the user did.
		if t.NumEmbeddeds() == 1 && t.NumExplicitMethods() == 0 {
			return r.typ(t.EmbeddedType(0))
		}
	}
	if t.NumEmbeddeds() == 0 && t.NumExplicitMethods() == 0 {
		return jen.Any()
	}
	elems := make([]jen.Code, 0, t.NumEmbeddeds()+t.NumExplicitMethods())
	for i := range t.NumEmbeddeds() {
		elems = append(elems, r.typ(t.EmbeddedType(i)))
	}
	for i := range t.NumExplicitMethods() {
		m := t.ExplicitMethod(i)
		elems = append(elems, r.signature(jen.Id(m.Name()), m.Signature()))
	}
	return jen.Interface(elems...)
}

func (r *renderer) union(t *types.Union) *jen.Statement {
	terms := make([]jen.Code, t.Len())
	for i := range t.Len() {
		term := t.Term(i)
		if term.Tilde() {
			terms[i] = jen.Op("~").Add(r.typ(term.Type()))
		} else {
			terms[i] = r.typ(term.Type())
		}
	}
	return jen.Union(terms...)
}

func (r *renderer) importPkg(pkg *types.Package) {
	if r.imported != nil && pkg.Path() != r.local {
		r.imported(pkg)
	}
}

// Nameable reports why t cannot be written in package local, or nil: e.g. an unexported
// type of another package ("type foo.bar is not exported by package example.com/foo"),
// a type parameter, a type from an internal package that local may not import, an
// unnamed struct with unexported fields from another package, types.Invalid ...
// The message must say what is wrong in user terms.
//
// Nameable is about writing t, not about what t may be used for: a constraint interface
// (comparable, ~int | string) is nameable although it cannot be the type of a value.
// The first problem found is reported, for the innermost offending part of t, so that the
// message names the type the user has to change.
func (n *Namer) Nameable(t types.Type) error {
	return n.nameable(t)
}

func (n *Namer) nameable(t types.Type) error {
	switch t := t.(type) {
	case nil:
		return errors.New("missing type")
	case *types.Basic:
		switch {
		case t.Kind() == types.Invalid:
			return errors.New("invalid type (the package has type errors, or the type could not be resolved)")
		case t.Info()&types.IsUntyped != 0:
			return fmt.Errorf("%s is the type of a constant expression, not a type that can be written; convert the value to a typed value", t.Name())
		}
		return nil
	case *types.Named:
		if err := n.typeName(t.Obj(), t.TypeParams(), t.TypeArgs()); err != nil {
			return err
		}
		return n.typeList(t.TypeArgs())
	case *types.Alias:
		if err := n.typeName(t.Obj(), t.TypeParams(), t.TypeArgs()); err != nil {
			return err
		}
		return n.typeList(t.TypeArgs())
	case *types.TypeParam:
		return fmt.Errorf("%s is a type parameter: only concrete types can be used here, not the type parameters of a generic declaration", t.Obj().Name())
	case *types.Pointer:
		return n.nameable(t.Elem())
	case *types.Slice:
		return n.nameable(t.Elem())
	case *types.Array:
		return n.nameable(t.Elem())
	case *types.Map:
		if err := n.nameable(t.Key()); err != nil {
			return err
		}
		return n.nameable(t.Elem())
	case *types.Chan:
		return n.nameable(t.Elem())
	case *types.Signature:
		if t.TypeParams().Len() > 0 {
			return fmt.Errorf("generic function type %s has no source form: only instantiated functions have a type", n.str(t))
		}
		if err := n.tuple(t.Params()); err != nil {
			return err
		}
		return n.tuple(t.Results())
	case *types.Struct:
		for i := range t.NumFields() {
			f := t.Field(i)
			// The field's type first: for an embedded field the name comes from the
			// type, and "type foo.bar is not exported" says more than "field bar".
			if err := n.nameable(f.Type()); err != nil {
				return err
			}
			if err := n.member("field", f.Name(), f.Pkg(), t); err != nil {
				return err
			}
		}
		return nil
	case *types.Interface:
		for i := range t.NumEmbeddeds() {
			e := t.EmbeddedType(i)
			// A union is no type on its own, but is fine as an element of an interface.
			if u, ok := e.(*types.Union); ok {
				for j := range u.Len() {
					if err := n.nameable(u.Term(j).Type()); err != nil {
						return err
					}
				}
				continue
			}
			if err := n.nameable(e); err != nil {
				return err
			}
		}
		for i := range t.NumExplicitMethods() {
			m := t.ExplicitMethod(i)
			if err := n.member("method", m.Name(), m.Pkg(), t); err != nil {
				return err
			}
			if err := n.nameable(m.Type()); err != nil {
				return err
			}
		}
		return nil
	case *types.Union:
		return fmt.Errorf("union %s can only appear in a constraint interface", n.str(t))
	case *types.Tuple:
		return fmt.Errorf("%s is a list of values, not a single type", n.str(t))
	default:
		return fmt.Errorf("unsupported type %s (%T)", n.str(t), t)
	}
}

// typeName checks that the declared type obj, instantiated with args, can be referred
// to from package n.local.
func (n *Namer) typeName(obj *types.TypeName, params *types.TypeParamList, args *types.TypeList) error {
	pkg := obj.Pkg()
	if pkg == nil {
		return nil // predeclared: error, any, comparable
	}
	name := n.objStr(obj)
	// A type declared in a function body is scoped to that function. Local types read
	// from export data have no function scope but a mangled name (such as "T·1").
	if !token.IsIdentifier(obj.Name()) || (obj.Parent() != nil && obj.Parent() != pkg.Scope()) {
		return fmt.Errorf("type %s is declared inside a function, so it cannot be named outside that function; declare it at package level", name)
	}
	if params.Len() > 0 && args.Len() == 0 {
		return fmt.Errorf("generic type %s cannot be used without instantiation", name)
	}
	if pkg.Path() == n.local {
		return nil // unexported names are fine in their own package
	}
	if !obj.Exported() {
		return fmt.Errorf("type %s is not exported by package %s", name, pkg.Path())
	}
	if err := n.importable(pkg); err != nil {
		return fmt.Errorf("type %s cannot be named in package %s: %w", name, n.local, err)
	}
	return nil
}

// importable reports why package n.local may not import pkg, following the go command's
// rules for internal, vendor, main and external test packages.
func (n *Namer) importable(pkg *types.Package) error {
	path := pkg.Path()
	if parent, ok := internalParent(path); ok && !hasPathPrefix(n.local, parent) {
		return fmt.Errorf("use of internal package %s not allowed", path)
	}
	if path == "vendor" || strings.HasPrefix(path, "vendor/") || strings.Contains(path, "/vendor/") {
		return fmt.Errorf("package %s is vendored and cannot be imported by that path", path)
	}
	if pkg.Name() == "main" {
		return fmt.Errorf("package %s is a program (package main) and cannot be imported", path)
	}
	if strings.HasSuffix(pkg.Name(), "_test") && strings.HasSuffix(path, "_test") {
		return fmt.Errorf("package %s is an external test package and cannot be imported", path)
	}
	return nil
}

// internalParent returns the path of the tree that may import path, if path contains an
// "internal" element. The last such element counts, as it is the most restrictive.
// A parent of "" means the standard library, which no generated package is part of.
func internalParent(path string) (parent string, ok bool) {
	switch {
	case strings.HasSuffix(path, "/internal"):
		return strings.TrimSuffix(path, "/internal"), true
	case strings.Contains(path, "/internal/"):
		return path[:strings.LastIndex(path, "/internal/")], true
	case path == "internal", strings.HasPrefix(path, "internal/"):
		return "", true
	}
	return "", false
}

// hasPathPrefix reports whether path is prefix or inside the tree rooted at prefix.
func hasPathPrefix(path, prefix string) bool {
	if prefix == "" {
		return false
	}
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

// member checks a struct field or interface method name: unexported names of another
// package are distinct from any name written elsewhere, so such a type cannot be
// spelled outside its package.
func (n *Namer) member(kind, name string, pkg *types.Package, owner types.Type) error {
	if token.IsExported(name) || pkg == nil || pkg.Path() == n.local {
		return nil
	}
	return fmt.Errorf("%s has unexported %s %s of package %s, so it can only be written in that package", n.str(owner), kind, name, pkg.Path())
}

func (n *Namer) typeList(list *types.TypeList) error {
	for i := range list.Len() {
		if err := n.nameable(list.At(i)); err != nil {
			return err
		}
	}
	return nil
}

func (n *Namer) tuple(tup *types.Tuple) error {
	for i := range tup.Len() {
		if err := n.nameable(tup.At(i).Type()); err != nil {
			return err
		}
	}
	return nil
}

// qualifier writes types as the user sees them in package n.local: its own types bare,
// others by package name.
func (n *Namer) qualifier(pkg *types.Package) string {
	if pkg.Path() == n.local {
		return ""
	}
	return pkg.Name()
}

func (n *Namer) str(t types.Type) string { return types.TypeString(t, n.qualifier) }

func (n *Namer) objStr(obj *types.TypeName) string {
	if q := n.qualifier(obj.Pkg()); q != "" {
		return q + "." + obj.Name()
	}
	return obj.Name()
}

// maxIdentLen bounds the length of Ident's result: names of generated types are built
// from it and should stay readable; the caller de-duplicates anyway.
const maxIdentLen = 40

// Ident returns a short lowerCamelCase Go identifier fragment describing t, for naming
// generated types: string → "string", *Foo → "fooPtr", []string → "stringSlice",
// map[string]int → "stringIntMap", image.Image → "image" (qualified: the type name; let the
// caller de-duplicate), Pair[string, int] → "pairStringInt", [4]byte → "byte4Array",
// chan int → "intChan" (<-chan int → "intRecvChan", chan<- int → "intSendChan"),
// func(...) → "func", struct{...} → "struct", interface{...}/any → "any",
// an alias → its own name. The result is ASCII only (letters of other scripts are
// transliterated where simple, else dropped), never empty, and not longer than about
// 40 bytes.
//
// The result is always a valid identifier (token.IsIdentifier): where the fragment alone
// would be a keyword — a bare func or struct type, or a type named Type or Range — "Type"
// is appended ("funcType", "structType", "typeType"). Inside a longer fragment no suffix
// is needed: []func() is "funcSlice".
func Ident(t types.Type) string {
	s := truncateIdent(ident(t), maxIdentLen)
	if token.IsKeyword(s) {
		s += "Type"
	}
	return s
}

func ident(t types.Type) string {
	switch t := t.(type) {
	case *types.Basic:
		switch {
		case t.Kind() == types.Invalid:
			return "invalid"
		case t.Kind() == types.UnsafePointer:
			return "unsafePointer"
		}
		return camel(t.Name()) // "untyped int" → "untypedInt"
	case *types.Named:
		return nameIdent(t.Obj().Name(), t.TypeArgs())
	case *types.Alias:
		return nameIdent(t.Obj().Name(), t.TypeArgs())
	case *types.TypeParam:
		return nameIdent(t.Obj().Name(), nil)
	case *types.Pointer:
		return ident(t.Elem()) + "Ptr"
	case *types.Slice:
		return ident(t.Elem()) + "Slice"
	case *types.Array:
		return ident(t.Elem()) + strconv.FormatInt(t.Len(), 10) + "Array"
	case *types.Map:
		return ident(t.Key()) + upperFirst(ident(t.Elem())) + "Map"
	case *types.Chan:
		switch t.Dir() {
		case types.SendOnly:
			return ident(t.Elem()) + "SendChan"
		case types.RecvOnly:
			return ident(t.Elem()) + "RecvChan"
		}
		return ident(t.Elem()) + "Chan"
	case *types.Signature:
		return "func"
	case *types.Struct:
		return "struct"
	case *types.Interface:
		return "any"
	case *types.Union:
		return "union"
	case *types.Tuple:
		return "tuple"
	}
	return "value"
}

// nameIdent describes a declared type: its name followed by its type arguments.
func nameIdent(name string, args *types.TypeList) string {
	s := camel(name)
	if s == "" {
		s = "named" // a name with no letter we can transliterate
	}
	for i := range args.Len() {
		s += upperFirst(ident(args.At(i)))
	}
	return s
}

// camel converts a Go name (or a Basic type name such as "untyped int") into an ASCII
// lowerCamelCase fragment: "HTTPServer" → "httpServer", "URL" → "url",
// "my_type" → "myType", "Größe" → "grosse". It returns "" if nothing is left.
func camel(name string) string {
	var words []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			words = append(words, b.String())
			b.Reset()
		}
	}
	for _, r := range name {
		switch {
		case r < 0x80 && (isLetter(byte(r)) || isDigit(byte(r))):
			b.WriteRune(r)
		case r == '_' || r == ' ':
			flush()
		default:
			b.WriteString(translit(r)) // "" drops the rune
		}
	}
	flush()
	if len(words) == 0 {
		return ""
	}
	s := lowerLeading(words[0])
	for _, w := range words[1:] {
		s += upperFirst(w)
	}
	if isDigit(s[0]) {
		s = "n" + s // "_2D" → "n2D": identifiers cannot start with a digit
	}
	return s
}

// lowerLeading lowercases the leading run of capitals of a word, keeping the last one
// if it starts the next word: "HTTPServer" → "httpServer", "ID" → "id", "Foo" → "foo".
func lowerLeading(s string) string {
	b := []byte(s)
	i := 0
	for i < len(b) && isUpper(b[i]) {
		i++
	}
	if i > 1 && i < len(b) && isLower(b[i]) {
		i-- // the last capital begins the next word
	}
	for j := range i {
		b[j] += 'a' - 'A'
	}
	return string(b)
}

func upperFirst(s string) string {
	if s == "" || !isLower(s[0]) {
		return s
	}
	return string(s[0]-('a'-'A')) + s[1:]
}

// truncateIdent shortens s to at most max bytes, preferably at a word boundary (a capital
// or digit) so that the result still reads as words.
func truncateIdent(s string, max int) string {
	if len(s) <= max {
		return s
	}
	for i := max; i > max/2; i-- {
		if isUpper(s[i]) || (isDigit(s[i]) && !isDigit(s[i-1])) {
			return s[:i]
		}
	}
	return s[:max]
}

func isLetter(c byte) bool { return isLower(c) || isUpper(c) }
func isLower(c byte) bool  { return 'a' <= c && c <= 'z' }
func isUpper(c byte) bool  { return 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// translit maps common accented Latin letters to ASCII. Other scripts have no simple
// transliteration; their letters are dropped.
func translit(r rune) string {
	for _, e := range translitTable {
		if strings.ContainsRune(e.from, r) {
			return e.to
		}
	}
	return ""
}

var translitTable = []struct{ from, to string }{
	{"àáâãäåāăą", "a"}, {"ÀÁÂÃÄÅĀĂĄ", "A"},
	{"æ", "ae"}, {"Æ", "AE"},
	{"çćĉċč", "c"}, {"ÇĆĈĊČ", "C"},
	{"ďđð", "d"}, {"ĎĐÐ", "D"},
	{"èéêëēĕėęě", "e"}, {"ÈÉÊËĒĔĖĘĚ", "E"},
	{"ĝğġģ", "g"}, {"ĜĞĠĢ", "G"},
	{"ĥħ", "h"}, {"ĤĦ", "H"},
	{"ìíîïĩīĭįı", "i"}, {"ÌÍÎÏĨĪĬĮİ", "I"},
	{"ĵ", "j"}, {"Ĵ", "J"},
	{"ķ", "k"}, {"Ķ", "K"},
	{"ĺļľŀł", "l"}, {"ĹĻĽĿŁ", "L"},
	{"ñńņňŉ", "n"}, {"ÑŃŅŇ", "N"},
	{"òóôõöøōŏő", "o"}, {"ÒÓÔÕÖØŌŎŐ", "O"},
	{"œ", "oe"}, {"Œ", "OE"},
	{"ŕŗř", "r"}, {"ŔŖŘ", "R"},
	{"śŝşš", "s"}, {"ŚŜŞŠ", "S"}, {"ß", "ss"},
	{"ţťŧ", "t"}, {"ŢŤŦ", "T"}, {"þ", "th"}, {"Þ", "TH"},
	{"ùúûüũūŭůűų", "u"}, {"ÙÚÛÜŨŪŬŮŰŲ", "U"},
	{"ŵ", "w"}, {"Ŵ", "W"},
	{"ýÿŷ", "y"}, {"ÝŸŶ", "Y"},
	{"źżž", "z"}, {"ŹŻŽ", "Z"},
}
