//! C2SP tlog-tiles: the tree served as tiles of 256 hashes. A tile at level `L`, index `N` holds
//! the hashes of tree level `8·L` from `256·N`; a partial tile (the right edge) holds `W` < 256 of
//! them. Entry bundles hold the entries themselves, each after its length as a big-endian u16.
//! Paths: `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`, N written in 3-digit groups,
//! all but the last prefixed with `x` (1234067 is `x001/x234/067`).

use super::proof::Subtree;
use crate::merkle::{node_hash, Hash};

/// Hashes (or entries) per full tile.
pub const WIDTH: u64 = 256;
/// Tree levels per tile level.
pub const HEIGHT: u8 = 8;
/// The largest entry a bundle can hold (its length is a u16).
pub const MAX_ENTRY_BYTES: usize = u16::MAX as usize;

/// What a tile path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TilePath {
    /// `None` for an entry bundle.
    pub level: Option<u8>,
    pub index: u64,
    /// 1–256; 256 is a full tile.
    pub width: u64,
}

impl TilePath {
    pub fn encode(&self) -> String {
        let level = self.level.map_or("entries".to_string(), |l| l.to_string());
        let mut out = format!("tile/{level}/{}", encode_index(self.index));
        if self.width < WIDTH {
            out.push_str(&format!(".p/{}", self.width));
        }
        out
    }

    /// Reads a path below the log's prefix (`tile/...`); `None` if it names no tile.
    pub fn parse(path: &str) -> Option<Self> {
        let rest = path.strip_prefix("tile/")?;
        let (level, rest) = rest.split_once('/')?;
        let level = if level == "entries" {
            None
        } else {
            if level.is_empty() || level.len() > 2 || !level.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let l: u8 = level.parse().ok()?;
            (l < 8).then_some(Some(l))?
        };
        let (index, width) = match rest.split_once(".p/") {
            Some((index, w)) => {
                if w.is_empty() || w.len() > 3 || w.starts_with('0') || !w.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let w: u64 = w.parse().ok()?;
                ((1..WIDTH).contains(&w).then_some(index)?, w)
            }
            None => (rest, WIDTH),
        };
        Some(Self { level, index: parse_index(index)?, width })
    }
}

/// N in 3-digit groups, all but the last prefixed with `x`.
pub fn encode_index(n: u64) -> String {
    let mut groups = vec![format!("{:03}", n % 1000)];
    let mut rest = n / 1000;
    while rest > 0 {
        groups.push(format!("x{:03}", rest % 1000));
        rest /= 1000;
    }
    groups.reverse();
    groups.join("/")
}

fn parse_index(s: &str) -> Option<u64> {
    let parts: Vec<&str> = s.split('/').collect();
    let (last, first) = parts.split_last()?;
    let mut n: u64 = 0;
    for (i, p) in first.iter().enumerate() {
        let digits = p.strip_prefix('x')?;
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) || (i == 0 && digits == "000") {
            return None;
        }
        n = n.checked_mul(1000)?.checked_add(digits.parse().ok()?)?;
    }
    if last.len() != 3 || !last.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.checked_mul(1000)?.checked_add(last.parse().ok()?)
}

/// Where the hashes of a perfect subtree are kept: at tile level `level / 8`, the `count` hashes
/// from `offset` of tile `tile` (hashed up `level % 8` times to give the subtree's root).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub tile_level: u8,
    pub tile: u64,
    pub offset: usize,
    pub count: usize,
}

pub fn span(s: Subtree) -> Span {
    let up = s.level % HEIGHT;
    let first = s.index << up;
    Span { tile_level: s.level / HEIGHT, tile: first / WIDTH, offset: (first % WIDTH) as usize, count: 1 << up }
}

/// The root of consecutive hashes whose count is a power of two.
pub fn fold(hashes: &[Hash]) -> Hash {
    let mut level = hashes.to_vec();
    while level.len() > 1 {
        level = level.chunks(2).map(|p| node_hash(&p[0], &p[1])).collect();
    }
    level[0]
}

/// How many hashes tile level `tile_level` holds for a tree of `size` leaves, in full tiles and
/// in the partial one: `(full tiles, width of the partial tile)`.
pub fn extent(size: u64, tile_level: u8) -> (u64, u64) {
    let hashes = size >> (HEIGHT as u32 * tile_level as u32);
    (hashes / WIDTH, hashes % WIDTH)
}

/// The entry bundle of `entries`: each entry after its length as a big-endian u16.
pub fn bundle<'a>(entries: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        let n = u16::try_from(e.len()).expect("entries are at most 65,535 bytes");
        out.extend_from_slice(&n.to_be_bytes());
        out.extend_from_slice(e);
    }
    out
}

/// Splits an entry bundle into its entries; `None` if it is cut short.
pub fn unbundle(mut bytes: &[u8]) -> Option<Vec<&[u8]>> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let n = u16::from_be_bytes(bytes.get(..2)?.try_into().ok()?) as usize;
        out.push(bytes.get(2..2 + n)?);
        bytes = &bytes[2 + n..];
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_paths_are_written_as_the_spec_writes_them() {
        assert_eq!(encode_index(1234067), "x001/x234/067");
        assert_eq!(encode_index(5), "005");
        let p = TilePath { level: Some(0), index: 1234067, width: 256 };
        assert_eq!(p.encode(), "tile/0/x001/x234/067");
        assert_eq!(TilePath::parse("tile/0/x001/x234/067"), Some(p));
        let e = TilePath { level: None, index: 3, width: 17 };
        assert_eq!(e.encode(), "tile/entries/003.p/17");
        assert_eq!(TilePath::parse("tile/entries/003.p/17"), Some(e));
    }

    #[test]
    fn paths_that_name_no_tile_are_refused() {
        for bad in [
            "tile/0/5",
            "tile/0/005.p/0",
            "tile/0/005.p/256",
            "tile/0/005.p/017",
            "tile/9/005",
            "tile/0/x000/005",
            "tile/0/x1/005",
            "tile/0/005/",
            "tile/-1/005",
            "tile/0/x999/x999/x999/x999/x999/x999/x999/005",
            "tile//005",
        ] {
            assert_eq!(TilePath::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_subtree_spans_hashes_of_one_tile() {
        assert_eq!(span(Subtree { level: 0, index: 300 }), Span { tile_level: 0, tile: 1, offset: 44, count: 1 });
        assert_eq!(span(Subtree { level: 3, index: 33 }), Span { tile_level: 0, tile: 1, offset: 8, count: 8 });
        assert_eq!(span(Subtree { level: 8, index: 2 }), Span { tile_level: 1, tile: 0, offset: 2, count: 1 });
        assert_eq!(extent(70_000, 0), (273, 112));
        assert_eq!(extent(70_000, 1), (1, 17));
    }

    #[test]
    fn bundles_split_back_into_their_entries() {
        let b = bundle([&b"ab"[..], b"", b"xyz"]);
        assert_eq!(unbundle(&b).unwrap(), vec![&b"ab"[..], b"", b"xyz"]);
        assert_eq!(unbundle(&b[..b.len() - 1]), None);
    }
}
