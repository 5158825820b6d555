//! `GET /api/v1/audit/bundle?from=&to=`: an auditor downloads a bundle of a range of the log
//! (`docs/AUDIT.md` section 3, what `dcs audit export` writes) as one tar archive, to verify
//! offline with `dcs audit verify`.

use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::extract::QueryParams;
use crate::{ApiError, AppState};

/// At most this many entries in one download (about 450 MB); `dcs audit export` has no limit.
pub const MAX_ENTRIES: i64 = 1_000_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleParams {
    /// The first position (default 1).
    from: Option<i64>,
    /// The last position (default: the log's head).
    to: Option<i64>,
}

pub async fn bundle(
    State(s): State<AppState>,
    QueryParams(p): QueryParams<BundleParams>,
) -> Result<Response, ApiError> {
    let head = s.store.head().await?;
    if head == 0 {
        return Err(ApiError::NotFound("the log is empty".into()));
    }
    let from = p.from.unwrap_or(1);
    if !(1..=head).contains(&from) {
        return Err(ApiError::field("from", format!("must be a position from 1 to {head}")));
    }
    let to = p.to.unwrap_or(head);
    if !(from..=head).contains(&to) {
        return Err(ApiError::field("to", format!("must be a position from {from} to {head}")));
    }
    if to - from + 1 > MAX_ENTRIES {
        return Err(ApiError::field(
            "to",
            format!("at most {MAX_ENTRIES} entries in one download: use dcs audit export"),
        ));
    }
    let log_key = s.checkpoints.as_ref().map(|c| c.verifier_key()).ok_or_else(|| ApiError::internal("no log key"))?;
    let name = format!("dcs-audit-{from}-{to}");
    let dir = tempfile::tempdir().map_err(ApiError::internal)?;
    let path = dir.path().join(&name);
    audit::bundle::export(&s.store, &log_key, Some(from), Some(to), &path, &|_| {})
        .await
        .map_err(ApiError::internal)?;
    let archive = tokio::task::spawn_blocking(move || -> std::io::Result<std::fs::File> {
        let mut tar = tar::Builder::new(tempfile::tempfile()?);
        tar.append_dir_all(&name, &path)?;
        let mut file = tar.into_inner()?;
        std::io::Seek::rewind(&mut file)?;
        drop(dir);
        Ok(file)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(archive)));
    let disposition = format!("attachment; filename=\"dcs-audit-{from}-{to}.tar\"");
    Ok(([(header::CONTENT_TYPE, "application/x-tar".to_string()), (header::CONTENT_DISPOSITION, disposition)], body)
        .into_response())
}
