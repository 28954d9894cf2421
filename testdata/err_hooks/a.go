package p

import "context"

type S struct{}

func newS() *S                    { return nil }
func badStart(x int) *S           { return nil }
func wrongType() (int, error)     { return 0, nil }
func (s *S) Close(x int)          {}
func (s *S) Flush() (int, error)  { return 0, nil }
func newT(ctx context.Context) *T { return nil }

type T struct{}

//pipegen:map
func (s *S) NoStart(x int) int { return x }

//pipegen:map start=newS
func Plain(x int) int { return x }

//pipegen:map done=Close
func Plain2(x int) int { return x }

//pipegen:map start=missing
func (s *S) A(x int) int { return x }

//pipegen:map start=badStart
func (s *S) B(x int) int { return x }

//pipegen:map start=wrongType
func (s *S) C(x int) int { return x }

//pipegen:map start=newS done=Missing
func (s *S) D(x int) int { return x }

//pipegen:map start=newS done=Close
func (s *S) E(x int) int { return x }

//pipegen:map start=newS done=Flush
func (s *S) F(x int) int { return x }

//pipegen:map start=newT
func (t *T) A(x int) int { return x }

//pipegen:map start=newS
func (s *S) Good(x int) int { return x }

//pipegen:map start=newT
func (t *T) Good(x int) int { return x }
