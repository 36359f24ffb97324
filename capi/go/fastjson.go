package podstate

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// A decoder for the one JSON shape that dominates the answers' cost: containers, as the
// library writes them (compact serde JSON, payloads as indexes beside it). encoding/json
// validates and then decodes by reflection, which costs several µs per container; this reads
// the same bytes once, without reflection. Anything it does not expect (a field it does not
// know, another layout) makes it give up, and the caller decodes with encoding/json instead,
// so it can be fast without being the only way in; a test decodes the same answers both ways
// and compares.

type scan struct {
	b   []byte
	i   int
	bad bool
	d   *decoder
}

func (s *scan) fail() { s.bad = true; s.i = len(s.b) }

func (s *scan) peek() byte {
	for s.i < len(s.b) {
		switch c := s.b[s.i]; c {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return c
		}
	}
	s.fail()
	return 0
}

func (s *scan) eat(c byte) {
	if s.peek() != c {
		s.fail()
		return
	}
	s.i++
}

// more steps past a ',' and answers true, or past the closing byte and answers false.
func (s *scan) more(closing byte) bool {
	switch s.peek() {
	case ',':
		s.i++
		return true
	case closing:
		s.i++
		return false
	}
	s.fail()
	return false
}

// object calls field for each key of an object, positioned at its value.
func (s *scan) object(field func(key string)) {
	s.eat('{')
	if s.peek() == '}' {
		s.i++
		return
	}
	for !s.bad {
		key := s.str()
		s.eat(':')
		field(key)
		if !s.more('}') {
			return
		}
	}
}

// array calls elem for each element of an array.
func (s *scan) array(elem func()) {
	s.eat('[')
	if s.peek() == ']' {
		s.i++
		return
	}
	for !s.bad {
		elem()
		if !s.more(']') {
			return
		}
	}
}

func (s *scan) str() string {
	if s.peek() != '"' {
		s.fail()
		return ""
	}
	s.i++
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		if c == '"' {
			out := string(s.b[start:s.i])
			s.i++
			return out
		}
		if c == '\\' || c < 0x20 || c >= 0x80 {
			return s.slowStr(start)
		}
		s.i++
	}
	s.fail()
	return ""
}

// slowStr finishes a string with escapes or non-ASCII text.
func (s *scan) slowStr(start int) string {
	out := append([]byte(nil), s.b[start:s.i]...)
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			if !utf8.Valid(out) {
				s.fail()
			}
			return string(out)
		case c < 0x20:
			s.fail()
			return ""
		case c != '\\':
			out = append(out, c)
			s.i++
			continue
		}
		if s.i+1 >= len(s.b) {
			break
		}
		e := s.b[s.i+1]
		s.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := s.hex4()
			if utf16.IsSurrogate(r) {
				if s.i+1 < len(s.b) && s.b[s.i] == '\\' && s.b[s.i+1] == 'u' {
					s.i += 2
					r = utf16.DecodeRune(r, s.hex4())
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			s.fail()
			return ""
		}
	}
	s.fail()
	return ""
}

func (s *scan) hex4() rune {
	if s.i+4 > len(s.b) {
		s.fail()
		return 0
	}
	v, err := strconv.ParseUint(string(s.b[s.i:s.i+4]), 16, 32)
	if err != nil {
		s.fail()
	}
	s.i += 4
	return rune(v)
}

func (s *scan) num() []byte {
	s.peek()
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			s.i++
			continue
		}
		break
	}
	if s.i == start {
		s.fail()
	}
	return s.b[start:s.i]
}

func (s *scan) u32() uint32 {
	v, err := strconv.ParseUint(string(s.num()), 10, 32)
	if err != nil {
		s.fail()
	}
	return uint32(v)
}

func (s *scan) i64() int64 {
	v, err := strconv.ParseInt(string(s.num()), 10, 64)
	if err != nil {
		s.fail()
	}
	return v
}

func (s *scan) boolean() bool {
	switch {
	case s.peek() == 't' && s.i+4 <= len(s.b) && string(s.b[s.i:s.i+4]) == "true":
		s.i += 4
		return true
	case s.peek() == 'f' && s.i+5 <= len(s.b) && string(s.b[s.i:s.i+5]) == "false":
		s.i += 5
		return false
	}
	s.fail()
	return false
}

// null steps past a null and answers true, or answers false at any other value.
func (s *scan) null() bool {
	if s.peek() == 'n' && s.i+4 <= len(s.b) && string(s.b[s.i:s.i+4]) == "null" {
		s.i += 4
		return true
	}
	return false
}

func (s *scan) optString() *string {
	if s.null() {
		return nil
	}
	v := s.str()
	return &v
}

func (s *scan) strings() []string {
	out := []string{}
	s.array(func() { out = append(out, s.str()) })
	return out
}

