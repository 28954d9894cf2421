package q

func helper() {}
