package metrics_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/taskstream/taskstream/adapters/metrics"
	"github.com/taskstream/taskstream/adapters/notify"
	"github.com/taskstream/taskstream/application/command"
)

// Each send through a counted sender counts once, by channel and outcome: sent (2xx), failed
// (the gateway is down: 5xx, tried again later), refused (the gateway refuses it: 4xx; never
// deliverable).
func TestDeliveriesAreCountedByChannelAndOutcome(t *testing.T) {
	t.Parallel()
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ To string }
		_ = json.NewDecoder(r.Body).Decode(&req)
		switch req.To {
		case "+15550000001":
			w.WriteHeader(http.StatusOK)
		case "+15550000002":
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			w.WriteHeader(http.StatusUnprocessableEntity)
		}
	}))
	t.Cleanup(gateway.Close)
	sms, err := notify.NewSMSSender(notify.WebhookConfig{URL: gateway.URL, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	m, err := metrics.NewPrometheus(reg)
	if err != nil {
		t.Fatal(err)
	}
	counted := m.CountSMS(sms)
	for _, to := range []string{"+15550000001", "+15550000001", "+15550000002", "+15550000003"} {
		_ = counted.SendSMS(t.Context(), command.SMS{To: to, Body: "hi", ID: "n-" + to})
	}
	got := map[string]float64{}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "taskstream_notification_deliveries_total" {
			continue
		}
		for _, s := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range s.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			got[labels["channel"]+"/"+labels["outcome"]] = s.GetCounter().GetValue()
		}
	}
	want := map[string]float64{"sms/sent": 2, "sms/failed": 1, "sms/refused": 1}
	if len(got) != len(want) || got["sms/sent"] != 2 || got["sms/failed"] != 1 || got["sms/refused"] != 1 {
		t.Errorf("deliveries %v, want %v", got, want)
	}
}
