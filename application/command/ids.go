package command

import (
	"time"

	"github.com/taskstream/taskstream/domain/shared"
)

// Clock tells the time; tests pass a fixed one.
type Clock func() time.Time

// IDs makes new entity ids (UUIDv7, so ids sort by creation time).
type IDs func() string

// KeyedIDs derives the id of the entity a client's idempotency key names: the same user and key
// always give the same id, different users never share one. A retried request thereby names the
// entity of its first attempt, and consumers that store by id apply it once.
type KeyedIDs func(user shared.UserID, key string) string

// NamedIDs derives a UUID from a name (version 5): the same name always gives the same id, so
// an event delivered twice names one notification.
type NamedIDs func(name string) string
