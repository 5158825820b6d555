//! The birth-registration province codes that open a personal ID number (Circular 07/2016/TT-BCA),
//! from `cccd_birth_province_codes.csv` of the reference data: the 63 pre-2025 provinces, with the
//! province each belongs to since 1 July 2025. A number never changes when its province merges.

/// `(prefix, province where the birth was registered, the province it belongs to now)`.
pub const BIRTH_PROVINCES: &[(&str, &str, &str)] = &[
    ("001", "Thành phố Hà Nội", "Thành phố Hà Nội"),
    ("002", "Tỉnh Hà Giang", "Tỉnh Tuyên Quang"),
    ("004", "Tỉnh Cao Bằng", "Tỉnh Cao Bằng"),
    ("006", "Tỉnh Bắc Kạn", "Tỉnh Thái Nguyên"),
    ("008", "Tỉnh Tuyên Quang", "Tỉnh Tuyên Quang"),
    ("010", "Tỉnh Lào Cai", "Tỉnh Lào Cai"),
    ("011", "Tỉnh Điện Biên", "Tỉnh Điện Biên"),
    ("012", "Tỉnh Lai Châu", "Tỉnh Lai Châu"),
    ("014", "Tỉnh Sơn La", "Tỉnh Sơn La"),
    ("015", "Tỉnh Yên Bái", "Tỉnh Lào Cai"),
    ("017", "Tỉnh Hoà Bình", "Tỉnh Phú Thọ"),
    ("019", "Tỉnh Thái Nguyên", "Tỉnh Thái Nguyên"),
    ("020", "Tỉnh Lạng Sơn", "Tỉnh Lạng Sơn"),
    ("022", "Tỉnh Quảng Ninh", "Tỉnh Quảng Ninh"),
    ("024", "Tỉnh Bắc Giang", "Tỉnh Bắc Ninh"),
    ("025", "Tỉnh Phú Thọ", "Tỉnh Phú Thọ"),
    ("026", "Tỉnh Vĩnh Phúc", "Tỉnh Phú Thọ"),
    ("027", "Tỉnh Bắc Ninh", "Tỉnh Bắc Ninh"),
    ("030", "Tỉnh Hải Dương", "Thành phố Hải Phòng"),
    ("031", "Thành phố Hải Phòng", "Thành phố Hải Phòng"),
    ("033", "Tỉnh Hưng Yên", "Tỉnh Hưng Yên"),
    ("034", "Tỉnh Thái Bình", "Tỉnh Hưng Yên"),
    ("035", "Tỉnh Hà Nam", "Tỉnh Ninh Bình"),
    ("036", "Tỉnh Nam Định", "Tỉnh Ninh Bình"),
    ("037", "Tỉnh Ninh Bình", "Tỉnh Ninh Bình"),
    ("038", "Tỉnh Thanh Hóa", "Tỉnh Thanh Hóa"),
    ("040", "Tỉnh Nghệ An", "Tỉnh Nghệ An"),
    ("042", "Tỉnh Hà Tĩnh", "Tỉnh Hà Tĩnh"),
    ("044", "Tỉnh Quảng Bình", "Tỉnh Quảng Trị"),
    ("045", "Tỉnh Quảng Trị", "Tỉnh Quảng Trị"),
    ("046", "Thành phố Huế", "Thành phố Huế"),
    ("048", "Thành phố Đà Nẵng", "Thành phố Đà Nẵng"),
    ("049", "Tỉnh Quảng Nam", "Thành phố Đà Nẵng"),
    ("051", "Tỉnh Quảng Ngãi", "Tỉnh Quảng Ngãi"),
    ("052", "Tỉnh Bình Định", "Tỉnh Gia Lai"),
    ("054", "Tỉnh Phú Yên", "Tỉnh Đắk Lắk"),
    ("056", "Tỉnh Khánh Hòa", "Tỉnh Khánh Hòa"),
    ("058", "Tỉnh Ninh Thuận", "Tỉnh Khánh Hòa"),
    ("060", "Tỉnh Bình Thuận", "Tỉnh Lâm Đồng"),
    ("062", "Tỉnh Kon Tum", "Tỉnh Quảng Ngãi"),
    ("064", "Tỉnh Gia Lai", "Tỉnh Gia Lai"),
    ("066", "Tỉnh Đắk Lắk", "Tỉnh Đắk Lắk"),
    ("067", "Tỉnh Đắk Nông", "Tỉnh Lâm Đồng"),
    ("068", "Tỉnh Lâm Đồng", "Tỉnh Lâm Đồng"),
    ("070", "Tỉnh Bình Phước", "Tỉnh Đồng Nai"),
    ("072", "Tỉnh Tây Ninh", "Tỉnh Tây Ninh"),
    ("074", "Tỉnh Bình Dương", "Thành phố Hồ Chí Minh"),
    ("075", "Tỉnh Đồng Nai", "Tỉnh Đồng Nai"),
    ("077", "Tỉnh Bà Rịa - Vũng Tàu", "Thành phố Hồ Chí Minh"),
    ("079", "Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
    ("080", "Tỉnh Long An", "Tỉnh Tây Ninh"),
    ("082", "Tỉnh Tiền Giang", "Tỉnh Đồng Tháp"),
    ("083", "Tỉnh Bến Tre", "Tỉnh Vĩnh Long"),
    ("084", "Tỉnh Trà Vinh", "Tỉnh Vĩnh Long"),
    ("086", "Tỉnh Vĩnh Long", "Tỉnh Vĩnh Long"),
    ("087", "Tỉnh Đồng Tháp", "Tỉnh Đồng Tháp"),
    ("089", "Tỉnh An Giang", "Tỉnh An Giang"),
    ("091", "Tỉnh Kiên Giang", "Tỉnh An Giang"),
    ("092", "Thành phố Cần Thơ", "Thành phố Cần Thơ"),
    ("093", "Tỉnh Hậu Giang", "Thành phố Cần Thơ"),
    ("094", "Tỉnh Sóc Trăng", "Thành phố Cần Thơ"),
    ("095", "Tỉnh Bạc Liêu", "Tỉnh Cà Mau"),
    ("096", "Tỉnh Cà Mau", "Tỉnh Cà Mau"),
];

/// The province row of a three-digit prefix, if it is one of the 63.
pub fn birth_province(prefix: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    BIRTH_PROVINCES.iter().find(|(p, _, _)| *p == prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_63_distinct_prefixes_in_order() {
        assert_eq!(BIRTH_PROVINCES.len(), 63);
        assert!(BIRTH_PROVINCES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn merged_provinces_keep_their_prefix() {
        assert_eq!(birth_province("074").unwrap().1, "Tỉnh Bình Dương");
        assert_eq!(birth_province("074").unwrap().2, "Thành phố Hồ Chí Minh");
        assert!(birth_province("003").is_none());
    }
}
