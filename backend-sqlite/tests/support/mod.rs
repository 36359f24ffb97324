//! What the multi-process test's parent and children share.

pub mod roles;
