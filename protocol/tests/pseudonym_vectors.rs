//! The pseudonym vectors of `docs/PROTOCOL.md` section 11, read from the document itself: from
//! the ID, the day it was read and the key, the station computes exactly the sex, year of birth,
//! age band and pseudonym given.

use chrono::NaiveDate;
use protocol::CitizenId;

fn vectors() -> Vec<Vec<(String, String)>> {
    let doc = include_str!("../../docs/PROTOCOL.md");
    doc.split("```pseudonym-vector\n")
        .skip(1)
        .map(|block| {
            let body = block.split("\n```").next().unwrap();
            body.lines().filter_map(|l| l.split_once(": ")).map(|(k, v)| (k.to_string(), v.to_string())).collect()
        })
        .collect()
}

#[test]
fn every_pseudonym_vector_in_the_protocol_document_is_what_a_station_computes() {
    let all = vectors();
    assert!(all.len() >= 3, "the document holds the vectors");
    for v in all {
        let get = |name: &str| v.iter().find(|(k, _)| k == name).map(|(_, x)| x.clone()).expect(name);
        let read_on: NaiveDate = get("read_on").parse().unwrap();
        let id = CitizenId::parse(&get("citizen_id"), read_on).unwrap();
        let key = hex::decode(get("key")).unwrap();
        assert_eq!(key.len(), 32, "{}", get("name"));
        let r = id.pseudonym(&key, &get("key_id"));
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["key_id"], get("key_id"), "{}", get("name"));
        assert_eq!(json["pseudonym"], get("pseudonym"), "{}", get("name"));
        assert_eq!(json["sex"], get("sex"), "{}", get("name"));
        assert_eq!(json["age_band"], get("age_band"), "{}", get("name"));
        assert_eq!(id.birth_year().to_string(), get("birth_year"), "{}", get("name"));
        let mut other = key.clone();
        other[0] ^= 1;
        assert_ne!(id.pseudonym(&other, "x").pseudonym, get("pseudonym"), "another key, another pseudonym");
    }
}
