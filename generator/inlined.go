package generator

import (
	"go/ast"
	"go/scanner"
	"go/token"
	"os"
	"path/filepath"
	"strings"

	"github.com/pipegen/pipegen/generator/directive"
)

// A pipeline that is only there to be inlined in others, such as
//
//	//pipegen:pipeline convert(rows) = Parse | Validate | Encode
//	//pipegen:pipeline ETL(rows) = convert | ordered
//
// needs no functions of its own: its stages run inside the pipelines that
// name it. inlinedOnly finds such pipelines, and plan leaves them out of
// the generated code (pipegen graph still draws them).

// inlinedOnly returns the pipelines of res that generate no code: those
// that are unexported, inlined in another pipeline of the package, and
// never named by the package's own code. When in doubt, a pipeline is kept:
// a function too many is dead code, a function too few breaks the build.
//
// The package's own code is every file of the package but the generated
// one, whichever build it belongs to: the type-checked files, where a name
// counts when the type checker could not resolve it (the generated file is
// blanked while loading, so a call of a pipeline is an undefined name
// there; a local variable of the same name is no use of the pipeline), and
// the files the type check did not see, the package's tests and the files
// other builds include, where any identifier of that name counts.
func inlinedOnly(fset *token.FileSet, l *loaded, res *analysis) map[*pipelineDef]bool {
	// Candidates by the names that would call them.
	candidates := map[string]*pipelineDef{}
	var inline func(e *directive.Expr)
	named := map[string]bool{} // pipelines named in a pipeline expression
	inline = func(e *directive.Expr) {
		for _, t := range e.Terms {
			switch t := t.(type) {
			case *directive.Ref:
				named[t.Name] = true
			case *directive.Concat:
				for _, br := range t.Branches {
					inline(br)
				}
			}
		}
	}
	for _, def := range res.pipelines {
		inline(def.dir.Expr)
	}
	for _, def := range res.pipelines {
		if name := def.dir.Name.Name; !token.IsExported(name) && named[name] {
			candidates[name] = def
			candidates[name+"WithIndex"] = def
			candidates[name+"Stages"] = def
		}
	}
	if len(candidates) == 0 || l.pkg.TypesInfo == nil {
		return nil
	}
	used := map[*pipelineDef]bool{}
	seen := map[string]bool{}
	for _, f := range l.pkg.Syntax {
		filename := fset.Position(f.Package).Filename
		seen[filename] = true
		if filename == l.output {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok {
				return true
			}
			if def := candidates[id.Name]; def != nil && l.pkg.TypesInfo.Defs[id] == nil && l.pkg.TypesInfo.Uses[id] == nil {
				used[def] = true
			}
			return true
		})
	}
	// The files the type check did not see.
	others := append([]string{}, l.pkg.IgnoredFiles...)
	others = append(others, l.pkg.CompiledGoFiles...)
	others = append(others, l.pkg.GoFiles...)
	if tests, err := filepath.Glob(filepath.Join(l.dir, "*_test.go")); err == nil {
		others = append(others, tests...)
	}
	for _, path := range others {
		if seen[path] || path == l.output || !strings.HasSuffix(path, ".go") {
			continue
		}
		seen[path] = true
		src, err := os.ReadFile(path)
		if err != nil {
			return nil // cannot tell: keep every pipeline
		}
		var s scanner.Scanner
		file := token.NewFileSet().AddFile(path, -1, len(src))
		s.Init(file, src, nil, 0) // errors do not matter: any identifier counts
		for {
			_, tok, lit := s.Scan()
			if tok == token.EOF {
				break
			}
			if def := candidates[lit]; tok == token.IDENT && def != nil {
				used[def] = true
			}
		}
	}
	unused := map[*pipelineDef]bool{}
	for _, def := range candidates {
		if !used[def] {
			unused[def] = true
		}
	}
	return unused
}
