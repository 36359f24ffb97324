//! Podman's traps in keys and lookups: prefixes that are names, pods and containers sharing the
//! name space, SQL `LIKE`/`GLOB` wildcards and escapes inside keys, case, Unicode and byte order
//! (SPEC §2.1, §2.8, §5 Strings and §5 Names and lookups: keys compare byte for byte).

use podstate_api::ErrorKind::*;

use crate::Call;
use crate::factory::BackendFactory;
use crate::scenarios::fixtures::*;
use crate::scenarios::harness::Tester;

/// This group's scenarios in the suite's order, which `__for_each_scenario!` chains.
#[macro_export]
#[doc(hidden)]
macro_rules! __scenarios_sharp_edges {
    ($cb:path, $($args:tt)*) => {
        $cb! { ($($args)*) sharp_edges: [
            a_name_beats_an_id_prefix_it_also_is,
            a_pod_name_does_not_hide_a_container_prefix,
            a_pod_id_sharing_a_prefix_is_not_ambiguous,
            a_container_named_like_a_pod_id,
            removal_goes_by_id_not_by_a_matching_name,
            underscore_in_a_prefix_is_literal,
            underscore_prefix_does_not_match_any_character,
            percent_prefix_does_not_match_anything,
            percent_in_a_prefix_is_literal,
            glob_characters_in_a_prefix_are_literal,
            backslash_in_a_prefix_is_literal,
            prefixes_are_case_sensitive,
            names_differing_in_case_are_distinct,
            names_are_not_unicode_normalised,
            ids_sort_by_bytes,
            a_trailing_space_makes_another_id,
            very_long_ids_round_trip,
            ids_with_slashes_newlines_and_quotes_work,
            underscore_in_a_volume_prefix_is_literal,
            volume_prefixes_are_case_sensitive,
            percent_in_a_pod_prefix_is_literal,
            a_wildcard_network_name_matches_no_network,
        ] }
    };
}

/// SPEC §5: exact name comes before ID prefix - "abc" names one container and prefixes another.
pub fn a_name_beats_an_id_prefix_it_also_is(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("abc123", "x"))?;
        s.add_container(&ctr("zz", "abc"))
    });
    assert_eq!(
        t.ok(Call::LookupContainerId, |s| s.lookup_container_id("abc")),
        "zz"
    );
}

/// SPEC §5: "Pods never match a container lookup" - a pod's name does not stop the search, which
/// goes on to container ID prefixes (podman's in-memory state stopped with "is a pod").
pub fn a_pod_name_does_not_hide_a_container_prefix(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("p1", "ab"))?;
        s.add_container(&ctr("abc1", "one"))
    });
    assert_eq!(
        t.ok(Call::LookupContainerId, |s| s.lookup_container_id("ab")),
        "abc1"
    );
}

/// SPEC §5: pods never match a container lookup - a prefix shared by a pod ID and one container ID
/// is not ambiguous.
pub fn a_pod_id_sharing_a_prefix_is_not_ambiguous(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("abc", "pod1"))?;
        s.add_container(&ctr("abd", "one"))
    });
    assert_eq!(
        t.ok(Call::LookupContainer, |s| s.lookup_container("ab"))
            .id(),
        "abd"
    );
}

/// SPEC §2.1: a name may equal any ID - a container named like a pod's ID is found by that name,
/// and `lookup_pod` of the same string finds the pod by ID.
pub fn a_container_named_like_a_pod_id(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("p1", "web"))?;
        s.add_container(&ctr("c1", "p1"))
    });
    assert_eq!(
        t.ok(Call::LookupContainerId, |s| s.lookup_container_id("p1")),
        "c1"
    );
    assert_eq!(t.ok(Call::LookupPod, |s| s.lookup_pod("p1")).id(), "p1");
}

/// SPEC §3: a passed object is identified by its ID - removing `c2` leaves `c1`, whose name is
/// `"c2"`.
pub fn removal_goes_by_id_not_by_a_matching_name(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("c1", "c2"))?;
        s.add_container(&ctr("c2", "x"))
    });
    t.ok(Call::RemoveContainer, |s| {
        s.remove_container(&ctr("c2", "x"))
    });
    assert_eq!(
        t.ok(Call::LookupContainerId, |s| s.lookup_container_id("c2")),
        "c1"
    );
}

/// SPEC §5 Strings, keys compare byte for byte: `_` is no wildcard - `"a_"` prefixes `a_1` only,
/// not `ab1`.
pub fn underscore_in_a_prefix_is_literal(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("a_1", "one"))?;
        s.add_container(&ctr("ab1", "two"))
    });
    assert_eq!(
        t.ok(Call::LookupContainerId, |s| s.lookup_container_id("a_")),
        "a_1"
    );
}

/// SPEC §5 Strings, keys compare byte for byte: `"a_"` matches nothing when only `ab1` exists.
pub fn underscore_prefix_does_not_match_any_character(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("ab1", "two")));
    t.fails(Call::LookupContainerId, NoSuchCtr, |s| {
        s.lookup_container_id("a_")
    });
}

/// SPEC §5 Strings, keys compare byte for byte: `%` is no wildcard - `"a%"` does not prefix `ab`.
pub fn percent_prefix_does_not_match_anything(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("ab", "one")));
    t.fails(Call::LookupContainer, NoSuchCtr, |s| {
        s.lookup_container("a%")
    });
}

