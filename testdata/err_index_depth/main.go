// Element indices hold at most pipegen.MaxIndexDepth flatmap and concat
// levels: at a stage, at the output and at ordered alike.
package main

//pipegen:flatmap
func Two(x int) []int { return []int{x, x + 1} }

//pipegen:map
func Id(x int) int { return x }

//pipegen:pipeline Deep = Two | Two | Two | Two | Two | Two | Two | concat(Id, Id)

//pipegen:pipeline DeepOrdered = Two | Two | Two | Two | Two | Two | Two | concat(Id, Id) | ordered

func main() {}
