//! The scenario suite: short stories, each checking one SPEC clause with one exact outcome, run
//! unchanged against any backend.
//!
//! # Organisation
//!
//! One module per concern, named as everywhere else in the workspace: [`containers`], [`pods`],
//! [`volumes`], [`exec`], [`networks`], [`lookups`], [`namespaces`], [`dependencies`],
//! [`lifecycle`] (refresh, DB config, close), [`rewrite`] (the three `rewrite_*_config` calls),
//! [`copies`] (independent copies, verbatim payloads, save/update), [`strings`] (the string rules
//! on stored keys), [`check_order`] (two rules broken at once: SPEC §4 decides which one answers)
//! and [`sharp_edges`] (podman's traps: prefixes that are names, shared pod/container names, SQL
//! wildcards in keys, ...). Each scenario is a `pub fn(&dyn BackendFactory)` with a doc line
//! quoting the clause it checks; it panics when the backend disagrees.
//!
//! [`tables`] holds the mechanical checks driven by [`Call::ALL`](crate::Call::ALL): `DbClosed`
//! after `close` and `InvalidArg` for empty or NUL strings, for every call and every string
//! argument. They run like scenarios but do not count as such ([`Scenario::is_table`]).
//!
//! Every scenario goes through [`harness::Tester`](crate::harness::Tester): each observed outcome
//! must be one [`Call::allows`](crate::Call::allows), and each failing call is checked to leave
//! the store exactly as it was.
//!
//! # Running the suite against a backend
//!
//! In the backend's `tests/conformance.rs`, one line emits one `#[test]` per scenario, grouped in
//! one module per concern:
//!
//! ```ignore
//! podstate_conformance::scenario_tests!(my_backend_factory());
//! ```
//!
//! where the expression is any [`BackendFactory`]; [`FnFactory`](crate::FnFactory) builds one
//! from a closure. `cargo test -p my-backend --test conformance containers::` runs one group. A
//! runner wanting a count instead of test output walks [`scenarios()`] and calls [`run`].
//!
//! The list of scenarios is written once, in [`__for_each_scenario!`](crate::__for_each_scenario),
//! which feeds both [`scenarios()`] and [`scenario_tests!`](crate::scenario_tests).

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::factory::BackendFactory;

pub mod check_order;
pub mod check_order_rules;
pub mod containers;
pub mod copies;
pub mod dependencies;
pub mod exec;
pub mod lifecycle;
pub mod lookups;
pub mod namespaces;
pub mod networks;
pub mod passed_strings;
pub mod pod_members;
pub mod pods;
pub mod rewrite;
pub mod sharp_edges;
pub mod strings;
pub mod tables;
pub mod visibility;
pub mod volumes;

/// One scenario: where it lives and how to run it.
#[derive(Clone, Copy)]
pub struct Scenario {
    /// The module (concern) it belongs to, e.g. `"containers"`.
    pub group: &'static str,
    /// Its function name.
    pub name: &'static str,
    /// Runs it against a backend; a failure is a panic.
    pub run: fn(&dyn BackendFactory),
}

impl std::fmt::Debug for Scenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}::{}", self.group, self.name)
    }
}

impl Scenario {
    /// Whether this is one of the mechanical [`tables`] rather than a hand-written scenario.
    pub fn is_table(&self) -> bool {
        self.group == "tables"
    }
}

