package memory

import (
	"context"
	"encoding/json"
	"errors"
	"sync"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/taskstream/taskstream/adapters/messages"
	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
	"github.com/taskstream/taskstream/platform/envelope"
)

// TestStore keeps tests, submissions and scores in memory and publishes each write's event
// under its lock, so a write is stored only when its event was published. It is the embedded
// default's testresult.Repository, testresult.ScoreLog and query.TestReader. It keeps deep copies
// (JSON), so callers never share its values. It is safe for concurrent use.
type TestStore struct {
	mu          sync.Mutex
	tests       map[string][]byte
	submissions map[string][]byte
	scores      map[string]map[string]float64 // test id -> submission id -> percentage
	publisher   message.Publisher
	topics      messages.TestTopics
}

var (
	_ testresult.Repository = (*TestStore)(nil)
	_ testresult.ScoreLog   = (*TestStore)(nil)
	_ query.TestReader      = (*TestStore)(nil)
)

// NewTestStore returns an empty store that publishes with publisher to topics.
func NewTestStore(publisher message.Publisher, topics messages.TestTopics) (*TestStore, error) {
	if publisher == nil || topics.Submissions == "" || topics.ResultsReady == "" {
		return nil, errors.New("memory test store: publisher and topics are required")
	}
	return &TestStore{
		tests: map[string][]byte{}, submissions: map[string][]byte{}, scores: map[string]map[string]float64{},
		publisher: publisher, topics: topics,
	}, nil
}

// AddTest stores t unless its id exists.
func (s *TestStore) AddTest(_ context.Context, t *testresult.Test) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.tests[t.ID]; ok {
		return false, nil
	}
	return true, store(s.tests, t.ID, t)
}

// GetTest returns the test with its answer key.
func (s *TestStore) GetTest(_ context.Context, id string) (*testresult.Test, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return load[testresult.Test](s.tests, id, "test")
}

// AddSubmission stores the pending submission and publishes its submitted event.
func (s *TestStore) AddSubmission(_ context.Context, sub *testresult.Submission, meta shared.EventMeta) (bool, error) {
	msgs, err := messages.TestSubmitted(sub, meta, s.topics)
	if err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.submissions[sub.ID]; ok {
		return false, nil
	}
	if err := s.publish(msgs); err != nil {
		return false, err
	}
	return true, store(s.submissions, sub.ID, sub)
}

// GetSubmission returns the user's submission.
func (s *TestStore) GetSubmission(_ context.Context, user shared.UserID, id string) (*testresult.Submission, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, err := load[testresult.Submission](s.submissions, id, "submission")
	if err == nil && sub.UserID != user {
		return nil, shared.NotFound("submission")
	}
	return sub, err
}

// Score lets decide score each submission of targets under the store's lock, and stores those
// it decided with their scored events published.
func (s *TestStore) Score(_ context.Context, targets []testresult.ScoreTarget,
	decide func(*testresult.Test, *testresult.Submission) (bool, error),
) (int, []string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var (
		missing []string
		stored  int
	)
	for _, target := range targets {
		sub, err := load[testresult.Submission](s.submissions, target.SubmissionID, "submission")
		if shared.KindOf(err) == shared.KindNotFound {
			missing = append(missing, target.SubmissionID)
			continue
		}
		if err != nil {
			return stored, nil, err
		}
		t, err := load[testresult.Test](s.tests, sub.TestID, "test")
		if err != nil {
			return stored, nil, err
		}
		write, err := decide(t, sub)
		if err != nil {
			return stored, nil, err
		}
		if !write {
			continue
		}
		msgs, err := messages.TestScored(t, sub, target.Meta, s.topics)
		if err != nil {
			return stored, nil, err
		}
		if err := s.publish(msgs); err != nil {
			return stored, nil, err
		}
		if err := store(s.submissions, sub.ID, sub); err != nil {
			return stored, nil, err
		}
		stored++
	}
	return stored, missing, nil
}

// Record counts a scored submission in its test's statistics once: the submission is the key.
func (s *TestStore) Record(_ context.Context, e testresult.Scored) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	byTest := s.scores[e.TestID]
	if byTest == nil {
		byTest = map[string]float64{}
		s.scores[e.TestID] = byTest
	}
	if _, ok := byTest[e.SubmissionID]; ok {
		return false, nil
	}
	byTest[e.SubmissionID] = e.Percentage
	return true, nil
}

// Scores returns the percentages recorded for the test.
func (s *TestStore) Scores(_ context.Context, testID string) ([]float64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]float64, 0, len(s.scores[testID]))
	for _, p := range s.scores[testID] {
		out = append(out, p)
	}
	return out, nil
}

func (s *TestStore) publish(msgs []envelope.Routed) error {
	for _, m := range msgs {
		if err := s.publisher.Publish(m.Topic, m.Message); err != nil {
			return shared.Unavailable("the event could not be published", err)
		}
	}
	return nil
}

func store(m map[string][]byte, id string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	m[id] = b
	return nil
}

func load[T any](m map[string][]byte, id, entity string) (*T, error) {
	b, ok := m[id]
	if !ok {
		return nil, shared.NotFound(entity)
	}
	v := new(T)
	if err := json.Unmarshal(b, v); err != nil {
		return nil, err
	}
	return v, nil
}
