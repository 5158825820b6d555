//! The simulated stations: the pilot at Diamond Island first, then apartment buildings spread over
//! central wards. Building names other than the pilot's are illustrative.

use protocol::WardCode;

pub struct SimStation {
    pub station_id: String,
    pub ward_code: &'static str,
    pub building: String,
}

/// Wards that get stations in the demo, in rollout order (all on the official list).
const WARDS: &[(&str, &str)] = &[
    ("27097", "binh-trung"),
    ("26740", "sai-gon"),
    ("26743", "ben-thanh"),
    ("26929", "binh-thanh"),
    ("27073", "phu-nhuan"),
    ("26884", "go-vap"),
    ("26737", "tan-dinh"),
    ("27094", "an-khanh"),
    ("26824", "thu-duc"),
    ("26968", "tan-son-nhat"),
    ("27139", "xuan-hoa"),
];

const BLOCKS: &[&str] = &["Chung cư Lô A", "Chung cư Lô B", "Tòa nhà Riverside", "Chung cư Hoa Sen", "Tòa nhà Sao Mai"];

pub fn plan(n: usize) -> Vec<SimStation> {
    let mut out = Vec::with_capacity(n);
    if n == 0 {
        return out;
    }
    out.push(SimStation {
        station_id: "st-27097-diamond-island".into(),
        ward_code: "27097",
        building: "Diamond Island".into(),
    });
    for i in 1..n {
        let (code, slug) = WARDS[i % WARDS.len()];
        let round = i / WARDS.len();
        let block = BLOCKS[(i + round) % BLOCKS.len()];
        out.push(SimStation {
            station_id: format!("st-{code}-{slug}-{}", i + 1),
            ward_code: code,
            building: format!("{block} – {}", WardCode::parse(code).expect("listed ward").ward().name),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn twelve_stations_span_at_least_four_wards_with_the_pilot_first() {
        let p = super::plan(12);
        assert_eq!(p.len(), 12);
        assert_eq!(p[0].station_id, "st-27097-diamond-island");
        let wards: std::collections::BTreeSet<_> = p.iter().map(|s| s.ward_code).collect();
        assert!(wards.len() >= 4);
        let ids: std::collections::BTreeSet<_> = p.iter().map(|s| &s.station_id).collect();
        assert_eq!(ids.len(), 12);
        for s in &p {
            protocol::StationId::parse(&s.station_id).unwrap();
        }
    }
}
