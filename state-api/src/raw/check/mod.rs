//! Steps 2 to 5 of the SPEC §4 check order, written once for every backend on top of
//! [`StoreRead`](super::StoreRead).
//!
//! One function per call (named after it, or after the group of calls that share one order)
//! reads as that call's whole order, top to bottom: step 2 from [`rules`](super::rules), steps 3
//! and 4 from the building blocks below ([`passed_container`], [`target_pod`], ...), then the
//! call's own rules of step 5. Step 1 (closed) is the handle's. Each function answers the first
//! failing step's error, or what the apply step needs (a [`NewContainer`](super::NewContainer),
//! the aliases to store, the members to remove) or, for the calls that only read, the answer.
//! Nothing here writes.
//!
//! [`Handle`](super::Handle) calls these for every backend; a backend that implements `State`
//! its own way can call them too.

mod containers;
mod exec;
mod lookup;
mod networks;
mod pods;
mod targets;
mod volumes;

pub use containers::{
    add_container, container_in_use, removable, remove_container, rewrite_container_config,
};
pub use exec::{add_exec_session, container_exec_sessions, get_exec_session, remove_exec_session};
pub use lookup::{
    container, get_name, has_container, has_pod, has_volume, lookup_container, lookup_pod,
    lookup_volume, pod, volume,
};
pub use networks::{network_aliases, network_connect, network_disconnect, networks};
pub use pods::{
    add_container_to_pod, add_pod, pod_has_container, pod_members, remove_container_from_pod,
    remove_pod, rewrite_pod_config,
};
pub use targets::{
    exec_container, existing_container, existing_pod, existing_volume, id_and_name_free,
    passed_container, passed_pod, passed_volume, target_container, target_pod,
};
pub use volumes::{add_volume, remove_volume, rewrite_volume_config, volume_in_use};
