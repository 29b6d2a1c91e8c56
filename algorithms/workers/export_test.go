package workers

// WithSlack sets the address space a worker may map beyond its memory.
func WithSlack(o Options, n int64) Options { o.slack = n; return o }

// WithExecutable makes the workers start path.
func WithExecutable(o Options, path string) Options { o.executable = path; return o }
