package asyncapi

import (
	"encoding/json"
	"reflect"
	"strings"
	"time"
)

// object is one node of the document or of a schema; encoding/json writes its keys sorted, so
// the document is byte-for-byte stable.
type object = map[string]any

var (
	timeType      = reflect.TypeFor[time.Time]()
	marshalerType = reflect.TypeFor[json.Marshaler]()
)

// schemaFor returns the JSON Schema of the JSON encoding/json writes for a value of type t:
// an object per struct with one property per exported field under its json name, required
// unless the field has omitempty, and no other properties (consumers decode strictly and
// refuse unknown fields). A pointer may also be null; time.Time is an RFC 3339 string.
func schemaFor(t reflect.Type) object {
	switch {
	case t == timeType:
		return object{"type": "string", "format": "date-time"}
	case t.Kind() == reflect.Pointer:
		return nullable(schemaFor(t.Elem()))
	case t.Implements(marshalerType):
		// A type that writes its own JSON says nothing about its shape to reflection.
		return object{}
	}
	switch t.Kind() {
	case reflect.Struct:
		return structSchema(t)
	case reflect.Slice, reflect.Array:
		return object{"type": "array", "items": schemaFor(t.Elem())}
	case reflect.Map:
		return object{"type": "object", "additionalProperties": schemaFor(t.Elem())}
	case reflect.String:
		return object{"type": "string"}
	case reflect.Bool:
		return object{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return object{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return object{"type": "number"}
	default:
		// An interface (map[string]any's values) holds any JSON value.
		return object{}
	}
}

func structSchema(t reflect.Type) object {
	props := object{}
	required := []string{}
	for f := range fields(t) {
		name, omitEmpty, ok := jsonName(f)
		if !ok {
			continue
		}
		props[name] = schemaFor(f.Type)
		if !omitEmpty {
			required = append(required, name)
		}
	}
	return object{"type": "object", "properties": props, "required": required, "additionalProperties": false}
}

// fields yields t's exported fields; the event types embed no structs, and an embedded one
// would be listed as a field of its own name rather than flattened.
func fields(t reflect.Type) func(yield func(reflect.StructField) bool) {
	return func(yield func(reflect.StructField) bool) {
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && !yield(f) {
				return
			}
		}
	}
}

// jsonName is the name encoding/json gives f and whether it has omitempty; ok is false for a
// field it skips (json:"-").
func jsonName(f reflect.StructField) (name string, omitEmpty, ok bool) {
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false, false
	}
	name, opts, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	for o := range strings.SplitSeq(opts, ",") {
		if o == "omitempty" || o == "omitzero" {
			omitEmpty = true
		}
	}
	return name, omitEmpty, true
}

// nullable lets s also be null: a type list for a schema with a single type, else a oneOf.
func nullable(s object) object {
	if typ, ok := s["type"].(string); ok {
		out := object{}
		for k, v := range s {
			out[k] = v
		}
		out["type"] = []string{typ, "null"}
		return out
	}
	return object{"oneOf": []any{s, object{"type": "null"}}}
}
