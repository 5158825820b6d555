//! The bus between stations and the hub. In production it is NATS JetStream ([`nats`]); in the
//! embedded mode an in-process bus with the same semantics ([`memory`]): at-least-once delivery
//! of station events with explicit ack and delayed redelivery, receipts back to each station, and
//! receipt lookups by request/reply.

pub mod building;
pub mod credentials;
pub mod memory;
pub mod nats;
pub mod signal;

use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::BoxStream;
use protocol::receipt::{LookupRequest, Sealed};
use tokio::sync::oneshot;

#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error("the bus is not reachable: {0}")]
    Unreachable(String),
    #[error("timed out waiting for {0}")]
    Timeout(&'static str),
    #[error("bus error: {0}")]
    Other(String),
}

pub type Result<T, E = BusError> = std::result::Result<T, E>;

/// A signed station event as a station publishes it.
#[derive(Debug, Clone)]
pub struct OutgoingEvent {
    pub subject: String,
    /// The `Nats-Msg-Id` header: the event's signature (unforgeable, unlike its id).
    pub msg_id: String,
    /// 128 hex digits: the `Dcs-Signature` header.
    pub signature: String,
    pub bytes: Bytes,
}

/// The bus's acknowledgement of a publish (not yet the hub's receipt).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublishAck {
    /// The bus had this message id already (within its duplicate window).
    pub duplicate: bool,
}

/// The station's side of the bus.
#[async_trait]
pub trait StationLink: Send + Sync {
    /// Publishes events in order and waits for the bus to hold each. One result per event.
    async fn publish(&self, events: &[OutgoingEvent]) -> Vec<Result<PublishAck>>;
    /// Asks the hub which of these events it already has an outcome for: a sealed
    /// [`protocol::receipt::LookupReply`].
    async fn lookup(&self, subject: &str, request: &LookupRequest) -> Result<Sealed>;
    /// Receipts sent to this station, sealed by the hub (the station opens them with its key).
    async fn receipts(&self, subject: &str) -> Result<BoxStream<'static, Sealed>>;
    /// The checkpoints the hub announces (signed notes, unchecked: only a wake-up to witness).
    async fn checkpoints(&self) -> Result<BoxStream<'static, String>>;
}

/// A station event delivered to the hub, to be acked once its outcome is committed.
pub struct Delivery {
    pub subject: String,
    pub msg_id: Option<String>,
    pub signature: Option<String>,
    pub bytes: Bytes,
    /// 1 on first delivery.
    pub attempt: u64,
    acker: Acker,
}

enum Acker {
    Nats(Box<async_nats::jetstream::Message>),
    Memory(memory::Requeue),
}

impl Delivery {
    /// The outcome is durable: never deliver this message again.
    pub async fn ack(&self) -> Result<()> {
        match &self.acker {
            Acker::Nats(m) => m.ack().await.map_err(|e| BusError::Other(e.to_string())),
            Acker::Memory(_) => Ok(()),
        }
    }

    /// Not now: deliver it again after `delay`.
    pub async fn nak(self, delay: Duration) -> Result<()> {
        match self.acker {
            Acker::Nats(m) => m
                .ack_with(async_nats::jetstream::AckKind::Nak(Some(delay)))
                .await
                .map_err(|e| BusError::Other(e.to_string())),
            Acker::Memory(requeue) => {
                requeue.after(
                    delay,
                    memory::Queued {
                        subject: self.subject,
                        msg_id: self.msg_id,
                        signature: self.signature,
                        bytes: self.bytes,
                        attempt: self.attempt + 1,
                    },
                );
                Ok(())
            }
        }
    }
}

/// A station's lookup request, with the way to answer it.
pub struct LookupCall {
    pub subject: String,
    pub request: LookupRequest,
    pub reply: oneshot::Sender<Sealed>,
}

/// The hub's side of the bus.
#[async_trait]
pub trait HubLink: Send + Sync {
    /// Waits up to `wait` for at least one delivery, then returns what is ready, at most `max`.
    async fn next_batch(&mut self, max: usize, wait: Duration) -> Result<Vec<Delivery>>;
    /// Sends a station its receipt (best effort: a station that misses one looks it up).
    async fn send_receipt(&self, subject: &str, receipt: &Sealed) -> Result<()>;
    /// Lookup requests from stations.
    async fn lookups(&self) -> Result<BoxStream<'static, LookupCall>>;
    /// What announces the hub's checkpoints to stations, for the checkpoint signer.
    fn announcer(&self) -> Announcer;
}

/// Announces signed checkpoints to every station (best effort: a station also asks on its own).
#[derive(Clone)]
pub struct Announcer(AnnouncerKind);

#[derive(Clone)]
enum AnnouncerKind {
    Nats(async_nats::Client),
    Memory(tokio::sync::broadcast::Sender<String>),
}

impl Announcer {
    pub(crate) fn nats(client: async_nats::Client) -> Self {
        Self(AnnouncerKind::Nats(client))
    }

    pub(crate) fn memory(tx: tokio::sync::broadcast::Sender<String>) -> Self {
        Self(AnnouncerKind::Memory(tx))
    }

    pub async fn announce(&self, note: &str) {
        match &self.0 {
            AnnouncerKind::Nats(c) => {
                if let Err(e) = c.publish(protocol::subjects::CHECKPOINTS, note.to_string().into()).await {
                    tracing::debug!(error = %e, "cannot announce a checkpoint");
                }
            }
            AnnouncerKind::Memory(tx) => {
                let _ = tx.send(note.to_string());
            }
        }
    }
}
