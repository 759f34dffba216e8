package testresult_test

import (
	"testing"

	"github.com/taskstream/taskstream/domain/testresult"
)

func TestSummarize(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name         string
		percentages  []float64
		attempts     int
		mean, median float64
		bands        map[int]int // band start -> count
	}{
		{"none", nil, 0, 0, 0, map[int]int{}},
		{"odd count", []float64{100, 50, 0, 75, 95}, 5, 64, 75, map[int]int{0: 1, 50: 1, 70: 1, 90: 2}},
		{"even count", []float64{10, 20}, 2, 15, 15, map[int]int{10: 1, 20: 1}},
		{"rounded", []float64{33.33, 66.67, 50}, 3, 50, 50, map[int]int{30: 1, 50: 1, 60: 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := testresult.Summarize(quizID, tc.percentages)
			if s.QuizID != quizID || s.Attempts != tc.attempts || s.Mean != tc.mean || s.Median != tc.median {
				t.Errorf("quiz %s, attempts %d, mean %v, median %v; want %d, %v, %v", s.QuizID, s.Attempts, s.Mean, s.Median, tc.attempts, tc.mean, tc.median)
			}
			if len(s.Distribution) != 10 {
				t.Fatalf("%d bands, want 10", len(s.Distribution))
			}
			for i, b := range s.Distribution {
				if b.From != i*10 || b.To != i*10+10 || b.Count != tc.bands[b.From] {
					t.Errorf("band %d = %+v, want count %d", i, b, tc.bands[b.From])
				}
			}
		})
	}
}
