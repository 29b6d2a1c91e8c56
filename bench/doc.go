// Package bench measures what pipette's speed claims rest on: the cost of one
// call in-process and over loopback HTTP (against a bare net/http echo as the
// floor), and fuzzy search over large generated catalogs. Run ./bench/run for
// the figures; BENCHMARKS.md records them.
package bench