/// Lists every scenario by group and calls back `$cb! { ($($args)*) group: [name, ...], ... }`.
/// The one place the suite is enumerated.
#[macro_export]
#[doc(hidden)]
macro_rules! __for_each_scenario {
    ($cb:path, $($args:tt)*) => {
        $cb! { ($($args)*)
            containers: [
                add_container_stores_config_and_state_verbatim,
                add_container_with_pod_set_is_invalid_arg,
                add_container_with_taken_container_id_is_ctr_exists,
                add_container_with_id_of_a_pod_is_pod_exists,
                add_container_with_name_of_a_pod_is_pod_exists,
                add_container_with_name_of_a_container_is_ctr_exists,
                add_container_named_like_another_id_succeeds,
                add_container_with_aliases_for_an_unlisted_network_is_invalid_arg,
                add_container_listing_a_network_twice_is_invalid_arg,
                add_container_mounting_a_missing_volume_is_no_such_volume,
                add_container_with_an_empty_sharing_field_is_invalid_arg,
                remove_container_frees_its_id_and_name,
                remove_container_of_a_pod_member_is_invalid_arg,
                remove_container_passed_with_a_pod_is_invalid_arg,
                remove_missing_container_is_no_such_ctr,
                remove_container_with_a_dependent_is_in_use,
                remove_container_drops_its_edges,
                container_in_use_of_a_missing_container_is_no_such_ctr,
                all_containers_are_sorted_by_id,
                all_containers_include_pod_members,
                get_container_config_returns_the_config_as_added,
                get_container_config_of_a_missing_id_is_no_such_ctr,
                container_with_a_pod_id_is_no_such_ctr,
            ],
            pods: [
                add_pod_stores_config_and_state_verbatim,
                add_pod_with_id_of_a_container_is_ctr_exists,
                add_pod_with_taken_pod_id_is_pod_exists,
                add_pod_with_name_of_a_container_is_ctr_exists,
                add_pod_with_name_of_a_pod_is_pod_exists,
                add_pod_with_an_empty_name_is_invalid_arg,
                remove_empty_pod_frees_its_name,
                remove_pod_with_members_is_in_use,
                remove_missing_pod_is_no_such_pod,
                pod_containers_by_id_lists_members_sorted,
                pod_containers_returns_the_members,
                pod_containers_of_a_missing_pod_is_no_such_pod,
                pod_containers_by_id_of_a_missing_pod_is_no_such_pod,
                pod_has_container_is_false_for_a_member_of_another_pod,
                pod_has_container_on_a_missing_pod_is_no_such_pod,
                remove_pod_containers_removes_members_despite_their_dependencies,
                remove_pod_containers_of_a_missing_pod_is_no_such_pod,
                remove_pod_containers_frees_member_names,
                all_pods_are_sorted_by_id,
            ],
            pod_members: [
                add_container_to_pod_makes_it_a_member,
                add_container_to_pod_without_pod_field_is_invalid_arg,
                add_container_to_pod_naming_another_pod_is_invalid_arg,
                add_container_to_a_missing_pod_is_no_such_pod,
                add_container_to_pod_of_another_namespace_is_ns_mismatch,
                add_container_to_pod_with_taken_id_is_ctr_exists,
                add_container_to_pod_named_like_its_pod_is_pod_exists,
                add_container_to_pod_with_a_missing_dependency_is_no_such_ctr,
                add_container_to_pod_with_a_missing_volume_is_no_such_volume,
                remove_container_from_pod_drops_the_membership,
                remove_container_from_pod_passed_without_pod_is_invalid_arg,
                remove_container_from_pod_of_a_member_of_another_pod_is_invalid_arg,
                remove_missing_container_from_pod_is_no_such_ctr,
                remove_container_from_a_missing_pod_is_no_such_pod,
                remove_container_from_pod_with_a_dependent_is_in_use,
            ],
            volumes: [
                add_volume_stores_config_and_state_verbatim,
                add_volume_with_a_taken_name_is_volume_exists,
                volume_named_like_a_container_is_fine,
                remove_volume_in_use_is_in_use,
                remove_missing_volume_is_no_such_volume,
                remove_unused_volume_removes_it,
                volume_in_use_lists_users_of_every_namespace,
                a_volume_mounted_twice_counts_one_user,
                volume_in_use_of_a_missing_volume_is_no_such_volume,
                volume_is_free_after_its_user_leaves_the_pod,
                volume_is_free_after_remove_pod_containers,
                volume_by_a_prefix_is_no_such_volume,
                volumes_ignore_the_handle_namespace,
                save_volume_stores_only_the_state,
                save_missing_volume_is_no_such_volume,
                update_volume_reloads_the_state,
                update_missing_volume_is_no_such_volume_and_keeps_the_object,
            ],
            exec: [
                added_session_resolves_to_its_container,
                add_session_to_a_missing_container_is_no_such_ctr,
                add_session_naming_another_container_is_invalid_arg,
                add_session_with_an_id_used_by_another_container_is_exec_session_exists,
                session_id_may_equal_a_container_id,
                add_session_leaves_the_container_state_alone,
                sessions_in_the_state_are_not_registered,
                removed_session_is_no_longer_registered,
                remove_unregistered_session_is_no_such_exec_session,
                remove_session_of_another_container_is_invalid_arg,
                remove_session_ignores_the_handle_namespace,
                container_sessions_are_listed_sorted_whatever_the_namespace,
                container_sessions_of_a_missing_container_is_no_such_ctr,
                removing_all_sessions_unblocks_container_removal,
                remove_sessions_of_a_missing_container_is_no_such_ctr,
                remove_container_with_a_session_is_in_use,
                remove_member_with_a_session_is_in_use,
                remove_pod_containers_drops_their_sessions,
                add_session_to_a_container_of_another_namespace_is_ns_mismatch,
            ],
            networks: [
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
            ],
            lookups: [
                lookup_container_by_full_id,
                lookup_container_by_exact_name,
                lookup_container_by_unique_prefix,
                lookup_container_id_by_shared_prefix_is_ambiguous,
                lookup_container_by_shared_prefix_is_ambiguous,
                lookup_container_matching_nothing_is_no_such_ctr,
                exact_id_beats_a_longer_id_sharing_the_prefix,
                exact_id_beats_an_exact_name,
                names_are_never_prefix_matched,
                container_lookup_of_a_pod_name_is_no_such_ctr_saying_so,
                container_lookup_never_matches_a_pod_id_prefix,
                lookup_pod_by_exact_name,
                lookup_pod_by_unique_prefix_ignores_containers,
                lookup_pod_by_shared_prefix_is_ambiguous,
                pod_lookup_of_a_container_name_is_no_such_pod,
                pod_by_a_prefix_is_no_such_pod,
                container_by_a_prefix_is_no_such_ctr,
                get_name_of_a_pod_id_is_its_name,
                get_name_of_a_prefix_is_no_such_ctr,
                get_name_of_a_name_is_no_such_ctr,
                has_container_is_false_for_a_pod_id,
                has_pod_is_false_for_a_container_id_and_a_pod_name,
                lookup_volume_exact_name_beats_a_longer_name,
                lookup_volume_by_unique_prefix,
                lookup_volume_by_shared_prefix_is_ambiguous,
                lookup_volume_matching_nothing_is_no_such_volume,
            ],
            namespaces: [
                all_containers_lists_only_the_handle_namespace,
                all_pods_lists_only_the_handle_namespace,
                the_empty_namespace_sees_everything,
                has_container_is_false_outside_the_namespace,
                has_pod_is_false_outside_the_namespace,
                container_of_another_namespace_is_ns_mismatch,
                container_config_of_another_namespace_is_ns_mismatch,
                pod_of_another_namespace_is_ns_mismatch,
                lookup_of_a_foreign_exact_id_is_no_such_ctr,
                lookup_pod_of_a_foreign_name_is_no_such_pod,
                get_name_of_a_foreign_id_is_no_such_ctr,
                add_container_in_another_namespace_is_ns_mismatch,
                add_pod_in_another_namespace_is_ns_mismatch,
                add_container_to_pod_in_another_namespace_is_ns_mismatch,
                save_container_stored_in_another_namespace_is_ns_mismatch,
                remove_container_passed_with_another_namespace_is_ns_mismatch,
                update_container_of_another_namespace_is_ns_mismatch,
                container_in_use_of_another_namespace_is_ns_mismatch,
                pod_containers_of_another_namespace_is_ns_mismatch,
                pod_containers_by_id_of_a_pod_stored_elsewhere_is_ns_mismatch,
                pod_has_container_of_another_namespace_is_ns_mismatch,
                remove_pod_of_another_namespace_is_ns_mismatch,
                remove_pod_containers_of_another_namespace_is_ns_mismatch,
                save_pod_of_another_namespace_is_ns_mismatch,
                update_pod_of_another_namespace_is_ns_mismatch,
                remove_member_of_a_pod_of_another_namespace_is_ns_mismatch,
                ids_are_shared_across_namespaces,
                names_are_shared_across_namespaces,
                a_new_handle_starts_in_the_empty_namespace,
                set_namespace_with_a_nul_is_invalid_arg,
            ],
            visibility: [
                an_invisible_exact_id_falls_through_to_a_visible_prefix,
                an_invisible_name_falls_through_to_a_visible_prefix,
                an_invisible_exact_id_falls_through_to_a_visible_name,
                ambiguity_counts_visible_containers_only,
                pod_ambiguity_counts_visible_pods_only,
                an_invisible_unique_prefix_is_no_such_ctr,
                an_invisible_exact_id_is_ns_mismatch_for_container,
                an_object_without_namespace_is_invisible_to_a_namespaced_handle,
                an_invisible_dependency_is_ns_mismatch_not_missing,
                an_invisible_holder_still_holds_its_id,
                an_invisible_user_keeps_a_volume_in_use,
                a_session_of_an_invisible_container_resolves,
                removing_sessions_of_an_invisible_container_works,
            ],
            dependencies: [
                container_in_use_lists_dependents_sorted,
                a_dependency_named_twice_counts_once,
                depending_on_itself_is_invalid_arg,
                sharing_a_namespace_with_itself_is_invalid_arg,
                depending_on_a_missing_container_is_no_such_ctr,
                depending_on_a_pod_is_no_such_ctr,
                depending_on_a_name_is_no_such_ctr,
                depending_on_an_id_prefix_is_no_such_ctr,
                depending_on_another_namespace_is_ns_mismatch,
                depending_on_the_empty_namespace_from_a_namespace_is_ns_mismatch,
                depending_on_a_pod_member_from_outside_is_invalid_arg,
                member_depending_on_a_container_outside_pods_is_invalid_arg,
                member_depending_on_a_member_of_another_pod_is_invalid_arg,
                member_depending_on_a_member_of_its_pod_succeeds,
                removing_the_dependent_first_frees_the_dependency,
            ],
            lifecycle: [
                refresh_resets_a_running_container,
                refresh_keeps_an_exited_container_exited,
                refresh_clears_pod_cgroups_only,
                refresh_zeroes_volume_mount_counts,
                refresh_drops_exec_registrations_in_every_namespace,
                refresh_keeps_every_relation,
                a_new_store_has_an_empty_db_config,
                validate_pins_the_non_empty_values,
                validate_fills_unpinned_fields_later,
                validate_mismatch_is_db_bad_config_and_pins_nothing,
                validate_does_not_clean_paths,
                refresh_after_close_is_db_closed,
                validate_after_close_is_db_closed,
                close_leaves_other_handles_open,
                handles_on_one_store_see_each_others_writes,
            ],
            rewrite: [
                rewrite_container_config_replaces_it_but_not_the_networks,
                rewrite_moving_a_dependency_between_fields_succeeds,
                rewrite_changing_the_container_name_is_invalid_arg,
                rewrite_dropping_a_dependency_is_invalid_arg,
                rewrite_adding_a_volume_is_invalid_arg,
                rewrite_setting_a_pod_is_invalid_arg,
                rewrite_changing_the_namespace_is_invalid_arg,
                rewrite_config_of_a_missing_container_is_no_such_ctr,
                rewrite_config_of_another_namespace_is_ns_mismatch,
                rewrite_pod_config_replaces_it,
                rewrite_pod_config_renaming_is_invalid_arg,
                rewrite_config_of_a_missing_pod_is_no_such_pod,
                rewrite_config_of_a_pod_of_another_namespace_is_ns_mismatch,
                rewrite_volume_config_replaces_it,
                rewrite_volume_config_renaming_is_invalid_arg,
                rewrite_config_of_a_missing_volume_is_no_such_volume,
            ],
            copies: [
                mutating_a_returned_container_changes_nothing,
                mutating_an_added_object_afterwards_changes_nothing,
                mutating_returned_pods_and_volumes_changes_nothing,
                payloads_round_trip_byte_for_byte,
                timestamps_round_trip_to_the_nanosecond,
                config_lists_keep_their_order,
                save_container_stores_the_state_not_the_config,
                save_missing_container_is_no_such_ctr,
                update_container_reloads_only_the_state,
                update_missing_container_is_no_such_ctr_and_keeps_the_object,
                save_pod_then_update_pod_carries_the_state,
                save_missing_pod_is_no_such_pod,
                update_missing_pod_is_no_such_pod_and_keeps_the_object,
            ],
            strings: [
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
            ],
            passed_strings: [
                save_container_with_an_empty_id_is_invalid_arg,
                update_container_with_a_nul_namespace_is_invalid_arg,
                container_in_use_with_an_empty_pod_is_invalid_arg,
                get_networks_with_a_nul_suffixed_id_is_invalid_arg,
                all_network_aliases_with_an_empty_id_is_invalid_arg,
                container_sessions_with_a_nul_suffixed_id_is_invalid_arg,
                remove_container_sessions_with_an_empty_id_is_invalid_arg,
                pod_containers_by_id_with_a_nul_suffixed_id_is_invalid_arg,
                pod_containers_with_an_empty_id_is_invalid_arg,
                remove_pod_with_a_nul_suffixed_id_is_invalid_arg,
                remove_pod_containers_with_a_nul_namespace_is_invalid_arg,
                update_pod_with_an_empty_id_is_invalid_arg,
                save_pod_with_a_nul_suffixed_id_is_invalid_arg,
                volume_in_use_with_an_empty_name_is_invalid_arg,
                remove_volume_with_a_nul_suffixed_name_is_invalid_arg,
                update_volume_with_an_empty_name_is_invalid_arg,
                save_volume_with_a_nul_suffixed_name_is_invalid_arg,
                a_passed_container_with_an_empty_name_is_fine,
                a_passed_pod_with_a_bad_name_is_fine,
            ],
            check_order: [
                closed_beats_an_empty_id,
                closed_beats_pod_misuse,
                closed_beats_a_nul_namespace,
                empty_name_beats_a_foreign_namespace,
                pod_misuse_beats_a_foreign_namespace,
                remove_pod_misuse_beats_a_foreign_namespace,
                member_pod_mismatch_beats_a_foreign_pod,
                bad_rewrite_config_beats_a_foreign_container,
                empty_network_beats_a_missing_container,
                foreign_passed_container_beats_a_missing_one,
                foreign_passed_pod_beats_a_missing_one,
                foreign_member_beats_a_missing_pod,
                foreign_update_beats_a_missing_container,
                missing_pod_beats_a_missing_member,
                missing_member_beats_a_pod_stored_elsewhere,
                stored_namespace_beats_stored_pod,
                stored_pod_beats_dependents,
                missing_pod_beats_a_taken_id,
                member_namespace_beats_a_taken_id,
                missing_container_beats_a_mismatched_session,
                missing_container_beats_an_identity_change,
                stored_namespace_beats_network_exists,
            ],
            check_order_rules: [
                taken_id_beats_a_taken_name,
                add_pod_taken_id_beats_a_taken_name,
                taken_name_beats_a_stray_alias,
                stray_alias_beats_a_missing_dependency,
                missing_dependency_beats_a_missing_volume,
                dependencies_are_checked_in_sorted_order,
                the_first_dependency_in_byte_order_answers,
                each_dependency_is_checked_whole_before_the_next,
                an_earlier_missing_dependency_beats_self_dependency,
                self_dependency_beats_a_later_missing_one,
                member_dependency_outside_the_pod_beats_a_missing_volume,
                mismatched_session_beats_a_taken_session_id,
                validate_names_the_first_mismatching_field,
                unregistered_session_beats_a_missing_container,
            ],
            sharp_edges: [
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
            ],
            tables: [
                every_call_succeeds_with_its_baseline_arguments,
                closed_handle_answers_db_closed_to_every_call,
                closed_handle_answers_db_closed_before_checking_arguments,
                close_is_idempotent_and_leaves_other_handles_working,
                empty_strings_are_invalid_arg_for_every_call,
                nul_strings_are_invalid_arg_for_every_call,
                only_list_and_db_calls_take_no_strings,
            ],
        }
    };
}

