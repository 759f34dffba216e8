package notification_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/taskstream/taskstream/domain/notification"
	"github.com/taskstream/taskstream/domain/shared"
)

const reminderTask = "0193a8e2-7b1c-7cde-8f00-000000000001"

var reminderDue = time.Date(2026, 3, 1, 10, 30, 0, 0, time.UTC)

func reminder(typ, title string) notification.Reminder {
	return notification.Reminder{Type: typ, TaskID: reminderTask, UserID: "alice", TaskTitle: title, DueAt: reminderDue}
}

// The texts of reminders are what users read today: a prefix and the title, and the due time
// in UTC; a title that would not fit is shortened behind the prefix.
func TestReminderRequestTexts(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("ü", 200)
	cases := []struct {
		name, typ, title   string
		wantTitle, wantMsg string
	}{
		{"due soon", notification.TypeTaskDueSoon, "Write the report",
			"Task due soon: Write the report", `"Write the report" is due at 2026-03-01 10:30 UTC.`},
		{"overdue", notification.TypeTaskOverdue, "Pay the rent",
			"Task overdue: Pay the rent", `"Pay the rent" was due at 2026-03-01 10:30 UTC.`},
		{"quotes in the title", notification.TypeTaskDueSoon, `Say "hi"`,
			`Task due soon: Say "hi"`, `"Say \"hi\"" is due at 2026-03-01 10:30 UTC.`},
		{"longest title due soon", notification.TypeTaskDueSoon, long,
			"Task due soon: " + strings.Repeat("ü", 184) + "…", `"` + long + `" is due at 2026-03-01 10:30 UTC.`},
		{"longest title overdue", notification.TypeTaskOverdue, long,
			"Task overdue: " + strings.Repeat("ü", 185) + "…", `"` + long + `" was due at 2026-03-01 10:30 UTC.`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := reminder(tc.typ, tc.title)
			r.DueAt = reminderDue.In(time.FixedZone("CET", 3600)) // shown in UTC all the same
			got, err := r.Request([]notification.Channel{notification.ChannelInApp}, now)
			if err != nil {
				t.Fatal(err)
			}
			if got.Title != tc.wantTitle || got.Message != tc.wantMsg {
				t.Errorf("title %q, message %q\nwant  %q, %q", got.Title, got.Message, tc.wantTitle, tc.wantMsg)
			}
			if n := utf8.RuneCountInString(got.Title); n > notification.MaxTitleRunes {
				t.Errorf("title of %d characters", n)
			}
			if got.Type != tc.typ || got.TaskID != reminderTask || got.UserID != "alice" || !got.RequestedAt.Equal(now) ||
				got.ID != notification.ReminderID(reminderTask, tc.typ, reminderDue) {
				t.Errorf("request %+v", got)
			}
		})
	}
}

// The request carries its own copy of the channels.
func TestReminderRequestChannels(t *testing.T) {
	t.Parallel()
	channels := []notification.Channel{notification.ChannelInApp, notification.ChannelEmail}
	got, err := reminder(notification.TypeTaskDueSoon, "x").Request(channels, now)
	if err != nil {
		t.Fatal(err)
	}
	channels[0] = notification.ChannelSMS
	if len(got.Channels) != 2 || got.Channels[0] != notification.ChannelInApp || got.Channels[1] != notification.ChannelEmail {
		t.Errorf("channels %v", got.Channels)
	}
}

// A reminder the notification-service would refuse is refused here.
func TestReminderRequestRefusesWhatNewRefuses(t *testing.T) {
	t.Parallel()
	in := []notification.Channel{notification.ChannelInApp}
	cases := map[string]struct {
		r        notification.Reminder
		channels []notification.Channel
	}{
		"another type":    {reminder(notification.TypeTestScored, "x"), in},
		"no type":         {reminder("", "x"), in},
		"task not a UUID": {notification.Reminder{Type: notification.TypeTaskOverdue, TaskID: "t1", UserID: "alice", TaskTitle: "x"}, in},
		"no user":         {notification.Reminder{Type: notification.TypeTaskOverdue, TaskID: reminderTask, TaskTitle: "x"}, in},
		"no channel":      {reminder(notification.TypeTaskDueSoon, "x"), nil},
		"unknown channel": {reminder(notification.TypeTaskDueSoon, "x"), []notification.Channel{"pigeon"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := tc.r.Request(tc.channels, now); shared.KindOf(err) != shared.KindInvalid {
				t.Errorf("Request = %v, want an invalid-kind error", err)
			}
		})
	}
}

// Reminder ids are byte for byte those of reminders already sent (computed by the code this
// replaced: uuid.NewSHA1 in the namespace of "taskstream.task-reminder"), whatever the due
// time's zone, and change with the type and the due time.
func TestReminderIDIsUnchanged(t *testing.T) {
	t.Parallel()
	golden := []struct {
		typ  string
		due  time.Time
		want string
	}{
		{notification.TypeTaskDueSoon, reminderDue, "365ec3f7-da84-5cc1-8552-b957406199c7"},
		{notification.TypeTaskOverdue, reminderDue, "1d616d32-f7e3-5465-978c-040fe47f4b25"},
		{notification.TypeTaskDueSoon, reminderDue.Add(123456 * time.Microsecond), "990ee1bc-d988-53b1-8f51-089a9f51d332"},
		{notification.TypeTaskDueSoon, reminderDue.In(time.FixedZone("X", 3600)), "365ec3f7-da84-5cc1-8552-b957406199c7"},
	}
	for _, g := range golden {
		if got := notification.ReminderID(reminderTask, g.typ, g.due); got != g.want {
			t.Errorf("ReminderID(%s, %v) = %s, want %s", g.typ, g.due, got, g.want)
		}
	}
	namespace := uuid.NewSHA1(uuid.NameSpaceOID, []byte("taskstream.task-reminder"))
	for i := range 200 {
		taskID, due := uuid.NewString(), time.Unix(0, int64(i)*987654321987).UTC()
		key := taskID + "|" + notification.TypeTaskOverdue + "|" + due.Format(time.RFC3339Nano)
		if got, want := notification.ReminderID(taskID, notification.TypeTaskOverdue, due), uuid.NewSHA1(namespace, []byte(key)).String(); got != want {
			t.Fatalf("ReminderID of %q = %s, uuid.NewSHA1 gives %s", key, got, want)
		}
	}
}
