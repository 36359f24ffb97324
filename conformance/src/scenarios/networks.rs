//! Current networks and aliases: `get_networks`, `get_network_aliases`,
//! `get_all_network_aliases`, `network_connect`, `network_disconnect` (SPEC §5 Networks, §2.6).

use podstate_api::ErrorKind::*;
use podstate_api::State;

use crate::Call;
use crate::factory::BackendFactory;
use crate::scenarios::fixtures::*;
use crate::scenarios::harness::Tester;

/// This group's scenarios in the suite's order, which `__for_each_scenario!` chains.
#[macro_export]
#[doc(hidden)]
macro_rules! __scenarios_networks {
    ($cb:path, $($args:tt)*) => {
        $cb! { ($($args)*) networks: [
            current_networks_start_as_the_config_sorted,
            all_aliases_list_every_network_even_without_aliases,
            network_aliases_are_sorted,
            aliases_of_an_unconnected_network_is_no_such_network,
            connect_adds_the_network_with_collapsed_aliases,
            connect_to_a_connected_network_is_network_exists,
            connect_a_missing_container_is_no_such_ctr,
            connect_with_an_empty_alias_is_invalid_arg,
            disconnect_drops_the_network_and_its_aliases,
            reconnect_does_not_bring_back_old_aliases,
            disconnect_an_unconnected_network_is_no_such_network,
            disconnect_a_missing_container_is_no_such_ctr,
            networks_of_a_missing_container_is_no_such_ctr,
            aliases_of_a_missing_container_is_no_such_ctr,
            all_aliases_of_a_missing_container_is_no_such_ctr,
            connect_a_container_of_another_namespace_is_ns_mismatch,
            disconnect_a_container_of_another_namespace_is_ns_mismatch,
            networks_of_a_container_of_another_namespace_is_ns_mismatch,
            aliases_of_a_container_of_another_namespace_is_ns_mismatch,
            all_aliases_of_a_container_of_another_namespace_is_ns_mismatch,
            two_containers_may_share_an_alias,
            duplicate_config_aliases_collapse,
            a_container_without_networks_has_none,
        ] }
    };
}

/// `c1` joined to `front` (aliases `web`, `www`) and `back` (no aliases).
fn connected(s: &dyn State) -> podstate_api::Result<()> {
    let c = ctr("c1", "one")
        .with_networks(&["front", "back"])
        .with_aliases("front", &["www", "web"]);
    s.add_container(&c)
}

/// SPEC §5: current networks and aliases start as the config's; §2.8: lists are sorted.
pub fn current_networks_start_as_the_config_sorted(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(connected);
    let nets = t.ok(Call::GetNetworks, |s| s.get_networks(&ctr("c1", "one")));
    assert_eq!(nets, ["back", "front"]);
}

/// SPEC §5: `get_all_network_aliases(ctr)` -> every connected network ... (`[]` when it has
/// none).
pub fn all_aliases_list_every_network_even_without_aliases(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(connected);
    let all = t.ok(Call::GetAllNetworkAliases, |s| {
        s.get_all_network_aliases(&ctr("c1", "one"))
    });
    assert_eq!(all, alias_map(&[("back", &[]), ("front", &["web", "www"])]));
}

/// SPEC §5: `get_network_aliases(ctr, net)` -> aliases, sorted (§2.8).
pub fn network_aliases_are_sorted(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(connected);
    let aliases = t.ok(Call::GetNetworkAliases, |s| {
        s.get_network_aliases(&ctr("c1", "one"), "front")
    });
    assert_eq!(aliases, ["web", "www"]);
}

/// SPEC §5: `get_network_aliases` - (`NoSuchNetwork` if not connected).
pub fn aliases_of_an_unconnected_network_is_no_such_network(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(connected);
    t.fails(Call::GetNetworkAliases, NoSuchNetwork, |s| {
        s.get_network_aliases(&ctr("c1", "one"), "side")
    });
}

