//go:build race

package ui

import "time"

// keyCeiling is the most a key may take to be answered and drawn. The race
// detector makes every frame about ten times slower (1-4 ms becomes 10-45
// ms, with a 3 MB input or a tiny one alike), so under it the ceiling is
// ten times race_off_test.go's.
const keyCeiling = 10 * time.Second
