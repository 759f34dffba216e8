package testresult_test

import (
	"testing"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

func TestScoredValidate(t *testing.T) {
	t.Parallel()
	valid := testresult.Scored{SubmissionID: subID, QuizID: quizID, Points: 3, MaxPoints: 5, Percentage: 60}
	cases := []struct {
		name   string
		change func(*testresult.Scored)
		ok     bool
	}{
		{"valid", func(*testresult.Scored) {}, true},
		{"full marks", func(e *testresult.Scored) { e.Points, e.Percentage = 5, 100 }, true},
		{"submission not a UUID", func(e *testresult.Scored) { e.SubmissionID = "s1" }, false},
		{"quiz not a UUID", func(e *testresult.Scored) { e.QuizID = "" }, false},
		{"negative percentage", func(e *testresult.Scored) { e.Percentage = -1 }, false},
		{"over 100 percent", func(e *testresult.Scored) { e.Percentage = 100.01 }, false},
		{"negative points", func(e *testresult.Scored) { e.Points = -1 }, false},
		{"more points than the maximum", func(e *testresult.Scored) { e.Points = 6 }, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := valid
			tc.change(&e)
			err := e.Validate()
			if tc.ok && err != nil || !tc.ok && shared.KindOf(err) != shared.KindInvalid {
				t.Errorf("Validate = %v, want ok %v", err, tc.ok)
			}
		})
	}
}
