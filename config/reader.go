package config

import (
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// reader reads variables and collects one error per bad value, each naming its variable.
type reader struct {
	lookup func(string) (string, bool)
	errs   []error
}

func (r *reader) fail(name, format string, args ...any) {
	r.errs = append(r.errs, fmt.Errorf("%s %s", name, fmt.Sprintf(format, args...)))
}

func (r *reader) str(name, def string) string {
	if v, ok := r.lookup(name); ok && strings.TrimSpace(v) != "" {
		return strings.TrimSpace(v)
	}
	return def
}

func (r *reader) boolean(name string, def bool) bool {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		r.fail(name, "must be true or false, got %q", v)
	}
	return b
}

func (r *reader) integer(name string, def, lo, hi int) int {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		r.fail(name, "must be an integer from %d to %d, got %q", lo, hi, v)
	}
	return n
}

func (r *reader) duration(name string, def time.Duration) time.Duration {
	return r.durationFrom(name, def, false)
}

// durationFrom reads a duration that must be positive, or also 0 (off) when zeroAllowed.
func (r *reader) durationFrom(name string, def time.Duration, zeroAllowed bool) time.Duration {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err == nil && (d > 0 || (d == 0 && zeroAllowed)) {
		return d
	}
	if zeroAllowed {
		r.fail(name, "must be 0 or a positive duration such as 1h, got %q", v)
	} else {
		r.fail(name, "must be a positive duration such as 500ms or 10s, got %q", v)
	}
	return d
}

func (r *reader) oneOf(name, def string, allowed ...string) string {
	v := r.str(name, def)
	for _, a := range allowed {
		if strings.EqualFold(v, a) {
			return a
		}
	}
	r.fail(name, "must be one of %s, got %q", strings.Join(nonEmpty(allowed), ", "), v)
	return def
}

var namePattern = regexp.MustCompile(`^[a-zA-Z0-9._-]{1,249}$`)

// name reads a topic or consumer-group name, as Kafka allows them.
func (r *reader) name(name, def string) string {
	v := r.str(name, def)
	if !namePattern.MatchString(v) || v == "." || v == ".." {
		r.fail(name, "must be 1 to 249 of a-z, A-Z, 0-9, '.', '_', '-' (not . or ..), got %q", v)
	}
	return v
}

func (r *reader) level(name string, def slog.Level) slog.Level {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(v)); err != nil {
		r.fail(name, "must be debug, info, warn or error, got %q", v)
	}
	return l
}

func nonEmpty(xs []string) []string {
	out := xs[:0:0]
	for _, x := range xs {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}
