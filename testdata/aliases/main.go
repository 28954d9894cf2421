// Aliases as element types: of a basic type, of another package's type,
// and a generic alias. Generated code keeps the alias names.
package main

import (
	"context"
	"fmt"
	"net/url"
	"slices"
)

// Meters is an alias of a basic type.
type Meters = float64

// Link is an alias of another package's type.
type Link = *url.URL

// List is a generic alias.
type List[T any] = []T

//pipegen:map
func Length(s string) Meters { return Meters(len(s)) }

//pipegen:map
func ToLink(m Meters) (Link, error) { return url.Parse(fmt.Sprintf("/m/%v", m)) }

//pipegen:map
func Parts(l Link) List[string] { return List[string]{l.Path} }

//pipegen:pipeline Aliased = Length | ToLink | Parts

func main() {
	var got []string
	for v, err := range Aliased(context.Background(), slices.Values([]string{"ab", "abcd"})) {
		if err != nil {
			panic(err)
		}
		got = append(got, v...)
	}
	slices.Sort(got)
	fmt.Println(got)
}
