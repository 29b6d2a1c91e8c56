package testcommon

import (
	"regexp"
	"strconv"
	"strings"
)

var sgr = regexp.MustCompile(`\x1b\[([0-9;:]*)m`)

// Colours lists the colour changes in s's SGR escape sequences (a
// foreground, background or underline colour; the terminal's default
// colours, 39 and 49, are not counted): --plain sends none.
func Colours(s string) []string {
	var found []string
	for _, m := range sgr.FindAllStringSubmatch(s, -1) {
		params := strings.FieldsFunc(m[1], func(r rune) bool { return r == ';' || r == ':' })
		for i := 0; i < len(params); i++ {
			n, err := strconv.Atoi(params[i])
			if err != nil {
				continue
			}
			switch {
			case n >= 30 && n <= 37, n >= 40 && n <= 47, n >= 90 && n <= 97, n >= 100 && n <= 107:
				found = append(found, strconv.Quote(m[0]))
			case n == 38 || n == 48 || n == 58:
				found = append(found, strconv.Quote(m[0]))
				i = len(params) // the rest are the colour's own numbers
			}
		}
	}
	return found
}
