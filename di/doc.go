// Package di is the composition root: it assembles each process of Taskstream with wire. The
// provider sets (storage on PostgreSQL or in memory, bound to the interfaces they implement; the
// application; the HTTP API; the parts each process runs) and the providers live beside what
// they provide; wire.go holds one injector per process (NewAPI, NewWorker, NewRelay, NewAll,
// NewEmbedded) and wire_gen.go is what wire generates from it (committed; `make generate`
// rebuilds it and `make check-generated` fails when it is stale). config.Config is mapped onto
// each adapter's own configuration here (config_map.go). Only di/ and cmd/ import every layer.
package di
