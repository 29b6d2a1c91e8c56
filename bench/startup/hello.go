//go:build ignore

// hello is the floor bench/startup compares pipette against: a Go program
// that prints one line and exits, built with the same toolchain.
package main

import (
	"fmt"
	"os"
)

func main() { fmt.Fprintln(os.Stdout, "hello") }
