//go:build unix

package server

import "syscall"

// defaultMaxConns is 4096 connections, or what the open-file limit leaves
// room for (each connection is a file; the process needs a few of its own).
func defaultMaxConns() int {
	const most = 4096
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return most
	}
	cur := uint64(lim.Cur)
	if cur >= most+64 {
		return most
	}
	return int(max(64, int64(cur)-64))
}
