package server

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"pipette/catalog"
	"pipette/internal/human"
)

// DefaultBodyRate is how many request-body bytes a second one client may
// send while others are served, when Config.BodyRate is 0: a few large
// images a second, far below what copying bodies costs a core (~1 GB/s).
const DefaultBodyRate = 32 << 20

// MaxBodyRate is the largest Config.BodyRate: past it the budget could not
// bite on any network, and the bucket's sizes stay far from overflow.
const MaxBodyRate = 1 << 40

// bodyRateBursts is how many maximum-size bodies one client may send at
// once from a full budget.
const bodyRateBursts = 4

// maxBodyRateWait is the longest a body waits for its client's budget
// before the request is refused instead.
const maxBodyRateWait = 2 * time.Second

// othersWithin is how recently another client must have started a request
// for one client's body budget to bite: alone, a client takes CPU from
// nobody, and spends its budget without being refused.
const othersWithin = time.Second

// bodyRates is every client's budget of request-body bytes: a token bucket
// each (the client is admission's: its API key, or its address on a server
// without keys), refilled at the configured rate, with a burst of a few
// maximum-size bodies. Copying bodies is what a client streaming oversized
// bodies costs the server; the budget bounds it per client, the way an API
// gateway bounds one client's bandwidth.
type bodyRates struct {
	rate    rate.Limit // bytes a second
	burst   int        // bytes
	maxWait time.Duration

	mu      sync.Mutex
	clients map[string]*bodyRate
	recent  [2]seenClient // the two distinct clients seen last, newest first
	swept   time.Time
}

type bodyRate struct {
	lim  *rate.Limiter
	last time.Time // when it was last charged or its client started a request
}

type seenClient struct {
	name string
	at   time.Time
}

// newBodyRates makes the budgets for bytesPerSecond (0: DefaultBodyRate,
// negative: none, nil) and bodies of at most maxBody bytes.
func newBodyRates(bytesPerSecond, maxBody int64) *bodyRates {
	switch {
	case bytesPerSecond < 0:
		return nil
	case bytesPerSecond == 0:
		bytesPerSecond = DefaultBodyRate
	}
	bytesPerSecond = min(bytesPerSecond, MaxBodyRate)
	// A known-length body is charged whole, so the burst holds more than
	// one maximum-size body (and the byte past it a chunked body reads).
	burst := max(bytesPerSecond, bodyRateBursts*max(min(maxBody, MaxBodyRate), 1))
	return &bodyRates{rate: rate.Limit(bytesPerSecond), burst: int(burst), maxWait: maxBodyRateWait, clients: map[string]*bodyRate{}}
}

// bodyMeter charges one request's body to its client's budget.
type bodyMeter struct {
	rates  *bodyRates
	client string
	state  *bodyRate
}

// meter starts charging a request of client; nil rates meter nothing.
func (br *bodyRates) meter(client string, now time.Time) *bodyMeter {
	if br == nil {
		return nil
	}
	br.mu.Lock()
	defer br.mu.Unlock()
	br.sweep(now)
	st := br.clients[client]
	if st == nil {
		st = &bodyRate{lim: rate.NewLimiter(br.rate, br.burst)}
		br.clients[client] = st
	}
	st.last = now
	switch {
	case br.recent[0].name == client:
		br.recent[0].at = now
	default:
		br.recent[1], br.recent[0] = br.recent[0], seenClient{client, now}
	}
	return &bodyMeter{rates: br, client: client, state: st}
}

// othersActive reports whether a client other than client started a
// request within othersWithin. br.mu is held.
func (br *bodyRates) othersActive(client string, now time.Time) bool {
	other := br.recent[0]
	if other.name == client {
		other = br.recent[1]
	}
	return other.at.After(now.Add(-othersWithin))
}

// sweep forgets, every few seconds, the clients whose buckets have filled
// up again: a new bucket is the same, and the map stays as small as the
// clients of the last few seconds. br.mu is held.
func (br *bodyRates) sweep(now time.Time) {
	refill := time.Duration(float64(br.burst) / float64(br.rate) * float64(time.Second))
	if now.Sub(br.swept) < max(refill, time.Second) {
		return
	}
	br.swept = now
	for name, st := range br.clients {
		if now.Sub(st.last) > refill {
			delete(br.clients, name)
		}
	}
}

// take charges n bytes about to be read and says how long to wait before
// reading them. While other clients are served the bytes are reserved at
// the budget's pace: a client past its budget waits for it (its connection
// held, its body unread, costing nothing), as long as the wait is at most
// maxBodyRateWait; past that the reservation is given back and take
// reports false with the wait it would have needed. Alone, the client
// spends what is left and never waits. A nil meter takes everything.
func (m *bodyMeter) take(n int64, now time.Time) (ok bool, wait time.Duration) {
	if m == nil || n <= 0 {
		return true, 0
	}
	br := m.rates
	br.mu.Lock()
	defer br.mu.Unlock()
	m.state.last = now
	lim := m.state.lim
	n = min(n, int64(br.burst))
	if !br.othersActive(m.client, now) {
		if have := int64(lim.TokensAt(now)); have > 0 {
			lim.AllowN(now, int(min(have, n)))
		}
		return true, 0
	}
	r := lim.ReserveN(now, int(n))
	wait = r.DelayFrom(now)
	if !r.OK() || wait > br.maxWait {
		r.CancelAt(now)
		return false, wait
	}
	return true, wait
}

// payBody takes n bytes of a body from its client's budget, waiting as
// long as the budget says (pace), or refuses the body (bodyRateSpent); read
// says whether part of it was read already, which is then cut.
func (s *Server) payBody(ctx context.Context, w http.ResponseWriter, m *bodyMeter, dl *bodyDeadline, n int64, read bool) *catalog.Error {
	ok, wait := m.take(n, time.Now())
	if !ok {
		return s.bodyRateSpent(w, wait, read)
	}
	pace(ctx, dl, wait)
	return nil
}

// pace waits before a read for what take asked, or until the request
// ends, having moved the body's deadline on by the wait: the client is not
// the one that was slow.
func pace(ctx context.Context, dl *bodyDeadline, wait time.Duration) {
	if wait <= 0 {
		return
	}
	dl.postpone(wait)
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// bodyRateSpent refuses a request, or cuts its body, when its client's
// budget cannot pay for it within maxBodyRateWait: 429 with Retry-After and code CodeBodyRate, and
// the connection closed after the answer, since the body is not (or no
// longer) read.
func (s *Server) bodyRateSpent(w http.ResponseWriter, wait time.Duration, cut bool) *catalog.Error {
	retry := int(min(max(math.Ceil(wait.Seconds()), 1), 60))
	w.Header().Set("Connection", "close")
	w.Header().Set("Retry-After", fmt.Sprint(retry))
	what := "this request's body was not read"
	if cut {
		what = "this request's body was cut"
	}
	return &catalog.Error{Type: catalog.UnsupportedError, Status: http.StatusTooManyRequests, Code: CodeBodyRate,
		Message: fmt.Sprintf("you are sending request bodies faster than this server takes from one client while others are served (%s/s, bursts of %s), so %s; retry in %d s", human.Bytes(int64(s.bodyRates.rate)), human.Bytes(int64(s.bodyRates.burst)), what, retry)}
}
