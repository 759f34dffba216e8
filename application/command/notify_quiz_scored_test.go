package command_test

import (
	"context"
	"strings"
	"testing"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/testresult"
)

// A scored quiz becomes one in-app notification, also when the event comes twice.
func TestNotifyQuizScoredOnce(t *testing.T) {
	t.Parallel()
	store, senders := newFakeNotifications(), &fakeSenders{}
	ids := func(name string) string {
		if name != "test.scored:0193a8e2-7b1c-7cde-8f00-0000000000b1" {
			t.Errorf("derived from %q", name)
		}
		return "0193a8e2-7b1c-7cde-8f00-0000000000c1"
	}
	h := command.NewNotifyQuizScoredHandler(newRequestHandler(store, senders, 3), ids)
	ev := testresult.Scored{SubmissionID: "0193a8e2-7b1c-7cde-8f00-0000000000B1", QuizTitle: "Go basics", UserID: "alice",
		Points: 17, MaxPoints: 20, Percentage: 85, Weakest: []string{"channels"}}
	for i, msg := range []string{"e1", "e2"} {
		res, err := h.Handle(context.Background(), command.NotifyQuizScored{MessageID: msg, Scored: ev})
		if err != nil || res.Created != (i == 0) {
			t.Fatalf("delivery %d: %v, created %v", i, err, res.Created)
		}
	}
	if n := store.count("alice"); n != 1 {
		t.Fatalf("%d notifications, want 1", n)
	}
	n := store.only("alice")
	if n.ID() != "0193a8e2-7b1c-7cde-8f00-0000000000c1" || n.Type() != notification.TypeTestScored ||
		n.Title() != "Your result for Go basics is ready: 85%" || n.Message() != "You scored 17 of 20 points. To practise: channels." ||
		len(n.Deliveries()) != 1 {
		t.Errorf("notification %+v", n.Snapshot())
	}
	ev.SubmissionID = "s1"
	if _, err := h.Handle(context.Background(), command.NotifyQuizScored{MessageID: "e3", Scored: ev}); shared.KindOf(err) != shared.KindInvalid {
		t.Errorf("bad submission id: %v, want invalid", err)
	}
}

func TestQuizScoredRequestTexts(t *testing.T) {
	t.Parallel()
	ids := func(string) string { return "0193a8e2-7b1c-7cde-8f00-0000000000c1" }
	base := testresult.Scored{SubmissionID: "0193a8e2-7b1c-7cde-8f00-0000000000b1", UserID: "alice", Points: 2, MaxPoints: 3, Percentage: 66.666}
	cases := []struct {
		name           string
		title          string
		weakest        []string
		wantTitle, msg string
	}{
		{"no title", "  ", nil, "Your result for your test is ready: 66.7%", "You scored 2 of 3 points."},
		{"long title", strings.Repeat("x", 130), []string{"go", "sql"}, "Your result for " + strings.Repeat("x", 119) + "… is ready: 66.7%",
			"You scored 2 of 3 points. To practise: go, sql."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := base
			e.QuizTitle, e.Weakest = tc.title, tc.weakest
			req, err := command.QuizScoredRequest(e, ids)
			if err != nil {
				t.Fatal(err)
			}
			if req.Title != tc.wantTitle || req.Message != tc.msg || req.Type != notification.TypeTestScored ||
				len(req.Channels) != 1 || req.Channels[0] != notification.ChannelInApp {
				t.Errorf("request %+v", req)
			}
		})
	}
}
