// Package generator turns the pipegen directives of Go packages into the
// contents of their generated files.
//
// It works in phases, one file each:
//
//   - load.go: one go/packages load of the user's packages, with any
//     previous pipegen_gen.go blanked out so that a stale or broken one never
//     blocks regeneration;
//   - analyze.go: the directives (package directive parses them) checked
//     against go/types: stage signatures, keys, pipeline topology and the
//     element types that flow between stages;
//   - plan.go: names for everything generated and the model that the
//     emitters of package templates turn into Go;
//   - generate.go: [Generate] runs the phases and returns file contents
//     without touching the disk; [Output.Commit] and [Output.Check] write or
//     compare them.
//
// Problems in the user's code come back as [Errors]: every problem of the
// run, each with its file:line:col.
package generator
