package command_test

import (
	"context"
	"testing"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

func newSubmitAnswers(store *fakeQuizzes, ids *fixedIDs) command.SubmitAnswersHandler {
	return command.NewSubmitAnswersHandler(store, ids.id, ids.keyedID, clockAt(fixedNow))
}

// The answers are stored pending, with the metadata their submitted event carries on.
func TestSubmitAnswersStoresAPendingSubmission(t *testing.T) {
	t.Parallel()
	store := newFakeQuizzes()
	storedQuiz(t, store)
	meta := shared.EventMeta{CorrelationID: "corr-1"}
	out, err := newSubmitAnswers(store, &fixedIDs{next: []string{subID}}).Handle(context.Background(), command.SubmitAnswers{
		UserID: "bob", QuizID: quizID, Answers: map[string][]string{"q1": {"b"}}, Meta: meta,
	})
	if err != nil || !out.Created {
		t.Fatalf("submit: %v, created %v", err, out.Created)
	}
	s := store.submission(subID)
	if s.UserID() != "bob" || s.QuizID() != quizID || !s.IsPending() || !s.SubmittedAt().Equal(fixedNow) || s.Answers()["q1"][0] != "b" {
		t.Errorf("stored %+v", s.Snapshot())
	}
	if len(store.submitted) != 1 || store.submitted[0] != meta {
		t.Errorf("metadata %+v, want %+v", store.submitted, meta)
	}
}

func TestSubmitAnswersRefusesWhatDoesNotFit(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		quizID  string
		answers map[string][]string
		kind    shared.Kind
	}{
		{"unknown quiz", "0193a1e0-0000-7000-8000-0000000000ff", nil, shared.KindNotFound},
		{"unknown question", quizID, map[string][]string{"q9": {"a"}}, shared.KindInvalid},
		{"two options for a single-choice question", quizID, map[string][]string{"q1": {"a", "b"}}, shared.KindInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := newFakeQuizzes()
			storedQuiz(t, store)
			_, err := newSubmitAnswers(store, &fixedIDs{next: []string{subID}}).Handle(context.Background(),
				command.SubmitAnswers{UserID: "bob", QuizID: tc.quizID, Answers: tc.answers})
			if shared.KindOf(err) != tc.kind {
				t.Errorf("error %v, want kind %s", err, tc.kind)
			}
			if len(store.submissions) != 0 {
				t.Error("a refused submission was stored")
			}
		})
	}
}

// An idempotency key names the submission: a retry returns the submission the first attempt
// stored; a retry that names another quiz is a conflict.
func TestSubmitAnswersWithAKey(t *testing.T) {
	t.Parallel()
	store, ids := newFakeQuizzes(), &fixedIDs{}
	q := storedQuiz(t, store)
	other, err := testresult.NewQuiz("0193a1e0-0000-7000-8000-0000000000ff", "owner", "Other", quizSpecs(), testresult.QuizSettings{}, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	store.quizzes[other.ID()] = other
	submit := newSubmitAnswers(store, ids)
	cmd := command.SubmitAnswers{UserID: "alice", QuizID: q.ID(), Answers: map[string][]string{"q1": {"b"}}, IdempotencyKey: "k-1"}
	first, err := submit.Handle(context.Background(), cmd)
	if err != nil || !first.Created {
		t.Fatalf("first: %v, created %v", err, first.Created)
	}
	cmd.Answers = map[string][]string{"q1": {"a"}}
	retry, err := submit.Handle(context.Background(), cmd)
	if err != nil || retry.Created || retry.Submission.ID() != first.Submission.ID() || retry.Submission.Answers()["q1"][0] != "b" {
		t.Fatalf("retry: %v, created %v", err, retry.Created)
	}
	if ids.keyed[0] != "alice|submission\x00k-1" {
		t.Errorf("keys %q", ids.keyed)
	}
	cmd.QuizID = other.ID()
	if _, err := submit.Handle(context.Background(), cmd); shared.KindOf(err) != shared.KindConflict {
		t.Errorf("the key for another quiz: %v, want a conflict", err)
	}
	if len(store.submissions) != 1 {
		t.Errorf("%d submissions stored, want 1", len(store.submissions))
	}
}
