package podstate

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// encoder writes a call's arguments: every payload goes into payloads and its place in the
// JSON holds its index (the library's PODSTATE_PAYLOADS_BESIDE mode), so encoding/json never
// sees a payload's text.
type encoder struct {
	payloads []Payload
}

// slot records p and answers the index that stands in its place.
func (e *encoder) slot(p Payload) Payload {
	e.payloads = append(e.payloads, p)
	return Payload(strconv.AppendInt(nil, int64(len(e.payloads)-1), 10))
}

// strs is s, or an empty list for nil (the library reads null as a wrong shape).
func strs(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (e *encoder) containerConfig(c *ContainerConfig) *ContainerConfig {
	w := *c
	w.DependsOn = strs(c.DependsOn)
	w.Networks = strs(c.Networks)
	w.NamedVolumes = make([]NamedVolume, len(c.NamedVolumes))
	for i, v := range c.NamedVolumes {
		v.Options = strs(v.Options)
		w.NamedVolumes[i] = v
	}
	w.NetworkAliases = make(map[string][]string, len(c.NetworkAliases))
	for net, aliases := range c.NetworkAliases {
		w.NetworkAliases[net] = strs(aliases)
	}
	w.Payload = e.slot(c.Payload)
	return &w
}

func (e *encoder) containerState(s *ContainerState) *ContainerState {
	w := *s
	if w.Status == "" {
		w.Status = StatusConfigured
	}
	w.ExecSessions = make(map[string]Payload, len(s.ExecSessions))
	for id, p := range s.ExecSessions {
		w.ExecSessions[id] = e.slot(p)
	}
	if w.BindMounts == nil {
		w.BindMounts = map[string]string{}
	}
	w.Payload = e.slot(s.Payload)
	return &w
}

func (e *encoder) container(c *Container) *Container {
	return &Container{Config: *e.containerConfig(&c.Config), State: *e.containerState(&c.State)}
}

func (e *encoder) podConfig(c *PodConfig) *PodConfig {
	w := *c
	w.Payload = e.slot(c.Payload)
	return &w
}

func (e *encoder) pod(p *Pod) *Pod {
	w := Pod{Config: *e.podConfig(&p.Config), State: p.State}
	w.State.Payload = e.slot(p.State.Payload)
	return &w
}

func (e *encoder) volumeConfig(c *VolumeConfig) *VolumeConfig {
	w := *c
	w.Payload = e.slot(c.Payload)
	return &w
}

func (e *encoder) volume(v *Volume) *Volume {
	w := Volume{Config: *e.volumeConfig(&v.Config), State: v.State}
	w.State.Payload = e.slot(v.State.Payload)
	return &w
}

// marshal is the JSON of args, refusing strings that are not UTF-8 (encoding/json would
// silently replace their bytes).
func marshal(args interface{}) ([]byte, error) {
	b, err := json.Marshal(args)
	if err != nil {
		return nil, newError("BadRequest", err.Error())
	}
	if replacedBytes(b) {
		return nil, newError("BadRequest", "a string of the arguments is not valid UTF-8")
	}
	return b, nil
}

// replacedBytes says whether encoding/json replaced invalid UTF-8 in b: it writes the escape
// \ufffd only for such bytes (a real U+FFFD stays raw), so an unescaped backslash starting
// \ufffd shows one.
func replacedBytes(b []byte) bool {
	for at := 0; ; {
		i := bytes.Index(b[at:], []byte(`\ufffd`))
		if i < 0 {
			return false
		}
		i += at
		slashes := 0
		for j := i - 1; j >= 0 && b[j] == '\\'; j-- {
			slashes++
		}
		if slashes%2 == 0 {
			return true
		}
		at = i + 1
	}
}

// appendString appends s as a JSON string, refusing a string that is not UTF-8.
func appendString(b []byte, s string) ([]byte, error) {
	if !utf8.ValidString(s) {
		return nil, newError("BadRequest", "a string argument is not valid UTF-8")
	}
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"'), nil
}

// oneString is the arguments {"key": value}.
func oneString(key, value string) ([]byte, error) {
	b := make([]byte, 0, len(key)+len(value)+8)
	b = append(b, '{', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	b, err := appendString(b, value)
	if err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

// decoder turns the payload indexes of an answer back into payloads: each a copy out of the
// answer's C memory, all of them in one Go allocation.
type decoder struct {
	texts []Payload
}

func newDecoder(r *reply) *decoder {
	total := 0
	for _, p := range r.payloads {
		total += len(p)
	}
	buf := make([]byte, 0, total)
	d := &decoder{texts: make([]Payload, len(r.payloads))}
	for i, p := range r.payloads {
		at := len(buf)
		buf = append(buf, p...)
		d.texts[i] = Payload(buf[at:len(buf):len(buf)])
	}
	return d
}

// payload replaces *p, an index as the answer's JSON had it, with its text.
func (d *decoder) payload(p *Payload) error {
	i, err := strconv.Atoi(string(*p))
	if err != nil || i < 0 || i >= len(d.texts) {
		return newError("BadRequest", "the answer's payload index "+strconv.Quote(string(*p))+" is not one of its payloads")
	}
	*p = d.texts[i]
	return nil
}

func (d *decoder) containerConfig(c *ContainerConfig) error {
	return d.payload(&c.Payload)
}

func (d *decoder) containerState(s *ContainerState) error {
	for id, p := range s.ExecSessions {
		if err := d.payload(&p); err != nil {
			return err
		}
		s.ExecSessions[id] = p
	}
	return d.payload(&s.Payload)
}

func (d *decoder) container(c *Container) error {
	if err := d.containerConfig(&c.Config); err != nil {
		return err
	}
	return d.containerState(&c.State)
}

func (d *decoder) podState(s *PodState) error { return d.payload(&s.Payload) }

func (d *decoder) pod(p *Pod) error {
	if err := d.payload(&p.Config.Payload); err != nil {
		return err
	}
	return d.podState(&p.State)
}

func (d *decoder) volumeState(s *VolumeState) error { return d.payload(&s.Payload) }

func (d *decoder) volume(v *Volume) error {
	if err := d.payload(&v.Config.Payload); err != nil {
		return err
	}
	return d.volumeState(&v.State)
}

// unmarshal reads an answer's JSON into out.
func unmarshal(r *reply, out interface{}) error {
	if err := json.Unmarshal(r.json, out); err != nil {
		return newError("BadRequest", "unreadable answer: "+err.Error())
	}
	return nil
}
