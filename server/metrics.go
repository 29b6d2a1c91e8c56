package server

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are one Server's Prometheus metrics, in a registry of its own so
// that tests (and a process hosting several servers) never collide on the
// global one. Algorithm labels are owner/name — never the version range a
// caller wrote — and unknown algorithms share one label, which bounds the
// label set by the size of the catalog.
type metrics struct {
	reg        *prometheus.Registry
	calls      *prometheus.CounterVec
	errors     *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	requests   *prometheus.CounterVec
	inFlight   atomic.Int64 // synchronous calls being answered
	background atomic.Int64
	rejected   *prometheus.CounterVec
	cancelled  *prometheus.CounterVec

	// The children counted on every call, found without hashing labels.
	callsOf    *children[string, prometheus.Counter]
	durationOf *children[string, prometheus.Observer]
	requestsOf *children[routeCode, prometheus.Counter]
}

type routeCode struct {
	route string
	code  int
}

// children caches the metrics of a vector by their labels: WithLabelValues
// hashes its labels on every call, and a call is counted several times.
// Readers load the current map without a lock (a read lock's shared counter
// is itself contended across cores); a new label copies the map, which
// happens once per algorithm and status.
type children[K comparable, V any] struct {
	m    atomic.Pointer[map[K]V] // never changed once stored
	mu   sync.Mutex              // one writer at a time
	make func(K) V
}

func newChildren[K comparable, V any](make func(K) V) *children[K, V] {
	c := &children[K, V]{make: make}
	c.m.Store(&map[K]V{})
	return c
}

func (c *children[K, V]) get(k K) V {
	if v, ok := (*c.m.Load())[k]; ok {
		return v
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old := *c.m.Load()
	if v, ok := old[k]; ok {
		return v
	}
	m := make(map[K]V, len(old)+1)
	for key, v := range old {
		m[key] = v
	}
	v := c.make(k)
	m[k] = v
	c.m.Store(&m)
	return v
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.calls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "pipette_calls_total",
		Help: "Algorithm calls received, by algorithm (owner/name).",
	}, []string{"algorithm"})
	m.errors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "pipette_call_errors_total",
		Help: "Algorithm calls that ended in an error, by algorithm and error_type.",
	}, []string{"algorithm", "error_type"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "pipette_call_duration_seconds",
		Help:    "Time spent running algorithms, by algorithm.",
		Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300},
	}, []string{"algorithm"})
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "pipette_http_requests_total",
		Help: "HTTP requests answered, by route pattern and status code.",
	}, []string{"route", "code"})
	inFlight := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "pipette_calls_in_flight",
		Help: "Synchronous algorithm calls being answered right now.",
	}, func() float64 { return float64(m.inFlight.Load()) })
	background := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "pipette_background_runs",
		Help: "output=void runs still going.",
	}, func() float64 { return float64(m.background.Load()) })
	m.rejected = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "pipette_calls_rejected_total",
		Help: "Calls refused by admission control, by algorithm and reason (queue_full, algorithm_limit, client_limit, wait_timeout, shutting_down; body_rate and body_budget for bodies refused before they were read).",
	}, []string{"algorithm", "reason"})
	m.cancelled = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "pipette_calls_cancelled_total",
		Help: "Calls stopped before they were answered, by algorithm and reason (client: the caller left; shutdown: cut at the end of the shutdown grace).",
	}, []string{"algorithm", "reason"})
	m.callsOf = newChildren(func(l string) prometheus.Counter { return m.calls.WithLabelValues(l) })
	m.durationOf = newChildren(func(l string) prometheus.Observer { return m.duration.WithLabelValues(l) })
	m.requestsOf = newChildren(func(k routeCode) prometheus.Counter {
		return m.requests.WithLabelValues(k.route, strconv.Itoa(k.code))
	})
	m.reg.MustRegister(m.calls, m.errors, m.duration, m.requests, inFlight, background, m.rejected, m.cancelled,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

func (m *metrics) reject(algo, reason string) { m.rejected.WithLabelValues(algo, reason).Inc() }

// watch registers the running and waiting calls of a, by algorithm, read
// when /metrics is scraped: nothing is counted per call for them.
func (m *metrics) watch(a *admission) {
	m.reg.MustRegister(admissionCollector{a})
}

var (
	runningDesc = prometheus.NewDesc("pipette_calls_running", "Calls running now, by algorithm (admission control; a fan-out's borrowed slots are not per algorithm).", []string{"algorithm"}, nil)
	waitingDesc = prometheus.NewDesc("pipette_calls_queued", "Calls waiting for a slot now, by algorithm.", []string{"algorithm"}, nil)
	slotsDesc   = prometheus.NewDesc("pipette_call_slots", "Calls that may run at once (all algorithms).", nil, nil)
	lentDesc    = prometheus.NewDesc("pipette_call_slots_busy", "Slots in use now, fan-out elements of published chains included.", nil, nil)
)

type admissionCollector struct{ a *admission }

func (c admissionCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- runningDesc
	ch <- waitingDesc
	ch <- slotsDesc
	ch <- lentDesc
}

func (c admissionCollector) Collect(ch chan<- prometheus.Metric) {
	busy, stats := c.a.stats()
	for _, st := range stats {
		ch <- prometheus.MustNewConstMetric(runningDesc, prometheus.GaugeValue, float64(st.running), st.label)
		ch <- prometheus.MustNewConstMetric(waitingDesc, prometheus.GaugeValue, float64(st.waiting), st.label)
	}
	ch <- prometheus.MustNewConstMetric(slotsDesc, prometheus.GaugeValue, float64(c.a.lim.MaxRunning))
	ch <- prometheus.MustNewConstMetric(lentDesc, prometheus.GaugeValue, float64(busy))
}
