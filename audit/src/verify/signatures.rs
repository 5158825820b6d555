//! Every station signature of a chunk, checked together on every core
//! (`protocol::signing::verify_many`: batches, and each signature of a failed batch on its own).

use protocol::signing::{verify_many, DecodedKey};

/// One signature to check: the entry's index in the chunk, the key, the bytes and the signature.
pub(super) type Job<'a> = (usize, DecodedKey, &'a [u8], &'a [u8]);

/// The indexes of the entries whose signature does not verify.
pub(super) fn invalid(jobs: &[Job<'_>]) -> Vec<usize> {
    super::cores::on_every_core(jobs, |part| {
        let items: Vec<(DecodedKey, &[u8], &[u8])> = part.iter().map(|&(_, k, m, sig)| (k, m, sig)).collect();
        let ok = verify_many(&items);
        part.iter().zip(ok).filter(|(_, ok)| !ok).map(|((i, ..), _)| *i).collect()
    })
}
