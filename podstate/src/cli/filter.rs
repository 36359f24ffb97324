//! `inspect --filter key=value`: which containers, pods and volumes a listing keeps.
//!
//! As `podman ps --filter`: values of one key are alternatives, different keys must all
//! match. `namespace` is exact, `pod` is a pod's name or ID, `status` a container status (any
//! case), `name` a part of the name. A kind of object that lacks a filtered attribute is not
//! listed at all (a `status` filter lists no pods, a `namespace` filter no volumes).

use std::str::FromStr;

/// The filters given, by key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    namespace: Vec<String>,
    pod: Vec<String>,
    status: Vec<String>,
    name: Vec<String>,
}

/// The keys `--filter` accepts, for messages and help.
pub const KEYS: &str = "namespace, pod, status, name";

/// A `--filter` that is not `key=value` of a known key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    /// No `=` in it.
    #[error("filter {0:?} is not key=value (keys: {KEYS})")]
    NotKeyValue(String),
    /// A key none of [`KEYS`].
    #[error("unknown filter key {0:?} (keys: {KEYS})")]
    UnknownKey(String),
}

impl FromStr for Filters {
    type Err = FilterError;

    /// One `key=value`.
    fn from_str(arg: &str) -> Result<Filters, FilterError> {
        let mut filters = Filters::default();
        filters.add(arg)?;
        Ok(filters)
    }
}

impl Filters {
    /// Adds one `key=value` filter.
    pub fn add(&mut self, arg: &str) -> Result<(), FilterError> {
        let Some((key, value)) = arg.split_once('=') else {
            return Err(FilterError::NotKeyValue(arg.to_owned()));
        };
        let list = match key {
            "namespace" => &mut self.namespace,
            "pod" => &mut self.pod,
            "status" => &mut self.status,
            "name" => &mut self.name,
            other => return Err(FilterError::UnknownKey(other.to_owned())),
        };
        list.push(value.to_owned());
        Ok(())
    }

    /// All filters given, merged.
    pub fn merge(all: impl IntoIterator<Item = Filters>) -> Filters {
        let mut merged = Filters::default();
        for f in all {
            merged.namespace.extend(f.namespace);
            merged.pod.extend(f.pod);
            merged.status.extend(f.status);
            merged.name.extend(f.name);
        }
        merged
    }

    /// The namespaces filtered on (for the hint when none of them holds anything).
    pub fn namespaces(&self) -> &[String] {
        &self.namespace
    }

    /// Whether a container with these attributes is listed; `pod` is its pod's (ID, name).
    pub fn container(
        &self,
        name: &str,
        namespace: &str,
        pod: Option<(&str, &str)>,
        status: &str,
    ) -> bool {
        matches(&self.namespace, |ns| ns == namespace)
            && matches(&self.pod, |p| pod.is_some_and(|(id, n)| p == id || p == n))
            && matches(&self.status, |s| s.eq_ignore_ascii_case(status))
            && matches(&self.name, |part| name.contains(part))
    }

    /// Whether pods are listed at all, and this one (ID, name, namespace).
    pub fn pod(&self, id: &str, name: &str, namespace: &str) -> bool {
        self.status.is_empty()
            && matches(&self.namespace, |ns| ns == namespace)
            && matches(&self.pod, |p| p == id || p == name)
            && matches(&self.name, |part| name.contains(part))
    }

    /// Whether volumes are listed at all, and this one.
    pub fn volume(&self, name: &str) -> bool {
        self.namespace.is_empty()
            && self.pod.is_empty()
            && self.status.is_empty()
            && matches(&self.name, |part| name.contains(part))
    }
}

/// No value given, or one of them matches.
fn matches(values: &[String], one: impl Fn(&str) -> bool) -> bool {
    values.is_empty() || values.iter().any(|v| one(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filters(args: &[&str]) -> Filters {
        Filters::merge(args.iter().map(|a| a.parse::<Filters>().unwrap()))
    }

    #[test]
    fn one_key_is_alternatives_and_keys_are_all_required() {
        let f = filters(&["status=running", "status=Exited", "namespace=team"]);
        assert!(f.container("web", "team", None, "Running"));
        assert!(f.container("web", "team", None, "exited"));
        assert!(!f.container("web", "", None, "Running"));
        assert!(!f.container("web", "team", None, "Created"));
        assert!(!f.pod("p1", "web", "team"), "a status filter lists no pods");
        assert!(!f.volume("data"), "volumes have no namespace");
    }

    #[test]
    fn pods_match_by_name_or_id_and_names_by_part() {
        let f = filters(&["pod=web", "name=db"]);
        assert!(f.container("web-db", "", Some(("b0ca", "web")), "Running"));
        assert!(!f.container("web-db", "", None, "Running"));
        assert!(!f.container("web-app", "", Some(("b0ca", "web")), "Running"));
        assert!(filters(&["pod=b0ca"]).pod("b0ca", "web", ""));
        assert!(filters(&["name=at"]).volume("data"));
    }

    #[test]
    fn bad_filters_say_which_keys_exist() {
        let unknown = "colour=red".parse::<Filters>().unwrap_err();
        assert_eq!(unknown, FilterError::UnknownKey("colour".into()));
        assert!(unknown.to_string().contains("namespace, pod"), "{unknown}");
        let no_value = "status".parse::<Filters>().unwrap_err();
        assert_eq!(no_value, FilterError::NotKeyValue("status".into()));
        assert!(no_value.to_string().contains("key=value"), "{no_value}");
    }
}
