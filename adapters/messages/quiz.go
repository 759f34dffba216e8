package messages

import (
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
	"github.com/taskstream/taskstream/platform/envelope"
)

// QuizTopics names the topics of the test-results context.
type QuizTopics struct {
	// Submissions receives every stored submission (test_submissions).
	Submissions string
	// ResultsReady receives every scored submission (test_results_ready).
	ResultsReady string
}

// QuizSubmitted returns the submitted event of s, keyed by the submitter.
func QuizSubmitted(s *testresult.Submission, meta shared.EventMeta, topics QuizTopics) ([]envelope.Routed, error) {
	msg, err := envelope.New(envelope.Event{
		Type: testresult.EventSubmitted, SchemaVersion: testresult.EventSubmittedVersion, UserID: string(s.UserID()),
		CorrelationID: meta.CorrelationID, TraceParent: meta.TraceParent, Time: s.SubmittedAt(),
		Payload: s.SubmittedEvent(),
	})
	if err != nil {
		return nil, err
	}
	return []envelope.Routed{{Topic: topics.Submissions, Message: msg}}, nil
}

// QuizScored returns the scored event of s, a submission of q, keyed by the submitter; none
// when s is not scored (a failed submission tells nobody).
func QuizScored(q *testresult.Quiz, s *testresult.Submission, meta shared.EventMeta, topics QuizTopics) ([]envelope.Routed, error) {
	ev, scored := s.ScoredEvent(q)
	if !scored {
		return nil, nil
	}
	msg, err := envelope.New(envelope.Event{
		Type: testresult.EventScored, SchemaVersion: testresult.EventScoredVersion, UserID: ev.UserID,
		CorrelationID: meta.CorrelationID, TraceParent: meta.TraceParent, Time: ev.ScoredAt,
		Payload: ev,
	})
	if err != nil {
		return nil, err
	}
	return []envelope.Routed{{Topic: topics.ResultsReady, Message: msg}}, nil
}
