package testresult

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// MaxWeakest is how many weakest categories a result names at most.
const MaxWeakest = 3

// Result is what a scored submission earned: the points, the percentage, the points by
// category, the weakest categories, a short report and the outcome of each question. It is a
// value; a submission hands out copies.
type Result struct {
	Points     int
	MaxPoints  int
	Percentage float64
	Categories []CategoryScore
	Weakest    []string
	Report     string
	Questions  []QuestionResult
	// ScoreOnly marks a result cut to the score for a taker without per-question feedback
	// (Submission.AsSeenBy): Categories, Weakest and Questions are nil. Stored results are
	// whole.
	ScoreOnly bool
}

// QuestionResult says whether one question was answered right, and the points it earned.
type QuestionResult struct {
	ID      string
	Correct bool
	Points  int
}

// clone copies r's slices, keeping nil ones nil, so the copy shares nothing with r.
func (r Result) clone() Result {
	r.Categories = slices.Clone(r.Categories)
	r.Weakest = slices.Clone(r.Weakest)
	r.Questions = slices.Clone(r.Questions)
	return r
}

// scoreOnly is r cut to what a taker with score-only feedback may learn: the points and the
// percentage. Points by category would give away a question that is alone in its category,
// and the report names categories, so both go.
func (r Result) scoreOnly() Result {
	return Result{Points: r.Points, MaxPoints: r.MaxPoints, Percentage: r.Percentage, ScoreOnly: true,
		Report: fmt.Sprintf("You scored %d of %d points (%s%%).", r.Points, r.MaxPoints, formatPercent(r.Percentage))}
}

// score scores answers: a question earns its points when the options picked are exactly its
// right options, and nothing otherwise (no partial credit for multiple choice).
func score(q *Quiz, answers map[string][]string) (Result, error) {
	if err := checkAnswers(q, answers); err != nil {
		return Result{}, err
	}
	r := Result{MaxPoints: q.MaxScore(), Questions: make([]QuestionResult, 0, len(q.questions))}
	byCategory := map[string]*CategoryScore{}
	for _, question := range q.questions {
		c := byCategory[question.category]
		if c == nil {
			c = &CategoryScore{Category: question.category}
			byCategory[question.category] = c
		}
		c.MaxPoints += question.points
		right := sameSet(answers[question.id], question.correct)
		qr := QuestionResult{ID: question.id, Correct: right}
		if right {
			qr.Points = question.points
			c.Points += question.points
			r.Points += question.points
		}
		r.Questions = append(r.Questions, qr)
	}
	r.Percentage = percent(r.Points, r.MaxPoints)
	for _, name := range sortedKeys(byCategory) {
		c := byCategory[name]
		c.Percentage = percent(c.Points, c.MaxPoints)
		r.Categories = append(r.Categories, *c)
	}
	r.Weakest = weakest(r.Categories)
	r.Report = report(r)
	return r, nil
}

// weakest names the categories below 100%, lowest percentage first (ties by name), at most
// MaxWeakest.
func weakest(cats []CategoryScore) []string {
	below := make([]CategoryScore, 0, len(cats))
	for _, c := range cats {
		if c.Points < c.MaxPoints {
			below = append(below, c)
		}
	}
	sort.SliceStable(below, func(i, j int) bool { return below[i].Percentage < below[j].Percentage })
	out := []string{}
	for i := 0; i < len(below) && i < MaxWeakest; i++ {
		out = append(out, below[i].Category)
	}
	return out
}

// report is a short text for the user: the score, the strongest category, what to work on.
func report(r Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "You scored %d of %d points (%s%%).", r.Points, r.MaxPoints, formatPercent(r.Percentage))
	if len(r.Categories) > 1 {
		best := r.Categories[0]
		for _, c := range r.Categories[1:] {
			if c.Percentage > best.Percentage {
				best = c
			}
		}
		fmt.Fprintf(&b, " Strongest: %s (%s%%).", best.Category, formatPercent(best.Percentage))
	}
	if len(r.Weakest) > 0 {
		parts := make([]string, 0, len(r.Weakest))
		for _, name := range r.Weakest {
			for _, c := range r.Categories {
				if c.Category == name {
					parts = append(parts, fmt.Sprintf("%s (%s%%)", name, formatPercent(c.Percentage)))
				}
			}
		}
		fmt.Fprintf(&b, " Work on: %s.", strings.Join(parts, ", "))
	} else {
		b.WriteString(" Every category full marks.")
	}
	return b.String()
}

// percent is 100*part/whole rounded to two decimals.
func percent(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return math.Round(float64(part)*10000/float64(whole)) / 100
}

func formatPercent(p float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", p), "0"), ".")
}

// sameSet reports whether a and b hold the same ids (neither holds one twice).
func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	in := make(map[string]bool, len(a))
	for _, x := range a {
		in[x] = true
	}
	for _, x := range b {
		if !in[x] {
			return false
		}
	}
	return true
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
