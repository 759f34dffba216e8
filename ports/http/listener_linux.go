package httpport

import (
	"errors"
	"fmt"
	"net"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// TCP flags in byte 13 of the TCP header.
const (
	tcpFlagsOffset = 13
	tcpFlagSYN     = 0x02
	tcpFlagACK     = 0x10
)

// dropSYN is a classic BPF socket filter that drops every segment opening a connection (SYN
// without ACK) and keeps all others, so a listening socket finishes the handshakes it began and
// starts none. A filter on a TCP socket sees the segment from its TCP header on.
var dropSYN = [...]bpf.Instruction{
	bpf.LoadAbsolute{Off: tcpFlagsOffset, Size: 1},
	bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: tcpFlagSYN | tcpFlagACK},
	bpf.JumpIf{Cond: bpf.JumpEqual, Val: tcpFlagSYN, SkipTrue: 1},
	bpf.RetConstant{Val: 0xffffffff}, // keep the whole segment
	bpf.RetConstant{Val: 0},          // drop it
}

// refuseNewConnections attaches dropSYN to ln's socket.
func refuseNewConnections(ln *net.TCPListener) error {
	raw, err := bpf.Assemble(dropSYN[:])
	if err != nil {
		return err
	}
	filter := make([]unix.SockFilter, len(raw))
	for i, ins := range raw {
		filter[i] = unix.SockFilter{Code: ins.Op, Jt: ins.Jt, Jf: ins.Jf, K: ins.K}
	}
	prog := unix.SockFprog{Len: uint16(len(dropSYN)), Filter: &filter[0]} // Assemble keeps one instruction for one
	return control(ln, func(fd int) error {
		if err := unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &prog); err != nil {
			return fmt.Errorf("stop new connections: %w", err)
		}
		return nil
	})
}

// acceptQueue returns how many connections the kernel completed that ln has not accepted: on
// a listening socket, TCP_INFO's unacked field is the length of the accept queue.
func acceptQueue(ln *net.TCPListener) (int, error) {
	var n int
	err := control(ln, func(fd int) error {
		info, err := unix.GetsockoptTCPInfo(fd, unix.IPPROTO_TCP, unix.TCP_INFO)
		if err != nil {
			return fmt.Errorf("accept queue: %w", err)
		}
		n = int(info.Unacked)
		return nil
	})
	return n, err
}

// control runs f on ln's file descriptor.
func control(ln *net.TCPListener, f func(fd int) error) error {
	rc, err := ln.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	err = rc.Control(func(fd uintptr) { ferr = f(int(fd)) })
	return errors.Join(err, ferr)
}
