//! The ward dashboard read model: per ward, the station interactions by kind and the staff
//! actions by kind for each local day (so "today" and "in total"), the age bands of the residents
//! served, and per station its activity, its latest heartbeat and when the hub last heard from it.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use domain::aggregates::{Aggregate, AnyEvent, AnyEventType, Station, StationLifecycleEvent, VneidEventType};
use serde::Serialize;
use store::{LogEntry, Store};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::projector::{Projection, Projector, Statement, Value};
use crate::Result;

/// A value as its serde name (`40-59`, `female`): how the model keys age bands and sexes.
fn name<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_else(|| "?".into())
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
    /// What the station's agent last said of itself.
    pub heartbeat: Option<StationHeartbeat>,
    /// Since when its key is revoked for signing two histories (until a key rotation).
    pub key_revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StationHeartbeat {
    pub at: DateTime<Utc>,
    pub agent_version: String,
    pub outbox_depth: i64,
    pub clock_skew_ms: i64,
    /// The station found the hub's log forked (what it found), as of its last heartbeat.
    pub log_alarm: Option<String>,
}

/// A ward's figures as read from the tables.
#[derive(Default)]
struct Figures {
    interactions: Vec<KindCount>,
    staff: Vec<KindCount>,
    ages: Vec<KindCount>,
    sexes: Vec<KindCount>,
}

/// One ward's line on the city dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WardSummary {
    pub code: String,
    pub name: String,
    pub kind: String,
    /// Station interactions (heartbeats aside) today and in total.
    pub today: i64,
    pub total: i64,
    /// Station interactions by event kind.
    pub by_kind: Vec<KindCount>,
    /// Events of staff and of the hub on this ward's cases (acknowledged, completed, overdue...).
    pub staff_actions: Vec<KindCount>,
    /// Interactions that identified a resident, by age band (`kind` is the band) and by sex.
    pub residents_by_age: Vec<KindCount>,
    pub residents_by_sex: Vec<KindCount>,
    pub residents_total: i64,
    /// Of those, residents aged 60 and over.
    pub elderly_total: i64,
    pub stations: i64,
    pub last_seen_at: Option<DateTime<Utc>>,
    /// VNeID accounts the ward's stations helped activate (a Project 06 target).
    pub vneid: VneidFigures,
}

/// VNeID activations asked for at stations, and how they ended (in total).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct VneidFigures {
    pub requested: i64,
    pub activated: i64,
    pub failed: i64,
}

