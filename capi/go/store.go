package podstate

/*
#include <stdlib.h>
#include "podstate.h"
*/
import "C"

import (
	"encoding/json"
	"runtime"
	"strconv"
	"sync"
	"time"
	"unsafe"
)

// Options say how a persistent store is opened.
type Options struct {
	// ReadOnly opens without creating or writing anything; mutating calls fail with ErrIO.
	ReadOnly bool
	// LockTimeout bounds the wait for another writer's lock (0: the backend's, 100 s).
	LockTimeout time.Duration
}

// Store is one database (or in-memory area): it hands out State handles. Safe for concurrent
// use. Close (or the garbage collector) frees it; its handles stay usable.
type Store struct {
	mu  sync.RWMutex
	ptr *C.PodstateStore
}

// Open opens the store url names: "memory:", "sqlite:PATH" or "redb:PATH" (created if
// missing), writable, with the backend's lock timeout.
func Open(url string) (*Store, error) {
	return OpenWith(url, Options{})
}

// OpenWith opens the store url names with options.
func OpenWith(url string, o Options) (*Store, error) {
	opts := `{"read_only":` + strconv.FormatBool(o.ReadOnly)
	if o.LockTimeout > 0 {
		opts += `,"lock_timeout_ms":` + strconv.FormatInt(o.LockTimeout.Milliseconds(), 10)
	}
	opts += "}"
	curl, copts := C.CString(url), C.CString(opts)
	defer C.free(unsafe.Pointer(curl))
	defer C.free(unsafe.Pointer(copts))
	var ptr *C.PodstateStore
	if err := finish(C.podstate_open(curl, copts, &ptr), nil); err != nil {
		return nil, err
	}
	s := &Store{ptr: ptr}
	runtime.SetFinalizer(s, (*Store).Close)
	return s, nil
}

// use runs f on the live store, or fails with ErrBadPointer once it was closed.
func (s *Store) use(f func(p *C.PodstateStore) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.ptr == nil {
		return newError("BadPointer", "the store was closed")
	}
	err := f(s.ptr)
	runtime.KeepAlive(s)
	return err
}

// Close frees the store. Handles opened on it stay usable; closing twice is harmless.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ptr != nil {
		C.podstate_store_free(s.ptr)
		s.ptr = nil
	}
	return nil
}

// Info is the store's backend ("memory", "sqlite", "redb") and what it can do.
func (s *Store) Info() (string, Capabilities, error) {
	var info struct {
		Backend      string       `json:"backend"`
		Capabilities Capabilities `json:"capabilities"`
	}
	err := s.use(func(p *C.PodstateStore) error {
		return finish(C.podstate_store_info(p), func(r *reply) error { return unmarshal(r, &info) })
	})
	return info.Backend, info.Capabilities, err
}

// State opens a new handle on the store, in the empty namespace (which sees everything).
func (s *Store) State() (*State, error) {
	return s.StateIn("")
}

// StateIn opens a new handle on the store in namespace ns.
func (s *Store) StateIn(ns string) (*State, error) {
	var h *C.PodstateHandle
	err := s.use(func(p *C.PodstateStore) error {
		var cns *C.char
		if ns != "" {
			cns = C.CString(ns)
			defer C.free(unsafe.Pointer(cns))
		}
		return finish(C.podstate_open_handle(p, cns, &h), nil)
	})
	if err != nil {
		return nil, err
	}
	st := &State{ptr: h}
	runtime.SetFinalizer(st, (*State).Free)
	return st, nil
}

// Snapshot is everything the store holds, read in one transaction, as JSON (the serde form
// of the library's Snapshot: payloads inline, byte for byte).
func (s *Store) Snapshot() ([]byte, error) {
	var out []byte
	err := s.use(func(p *C.PodstateStore) error {
		return finish(C.podstate_snapshot(p), func(r *reply) error {
			out = append([]byte(nil), r.json...)
			return nil
		})
	})
	return out, err
}

// Restore writes a snapshot (as Snapshot returns it) into the store, which must be empty, in
// one transaction.
func (s *Store) Restore(snapshot []byte) error {
	return s.use(func(p *C.PodstateStore) error {
		var ptr *C.uint8_t
		if len(snapshot) > 0 {
			ptr = (*C.uint8_t)(unsafe.Pointer(&snapshot[0]))
		}
		err := finish(C.podstate_restore(p, ptr, C.size_t(len(snapshot))), nil)
		runtime.KeepAlive(snapshot)
		return err
	})
}

// Verify walks the stored data and lists every violation of the contract's invariants it
// finds (none when the store is sound).
func (s *Store) Verify() ([]Violation, error) {
	var found []Violation
	err := s.use(func(p *C.PodstateStore) error {
		return finish(C.podstate_verify(p), func(r *reply) error {
			if err := json.Unmarshal(r.json, &found); err != nil {
				return newError("BadRequest", "unreadable answer: "+err.Error())
			}
			return nil
		})
	})
	return found, err
}

// State is a handle on a store with libpod's State methods: each call one atomic
// transaction. Safe for concurrent use by several goroutines (they share its namespace; open
// another handle for another namespace). Free (or the garbage collector) releases it.
type State struct {
	mu  sync.RWMutex
	ptr *C.PodstateHandle
	// gone says why ptr is nil, for the ErrDBClosed of later calls ("" : freed).
	gone string
}

// Free releases the handle (Close first to close it); later calls fail with ErrDBClosed.
// Freeing twice is harmless.
func (st *State) Free() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.ptr != nil {
		C.podstate_handle_free(st.ptr)
		st.ptr = nil
	}
}

// goneError is the ErrDBClosed of a call after Free (or after a batch's end).
func (st *State) goneError() error {
	if st.gone != "" {
		return newError("DbClosed", st.gone)
	}
	return newError("DbClosed", "the state handle was freed")
}

// do runs call name with the JSON args and the payloads they refer to, and decodes the
// answer with decode.
func (st *State) do(name string, args []byte, payloads []Payload, decode func(r *reply) error) error {
	st.mu.RLock()
	defer st.mu.RUnlock()
	if st.ptr == nil {
		return st.goneError()
	}
	err := rawCall(st.ptr, name, args, payloads, decode)
	runtime.KeepAlive(st)
	return err
}