/// SPEC §5 Strings, keys compare byte for byte: `"a%"` prefixes `a%b` and nothing else.
pub fn percent_in_a_prefix_is_literal(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("a%b", "one"))?;
        s.add_container(&ctr("ab", "two"))?;
        s.add_container(&ctr("axb", "three"))
    });
    assert_eq!(
        t.ok(Call::LookupContainerId, |s| s.lookup_container_id("a%")),
        "a%b"
    );
}

/// SPEC §5 Strings, keys compare byte for byte: `*`, `?` and `[...]` are no `GLOB` patterns.
pub fn glob_characters_in_a_prefix_are_literal(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("ab", "one"))?;
        s.add_container(&ctr("[a]?*x", "two"))
    });
    assert_eq!(
        t.ok(Call::LookupContainerId, |s| s.lookup_container_id("[a]?*")),
        "[a]?*x"
    );
}

/// SPEC §5 Strings, keys compare byte for byte: a backslash escapes nothing - `"a\\_"` prefixes
/// `a\_y` only, not `a_x`.
pub fn backslash_in_a_prefix_is_literal(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("a_x", "one"))?;
        s.add_container(&ctr("a\\_y", "two"))
    });
    assert_eq!(
        t.ok(Call::LookupContainerId, |s| s.lookup_container_id("a\\_")),
        "a\\_y"
    );
}

/// SPEC §5 Strings: "case-sensitive" - `"abc"` does not find `ABC1` (SQL `LIKE` ignores ASCII
/// case).
pub fn prefixes_are_case_sensitive(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("ABC1", "one")));
    t.fails(Call::LookupContainerId, NoSuchCtr, |s| {
        s.lookup_container_id("abc")
    });
}

/// SPEC §5 Strings: case-sensitive names - `Web` and `web` are two names.
pub fn names_differing_in_case_are_distinct(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "web")));
    t.ok(Call::AddPod, |s| s.add_pod(&pod("p1", "Web")));
    assert_eq!(t.ok(Call::LookupPod, |s| s.lookup_pod("Web")).id(), "p1");
}

/// SPEC §5 Strings: no Unicode normalisation - a decomposed `é` is not the composed one.
pub fn names_are_not_unicode_normalised(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "caf\u{e9}")));
    t.fails(Call::LookupContainerId, NoSuchCtr, |s| {
        s.lookup_container_id("cafe\u{301}")
    });
}

/// SPEC §2.8: strings sort "by their UTF-8 bytes" - `B` < `_` < `a` < `b` < `é`.
pub fn ids_sort_by_bytes(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        for id in ["b", "\u{e9}", "a", "_", "B"] {
            s.add_container(&ctr(id, &format!("n{id}")))?;
        }
        Ok(())
    });
    let all = t.ok(Call::AllContainers, |s| s.all_containers());
    let ids: Vec<&str> = all.iter().map(|c| c.id()).collect();
    assert_eq!(ids, ["B", "_", "a", "b", "\u{e9}"]);
}

/// SPEC §5 Strings: byte-for-byte keys - a trailing space makes another ID (SQL `CHAR` padding
/// would not).
pub fn a_trailing_space_makes_another_id(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("a", "one")));
    t.ok(Call::AddContainer, |s| s.add_container(&ctr("a ", "two")));
    assert_eq!(t.ok(Call::GetName, |s| s.get_name("a ")), "two");
}

/// SPEC §5 Strings: no length cap - a 10 000-byte ID round-trips and resolves by prefix.
pub fn very_long_ids_round_trip(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let id = format!("{}z", "0123456789".repeat(1000));
    let c = ctr(&id, "long");
    t.given(|s| s.add_container(&c));
    assert_eq!(
        t.ok(Call::LookupContainer, |s| s.lookup_container(&id[..9000])),
        c
    );
}

/// SPEC §5 Strings, keys compare byte for byte: slashes, newlines and quotes are ordinary bytes.
pub fn ids_with_slashes_newlines_and_quotes_work(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let id = "a/b\nc'd\"e";
    t.given(|s| s.add_container(&ctr(id, "odd")));
    assert_eq!(
        t.ok(Call::LookupContainerId, |s| s
            .lookup_container_id("a/b\nc'")),
        id
    );
}

/// SPEC §5 Strings, keys compare byte for byte: `_` in volume prefixes is literal too.
pub fn underscore_in_a_volume_prefix_is_literal(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_volume(&vol("v_1"))?;
        s.add_volume(&vol("vx1"))
    });
    assert_eq!(
        t.ok(Call::LookupVolume, |s| s.lookup_volume("v_")),
        vol("v_1")
    );
}

/// SPEC §5 Strings, keys compare byte for byte: volume prefixes are case-sensitive.
pub fn volume_prefixes_are_case_sensitive(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_volume(&vol("Data")));
    t.fails(Call::LookupVolume, NoSuchVolume, |s| s.lookup_volume("da"));
}

/// SPEC §5 Strings, keys compare byte for byte: `%` in pod prefixes is literal.
pub fn percent_in_a_pod_prefix_is_literal(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("p%1", "one"))?;
        s.add_pod(&pod("px1", "two"))
    });
    assert_eq!(t.ok(Call::LookupPod, |s| s.lookup_pod("p%")).id(), "p%1");
}

/// SPEC §5 Strings, network names compare byte for byte: disconnecting `"n%"` does not disconnect
/// `n1`.
pub fn a_wildcard_network_name_matches_no_network(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("c1", "one").with_networks(&["n1"]);
    t.given(|s| s.add_container(&c));
    t.fails(Call::NetworkDisconnect, NoSuchNetwork, |s| {
        s.network_disconnect(&c, "n%")
    });
}