func (s *scan) timestamp() Timestamp {
	var t Timestamp
	s.object(func(key string) {
		switch key {
		case "secs":
			t.Secs = s.i64()
		case "nanos":
			t.Nanos = s.u32()
		default:
			s.fail()
		}
	})
	return t
}

func (s *scan) optTimestamp() *Timestamp {
	if s.null() {
		return nil
	}
	t := s.timestamp()
	return &t
}

// payload reads an index of the answer's payloads.
func (s *scan) payload() Payload {
	i, err := strconv.Atoi(string(s.num()))
	if err != nil || i < 0 || i >= len(s.d.texts) {
		s.fail()
		return nil
	}
	return s.d.texts[i]
}

func (s *scan) containerConfig(c *ContainerConfig) {
	s.object(func(key string) {
		switch key {
		case "id":
			c.ID = s.str()
		case "name":
			c.Name = s.str()
		case "pod":
			c.Pod = s.optString()
		case "namespace":
			c.Namespace = s.str()
		case "lock_id":
			c.LockID = s.u32()
		case "ipc_ns_ctr":
			c.IPCNsCtr = s.optString()
		case "mount_ns_ctr":
			c.MountNsCtr = s.optString()
		case "net_ns_ctr":
			c.NetNsCtr = s.optString()
		case "pid_ns_ctr":
			c.PIDNsCtr = s.optString()
		case "user_ns_ctr":
			c.UserNsCtr = s.optString()
		case "uts_ns_ctr":
			c.UTSNsCtr = s.optString()
		case "cgroup_ns_ctr":
			c.CgroupNsCtr = s.optString()
		case "depends_on":
			c.DependsOn = s.strings()
		case "named_volumes":
			c.NamedVolumes = []NamedVolume{}
			s.array(func() {
				var v NamedVolume
				s.object(func(key string) {
					switch key {
					case "name":
						v.Name = s.str()
					case "dest":
						v.Dest = s.str()
					case "options":
						v.Options = s.strings()
					default:
						s.fail()
					}
				})
				c.NamedVolumes = append(c.NamedVolumes, v)
			})
		case "networks":
			c.Networks = s.strings()
		case "network_aliases":
			c.NetworkAliases = map[string][]string{}
			s.object(func(net string) { c.NetworkAliases[net] = s.strings() })
		case "created":
			c.Created = s.timestamp()
		case "payload":
			c.Payload = s.payload()
		default:
			s.fail()
		}
	})
}

func (s *scan) containerState(c *ContainerState) {
	s.object(func(key string) {
		switch key {
		case "status":
			c.Status = ContainerStatus(s.str())
		case "pid":
			c.PID = s.u32()
		case "conmon_pid":
			c.ConmonPID = s.u32()
		case "mountpoint":
			c.Mountpoint = s.str()
		case "mounted":
			c.Mounted = s.boolean()
		case "exec_sessions":
			c.ExecSessions = map[string]Payload{}
			s.object(func(id string) { c.ExecSessions[id] = s.payload() })
		case "bind_mounts":
			c.BindMounts = map[string]string{}
			s.object(func(dest string) { c.BindMounts[dest] = s.str() })
		case "stopped_by_user":
			c.StoppedByUser = s.boolean()
		case "restart_policy_match":
			c.RestartPolicyMatch = s.boolean()
		case "restart_count":
			c.RestartCount = s.u32()
		case "exit_code":
			v := s.i64()
			if v != int64(int32(v)) {
				s.fail()
			}
			c.ExitCode = int32(v)
		case "exited":
			c.Exited = s.boolean()
		case "oom_killed":
			c.OOMKilled = s.boolean()
		case "started_at":
			c.StartedAt = s.optTimestamp()
		case "finished_at":
			c.FinishedAt = s.optTimestamp()
		case "netns_path":
			c.NetNSPath = s.optString()
		case "payload":
			c.Payload = s.payload()
		default:
			s.fail()
		}
	})
}

func (s *scan) container() *Container {
	c := new(Container)
	s.object(func(key string) {
		switch key {
		case "config":
			s.containerConfig(&c.Config)
		case "state":
			s.containerState(&c.State)
		default:
			s.fail()
		}
	})
	return c
}

// fastContainers reads a list of containers (list) or one container; ok is false when the
// answer is not in the expected shape.
func fastContainers(r *reply, d *decoder, list bool) (out []*Container, ok bool) {
	s := &scan{b: r.json, d: d}
	if list {
		out = []*Container{}
		s.array(func() { out = append(out, s.container()) })
	} else {
		out = []*Container{s.container()}
	}
	for ; s.i < len(s.b); s.i++ {
		if c := s.b[s.i]; c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			s.fail()
		}
	}
	return out, !s.bad
}
