//go:build !unix

package data

// openNonBlock: only Unix has pipes that an open can block on.
const openNonBlock = 0
