//go:build !unix

package server

// defaultMaxConns is 4096 connections.
func defaultMaxConns() int { return 4096 }
