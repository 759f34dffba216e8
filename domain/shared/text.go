package shared

import (
	"unicode"
	"unicode/utf8"
)

// CheckText checks a user-entered text field: valid UTF-8, at most maxRunes characters and no
// control characters (new lines and tabs are allowed when multiline).
func CheckText(field, s string, maxRunes int, multiline bool) error {
	if !utf8.ValidString(s) {
		return Invalid(field, "must be valid UTF-8")
	}
	if n := utf8.RuneCountInString(s); n > maxRunes {
		return Invalid(field, "must be at most %d characters, got %d", maxRunes, n)
	}
	for _, r := range s {
		if multiline && (r == '\n' || r == '\t' || r == '\r') {
			continue
		}
		if unicode.IsControl(r) {
			return Invalid(field, "must not contain control characters")
		}
	}
	return nil
}
