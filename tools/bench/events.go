package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/IBM/sarama"
	wmkafka "github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"
	"github.com/google/uuid"

	"github.com/taskstream/taskstream/domain/shared"
	"github.com/taskstream/taskstream/domain/todo"
	"github.com/taskstream/taskstream/platform/envelope"
)

// textGen makes realistic to-do titles and descriptions, reproducibly from its seed.
type textGen struct {
	rnd *rand.Rand
}

func newTextGen(seed uint64) *textGen {
	return &textGen{rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

var (
	verbs = []string{"Renew", "Book", "Call", "Email", "Review", "Fix", "Write", "Plan", "Buy", "Cancel",
		"Schedule", "Prepare", "Update", "Clean", "Pay", "Order", "Return", "Check", "Finish", "Send"}
	objects = []string{"the passport", "dentist appointment", "quarterly report", "car insurance",
		"team retrospective notes", "the leaking kitchen tap", "birthday present for Sam", "flight to Lisbon",
		"electricity bill", "pull request #1432", "slides for Monday", "groceries for the week",
		"library books", "the budget spreadsheet", "gym membership", "contract with the landlord",
		"onboarding checklist", "release notes for v2.3", "winter tyres", "photos from the holiday"}
	qualifiers = []string{"", "", "", " before Friday", " tomorrow morning", " this week", " after lunch",
		" by the end of the month", " (urgent)", " again", " with Alex", " for the client"}
	sentences = []string{
		"Remember to bring the reference number from the last letter.",
		"The form is on the website under account settings.",
		"Ask whether the price includes delivery and installation.",
		"Last time this took about forty minutes, so block an hour.",
		"Check the shared drive for the previous version first.",
		"Alex said the deadline might move, confirm on Wednesday.",
		"Keep the receipt; it is needed for the expense claim.",
		"If the office is closed, try the branch near the station.",
		"Use the new template and keep it under two pages.",
		"Compare at least three offers before deciding.",
		"Needs sign-off from finance before anything is ordered.",
		"Write down questions beforehand so nothing is forgotten.",
	}
)

// Title returns a title of 15 to 70 characters.
func (g *textGen) Title() string {
	return verbs[g.rnd.IntN(len(verbs))] + " " + objects[g.rnd.IntN(len(objects))] + qualifiers[g.rnd.IntN(len(qualifiers))]
}

// Description returns an empty description one time in five, else one to four sentences.
func (g *textGen) Description() string {
	n := g.rnd.IntN(5)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = sentences[g.rnd.IntN(len(sentences))]
	}
	return strings.Join(parts, " ")
}

// User returns one of users user ids.
func (g *textGen) User(users int) string {
	return fmt.Sprintf("user-%05d", g.rnd.IntN(users))
}

// makeTodos returns n valid to-dos of the given number of users, created in the last hour.
func makeTodos(n, users int, seed uint64) ([]*todo.Todo, error) {
	g := newTextGen(seed)
	now := time.Now().UTC()
	out := make([]*todo.Todo, n)
	for i := range out {
		created := now.Add(-time.Duration(n-i) * time.Millisecond)
		t, err := todo.New(uuid.Must(uuid.NewV7()).String(), shared.UserID(g.User(users)), g.Title(), g.Description(), created)
		if err != nil {
			return nil, err
		}
		out[i] = t
	}
	return out, nil
}

// marshaler turns events into Kafka records exactly as the service's publisher does: Watermill's
// marshaler keyed by the envelope's partition key (the user id).
var marshaler = wmkafka.NewWithPartitioningMarshaler(envelope.PartitionKey)

// createRecord returns the record of t's create event on topic, as the API would publish it.
func createRecord(topic string, t *todo.Todo) (*sarama.ProducerMessage, error) {
	msg, err := envelope.New(envelope.Event{
		Type:          todo.EventCreateRequested,
		SchemaVersion: todo.EventCreateRequestedVersion,
		UserID:        string(t.UserID()),
		CorrelationID: uuid.NewString(),
		Time:          t.CreatedAt(),
		Payload:       t.CreateRequestedEvent(),
	})
	if err != nil {
		return nil, err
	}
	return marshaler.Marshal(topic, msg)
}
