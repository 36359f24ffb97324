package podstate

import (
	"fmt"
	"sync"
	"testing"
)

// race runs 8 goroutines, each adding and looking up its own containers through one of
// handles, and checks the store holds them all.
func race(t *testing.T, store *Store, handles []*State) {
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			st := handles[g%len(handles)]
			for i := 0; i < 25; i++ {
				id := fmt.Sprintf("%02d%04d", g, i)
				if err := st.AddContainer(ctr(id, "n"+id)); err != nil {
					errs <- err
					return
				}
				got, err := st.LookupContainerID("n" + id)
				if err != nil || got != id {
					errs <- fmt.Errorf("lookup %s: %q %v", id, got, err)
					return
				}
				if _, err := st.AllPods(); err != nil {
					errs <- err
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	st, err := store.State()
	must(t, err)
	defer st.Free()
	all, err := st.AllContainers()
	must(t, err)
	if len(all) != 200 {
		t.Fatalf("%d containers", len(all))
	}
}

func TestGoroutinesShareOneHandle(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *Store, st *State) {
		race(t, store, []*State{st})
	})
}

func TestGoroutinesOnSeveralHandles(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *Store, st *State) {
		handles := []*State{st}
		for i := 0; i < 3; i++ {
			h, err := store.State()
			must(t, err)
			defer h.Free()
			handles = append(handles, h)
		}
		race(t, store, handles)
	})
}
