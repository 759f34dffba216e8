package component_test

import (
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// receivedMail is one email as the test SMTP server took it.
type receivedMail struct {
	From string
	To   []string
	Data []byte
}

// smtpServer is a real SMTP server (emersion/go-smtp) on 127.0.0.1, in clear and without
// authentication (the binary's SMTP_TLS=none), that keeps what it receives.
type smtpServer struct {
	port int

	mu    sync.Mutex
	mails []receivedMail
}

func (s *smtpServer) received() []receivedMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]receivedMail(nil), s.mails...)
}

// startSMTP starts a server for the test on a free port; it stops when the test ends.
func startSMTP(t *testing.T) *smtpServer {
	t.Helper()
	ts := &smtpServer{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &smtpSession{server: ts}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = smtpLogger{t}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.port = l.Addr().(*net.TCPAddr).Port
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(l); err != nil && !errors.Is(err, smtp.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			t.Errorf("smtp server: %v", err)
		}
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		_ = l.Close() // Close misses a listener that Serve has not registered yet
		<-done
	})
	return ts
}

type smtpLogger struct{ t *testing.T }

func (l smtpLogger) Printf(format string, v ...any) { l.t.Logf("smtp server: "+format, v...) }
func (l smtpLogger) Println(v ...any)               { l.t.Log(append([]any{"smtp server:"}, v...)...) }

// smtpSession is one SMTP session of the test server.
type smtpSession struct {
	server *smtpServer
	mail   receivedMail
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.mail = receivedMail{From: from}
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.mail.To = append(s.mail.To, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.mail.Data = b
	s.server.mu.Lock()
	s.server.mails = append(s.server.mails, s.mail)
	s.server.mu.Unlock()
	return nil
}

func (s *smtpSession) Reset()        { s.mail = receivedMail{} }
func (s *smtpSession) Logout() error { return nil }
