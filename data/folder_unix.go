//go:build unix

package data

import "syscall"

// openNonBlock keeps an open of something that turned out to be a pipe from
// hanging; a regular file reads the same either way.
const openNonBlock = syscall.O_NONBLOCK