impl VneidFigures {
    fn of(interactions: &[KindCount], staff: &[KindCount]) -> Self {
        let total = |counts: &[KindCount], t: VneidEventType| -> i64 {
            let t = AnyEventType::from(t);
            counts.iter().filter(|c| AnyEventType::parse(&c.kind) == Some(t)).map(|c| c.total).sum()
        };
        Self {
            requested: total(interactions, VneidEventType::VneidActivationRequested),
            activated: total(staff, VneidEventType::VneidActivated),
            failed: total(staff, VneidEventType::VneidActivationFailed),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CityDashboard {
    /// The local day in Ho Chi Minh City that "today" means.
    pub today: NaiveDate,
    /// The log position the figures include.
    pub position: i64,
    pub total: i64,
    pub total_today: i64,
    pub staff_actions_today: i64,
    pub residents_total: i64,
    pub elderly_total: i64,
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
    /// `(table, ward, key, day, count)`.
    pub counts: Vec<(&'static str, String, String, NaiveDate, i64)>,
    pub stations: Vec<StationActivity>,
}

/// The rows of the model, as the projector writes them.
#[derive(Clone, Copy)]
pub struct Model;

/// A row of `ward_kind_daily`, `ward_staff_daily` or `ward_citizen_daily`, summed.
#[derive(sqlx::FromRow)]
struct CountRow {
    ward_code: String,
    kind: String,
    total: i64,
    today: i64,
}

#[derive(sqlx::FromRow)]
struct SnapshotRow {
    ward_code: String,
    key: String,
    day: NaiveDate,
    count: i64,
}

#[derive(sqlx::FromRow)]
struct StationRow {
    station_id: String,
    ward_code: String,
    events: i64,
    last_seen_at: DateTime<Utc>,
    last_event_at: DateTime<Utc>,
    last_position: i64,
    heartbeat_at: Option<DateTime<Utc>>,
    agent_version: Option<String>,
    outbox_depth: Option<i64>,
    clock_skew_ms: Option<i64>,
    log_alarm: Option<String>,
    key_revoked_at: Option<DateTime<Utc>>,
}

impl StationRow {
    fn activity(self) -> StationActivity {
        StationActivity {
            station_id: self.station_id,
            ward_code: self.ward_code,
            events: self.events,
            last_seen_at: self.last_seen_at,
            last_event_at: self.last_event_at,
            last_position: self.last_position,
            heartbeat: self.heartbeat_at.map(|at| StationHeartbeat {
                at,
                agent_version: self.agent_version.unwrap_or_default(),
                outbox_depth: self.outbox_depth.unwrap_or_default(),
                clock_skew_ms: self.clock_skew_ms.unwrap_or_default(),
                log_alarm: self.log_alarm,
            }),
            key_revoked_at: self.key_revoked_at,
        }
    }
}

#[derive(Default)]
struct Heartbeat {
    at: Option<DateTime<Utc>>,
    agent_version: Option<String>,
    outbox_depth: Option<i64>,
    clock_skew_ms: Option<i64>,
    log_alarm: Option<String>,
}

impl Projection for Model {
    const NAME: &'static str = "ward_dashboard";
    const TABLES: &'static [&'static str] =
        &["ward_kind_daily", "ward_staff_daily", "ward_citizen_daily", "station_activity"];

    fn project(&self, entries: &[LogEntry]) -> Vec<Statement> {
        let mut tally = Tally::default();
        for e in entries {
            tally.add(e);
        }
        tally.statements()
    }
}

/// What a chunk of the log adds to the model, summed in memory before it is written.
#[derive(Default)]
struct Tally<'a> {
    /// `(ward, event type, day)`: a station's events, heartbeats aside.
    interactions: HashMap<(&'a str, &'a str, NaiveDate), i64>,
    /// `(ward, event type, day)`: events of staff and of the hub.
    staff: HashMap<(&'a str, &'a str, NaiveDate), i64>,
    /// `(ward, age band, sex, day)`: interactions that identified a resident.
    citizens: HashMap<(&'a str, String, String, NaiveDate), i64>,
    stations: BTreeMap<&'a str, (StationActivity, Heartbeat)>,
    /// Alerts raised and cleared on stations, in log order: `(station, revoked since)`.
    alerts: Vec<(&'a str, Option<DateTime<Utc>>)>,
}

impl<'a> Tally<'a> {
    fn add(&mut self, e: &'a LogEntry) {
        let Some(ward) = e.ward_code.as_deref() else { return };
        let day = protocol::time::local_day(e.occurred_at);
        let Some(station) = e.station_id.as_deref() else {
            *self.staff.entry((ward, e.event_type.as_str(), day)).or_default() += 1;
            self.alert(e);
            return;
        };
        // Read typed; an event this code cannot read still counts, by its stored type.
        let event = AnyEvent::read(&e.aggregate_type, &e.event_type, e.event_version, &e.payload)
            .inspect_err(
                |err| tracing::warn!(position = e.position, error = %err, "an event the dashboard cannot read"),
            )
            .ok();
        if matches!(event, Some(AnyEvent::Station(StationLifecycleEvent::StationEventRejected { .. }))) {
            // The hub refused it: kept in the log for the station's chain, not a use of the station.
            return;
        }
        let heartbeat = event.as_ref().and_then(|event| heartbeat_of(event, e.occurred_at));
        if heartbeat.is_none() {
            *self.interactions.entry((ward, e.event_type.as_str(), day)).or_default() += 1;
            if let Some(c) = event.as_ref().and_then(AnyEvent::citizen) {
                *self.citizens.entry((ward, name(&c.age_band), name(&c.sex), day)).or_default() += 1;
            }
        }
        let (s, beat) = self.stations.entry(station).or_insert_with(|| {
            let activity = StationActivity {
                station_id: station.to_string(),
                ward_code: ward.to_string(),
                events: 0,
                last_seen_at: e.recorded_at,
                last_event_at: e.occurred_at,
                last_position: e.position,
                heartbeat: None,
                key_revoked_at: None,
            };
            (activity, Heartbeat::default())
        });
        s.events += 1;
        s.last_seen_at = e.recorded_at;
        s.last_event_at = e.occurred_at;
        s.last_position = e.position;
        if let Some(h) = heartbeat {
            *beat = h;
        }
    }

    /// A station's key revoked for equivocation raises its alert; a new key clears it.
    fn alert(&mut self, e: &'a LogEntry) {
        if e.aggregate_type != Station::TYPE {
            return;
        }
        match AnyEvent::read(&e.aggregate_type, &e.event_type, e.event_version, &e.payload) {
            Ok(AnyEvent::Station(StationLifecycleEvent::StationEquivocated { at, .. })) => {
                self.alerts.push((&e.aggregate_id, Some(at)))
            }
            Ok(AnyEvent::Station(StationLifecycleEvent::StationKeyRotated { .. })) => {
                self.alerts.push((&e.aggregate_id, None))
            }
            _ => {}
        }
    }

    fn statements(self) -> Vec<Statement> {
        let daily = |sql: &'static str, ((ward, kind, day), n): ((&str, &str, NaiveDate), i64)| {
            Statement::new(sql, vec![ward.into(), kind.into(), day.into(), n.into()])
        };
        let mut out: Vec<Statement> = Vec::new();
        out.extend(self.interactions.into_iter().map(|row| {
            daily(
                "INSERT INTO ward_kind_daily (ward_code, kind, day, count) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (ward_code, kind, day) DO UPDATE SET count = ward_kind_daily.count + excluded.count",
                row,
            )
        }));
        out.extend(self.staff.into_iter().map(|row| {
            daily(
                "INSERT INTO ward_staff_daily (ward_code, kind, day, count) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (ward_code, kind, day) DO UPDATE SET count = ward_staff_daily.count + excluded.count",
                row,
            )
        }));
        out.extend(self.citizens.into_iter().map(|((ward, band, sex, day), n)| {
            Statement::new(
                "INSERT INTO ward_citizen_daily (ward_code, age_band, sex, day, count) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (ward_code, age_band, sex, day) DO UPDATE SET count = ward_citizen_daily.count + excluded.count",
                vec![ward.into(), band.into(), sex.into(), day.into(), n.into()],
            )
        }));
        out.extend(self.stations.into_values().map(|(s, beat)| station_statement(s, beat)));
        out.extend(self.alerts.into_iter().map(|(station, since)| {
            Statement::new(
                "UPDATE station_activity SET key_revoked_at = $1 WHERE station_id = $2",
                vec![since.into(), station.into()],
            )
        }));
        out
    }
}

/// What a heartbeat says of its station, if `event` is one (it moves "last seen", not the counts).
fn heartbeat_of(event: &AnyEvent, at: DateTime<Utc>) -> Option<Heartbeat> {
    let AnyEvent::Station(StationLifecycleEvent::StationHeartbeatRecorded {
        agent_version,
        outbox_depth,
        clock_skew_ms,
        log_alarm,
        ..
    }) = event
    else {
        return None;
    };
    Some(Heartbeat {
        at: Some(at),
        agent_version: Some(agent_version.clone()),
        outbox_depth: Some(i64::try_from(*outbox_depth).unwrap_or(i64::MAX)),
        clock_skew_ms: Some(*clock_skew_ms),
        log_alarm: log_alarm.clone(),
    })
}

fn station_statement(s: StationActivity, beat: Heartbeat) -> Statement {
    Statement::new(
        "INSERT INTO station_activity (station_id, ward_code, events, last_seen_at, last_event_at, last_position, \
         heartbeat_at, agent_version, outbox_depth, clock_skew_ms, log_alarm) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (station_id) DO UPDATE SET \
         ward_code = excluded.ward_code, events = station_activity.events + excluded.events, \
         last_seen_at = excluded.last_seen_at, last_event_at = excluded.last_event_at, \
         last_position = excluded.last_position, \
         heartbeat_at = COALESCE(excluded.heartbeat_at, station_activity.heartbeat_at), \
         agent_version = COALESCE(excluded.agent_version, station_activity.agent_version), \
         outbox_depth = COALESCE(excluded.outbox_depth, station_activity.outbox_depth), \
         clock_skew_ms = COALESCE(excluded.clock_skew_ms, station_activity.clock_skew_ms), \
         log_alarm = CASE WHEN excluded.heartbeat_at IS NULL THEN station_activity.log_alarm \
         ELSE excluded.log_alarm END",
        vec![
            s.station_id.into(),
            s.ward_code.into(),
            s.events.into(),
            s.last_seen_at.into(),
            s.last_event_at.into(),
            s.last_position.into(),
            beat.at.into(),
            beat.agent_version.into(),
            beat.outbox_depth.into(),
            beat.clock_skew_ms.into(),
            beat.log_alarm.into(),
        ],
    )
}

#[derive(Clone)]
pub struct WardDashboard {
    projector: Projector<Model>,
}

impl WardDashboard {
    pub fn new(store: Store) -> Self {
        Self { projector: Projector::new(store, Model) }
    }

    fn store(&self) -> &Store {
        self.projector.store()
    }

    /// The position up to which the model is built.
    pub async fn checkpoint(&self) -> Result<i64> {
        self.projector.checkpoint().await
    }

    /// Applies everything in the log after the checkpoint. Returns the new checkpoint.
    pub async fn catch_up(&self) -> Result<i64> {
        self.projector.catch_up().await
    }

    /// Drops the model and rebuilds it from position 0. Returns the new checkpoint.
    pub async fn rebuild(&self) -> Result<i64> {
        self.projector.rebuild().await
    }

    /// Keeps the model caught up until `shutdown` (see [`Projector::run`]).
    pub async fn run(self, head: watch::Receiver<i64>, shutdown: CancellationToken) {
        self.projector.run(head, shutdown).await
    }

    /// Per ward, the sums of `table`'s counts grouped by `column`, today and in total.
    async fn counts(
        &self,
        table: &str,
        column: &str,
        ward: Option<&str>,
        today: NaiveDate,
    ) -> Result<Vec<(String, KindCount)>> {
        let filter = if ward.is_some() { "WHERE ward_code = $2" } else { "" };
        let q = format!(
            "SELECT ward_code, {column} AS kind, CAST(SUM(count) AS BIGINT) AS total, \
             CAST(SUM(CASE WHEN day = $1 THEN count ELSE 0 END) AS BIGINT) AS today FROM {table} {filter} \
             GROUP BY ward_code, {column} ORDER BY ward_code, {column}"
        );
        let mut args = vec![today.into()];
        args.extend(ward.map(Value::from));
        let rows: Vec<CountRow> = self.store().fetch_rows(&Statement::new(q, args)).await?;
        Ok(rows
            .into_iter()
            .map(|r| (r.ward_code, KindCount { kind: r.kind, today: r.today, total: r.total }))
            .collect())
    }

    /// Every figure of one ward (or all wards), grouped by ward.
    async fn figures(&self, ward: Option<&str>, today: NaiveDate) -> Result<HashMap<String, Figures>> {
        let mut out: HashMap<String, Figures> = HashMap::new();
        for (w, c) in self.counts("ward_kind_daily", "kind", ward, today).await? {
            out.entry(w).or_default().interactions.push(c);
        }
        for (w, c) in self.counts("ward_staff_daily", "kind", ward, today).await? {
            out.entry(w).or_default().staff.push(c);
        }
        for (w, c) in self.counts("ward_citizen_daily", "age_band", ward, today).await? {
            out.entry(w).or_default().ages.push(c);
        }
        for (w, c) in self.counts("ward_citizen_daily", "sex", ward, today).await? {
            out.entry(w).or_default().sexes.push(c);
        }
        Ok(out)
    }

    async fn station_rows(&self, ward: Option<&str>) -> Result<Vec<StationActivity>> {
        let filter = if ward.is_some() { "WHERE ward_code = $1" } else { "" };
        let q = format!(
            "SELECT station_id, ward_code, events, last_seen_at, last_event_at, last_position, heartbeat_at, \
             agent_version, outbox_depth, clock_skew_ms, log_alarm, key_revoked_at FROM station_activity {filter} \
             ORDER BY station_id"
        );
        let rows: Vec<StationRow> =
            self.store().fetch_rows(&Statement::new(q, ward.map(Value::from).into_iter().collect())).await?;
        Ok(rows.into_iter().map(StationRow::activity).collect())
    }

    fn summary(ward: &protocol::Ward, figures: Figures, stations: &[&StationActivity]) -> WardSummary {
        let elderly = |c: &&KindCount| c.kind == "60-74" || c.kind == "75+";
        WardSummary {
            code: ward.code.clone(),
            name: ward.name.clone(),
            kind: ward.kind.clone(),
            vneid: VneidFigures::of(&figures.interactions, &figures.staff),
            today: figures.interactions.iter().map(|c| c.today).sum(),
            total: figures.interactions.iter().map(|c| c.total).sum(),
            residents_total: figures.ages.iter().map(|c| c.total).sum(),
            elderly_total: figures.ages.iter().filter(elderly).map(|c| c.total).sum(),
            by_kind: figures.interactions,
            staff_actions: figures.staff,
            residents_by_age: figures.ages,
            residents_by_sex: figures.sexes,
            stations: stations.len() as i64,
            last_seen_at: stations.iter().map(|s| s.last_seen_at).max(),
        }
    }

    /// All 168 wards, each with its counts (zero where nothing happened yet).
    pub async fn city(&self, today: NaiveDate) -> Result<CityDashboard> {
        let position = self.checkpoint().await?;
        let mut figures = self.figures(None, today).await?;
        let stations = self.station_rows(None).await?;
        let wards: Vec<WardSummary> = protocol::ward::all()
            .iter()
            .map(|w| {
                let here: Vec<&StationActivity> = stations.iter().filter(|s| s.ward_code == w.code).collect();
                Self::summary(w, figures.remove(&w.code).unwrap_or_default(), &here)
            })
            .collect();
        Ok(CityDashboard {
            today,
            position,
            total: wards.iter().map(|w| w.total).sum(),
            total_today: wards.iter().map(|w| w.today).sum(),
            staff_actions_today: wards.iter().flat_map(|w| &w.staff_actions).map(|c| c.today).sum(),
            residents_total: wards.iter().map(|w| w.residents_total).sum(),
            elderly_total: wards.iter().map(|w| w.elderly_total).sum(),
            active_stations: stations.len() as i64,
            wards,
        })
    }

    /// One ward: its figures and each of its stations' activity.
    pub async fn ward(&self, ward: &protocol::WardCode, today: NaiveDate) -> Result<WardDashboardView> {
        let position = self.checkpoint().await?;
        let figures = self.figures(Some(ward.as_str()), today).await?.remove(ward.as_str()).unwrap_or_default();
        let stations = self.station_rows(Some(ward.as_str())).await?;
        let refs: Vec<&StationActivity> = stations.iter().collect();
        Ok(WardDashboardView { today, position, ward: Self::summary(ward.ward(), figures, &refs), stations })
    }

    /// The whole model, for comparing a rebuilt one with the live one.
    pub async fn snapshot(&self) -> Result<Snapshot> {
        let checkpoint = self.checkpoint().await?;
        let mut counts = Vec::new();
        for (table, key) in [
            ("ward_kind_daily", "kind"),
            ("ward_staff_daily", "kind"),
            ("ward_citizen_daily", "age_band || '/' || sex"),
        ] {
            let q = format!("SELECT ward_code, {key} AS key, day, count FROM {table} ORDER BY 1, 2, 3");
            let rows: Vec<SnapshotRow> = self.store().fetch_rows(&Statement::new(q, Vec::new())).await?;
            let rows = rows.into_iter().map(|r| (table, r.ward_code, r.key, r.day, r.count));
            counts.extend(rows);
        }
        Ok(Snapshot { checkpoint, counts, stations: self.station_rows(None).await? })
    }
}
