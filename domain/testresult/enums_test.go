package testresult_test

import (
	"testing"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

func TestParseQuestionKind(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want testresult.QuestionKind
		ok   bool
	}{
		{"single", testresult.KindSingle, true},
		{"multiple", testresult.KindMultiple, true},
		{"", testresult.QuestionKind{}, false},
		{"Single", testresult.QuestionKind{}, false},
		{"essay", testresult.QuestionKind{}, false},
	} {
		got, err := testresult.ParseQuestionKind(tc.in)
		if got != tc.want || (err == nil) != tc.ok || (!tc.ok && shared.KindOf(err) != shared.KindInvalid) {
			t.Errorf("ParseQuestionKind(%q) = %v, %v", tc.in, got, err)
		}
		if tc.ok && got.String() != tc.in {
			t.Errorf("%q reads back as %q", tc.in, got.String())
		}
	}
	if !(testresult.QuestionKind{}).IsZero() || testresult.KindSingle.IsZero() {
		t.Error("IsZero")
	}
}

func TestParseStatus(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want testresult.Status
		ok   bool
	}{
		{"pending", testresult.StatusPending, true},
		{"scored", testresult.StatusScored, true},
		{"failed", testresult.StatusFailed, true},
		{"", testresult.Status{}, false},
		{"done", testresult.Status{}, false},
	} {
		got, err := testresult.ParseStatus(tc.in)
		if got != tc.want || (err == nil) != tc.ok || (!tc.ok && shared.KindOf(err) != shared.KindInvalid) {
			t.Errorf("ParseStatus(%q) = %v, %v", tc.in, got, err)
		}
		if tc.ok && got.String() != tc.in {
			t.Errorf("%q reads back as %q", tc.in, got.String())
		}
	}
	if !(testresult.Status{}).IsZero() || testresult.StatusPending.IsZero() {
		t.Error("IsZero")
	}
}
