//! Proofs made from a tree's hashes: the root of any prefix, RFC 6962 inclusion and consistency
//! proofs (`PATH` and `SUBPROOF` of RFC 6962 section 2.1), each computed from the hashes of perfect
//! subtrees that the caller looks up, and the frontier that grows a tree one leaf at a time.

use crate::merkle::{empty_root, node_hash, Hash, ProofError};

/// A perfect subtree: the `2^level` leaves from `index << level`. Level 0 is a leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Subtree {
    pub level: u8,
    pub index: u64,
}

/// The largest power of two below `n` (n > 1).
fn split(n: u64) -> u64 {
    1 << (63 - (n - 1).leading_zeros())
}

/// MTH(D[a:b]) from perfect subtrees; `a` is aligned as RFC 6962's recursion leaves it.
fn range(a: u64, b: u64, f: &mut impl FnMut(Subtree) -> Hash) -> Hash {
    let n = b - a;
    if n.is_power_of_two() && a.is_multiple_of(n) {
        let level = n.trailing_zeros() as u8;
        return f(Subtree { level, index: a >> level });
    }
    let k = split(n);
    let left = range(a, a + k, f);
    let right = range(a + k, b, f);
    node_hash(&left, &right)
}

/// The root of the tree of the first `size` leaves.
pub fn root(size: u64, mut f: impl FnMut(Subtree) -> Hash) -> Hash {
    if size == 0 {
        return empty_root();
    }
    range(0, size, &mut f)
}

/// The inclusion proof of leaf `index` in the tree of `size` leaves, bottom up.
pub fn inclusion(index: u64, size: u64, mut f: impl FnMut(Subtree) -> Hash) -> Result<Vec<Hash>, ProofError> {
    if index >= size {
        return Err(ProofError::IndexBeyondSize { index, size });
    }
    fn path(m: u64, a: u64, b: u64, f: &mut impl FnMut(Subtree) -> Hash, out: &mut Vec<Hash>) {
        let n = b - a;
        if n == 1 {
            return;
        }
        let k = split(n);
        if m < k {
            path(m, a, a + k, f, out);
            out.push(range(a + k, b, f));
        } else {
            path(m - k, a + k, b, f, out);
            out.push(range(a, a + k, f));
        }
    }
    let mut out = Vec::new();
    path(index, 0, size, &mut f, &mut out);
    Ok(out)
}

/// The consistency proof from the tree of `size1` leaves to the tree of `size2`, bottom up.
pub fn consistency(size1: u64, size2: u64, mut f: impl FnMut(Subtree) -> Hash) -> Result<Vec<Hash>, ProofError> {
    if size2 < size1 {
        return Err(ProofError::Shrunk { size1, size2 });
    }
    if size1 == 0 {
        return Err(ProofError::FromEmpty);
    }
    fn subproof(m: u64, a: u64, b: u64, whole: bool, f: &mut impl FnMut(Subtree) -> Hash, out: &mut Vec<Hash>) {
        let n = b - a;
        if m == n {
            if !whole {
                out.push(range(a, b, f));
            }
            return;
        }
        let k = split(n);
        if m <= k {
            subproof(m, a, a + k, whole, f, out);
            out.push(range(a + k, b, f));
        } else {
            subproof(m - k, a + k, b, false, f, out);
            out.push(range(a, a + k, f));
        }
    }
    let mut out = Vec::new();
    subproof(size1, 0, size2, true, &mut f, &mut out);
    Ok(out)
}

/// The perfect subtrees a computation reads, found by running it once with zero hashes: a caller
/// whose hashes are in a database fetches these, then runs it again.
pub fn subtrees_read<T>(run: impl FnOnce(&mut dyn FnMut(Subtree) -> Hash) -> T) -> Vec<Subtree> {
    let mut seen = Vec::new();
    run(&mut |s| {
        seen.push(s);
        [0; 32]
    });
    seen.sort();
    seen.dedup();
    seen
}

/// The right edge of a growing tree: the roots of its perfect subtrees, largest first. Enough to
/// give the root at every size, in O(log n) memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    /// (level, hash), levels strictly decreasing.
    nodes: Vec<(u8, Hash)>,
}

impl Frontier {
    pub fn new() -> Self {
        Self::default()
    }

