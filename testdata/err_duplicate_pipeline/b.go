package p

//pipegen:pipeline P = A
