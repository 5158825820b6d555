//! Revoked stations leave NATS: the hub rebuilds the DCS account's revocation list from the
//! registry and pushes the account JWT whenever the list changes (and once at start), so a
//! revoked station's connection is closed and refused. One hub pushes (it holds the log's single
//! writer), every push carries the whole list, and each one's `iat` is later than the last.

use std::sync::Arc;
use std::time::Duration;

use bus::credentials::Authority;
use store::Store;
use tokio_util::sync::CancellationToken;

/// What the hub needs to admit and revoke stations on NATS.
#[derive(Clone)]
pub struct NatsAdmin {
    pub authority: Arc<Authority>,
    /// A system-account connection, for account updates.
    pub system: bus::nats::Client,
}

impl std::fmt::Debug for NatsAdmin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NatsAdmin({})", self.authority.account())
    }
}

/// How often the account is pushed even if nothing changed: a NATS server restarted from its
/// configuration learns the revocations again within this time.
const REFRESH: Duration = Duration::from_secs(60);

/// Checks the registry every `every` and pushes the account when its revocations changed (and
/// every [`REFRESH`] anyway).
pub async fn keep_pushed(
    store: Store,
    admin: NatsAdmin,
    every: Duration,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let mut pushed: Option<Vec<(String, i64)>> = None;
    let mut last_iat = 0;
    let mut last_push = tokio::time::Instant::now();
    let mut tick = tokio::time::interval(every);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.cancelled() => return Ok(()),
        }
        let now = chrono::Utc::now();
        let list: Vec<(String, i64)> = match store.nats_revocations(now).await {
            Ok(rows) => rows.into_iter().map(|(key, at)| (key, at.timestamp())).collect(),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the NATS revocations; trying again");
                continue;
            }
        };
        if pushed.as_ref() == Some(&list) && last_push.elapsed() < REFRESH {
            continue;
        }
        let iat = now.timestamp().max(last_iat + 1);
        let jwt = admin.authority.account_jwt(&list, iat);
        match bus::nats::push_account(&admin.system, &admin.authority.account(), &jwt).await {
            Ok(()) => {
                if pushed.as_ref() != Some(&list) {
                    tracing::info!(revoked = list.len(), "NATS account pushed");
                }
                pushed = Some(list);
                last_iat = iat;
                last_push = tokio::time::Instant::now();
            }
            Err(e) => tracing::warn!(error = %e, "NATS account not pushed; trying again"),
        }
    }
}
