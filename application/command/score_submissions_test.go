package command_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

var scoredAt = fixedNow.Add(time.Minute)

func newScoreSubmissions(store *fakeQuizzes) command.ScoreSubmissionsHandler {
	return command.NewScoreSubmissionsHandler(store, clockAt(scoredAt))
}

// submittedItem is the submitted event of s as the result calculator gets it.
func submittedItem(s *testresult.Submission) command.ScoreItem {
	return command.ScoreItem{Event: s.SubmittedEvent(), Meta: shared.EventMeta{CorrelationID: "corr-" + s.ID()}}
}

func TestScoreSubmissionsScoresEachPendingSubmission(t *testing.T) {
	t.Parallel()
	store := newFakeQuizzes()
	q := storedQuiz(t, store)
	right := storedSubmission(t, store, q, subID, "bob", map[string][]string{"q1": {"b"}, "q2": {"a", "c"}})
	partly := storedSubmission(t, store, q, "0193a1e0-0000-7000-8000-000000000003", "carol", map[string][]string{"q1": {"b"}})
	res, err := newScoreSubmissions(store).Handle(context.Background(), command.ScoreSubmissions{Items: []command.ScoreItem{submittedItem(right), submittedItem(partly)}})
	if err != nil || res.Stored != 2 || len(res.Rejected) != 0 {
		t.Fatalf("score: %+v, %v; want both stored", res, err)
	}
	for id, points := range map[string]int{right.ID(): 5, partly.ID(): 2} {
		s := store.submission(id)
		r, _ := s.Result()
		at, _ := s.ScoredAt()
		if s.Status() != testresult.StatusScored || r.Points != points || !at.Equal(scoredAt) {
			t.Errorf("%s: %s with %d points at %v, want scored with %d at %v", id, s.Status(), r.Points, at, points, scoredAt)
		}
	}
	if len(store.scored) != 2 || store.scored[0].CorrelationID != "corr-"+right.ID() {
		t.Errorf("metadata of the scored events %+v", store.scored)
	}
}

// Answers that cannot be scored against the quiz fail the submission with the reason; the
// submission is stored (decided), not rejected.
func TestScoreSubmissionsFailsAnUnscorableSubmission(t *testing.T) {
	t.Parallel()
	store := newFakeQuizzes()
	q := storedQuiz(t, store)
	s := storedSubmission(t, store, q, subID, "bob", nil)
	snap := s.Snapshot()
	snap.Answers = map[string][]string{"q7": {"a"}}
	store.submissions[subID] = snap
	res, err := newScoreSubmissions(store).Handle(context.Background(), command.ScoreSubmissions{Items: []command.ScoreItem{submittedItem(s)}})
	if err != nil || res.Stored != 1 || len(res.Rejected) != 0 {
		t.Fatalf("score: %+v, %v", res, err)
	}
	if got := store.submission(subID); got.Status() != testresult.StatusFailed || !strings.Contains(got.Reason(), `no question "q7"`) {
		t.Errorf("stored %s with reason %q, want failed with the reason", got.Status(), got.Reason())
	}
}

func TestScoreSubmissionsRejectsWhatItCannotScore(t *testing.T) {
	t.Parallel()
	store := newFakeQuizzes()
	q := storedQuiz(t, store)
	s := storedSubmission(t, store, q, subID, "bob", map[string][]string{"q1": {"b"}})
	unknown := s.SubmittedEvent()
	unknown.SubmissionID = "0193a1e0-0000-7000-8000-0000000000ff"
	wrongUser, wrongQuiz := s.SubmittedEvent(), s.SubmittedEvent()
	wrongUser.UserID = "mallory"
	wrongQuiz.QuizID = "0193a1e0-0000-7000-8000-0000000000ee"
	cases := []struct {
		name   string
		event  testresult.Submitted
		reason string
	}{
		{"a submission id that is no UUID", testresult.Submitted{SubmissionID: "s1"}, "must be a UUID"},
		{"a submission that is not stored", unknown, "no submission"},
		{"another user", wrongUser, `names user "mallory"`},
		{"another quiz", wrongQuiz, "names user"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := newFakeQuizzes()
			store.quizzes[q.ID()] = q
			store.put(s)
			res, err := newScoreSubmissions(store).Handle(context.Background(), command.ScoreSubmissions{Items: []command.ScoreItem{{Event: tc.event}}})
			if err != nil || res.Stored != 0 || len(res.Rejected) != 1 || res.Rejected[0].Index != 0 ||
				shared.KindOf(res.Rejected[0].Reason) != shared.KindInvalid || !strings.Contains(res.Rejected[0].Reason.Error(), tc.reason) {
				t.Fatalf("score: %+v, %v; want the item rejected as invalid with %q", res, err, tc.reason)
			}
			if !store.submission(s.ID()).IsPending() {
				t.Error("a rejected event decided the submission")
			}
		})
	}
}

// A submission named by several items of a batch (a redelivery within one poll) is decided once;
// one decided before (an earlier batch) is neither stored again nor rejected.
func TestScoreSubmissionsDecidesASubmissionOnce(t *testing.T) {
	t.Parallel()
	store := newFakeQuizzes()
	q := storedQuiz(t, store)
	s := storedSubmission(t, store, q, subID, "bob", map[string][]string{"q1": {"b"}})
	upper := submittedItem(s)
	upper.Event.SubmissionID = strings.ToUpper(s.ID())
	score := newScoreSubmissions(store)
	res, err := score.Handle(context.Background(), command.ScoreSubmissions{Items: []command.ScoreItem{submittedItem(s), upper, submittedItem(s)}})
	if err != nil || res.Stored != 1 || len(res.Rejected) != 0 {
		t.Fatalf("score: %+v, %v; want one stored", res, err)
	}
	res, err = score.Handle(context.Background(), command.ScoreSubmissions{Items: []command.ScoreItem{submittedItem(s)}})
	if err != nil || res.Stored != 0 || len(res.Rejected) != 0 {
		t.Fatalf("a later batch: %+v, %v; want nothing stored and nothing rejected", res, err)
	}
}

// A store that fails fails the batch, so the consumer retries it; a batch of only refused items
// does not reach the store.
func TestScoreSubmissionsAndTheStore(t *testing.T) {
	t.Parallel()
	store := newFakeQuizzes()
	q := storedQuiz(t, store)
	s := storedSubmission(t, store, q, subID, "bob", nil)
	store.fail = errStore
	if _, err := newScoreSubmissions(store).Handle(context.Background(), command.ScoreSubmissions{Items: []command.ScoreItem{submittedItem(s)}}); !errors.Is(err, errStore) {
		t.Errorf("error %v, want the store's", err)
	}
	store.fail, store.scoreCalls = nil, 0
	res, err := newScoreSubmissions(store).Handle(context.Background(), command.ScoreSubmissions{Items: []command.ScoreItem{{Event: testresult.Submitted{SubmissionID: "x"}}}})
	if err != nil || len(res.Rejected) != 1 || store.scoreCalls != 0 {
		t.Errorf("score: %+v, %v, %d store calls; want the item rejected without the store", res, err, store.scoreCalls)
	}
}
