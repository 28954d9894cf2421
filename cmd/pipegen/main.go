// Command pipegen generates typed, concurrent pipeline code from pipegen
// directives in Go packages.
//
// Usage:
//
//	pipegen [gen] [flags] [packages]    write each package's pipegen_gen.go
//	pipegen check [flags] [packages]    exit 1 if any generated file is missing or stale
//	pipegen diff [flags] [packages]     print what gen would change, as a unified diff; exit 1 if anything
//	pipegen graph [flags] [packages]    print each pipeline as a Mermaid flowchart, in Markdown
//	pipegen version                     print the version
//
// Packages are go command patterns (default "."). A first argument that is
// a plain word (no "." or "/"), but no command, directory, standard-library
// package, main module path or go meta-pattern (all, std, cmd, tool, work),
// is taken for a mistyped command: "unknown command chek (did you mean
// check?)". The usual way to run it
// is a go:generate line in the package, with pipegen added as a tool of
// the module (go get -tool github.com/pipegen/pipegen/cmd/pipegen):
//
//	//go:generate go tool pipegen
//
// Flags:
//
//	--tags list   build tags to load the packages with (comma-separated)
//	--nofuse      give every stage its own workers and queue (by default,
//	              adjacent stages with the same workers and nothing between
//	              them run fused, in one worker loop)
//	-o file       graph: write to file instead of standard output
//	-v            report every file written, removed or up to date
//
// gen computes every package's file before writing any. If any package has
// a problem, pipegen prints all of them as file:line:col: message, writes
// nothing and exits 1: a failed run never replaces good generated code. A
// stale or broken pipegen_gen.go from an earlier run does not get in the
// way; a file of that name that pipegen did not write is never touched.
//
// check computes the same files and compares them with the disk, for CI,
// and names each file that is missing, out of date, or left over from
// directives that are gone; diff shows the differences. graph draws each pipeline: inputs, stages
// with their settings, fused stages boxed together, concat and broadcast
// edges, ordered terms, element types; -o writes it to a file.
//
// Exit status: 0 on success; 1 when the packages have problems, or (check,
// diff) generated code is missing or stale; 2 for a bad command line (an
// unknown command or flag, a flag without its value: the message and a
// usage hint go to standard error) or a failure to load or write.
package main

import (
	"context"
	"errors"
	"fmt"
	"go/build"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/pipegen/pipegen/generator"
	"github.com/pipegen/pipegen/generator/diff"
	"github.com/pipegen/pipegen/generator/suggest"
	"github.com/spf13/pflag"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// getwd is os.Getwd; tests may point it elsewhere.
var getwd = os.Getwd

const usage = `pipegen generates typed, concurrent pipeline code from //pipegen: directives.

Usage:
  pipegen [gen] [flags] [packages]    write each package's pipegen_gen.go
  pipegen check [flags] [packages]    exit 1 if any generated file is missing or stale
  pipegen diff [flags] [packages]     print what gen would change; exit 1 if anything
  pipegen graph [flags] [packages]    print each pipeline as a Mermaid flowchart
  pipegen version                     print the version

Packages are go command patterns; the default is ".".

Flags:
`

// run is main without the process: it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := "gen"
	if len(args) > 0 {
		switch {
		case slices.Contains(commands, args[0]):
			cmd, args = args[0], args[1:]
		case mistypedCommand(args[0]):
			fmt.Fprintf(stderr, "pipegen: unknown command %s%s\n%s", args[0], suggestCommand(args[0]), usageHint)
			return 2
		}
	}
	flags := pflag.NewFlagSet("pipegen", pflag.ContinueOnError)
	flags.SetOutput(stderr)
	tags := flags.StringSlice("tags", nil, "build tags to load the packages with (comma-separated)")
	verbose := flags.BoolP("verbose", "v", false, "report every file written, removed or up to date")
	output := flags.StringP("output", "o", "", "graph: write the flowcharts to this file")
	noFuse := flags.Bool("nofuse", false, "give every stage its own workers and queue, even where adjacent stages could share them")
	flags.Usage = func() {
		fmt.Fprint(stderr, usage)
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return 0 // pflag printed the usage
		}
		fmt.Fprintf(stderr, "pipegen: %v\n%s", err, usageHint)
		return 2
	}
	switch cmd {
	case "help":
		flags.SetOutput(stdout)
		fmt.Fprint(stdout, usage)
		flags.PrintDefaults()
		return 0
	case "version":
		fmt.Fprintln(stdout, "pipegen", version())
		return 0
	}

	wd, err := getwd()
	if err != nil {
		fmt.Fprintln(stderr, "pipegen:", err)
		return 2
	}
	outs, err := generator.Generate(ctx, generator.Config{Dir: wd, Tags: *tags, NoFuse: *noFuse}, flags.Args()...)
	var errs generator.Errors
	switch {
	case errors.As(err, &errs):
		fmt.Fprintln(stderr, errs.Format(wd))
		return 1
	case err != nil:
		fmt.Fprintln(stderr, "pipegen:", err)
		return 2
	}
	rel := func(path string) string {
		if r, err := filepath.Rel(wd, path); err == nil {
			return r
		}
		return path
	}

	switch cmd {
	case "diff":
		changed := 0
		for _, o := range outs {
			current, err := os.ReadFile(o.Path)
			if err != nil && !os.IsNotExist(err) {
				fmt.Fprintln(stderr, "pipegen:", err)
				return 2
			}
			name := filepath.ToSlash(rel(o.Path))
			if d := diff.Unified("a/"+name, "b/"+name, current, o.Content); d != "" {
				changed++
				fmt.Fprint(stdout, d)
			}
		}
		if changed > 0 {
			return 1
		}
		return 0
	case "graph":
		var b strings.Builder
		for _, o := range outs {
			if o.Model == nil {
				continue
			}
			if len(outs) > 1 {
				fmt.Fprintf(&b, "## %s\n\n", o.PkgPath)
			}
			b.WriteString(generator.Mermaid(o.Model))
		}
		if *output == "" {
			fmt.Fprint(stdout, b.String())
			return 0
		}
		if err := os.WriteFile(*output, []byte(b.String()), 0o644); err != nil {
			fmt.Fprintln(stderr, "pipegen:", err)
			return 2
		}
		return 0
	}

	if cmd == "check" {
		stale := 0
		for _, o := range outs {
			isStale, err := o.Stale()
			if err != nil {
				fmt.Fprintln(stderr, "pipegen:", err)
				return 2
			}
			if isStale {
				stale++
				fmt.Fprintf(stderr, "%s: %s\n", rel(o.Path), staleness(o))
			} else if *verbose {
				fmt.Fprintf(stderr, "%s: up to date\n", rel(o.Path))
			}
		}
		if stale > 0 {
			return 1
		}
		return 0
	}

	status := 0
	for _, o := range outs {
		changed := o.Changed()
		if err := o.Commit(); err != nil {
			fmt.Fprintln(stderr, "pipegen:", err)
			status = 2
			continue
		}
		if *verbose {
			switch {
			case o.Content == nil:
				fmt.Fprintf(stderr, "%s: removed (no directives left)\n", rel(o.Path))
			case changed:
				fmt.Fprintf(stderr, "%s: written\n", rel(o.Path))
			default:
				fmt.Fprintf(stderr, "%s: up to date\n", rel(o.Path))
			}
		}
	}
	if *verbose && len(outs) == 0 {
		fmt.Fprintln(stderr, "pipegen: no package has pipegen directives")
	}
	return status
}

