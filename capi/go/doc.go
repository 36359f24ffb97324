// Package podstate is podstate from Go: the state store of a container runtime (podman's
// libpod State contract) on its checked, multi-process-safe SQLite and redb backends, through
// the C library of the crate podstate-capi.
//
//	store, err := podstate.Open("sqlite:/var/lib/containers/state.db")
//	state, err := store.State()
//	err = state.AddContainer(ctr)
//	id, err := state.LookupContainerID("web")
//	if errors.Is(err, podstate.ErrNoSuchCtr) { ... }
//
// Several calls run as one batch, in one transaction with one durable commit, all or nothing:
//
//	err = state.Batch(func(tx *podstate.State) error {
//		if err := tx.AddContainer(ctr); err != nil {
//			return err // rolls the batch back
//		}
//		return tx.NetworkConnect(ctr, "podman", nil)
//	})
//
// State has libpod's State method names, argument order and return shapes, so a runtime swaps
// its state store for podstate with a thin adapter. Errors wrap one sentinel per kind
// (ErrNoSuchCtr, ErrCtrExists, ...). Payloads come back byte for byte: they never pass through
// encoding/json's encoder (which compacts and escapes raw JSON); they travel beside the JSON
// of each call.
//
// Build: cgo links the static library. Build it first (cargo build -p podstate-capi); the
// package finds it in the workspace's target/debug, or wherever CGO_LDFLAGS="-L<dir>" says
// (a CARGO_TARGET_DIR elsewhere, or target/release).
package podstate
