//! A map with two ways in: a hash table for the exact look-ups every check makes, and an
//! ordered set of the keys for what must come out sorted (prefix scans, `all_*`).
//!
//! Measured with `cargo xtask bench` on podman-sized containers: at N = 10,000 a `BTreeMap`
//! probe with 64-character `String` keys cost about 0.3 µs, most of it cache misses on the
//! key strings compared on the way down (fourteen or so per probe), and a lookup makes three
//! or four probes; a hash probe touches two or three cache lines whatever N is. The ordered
//! set keeps the first 16 bytes of each key inline ([`OrdKey`]), so that a prefix scan's
//! descent compares bytes in the tree's own nodes and reads a key's heap text only on a tie:
//! random 64-hex IDs never tie there.

use std::collections::{BTreeSet, HashMap, btree_set};
use std::ops::Bound;

/// Values keyed by string: exact access hashed, iteration and prefix scans in key order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Keyed<V> {
    by_key: HashMap<String, V>,
    order: BTreeSet<OrdKey>,
}

/// A key of the ordered set: its first 16 bytes, zero-padded, then the key. Keys never hold a
/// NUL (SPEC §5, Strings), so ordering by (head, key) is the byte order of the keys.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct OrdKey {
    head: [u8; 16],
    key: String,
}

impl OrdKey {
    fn new(key: &str) -> OrdKey {
        let mut head = [0; 16];
        let len = key.len().min(16);
        head[..len].copy_from_slice(&key.as_bytes()[..len]);
        OrdKey {
            head,
            key: key.to_owned(),
        }
    }
}

impl<V> Default for Keyed<V> {
    fn default() -> Self {
        Keyed {
            by_key: HashMap::new(),
            order: BTreeSet::new(),
        }
    }
}

impl<V> Keyed<V> {
    /// The value at `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&V> {
        self.by_key.get(key)
    }

    /// The value at `key`, to change it (its key cannot change).
    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.by_key.get_mut(key)
    }

    /// Whether `key` is stored.
    pub(crate) fn contains_key(&self, key: &str) -> bool {
        self.by_key.contains_key(key)
    }

    /// How many values are stored.
    pub(crate) fn len(&self) -> usize {
        self.by_key.len()
    }

    /// Stores `value` at `key`, replacing any value there.
    pub(crate) fn insert(&mut self, key: String, value: V) {
        if !self.by_key.contains_key(&key) {
            self.order.insert(OrdKey::new(&key));
        }
        self.by_key.insert(key, value);
    }

    /// Removes and answers the value at `key`.
    pub(crate) fn remove(&mut self, key: &str) -> Option<V> {
        let value = self.by_key.remove(key)?;
        self.order.remove(&OrdKey::new(key));
        Some(value)
    }

    /// Every value, in key order.
    pub(crate) fn values(&self) -> impl Iterator<Item = &V> {
        self.order.iter().filter_map(|k| self.by_key.get(&k.key))
    }

    /// Every value, to change in place, in no particular order.
    pub(crate) fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.by_key.values_mut()
    }

    /// The keys from `from` on, in order, with their values.
    pub(crate) fn range_from<'a>(
        &'a self,
        from: &str,
    ) -> impl Iterator<Item = (&'a String, &'a V)> {
        self.order
            .range((Bound::Included(OrdKey::new(from)), Bound::Unbounded))
            .filter_map(|k| Some((&k.key, self.by_key.get(&k.key)?)))
    }
}

/// The entries of a [`Keyed`], in key order.
pub(crate) struct Iter<'a, V> {
    keys: btree_set::Iter<'a, OrdKey>,
    by_key: &'a HashMap<String, V>,
}

impl<'a, V> Iterator for Iter<'a, V> {
    type Item = (&'a String, &'a V);

    fn next(&mut self) -> Option<Self::Item> {
        let key = &self.keys.next()?.key;
        Some((key, self.by_key.get(key)?))
    }
}

impl<'a, V> IntoIterator for &'a Keyed<V> {
    type Item = (&'a String, &'a V);
    type IntoIter = Iter<'a, V>;

    fn into_iter(self) -> Iter<'a, V> {
        Iter {
            keys: self.order.iter(),
            by_key: &self.by_key,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_access_and_order_stay_in_step() {
        let mut map = Keyed::default();
        for key in ["b", "a", "ab", "c"] {
            map.insert(key.to_owned(), key.len());
        }
        map.insert("a".to_owned(), 10);
        assert_eq!(map.get("a"), Some(&10));
        assert_eq!(map.len(), 4);
        assert_eq!(map.remove("b"), Some(1));
        assert_eq!(map.remove("b"), None);
        assert_eq!(map.values().copied().collect::<Vec<_>>(), [10, 2, 1]);
        let from_a: Vec<&str> = map.range_from("a").map(|(k, _)| k.as_str()).collect();
        assert_eq!(from_a, ["a", "ab", "c"]);
        // Keys longer than the inline head, equal in it, still come out in byte order.
        let long = "0123456789abcdef";
        for tail in ["z", "", "a", "\u{10FFFF}"] {
            map.insert(format!("{long}{tail}"), 0);
        }
        let from_long: Vec<String> = map.range_from(long).map(|(k, _)| k.clone()).collect();
        let mut sorted = from_long.clone();
        sorted.sort();
        assert_eq!(from_long, sorted);
        assert_eq!(from_long[0], long);
        assert_eq!(from_long.len(), 4 + 3);
        assert!(!map.contains_key("b") && map.contains_key("ab"));
    }
}
