//! The audit crate against fixed inputs: the test bundle of `docs/AUDIT.md` section 7.

mod vectors;
