//! The ward dashboard read model: per ward, counts by kind of event for each local day (so
//! "today" and "in total"), and per station its activity and when the hub last heard from it.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::Row;
use store::Store;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::Result;
use store::dialect::sql;
use store::on_db;

/// This projection's name in `projection_checkpoints`.
pub const NAME: &str = "ward_dashboard";
/// Log entries read per transaction.
const CHUNK: i64 = 10_000;

#[derive(Clone)]
pub struct WardDashboard {
    store: Store,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct KindCount {
    pub kind: String,
    pub today: i64,
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StationActivity {
    pub station_id: String,
    pub ward_code: String,
    pub events: i64,
    /// When the hub last recorded an event of this station.
    pub last_seen_at: DateTime<Utc>,
    /// The station's clock time of its latest event.
    pub last_event_at: DateTime<Utc>,
    pub last_position: i64,
}

/// One ward's line on the city dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WardSummary {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub today: i64,
    pub total: i64,
    pub by_kind: Vec<KindCount>,
    pub stations: i64,
    pub last_seen_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CityDashboard {
    /// The local day in Ho Chi Minh City that "today" means.
    pub today: NaiveDate,
    /// The log position the figures include.
    pub position: i64,
    pub total: i64,
    pub total_today: i64,
    pub active_stations: i64,
    pub wards: Vec<WardSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WardDashboardView {
    pub today: NaiveDate,
    pub position: i64,
    pub ward: WardSummary,
    pub stations: Vec<StationActivity>,
}

/// Everything in the read model, in a fixed order: two equal snapshots mean two equal models.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub checkpoint: i64,
    pub counts: Vec<(String, String, NaiveDate, i64)>,
    pub stations: Vec<StationActivity>,
}

impl WardDashboard {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// The position up to which the model is built.
    pub async fn checkpoint(&self) -> Result<i64> {
        on_db!(self.store.db(), |pool, pg| {
            let q = sql(pg, "SELECT position FROM projection_checkpoints WHERE name = $1");
            let p: Option<i64> = sqlx::query_scalar(&q).bind(NAME).fetch_optional(pool).await?;
            Ok(p.unwrap_or(0))
        })
    }

    async fn ensure_checkpoint(&self) -> Result<()> {
        on_db!(self.store.db(), |pool, pg| {
            let q = sql(
                pg,
                "INSERT INTO projection_checkpoints (name, position) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING",
            );
            sqlx::query(&q).bind(NAME).execute(pool).await?;
            Ok(())
        })
    }

    /// Applies everything in the log after the checkpoint. Returns the new checkpoint.
    pub async fn catch_up(&self) -> Result<i64> {
        self.ensure_checkpoint().await?;
        loop {
            let from = self.checkpoint().await?;
            let entries = self.store.read_log(from, CHUNK).await?;
            let Some(last) = entries.last().map(|e| e.position) else { return Ok(from) };
            if !self.apply(from, last, &entries).await? {
                // Another projector moved the checkpoint first; read again from where it is.
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }

    /// One transaction: the rows and the checkpoint move together, and only if the checkpoint is
    /// still where this chunk started (so two projectors never count an event twice).
    async fn apply(&self, from: i64, to: i64, entries: &[store::LogEntry]) -> Result<bool> {
        let mut counts: HashMap<(&str, &str, NaiveDate), i64> = HashMap::new();
        let mut stations: BTreeMap<&str, StationActivity> = BTreeMap::new();
        for e in entries {
            let (Some(ward), Some(station)) = (e.ward_code.as_deref(), e.station_id.as_deref()) else { continue };
            *counts.entry((ward, e.event_type.as_str(), domain::time::local_day(e.occurred_at))).or_default() += 1;
            let s = stations.entry(station).or_insert_with(|| StationActivity {
                station_id: station.to_string(),
                ward_code: ward.to_string(),
                events: 0,
                last_seen_at: e.recorded_at,
                last_event_at: e.occurred_at,
                last_position: e.position,
            });
            s.events += 1;
            s.last_seen_at = e.recorded_at;
            s.last_event_at = e.occurred_at;
            s.last_position = e.position;
        }
        on_db!(self.store.db(), |pool, pg| {
            let mut tx = pool.begin().await?;
            let moved = sqlx::query(&sql(
                pg,
                "UPDATE projection_checkpoints SET position = $1 WHERE name = $2 AND position = $3",
            ))
            .bind(to)
            .bind(NAME)
            .bind(from)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if moved != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
            let upsert_count = sql(
                pg,
                "INSERT INTO ward_kind_daily (ward_code, kind, day, count) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (ward_code, kind, day) DO UPDATE SET count = ward_kind_daily.count + excluded.count",
            );
            for ((ward, kind, day), n) in &counts {
                sqlx::query(&upsert_count).bind(*ward).bind(*kind).bind(*day).bind(*n).execute(&mut *tx).await?;
            }
            let upsert_station = sql(
                pg,
                "INSERT INTO station_activity (station_id, ward_code, events, last_seen_at, last_event_at, last_position) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (station_id) DO UPDATE SET \
                 ward_code = excluded.ward_code, events = station_activity.events + excluded.events, \
                 last_seen_at = excluded.last_seen_at, last_event_at = excluded.last_event_at, \
                 last_position = excluded.last_position",
            );
            for s in stations.values() {
                sqlx::query(&upsert_station)
                    .bind(&s.station_id)
                    .bind(&s.ward_code)
                    .bind(s.events)
                    .bind(s.last_seen_at)
                    .bind(s.last_event_at)
                    .bind(s.last_position)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Drops the model and rebuilds it from position 0. Returns the new checkpoint.
    pub async fn rebuild(&self) -> Result<i64> {
        self.ensure_checkpoint().await?;
        on_db!(self.store.db(), |pool, pg| {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM ward_kind_daily").execute(&mut *tx).await?;
            sqlx::query("DELETE FROM station_activity").execute(&mut *tx).await?;
            sqlx::query(&sql(pg, "UPDATE projection_checkpoints SET position = 0 WHERE name = $1"))
                .bind(NAME)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<(), crate::ProjectionError>(())
        })?;
        self.catch_up().await
    }

    /// Keeps the model caught up: after each commit announced on `head`, and every second in case
    /// another process writes the log. Catches up once more when `shutdown` fires.
    pub async fn run(self, mut head: watch::Receiver<i64>, shutdown: CancellationToken) {
        loop {
            if let Err(e) = self.catch_up().await {
                tracing::warn!(error = %e, "ward dashboard projector; retrying");
            }
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = head.changed() => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
        if let Err(e) = self.catch_up().await {
            tracing::warn!(error = %e, "final catch-up of the ward dashboard");
        }
    }

    async fn counts(&self, ward: Option<&str>, today: NaiveDate) -> Result<Vec<(String, KindCount)>> {
        on_db!(self.store.db(), |pool, pg| {
            let base = "SELECT ward_code, kind, CAST(SUM(count) AS BIGINT), \
                        CAST(SUM(CASE WHEN day = $1 THEN count ELSE 0 END) AS BIGINT) FROM ward_kind_daily";
            let q = match ward {
                Some(_) => format!("{base} WHERE ward_code = $2 GROUP BY ward_code, kind ORDER BY ward_code, kind"),
                None => format!("{base} GROUP BY ward_code, kind ORDER BY ward_code, kind"),
            };
            let q = sql(pg, &q);
            let mut query = sqlx::query(&q).bind(today);
            if let Some(w) = ward {
                query = query.bind(w);
            }
            let rows = query.fetch_all(pool).await?;
            rows.iter()
                .map(|r| {
                    let kind = KindCount { kind: r.try_get(1)?, total: r.try_get(2)?, today: r.try_get(3)? };
                    Ok((r.try_get::<String, _>(0)?, kind))
                })
                .collect()
        })
    }

    async fn station_rows(&self, ward: Option<&str>) -> Result<Vec<StationActivity>> {
        on_db!(self.store.db(), |pool, pg| {
            let base = "SELECT station_id, ward_code, events, last_seen_at, last_event_at, last_position FROM station_activity";
            let q = match ward {
                Some(_) => format!("{base} WHERE ward_code = $1 ORDER BY station_id"),
                None => format!("{base} ORDER BY station_id"),
            };
            let q = sql(pg, &q);
            let mut query = sqlx::query(&q);
            if let Some(w) = ward {
                query = query.bind(w);
            }
            let rows = query.fetch_all(pool).await?;
            rows.iter()
                .map(|r| {
                    Ok(StationActivity {
                        station_id: r.try_get(0)?,
                        ward_code: r.try_get(1)?,
                        events: r.try_get(2)?,
                        last_seen_at: r.try_get(3)?,
                        last_event_at: r.try_get(4)?,
                        last_position: r.try_get(5)?,
                    })
                })
                .collect()
        })
    }

    fn summary(ward: &domain::Ward, counts: Vec<KindCount>, stations: &[&StationActivity]) -> WardSummary {
        WardSummary {
            code: ward.code.clone(),
            name: ward.name.clone(),
            kind: ward.kind.clone(),
            today: counts.iter().map(|c| c.today).sum(),
            total: counts.iter().map(|c| c.total).sum(),
            by_kind: counts,
            stations: stations.len() as i64,
            last_seen_at: stations.iter().map(|s| s.last_seen_at).max(),
        }
    }

    /// All 168 wards, each with its counts (zero where nothing happened yet).
    pub async fn city(&self, today: NaiveDate) -> Result<CityDashboard> {
        let position = self.checkpoint().await?;
        let mut counts: HashMap<String, Vec<KindCount>> = HashMap::new();
        for (ward, c) in self.counts(None, today).await? {
            counts.entry(ward).or_default().push(c);
        }
        let stations = self.station_rows(None).await?;
        let wards: Vec<WardSummary> = domain::ward::all()
            .iter()
            .map(|w| {
                let here: Vec<&StationActivity> = stations.iter().filter(|s| s.ward_code == w.code).collect();
                Self::summary(w, counts.remove(&w.code).unwrap_or_default(), &here)
            })
            .collect();
        Ok(CityDashboard {
            today,
            position,
            total: wards.iter().map(|w| w.total).sum(),
            total_today: wards.iter().map(|w| w.today).sum(),
            active_stations: stations.len() as i64,
            wards,
        })
    }

    /// One ward: its counts by kind and each of its stations' activity.
    pub async fn ward(&self, ward: &domain::WardCode, today: NaiveDate) -> Result<WardDashboardView> {
        let position = self.checkpoint().await?;
        let counts = self.counts(Some(ward.as_str()), today).await?.into_iter().map(|(_, c)| c).collect();
        let stations = self.station_rows(Some(ward.as_str())).await?;
        let refs: Vec<&StationActivity> = stations.iter().collect();
        Ok(WardDashboardView { today, position, ward: Self::summary(ward.ward(), counts, &refs), stations })
    }

    /// The whole model, for comparing a rebuilt one with the live one.
    pub async fn snapshot(&self) -> Result<Snapshot> {
        let checkpoint = self.checkpoint().await?;
        let counts = on_db!(self.store.db(), |pool, pg| {
            let rows =
                sqlx::query("SELECT ward_code, kind, day, count FROM ward_kind_daily ORDER BY ward_code, kind, day")
                    .fetch_all(pool)
                    .await?;
            rows.iter()
                .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
                .collect::<Result<Vec<_>>>()
        })?;
        Ok(Snapshot { checkpoint, counts, stations: self.station_rows(None).await? })
    }
}
