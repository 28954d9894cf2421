package p

type Cache[K comparable, V any] struct{ m map[K]V }

func newCache() *Cache[string, int] { return &Cache[string, int]{m: map[string]int{}} }

// Method stages need a concrete receiver: which Cache would start make?
//
//pipegen:map start=newCache
func (c *Cache[K, V]) Lookup(k string) int { return 0 }

type Box[T any] struct{ v T }

//pipegen:filter
func (b Box[T]) Keep(x int) bool { return true }

//pipegen:pipeline P = Lookup | Keep