/// SPEC §5: `network_connect(ctr, net, aliases)` - duplicate aliases ... collapse; sorted.
pub fn connect_adds_the_network_with_collapsed_aliases(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(connected);
    let c = ctr("c1", "one");
    t.ok(Call::NetworkConnect, |s| {
        s.network_connect(&c, "side", &strings(&["b", "a", "b"]))
    });
    let all = t.ok(Call::GetAllNetworkAliases, |s| {
        s.get_all_network_aliases(&c)
    });
    assert_eq!(
        all,
        alias_map(&[
            ("back", &[]),
            ("front", &["web", "www"]),
            ("side", &["a", "b"])
        ])
    );
}

/// SPEC §5: `network_connect` - (`NetworkExists` if connected).
pub fn connect_to_a_connected_network_is_network_exists(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(connected);
    t.fails(Call::NetworkConnect, NetworkExists, |s| {
        s.network_connect(&ctr("c1", "one"), "back", &strings(&["x"]))
    });
}

/// SPEC §4: `NoSuchCtr` - `network_connect` on a container that is not stored.
pub fn connect_a_missing_container_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(connected);
    t.fails(Call::NetworkConnect, NoSuchCtr, |s| {
        s.network_connect(&ctr("c2", "two"), "side", &[])
    });
}

/// SPEC §5 Strings: aliases are non-empty - `network_connect` with an empty alias is `InvalidArg`.
pub fn connect_with_an_empty_alias_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(connected);
    t.fails(Call::NetworkConnect, InvalidArg, |s| {
        s.network_connect(&ctr("c1", "one"), "side", &strings(&["ok", ""]))
    });
}

/// SPEC §5: `network_disconnect(ctr, net)` drops the network and its aliases.
pub fn disconnect_drops_the_network_and_its_aliases(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(connected);
    let c = ctr("c1", "one");
    t.ok(Call::NetworkDisconnect, |s| {
        s.network_disconnect(&c, "front")
    });
    let all = t.ok(Call::GetAllNetworkAliases, |s| {
        s.get_all_network_aliases(&c)
    });
    assert_eq!(all, alias_map(&[("back", &[])]));
}

/// SPEC §2.6: stored aliases exist only for networks the container is currently connected to -
/// reconnecting starts with the new aliases only.
pub fn reconnect_does_not_bring_back_old_aliases(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(connected);
    let c = ctr("c1", "one");
    t.given(|s| s.network_disconnect(&c, "front"));
    t.ok(Call::NetworkConnect, |s| {
        s.network_connect(&c, "front", &strings(&["new"]))
    });
    let aliases = t.ok(Call::GetNetworkAliases, |s| {
        s.get_network_aliases(&c, "front")
    });
    assert_eq!(aliases, ["new"]);
}

/// SPEC §5: `network_disconnect` - (`NoSuchNetwork` if not connected).
pub fn disconnect_an_unconnected_network_is_no_such_network(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(connected);
    t.fails(Call::NetworkDisconnect, NoSuchNetwork, |s| {
        s.network_disconnect(&ctr("c1", "one"), "side")
    });
}

/// SPEC §4: `NoSuchCtr` - `network_disconnect` on a container that is not stored.
pub fn disconnect_a_missing_container_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.fails(Call::NetworkDisconnect, NoSuchCtr, |s| {
        s.network_disconnect(&ctr("c1", "one"), "front")
    });
}

/// SPEC §4: `NoSuchCtr` - `get_networks` of a container that is not stored.
pub fn networks_of_a_missing_container_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(connected);
    t.fails(Call::GetNetworks, NoSuchCtr, |s| {
        s.get_networks(&ctr("c2", "one"))
    });
}

/// SPEC §4: `NoSuchCtr` - `get_network_aliases` of a container that is not stored.
pub fn aliases_of_a_missing_container_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.fails(Call::GetNetworkAliases, NoSuchCtr, |s| {
        s.get_network_aliases(&ctr("c1", "one"), "front")
    });
}

