//go:build unix

package smallfile

import "syscall"

// openFlags opens without blocking: a pipe that appeared between the stat
// and the open does not wait for a writer.
const openFlags = syscall.O_NONBLOCK
