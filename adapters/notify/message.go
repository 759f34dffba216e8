package notify

import (
	"bytes"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"

	"github.com/taskstream/taskstream/application/command"
	"github.com/taskstream/taskstream/domain/shared"
)

// address is a parsed mailbox: Address for the envelope, String() for a header.
type address = mail.Address

// parseAddress parses one mailbox ("a@example.com" or "Name <a@example.com>"). A value with a
// line break would inject headers; it is refused before parsing.
func parseAddress(field, s string) (*address, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, shared.Invalid(field, "must not contain a line break")
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil, shared.Invalid(field, "%q is not an email address: %v", s, err)
	}
	return a, nil
}

// message is an email ready for DATA.
type message struct {
	to    *address
	from  *address
	bytes []byte
}

// needsUTF8 reports whether the envelope needs SMTPUTF8: an address that is not ASCII.
func (m *message) needsUTF8() bool { return !isASCII(m.to.Address) || !isASCII(m.from.Address) }

// newMessage builds the RFC 5322 form of e from from, dated now: a text/plain UTF-8 body in
// quoted-printable, the subject encoded when it is not ASCII, and e.MessageID as the
// Message-ID (an id without a domain gets the sender's).
func newMessage(from *address, e command.Email, now time.Time) (*message, error) {
	to, err := parseAddress("to", e.To)
	if err != nil {
		return nil, err
	}
	if strings.ContainsAny(e.Subject, "\r\n") {
		return nil, shared.Invalid("subject", "must not contain a line break")
	}
	id, err := messageID(e.MessageID, from.Address)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	header := func(name, value string) { fmt.Fprintf(&b, "%s: %s\r\n", name, value) }
	header("From", from.String())
	header("To", to.String())
	header("Subject", mime.QEncoding.Encode("utf-8", e.Subject))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", id)
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(e.Body)); err != nil {
		return nil, fmt.Errorf("encode email body: %w", err)
	}
	if err := qp.Close(); err != nil {
		return nil, fmt.Errorf("encode email body: %w", err)
	}
	b.WriteString("\r\n")
	return &message{to: to, from: from, bytes: b.Bytes()}, nil
}

// messageID returns the Message-ID header value of id: "<id>" when id has a domain, else
// "<id@domain of from>". Angle brackets around id are accepted. An empty id is refused: a
// resend could not be recognized by the receiver.
func messageID(id, from string) (string, error) {
	id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
	if id == "" {
		return "", shared.Invalid("message_id", "is empty")
	}
	if strings.ContainsAny(id, "<>()[]\\,;: \t\r\n\"") || !isASCII(id) {
		return "", shared.Invalid("message_id", "%q is not a valid Message-ID", id)
	}
	if !strings.Contains(id, "@") {
		id += "@" + from[strings.LastIndex(from, "@")+1:]
	}
	return "<" + id + ">", nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
