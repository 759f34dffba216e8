package main

import (
	"context"
	"database/sql"
	"errors"

	"github.com/taskstream/taskstream/adapters/messages"
)

// scene is a fresh database and fresh topics for one forwarder run.
type scene struct {
	db           *freshDB
	topics       messages.TaskTopics
	poison, todo string
	cleanups     []func()
}

func (e benchEnv) newScene(ctx context.Context) (*scene, error) {
	db, err := e.newDatabase(ctx)
	if err != nil {
		return nil, err
	}
	suffix := randomHex(4)
	s := &scene{
		db:     db,
		topics: messages.TaskTopics{Events: "bench-task-events-" + suffix, Updates: "bench-task-updates-" + suffix},
		poison: "bench-poison-" + suffix, todo: "bench-todo-create-" + suffix,
	}
	for _, t := range []string{s.topics.Events, s.topics.Updates, s.poison, s.todo} {
		cleanup, err := e.createTopic(t)
		if err != nil {
			s.close()
			return nil, err
		}
		s.cleanups = append(s.cleanups, cleanup)
	}
	return s, nil
}

func (s *scene) close() {
	for _, c := range s.cleanups {
		c()
	}
	s.db.Close()
}

// records returns how many records the two task topics and the poison topic hold.
func (s *scene) records(e benchEnv) (tasks, poison int64, err error) {
	events, err1 := e.topicRecords(s.topics.Events)
	updates, err2 := e.topicRecords(s.topics.Updates)
	poison, err3 := e.topicRecords(s.poison)
	return events + updates, poison, errors.Join(err1, err2, err3)
}

// ackedOffset returns the offset group has acknowledged in the outbox, 0 before its first.
func ackedOffset(ctx context.Context, db *sql.DB, group string) (int64, error) {
	var off sql.NullInt64
	err := db.QueryRowContext(ctx, `SELECT offset_acked FROM "watermill_offsets_outbox" WHERE consumer_group = $1`, group).Scan(&off)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return off.Int64, err
}
