package catalog

import "strings"

// This file is a byte-at-a-time port of github.com/sahilm/fuzzy's scoring
// for the common case of an ASCII pattern and an ASCII haystack. It gives
// exactly the same score and matched positions (TestASCIIMatchAgreesWithFuzzy
// checks it against the library on random strings) without decoding runes,
// calling unicode tables or allocating per candidate, which makes searching a
// 100 000-entry catalog several times faster. Anything non-ASCII still goes
// through the library.

// Scoring constants, as in sahilm/fuzzy.
const (
	firstCharMatchBonus            = 10
	matchFollowingSeparatorBonus   = 20
	camelCaseMatchBonus            = 20
	adjacentMatchBonus             = 5
	unmatchedLeadingCharPenalty    = -5
	maxUnmatchedLeadingCharPenalty = -15
)

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] == 0 {
			return false
		}
	}
	return true
}

func isSepASCII(c byte) bool {
	switch c {
	case '/', '-', '_', ' ', '.', '\\':
		return true
	}
	return false
}

// matchASCII scores pattern against s the way fuzzy.FindFromNoSort does,
// appending matched byte positions to buf. ok is false when s does not match.
// lowPat and low are pattern and s lower-cased (same lengths, ASCII). The
// scan jumps with IndexByte from one position where something can happen
// (s[j] is the current pattern character, s[j+1] is the next one, or j is
// the last byte) to the next: between those the library's loop changes no
// state, so skipping them gives identical results.
func matchASCII(pattern, lowPat, s, low string, buf []int) (score int, matched []int, ok bool) {
	// A subsequence check first: most rejections cost a few IndexByte calls.
	from := 0
	for i := 0; i < len(lowPat); i++ {
		j := strings.IndexByte(low[from:], lowPat[i])
		if j < 0 {
			return 0, buf, false
		}
		from += j + 1
	}

	matched = buf
	start := len(buf)
	pi := 0
	best := -1
	matchedIndex := -1
	curAdj := 0
	n := len(s)
	for j := 0; j < n; j++ {
		// Jump to the next position where something can happen.
		next := n - 1
		if k := strings.IndexByte(low[j:], lowPat[pi]); k >= 0 {
			next = min(next, j+k)
		}
		if pi < len(lowPat)-1 && j+1 < n {
			if k := strings.IndexByte(low[j+1:], lowPat[pi+1]); k >= 0 {
				next = min(next, j+k)
			}
		}
		j = next
		var last byte // the byte before j; lastIndex is j-1 (0 at the start)
		lastIndex := 0
		if j > 0 {
			last, lastIndex = s[j-1], j-1
		}
		c := s[j]
		if low[j] == lowPat[pi] {
			sc := 0
			if j == 0 {
				sc += firstCharMatchBonus
			}
			if 'a' <= last && last <= 'z' && 'A' <= c && c <= 'Z' {
				sc += camelCaseMatchBonus
			}
			if j != 0 && isSepASCII(last) {
				sc += matchFollowingSeparatorBonus
			}
			if len(matched) > start {
				bonus := 0
				if matched[len(matched)-1] == lastIndex {
					bonus = curAdj*2 + adjacentMatchBonus
				}
				sc += bonus
				curAdj += bonus
			}
			if sc > best {
				best = sc
				matchedIndex = j
			}
		}
		// The library commits the best position for the current pattern
		// character when the next one comes up or the string ends (and, like
		// it, does not reset matchedIndex after committing).
		commit := j+1 >= n
		if !commit && pi < len(lowPat)-1 {
			commit = low[j+1] == lowPat[pi+1]
		}
		if commit && matchedIndex > -1 {
			if len(matched) == start {
				best += max(matchedIndex*unmatchedLeadingCharPenalty, maxUnmatchedLeadingCharPenalty)
			}
			score += best
			matched = append(matched, matchedIndex)
			best = -1
			pi++
			if pi == len(lowPat) {
				break
			}
		}
	}
	score += (len(matched) - start) - n
	if len(matched)-start != len(lowPat) {
		return 0, matched[:start], false
	}
	return score, matched, true
}
