package envelope

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ThreeDotsLabs/watermill/message"
)

// checkSchemaVersion accepts msg when its ce_schemaversion has the major version of want, the
// version the consumer was written for: "1", "1.2" and "1.0.3" are all readable by a consumer
// of "1", because a minor version only adds optional fields, which Decode ignores. A new major
// version is a breaking change the consumer cannot read, so it is refused with a reason that
// names both versions. An event without the header is read as the consumer's version: every
// Taskstream producer writes it, and a producer in another language that leaves it out meant
// the only version there was.
func checkSchemaVersion(msg *message.Message, want string) error {
	got := msg.Metadata.Get(KeySchemaVersion)
	if got == "" {
		return nil
	}
	wantMajor, err := major(want)
	if err != nil {
		return fmt.Errorf("consumer schema version %q: %w", want, err)
	}
	gotMajor, err := major(got)
	switch {
	case err != nil:
		return fmt.Errorf("%s %q: %w", KeySchemaVersion, got, err)
	case gotMajor > wantMajor:
		return fmt.Errorf("%s %q is a newer major version than %d, the one this consumer reads: deploy a consumer that reads it, then replay", KeySchemaVersion, got, wantMajor)
	case gotMajor < wantMajor:
		return fmt.Errorf("%s %q is an older major version than %d, the one this consumer reads", KeySchemaVersion, got, wantMajor)
	}
	return nil
}

// major returns the major version of a schema version "MAJOR[.MINOR[.PATCH]]".
func major(v string) (int, error) {
	head, _, _ := strings.Cut(v, ".")
	n, err := strconv.Atoi(head)
	if err != nil || n < 0 || head != strconv.Itoa(n) {
		return 0, fmt.Errorf("not a schema version (want MAJOR or MAJOR.MINOR)")
	}
	return n, nil
}
