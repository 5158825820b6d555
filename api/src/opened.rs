//! Sealed texts opened for the people allowed to read them: the report queues and case histories
//! open forgettable fields through the hub's key table; a field whose key is gone reads as erased
//! (`null` in JSON). Without a keyring (offline commands) they stay as the log holds them.

use ingest::keyring::Opened;
use projections::{QueueFilter, QueuedReport, ShownText};
use protocol::forgettable::Text;
use serde_json::Value;

use crate::{ApiError, AppState};

/// Whether a JSON value is a sealed text as domain events hold it.
fn sealed_text(v: &Value) -> Option<Text> {
    v.get("sealed")?;
    serde_json::from_value(v.clone()).ok()
}

/// Every sealed text in `v`, in a fixed (depth-first) order.
fn collect(v: &Value, out: &mut Vec<Text>) {
    if let Some(t) = sealed_text(v) {
        out.push(t);
        return;
    }
    match v {
        Value::Object(m) => m.values().for_each(|x| collect(x, out)),
        Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
        _ => {}
    }
}

/// Replaces the sealed texts of `v`, in the order [`collect`] found them.
fn replace(v: &mut Value, opened: &mut impl Iterator<Item = Opened>) {
    if sealed_text(v).is_some() {
        *v = match opened.next() {
            Some(Opened::Clear(t)) => Value::String(t),
            _ => Value::Null,
        };
        return;
    }
    match v {
        Value::Object(m) => m.values_mut().for_each(|x| replace(x, opened)),
        Value::Array(a) => a.iter_mut().for_each(|x| replace(x, opened)),
        _ => {}
    }
}

impl AppState {
    async fn open_texts(&self, texts: &[Text]) -> Result<Option<Vec<Opened>>, ApiError> {
        let Some(keyring) = &self.keyring else { return Ok(None) };
        let refs: Vec<&Text> = texts.iter().collect();
        keyring.open(&refs).await.map(Some).map_err(|e| ApiError::Internal(e.to_string()))
    }

    /// Opens every sealed text in these event payloads in place.
    pub async fn open_payloads(&self, payloads: &mut [&mut Value]) -> Result<(), ApiError> {
        let mut texts = Vec::new();
        payloads.iter().for_each(|p| collect(p, &mut texts));
        if texts.is_empty() {
            return Ok(());
        }
        let Some(opened) = self.open_texts(&texts).await? else { return Ok(()) };
        let mut opened = opened.into_iter();
        payloads.iter_mut().for_each(|p| replace(p, &mut opened));
        Ok(())
    }

    /// The report queue as `filter` selects it, with locations and descriptions opened.
    pub async fn open_reports(&self, filter: &QueueFilter) -> Result<Vec<QueuedReport>, ApiError> {
        let mut reports = self.reports.list(filter).await?;
        let stored: Vec<Text> = reports
            .iter()
            .flat_map(|r| [&r.location, &r.description])
            .map(|t| t.stored().cloned().unwrap_or_else(|| Text::Clear(String::new())))
            .collect();
        let Some(opened) = self.open_texts(&stored).await? else { return Ok(reports) };
        let shown = |o: &Opened| match o {
            Opened::Clear(t) => ShownText::Opened(t.clone()),
            Opened::Erased => ShownText::Erased,
        };
        for (report, pair) in reports.iter_mut().zip(opened.chunks(2)) {
            report.location = shown(&pair[0]);
            report.description = shown(&pair[1]);
        }
        Ok(reports)
    }
}
