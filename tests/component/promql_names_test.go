package component_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// PromQL words that look like metric names but are not: keywords, and the label lists of
// grouping modifiers are removed before.
var promqlKeywords = []string{"by", "without", "on", "ignoring", "group_left", "group_right",
	"and", "or", "unless", "bool", "offset", "inf", "nan"}

var (
	promqlStrings  = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'`)
	promqlMatchers = regexp.MustCompile(`\{[^}]*\}|\[[^\]]*\]`)
	promqlGrouping = regexp.MustCompile(`(?i)\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	promqlWord     = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*`)
)

// metricNames returns the metric names a PromQL expression selects: every identifier that is
// not a function or aggregation (followed by "("), a keyword, a label name or a number's part.
func metricNames(expr string) []string {
	e := promqlStrings.ReplaceAllString(expr, `""`)
	e = promqlMatchers.ReplaceAllString(e, " ")
	e = promqlGrouping.ReplaceAllString(e, " ")
	var names []string
	for _, loc := range promqlWord.FindAllStringIndex(e, -1) {
		word := e[loc[0]:loc[1]]
		if loc[0] > 0 && isWordByte(e[loc[0]-1]) { // "1e3", "0.99": part of a number
			continue
		}
		if strings.HasPrefix(strings.TrimLeft(e[loc[1]:], " \t\n"), "(") || slices.Contains(promqlKeywords, strings.ToLower(word)) {
			continue
		}
		if !slices.Contains(names, word) {
			names = append(names, word)
		}
	}
	return names
}

func isWordByte(b byte) bool {
	return b == '_' || b == '.' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

func TestMetricNamesOfAQuery(t *testing.T) {
	t.Parallel()
	cases := map[string][]string{
		`histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket{job=~"taskstream.*"}[5m])))`: {"http_request_duration_seconds_bucket"},
		`sum(rate(a_total{status=~"5.."}[5m])) / sum(rate(b_total[5m])) > 0.05`:                                              {"a_total", "b_total"},
		`taskstream:outbox_oldest_age_seconds:max > 60 and on (job) up{job="x"} == 1e3`:                                      {"taskstream:outbox_oldest_age_seconds:max", "up"},
		`sum without (instance) (increase(c_total{outcome="poisoned, or not"}[15m]))`:                                        {"c_total"},
	}
	for expr, want := range cases {
		if got := metricNames(expr); !slices.Equal(got, want) {
			t.Errorf("metricNames(%s) = %v, want %v", expr, got, want)
		}
	}
}
