//go:build !unix

package chainfile

const openFlags = 0
