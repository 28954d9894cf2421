// Package remote is the run-time support of the code that pipegen
// generates for distributed pipelines (those with a //pipegen:distribute
// directive): the binary form of elements, batches and errors, the
// driver's side of a run ([Drive]) and the workers' ([Group]).
//
// Users do not call it: they call the generated functions with the
// pipegen.Remote option, and Serve<Name>. Transports (such as the NATS
// JetStream one in github.com/pipegen/pipegen/cluster) use [DecodeError]
// and [EncodeError] to carry a worker's failure to the driver. The
// package uses only the standard library.
package remote
