module github.com/pipegen/pipegen/benchmarks

go 1.26.0

require github.com/pipegen/pipegen v0.0.0

require (
	github.com/destel/rill v0.8.1
	github.com/sourcegraph/conc v0.3.0
)

require (
	github.com/dave/jennifer v1.7.1 // indirect
	github.com/spf13/pflag v1.1.0 // indirect
	go.uber.org/atomic v1.7.0 // indirect
	go.uber.org/multierr v1.9.0 // indirect
	golang.org/x/mod v0.42.0 // indirect
	golang.org/x/sync v0.24.0 // indirect
	golang.org/x/tools v0.52.0 // indirect
)

replace github.com/pipegen/pipegen => ../

tool github.com/pipegen/pipegen/cmd/pipegen