// staleness says how the stale generated file of o differs from what it
// should be.
func staleness(o *generator.Output) string {
	switch _, err := os.Stat(o.Path); {
	case o.Content == nil:
		return "no directives left: run pipegen to remove it"
	case os.IsNotExist(err):
		return "missing: run pipegen"
	}
	return "out of date: run pipegen"
}

// commands are pipegen's subcommands.
var commands = []string{"gen", "check", "diff", "graph", "version", "help"}

// usageHint ends every complaint about the command line.
const usageHint = "Run 'pipegen help' for usage.\n"

// goMetaPatterns are the package patterns of the go command that are
// plain words.
var goMetaPatterns = []string{"all", "std", "cmd", "tool", "work"}

// mistypedCommand reports whether arg, the first argument, which is no
// subcommand, cannot be a package pattern but looks like a subcommand: a
// plain word (no ".", "/" or wildcard) that is no existing directory, no
// meta-pattern of the go command, no standard-library package and not the
// path of the main module. Such a word would otherwise be taken for a
// standard-library import path ("package chek is not in std").
func mistypedCommand(arg string) bool {
	if arg == "" || strings.HasPrefix(arg, "-") || slices.Contains(goMetaPatterns, arg) {
		return false
	}
	for _, r := range arg {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	wd, err := getwd()
	if err != nil {
		return false
	}
	if isDir(filepath.Join(wd, arg)) || isDir(filepath.Join(build.Default.GOROOT, "src", arg)) {
		return false
	}
	return modulePath(wd) != arg
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// modulePath returns the path of the module whose go.mod is in dir or
// above, or "".
func modulePath(dir string) string {
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil {
			for line := range strings.Lines(string(data)) {
				if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
					rest, _, _ = strings.Cut(rest, "//")
					return strings.Trim(strings.TrimSpace(rest), `"`+"`")
				}
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// suggestCommand returns " (did you mean X?)" for the subcommand closest
// to word, or the list of subcommands when none is close.
func suggestCommand(word string) string {
	best, bestDist := "", 3
	for _, c := range commands {
		if d := suggest.Distance(strings.ToLower(word), c); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best != "" {
		return fmt.Sprintf(" (did you mean %s?)", best)
	}
	return "; the commands are " + strings.Join(commands, ", ") + ` (packages are go patterns such as "." or "./...")`
}

// version is the module version pipegen was built from, as the go command
// recorded it.
func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}
