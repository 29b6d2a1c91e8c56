package llm

import (
	"strings"
	"time"

	"pipette/catalog"
)

// MaxText bounds the text one call may produce: a runaway generation stops
// with a clear error instead of growing without end.
const MaxText = 16 << 20

// Meter collects a streamed answer and times it: the time to its first
// piece of text and the rate after it.
type Meter struct {
	start  time.Time
	first  time.Time
	last   time.Time
	text   strings.Builder
	emit   func(catalog.Chunk) error
	gen    catalog.Generation
	pieces int64
}

// NewMeter starts timing now; emit (may be nil) receives each piece.
func NewMeter(emit func(catalog.Chunk) error) *Meter {
	return &Meter{start: time.Now(), emit: emit}
}

// Add takes the next piece of text and hands it on.
func (m *Meter) Add(s string) error {
	if s == "" {
		return nil
	}
	now := time.Now()
	if m.first.IsZero() {
		m.first = now
	}
	m.last = now
	m.pieces++
	if m.text.Len()+len(s) > MaxText {
		return catalog.Errorf(catalog.TooLargeError, "the model's answer passed %d MiB; ask for fewer tokens (options.max_tokens)", MaxText>>20)
	}
	m.text.WriteString(s)
	if m.emit != nil {
		return m.emit(catalog.Chunk{Text: s})
	}
	return nil
}

// Tokens records the server's own token counts.
func (m *Meter) Tokens(prompt, generated int64) {
	m.gen.PromptTokens, m.gen.Tokens = prompt, generated
}

// Finish records why generation stopped ("stop", "length").
func (m *Meter) Finish(reason string) {
	if reason != "" {
		m.gen.FinishReason = reason
	}
}

// Text is everything received so far.
func (m *Meter) Text() string { return m.text.String() }

// Generation is the timing of the answer: first token, total, tokens/s.
// When the server gave no token count, each piece counts as one (servers
// stream one token per piece).
func (m *Meter) Generation() *catalog.Generation {
	g := m.gen
	if !m.first.IsZero() {
		g.FirstToken = m.first.Sub(m.start)
		g.Total = m.last.Sub(m.start)
	} else {
		g.Total = time.Since(m.start)
	}
	if g.Tokens == 0 {
		g.Tokens = m.pieces
	}
	if span := m.last.Sub(m.first); g.Tokens > 1 && span > 0 {
		g.TokensPerSecond = float64(g.Tokens-1) / span.Seconds()
	}
	return &g
}
