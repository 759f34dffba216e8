package shared

import (
	"unicode"
	"unicode/utf8"
)

// CheckText checks a user-entered text field: valid UTF-8, at most maxRunes characters, no
// control characters (new lines and tabs are allowed when multiline) and no invisible formatting
// characters (see invisible). It is the one rule of every text field users enter.
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
		if invisible(r) {
			return Invalid(field, "must not contain bidirectional or zero-width formatting characters (U+%04X)", r)
		}
	}
	return nil
}

// invisible reports the formatting characters that change how a text reads without being seen:
// the bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F,
// U+202A–U+202E, U+2066–U+2069), with which a title shown in another user's notification can
// display reversed or spoofed, and the zero-width characters (U+200B–U+200D, U+2060, U+FEFF),
// with which two titles that look alike differ.
func invisible(r rune) bool {
	switch {
	case r == 0x061C, r == 0x200E, r == 0x200F:
		return true
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	case r >= 0x200B && r <= 0x200D, r == 0x2060, r == 0xFEFF:
		return true
	}
	return false
}
