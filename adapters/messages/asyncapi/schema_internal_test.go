package asyncapi

import (
	"reflect"
	"testing"
	"time"
)

type sample struct {
	Name     string            `json:"name"`
	Note     string            `json:"note,omitempty"`
	At       time.Time         `json:"at"`
	Maybe    *time.Time        `json:"maybe"`
	Count    int64             `json:"count"`
	Tags     []string          `json:"tags"`
	Extra    map[string]any    `json:"extra"`
	Skipped  string            `json:"-"`
	Nested   *struct{ A bool } `json:"nested"`
	internal string
}

func TestSchemaForFollowsEncodingJSON(t *testing.T) {
	t.Parallel()
	_ = sample{internal: "unexported: not encoded, so not in the schema"}
	s := schemaFor(reflect.TypeFor[sample]())
	props := s["properties"].(object)
	if len(props) != 8 {
		t.Errorf("properties %v, want the 8 encoded fields", props)
	}
	want := map[string]object{
		"name":  {"type": "string"},
		"at":    {"type": "string", "format": "date-time"},
		"maybe": {"type": []string{"string", "null"}, "format": "date-time"},
		"count": {"type": "integer"},
		"tags":  {"type": "array", "items": object{"type": "string"}},
		"extra": {"type": "object", "additionalProperties": object{}},
	}
	for k, w := range want {
		if !reflect.DeepEqual(props[k], w) {
			t.Errorf("%s: %v, want %v", k, props[k], w)
		}
	}
	if n := props["nested"].(object); n["type"].([]string)[1] != "null" || n["properties"].(object)["A"] == nil {
		t.Errorf("nested: %v, want a nullable object with A", n)
	}
	if req := s["required"].([]string); len(req) != 7 || slicesContains(req, "note") {
		t.Errorf("required %v: every field but the omitempty one", req)
	}
	if s["additionalProperties"] != false {
		t.Error("consumers refuse unknown fields: additionalProperties must be false")
	}
}

func slicesContains(s []string, v string) bool {
	for _, e := range s {
		if e == v {
			return true
		}
	}
	return false
}
