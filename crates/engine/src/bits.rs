//! A fixed-size set of small integers (category indices), as 64-bit words.
//! Union, intersection and subset tests are a handful of word operations.

use serde::Serialize;

/// A set of category indices.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Bits {
    words: Vec<u64>,
}

impl Bits {
    pub fn with_capacity(bits: usize) -> Bits {
        Bits {
            words: vec![0; bits.div_ceil(64)],
        }
    }

    pub fn insert(&mut self, bit: usize) {
        let word = bit / 64;
        if word >= self.words.len() {
            self.words.resize(word + 1, 0);
        }
        self.words[word] |= 1 << (bit % 64);
    }

    pub fn contains(&self, bit: usize) -> bool {
        self.words
            .get(bit / 64)
            .is_some_and(|w| w & (1 << (bit % 64)) != 0)
    }

    pub fn union_with(&mut self, other: &Bits) {
        if other.words.len() > self.words.len() {
            self.words.resize(other.words.len(), 0);
        }
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    /// The elements of `self` that are also in `other`.
    pub fn intersection(&self, other: &Bits) -> Bits {
        Bits {
            words: self
                .words
                .iter()
                .zip(other.words.iter().chain(std::iter::repeat(&0)))
                .map(|(a, b)| a & b)
                .collect(),
        }
    }

    /// The elements of `self` that are not in `other`.
    pub fn difference(&self, other: &Bits) -> Bits {
        Bits {
            words: self
                .words
                .iter()
                .zip(other.words.iter().chain(std::iter::repeat(&0)))
                .map(|(a, b)| a & !b)
                .collect(),
        }
    }

    pub fn is_subset(&self, other: &Bits) -> bool {
        self.words
            .iter()
            .enumerate()
            .all(|(i, a)| a & !other.words.get(i).copied().unwrap_or(0) == 0)
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(i, w)| {
            (0..64)
                .filter(move |b| w & (1 << b) != 0)
                .map(move |b| i * 64 + b)
        })
    }
}

impl Serialize for Bits {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_operations() {
        let mut a = Bits::with_capacity(130);
        a.insert(1);
        a.insert(129);
        let mut b = Bits::default();
        b.insert(1);
        assert!(b.is_subset(&a) && !a.is_subset(&b));
        assert_eq!(a.intersection(&b).iter().collect::<Vec<_>>(), vec![1]);
        assert_eq!(a.difference(&b).iter().collect::<Vec<_>>(), vec![129]);
        b.union_with(&a);
        assert!(a.is_subset(&b) && b.contains(129));
        assert!(Bits::default().is_empty());
    }
}
