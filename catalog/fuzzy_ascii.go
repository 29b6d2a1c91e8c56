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

// appendStaticBonus appends, for each byte of an ASCII haystack, the part of
// a match's score there that does not depend on the pattern: the
// first-character, camel-case and after-separator bonuses. The three exclude
// one another, so one byte holds their sum.
func appendStaticBonus(dst []byte, s string) []byte {
	for j := 0; j < len(s); j++ {
		var b byte
		switch {
		case j == 0:
			b = firstCharMatchBonus
		case 'a' <= s[j-1] && s[j-1] <= 'z' && 'A' <= s[j] && s[j] <= 'Z':
			b = camelCaseMatchBonus
		case isSepASCII(s[j-1]):
			b = matchFollowingSeparatorBonus
		}
		dst = append(dst, b)
	}
	return dst
}

// appendLowerASCII appends s (ASCII) lower-cased.
func appendLowerASCII(dst []byte, s string) []byte {
	for j := 0; j < len(s); j++ {
		c := s[j]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// letterMask has bit c%64 set for every byte c of s. A pattern whose mask
// has a bit the haystack's lacks cannot match it; collisions only let a few
// non-matches through to the real test.
func letterMask(s string) uint64 {
	var m uint64
	for i := 0; i < len(s); i++ {
		m |= 1 << (s[i] & 63)
	}
	return m
}

// scoreASCII is matchASCII's score without the positions, for the many
// candidates that are matched and ranked but never shown: one pass over the
// lower-cased haystack low with the static bonuses of appendStaticBonus. It makes
// the same decisions as matchASCII step for step (TestScoreASCIIAgrees).
func scoreASCII(lowPat, low, bonus string) (score int, ok bool) {
	m, n := len(lowPat), len(low)
	if m == 0 || m > n {
		return 0, false
	}
	// Nothing happens before the first occurrence of the first character:
	// no candidate, and no commit without one.
	j := strings.IndexByte(low, lowPat[0])
	if j < 0 {
		return 0, false
	}
	pi, nm := 0, 0
	best, matchedIndex, lastPos, curAdj := -1, -1, -1, 0
	pc := lowPat[0]
	var nc byte // the next pattern character; 0 (never in low) after the last
	if m > 1 {
		nc = lowPat[1]
	}
	for ; j < n; j++ {
		if low[j] == pc {
			sc := int(bonus[j])
			if nm > 0 && lastPos == j-1 {
				b := curAdj*2 + adjacentMatchBonus
				sc += b
				curAdj += b
			}
			if sc > best {
				best, matchedIndex = sc, j
			}
		}
		// Jump over stretches where nothing can change. The adjacency bonus
		// (the only one that grows) is possible only at a window's first
		// byte, so past it no position scores over 20: once best is 20 the
		// window's choice is made and only where it ends matters. In the last
		// window (it runs to the end of the string) only the pattern's last
		// character can change anything.
		switch {
		case pi == m-1 && best >= camelCaseMatchBonus:
			j = n - 1
		case pi == m-1:
			if k := strings.IndexByte(low[j+1:], pc); k < 0 {
				j = n - 1
			} else {
				j += k
			}
		case best >= camelCaseMatchBonus:
			k := strings.IndexByte(low[j+1:], nc)
			if k < 0 {
				return 0, false // the next pattern character never comes
			}
			j += k
		}
		if (j+1 < n && low[j+1] == nc) || j+1 == n {
			if matchedIndex > -1 {
				if nm == 0 {
					best += max(matchedIndex*unmatchedLeadingCharPenalty, maxUnmatchedLeadingCharPenalty)
				}
				score += best
				lastPos = matchedIndex
				nm++
				best = -1
				pi++
				if pi == m {
					break
				}
				pc = lowPat[pi]
				nc = 0
				if pi+1 < m {
					nc = lowPat[pi+1]
				}
			}
		}
	}
	if nm != m {
		return 0, false
	}
	return score + nm - n, true
}

// isSubsequence reports whether the bytes of pat appear in s in order.
func isSubsequence(pat, s string) bool {
	from := 0
	for i := 0; i < len(pat); i++ {
		j := strings.IndexByte(s[from:], pat[i])
		if j < 0 {
			return false
		}
		from += j + 1
	}
	return true
}
