package testresult

import (
	"slices"

	"github.com/taskstream/taskstream/domain/shared"
)

// checkAnswers refuses an answer to a question the quiz does not have, an option the question
// does not have, an option picked twice, and more than one option for a single-choice question.
func checkAnswers(q *Quiz, answers map[string][]string) error {
	for qid, picked := range answers {
		question, ok := q.question(qid)
		if !ok {
			return shared.Invalid("answers", "the test has no question %q", qid)
		}
		if question.kind == KindSingle && len(picked) > 1 {
			return shared.Invalid("answers."+qid, "a single-choice question takes one option, got %d", len(picked))
		}
		seen := make(map[string]bool, len(picked))
		for _, o := range picked {
			if !question.hasOption(o) {
				return shared.Invalid("answers."+qid, "the question has no option %q", o)
			}
			if seen[o] {
				return shared.Invalid("answers."+qid, "option %q is picked twice", o)
			}
			seen[o] = true
		}
	}
	return nil
}

// cloneAnswers copies answers, an empty map for nil: a submission always has its answers, if
// none.
func cloneAnswers(answers map[string][]string) map[string][]string {
	out := make(map[string][]string, len(answers))
	for q, picked := range answers {
		out[q] = slices.Clone(picked)
	}
	return out
}