/// Emits one `#[test]` per scenario, in one module per group, running it against the backend
/// factory the expression builds (evaluated once per test).
///
/// ```ignore
/// podstate_conformance::scenario_tests!(podstate_conformance::FnFactory::new(
///     "memory",
///     podstate_conformance::Capabilities::default(),
///     || {
///         let store = podstate_memory::MemoryStore::new();
///         Ok(podstate_conformance::StoreFn::new(move || Ok(store.open())))
///     },
/// ));
/// ```
#[macro_export]
macro_rules! scenario_tests {
    ($factory:expr $(,)?) => {
        #[allow(dead_code)]
        fn __podstate_conformance_factory() -> impl $crate::BackendFactory {
            $factory
        }
        $crate::__for_each_scenario!($crate::__scenario_test_modules,);
    };
}

/// The callback of [`scenario_tests!`]: the test modules.
#[macro_export]
#[doc(hidden)]
macro_rules! __scenario_test_modules {
    (() $($group:ident : [$($name:ident),* $(,)?]),* $(,)?) => {
        $(
            mod $group {
                $(
                    #[test]
                    fn $name() {
                        $crate::scenarios::$group::$name(&super::__podstate_conformance_factory());
                    }
                )*
            }
        )*
    };
}

macro_rules! scenario_table {
    (() $($group:ident : [$($name:ident),* $(,)?]),* $(,)?) => {
        static SCENARIOS: &[Scenario] = &[
            $($(
                Scenario { group: stringify!($group), name: stringify!($name), run: $group::$name },
            )*)*
        ];

        /// Each group's source, so a test can prove every scenario function is listed.
        #[cfg(test)]
        static SOURCES: &[(&str, &str)] = &[
            $((stringify!($group), include_str!(concat!(stringify!($group), ".rs"))),)*
        ];
    };
}

