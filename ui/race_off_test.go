//go:build !race

package ui

import "time"

// keyCeiling is the most a key may take to be answered and drawn, however
// loaded the machine (see race_on_test.go): keys take 1-4 ms, issue 8's
// took 2.5 s. TestLargeInputKeepsKeysFast's finer check is a ratio.
const keyCeiling = time.Second
