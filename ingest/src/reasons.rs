//! Why a station message went to the dead-letter table. The codes are stable: operators filter on
//! them and the protocol document lists them.

/// No `Dcs-Signature` header, or not 128 lowercase hex digits.
pub const MISSING_SIGNATURE: &str = "missing_signature";
/// The bytes are not a protocol v1 event (bad JSON, a missing or malformed envelope field).
pub const MALFORMED_EVENT: &str = "malformed_event";
/// The subject's ward or station differs from the event's.
pub const SUBJECT_MISMATCH: &str = "subject_mismatch";
/// No station with this id is on any ward's plan.
pub const UNKNOWN_STATION: &str = "unknown_station";
/// The station is planned but has not enrolled a key.
pub const STATION_NOT_ENROLLED: &str = "station_not_enrolled";
/// The station's key is revoked (it was decommissioned, or it signed two histories) and nothing
/// it signs is accepted until an administrator rotates the key.
pub const STATION_DECOMMISSIONED: &str = "station_decommissioned";
/// The event names another ward than the one the station was planned in.
pub const WRONG_WARD: &str = "wrong_ward";
/// The signature does not verify against the station's enrolled key.
pub const BAD_SIGNATURE: &str = "bad_signature";
/// An event id the hub has seen before, with other bytes.
pub const EVENT_ID_REUSED: &str = "event_id_reused";
/// A second event, validly signed, under a sequence number the station already used: its key
/// signed two histories. The proof is kept and the key revoked.
pub const EQUIVOCATION: &str = "equivocation";
/// `prev` is not the chain hash of the station's previous event.
pub const BROKEN_CHAIN: &str = "broken_chain";
/// The payload does not match its kind and schema (unknown kind or version, a bad field).
pub const INVALID_PAYLOAD: &str = "invalid_payload";
/// The aggregate refused the command (e.g. a dossier code submitted twice).
pub const COMMAND_REJECTED: &str = "command_rejected";
/// The database refused to store the message as it is, even alone in its batch (found by
/// splitting the batch that failed); the raw bytes are kept here.
pub const UNSTORABLE: &str = "unstorable";

/// Reasons that say nobody authenticated the sender: such dead letters are counted by reason and
/// day, and kept in full only as a sample (anyone can send them, without limit).
pub const UNAUTHENTICATED: [&str; 8] = [
    MISSING_SIGNATURE,
    MALFORMED_EVENT,
    SUBJECT_MISMATCH,
    UNKNOWN_STATION,
    STATION_NOT_ENROLLED,
    STATION_DECOMMISSIONED,
    WRONG_WARD,
    BAD_SIGNATURE,
];
