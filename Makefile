# Taskstream: `make run` starts the embedded default at once; `make test` runs everything on a
# fresh machine, bringing up PostgreSQL and Kafka first. `make help` lists the rest.

SHELL := bash
GOBIN := $(shell go env GOPATH)/bin
export PATH := $(GOBIN):$(PATH)

SQLC_VERSION          := v1.31.1
WIRE_VERSION          := v0.7.0
GOLANGCI_LINT_VERSION := v2.15.0

# The services' addresses (scripts/services.sh starts them on loopback).
DATABASE_URL  ?= postgres://taskstream:taskstream@127.0.0.1:5432/taskstream?sslmode=disable
KAFKA_BROKERS ?= 127.0.0.1:9092
export DATABASE_URL KAFKA_BROKERS

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

.PHONY: run
run: ## run the embedded default: every part in one process, in memory, on GoChannel
	env -u DATABASE_URL -u KAFKA_BROKERS go run ./cmd/taskstream all

.PHONY: run-services
run-services: services ## run on PostgreSQL and Kafka (started first)
	MIGRATE_ON_START=true AUTH_JWT_SECRET=$${AUTH_JWT_SECRET:-local-development-secret-32-bytes!} go run ./cmd/taskstream all

.PHONY: build
build: ## build bin/taskstream
	CGO_ENABLED=0 go build -trimpath -o bin/taskstream ./cmd/taskstream

.PHONY: services
services: ## start PostgreSQL and Kafka on loopback (idempotent)
	bash scripts/services.sh up

.PHONY: services-down
services-down: ## stop PostgreSQL and Kafka (the single node and the cluster)
	bash scripts/services.sh down

.PHONY: services-cluster
services-cluster: ## start PostgreSQL and a three-node Kafka cluster on 127.0.0.1:19092,19192,19292 (idempotent)
	KAFKA_NODES=3 bash scripts/services.sh up

.PHONY: services-cluster-down
services-cluster-down: ## stop the three-node Kafka cluster alone
	KAFKA_NODES=3 bash scripts/services.sh down

.PHONY: services-observability
services-observability: ## start Prometheus on 127.0.0.1:9090 (scraping make run's 127.0.0.1:8080) and Jaeger (OTLP 127.0.0.1:4318, query API 127.0.0.1:16686; built once, a few minutes)
	bash scripts/services.sh observability

.PHONY: services-observability-down
services-observability-down: ## stop Prometheus and Jaeger
	bash scripts/services.sh observability-down

.PHONY: services-jaeger
services-jaeger: ## start Jaeger alone (the component tests' trace backend; idempotent)
	bash scripts/services.sh jaeger

.PHONY: test
test: services services-jaeger ## every test: unit, integration and component, on real PostgreSQL, Kafka and Jaeger
	go test -race -count=1 -timeout 15m ./...

.PHONY: test-short
test-short: ## unit tests only, no services
	go test -short -count=1 -race ./...

.PHONY: bench
bench: services ## measure ingest, accept and outbox relay figures against their baselines
	go run ./tools/bench

.PHONY: tools
tools:
	@scripts/tool.sh sqlc github.com/sqlc-dev/sqlc/cmd/sqlc $(SQLC_VERSION)
	@scripts/tool.sh wire github.com/google/wire/cmd/wire $(WIRE_VERSION)
	@scripts/tool.sh golangci-lint github.com/golangci/golangci-lint/v2/cmd/golangci-lint $(GOLANGCI_LINT_VERSION)

.PHONY: generate
generate: tools ## regenerate sqlc and wire code
	sqlc generate
	wire gen ./di

.PHONY: check-generated
check-generated: tools ## fail when the committed sqlc or wire output is stale
	sqlc diff
	@tmp=$$(mktemp -d) && cp di/wire_gen.go $$tmp/ && wire gen ./di >/dev/null && \
	  if ! diff -u $$tmp/wire_gen.go di/wire_gen.go; then cp $$tmp/wire_gen.go di/; \
	    echo "di/wire_gen.go is stale: run make generate" >&2; exit 1; fi

.PHONY: vendor-docs check-vendor-docs
vendor-docs: ## fetch the pinned Swagger UI (npm) into ports/http/apidocs/assets, with its sha256 manifest
	bash scripts/vendor-docs.sh

check-vendor-docs: ## fail when the vendored Swagger UI differs from the pinned npm package (needs network)
	bash scripts/vendor-docs.sh --check

.PHONY: screenshots
screenshots: ## retake the README's pictures of the console (docs/img) in headless chromium
	go test -count=1 -run 'TestBoardScreenshot|TestQuizSharedTakenAndScoredLive|TestOperatorReplaysAParkedMessage' ./tests/browser -screenshots $(CURDIR)/docs/img

.PHONY: screenshot-lag
screenshot-lag: ## retake docs/img/consumer-lag.png: a held-back consumer's lag in Prometheus's graph (needs make services, prometheus, chromium)
	go test -count=1 -run TestConsumerLagGrowsInPrometheus ./tests/component -lag-screenshot $(CURDIR)/docs/img/consumer-lag.png

.PHONY: docs-browser-check
docs-browser-check: ## load /docs and /docs/events in headless Chromium and check them under their CSP (needs chromium, node)
	bash scripts/docs-browser-check.sh

.PHONY: lint
lint: tools ## golangci-lint (config: .golangci.yml)
	golangci-lint run ./...

.PHONY: ci
ci: check-generated lint test ## what CI runs
