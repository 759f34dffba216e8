package memory

import (
	"context"
	"errors"
	"sync"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
	"github.com/taskstream/taskstream/platform/envelope"
)

// QuizStore keeps quizzes, submissions and scores in memory and publishes each write's event
// under its lock, so a write is stored only when its event was published. It is the embedded
// default's testresult.QuizRepository, testresult.ScoreLog and query.QuizReader. Quizzes never
// change, so it keeps and hands out the same *Quiz; submissions it keeps as snapshots, which
// share nothing with the aggregates callers hold. It is safe for concurrent use.
type QuizStore struct {
	mu          sync.Mutex
	quizzes     map[string]*testresult.Quiz
	submissions map[string]testresult.SubmissionSnapshot
	scores      map[string]map[string]testresult.RecordedScore // quiz id -> submission id -> score
	attempts    map[attemptKey]int                             // attempts each user made at each quiz
	publisher   message.Publisher
	topics      messages.QuizTopics
}

var (
	_ testresult.QuizRepository = (*QuizStore)(nil)
	_ testresult.ScoreLog       = (*QuizStore)(nil)
	_ query.QuizReader          = (*QuizStore)(nil)
)

// NewQuizStore returns an empty store that publishes with publisher to topics.
func NewQuizStore(publisher message.Publisher, topics messages.QuizTopics) (*QuizStore, error) {
	if publisher == nil || topics.Submissions == "" || topics.ResultsReady == "" {
		return nil, errors.New("memory quiz store: publisher and topics are required")
	}
	return &QuizStore{
		quizzes: map[string]*testresult.Quiz{}, submissions: map[string]testresult.SubmissionSnapshot{},
		scores: map[string]map[string]testresult.RecordedScore{}, attempts: map[attemptKey]int{},
		publisher: publisher, topics: topics,
	}, nil
}

// AddQuiz stores q unless its id exists.
func (s *QuizStore) AddQuiz(_ context.Context, q *testresult.Quiz) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.quizzes[q.ID()]; ok {
		return false, nil
	}
	s.quizzes[q.ID()] = q
	return true, nil
}

// GetQuiz returns the quiz with its answer key.
func (s *QuizStore) GetQuiz(_ context.Context, id string) (*testresult.Quiz, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.quiz(id)
}

func (s *QuizStore) quiz(id string) (*testresult.Quiz, error) {
	q, ok := s.quizzes[id]
	if !ok {
		return nil, shared.NotFound("test")
	}
	return q, nil
}

// attemptKey names one user's attempts at one quiz.
type attemptKey struct{ quizID, userID string }

// AddSubmission stores the pending submission as its user's next attempt at its quiz, when
// admit admits it, and publishes its submitted event. The store's lock makes the count and the
// check one step, so concurrent submissions cannot pass the limit together.
func (s *QuizStore) AddSubmission(_ context.Context, sub *testresult.Submission, admit func(int) error, meta shared.EventMeta) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.submissions[sub.ID()]; ok {
		return false, nil
	}
	key := attemptKey{quizID: sub.QuizID(), userID: string(sub.UserID())}
	if err := admit(s.attempts[key] + 1); err != nil {
		return false, err
	}
	msgs, err := messages.QuizSubmitted(sub, meta, s.topics)
	if err != nil {
		return false, err
	}
	if err := s.publish(msgs); err != nil {
		return false, err
	}
	s.attempts[key]++
	s.submissions[sub.ID()] = sub.Snapshot()
	return true, nil
}

// GetSubmission returns the user's submission.
func (s *QuizStore) GetSubmission(_ context.Context, user shared.UserID, id string) (*testresult.Submission, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap, ok := s.submissions[id]
	if !ok || snap.UserID != string(user) {
		return nil, shared.NotFound("submission")
	}
	return testresult.RehydrateSubmission(snap)
}

// decided is a submission decide reported for storing, and its scored event.
type decided struct {
	snapshot testresult.SubmissionSnapshot
	msgs     []envelope.Routed
}

// Score lets decide decide each submission of targets under the store's lock, which stands in for
// the row locks, and then publishes the scored events and stores the submissions, all or none of
// them: decide's errors leave everything as it was. A target named twice is decided once.
func (s *QuizStore) Score(_ context.Context, targets []testresult.ScoreTarget,
	decide func(*testresult.Quiz, *testresult.Submission) (bool, error),
) (int, []string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var (
		missing []string
		writes  []decided
	)
	seen := make(map[string]bool, len(targets))
	for _, target := range targets {
		if seen[target.SubmissionID] {
			continue
		}
		seen[target.SubmissionID] = true
		w, found, err := s.decide(target, decide)
		if err != nil {
			return 0, nil, err
		}
		if !found {
			missing = append(missing, target.SubmissionID)
		} else if w != nil {
			writes = append(writes, *w)
		}
	}
	for _, w := range writes {
		if err := s.publish(w.msgs); err != nil {
			return 0, nil, err
		}
	}
	for _, w := range writes {
		s.submissions[w.snapshot.ID] = w.snapshot
	}
	return len(writes), missing, nil
}

// decide calls decide with the submission of target and its quiz. It reports false when no
// submission has the target's id, and a nil write when decide wrote nothing.
func (s *QuizStore) decide(target testresult.ScoreTarget, decide func(*testresult.Quiz, *testresult.Submission) (bool, error)) (*decided, bool, error) {
	snap, ok := s.submissions[target.SubmissionID]
	if !ok {
		return nil, false, nil
	}
	sub, err := testresult.RehydrateSubmission(snap)
	if err != nil {
		return nil, true, err
	}
	q, err := s.quiz(sub.QuizID())
	if err != nil {
		return nil, true, err
	}
	write, err := decide(q, sub)
	if err != nil || !write {
		return nil, true, err
	}
	msgs, err := messages.QuizScored(q, sub, target.Meta, s.topics)
	if err != nil {
		return nil, true, err
	}
	return &decided{snapshot: sub.Snapshot(), msgs: msgs}, true, nil
}

// Record counts a scored submission in its quiz's statistics once: the submission is the key.
func (s *QuizStore) Record(_ context.Context, e testresult.Scored) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	byQuiz := s.scores[e.QuizID]
	if byQuiz == nil {
		byQuiz = map[string]testresult.RecordedScore{}
		s.scores[e.QuizID] = byQuiz
	}
	if _, ok := byQuiz[e.SubmissionID]; ok {
		return false, nil
	}
	at := e.SubmittedAt
	if at.IsZero() { // as PostgreSQL reads a score recorded without it: its scoring time
		at = e.ScoredAt
	}
	byQuiz[e.SubmissionID] = testresult.RecordedScore{SubmissionID: e.SubmissionID, UserID: e.UserID,
		SubmittedAt: at, Percentage: e.Percentage}
	return true, nil
}

// Scores returns the scores recorded for the quiz.
func (s *QuizStore) Scores(_ context.Context, quizID string) ([]testresult.RecordedScore, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]testresult.RecordedScore, 0, len(s.scores[quizID]))
	for _, r := range s.scores[quizID] {
		out = append(out, r)
	}
	return out, nil
}

func (s *QuizStore) publish(msgs []envelope.Routed) error {
	for _, m := range msgs {
		if err := s.publisher.Publish(m.Topic, m.Message); err != nil {
			return shared.Unavailable("the event could not be published", err)
		}
	}
	return nil
}
