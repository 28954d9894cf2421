// Element types of every named kind: basic, pointer, slice, map, struct.
package main

import (
	"context"
	"fmt"
	"slices"
	"sort"
)

// Celsius is a named basic type.
type Celsius float64

// Order is a struct, passed by pointer.
type Order struct {
	ID    int
	Items []string
}

// Tally is a named map type.
type Tally map[string]int

//pipegen:map
func ToCelsius(f float64) Celsius { return Celsius((f - 32) * 5 / 9) }

//pipegen:map
func Warm(c Celsius) *Order { return &Order{ID: int(c), Items: []string{"ice", "tea"}} }

//pipegen:map workers=2
func Items(o *Order) []string { return o.Items }

//pipegen:map
func Count(items []string) map[string]int {
	m := map[string]int{}
	for _, it := range items {
		m[it]++
	}
	return m
}

//pipegen:map
func AsTally(m map[string]int) Tally { return Tally(m) }

//pipegen:pipeline Kinds = ToCelsius | Warm | Items | Count | AsTally

func main() {
	total := Tally{}
	for t, err := range Kinds(context.Background(), slices.Values([]float64{212, 32, 50})) {
		if err != nil {
			panic(err)
		}
		for k, v := range t {
			total[k] += v
		}
	}
	keys := make([]string, 0, len(total))
	for k := range total {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Println(k, total[k])
	}
}
