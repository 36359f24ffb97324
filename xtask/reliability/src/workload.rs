//! The operation sequences of the runs: the conformance checker's own generator
//! ([`generate_case`]), limited to what a persistent store and the reference model can both do.

use podstate_api::raw::Capabilities;
use podstate_conformance::checker::{HandleOp, generate_case};

/// Case `case` of the run seeded with `seed`: `ops` operations on one to three handles,
/// reopens included.
pub fn case(seed: u64, case: u64, ops: usize) -> Vec<HandleOp> {
    let caps = Capabilities::persistent().intersect(Capabilities::in_memory());
    generate_case(seed, usize::try_from(case).unwrap_or(usize::MAX), ops, caps)
}

/// The operations of worker thread `thread` of a stress run: case `thread` of the generator,
/// without the calls that end a handle's life (`close`; `reopen`, which would reopen the store
/// under the other threads of the process): `ops` of them.
pub fn concurrent(seed: u64, thread: u64, ops: usize) -> Vec<HandleOp> {
    use podstate_conformance::checker::Op;
    let mut drawn = case(seed, thread, ops + ops / 4 + 8);
    drawn.retain(|s| !matches!(s.op, Op::Close | Op::Reopen));
    drawn.truncate(ops);
    drawn
}
