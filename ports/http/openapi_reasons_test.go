package httpport_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/taskstream/taskstream/domain/notification"
)

// The document lists exactly the delivery reasons the domain may show, so a client can rely on
// the list (and a schema check of the answers holds).
func TestOpenAPIListsTheDeliveryReasons(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t, newFixture(t, fixtureOptions{}))
	reason := doc.Components.Schemas["NotificationDelivery"].Value.Properties["reason"].Value
	var documented []string
	for _, v := range reason.Enum {
		documented = append(documented, fmt.Sprint(v))
	}
	want := notification.Reasons()
	slices.Sort(documented)
	slices.Sort(want)
	if !slices.Equal(documented, want) {
		t.Errorf("documented reasons %q,\nthe domain's %q", documented, want)
	}
}
