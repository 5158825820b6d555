//! Realistic station events for the simulator and the benchmarks: Vietnamese procedures, bills
//! with typical amounts in VND, security reports with their categories. Figures follow
//! `reference_categories.json`; procedures without a known national code are left out.

use chrono::{DateTime, Utc};
use protocol::forgettable::Sealable;
use protocol::kinds::{BillType, DossierSubmission, PaymentMade, SecurityReport, Severity, StationEvent};
use rand::seq::SliceRandom;
use rand::Rng;

/// (national code, fee in VND): procedures whose code the reference data gives.
const PROCEDURES: &[(&str, i64)] = &[("1.001193", 0), ("1.000894", 0)];

/// A bill type, its payees, its typical range in VND and how often residents pay it.
type Bill = (BillType, &'static [&'static str], (i64, i64), u32);

const BILLS: &[Bill] = &[
    (BillType::Electricity, &["EVNHCMC"], (300_000, 1_500_000), 30),
    (BillType::Water, &["SAWACO", "Cấp nước Gia Định", "Cấp nước Bến Thành"], (100_000, 500_000), 22),
    (BillType::Internet, &["VNPT", "Viettel", "FPT Telecom"], (165_000, 350_000), 14),
    (BillType::Telecom, &["Viettel", "VinaPhone", "MobiFone"], (10_000, 500_000), 18),
    (BillType::ApartmentManagementFee, &["Ban quản lý tòa nhà"], (400_000, 2_500_000), 10),
    (BillType::Tuition, &["Trường THCS", "Trường Đại học"], (1_000_000, 40_000_000), 3),
    (BillType::ProcedureFee, &["Kho bạc Nhà nước"], (10_000, 200_000), 3),
];

const REPORTS: &[(&str, u32, &[&str])] = &[
    ("noise", 26, &["Karaoke sau 22 giờ ở căn hộ tầng trên", "Tiếng ồn thi công ngoài giờ cho phép"]),
    ("theft", 16, &["Mất xe đạp ở hầm gửi xe", "Mất trộm đồ trước cửa căn hộ"]),
    ("fraud", 14, &["Cuộc gọi giả danh công an yêu cầu chuyển tiền", "Tin nhắn lừa đảo trúng thưởng"]),
    ("residence_violation", 10, &["Căn hộ cho thuê ngắn ngày không khai báo lưu trú"]),
    ("public_disorder", 9, &["Xô xát ở sảnh tòa nhà", "Nhóm thanh niên tụ tập gây mất trật tự"]),
    ("fire_safety", 9, &["Lối thoát hiểm bị chặn bởi đồ đạc", "Bình chữa cháy hết hạn ở hành lang"]),
    ("traffic", 5, &["Xe máy dựng trái phép trước cổng"]),
    ("cyber", 4, &["Lộ thông tin cư dân trong nhóm chat"]),
    ("other", 8, &["Người lạ ra vào tòa nhà không đăng ký"]),
];

const PLACES: &[&str] =
    &["Sảnh chính", "Hầm xe B1", "Hầm xe B2", "Tháp A, tầng 12", "Tháp B, tầng 7", "Khu hồ bơi", "Cổng phụ"];

fn weighted<'a, T>(rng: &mut impl Rng, items: &'a [T], weight: impl Fn(&T) -> u32) -> &'a T {
    let total: u32 = items.iter().map(&weight).sum();
    let mut pick = rng.gen_range(0..total);
    for it in items {
        let w = weight(it);
        if pick < w {
            return it;
        }
        pick -= w;
    }
    &items[items.len() - 1]
}

/// A dossier code of the portal's form: agency, receipt date, sequence of the day.
fn dossier_code(station_index: usize, at: DateTime<Utc>, n: u64) -> String {
    let day = protocol::time::local_day(at).format("%y%m%d");
    format!("000.{:02}.{:02}.H29-{day}-{:05}", station_index % 100, (station_index / 100) % 100, n % 100_000)
}

/// One event of a realistic mix: about half payments, a third dossiers, the rest reports.
/// `n` makes dossier codes unique per station (pass the station's next sequence number).
pub fn random_event(rng: &mut impl Rng, station_index: usize, n: u64, at: DateTime<Utc>) -> StationEvent {
    match rng.gen_range(0..100) {
        0..=49 => {
            let (bill_type, payees, (lo, hi), _) = weighted(rng, BILLS, |b| b.3);
            let amount = rng.gen_range(*lo..=*hi) / 1000 * 1000;
            StationEvent::from(PaymentMade {
                bill_type: *bill_type,
                provider: payees.choose(rng).expect("payees").to_string(),
                bill_reference: Sealable::Clear(format!("PE{:011}", rng.gen_range(0..100_000_000_000u64))),
                amount_vnd: amount.max(1000),
                sealed_key: None,
            })
        }
        50..=84 => {
            let (code, fee) = PROCEDURES.choose(rng).expect("procedures");
            StationEvent::from(DossierSubmission {
                dossier_code: dossier_code(station_index, at, n),
                procedure_code: code.to_string(),
                fee_vnd: *fee,
            })
        }
        _ => {
            let (category, _, texts) = weighted(rng, REPORTS, |r| r.1);
            let severity = *weighted(
                rng,
                &[(Severity::Low, 45), (Severity::Medium, 35), (Severity::High, 15), (Severity::Critical, 5)],
                |s| s.1,
            );
            StationEvent::from(SecurityReport {
                category: category.to_string(),
                severity: severity.0,
                location: Sealable::from(*PLACES.choose(rng).expect("places")),
                description: Sealable::from(*texts.choose(rng).expect("texts")),
                sealed_key: None,
            })
        }
    }
}

/// How busy a station is at a local hour, relative to the evening peak (opening hours 7:00-21:00;
/// the night never drops to zero, so the demo moves at any hour).
pub fn activity(local_hour: u32) -> f64 {
    match local_hour {
        0..=5 => 0.2,
        6 => 0.3,
        7 => 0.5,
        8..=10 => 0.8,
        11 => 0.7,
        12..=13 => 0.5,
        14..=16 => 0.7,
        17 => 0.85,
        18..=20 => 1.0,
        21 => 0.5,
        _ => 0.25,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_generated_event_passes_the_stations_checks() {
        let mut rng = rand::thread_rng();
        let now = Utc::now();
        let mut kinds = std::collections::BTreeSet::new();
        for n in 0..2000 {
            let e = random_event(&mut rng, 3, n, now);
            e.validate().unwrap();
            kinds.insert(e.kind());
        }
        assert_eq!(kinds.len(), 3);
    }
}
