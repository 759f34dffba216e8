package shared

import "strings"

// UserID identifies a user; it is the subject of the caller's token and the partition key of
// every event, so one user's events stay in order.
type UserID string

// ParseUserID validates a user id: non-empty, at most 128 bytes, printable ASCII.
func ParseUserID(s string) (UserID, error) {
	if s == "" || len(s) > 128 {
		return "", Invalid("user_id", "must be 1 to 128 characters")
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return "", Invalid("user_id", "must be printable ASCII without spaces")
		}
	}
	return UserID(s), nil
}

// IsUUID reports whether s is a UUID in its canonical 36-character text form.
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", rune(c)) {
				return false
			}
		}
	}
	return true
}
