// Package di assembles Taskstream with wire: the provider sets in providers.go, the injector in
// wire.go, and the generated wire_gen.go (committed; `make generate` rebuilds it and
// `make check-generated` fails when it is stale). Only di/ and cmd/ import every layer.
package di
