package server

import (
	"net/http"
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
	inFlight   prometheus.Gauge
	background atomic.Int64
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
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "pipette_calls_in_flight",
		Help: "Synchronous algorithm calls being answered right now.",
	})
	background := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "pipette_background_runs",
		Help: "output=void runs still going.",
	}, func() float64 { return float64(m.background.Load()) })
	m.reg.MustRegister(m.calls, m.errors, m.duration, m.requests, m.inFlight, background,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}
