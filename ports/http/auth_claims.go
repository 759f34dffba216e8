package httpport

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Claim and header names are matched exactly. encoding/json matches struct fields without
// regard to case, so decoding a token into a struct (jwt.RegisteredClaims) let "SUB" or "Exp"
// placed after "sub" or "exp" replace them: a signed token then named another user, or outlived
// its expiry. Tokens are therefore decoded into maps (jwt.MapClaims), whose keys are exact, and
// a token that names one member twice is refused, as RFC 7519 section 4 allows, rather than
// read with the last one winning, which would leave the meaning to whichever parser reads it.

// errDuplicateMember is the reason a token with a repeated header or claim name is refused.
var errDuplicateMember = errors.New("the token names a header parameter or claim twice")

// checkUniqueMembers refuses a compact JWT whose header or payload is not a JSON object or holds
// a member name twice. It verifies nothing else.
func checkUniqueMembers(token string) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return errors.New("the token is not a compact JWS")
	}
	for _, part := range parts[:2] {
		raw, err := base64.RawURLEncoding.DecodeString(part)
		if err != nil {
			return fmt.Errorf("decode a token segment: %w", err)
		}
		if err := uniqueMembers(raw); err != nil {
			return err
		}
	}
	return nil
}

// uniqueMembers reports errDuplicateMember when the JSON object in raw names a top-level member
// twice. Names are compared after JSON unescaping ("s\u0075b" is "sub"), as a map decoder sees
// them.
func uniqueMembers(raw []byte) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return errors.New("a token segment is not a JSON object")
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("decode a token segment: %w", err)
		}
		name, _ := tok.(string)
		if seen[name] {
			return fmt.Errorf("%w: %q", errDuplicateMember, name)
		}
		seen[name] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return fmt.Errorf("decode a token segment: %w", err)
		}
	}
	return nil
}

// segmentMember decodes the member name of the JSON object in a JWT segment (0: the header,
// 1: the payload) into v, matching the name exactly. It verifies nothing.
func segmentMember(token string, segment int, name string, v any) bool {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[segment])
	if err != nil {
		return false
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(raw, &members) != nil {
		return false
	}
	value, ok := members[name]
	return ok && json.Unmarshal(value, v) == nil
}
