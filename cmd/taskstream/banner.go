package main

import (
	"log/slog"
	"net"
)

// logBanner greets a person who ran the embedded default (make run) with one record: where the
// API is, the token to call it with (when the process made its own secret), where the API
// document is and how to stop.
func logBanner(logger *slog.Logger, httpAddr, token string) {
	base := baseURL(httpAddr)
	attrs := []any{"url", base}
	if token != "" {
		attrs = append(attrs, "token", token, "user", "demo-user")
	} else {
		attrs = append(attrs, "token_from", "taskstream token --user ID")
	}
	attrs = append(attrs, "api_document", base+"/docs", "stop", "Ctrl-C")
	logger.Info("Taskstream is ready: call the API with the token as 'Authorization: Bearer <token>'", attrs...)
}

// baseURL turns a listen address into the URL a person on this machine opens: a wildcard host
// (":8080", "0.0.0.0:8080") becomes localhost.
func baseURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
