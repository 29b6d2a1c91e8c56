// Package builtin assembles every built-in algorithm into one registry: the
// catalog pipette opens on when no server is named.
package builtin

import (
	"sync"

	"pipette/algorithms"
	"pipette/algorithms/cv"
	"pipette/algorithms/image"
	"pipette/algorithms/nlp"
	"pipette/algorithms/ocr"
	"pipette/algorithms/stats"
	"pipette/algorithms/text"
	"pipette/algorithms/util"
)

// New returns a fresh registry holding every built-in algorithm.
func New() *algorithms.Registry {
	r := algorithms.NewRegistry("builtin")
	for _, group := range [][]algorithms.Algorithm{
		cv.All(), image.All(), nlp.All(), ocr.All(), stats.All(), text.All(), util.All(),
	} {
		r.Register(group...)
	}
	return r
}

var (
	once   sync.Once
	shared *algorithms.Registry
)

// Registry returns the process-wide built-in registry, built on first use.
func Registry() *algorithms.Registry {
	once.Do(func() { shared = New() })
	return shared
}
