//! Rate limits per client IP address (`tower_governor`) on the doors an attacker would knock on:
//! signing in and enrolling a station. Failed sign-ins per account lock it (see `password`);
//! wrong enrollment codes per station are limited in `attempts`.

use ::governor::middleware::NoOpMiddleware;
use axum::body::Body;
use axum::response::IntoResponse;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::PeerIpKeyExtractor;
use tower_governor::{GovernorError, GovernorLayer};

use crate::ApiError;

pub type PerIp = GovernorLayer<PeerIpKeyExtractor, NoOpMiddleware, Body>;

/// Up to `burst` requests at once from one address, then one more every `every_ms` milliseconds.
pub fn per_ip(burst: u32, every_ms: u64) -> PerIp {
    let config = GovernorConfigBuilder::default()
        .per_millisecond(every_ms)
        .burst_size(burst)
        .finish()
        .expect("a burst and a period above zero");
    GovernorLayer::new(config).error_handler(refusal)
}

/// Sign-in attempts from one address: 10 at once, then one every 2 s.
pub fn sign_in() -> PerIp {
    per_ip(10, 2_000)
}

/// Enrollments from one address (an installer enrolls a building's stations): 50 at once, then
/// five a second.
pub fn enrollment() -> PerIp {
    per_ip(50, 200)
}

fn refusal(e: GovernorError) -> axum::response::Response {
    match e {
        GovernorError::TooManyRequests { wait_time, .. } => {
            let mut response =
                ApiError::TooManyRequests(format!("too many requests from your address; wait {wait_time} s"))
                    .into_response();
            if let Ok(v) = axum::http::HeaderValue::from_str(&wait_time.to_string()) {
                response.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
            }
            response
        }
        _ => ApiError::field("address", "the caller's address is unknown").into_response(),
    }
}
