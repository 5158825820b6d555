//! PostgreSQL `COPY ... FROM STDIN` text encoding of event rows: the writer's fast path, and the
//! benchmark's baseline (the same rows, copied raw).

use chrono::{DateTime, SecondsFormat, Utc};

use crate::NewEvent;

/// The column list, in encoding order.
pub const EVENT_COLUMNS: &str = "position, event_id, aggregate_type, aggregate_id, aggregate_seq, event_type, \
     event_version, payload, metadata, station_id, ward_code, occurred_at, recorded_at, raw, signature, entry";

/// Appends rows to a buffer in COPY text format.
#[derive(Default)]
pub struct CopyEncoder {
    pub buf: Vec<u8>,
}

impl CopyEncoder {
    pub fn with_capacity(bytes: usize) -> Self {
        Self { buf: Vec::with_capacity(bytes) }
    }

    /// Encodes one event row with its audit-log entry bytes.
    pub fn event(&mut self, position: i64, e: &NewEvent, recorded_at: &DateTime<Utc>, entry: &[u8]) {
        self.plain(&position.to_string());
        self.tab();
        self.plain(&e.event_id.hyphenated().to_string());
        self.tab();
        self.text(&e.aggregate_type);
        self.tab();
        self.text(&e.aggregate_id);
        self.tab();
        self.plain(&e.aggregate_seq.to_string());
        self.tab();
        self.text(&e.event_type);
        self.tab();
        self.plain(&e.event_version.to_string());
        self.tab();
        self.text(&e.payload.to_string());
        self.tab();
        self.text(&e.metadata.to_string());
        self.tab();
        self.opt_text(e.station_id.as_deref());
        self.tab();
        self.opt_text(e.ward_code.as_deref());
        self.tab();
        self.plain(&e.occurred_at.to_rfc3339_opts(SecondsFormat::Micros, true));
        self.tab();
        self.plain(&recorded_at.to_rfc3339_opts(SecondsFormat::Micros, true));
        self.tab();
        self.bytea(e.raw.as_deref());
        self.tab();
        self.bytea(e.signature.as_deref());
        self.tab();
        self.bytea(Some(entry));
        self.buf.push(b'\n');
    }

    fn tab(&mut self) {
        self.buf.push(b'\t');
    }

    fn plain(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
    }

    fn opt_text(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.text(s),
            None => self.buf.extend_from_slice(b"\\N"),
        }
    }

    /// Text with COPY's escapes for backslash, tab, newline and carriage return.
    fn text(&mut self, s: &str) {
        for &b in s.as_bytes() {
            match b {
                b'\\' => self.buf.extend_from_slice(b"\\\\"),
                b'\t' => self.buf.extend_from_slice(b"\\t"),
                b'\n' => self.buf.extend_from_slice(b"\\n"),
                b'\r' => self.buf.extend_from_slice(b"\\r"),
                _ => self.buf.push(b),
            }
        }
    }

    /// bytea in hex form (`\x...`), its backslash escaped for COPY.
    fn bytea(&mut self, bytes: Option<&[u8]>) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        match bytes {
            None => self.buf.extend_from_slice(b"\\N"),
            Some(bytes) => {
                self.buf.extend_from_slice(b"\\\\x");
                for &b in bytes {
                    self.buf.push(HEX[(b >> 4) as usize]);
                    self.buf.push(HEX[(b & 15) as usize]);
                }
            }
        }
    }
}
