package podstate

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// Texts encoding/json would change if it wrote them: whitespace, key order, escapes, HTML
// characters, number spelling.
var payloadTexts = []string{
	`{ "spec" : { "b": 2,  "a": [1, 2.50, 1e3] } }`,
	" [ ] ",
	"\n{\"a\":1}\t",
	`{"podstate:payload-text":"x"}`,
	`"<&>\u00e9\/"`,
	`-0.0`,
	`{"a":"é"}`,
}

func TestPayloadsComeBackByteForByte(t *testing.T) {
	forEachBackend(t, func(t *testing.T, _ *Store, st *State) {
		for i, text := range payloadTexts {
			c := ctr(string(rune('a'+i))+"0", string(rune('a'+i))+"-name")
			c.Config.Payload = Payload(text)
			c.State.Payload = Payload(text)
			c.State.ExecSessions = map[string]Payload{"s": Payload(text)}
			must(t, st.AddContainer(c))
			back, err := st.LookupContainer(c.Config.Name)
			must(t, err)
			for _, p := range []Payload{back.Config.Payload, back.State.Payload, back.State.ExecSessions["s"]} {
				if !bytes.Equal(p, []byte(text)) {
					t.Fatalf("payload %q came back as %q", text, p)
				}
			}
		}
		all, err := st.AllContainers()
		must(t, err)
		for i, c := range all {
			if string(c.Config.Payload) != payloadTexts[i] {
				t.Fatalf("AllContainers payload %d: %q", i, c.Config.Payload)
			}
			// Payloads share one buffer: appending to one never overwrites the next.
			c.Config.Payload = append(c.Config.Payload, 'x')
		}
		for i, c := range all {
			if string(c.State.Payload) != payloadTexts[i] {
				t.Fatalf("a payload was overwritten: %q", c.State.Payload)
			}
		}
	})
}

func TestANilPayloadIsTheEmptyObjectAndABadOneIsRefused(t *testing.T) {
	_, st := open(t, "memory")
	c := ctr("c1", "web")
	c.Config.Payload = nil
	c.State = ContainerState{}
	must(t, st.AddContainer(c))
	back, err := st.Container("c1")
	must(t, err)
	if string(back.Config.Payload) != "{}" || back.State.Status != StatusConfigured {
		t.Fatalf("defaults: %q %q", back.Config.Payload, back.State.Status)
	}
	bad := ctr("c2", "db")
	bad.Config.Payload = Payload(`{"unterminated":`)
	if err := st.AddContainer(bad); !errors.Is(err, ErrBadRequest) {
		t.Fatalf("a payload that is not JSON: %v", err)
	}
	if yes, _ := st.HasContainer("c2"); yes {
		t.Fatal("the refused container was stored")
	}
}

// A Container marshals to the library's serde form (the JSON tags match it).
func TestJSONTagsMatchTheRustSerdeForm(t *testing.T) {
	store, st := open(t, "memory")
	c := ctr("c1", "web")
	c.State.StartedAt = &Timestamp{Secs: -5, Nanos: 7}
	c.State.NetNSPath = str("/run/netns/x")
	c.State.BindMounts = map[string]string{"/a": "/b"}
	must(t, st.AddContainer(c))
	snapshot, err := store.Snapshot()
	must(t, err)
	var whole struct {
		Containers []struct {
			Container Container `json:"container"`
		} `json:"containers"`
	}
	must(t, json.Unmarshal(snapshot, &whole))
	got := whole.Containers[0].Container
	if got.State.StartedAt == nil || *got.State.StartedAt != *c.State.StartedAt ||
		got.Config.Created != c.Config.Created || *got.State.NetNSPath != "/run/netns/x" ||
		got.Config.NetworkAliases["podman"][0] != "web" || got.State.BindMounts["/a"] != "/b" {
		t.Fatalf("the snapshot's serde form read through the Go tags: %+v", got)
	}
	copy, err := Open("memory:")
	must(t, err)
	defer copy.Close()
	must(t, copy.Restore(snapshot))
	again, err := copy.Snapshot()
	must(t, err)
	if !bytes.Equal(again, snapshot) {
		t.Fatal("a restored snapshot differs")
	}
}
