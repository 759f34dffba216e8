package httpport

import (
	"context"
	"net"
	"time"
)

// Listener is what Listen returns: the capped listener the server accepts from, and the TCP
// socket under it, which Quiesce can stop before it is closed.
type Listener struct {
	net.Listener
	tcp *net.TCPListener
}

// handshakeGrace is how long Quiesce lets the handshakes under way when it stops new ones
// finish: their last ACK still gets through, and the connection joins the accept queue. It is
// many round trips within a data centre or to a load balancer in front.
const handshakeGrace = 100 * time.Millisecond

// queuePoll is how often Quiesce looks at the accept queue while the server empties it.
const queuePoll = 5 * time.Millisecond

// Quiesce makes closing the listener reset nobody, and must be called while the server still
// accepts. Closing a listening socket resets every connection in its accept queue: connections
// the kernel completed but the server had not accepted yet, whose clients may already have
// sent a request, and which then end without an answer. So Quiesce first stops the kernel from
// starting connections (a new client's SYN is dropped: it tries again a second later and is
// refused once the listener is closed, having sent nothing), lets the handshakes under way
// finish, and waits until the server has accepted every completed connection; the server
// answers them as any other. It returns early with ctx's error, and with an error when the
// system cannot stop new connections (then closing may reset some, as without Quiesce).
func (l *Listener) Quiesce(ctx context.Context) error {
	if err := refuseNewConnections(l.tcp); err != nil {
		return err
	}
	grace := time.NewTimer(handshakeGrace)
	defer grace.Stop()
	tick := time.NewTicker(queuePoll)
	defer tick.Stop()
	settled := false
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-grace.C:
			settled = true
		case <-tick.C:
		}
		n, err := acceptQueue(l.tcp)
		if err != nil {
			return err
		}
		if settled && n == 0 {
			return nil
		}
	}
}
