//! NATS subjects and headers of protocol v1. Ward and station are subject tokens, so that
//! per-station permissions and partitioning can be expressed on subjects alone.

/// The JetStream stream that holds every station event of the city.
pub const STREAM: &str = "DCS_EVENTS";
/// All station events: `dcs.v1.events.{ward}.{station}`.
pub const EVENTS_ALL: &str = "dcs.v1.events.>";
/// Header: the event's signature again, for JetStream's duplicate window (stream-wide, so it
/// must be something no other station can produce: not the event id, which others can learn).
pub const HEADER_MSG_ID: &str = "Nats-Msg-Id";
/// Header: the Ed25519 signature over the message body, 128 lowercase hex digits.
pub const HEADER_SIGNATURE: &str = "Dcs-Signature";
/// Header: the protocol version, `1`.
pub const HEADER_PROTOCOL: &str = "Dcs-Protocol";

/// Where a station publishes its events.
pub fn events(ward: &str, station: &str) -> String {
    format!("dcs.v1.events.{ward}.{station}")
}

/// Where the hub sends a station its receipts.
pub fn receipts(ward: &str, station: &str) -> String {
    format!("dcs.v1.receipts.{ward}.{station}")
}

/// Where a station asks the hub for receipts it may have missed (request/reply).
pub fn lookup(ward: &str, station: &str) -> String {
    format!("dcs.v1.lookup.{ward}.{station}")
}

/// A station's own inbox prefix: replies to it (JetStream's publish acks, lookup answers) come to
/// `{prefix}.…`, which only that station may subscribe to.
pub fn inbox_prefix(station: &str) -> String {
    format!("_INBOX_{station}")
}

/// Where the hub announces each checkpoint it signs (the signed note): a station that hears one
/// asks for proofs and witnesses it. Trust comes from the proofs, not from this message.
pub const CHECKPOINTS: &str = "dcs.v1.checkpoints";

/// All lookup requests, for the hub's subscription.
pub const LOOKUP_ALL: &str = "dcs.v1.lookup.*.*";

/// Splits `dcs.v1.events.{ward}.{station}` into its ward and station tokens.
pub fn parse_events_subject(subject: &str) -> Option<(&str, &str)> {
    let rest = subject.strip_prefix("dcs.v1.events.")?;
    let (ward, station) = rest.split_once('.')?;
    (!station.contains('.')).then_some((ward, station))
}

/// Splits `dcs.v1.lookup.{ward}.{station}`.
pub fn parse_lookup_subject(subject: &str) -> Option<(&str, &str)> {
    let rest = subject.strip_prefix("dcs.v1.lookup.")?;
    let (ward, station) = rest.split_once('.')?;
    (!station.contains('.')).then_some((ward, station))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_carry_ward_and_station() {
        let s = events("27097", "st-27097-diamond-island");
        assert_eq!(s, "dcs.v1.events.27097.st-27097-diamond-island");
        assert_eq!(parse_events_subject(&s), Some(("27097", "st-27097-diamond-island")));
        assert_eq!(parse_events_subject("dcs.v1.events.27097"), None);
        assert_eq!(parse_events_subject("dcs.v1.events.1.2.3"), None);
    }
}
