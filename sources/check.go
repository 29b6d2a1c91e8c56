package sources

import (
	"context"
	"fmt"
	"sync"
	"time"

	"pipette/catalog"
)

// ProbeTimeout bounds one check of a source: a probe, or the listing of a
// source that was down. A server that takes longer is down.
const ProbeTimeout = 5 * time.Second

// CheckSources asks each source whose status is older than maxAge whether
// it answers (see Live.Check), all at once, and returns the statuses in
// order once every check has ended or ctx is done: a source that hangs
// delays neither the others' statuses nor the caller past ctx; its own
// shows on a later call. It is what keeps a long-running UI's view of its
// sources true: an up source is probed (cheap: a version or a one-model
// listing), a down one relisted once its back-off has passed, so it comes
// back with its models.
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
// brings it back with its models. The check runs on its own, within
// ProbeTimeout, one at a time per source: Check waits for it only until
// ctx is done, and a later Check waits for the same one.
func (l *Live) Check(ctx context.Context, maxAge time.Duration) {
	l.mu.Lock()
	done := l.checking
	if done == nil {
		st, now := l.status, time.Now()
		if (st.State == catalog.SourceDown && now.Before(l.retryAt)) || (st.State == catalog.SourceUp && now.Sub(st.Checked) < maxAge) {
			l.mu.Unlock()
			return
		}
		done = make(chan struct{})
		l.checking = done
		go l.check(st.State, done)
	}
	l.mu.Unlock()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// check is one check of the source, in state before it.
func (l *Live) check(state catalog.SourceState, done chan struct{}) {
	defer func() {
		l.mu.Lock()
		l.checking = nil
		l.mu.Unlock()
		close(done)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), ProbeTimeout)
	defer cancel()
	if state != catalog.SourceUp {
		_, _ = l.List(ctx)
		return
	}
	_, err := l.b.Probe(ctx)
	if ctx.Err() != nil {
		err = fmt.Errorf("%s did not answer within %s", l.spec.ShownURL(), ProbeTimeout)
	}
	l.mark(err)
}
