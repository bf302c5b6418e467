//! `IdMap`: the policy's ids (purposes, recipients, category keys...)
//! mapped to what the engine keeps for them, looked up once per query.
//!
//! Built once by `compile`, read by every decision. A decision looks up a
//! purpose, a recipient and a category key; in a policy of thousands of
//! each, every lookup is a cache miss, and a general hash map takes three
//! (its control bytes, its bucket, the key's heap string to compare). Here
//! a slot holds the key's bytes inline (ids up to 23 bytes, which is
//! nearly all of them) with its value, in one open-addressed array probed
//! linearly at most three quarters full (two slots a cache line, so a
//! short probe run stays in one or two lines; a table half full would be
//! twice the size, and a policy of 10,000 purposes' table alone 1 MiB,
//! the size of a core's L2): one miss for most lookups. The hash is
//! foldhash with a fixed seed (`compile` is deterministic): the keys come
//! from the policy, a query only looks up, so no one can grow a probe run.

use std::hash::BuildHasher;

use foldhash::fast::FixedState;

/// Ids longer than this are kept on the heap.
const INLINE: usize = 23;

/// An id's bytes: inline when short.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

impl Key {
    fn new(id: &str) -> Key {
        if id.len() <= INLINE {
            let mut bytes = [0; INLINE];
            bytes[..id.len()].copy_from_slice(id.as_bytes());
            Key::Inline {
                len: id.len() as u8,
                bytes,
            }
        } else {
            Key::Heap(id.into())
        }
    }

    fn is(&self, id: &str) -> bool {
        match self {
            Key::Inline { len, bytes } => &bytes[..usize::from(*len)] == id.as_bytes(),
            Key::Heap(key) => &**key == id,
        }
    }
}

/// A map from the policy's ids to `V`, for lookups only.
#[derive(Debug, Clone)]
pub struct IdMap<V> {
    /// A power of two long, at most three quarters full.
    slots: Box<[Option<(Key, V)>]>,
    len: usize,
}

impl<V> Default for IdMap<V> {
    fn default() -> Self {
        IdMap {
            slots: Box::new([]),
            len: 0,
        }
    }
}

fn hash(id: &str) -> usize {
    FixedState::with_seed(0x0076_6f77_5f69_6473).hash_one(id) as usize
}

impl<V> IdMap<V> {
    /// The slot of `id`, or of the empty slot where it would go.
    fn slot(&self, id: &str) -> Option<usize> {
        let mask = self.slots.len().checked_sub(1)?;
        let mut i = hash(id) & mask;
        loop {
            match &self.slots[i] {
                Some((key, _)) if !key.is(id) => i = (i + 1) & mask,
                _ => return Some(i),
            }
        }
    }

    pub fn get(&self, id: &str) -> Option<&V> {
        let i = self.slot(id)?;
        self.slots[i].as_ref().map(|(_, v)| v)
    }

    /// The value of `id`, inserted from `make` when absent.
    pub fn entry(&mut self, id: &str, make: impl FnOnce() -> V) -> &mut V {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let i = self.slot(id).expect("grown");
        if self.slots[i].is_none() {
            self.slots[i] = Some((Key::new(id), make()));
            self.len += 1;
        }
        &mut self.slots[i].as_mut().expect("just filled").1
    }

    /// Inserts `id`, keeping the value already there if any.
    pub fn insert_first(&mut self, id: &str, value: V) {
        self.entry(id, || value);
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(8);
        let old = std::mem::replace(&mut self.slots, (0..size).map(|_| None).collect());
        let mask = size - 1;
        for (key, value) in old.into_vec().into_iter().flatten() {
            let id = match &key {
                Key::Inline { len, bytes } => {
                    std::str::from_utf8(&bytes[..usize::from(*len)]).expect("was a str")
                }
                Key::Heap(id) => id,
            };
            let mut i = hash(id) & mask;
            while self.slots[i].is_some() {
                i = (i + 1) & mask;
            }
            self.slots[i] = Some((key, value));
        }
    }
}

impl<'a, V> FromIterator<(&'a str, V)> for IdMap<V> {
    /// The first value of an id given twice stands.
    fn from_iter<I: IntoIterator<Item = (&'a str, V)>>(items: I) -> Self {
        let mut map = IdMap::default();
        for (id, value) in items {
            map.insert_first(id, value);
        }
        map
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_id_and_nothing_else() {
        let long = "a.key.longer.than.twenty-three.bytes";
        let ids: Vec<String> = (0..5_000)
            .map(|i| format!("purpose_{i}"))
            .chain([long.to_owned(), String::new(), "é".to_owned()])
            .collect();
        let map: IdMap<usize> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        assert_eq!(map.len, ids.len());
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(map.get(id), Some(&i), "{id}");
        }
        for absent in [
            "purpose_5000",
            "purpose_",
            "a.key.longer.than.twenty-three.byte",
            "e",
        ] {
            assert_eq!(map.get(absent), None, "{absent}");
        }
        assert_eq!(IdMap::<usize>::default().get("x"), None);
    }

    #[test]
    fn the_first_value_stands_and_entry_updates_in_place() {
        let mut map: IdMap<Vec<u8>> = [("a", vec![1]), ("a", vec![2])].into_iter().collect();
        assert_eq!(map.get("a"), Some(&vec![1]));
        map.entry("a", Vec::new).push(3);
        map.entry("b", Vec::new).push(4);
        assert_eq!(map.get("a"), Some(&vec![1, 3]));
        assert_eq!(map.get("b"), Some(&vec![4]));
        assert_eq!((map.len, map.get("c")), (2, None));
    }
}
