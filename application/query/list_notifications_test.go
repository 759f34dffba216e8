package query_test

import (
	"context"
	"testing"

	"github.com/taskstream/taskstream/application/query"
	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
)

func TestListNotificationsPageSize(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		limit     int
		wantLimit int // 0: refused before the reader
	}{
		{"the default", 0, notification.DefaultPageSize},
		{"one", 1, 1},
		{"the most", notification.MaxPageSize, notification.MaxPageSize},
		{"too many", notification.MaxPageSize + 1, 0},
		{"negative", -1, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := &fakeNotificationReader{page: notification.Page{Next: &notification.Cursor{ID: "next"}}}
			q := notification.ListQuery{UserID: "alice", UnreadOnly: true, Limit: tc.limit}
			page, err := query.NewListNotificationsHandler(r).Handle(context.Background(), q)
			if tc.wantLimit == 0 {
				if shared.KindOf(err) != shared.KindInvalid || len(r.asked) != 0 {
					t.Errorf("error %v after %d reads, want invalid before any", err, len(r.asked))
				}
				return
			}
			if err != nil || page.Next == nil || page.Next.ID != "next" {
				t.Fatalf("List = %+v, %v; want the reader's page", page, err)
			}
			want := q
			want.Limit = tc.wantLimit
			if len(r.asked) != 1 || r.asked[0] != want {
				t.Errorf("asked %+v, want %+v", r.asked, want)
			}
		})
	}
}
