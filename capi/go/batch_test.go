package podstate

import (
	"errors"
	"testing"
)

func has(t *testing.T, st *State, id string) bool {
	t.Helper()
	found, err := st.HasContainer(id)
	must(t, err)
	return found
}

func TestBatchCommitsEveryCall(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *Store, st *State) {
		c1, c2 := ctr("c1", "web"), ctr("c2", "db")
		err := st.Batch(func(tx *State) error {
			if err := tx.AddContainer(c1); err != nil {
				return err
			}
			if !has(t, tx, "c1") {
				t.Error("a read inside the batch misses its earlier write")
			}
			if err := tx.NetworkConnect(c1, "extra", nil); err != nil {
				return err
			}
			return tx.AddContainer(c2)
		})
		must(t, err)
		other, err := store.State()
		must(t, err)
		defer other.Free()
		nets, err := other.GetNetworks(c1)
		must(t, err)
		if !has(t, other, "c1") || !has(t, other, "c2") || len(nets) != 2 {
			t.Fatalf("after the commit: %v", nets)
		}
	})
}

func TestBatchRollsBackWhenFnFails(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *Store, st *State) {
		c0 := ctr("c0", "kept")
		must(t, st.AddContainer(c0))
		changedMind := errors.New("the runtime changed its mind")
		err := st.Batch(func(tx *State) error {
			must(t, tx.AddContainer(ctr("c1", "web")))
			must(t, tx.RemoveContainer(c0))
			return changedMind
		})
		if err != changedMind {
			t.Fatalf("Batch answered %v, not fn's error", err)
		}
		if !has(t, st, "c0") || has(t, st, "c1") {
			t.Fatal("a rolled-back batch changed the store")
		}
	})
}

func TestBatchRollsBackWhenFnPanicsAndThePanicGoesOn(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *Store, st *State) {
		func() {
			defer func() {
				if p := recover(); p != "boom" {
					t.Fatalf("recovered %v, not fn's panic", p)
				}
			}()
			_ = st.Batch(func(tx *State) error {
				must(t, tx.AddContainer(ctr("c1", "web")))
				panic("boom")
			})
			t.Fatal("Batch returned after fn panicked")
		}()
		if has(t, st, "c1") {
			t.Fatal("the batch of a panicking fn was kept")
		}
		// The write lock is free again.
		must(t, st.AddContainer(ctr("c2", "db")))
	})
}

func TestAFailingCallInsideABatchChangesNothingAndTheBatchGoesOn(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *Store, st *State) {
		err := st.Batch(func(tx *State) error {
			must(t, tx.AddContainer(ctr("c1", "web")))
			if err := tx.AddContainer(ctr("c1", "other")); !errors.Is(err, ErrCtrExists) {
				t.Errorf("a duplicate inside the batch: %v", err)
			}
			if err := tx.RemoveContainer(ctr("gone", "gone")); !errors.Is(err, ErrNoSuchCtr) {
				t.Errorf("a missing container inside the batch: %v", err)
			}
			return tx.AddContainer(ctr("c2", "db"))
		})
		must(t, err)
		all, err := st.AllContainers()
		must(t, err)
		if len(all) != 2 || all[0].Config.Name != "web" || all[1].Config.Name != "db" {
			t.Fatalf("after the batch: %+v", all)
		}
	})
}

func TestHandleCallsInsideABatchAreInvalidArg(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *Store, st *State) {
		err := st.Batch(func(tx *State) error {
			if err := tx.Close(); !errors.Is(err, ErrInvalidArg) {
				t.Errorf("Close inside a batch: %v", err)
			}
			if err := tx.SetNamespace("elsewhere"); !errors.Is(err, ErrInvalidArg) {
				t.Errorf("SetNamespace inside a batch: %v", err)
			}
			ran := false
			if err := tx.Batch(func(*State) error { ran = true; return nil }); !errors.Is(err, ErrInvalidArg) || ran {
				t.Errorf("a nested batch: %v (ran: %v)", err, ran)
			}
			return tx.AddContainer(ctr("c1", "web"))
		})
		must(t, err)
		if !has(t, st, "c1") {
			t.Fatal("the batch did not commit")
		}
	})
}

// A persistent store's other handles read the last commit while a batch is open; a memory
// store's reads would wait for the batch, which waits for this goroutine, so it is left out.
func TestABatchIsSeenByAnotherHandleOnlyAfterItsCommit(t *testing.T) {
	for _, backend := range []string{"sqlite", "redb"} {
		t.Run(backend, func(t *testing.T) {
			store, st := open(t, backend)
			other, err := store.State()
			must(t, err)
			defer other.Free()
			must(t, st.Batch(func(tx *State) error {
				must(t, tx.AddContainer(ctr("c1", "web")))
				if has(t, other, "c1") {
					t.Error("another handle saw the batch before its commit")
				}
				return nil
			}))
			if !has(t, other, "c1") {
				t.Fatal("another handle misses the committed batch")
			}
		})
	}
}

func TestABatchOnAClosedHandleIsDBClosed(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *Store, st *State) {
		must(t, st.Close())
		ran := false
		err := st.Batch(func(*State) error { ran = true; return nil })
		if !errors.Is(err, ErrDBClosed) || ran {
			t.Fatalf("Batch on a closed handle: %v (ran: %v)", err, ran)
		}
	})
}

func TestATxIsOverOnceCommittedOrRolledBack(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *Store, st *State) {
		tx, err := st.Begin()
		must(t, err)
		must(t, tx.AddContainer(ctr("c1", "web")))
		must(t, tx.Commit())
		for _, late := range []error{tx.AddContainer(ctr("c2", "db")), tx.Commit(), tx.Rollback()} {
			if !errors.Is(late, ErrDBClosed) {
				t.Fatalf("after the commit: %v", late)
			}
		}
		tx, err = st.Begin()
		must(t, err)
		must(t, tx.AddContainer(ctr("c3", "cache")))
		must(t, tx.Rollback())
		if err := tx.Commit(); !errors.Is(err, ErrDBClosed) {
			t.Fatalf("a commit after the rollback: %v", err)
		}
		if !has(t, st, "c1") || has(t, st, "c2") || has(t, st, "c3") {
			t.Fatal("the two batches left the wrong containers")
		}
	})
}