/// SPEC §4: `NoSuchCtr` - `get_all_network_aliases` of a container that is not stored.
pub fn all_aliases_of_a_missing_container_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.fails(Call::GetAllNetworkAliases, NoSuchCtr, |s| {
        s.get_all_network_aliases(&ctr("c1", "one"))
    });
}

/// SPEC §3: the network calls honour namespaces - `network_connect` on a foreign container is
/// `NsMismatch`.
pub fn connect_a_container_of_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("c1", "one").in_ns("a");
    t.given(|s| s.add_container(&c));
    t.set_ns("b");
    t.fails(Call::NetworkConnect, NsMismatch, |s| {
        s.network_connect(&c, "side", &[])
    });
}

/// SPEC §3: `network_disconnect` on a foreign container is `NsMismatch`.
pub fn disconnect_a_container_of_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("c1", "one").in_ns("a").with_networks(&["front"]);
    t.given(|s| s.add_container(&c));
    t.set_ns("b");
    t.fails(Call::NetworkDisconnect, NsMismatch, |s| {
        s.network_disconnect(&c, "front")
    });
}

/// SPEC §3: `get_networks`, `get_network_aliases` and `get_all_network_aliases` on a foreign
/// container are `NsMismatch` (here: `get_networks`).
pub fn networks_of_a_container_of_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("c1", "one").in_ns("a").with_networks(&["front"]);
    t.given(|s| s.add_container(&c));
    t.set_ns("b");
    t.fails(Call::GetNetworks, NsMismatch, |s| s.get_networks(&c));
}

/// SPEC §3: `get_network_aliases` on a foreign container is `NsMismatch`.
pub fn aliases_of_a_container_of_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("c1", "one").in_ns("a").with_networks(&["front"]);
    t.given(|s| s.add_container(&c));
    t.set_ns("b");
    t.fails(Call::GetNetworkAliases, NsMismatch, |s| {
        s.get_network_aliases(&c, "front")
    });
}

/// SPEC §3: `get_all_network_aliases` on a foreign container is `NsMismatch`.
pub fn all_aliases_of_a_container_of_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("c1", "one").in_ns("a");
    t.given(|s| s.add_container(&c));
    t.set_ns("b");
    t.fails(Call::GetAllNetworkAliases, NsMismatch, |s| {
        s.get_all_network_aliases(&c)
    });
}

/// SPEC §5 Networks: `network_connect` refuses only a network already connected
/// (`NetworkExists`); aliases carry no uniqueness rule, so two containers may share one.
pub fn two_containers_may_share_an_alias(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        let c1 = ctr("c1", "one")
            .with_networks(&["n"])
            .with_aliases("n", &["db"]);
        s.add_container(&c1)?;
        s.add_container(&ctr("c2", "two"))
    });
    let c2 = ctr("c2", "two");
    t.ok(Call::NetworkConnect, |s| {
        s.network_connect(&c2, "n", &strings(&["db"]))
    });
    let aliases = t.ok(Call::GetNetworkAliases, |s| s.get_network_aliases(&c2, "n"));
    assert_eq!(aliases, ["db"]);
}

/// SPEC §5 Strings: duplicate aliases ... collapse - in the config too.
pub fn duplicate_config_aliases_collapse(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("c1", "one")
        .with_networks(&["n"])
        .with_aliases("n", &["b", "a", "b"]);
    t.given(|s| s.add_container(&c));
    let aliases = t.ok(Call::GetNetworkAliases, |s| s.get_network_aliases(&c, "n"));
    assert_eq!(aliases, ["a", "b"]);
}

/// SPEC §5: `get_networks(ctr)` of a container that joined none is empty, not an error.
pub fn a_container_without_networks_has_none(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "one")));
    assert!(
        t.ok(Call::GetNetworks, |s| s.get_networks(&ctr("c1", "one")))
            .is_empty()
    );
}
