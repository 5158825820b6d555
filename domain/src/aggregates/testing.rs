//! What the aggregates' tests share.

use protocol::citizen::{AgeBand, CitizenRef, Sex};

pub(crate) const STATION: &str = "st-27097-diamond-island";
pub(crate) const WARD: &str = "27097";

pub(crate) fn citizen() -> CitizenRef {
    CitizenRef {
        key_id: "k2025-10".into(),
        pseudonym: "02761d04480bba09e4e4e4f7076283ca16babdc7e0790b40bf7a44b721a7cad8".into(),
        age_band: AgeBand::From40To59,
        sex: Sex::Male,
    }
}
