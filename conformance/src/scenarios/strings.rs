//! The string rules on the keys a call looks up (SPEC §5 Strings: an ID or name to look up (so
//! `get_name("")` is `InvalidArg`)). Each story stores the object the bad key would reach if a
//! backend truncated at NUL, or treated `""` as the prefix of everything.

use podstate_api::ErrorKind::*;
use podstate_api::State;

use crate::Call;
use crate::factory::BackendFactory;
use crate::scenarios::fixtures::*;
use crate::scenarios::harness::Tester;

/// This group's scenarios in the suite's order, which `__for_each_scenario!` chains.
#[macro_export]
#[doc(hidden)]
macro_rules! __scenarios_strings {
    ($cb:path, $($args:tt)*) => {
        $cb! { ($($args)*) strings: [
            get_name_of_the_empty_id_is_invalid_arg,
            container_with_a_nul_suffixed_id_is_invalid_arg,
            lookup_container_id_of_the_empty_string_is_invalid_arg,
            lookup_container_of_a_nul_suffixed_name_is_invalid_arg,
            has_container_with_a_nul_is_invalid_arg,
            get_container_config_of_the_empty_id_is_invalid_arg,
            get_exec_session_with_a_nul_is_invalid_arg,
            pod_with_a_nul_suffixed_id_is_invalid_arg,
            lookup_pod_of_the_empty_string_is_invalid_arg,
            has_pod_of_the_empty_id_is_invalid_arg,
            pod_has_container_with_a_nul_suffixed_id_is_invalid_arg,
            volume_with_a_nul_suffixed_name_is_invalid_arg,
            lookup_volume_of_the_empty_string_is_invalid_arg,
            has_volume_with_a_nul_is_invalid_arg,
            network_aliases_of_the_empty_network_is_invalid_arg,
            disconnect_a_nul_suffixed_network_is_invalid_arg,
            add_volume_with_a_nul_is_invalid_arg,
        ] }
    };
}

/// Container `c1` ("one") with exec session `e1`, member `m1` of pod `p1`, volume `data`.
fn one_of_each(s: &dyn State) -> podstate_api::Result<()> {
    s.add_container(&ctr("c1", "one"))?;
    s.add_exec_session(&ctr("c1", "one"), &exec("e1", "c1"))?;
    s.add_pod(&pod("p1", "pod1"))?;
    s.add_container_to_pod(&s.pod("p1")?, &ctr("m1", "member1").in_pod("p1"))?;
    s.add_volume(&vol("data"))
}

/// SPEC §5 Strings: `get_name("")` is `InvalidArg`.
pub fn get_name_of_the_empty_id_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(one_of_each);
    t.fails(Call::GetName, InvalidArg, |s| s.get_name(""));
}

/// SPEC §5 Strings: IDs are without NUL - `container("c1\0")` does not reach `c1`.
pub fn container_with_a_nul_suffixed_id_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(one_of_each);
    t.fails(Call::Container, InvalidArg, |s| s.container("c1\0"));
}

/// SPEC §5 Strings: the empty string is no key - not even a prefix matching every container.
pub fn lookup_container_id_of_the_empty_string_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "one")));
    t.fails(Call::LookupContainerId, InvalidArg, |s| {
        s.lookup_container_id("")
    });
}

/// SPEC §5 Strings: a name with a trailing NUL does not reach the name.
pub fn lookup_container_of_a_nul_suffixed_name_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(one_of_each);
    t.fails(Call::LookupContainer, InvalidArg, |s| {
        s.lookup_container("one\0")
    });
}

/// SPEC §5 Strings: `has_container` answers `InvalidArg`, not `false`, for a NUL-holding ID.
pub fn has_container_with_a_nul_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(one_of_each);
    t.fails(Call::HasContainer, InvalidArg, |s| s.has_container("c1\0"));
}

/// SPEC §5 Strings: `get_container_config("")` is `InvalidArg`.
pub fn get_container_config_of_the_empty_id_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(one_of_each);
    t.fails(Call::GetContainerConfig, InvalidArg, |s| {
        s.get_container_config("")
    });
}

/// SPEC §5 Strings: a session ID with a NUL does not reach the registered session.
pub fn get_exec_session_with_a_nul_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(one_of_each);
    t.fails(Call::GetExecSession, InvalidArg, |s| {
        s.get_exec_session("e1\0")
    });
}

/// SPEC §5 Strings: `pod("p1\0")` does not reach `p1`.
pub fn pod_with_a_nul_suffixed_id_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(one_of_each);
    t.fails(Call::Pod, InvalidArg, |s| s.pod("p1\0"));
}

/// SPEC §5 Strings: `lookup_pod("")` is no prefix of every pod.
pub fn lookup_pod_of_the_empty_string_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(one_of_each);
    t.fails(Call::LookupPod, InvalidArg, |s| s.lookup_pod(""));
}

/// SPEC §5 Strings: `has_pod("")` is `InvalidArg`, not `false`.
pub fn has_pod_of_the_empty_id_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(one_of_each);
    t.fails(Call::HasPod, InvalidArg, |s| s.has_pod(""));
}

/// SPEC §5 Strings: the container ID asked of `pod_has_container` follows the rules too.
pub fn pod_has_container_with_a_nul_suffixed_id_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(one_of_each);
    t.fails(Call::PodHasContainer, InvalidArg, |s| {
        s.pod_has_container(&pod("p1", "pod1"), "m1\0")
    });
}

/// SPEC §5 Strings: volume names are without NUL - `volume("data\0")` does not reach `data`.
pub fn volume_with_a_nul_suffixed_name_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(one_of_each);
    t.fails(Call::Volume, InvalidArg, |s| s.volume("data\0"));
}

/// SPEC §5 Strings: `lookup_volume("")` is no prefix of every volume.
pub fn lookup_volume_of_the_empty_string_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(one_of_each);
    t.fails(Call::LookupVolume, InvalidArg, |s| s.lookup_volume(""));
}

/// SPEC §5 Strings: `has_volume` answers `InvalidArg`, not `true`, for `"data\0"`.
pub fn has_volume_with_a_nul_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(one_of_each);
    t.fails(Call::HasVolume, InvalidArg, |s| s.has_volume("data\0"));
}

/// SPEC §5 Strings: network names are non-empty - `get_network_aliases(c, "")` is `InvalidArg`,
/// not `NoSuchNetwork`.
pub fn network_aliases_of_the_empty_network_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(one_of_each);
    t.fails(Call::GetNetworkAliases, InvalidArg, |s| {
        s.get_network_aliases(&ctr("c1", "one"), "")
    });
}

/// SPEC §5 Strings: a network with a NUL is `InvalidArg` - `network_disconnect` does not reach
/// the connected `front`.
pub fn disconnect_a_nul_suffixed_network_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("c1", "one").with_networks(&["front"]);
    t.given(|s| s.add_container(&c));
    t.fails(Call::NetworkDisconnect, InvalidArg, |s| {
        s.network_disconnect(&c, "front\0")
    });
}

/// SPEC §5 Strings: the names of new volumes follow the rules - `add_volume` of `"a\0b"`.
pub fn add_volume_with_a_nul_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.fails(Call::AddVolume, InvalidArg, |s| s.add_volume(&vol("a\0b")));
}
