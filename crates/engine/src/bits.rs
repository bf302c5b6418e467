//! A set of small integers (category indices), as 64-bit words.
//!
//! Only the words from the lowest element to the highest are kept, inline
//! up to four words (256 categories' worth): the sets a decision builds
//! from a query stay on the stack, whatever the size of the policy, and a
//! set operation costs the span of its operands, not the number of
//! categories the policy declares. Not a general-purpose bitset: there is
//! no removal and no complement.

use serde::Serialize;
use smallvec::SmallVec;

/// A set of category indices.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Bits {
    /// The word index that `words[0]` stands for (0 when empty).
    first: usize,
    /// Neither starts nor ends with a zero word, so equal sets are equal values.
    words: SmallVec<[u64; 4]>,
}

impl Bits {
    /// The set's word at absolute word index `i`.
    fn word(&self, i: usize) -> u64 {
        i.checked_sub(self.first)
            .and_then(|k| self.words.get(k))
            .copied()
            .unwrap_or(0)
    }

    /// One past the last word index held.
    fn end(&self) -> usize {
        self.first + self.words.len()
    }

    /// The set whose word `i` is `word(i)` for `i` in `first..end`: only
    /// the words from the first non-zero one to the last are kept, so a
    /// small result of a large operation stays inline (no allocation).
    fn from_words(first: usize, end: usize, word: impl Fn(usize) -> u64) -> Bits {
        let Some(lo) = (first..end).find(|&i| word(i) != 0) else {
            return Bits::default();
        };
        let hi = (lo..end).rev().find(|&i| word(i) != 0).unwrap_or(lo);
        Bits {
            first: lo,
            words: (lo..=hi).map(word).collect(),
        }
    }

    pub fn insert(&mut self, bit: usize) {
        let word = bit / 64;
        if self.words.is_empty() {
            self.first = word;
            self.words.push(0);
        } else if word < self.first {
            self.words
                .insert_many(0, std::iter::repeat_n(0, self.first - word));
            self.first = word;
        } else if word >= self.end() {
            self.words.resize(word - self.first + 1, 0);
        }
        self.words[word - self.first] |= 1 << (bit % 64);
    }

    pub fn contains(&self, bit: usize) -> bool {
        self.word(bit / 64) & (1 << (bit % 64)) != 0
    }

    pub fn union_with(&mut self, other: &Bits) {
        if other.words.is_empty() {
            return;
        }
        if self.words.is_empty() {
            self.first = other.first;
            self.words.extend_from_slice(&other.words);
            return;
        }
        if other.first < self.first {
            self.words
                .insert_many(0, std::iter::repeat_n(0, self.first - other.first));
            self.first = other.first;
        }
        if other.end() > self.end() {
            self.words.resize(other.end() - self.first, 0);
        }
        let offset = other.first - self.first;
        for (a, b) in self.words[offset..].iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    /// The elements of `self` that are also in `other`.
    pub fn intersection(&self, other: &Bits) -> Bits {
        let first = self.first.max(other.first);
        let end = self.end().min(other.end());
        Bits::from_words(first, end, |i| self.word(i) & other.word(i))
    }

    /// The elements of `self` that are not in `other`.
    pub fn difference(&self, other: &Bits) -> Bits {
        Bits::from_words(self.first, self.end(), |i| self.word(i) & !other.word(i))
    }

    pub fn is_subset(&self, other: &Bits) -> bool {
        (self.first..self.end()).all(|i| self.word(i) & !other.word(i) == 0)
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The elements, in increasing order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            words: &self.words,
            base: self.first * 64,
            current: self.words.first().copied().unwrap_or(0),
        }
    }
}

/// The elements of a [`Bits`], in increasing order.
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    /// The words not yet started; `words[0]` is the one being read.
    words: &'a [u64],
    /// The element that bit 0 of `words[0]` stands for.
    base: usize,
    /// What remains of `words[0]`.
    current: u64,
}

impl Iterator for Iter<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while self.current == 0 {
            self.words = self.words.get(1..).filter(|w| !w.is_empty())?;
            self.base += 64;
            self.current = self.words[0];
        }
        let bit = self.current.trailing_zeros() as usize;
        self.current &= self.current - 1;
        Some(self.base + bit)
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

    fn of(bits: &[usize]) -> Bits {
        let mut set = Bits::default();
        for b in bits {
            set.insert(*b);
        }
        set
    }

    #[test]
    fn set_operations() {
        let a = of(&[1, 129]);
        let mut b = Bits::default();
        b.insert(1);
        assert!(b.is_subset(&a) && !a.is_subset(&b));
        assert_eq!(a.intersection(&b).iter().collect::<Vec<_>>(), vec![1]);
        assert_eq!(a.difference(&b).iter().collect::<Vec<_>>(), vec![129]);
        b.union_with(&a);
        assert!(a.is_subset(&b) && b.contains(129));
        assert!(Bits::default().is_empty());
    }

    #[test]
    fn sets_keep_only_their_span() {
        // Far from zero, and built in any order, a set is the same value.
        let a = of(&[6_400, 640, 6_463]);
        let b = of(&[6_463, 640, 6_400]);
        assert_eq!(a, b);
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![640, 6_400, 6_463]);
        assert_eq!(a.len(), 3);
        // An intersection far from both ends shrinks to its own words.
        let c = a.intersection(&of(&[6_400, 6_463, 9_000]));
        assert_eq!(c, of(&[6_400, 6_463]));
        assert!(!c.words.spilled(), "{c:?}");
        // So does one element out of two large sets, and a difference.
        let every_tenth = |from: usize| of(&(from..1_000).step_by(10).collect::<Vec<_>>());
        let one = every_tenth(3).intersection(&of(&[503, 504]));
        assert_eq!(one, of(&[503]));
        assert!(!one.words.spilled(), "{one:?}");
        let rest = of(&[3, 503, 504]).difference(&every_tenth(3));
        assert_eq!(rest, of(&[504]));
        assert!(!rest.words.spilled(), "{rest:?}");
        // Emptied sets are all the same empty set.
        assert_eq!(c.difference(&a), Bits::default());
        assert_eq!(of(&[5]).intersection(&of(&[700])), Bits::default());
        assert!(of(&[]).is_subset(&of(&[3])) && !of(&[3]).is_subset(&of(&[])));
        assert!(!of(&[700]).contains(5) && of(&[700]).contains(700));
    }

    #[test]
    fn union_grows_either_way() {
        let mut a = of(&[300]);
        a.union_with(&of(&[2]));
        a.union_with(&of(&[1_000]));
        a.union_with(&Bits::default());
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![2, 300, 1_000]);
        let mut empty = Bits::default();
        empty.union_with(&a);
        assert_eq!(empty, a);
    }
}
