package testresult

import (
	"math"
	"sort"
)

// Stats are a quiz's statistics over its scored submissions (the analytics consumer group keeps
// the scores); only the quiz's owner reads them (Quiz.CheckStatsReader).
type Stats struct {
	QuizID string
	// Counted says which scored submissions Attempts counts (Quiz.Stats); Summarize leaves it
	// zero.
	Counted  StatsCount
	Attempts int
	Mean     float64
	Median   float64
	// Distribution counts the scores in ten bands of ten percentage points; the last band
	// includes 100.
	Distribution []Band
}

// Band counts the scores from From (inclusive) to To (exclusive; inclusive for the last band).
type Band struct {
	From  int
	To    int
	Count int
}

// Summarize computes the statistics of a quiz from the percentages of its scored submissions.
func Summarize(quizID string, percentages []float64) Stats {
	s := Stats{QuizID: quizID, Attempts: len(percentages), Distribution: make([]Band, 10)}
	for i := range s.Distribution {
		s.Distribution[i] = Band{From: i * 10, To: i*10 + 10}
	}
	if len(percentages) == 0 {
		return s
	}
	sorted := append([]float64(nil), percentages...)
	sort.Float64s(sorted)
	sum := 0.0
	for _, p := range sorted {
		sum += p
		band := int(p / 10)
		band = max(0, min(band, 9))
		s.Distribution[band].Count++
	}
	s.Mean = round2(sum / float64(len(sorted)))
	mid := len(sorted) / 2
	if len(sorted)%2 == 1 {
		s.Median = sorted[mid]
	} else {
		s.Median = round2((sorted[mid-1] + sorted[mid]) / 2)
	}
	return s
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
