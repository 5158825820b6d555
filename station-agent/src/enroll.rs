//! Enrollment: the station creates its key and registers itself (id, ward, building, public key)
//! with the hub, proving with the one-time code from the rollout plan that it is the planned one.

use std::path::Path;

pub use protocol::enrollment::{EnrollmentAnswer, EnrollmentRequest};

use crate::config::{self, StationConfig};

#[derive(Debug, thiserror::Error)]
pub enum EnrollError {
    #[error("cannot reach the hub at {0}: {1}")]
    Unreachable(String, String),
    #[error("the hub refused the enrollment ({0}): {1}")]
    Refused(u16, String),
    #[error("station files: {0}")]
    Io(#[from] std::io::Error),
}

pub struct Enrollment<'a> {
    pub hub_url: &'a str,
    pub station_id: &'a str,
    pub ward_code: &'a str,
    pub building: &'a str,
    pub code: &'a str,
}

/// Creates (or reuses) the key in `dir`, registers it with the hub, and writes `station.json`.
pub async fn enroll(dir: &Path, e: Enrollment<'_>) -> Result<StationConfig, EnrollError> {
    let key = config::load_or_create_key(dir)?;
    let nats_key = config::load_or_create_nats_key(dir)?;
    let request = EnrollmentRequest {
        ward_code: e.ward_code.to_string(),
        building: e.building.to_string(),
        public_key: hex::encode(key.verifying_key().to_bytes()),
        enrollment_code: e.code.to_string(),
        nats_user_key: Some(nats_key.public_key()),
    };
    let url = format!("{}/api/v1/stations/{}/enrollment", e.hub_url.trim_end_matches('/'), e.station_id);
    let resp = reqwest::Client::new()
        .post(&url)
        .json(&request)
        .send()
        .await
        .map_err(|err| EnrollError::Unreachable(e.hub_url.to_string(), err.to_string()))?;
    let status = resp.status();
    if !status.is_success() {
        let body: serde_json::Value = resp.json().await.unwrap_or_default();
        let msg = body["error"].as_str().unwrap_or("no reason given").to_string();
        return Err(EnrollError::Refused(status.as_u16(), msg));
    }
    let answer: EnrollmentAnswer =
        resp.json().await.map_err(|err| EnrollError::Unreachable(e.hub_url.to_string(), err.to_string()))?;
    if let Some(jwt) = &answer.nats_jwt {
        config::save_nats_jwt(jwt, dir)?;
    }
    let config = StationConfig {
        station_id: e.station_id.to_string(),
        ward_code: e.ward_code.to_string(),
        building: e.building.to_string(),
        hub_url: e.hub_url.to_string(),
        hub_key: answer.hub_key.clone(),
        epoch_key: answer.epoch_key.clone(),
    };
    config.save(dir)?;
    Ok(config)
}
