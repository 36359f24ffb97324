package podstate

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The child side of TestTwoProcessesOnOneFile: adds its containers to the database the
// environment names, then exits.
func TestMain(m *testing.M) {
	if url := os.Getenv("PODSTATE_GO_CHILD_URL"); url != "" {
		os.Exit(child(url, os.Getenv("PODSTATE_GO_CHILD_PREFIX")))
	}
	os.Exit(m.Run())
}

func child(url, prefix string) int {
	store, err := OpenWith(url, Options{})
	if err == nil {
		var st *State
		if st, err = store.State(); err == nil {
			for i := 0; i < 50 && err == nil; i++ {
				id := fmt.Sprintf("%s%04d", prefix, i)
				err = st.AddContainer(ctr(id, "n"+id))
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// Two OS processes add containers to one database file at once; each sees all of them.
func TestTwoProcessesOnOneFile(t *testing.T) {
	for _, backend := range []string{"sqlite", "redb"} {
		t.Run(backend, func(t *testing.T) {
			url := fmt.Sprintf("%s:%s", backend, filepath.Join(t.TempDir(), "shared."+backend))
			var children []*exec.Cmd
			for _, prefix := range []string{"aa", "bb"} {
				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), "PODSTATE_GO_CHILD_URL="+url, "PODSTATE_GO_CHILD_PREFIX="+prefix)
				cmd.Stderr = os.Stderr
				must(t, cmd.Start())
				children = append(children, cmd)
			}
			for _, cmd := range children {
				if err := cmd.Wait(); err != nil {
					t.Fatalf("a child failed: %v", err)
				}
			}
			store, err := Open(url)
			must(t, err)
			defer store.Close()
			st, err := store.State()
			must(t, err)
			defer st.Free()
			all, err := st.AllContainers()
			must(t, err)
			if len(all) != 100 {
				t.Fatalf("%d containers", len(all))
			}
			violations, err := store.Verify()
			must(t, err)
			if len(violations) != 0 {
				t.Fatalf("%+v", violations)
			}
		})
	}
}
