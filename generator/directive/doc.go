// Package directive parses pipegen's comment directives out of a parsed Go
// file, with exact source positions. It knows nothing about types: it only
// checks that each directive is well formed and says precisely where it is
// not. Resolving names, checking signatures and building pipelines are the
// business of later passes.
//
// # Directives
//
// Only line comments carry directives, and only when the comment starts with
// exactly "//pipegen:" (no space after the slashes; "// pipegen:" is an
// ordinary comment, as are block comments). The word after the colon, up to
// the first space or tab, is the kind of the directive. Any other kind than
// the five below is an error.
//
// A stage directive marks a function or method as a pipeline stage. It must
// be part of the doc comment of that function declaration:
//
//	//pipegen:map workers=4 timeout=2s
//	func Decode(ctx context.Context, path string) (image.Image, error)
//
// Its kind is one of map, filter, flatmap and each. It is followed by
// settings written key=value (no spaces around "="), separated by spaces or
// tabs. A function carries at most one stage directive.
//
// A pipeline directive declares a pipeline and may appear in any line
// comment of the file:
//
//	//pipegen:pipeline Name = EXPR
//	//pipegen:pipeline Name(in1, in2, ...) = EXPR
//
// The optional parenthesized list names the pipeline's inputs. The
// expression follows this grammar:
//
//	EXPR  = TERM { "|" TERM }
//	TERM  = "ordered"
//	      | "concat" "(" EXPR { "," EXPR } ")"
//	      | IDENT [ "(" [ KEY "=" VALUE { "," KEY "=" VALUE } ] ")" ]
//
// IDENT is a Go identifier naming a stage, an input or another pipeline;
// the parenthesized settings after it override the stage's own settings for
// this pipeline only. VALUE is a run of characters other than space, tab,
// ",", "(", ")" and "|". The words ordered and concat are reserved.
// Spaces and tabs may separate tokens, except around the "=" of a setting.
//
// A long pipeline directive may continue on the following lines of the same
// comment block. A line continues the directive when its text after "//" and
// any blanks starts with "|", "," or ")", or when the directive so far ends
// with "|", ",", "(" or "=". A line starting "//pipegen:" or "//go:" never
// continues a directive:
//
//	//pipegen:pipeline Thumbnails = Decode
//	//	| Large
//	//	| concat(Sizes, Crops) | Save
//
// # Settings
//
// Stage directives and pipeline overrides share these keys:
//
//	workers=N    goroutines running the stage; 1 to 65536
//	maxsize=N    capacity of the stage's input queue; 0 to 16777216
//	timeout=D    per-element deadline; a Go duration > 0, such as 500ms
//	ontimeout=W  what a timeout does: drop or fail
//	start=F      per-worker setup function; a Go identifier
//	done=M       per-worker teardown method; a Go identifier
//
// start and done change the shape of the stage function, so they may only
// be set on the stage directive, never overridden in a pipeline.
//
// # Errors and positions
//
// Every error carries the position of the offending token, or of the spot
// just after the directive when something is missing at its end. A position
// never lies outside the text of the comment lines making up the directive.
package directive
