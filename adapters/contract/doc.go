// Package contract holds the contract suites that every implementation of a repository port
// must pass, so the in-memory adapters and the PostgreSQL adapters keep the same rules. The
// suites are ordinary (non-test) code so that each adapter's tests can run them.
package contract
