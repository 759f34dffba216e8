package httpport

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// httpMetrics are the RED metrics of the API. They are recorded before authentication, so every
// label has a fixed set of values whatever a caller sends: the route is the gin route pattern
// or "unmatched", the method one of net/http's or "other" (methodLabel), the status one the
// handlers chose. A label taken from the request as it came would add series, kept until the
// restart, for each invented method.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) (*httpMetrics, error) {
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "http_requests_total",
		Help: "HTTP requests answered, by method, route pattern and status code.",
	}, []string{"method", "route", "status"})
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "http_request_duration_seconds",
		Help:    "Time to answer HTTP requests, by method and route pattern.",
		Buckets: prometheus.DefBuckets,
	}, []string{"method", "route"})
	var err error
	if requests, err = register(reg, requests); err != nil {
		return nil, err
	}
	if duration, err = register(reg, duration); err != nil {
		return nil, err
	}
	return &httpMetrics{requests: requests, duration: duration}, nil
}

// register registers c, or returns the equal collector already registered, so that two
// handlers built on one registry (say, in tests or after a reload) share their metrics.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	err := reg.Register(c)
	if err == nil {
		return c, nil
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing, nil
		}
	}
	return c, err
}

func (m *httpMetrics) middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := routeOf(c)
		method := methodLabel(c.Request.Method)
		status := c.Writer.Status()
		m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
		if status == http.StatusSwitchingProtocols {
			return // an upgraded connection's duration is its lifetime, not a latency
		}
		m.duration.WithLabelValues(method, route).Observe(time.Since(start).Seconds())
	}
}

// otherMethod is the method label of every request whose method HTTP does not define.
const otherMethod = "other"

// methodLabel is method when HTTP defines it (RFC 9110 and PATCH; methods are case-sensitive,
// so "get" is not GET), else otherMethod.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return otherMethod
}

// metricsHandler exposes what g gathers in the Prometheus text format.
func metricsHandler(g prometheus.Gatherer) http.Handler {
	return promhttp.HandlerFor(g, promhttp.HandlerOpts{})
}
