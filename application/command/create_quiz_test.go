package command_test

import (
	"context"
	"errors"
	"testing"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

func newCreateQuiz(store *fakeQuizzes, ids *fixedIDs) command.CreateQuizHandler {
	return command.NewCreateQuizHandler(store, ids.id, ids.keyedID, clockAt(fixedNow))
}

func TestCreateQuizStoresTheOwnersQuiz(t *testing.T) {
	t.Parallel()
	store, ids := newFakeQuizzes(), &fixedIDs{next: []string{quizID}}
	out, err := newCreateQuiz(store, ids).Handle(context.Background(), command.CreateQuiz{UserID: "alice", Title: "Backend basics", Questions: quizSpecs()})
	if err != nil {
		t.Fatal(err)
	}
	stored := store.quizzes[quizID]
	if !out.Created || stored == nil || out.Quiz != stored {
		t.Fatalf("created %v, stored %v", out.Created, stored)
	}
	if stored.OwnerID() != "alice" || stored.Title() != "Backend basics" || !stored.CreatedAt().Equal(fixedNow) ||
		len(stored.Questions()) != 2 || !stored.HasAnswerKey() {
		t.Errorf("stored %+v", stored.Snapshot())
	}
	if want := (testresult.QuizSettings{MaxAttempts: 1, Feedback: "score", StatsCount: "first"}); stored.Settings() != want {
		t.Errorf("settings %+v, want the defaults %+v", stored.Settings(), want)
	}
}

// The owner's settings reach the quiz; invalid ones are refused.
func TestCreateQuizKeepsTheOwnersSettings(t *testing.T) {
	t.Parallel()
	store := newFakeQuizzes()
	cfg := testresult.QuizSettings{UnlimitedAttempts: true, Feedback: "per_question", StatsCount: "all"}
	out, err := newCreateQuiz(store, &fixedIDs{next: []string{quizID}}).Handle(context.Background(),
		command.CreateQuiz{UserID: "alice", Title: "T", Questions: quizSpecs(), Settings: cfg})
	if err != nil || out.Quiz.Settings() != cfg {
		t.Fatalf("created %+v, %v; want %+v", out.Quiz.Settings(), err, cfg)
	}
	_, err = newCreateQuiz(store, &fixedIDs{next: []string{quizID}}).Handle(context.Background(),
		command.CreateQuiz{UserID: "alice", Title: "T", Questions: quizSpecs(), Settings: testresult.QuizSettings{MaxAttempts: 101}})
	if shared.KindOf(err) != shared.KindInvalid {
		t.Errorf("101 attempts: %v, want invalid", err)
	}
}

// An idempotency key names the quiz: the id comes from the user and the key (in the namespace
// "test", as before quizzes had their name), and a retry returns the quiz the first attempt
// stored, creating nothing.
func TestCreateQuizWithAKeyReturnsTheFirstAttemptsQuiz(t *testing.T) {
	t.Parallel()
	store, ids := newFakeQuizzes(), &fixedIDs{}
	create := newCreateQuiz(store, ids)
	cmd := command.CreateQuiz{UserID: "alice", Title: "First", Questions: quizSpecs(), IdempotencyKey: "k-1"}
	first, err := create.Handle(context.Background(), cmd)
	if err != nil || !first.Created {
		t.Fatalf("first: %v, created %v", err, first.Created)
	}
	cmd.Title = "Retry"
	retry, err := create.Handle(context.Background(), cmd)
	if err != nil || retry.Created || retry.Quiz.ID() != first.Quiz.ID() || retry.Quiz.Title() != "First" {
		t.Fatalf("retry: %v, created %v, %+v", err, retry.Created, retry.Quiz.Snapshot())
	}
	if len(store.quizzes) != 1 || len(ids.keyed) != 2 || ids.keyed[0] != "alice|test\x00k-1" {
		t.Errorf("%d quizzes stored, keys %q", len(store.quizzes), ids.keyed)
	}
}

func TestCreateQuizRefusesAnInvalidQuiz(t *testing.T) {
	t.Parallel()
	store := newFakeQuizzes()
	specs := quizSpecs()
	specs[1].Kind = "essay"
	_, err := newCreateQuiz(store, &fixedIDs{next: []string{quizID}}).Handle(context.Background(),
		command.CreateQuiz{UserID: "alice", Title: "T", Questions: specs})
	if shared.KindOf(err) != shared.KindInvalid {
		t.Errorf("error %v, want invalid", err)
	}
	if len(store.quizzes) != 0 {
		t.Error("an invalid quiz was stored")
	}
}

func TestCreateQuizReturnsTheStoresError(t *testing.T) {
	t.Parallel()
	store := newFakeQuizzes()
	store.fail = errStore
	_, err := newCreateQuiz(store, &fixedIDs{next: []string{quizID}}).Handle(context.Background(),
		command.CreateQuiz{UserID: "alice", Title: "T", Questions: quizSpecs()})
	if !errors.Is(err, errStore) {
		t.Errorf("error %v, want the store's", err)
	}
}
