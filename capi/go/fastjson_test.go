package podstate

import (
	"reflect"
	"testing"
)

// The fast container decoder reads every answer exactly as encoding/json does.
func TestTheFastDecoderAgreesWithEncodingJSON(t *testing.T) {
	_, st := open(t, "memory")
	must(t, st.AddVolume(&Volume{Config: VolumeConfig{Name: "v"}}))
	plain := ctr("c0", "plain")
	full := ctr("c1", "ünï \"quoted\" \\ back\tslash \u2028 😀 <&>")
	full.Config.Namespace = ""
	full.Config.LockID = 4294967295
	full.Config.IPCNsCtr = str("c0")
	full.Config.NetNsCtr = str("c0")
	full.Config.DependsOn = []string{"c0", "c0"}
	full.Config.NamedVolumes = []NamedVolume{{Name: "v", Dest: "/d", Options: []string{"ro", "z"}}, {Name: "v", Dest: "/e", Options: []string{}}}
	full.Config.Created = Timestamp{Secs: -62135596800, Nanos: 999999999}
	full.State = ContainerState{
		Status: StatusExited, PID: 1, ConmonPID: 2, Mountpoint: "/m\x01", Mounted: true,
		ExecSessions:  map[string]Payload{"s1": Payload(` {"a":1} `), "s2": Payload(`[]`)},
		BindMounts:    map[string]string{"/etc/hosts": "/run/hosts"},
		StoppedByUser: true, RestartPolicyMatch: true, RestartCount: 3, ExitCode: -137,
		Exited: true, OOMKilled: true,
		StartedAt: &Timestamp{Secs: 1, Nanos: 2}, FinishedAt: &Timestamp{Secs: 3, Nanos: 4},
		NetNSPath: str("/run/netns/é"), Payload: Payload(`"x"`),
	}
	must(t, st.AddContainer(plain))
	must(t, st.AddContainer(full))
	for _, call := range []string{"all_containers", "container"} {
		args := []byte("{}")
		if call == "container" {
			args = []byte(`{"id":"c1"}`)
		}
		err := st.do(call, args, nil, func(r *reply) error {
			fast, ok := fastContainers(r, newDecoder(r), call == "all_containers")
			if !ok {
				t.Fatalf("%s: the fast decoder gave up on %s", call, r.json)
			}
			var slow []*Container
			if call == "all_containers" {
				must(t, unmarshal(r, &slow))
			} else {
				slow = []*Container{new(Container)}
				must(t, unmarshal(r, slow[0]))
			}
			d := newDecoder(r)
			for _, c := range slow {
				must(t, d.container(c))
			}
			if !reflect.DeepEqual(fast, slow) {
				t.Fatalf("%s:\nfast %+v\nslow %+v", call, fast, slow)
			}
			return nil
		})
		must(t, err)
	}
	// An answer of another shape makes it give up (and the caller falls back).
	for _, odd := range []string{`{"config":{},"extra":1}`, `[{"config":{"id":1}}]`, `{"config":{"payload":9}}`, `{`} {
		if _, ok := fastContainers(&reply{json: []byte(odd)}, &decoder{}, odd[0] == '['); ok {
			t.Fatalf("accepted %s", odd)
		}
	}
}
