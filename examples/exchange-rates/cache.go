package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// cache is a minimal RESP client for the few commands this service needs. Keys are prefixed
// with the database name pave assigned, which the ACL user is restricted to. Any cache
// failure degrades to a miss: the feed is the source of truth.
type cache struct {
	addr, user, password, prefix string
}

func newCache(addr, user, password, prefix string) cache {
	return cache{addr: addr, user: user, password: password, prefix: prefix}
}

func (c cache) get(key string) (string, bool) {
	reply, err := c.do("GET", c.prefix+":"+key)
	if err != nil || reply == nil {
		return "", false
	}
	return *reply, true
}

func (c cache) set(key, value string, ttl time.Duration) {
	_, _ = c.do("SET", c.prefix+":"+key, value, "EX", strconv.Itoa(int(ttl.Seconds())))
}

func (c cache) do(args ...string) (*string, error) {
	if c.addr == ":" {
		return nil, fmt.Errorf("cache not configured")
	}
	conn, err := net.DialTimeout("tcp", c.addr, time.Second)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
	r := bufio.NewReader(conn)
	if c.user != "" {
		if _, err := command(conn, r, "AUTH", c.user, c.password); err != nil {
			return nil, err
		}
	}
	return command(conn, r, args...)
}

// command writes one RESP array and reads a simple, error or bulk-string reply.
func command(conn net.Conn, r *bufio.Reader, args ...string) (*string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := conn.Write([]byte(b.String())); err != nil {
		return nil, err
	}
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	line = strings.TrimRight(line, "\r\n")
	switch {
	case strings.HasPrefix(line, "-"):
		return nil, fmt.Errorf("cache: %s", line[1:])
	case strings.HasPrefix(line, "$-1"):
		return nil, nil
	case strings.HasPrefix(line, "$"):
		n, err := strconv.Atoi(line[1:])
		if err != nil {
			return nil, err
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		s := string(buf[:n])
		return &s, nil
	default:
		s := strings.TrimPrefix(line, "+")
		return &s, nil
	}
}
