//! The operation sequences of the runs: the conformance checker's own generator
//! ([`generate_case`]), limited to what a persistent store and the reference model can both do,
//! and the conformance suite's hot-spot workload ([`hot_ops`]) for the stress run's hot mode.

use podstate_api::Capabilities;
use podstate_conformance::checker::{HandleOp, generate_case};
use podstate_conformance::concurrent::{Role, hot_ops};

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

/// The operations of worker thread `thread` of process `proc` in a stress run's hot mode: the
/// conformance suite's hot-spot workload ([`hot_ops`]), every thread of an even process
/// writing and every thread of an odd one reading, so that stopping a process stops a reader
/// or a writer.
pub fn hot(seed: u64, proc: usize, thread: u64, ops: usize) -> Vec<HandleOp> {
    let thread = usize::try_from(thread).unwrap_or(usize::MAX);
    hot_ops(seed, thread, Role::of(proc), ops)
}

/// What a process of a stress run does: [`Role::Writer`] and [`Role::Reader`] in hot mode,
/// `None` (both) for the generated cases.
pub fn role(hot: bool, proc: usize) -> Option<Role> {
    hot.then(|| Role::of(proc))
}

/// The operations of worker thread `thread` (numbered over all processes) of process `proc`:
/// [`hot`] in hot mode, else [`concurrent`].
pub fn ops(hot_mode: bool, seed: u64, proc: usize, thread: usize, ops: usize) -> Vec<HandleOp> {
    match hot_mode {
        true => hot(seed, proc, thread as u64, ops),
        false => concurrent(seed, thread as u64, ops),
    }
}
