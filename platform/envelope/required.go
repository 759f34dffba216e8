package envelope

import (
	"reflect"
	"strings"
	"sync"

	gojson "github.com/goccy/go-json"
)

// A required field is a top-level field of an event payload that every producer writes: one
// whose JSON tag has no omitempty. A payload without it is not one this consumer can read (a
// renamed field, a producer bug), and Decode refuses it rather than apply a zero value.
type requiredField struct {
	index int    // in the payload struct
	name  string // the JSON key
}

// requiredSet is what checkRequired needs of a payload type: its required fields, and a probe
// struct with one field per required key, of type present, that tells which keys a payload has.
type requiredSet struct {
	fields []requiredField
	probe  reflect.Type
}

// present records that its key was in the payload (null included) without keeping its value.
type present bool

// UnmarshalJSON marks the key as present.
func (p *present) UnmarshalJSON([]byte) error {
	*p = true
	return nil
}

// requiredSets caches the requiredSet of each payload struct type.
var requiredSets sync.Map // reflect.Type → *requiredSet

func requiredOf(t reflect.Type) *requiredSet {
	if cached, ok := requiredSets.Load(t); ok {
		return cached.(*requiredSet)
	}
	set := &requiredSet{}
	var probe []reflect.StructField
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		opts = "," + opts + ","
		if name == "-" || strings.Contains(opts, ",omitempty,") || strings.Contains(opts, ",omitzero,") {
			continue
		}
		if name == "" {
			name = f.Name
		}
		set.fields = append(set.fields, requiredField{index: i, name: name})
		probe = append(probe, reflect.StructField{
			Name: "F" + f.Name, Type: reflect.TypeFor[present](), Tag: reflect.StructTag(`json:"` + name + `"`),
		})
	}
	set.probe = reflect.StructOf(probe)
	requiredSets.Store(t, set)
	return set
}

// checkRequired refuses a payload that lacks a required field of v (a pointer to a struct;
// anything else has none). Only a required field left at its zero value can be missing, so a
// payload whose required fields all hold a value (most of them) costs no second look.
func checkRequired(payload []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return nil
	}
	s := rv.Elem()
	set := requiredOf(s.Type())
	var probe reflect.Value
	for j, f := range set.fields {
		if !s.Field(f.index).IsZero() {
			continue
		}
		if !probe.IsValid() {
			probe = reflect.New(set.probe)
			if err := gojson.Unmarshal(payload, probe.Interface()); err != nil {
				return err
			}
		}
		if !probe.Elem().Field(j).Bool() {
			return &missingFieldError{name: f.name}
		}
	}
	return nil
}

type missingFieldError struct{ name string }

func (e *missingFieldError) Error() string { return `missing required field "` + e.name + `"` }
