package envelope_test

import (
	"errors"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/platform/envelope"
)

// Only an event of a newer major version is ErrNewerVersion: an older one, or bad data, is not.
func TestDecodeTellsANewerVersionApart(t *testing.T) {
	t.Parallel()
	for version, newer := range map[string]bool{"2.0": true, "3": true, "0.9": false, "v1": false} {
		msg := message.NewMessage("m", []byte(`{"id":"1","title":"a","at":"2026-11-23T00:00:00Z"}`))
		msg.Metadata.Set(envelope.KeyType, "t.x")
		msg.Metadata.Set(envelope.KeySchemaVersion, version)
		var p struct {
			ID, Title, At string
		}
		err := envelope.Decode(msg, "t.x", "1", &p)
		if err == nil || errors.Is(err, envelope.ErrNewerVersion) != newer {
			t.Errorf("version %s: %v; newer version: %v, want %v", version, err, errors.Is(err, envelope.ErrNewerVersion), newer)
		}
	}
}
