package notification

import (
	"crypto/sha1" //nolint:gosec // UUIDv5 is defined on SHA-1 (RFC 9562); it names, it does not protect
	"encoding/hex"
	"time"
)

// ReminderID is the notification id of the reminder of type typ for a task's due time: a
// name-based UUID (version 5) of "<task id>|<type>|<due time in UTC, RFC 3339 with
// nanoseconds>" in the reminders' namespace. Every emission of one reminder gets the same id,
// so even a replayed one is one notification. The derivation is a contract: changing a byte of
// it would send again every reminder already sent.
func ReminderID(taskID, typ string, dueAt time.Time) string {
	return nameUUID(reminderNamespace, taskID+"|"+typ+"|"+dueAt.UTC().Format(time.RFC3339Nano))
}

// oidNamespace is RFC 9562's name space for ISO OIDs, 6ba7b812-9dad-11d1-80b4-00c04fd430c8.
var oidNamespace = [16]byte{0x6b, 0xa7, 0xb8, 0x12, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}

// reminderNamespace is the name space of reminder ids: the UUIDv5 of "taskstream.task-reminder"
// in oidNamespace (b35de0f0-b6cc-5f0d-a089-6f4ddcdfcdc3).
var reminderNamespace = nameUUIDBytes(oidNamespace, "taskstream.task-reminder")

// nameUUID is the text form of the version 5 UUID of name in namespace.
func nameUUID(namespace [16]byte, name string) string {
	u := nameUUIDBytes(namespace, name)
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

// nameUUIDBytes hashes the namespace and the name with SHA-1 and keeps the first 16 bytes,
// with the version (5) and the variant (RFC 9562) set.
func nameUUIDBytes(namespace [16]byte, name string) [16]byte {
	h := sha1.New() //nolint:gosec // see the import
	h.Write(namespace[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return u
}