crate::__for_each_scenario!(scenario_table,);

/// Every scenario and table, in the order of [`__for_each_scenario!`](crate::__for_each_scenario).
pub fn scenarios() -> &'static [Scenario] {
    SCENARIOS
}

/// Runs one scenario against `factory`, turning its panic into the panic message.
pub fn run(scenario: &Scenario, factory: &dyn BackendFactory) -> Result<(), String> {
    catch_unwind(AssertUnwindSafe(|| (scenario.run)(factory))).map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "the scenario panicked".to_owned())
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use podstate_api::ErrorKind;

    use super::*;
    use crate::{Capabilities, FnFactory, Outcome, StoreFn, coverage};

    fn memory() -> impl BackendFactory {
        FnFactory::new("memory", Capabilities::default(), || {
            let store = podstate_memory::MemoryStore::new();
            Ok(StoreFn::new(move || Ok(store.open())))
        })
    }

    #[test]
    fn there_are_at_least_150_hand_written_scenarios() {
        let hand_written = scenarios().iter().filter(|s| !s.is_table()).count();
        assert!(hand_written >= 150, "only {hand_written} scenarios");
    }

    #[test]
    fn names_are_unique() {
        let names: BTreeSet<_> = scenarios().iter().map(|s| s.name).collect();
        assert_eq!(names.len(), scenarios().len(), "a name repeats");
    }

    /// A scenario written but left out of `__for_each_scenario!` would never run.
    #[test]
    fn every_scenario_function_is_listed_and_cites_spec() {
        let listed: BTreeSet<_> = scenarios().iter().map(|s| (s.group, s.name)).collect();
        for (group, source) in SOURCES {
            let lines: Vec<&str> = source.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                let Some(rest) = line.strip_prefix("pub fn ") else {
                    continue;
                };
                let name = rest.split('(').next().unwrap_or_default();
                assert!(
                    listed.contains(&(*group, name)),
                    "{group}::{name} is not listed"
                );
                let doc: Vec<&str> = lines[..i]
                    .iter()
                    .rev()
                    .take_while(|l| l.starts_with("///"))
                    .copied()
                    .collect();
                let cites = doc
                    .iter()
                    .any(|l| l.contains("SPEC") || l.contains("State-api"));
                assert!(
                    *group == "tables" || cites,
                    "{group}::{name} cites no clause"
                );
            }
        }
    }

    /// SPEC §4 "Allowed outcomes": the hand-written scenarios demand every outcome each call may
    /// answer (but `DbClosed`), and with the tables, `DbClosed` for every call too.
    #[test]
    fn the_suite_demands_every_allowed_outcome_of_every_call() {
        let factory = memory();
        coverage::take();
        for scenario in scenarios().iter().filter(|s| !s.is_table()) {
            run(scenario, &factory).unwrap_or_else(|e| panic!("{scenario:?}: {e}"));
        }
        let hand_written = coverage::take();
        let gaps: Vec<_> = coverage::missing(&hand_written)
            .into_iter()
            .filter(|(_, outcome)| *outcome != Outcome::Err(ErrorKind::DbClosed))
            .collect();
        assert!(gaps.is_empty(), "no scenario demands {gaps:?}");
        for table in scenarios().iter().filter(|s| s.is_table()) {
            run(table, &factory).unwrap_or_else(|e| panic!("{table:?}: {e}"));
        }
        let all: BTreeSet<_> = hand_written.union(&coverage::take()).copied().collect();
        assert_eq!(coverage::missing(&all), []);
    }
}
