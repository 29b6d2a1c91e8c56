package nlp

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
)

// word is one word of a text with its byte offsets.
type word struct {
	Text       string
	Start, End int // byte offsets into the text
}

// splitWords finds the words of s: runs of letters and digits, keeping an
// apostrophe or hyphen that sits between two letters ("it's", "well-known")
// so contractions and compounds stay whole.
func splitWords(s string) []word {
	var out []word
	start := -1
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		inWord := unicode.IsLetter(r) || unicode.IsDigit(r) || (start >= 0 && unicode.Is(unicode.Mn, r))
		if !inWord && start >= 0 && isJoiner(r) {
			prev, _ := utf8.DecodeLastRuneInString(s[:i])
			next, _ := utf8.DecodeRuneInString(s[i+size:])
			inWord = unicode.IsLetter(prev) && unicode.IsLetter(next)
		}
		switch {
		case inWord && start < 0:
			start = i
		case !inWord && start >= 0:
			out = append(out, word{Text: s[start:i], Start: start, End: i})
			start = -1
		}
		i += size
	}
	if start >= 0 {
		out = append(out, word{Text: s[start:], Start: start, End: len(s)})
	}
	return out
}

func isJoiner(r rune) bool {
	return r == '\'' || r == '’' || r == '-' || r == '‐'
}

// normalizeWord lower-cases w and folds typographic apostrophes, so "It’s"
// and "it's" are one word for stop-word lists and the stemmer.
func normalizeWord(w string) string {
	return strings.ReplaceAll(strings.ToLower(w), "’", "'")
}

// stem is the Snowball (Porter 2) English stem of a lower-cased word.
// Stop words are stemmed too, so that callers asking for stems get one per
// token.
func stem(w string) string {
	return english.Stem(w, true)
}

// isStopWord reports whether a normalized word carries no topic of its own.
func isStopWord(w string) bool {
	_, ok := stopWords[w]
	return ok
}

// isContentWord keeps words that can carry a topic: not a stop word, and
// not a bare number or a single letter.
func isContentWord(w string) bool {
	if isStopWord(w) || utf8.RuneCountInString(w) < 2 {
		return false
	}
	for _, r := range w {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// stopWords is pipette's own English stop-word list: function words
// (articles, pronouns, auxiliaries, prepositions, conjunctions, common
// adverbs and contractions) that split RAKE's candidate phrases and are
// ignored by TextRank's similarity.
var stopWords = func() map[string]struct{} {
	m := map[string]struct{}{}
	for _, w := range strings.Fields(`
a about above across after afterwards again against all almost alone along already also although always am among
amongst an and another any anybody anyhow anyone anything anyway anywhere are aren't around as at be became because
become becomes becoming been before beforehand behind being below beside besides between beyond both but by can
can't cannot could couldn't did didn't do does doesn't doing don't done down during each either else elsewhere enough
etc even ever every everybody everyone everything everywhere except few for former formerly from further had hadn't
has hasn't have haven't having he he'd he'll he's hence her here here's hers herself him himself his how how's however
i i'd i'll i'm i've ie if in indeed instead into is isn't it it's its itself just least less let's like likely may
maybe me meanwhile might mine more moreover most mostly much must mustn't my myself namely neither never nevertheless
next no nobody none noone nor not nothing now nowhere of off often on once one only onto or other others otherwise
ought our ours ourselves out over own per perhaps please quite rather really same several shall shan't she she'd
she'll she's should shouldn't since so some somebody somehow someone something sometime sometimes somewhat somewhere
still such than that that's the their theirs them themselves then thence there there's thereafter thereby therefore
therein thereupon these they they'd they'll they're they've this those though through throughout thru thus to together
too toward towards under unless until up upon us very via was wasn't we we'd we'll we're we've were weren't what
what's whatever when when's whence whenever where where's whereafter whereas whereby wherein whereupon wherever whether
which while whither who who's whoever whole whom whose why why's will with within without won't would wouldn't yes yet
you you'd you'll you're you've your yours yourself yourselves
`) {
		m[w] = struct{}{}
	}
	return m
}()
