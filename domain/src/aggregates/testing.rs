//! What the aggregates' tests share.

use protocol::citizen::{AgeBand, CitizenRef, Sex};
use protocol::{StationId, WardCode};

pub(crate) const STATION: &str = "st-27097-diamond-island";
pub(crate) const WARD: &str = "27097";

/// The pilot station, Diamond Island.
pub(crate) fn station() -> StationId {
    StationId::parse(STATION).expect("a valid station id")
}

/// Its ward, Bình Trưng.
pub(crate) fn ward() -> WardCode {
    WardCode::parse(WARD).expect("a valid ward code")
}

pub(crate) fn citizen() -> CitizenRef {
    CitizenRef {
        key_id: "k2025-10".into(),
        pseudonym: "02761d04480bba09e4e4e4f7076283ca16babdc7e0790b40bf7a44b721a7cad8".into(),
        age_band: AgeBand::From40To59,
        sex: Sex::Male,
    }
}
