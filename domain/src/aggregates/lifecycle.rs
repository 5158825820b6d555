//! The rule every case lifecycle shares: a command is allowed from some statuses only, and a
//! refusal says where the case stands ("this medical exam is cancelled; it cannot be scheduled").

use super::DomainError;

pub(crate) trait Lifecycle: Copy + PartialEq {
    /// How a refusal names the case, e.g. `this medical exam`.
    const NOUN: &'static str;
    /// Said of a case with no events yet, e.g. `was never booked`.
    const NEVER: &'static str;
    fn is_new(self) -> bool;
    /// The status in a sentence, e.g. `waiting for verification`.
    fn describe(self) -> &'static str;
}

/// Refuses `action` unless the case is in one of `allowed`.
pub(crate) fn require<S: Lifecycle>(status: S, allowed: &[S], action: &str) -> Result<(), DomainError> {
    if allowed.contains(&status) {
        Ok(())
    } else if status.is_new() {
        Err(DomainError::new(format!("{} {}", S::NOUN, S::NEVER)))
    } else {
        Err(DomainError::new(format!("{} is {}; it cannot {action}", S::NOUN, status.describe())))
    }
}