    /// The frontier of the tree of `size` leaves, from its perfect subtrees' hashes.
    pub fn at(size: u64, mut f: impl FnMut(Subtree) -> Hash) -> Self {
        let mut nodes = Vec::new();
        let mut start = 0u64;
        for level in (0..64u8).rev() {
            if size & (1 << level) != 0 {
                nodes.push((level, f(Subtree { level, index: start >> level })));
                start += 1 << level;
            }
        }
        Self { size, nodes }
    }

    /// The frontier of the tree of `size` leaves from its perfect subtrees' hashes, largest
    /// first (what [`Frontier::hashes`] gives); `None` unless there is one per bit of `size`.
    pub fn from_hashes(size: u64, hashes: &[Hash]) -> Option<Self> {
        if hashes.len() != size.count_ones() as usize {
            return None;
        }
        let mut it = hashes.iter();
        Some(Self::at(size, |_| *it.next().expect("one per bit")))
    }

    /// The perfect subtrees' hashes, largest first.
    pub fn hashes(&self) -> Vec<Hash> {
        self.nodes.iter().map(|(_, h)| *h).collect()
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Adds a leaf; returns the perfect subtrees it completed (the leaf first, then each one above).
    pub fn push(&mut self, leaf: Hash) -> Vec<(Subtree, Hash)> {
        let mut done = vec![(Subtree { level: 0, index: self.size }, leaf)];
        let mut hash = leaf;
        let mut level = 0u8;
        while let Some(&(l, left)) = self.nodes.last() {
            if l != level {
                break;
            }
            self.nodes.pop();
            hash = node_hash(&left, &hash);
            level += 1;
            done.push((Subtree { level, index: self.size >> level }, hash));
        }
        self.nodes.push((level, hash));
        self.size += 1;
        done
    }

    /// The root of the tree so far.
    pub fn root(&self) -> Hash {
        let mut it = self.nodes.iter().rev();
        let Some(&(_, mut acc)) = it.next() else { return empty_root() };
        for (_, left) in it {
            acc = node_hash(left, &acc);
        }
        acc
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::{leaf_hash, verify_consistency, verify_inclusion};

    fn leaves(n: u64) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(format!("entry {i}").as_bytes())).collect()
    }

    /// The hash of a perfect subtree, computed from the leaves.
    fn subtree(leaves: &[Hash], s: Subtree) -> Hash {
        let from = (s.index << s.level) as usize;
        let mut level: Vec<Hash> = leaves[from..from + (1 << s.level)].to_vec();
        while level.len() > 1 {
            level = level.chunks(2).map(|p| node_hash(&p[0], &p[1])).collect();
        }
        level[0]
    }

    #[test]
    fn proofs_made_here_verify_for_every_pair_of_small_trees() {
        let all = leaves(70);
        for size in 1..=70u64 {
            let r = root(size, |s| subtree(&all, s));
            for index in 0..size {
                let p = inclusion(index, size, |s| subtree(&all, s)).unwrap();
                verify_inclusion(index, size, &all[index as usize], &p, &r).unwrap();
            }
            for size1 in 1..=size {
                let r1 = root(size1, |s| subtree(&all, s));
                let p = consistency(size1, size, |s| subtree(&all, s)).unwrap();
                verify_consistency(size1, size, &p, &r1, &r).unwrap();
            }
        }
    }

    #[test]
    fn the_frontier_gives_the_root_at_every_size_and_each_completed_subtree() {
        let all = leaves(300);
        let mut f = Frontier::new();
        assert_eq!(f.root(), empty_root());
        for (i, leaf) in all.iter().enumerate() {
            for (s, h) in f.push(*leaf) {
                assert_eq!(h, subtree(&all, s));
            }
            let size = i as u64 + 1;
            assert_eq!(f.root(), root(size, |s| subtree(&all, s)));
            assert_eq!(Frontier::at(size, |s| subtree(&all, s)), f);
            assert_eq!(Frontier::from_hashes(size, &f.hashes()), Some(f.clone()));
        }
    }

    #[test]
    fn the_subtrees_read_are_listed_once() {
        let read = subtrees_read(|f| inclusion(5, 13, f).unwrap());
        assert_eq!(read.len(), 5, "{read:?}");
        assert!(read.contains(&Subtree { level: 2, index: 2 }), "{read:?}");
    }
}
