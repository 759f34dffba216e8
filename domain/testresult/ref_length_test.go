package testresult_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/domain/testresult"
)

// Ids of questions and options are at most 64 characters, counted as the API document counts
// them (characters, not bytes): 64 two-byte characters are taken, 65 are not.
func TestRefLengthCountsCharacters(t *testing.T) {
	t.Parallel()
	quiz := func(id string) error {
		_, err := testresult.NewQuiz(uuid.NewString(), "owner", "Quiz", []testresult.QuestionSpec{{
			ID: id, Text: "?", Kind: "single", Category: "c", Points: 1,
			Options: []testresult.Option{{ID: "a", Text: "A"}, {ID: "b", Text: "B"}}, Correct: []string{"a"},
		}}, testresult.QuizSettings{}, time.Now())
		return err
	}
	if err := quiz(strings.Repeat("é", 64)); err != nil {
		t.Errorf("64 characters: %v, want it taken", err)
	}
	if err := quiz(strings.Repeat("é", 65)); err == nil {
		t.Error("65 characters taken")
	}
}
