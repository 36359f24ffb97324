package podstate

/*
#include "podstate.h"
*/
import "C"

import (
	"errors"
	"runtime"
)

// Batch runs fn as one batch: every call fn makes on tx runs in one transaction with one
// durable commit, and all their effects become visible to every other handle and process at
// one instant, when fn returns nil, or never.
//
//	err := st.Batch(func(tx *podstate.State) error {
//		if err := tx.AddContainer(ctr); err != nil {
//			return err
//		}
//		return tx.NetworkConnect(ctr, "podman", []string{"web"})
//	})
//
// Inside fn, reads on tx see the batch's earlier writes, and a call that fails (ErrCtrExists,
// ErrNoSuchCtr, ...) changes nothing: fn may go on. When fn returns an error, panics or calls
// runtime.Goexit, the batch is rolled back (the panic then goes on) and Batch returns fn's
// error, unless a call inside met a storage failure that doomed the batch: then Batch returns
// that ErrIO or ErrCorrupt, as it does when the commit fails. tx.Close, tx.SetNamespace and
// tx.Batch fail with ErrInvalidArg; the batch's namespace is st's when it begins; tx is
// unusable after fn returns (ErrDBClosed).
//
// The batch holds the store's write lock from its start until fn returns: writers on other
// handles wait for it up to their lock timeout. Do not use st itself inside fn: on SQLite its
// calls wait for the batch, which waits for fn (and on a "memory:" store every handle's calls
// do). A closed st fails with ErrDBClosed without running fn.
func (st *State) Batch(fn func(tx *State) error) error {
	tx, err := st.Begin()
	if err != nil {
		return err
	}
	ended := false
	defer func() {
		// fn panicked or called runtime.Goexit: roll back on the way out.
		if !ended {
			_ = tx.Rollback()
		}
	}()
	if err := fn(tx.State); err != nil {
		ended = true
		if rerr := tx.Rollback(); errors.Is(rerr, ErrIO) || errors.Is(rerr, ErrCorrupt) {
			return rerr
		}
		return err
	}
	ended = true
	return tx.Commit()
}

// Tx is a batch begun with Begin, for code that cannot run its calls inside one function (Batch
// is the simpler form): its State has every call, each run in the batch's transaction, and
// Commit or Rollback ends it. Like database/sql's Tx:
//
//	tx, err := st.Begin()
//	if err != nil { ... }
//	defer tx.Rollback() // after Commit, a harmless ErrDBClosed
//	... tx.AddContainer(ctr) ...
//	return tx.Commit()
//
// The batch holds the store's write lock until it ends (see Batch): end every Tx. One that is
// garbage-collected unended is rolled back then.
type Tx struct {
	*State
}

// Begin begins a batch on st and waits for the store's write lock (up to the lock timeout:
// ErrIO). Fails with ErrDBClosed when st is closed, ErrInvalidArg when st is a batch's State.
func (st *State) Begin() (*Tx, error) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	if st.ptr == nil {
		return nil, st.goneError()
	}
	var batch *C.PodstateHandle
	err := finish(C.podstate_batch_begin(st.ptr, &batch), nil)
	runtime.KeepAlive(st)
	if err != nil {
		return nil, err
	}
	tx := &Tx{State: &State{ptr: batch}}
	runtime.SetFinalizer(tx.State, (*State).Free)
	return tx, nil
}

// Commit makes every call of the batch that succeeded visible at once, durably. On an error
// (ErrIO, ErrCorrupt) nothing of the batch remains. Either way the batch is over: its calls,
// Commit and Rollback then fail with ErrDBClosed.
func (tx *Tx) Commit() error {
	return tx.end("committed", func(p *C.PodstateHandle) *C.PodstateAnswer {
		return C.podstate_batch_commit(p)
	})
}

// Rollback drops everything the batch did. It fails only with ErrDBClosed when the batch was
// already over, or with the ErrIO or ErrCorrupt of a call that had doomed it (rolled back all
// the same).
func (tx *Tx) Rollback() error {
	return tx.end("rolled back", func(p *C.PodstateHandle) *C.PodstateAnswer {
		return C.podstate_batch_rollback(p)
	})
}

// end finishes the batch with f and frees it, waiting for the calls in flight.
func (tx *Tx) end(how string, f func(p *C.PodstateHandle) *C.PodstateAnswer) error {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.ptr == nil {
		return tx.goneError()
	}
	err := finish(f(tx.ptr), nil)
	C.podstate_handle_free(tx.ptr)
	tx.ptr = nil
	tx.gone = "the batch was already " + how
	return err
}
