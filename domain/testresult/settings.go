package testresult

import (
	"errors"
	"fmt"

	"github.com/taskstream/taskstream/domain/shared"
)

// Attempts a quiz allows each taker. DefaultMaxAttempts is one: a taker who may submit again
// and again can recover the answer key from the scores alone (one answer changed at a time),
// so more attempts are the owner's explicit choice.
const (
	DefaultMaxAttempts = 1
	MaxMaxAttempts     = 100
)

// ErrNoAttemptsLeft is wrapped by the error of kind conflict that refuses an attempt past a
// quiz's limit (Quiz.AdmitAttempt), so the HTTP port can give it its own problem type.
var ErrNoAttemptsLeft = errors.New("no attempts left")

// Feedback is what a taker learns from a scored submission: their score alone (the default),
// or the points by category, the weakest categories and right or wrong per question. The
// quiz's owner always gets the whole result of their own submissions. The zero Feedback is not
// valid.
type Feedback struct{ s string }

// The kinds of feedback.
var (
	// FeedbackScore shows the points and the percentage only: with one attempt they cannot tell
	// which questions were right.
	FeedbackScore = Feedback{"score"}
	// FeedbackPerQuestion shows the whole result: categories, weakest categories and right or
	// wrong per question. With more than one attempt it gives the answer key away.
	FeedbackPerQuestion = Feedback{"per_question"}
)

// ParseFeedback reads a feedback by its name.
func ParseFeedback(s string) (Feedback, error) {
	for _, f := range []Feedback{FeedbackScore, FeedbackPerQuestion} {
		if f.s == s {
			return f, nil
		}
	}
	return Feedback{}, shared.Invalid("feedback", "must be %q or %q", FeedbackScore.s, FeedbackPerQuestion.s)
}

// String returns the feedback's name.
func (f Feedback) String() string { return f.s }

// StatsCount says which scored submissions a quiz's statistics count: each taker's first one
// (the default: a retake after seeing a score says less about the quiz than a first try), or all
// of them. The zero StatsCount is not valid.
type StatsCount struct{ s string }

// The ways of counting.
var (
	StatsFirst = StatsCount{"first"}
	StatsAll   = StatsCount{"all"}
)

// ParseStatsCount reads a way of counting by its name.
func ParseStatsCount(s string) (StatsCount, error) {
	for _, c := range []StatsCount{StatsFirst, StatsAll} {
		if c.s == s {
			return c, nil
		}
	}
	return StatsCount{}, shared.Invalid("stats_count", "must be %q or %q", StatsFirst.s, StatsAll.s)
}

// String returns the way's name.
func (c StatsCount) String() string { return c.s }

// QuizSettings are the owner's choices for a quiz, in primitives. Its zero value is the safe
// default: one attempt, score-only feedback, first attempts in the statistics.
type QuizSettings struct {
	// MaxAttempts is how many submissions each taker may make, 1 to MaxMaxAttempts; 0 takes
	// DefaultMaxAttempts. It must be 0 when UnlimitedAttempts is set.
	MaxAttempts       int
	UnlimitedAttempts bool
	// Feedback names a Feedback; "" takes FeedbackScore.
	Feedback string
	// StatsCount names a StatsCount; "" takes StatsFirst.
	StatsCount string
}

// settings are QuizSettings validated: maxAttempts 0 means unlimited.
type settings struct {
	maxAttempts int
	feedback    Feedback
	statsCount  StatsCount
}

// newSettings validates s and fills in the defaults.
func newSettings(s QuizSettings) (settings, error) {
	out := settings{maxAttempts: s.MaxAttempts, feedback: FeedbackScore, statsCount: StatsFirst}
	switch {
	case s.UnlimitedAttempts && s.MaxAttempts != 0:
		return settings{}, shared.Invalid("max_attempts", "cannot be both a number and unlimited")
	case s.UnlimitedAttempts:
		out.maxAttempts = 0
	case s.MaxAttempts == 0:
		out.maxAttempts = DefaultMaxAttempts
	case s.MaxAttempts < 1 || s.MaxAttempts > MaxMaxAttempts:
		return settings{}, shared.Invalid("max_attempts", "must be 1 to %d, or null for unlimited", MaxMaxAttempts)
	}
	var err error
	if s.Feedback != "" {
		if out.feedback, err = ParseFeedback(s.Feedback); err != nil {
			return settings{}, err
		}
	}
	if s.StatsCount != "" {
		if out.statsCount, err = ParseStatsCount(s.StatsCount); err != nil {
			return settings{}, err
		}
	}
	return out, nil
}

// rehydrateSettings restores stored settings; it fails only on names it does not know.
func rehydrateSettings(s QuizSettings) (settings, error) {
	feedback, err := ParseFeedback(s.Feedback)
	if err != nil {
		return settings{}, fmt.Errorf("feedback: %w", err)
	}
	count, err := ParseStatsCount(s.StatsCount)
	if err != nil {
		return settings{}, fmt.Errorf("stats_count: %w", err)
	}
	limit := s.MaxAttempts
	if s.UnlimitedAttempts {
		limit = 0
	}
	return settings{maxAttempts: limit, feedback: feedback, statsCount: count}, nil
}

// primitives returns the settings as stored.
func (s settings) primitives() QuizSettings {
	return QuizSettings{MaxAttempts: s.maxAttempts, UnlimitedAttempts: s.maxAttempts == 0,
		Feedback: s.feedback.String(), StatsCount: s.statsCount.String()}
}
