package testresult

import (
	"sort"
	"strconv"
	"time"

	"github.com/taskstream/taskstream/domain/shared"
)

// Settings returns the owner's choices, in primitives.
func (q *Quiz) Settings() QuizSettings { return q.settings.primitives() }

// MaxAttempts returns how many submissions each taker may make, and false when there is no
// limit.
func (q *Quiz) MaxAttempts() (int, bool) { return q.settings.maxAttempts, q.settings.maxAttempts > 0 }

// Feedback returns what takers learn from a scored submission.
func (q *Quiz) Feedback() Feedback { return q.settings.feedback }

// StatsCount returns which scored submissions the statistics count.
func (q *Quiz) StatsCount() StatsCount { return q.settings.statsCount }

// FeedbackFor returns what user learns from their own scored submission: everything when they
// own the quiz (they hold the key anyway), the quiz's Feedback otherwise.
func (q *Quiz) FeedbackFor(user shared.UserID) Feedback {
	if q.OwnedBy(user) {
		return FeedbackPerQuestion
	}
	return q.settings.feedback
}

// AdmitAttempt decides whether user may make their attempt number n (1 for the first) at the
// quiz. Past the limit it fails with an error of kind conflict wrapping ErrNoAttemptsLeft. The
// owner is never refused: the limit keeps the answer key from takers, and the owner has it.
func (q *Quiz) AdmitAttempt(user shared.UserID, n int) error {
	if n < 1 {
		return shared.Invalid("attempt", "must be 1 or more, got %d", n)
	}
	limit, limited := q.MaxAttempts()
	if !limited || n <= limit || q.OwnedBy(user) {
		return nil
	}
	return &shared.Error{Kind: shared.KindConflict, Err: ErrNoAttemptsLeft,
		Message: attemptsMessage(limit)}
}

func attemptsMessage(limit int) string {
	if limit == 1 {
		return "this test allows one attempt, and you have made it"
	}
	return "this test allows " + strconv.Itoa(limit) + " attempts, and you have made them all"
}

// RecordedScore is one scored submission as the statistics keep it: who submitted it and when,
// and its percentage.
type RecordedScore struct {
	SubmissionID string
	UserID       string
	SubmittedAt  time.Time
	Percentage   float64
}

// Stats computes the quiz's statistics from the scores recorded for it, counting each taker's
// first scored submission only (by submission time, then id), or every one, as the owner chose.
func (q *Quiz) Stats(scores []RecordedScore) Stats {
	counted := scores
	if q.settings.statsCount == StatsFirst {
		counted = firstPerUser(scores)
	}
	percentages := make([]float64, len(counted))
	for i, s := range counted {
		percentages[i] = s.Percentage
	}
	st := Summarize(q.id, percentages)
	st.Counted = q.settings.statsCount
	return st
}

// firstPerUser keeps the earliest score of each user; a score without its user counts.
func firstPerUser(scores []RecordedScore) []RecordedScore {
	sorted := append([]RecordedScore(nil), scores...)
	sort.Slice(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if !a.SubmittedAt.Equal(b.SubmittedAt) {
			return a.SubmittedAt.Before(b.SubmittedAt)
		}
		return a.SubmissionID < b.SubmissionID
	})
	seen := make(map[string]bool, len(sorted))
	out := sorted[:0]
	for _, s := range sorted {
		if s.UserID == "" { // recorded without its user (during the upgrade that added it): its own
			out = append(out, s)
		} else if !seen[s.UserID] {
			seen[s.UserID] = true
			out = append(out, s)
		}
	}
	return out
}
