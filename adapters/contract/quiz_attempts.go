package contract

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

// addAttempt adds s as its user's next attempt at q, admitted by the quiz's rule.
func addAttempt(store Quizzes, q *testresult.Quiz, s *testresult.Submission) (bool, error) {
	return store.AddSubmission(context.Background(), s, func(n int) error { return s.TakeAttempt(q, n) }, meta)
}

// The store numbers each user's attempts at each quiz from 1, apart from other users and
// quizzes, and keeps the number with the submission.
func testAttemptsCounted(t *testing.T, store Quizzes) {
	q, other := newQuizWith(t, newUser(), testresult.QuizSettings{MaxAttempts: 3}), newQuiz(t, newUser())
	mustAddQuiz(t, store, q)
	mustAddQuiz(t, store, other)
	user, second := newUser(), newUser()
	for i, c := range []struct {
		q    *testresult.Quiz
		user shared.UserID
		want int
	}{{q, user, 1}, {q, user, 2}, {q, second, 1}, {other, user, 1}, {q, user, 3}} {
		s := newSubmission(t, c.q, c.user)
		if added, err := addAttempt(store, c.q, s); err != nil || !added {
			t.Fatalf("attempt %d: %v, %v", i, added, err)
		}
		if got := mustGetSubmission(t, store, c.user, s.ID()).Attempt(); got != c.want {
			t.Errorf("attempt %d is number %d, want %d", i, got, c.want)
		}
	}
}

// The attempt after the last one allowed is refused with the quiz's error, and neither it nor
// its count is stored: the owner's own attempt after it is still number one.
func testAttemptPastTheLimit(t *testing.T, store Quizzes) {
	q := newQuizWith(t, newUser(), testresult.QuizSettings{MaxAttempts: 2})
	mustAddQuiz(t, store, q)
	user := newUser()
	for range 2 {
		if added, err := addAttempt(store, q, newSubmission(t, q, user)); err != nil || !added {
			t.Fatalf("an attempt within the limit: %v, %v", added, err)
		}
	}
	third := newSubmission(t, q, user)
	added, err := addAttempt(store, q, third)
	if added || !errors.Is(err, testresult.ErrNoAttemptsLeft) || shared.KindOf(err) != shared.KindConflict {
		t.Fatalf("the third attempt = %v, %v; want a conflict, no attempts left", added, err)
	}
	_, err = store.GetSubmission(context.Background(), user, third.ID())
	assertNotFound(t, "the refused attempt", err)
	// A refusal that rolled back its count leaves the next attempt the same number.
	var seen []int
	admit := func(n int) error { seen = append(seen, n); return third.TakeAttempt(q, n) }
	for range 2 {
		_, _ = store.AddSubmission(context.Background(), third, admit, meta)
	}
	if len(seen) != 2 || seen[0] != 3 || seen[1] != 3 {
		t.Errorf("refused attempts were offered as %v, want 3 and 3", seen)
	}
}

// A retried submission (its id stored) is answered as a retry, not refused, even when the user
// has no attempt left: the client that lost the first answer learns where its submission is.
func testRetryPastTheLimit(t *testing.T, store Quizzes) {
	q := newQuizWith(t, newUser(), testresult.QuizSettings{})
	mustAddQuiz(t, store, q)
	user := newUser()
	s := newSubmission(t, q, user)
	if added, err := addAttempt(store, q, s); err != nil || !added {
		t.Fatalf("first attempt: %v, %v", added, err)
	}
	retry, err := testresult.RehydrateSubmission(func() testresult.SubmissionSnapshot {
		snap := s.Snapshot()
		snap.Attempt = 0
		return snap
	}())
	if err != nil {
		t.Fatal(err)
	}
	if added, err := addAttempt(store, q, retry); err != nil || added {
		t.Errorf("the retry = %v, %v; want false, no error", added, err)
	}
	if got := mustGetSubmission(t, store, user, s.ID()).Attempt(); got != 1 {
		t.Errorf("after the retry the submission is attempt %d, want 1", got)
	}
}

// Submissions by one user to one quiz at once take turns on the count: exactly the limit of
// them are stored, the others refused.
func testConcurrentAttempts(t *testing.T, store Quizzes) {
	const limit, tries = 3, 12
	q := newQuizWith(t, newUser(), testresult.QuizSettings{MaxAttempts: limit})
	mustAddQuiz(t, store, q)
	user := newUser()
	subs := make([]*testresult.Submission, tries)
	for i := range subs {
		subs[i] = newSubmission(t, q, user)
	}
	var (
		wg       sync.WaitGroup
		stored   atomic.Int64
		refused  atomic.Int64
		start    = make(chan struct{})
		attempts sync.Map
	)
	for _, s := range subs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			added, err := addAttempt(store, q, s)
			switch {
			case added && err == nil:
				stored.Add(1)
				attempts.Store(s.Attempt(), true)
			case errors.Is(err, testresult.ErrNoAttemptsLeft):
				refused.Add(1)
			default:
				t.Errorf("AddSubmission = %v, %v", added, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if stored.Load() != limit || refused.Load() != tries-limit {
		t.Errorf("%d stored and %d refused, want %d and %d", stored.Load(), refused.Load(), limit, tries-limit)
	}
	for n := 1; n <= limit; n++ {
		if _, ok := attempts.Load(n); !ok {
			t.Errorf("no stored submission is attempt %d", n)
		}
	}
}

// A quiz reads back with the settings it was stored with, no limit included.
func testQuizSettingsStored(t *testing.T, store Quizzes) {
	for _, cfg := range []testresult.QuizSettings{
		{},
		{MaxAttempts: 100, Feedback: "per_question", StatsCount: "all"},
		{UnlimitedAttempts: true, Feedback: "score", StatsCount: "first"},
	} {
		q := newQuizWith(t, newUser(), cfg)
		mustAddQuiz(t, store, q)
		got, err := store.GetQuiz(context.Background(), q.ID())
		if err != nil {
			t.Fatal(err)
		}
		if got.Settings() != q.Settings() {
			t.Errorf("stored with %+v, read %+v", q.Settings(), got.Settings())
		}
	}
}
