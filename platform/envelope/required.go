package envelope

import (
	"reflect"
	"strings"
	"sync"
)

// requiredField is a top-level field of an event payload that every producer writes: one whose
// JSON tag has no omitempty. A payload without it is not one this consumer can read (a renamed
// field, a producer bug), and Decode refuses it rather than apply a zero value.
type requiredField struct {
	index int    // in the struct
	name  string // the JSON key
}

// requiredFields caches the required fields of each payload struct type.
var requiredFields sync.Map // reflect.Type → []requiredField

func requiredOf(t reflect.Type) []requiredField {
	if cached, ok := requiredFields.Load(t); ok {
		return cached.([]requiredField)
	}
	var out []requiredField
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,") {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, requiredField{index: i, name: name})
	}
	requiredFields.Store(t, out)
	return out
}

// zeroRequired lists the JSON keys of v's required fields that hold their zero value after
// decoding: only those may be missing from the payload, so only they need a look at its keys.
// v is a pointer to a struct; anything else has no required fields.
func zeroRequired(v any) []string {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return nil
	}
	s := rv.Elem()
	var out []string
	for _, f := range requiredOf(s.Type()) {
		if s.Field(f.index).IsZero() {
			out = append(out, f.name)
		}
	}
	return out
}
