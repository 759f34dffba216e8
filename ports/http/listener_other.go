//go:build !linux

package httpport

import (
	"errors"
	"net"
)

var errQuiesceUnsupported = errors.New("stopping new connections before closing the listener needs Linux")

// refuseNewConnections is not supported here: Quiesce reports it, and the listener is closed
// as it is.
func refuseNewConnections(*net.TCPListener) error { return errQuiesceUnsupported }

func acceptQueue(*net.TCPListener) (int, error) { return 0, errQuiesceUnsupported }
