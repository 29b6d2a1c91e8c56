package sources

import (
	"context"
	"sync"
	"time"

	"pipette/catalog"
)

// CheckSources asks each source whose status is older than maxAge whether
// it answers (see Live.Check), all at once, and returns the statuses in
// order. It is what keeps a long-running UI's view of its sources true: an
// up source is probed (cheap: a version or a one-model listing), a down one
// relisted once its back-off has passed, so it comes back with its models.
func (c *Catalog) CheckSources(ctx context.Context, maxAge time.Duration) []catalog.SourceStatus {
	remotes := c.Remotes()
	var wg sync.WaitGroup
	for _, l := range remotes {
		wg.Go(func() { l.Check(ctx, maxAge) })
	}
	wg.Wait()
	out := make([]catalog.SourceStatus, len(remotes))
	for i, l := range remotes {
		out[i] = l.Status()
	}
	return out
}

// Check asks the server whether it answers, unless the status is younger
// than maxAge or the source is down and its back-off has not passed. A
// source that is up is probed, and put down when the probe fails (so a
// stopped server shows as down within maxAge, not when its listing's 30 s
// run out); one that is down or not asked yet is listed again, which
// brings it back with its models. A probe cut short by ctx says nothing.
func (l *Live) Check(ctx context.Context, maxAge time.Duration) {
	l.mu.Lock()
	st, now := l.status, time.Now()
	wait := (st.State == catalog.SourceDown && now.Before(l.retryAt)) ||
		(st.State == catalog.SourceUp && now.Sub(st.Checked) < maxAge)
	l.mu.Unlock()
	switch {
	case wait:
		return
	case st.State != catalog.SourceUp:
		_, _ = l.List(ctx)
		return
	}
	_, err := l.b.Probe(ctx)
	if err != nil && ctx.Err() != nil {
		return
	}
	l.mark(err)
}
