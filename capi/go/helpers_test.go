package podstate

import (
	"fmt"
	"path/filepath"
	"testing"
)

// backends are the URLs every test runs against (a fresh database per test).
var backends = []string{"memory", "sqlite", "redb"}

// open opens a fresh store of backend and a handle on it; both are freed when the test ends.
func open(t *testing.T, backend string) (*Store, *State) {
	t.Helper()
	url := "memory:"
	if backend != "memory" {
		url = fmt.Sprintf("%s:%s", backend, filepath.Join(t.TempDir(), "state."+backend))
	}
	store, err := Open(url)
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	st, err := store.State()
	if err != nil {
		t.Fatalf("open a handle: %v", err)
	}
	t.Cleanup(func() {
		st.Free()
		store.Close()
	})
	return store, st
}

func str(s string) *string { return &s }

// ctr is a container outside pods with a payload of its own.
func ctr(id, name string) *Container {
	return &Container{
		Config: ContainerConfig{
			ID: id, Name: name,
			DependsOn:      []string{},
			NamedVolumes:   []NamedVolume{},
			Networks:       []string{"podman"},
			NetworkAliases: map[string][]string{"podman": {name}},
			Created:        Timestamp{Secs: 1700000000, Nanos: 5},
			Payload:        Payload(`{ "image" : "alpine", "n": 1.50 }`),
		},
		State: ContainerState{
			Status:       StatusConfigured,
			ExecSessions: map[string]Payload{},
			BindMounts:   map[string]string{},
			Payload:      Payload(`{}`),
		},
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func forEachBackend(t *testing.T, f func(t *testing.T, store *Store, st *State)) {
	for _, b := range backends {
		b := b
		t.Run(b, func(t *testing.T) {
			store, st := open(t, b)
			f(t, store, st)
		})
	}
}
