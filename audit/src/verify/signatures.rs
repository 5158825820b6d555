//! Every station signature of a chunk, checked together on every core
//! (`protocol::signing::verify_many`: batches, and each signature of a failed batch on its own).

use protocol::signing::{verify_many, DecodedKey};

/// One signature to check: the entry's index in the chunk, the key, the bytes and the signature.
pub(super) type Job<'a> = (usize, DecodedKey, &'a [u8], &'a [u8]);

/// The indexes of the entries whose signature does not verify.
pub(super) fn invalid(jobs: &[Job<'_>]) -> Vec<usize> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = jobs.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let parts: Vec<_> = jobs
            .chunks(per)
            .map(|part| {
                s.spawn(move || {
                    let items: Vec<(DecodedKey, &[u8], &[u8])> =
                        part.iter().map(|&(_, k, m, sig)| (k, m, sig)).collect();
                    let ok = verify_many(&items);
                    part.iter().zip(ok).filter(|(_, ok)| !ok).map(|((i, ..), _)| *i).collect::<Vec<_>>()
                })
            })
            .collect();
        parts.into_iter().flat_map(|p| p.join().expect("no panic")).collect()
    })
}
