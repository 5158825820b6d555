//! NATS JetStream: the production bus. One stream for the city (`DCS_EVENTS`, limits retention,
//! a duplicate window, replayable), one durable pull consumer for ingest (explicit ack, batched
//! pulls with `expires`), core NATS for receipts and request/reply for receipt lookups.
//! Works with NATS 2.9: async-nats is built without the 2.10+ server features.

use std::time::Duration;

use async_nats::jetstream::{self, consumer, stream};
pub use async_nats::Client;
use async_nats::HeaderMap;
use async_trait::async_trait;
use futures::stream::BoxStream;
use futures::{FutureExt, StreamExt};
use protocol::receipt::{LookupRequest, Sealed};
use protocol::subjects;
use tokio::sync::oneshot;

use crate::{Acker, BusError, Delivery, HubLink, LookupCall, OutgoingEvent, PublishAck, Result, StationLink};

/// The ingest's durable consumer.
pub const CONSUMER: &str = "dcs-ingest";
/// How long JetStream waits for an ack before it redelivers to the hub.
pub const ACK_WAIT: Duration = Duration::from_secs(15);
/// The stream keeps events at most this long (the stations keep theirs until the hub's receipt,
/// so an event the stream let go of is sent again).
pub const STREAM_MAX_AGE: Duration = Duration::from_secs(30 * 24 * 3600);
/// And at most this many bytes (the oldest go first).
pub const STREAM_MAX_BYTES: i64 = 20 * 1024 * 1024 * 1024;
/// How long JetStream remembers a `Nats-Msg-Id`.
pub const DUPLICATE_WINDOW: Duration = Duration::from_secs(120);

fn other(e: impl std::fmt::Display) -> BusError {
    BusError::Other(e.to_string())
}

/// Who a connection is: without credentials, anonymous (a NATS without authentication, for
/// development); with them, a user of the DCS account (`.creds`: the user JWT and its seed), and
/// for a station its own inbox prefix, the only one it may subscribe to.
#[derive(Clone, Default)]
pub struct Identity {
    pub creds: Option<String>,
    pub inbox_prefix: Option<String>,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity").field("creds", &self.creds.as_ref().map(|_| "…")).finish()
    }
}

/// Connects to NATS (`url` may list a cluster's nodes, comma-separated). The client reconnects on
/// its own; with `retry_on_initial_connect` it also
/// returns at once when the server is down, so that a station keeps recording while offline.
pub async fn connect(url: &str, name: &str, retry_initial: bool, identity: &Identity) -> Result<Client> {
    let mut opts = match &identity.creds {
        Some(creds) => async_nats::ConnectOptions::new()
            .credentials(creds)
            .map_err(|e| BusError::Other(format!("the NATS credentials are unreadable: {e}")))?,
        None => async_nats::ConnectOptions::new(),
    };
    opts = opts
        .name(name)
        .connection_timeout(Duration::from_secs(5))
        .request_timeout(Some(Duration::from_secs(10)))
        .max_reconnects(None);
    if let Some(prefix) = &identity.inbox_prefix {
        opts = opts.custom_inbox_prefix(prefix);
    }
    if retry_initial {
        opts = opts.retry_on_initial_connect();
    }
    // A cluster's nodes, comma-separated.
    let servers: Vec<&str> = url.split(',').map(str::trim).filter(|u| !u.is_empty()).collect();
    opts.connect(servers).await.map_err(|e| BusError::Unreachable(format!("{url}: {e}")))
}

/// Pushes an account JWT to the servers through a system-account connection (the full resolver
/// keeps it across restarts); the server's answer must say it took it.
pub async fn push_account(system: &Client, account: &str, jwt: &str) -> Result<()> {
    let subject = format!("$SYS.REQ.ACCOUNT.{account}.CLAIMS.UPDATE");
    let reply = tokio::time::timeout(Duration::from_secs(10), system.request(subject, jwt.to_string().into()))
        .await
        .map_err(|_| BusError::Timeout("the account update's answer"))?
        .map_err(|e| BusError::Unreachable(e.to_string()))?;
    let answer: serde_json::Value = serde_json::from_slice(&reply.payload).map_err(other)?;
    match answer.get("error") {
        None => Ok(()),
        Some(e) => Err(BusError::Other(format!("the server refused the account update: {e}"))),
    }
}

/// The station's side: publishes its events, receives its receipts, looks up missed ones.
pub struct NatsStation {
    client: Client,
    js: jetstream::Context,
}

impl NatsStation {
    pub fn new(client: Client) -> Self {
        let mut js = jetstream::new(client.clone());
        js.set_timeout(Duration::from_secs(5));
        Self { client, js }
    }
}

#[async_trait]
impl StationLink for NatsStation {
    async fn publish(&self, events: &[OutgoingEvent]) -> Vec<Result<PublishAck>> {
        // Send all, then await the acks: one round trip for the window, and order is kept because
        // every publish goes out on the one connection in order.
        let mut pending = Vec::with_capacity(events.len());
        for e in events {
            let mut headers = HeaderMap::new();
            headers.insert(subjects::HEADER_MSG_ID, e.msg_id.as_str());
            headers.insert(subjects::HEADER_SIGNATURE, e.signature.as_str());
            headers.insert(subjects::HEADER_PROTOCOL, "1");
            pending.push(self.js.publish_with_headers(e.subject.clone(), headers, e.bytes.clone()).await);
        }
        let mut out = Vec::with_capacity(events.len());
        for p in pending {
            out.push(match p {
                Ok(ack) => match tokio::time::timeout(Duration::from_secs(10), ack).await {
                    Ok(Ok(ack)) => Ok(PublishAck { duplicate: ack.duplicate }),
                    Ok(Err(e)) => Err(BusError::Unreachable(e.to_string())),
                    Err(_) => Err(BusError::Timeout("the bus's publish ack")),
                },
                Err(e) => Err(BusError::Unreachable(e.to_string())),
            });
        }
        out
    }

    async fn lookup(&self, subject: &str, request: &LookupRequest) -> Result<Sealed> {
        let body = serde_json::to_vec(request).map_err(other)?;
        let reply =
            tokio::time::timeout(Duration::from_secs(10), self.client.request(subject.to_string(), body.into()))
                .await
                .map_err(|_| BusError::Timeout("a lookup reply"))?
                .map_err(|e| BusError::Unreachable(e.to_string()))?;
        sealed(&reply).map_err(|e| BusError::Other(format!("an unsigned lookup answer: {e}")))
    }

    async fn receipts(&self, subject: &str) -> Result<BoxStream<'static, Sealed>> {
        let sub = self.client.subscribe(subject.to_string()).await.map_err(|e| BusError::Unreachable(e.to_string()))?;
        Ok(sub
            .filter_map(|m| async move {
                match sealed(&m) {
                    Ok(r) => Some(r),
                    Err(e) => {
                        tracing::warn!(error = %e, "ignoring a receipt without the hub's signature");
                        None
                    }
                }
            })
            .boxed())
    }

    async fn checkpoints(&self) -> Result<BoxStream<'static, String>> {
        let sub = self
            .client
            .subscribe(subjects::CHECKPOINTS.to_string())
            .await
            .map_err(|e| BusError::Unreachable(e.to_string()))?;
        Ok(sub.filter_map(|m| async move { String::from_utf8(m.payload.to_vec()).ok() }).boxed())
    }
}

/// The hub's signature of a sealed message, as its header.
fn signed(sealed: &Sealed) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(subjects::HEADER_SIGNATURE, sealed.signature_hex().as_str());
    headers
}

/// A sealed message as it arrived: its body and signature header.
fn sealed(m: &async_nats::Message) -> std::result::Result<Sealed, protocol::receipt::SealError> {
    let signature = m.headers.as_ref().and_then(|h| h.get(subjects::HEADER_SIGNATURE)).map(|v| v.as_str());
    Sealed::from_wire(&m.payload, signature)
}

/// The hub's side: the durable pull consumer, receipts and lookups.
pub struct NatsHub {
    client: Client,
    plan: StreamPlan,
    messages: consumer::pull::Stream,
}

/// How the hub's stream is laid out.
#[derive(Debug, Clone, Default)]
pub struct StreamPlan {
    /// Copies of the stream on a JetStream cluster (1 on a single server; 3 for R3).
    pub replicas: usize,
    /// Buildings whose leaf nodes keep their stations' events; the stream sources from each.
    pub buildings: Vec<crate::building::BuildingDomain>,
}

impl NatsHub {
    /// Creates (or opens) the stream and the durable consumer, and starts pulling.
    /// With buildings, also keeps their streams made (see [`crate::building`]).
    pub async fn open(client: Client, plan: StreamPlan) -> Result<Self> {
        // The buildings' streams first, so that the sources below find them at once; all at once,
        // so that buildings out of reach delay the start by one timeout, not one each.
        let made =
            futures::future::join_all(plan.buildings.iter().map(|d| crate::building::make_stream(&client, d))).await;
        let mut ready = Vec::new();
        for (domain, made) in plan.buildings.iter().zip(made) {
            if let Err(e) = &made {
                tracing::warn!(building = domain.as_str(), error = %e, "cannot reach the building's stream yet");
            }
            ready.push(made.is_ok());
        }
        let messages = Self::pull_patiently(&client, &plan).await?;
        if !plan.buildings.is_empty() {
            tokio::spawn(crate::building::keep_streams(client.clone(), plan.buildings.clone(), ready));
        }
        Ok(Self { client, plan, messages })
    }

    /// `pull`, tried again for up to two minutes: just after a cluster node restarts, JetStream may
    /// not answer until its streams have elected their leaders.
    async fn pull_patiently(client: &Client, plan: &StreamPlan) -> Result<consumer::pull::Stream> {
        let give_up = tokio::time::Instant::now() + Duration::from_secs(120);
        loop {
            match Self::pull(client, plan).await {
                Err(e) if tokio::time::Instant::now() < give_up => {
                    tracing::warn!(error = %e, "JetStream is not ready; trying again");
                    tokio::time::sleep(Duration::from_secs(2)).await;
                }
                done => return done,
            }
        }
    }

    /// The stream (created, or brought to the configuration below), the durable consumer, and
    /// its message stream.
    async fn pull(client: &Client, plan: &StreamPlan) -> Result<consumer::pull::Stream> {
        let js = jetstream::new(client.clone());
        let config = stream::Config {
            name: subjects::STREAM.to_string(),
            subjects: vec![subjects::EVENTS_ALL.to_string()],
            retention: stream::RetentionPolicy::Limits,
            storage: stream::StorageType::File,
            duplicate_window: DUPLICATE_WINDOW,
            max_age: STREAM_MAX_AGE,
            max_bytes: STREAM_MAX_BYTES,
            max_message_size: protocol::envelope::MAX_MESSAGE_BYTES as i32,
            discard: stream::DiscardPolicy::Old,
            num_replicas: plan.replicas.max(1),
            sources: (!plan.buildings.is_empty()).then(|| plan.buildings.iter().map(crate::building::source).collect()),
            ..Default::default()
        };
        let stream = js
            .create_or_update_stream(config)
            .await
            .map_err(|e| BusError::Unreachable(format!("cannot open stream {}: {e}", subjects::STREAM)))?;
        let stream = js.get_stream(&stream.config.name).await.map_err(other)?;
        let consumer: consumer::PullConsumer = stream
            .get_or_create_consumer(
                CONSUMER,
                consumer::pull::Config {
                    durable_name: Some(CONSUMER.to_string()),
                    ack_policy: consumer::AckPolicy::Explicit,
                    ack_wait: ACK_WAIT,
                    max_ack_pending: 20_000,
                    deliver_policy: consumer::DeliverPolicy::All,
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| BusError::Unreachable(format!("cannot open consumer {CONSUMER}: {e}")))?;
        consumer
            .stream()
            .max_messages_per_batch(1000)
            .expires(Duration::from_secs(5))
            .heartbeat(Duration::from_millis(2500))
            .messages()
            .await
            .map_err(other)
    }

    /// After the pull failed (the consumer or the stream deleted, the server restarted): make
    /// them again and pull anew. If that fails too, the next batch tries again.
    async fn heal(&mut self, why: &str) -> Result<Vec<Delivery>> {
        tracing::warn!(why, "pulling from JetStream failed; opening the stream and consumer again");
        match Self::pull(&self.client, &self.plan).await {
            Ok(messages) => {
                self.messages = messages;
                tracing::info!("the stream and consumer are back");
                Ok(Vec::new())
            }
            Err(e) => {
                tokio::time::sleep(Duration::from_secs(1)).await;
                Err(BusError::Unreachable(format!("{why}; and cannot open the stream and consumer yet: {e}")))
            }
        }
    }

    fn delivery(m: jetstream::Message) -> Delivery {
        let header = |name: &str| m.headers.as_ref().and_then(|h| h.get(name)).map(|v| v.as_str().to_string());
        let attempt = m.info().map(|i| i.delivered.max(1) as u64).unwrap_or(1);
        Delivery {
            subject: m.subject.to_string(),
            msg_id: header(subjects::HEADER_MSG_ID),
            signature: header(subjects::HEADER_SIGNATURE),
            bytes: m.payload.clone(),
            attempt,
            acker: Acker::Nats(Box::new(m)),
        }
    }
}

#[async_trait]
impl HubLink for NatsHub {
    async fn next_batch(&mut self, max: usize, wait: Duration) -> Result<Vec<Delivery>> {
        let mut out = Vec::new();
        let first = match tokio::time::timeout(wait, self.messages.next()).await {
            Err(_) => return Ok(out),
            Ok(None) => return self.heal("the consumer's message stream ended").await,
            Ok(Some(m)) => m,
        };
        match first {
            Ok(m) => out.push(Self::delivery(m)),
            Err(e) => return self.heal(&e.to_string()).await,
        }
        while out.len() < max {
            match self.messages.next().now_or_never() {
                Some(Some(Ok(m))) => out.push(Self::delivery(m)),
                _ => break,
            }
        }
        Ok(out)
    }

    async fn send_receipt(&self, subject: &str, receipt: &Sealed) -> Result<()> {
        let body = receipt.bytes.clone().into();
        self.client.publish_with_headers(subject.to_string(), signed(receipt), body).await.map_err(other)
    }

    async fn lookups(&self) -> Result<BoxStream<'static, LookupCall>> {
        let sub = self
            .client
            .queue_subscribe(subjects::LOOKUP_ALL.to_string(), "dcs-hub".to_string())
            .await
            .map_err(|e| BusError::Unreachable(e.to_string()))?;
        let client = self.client.clone();
        Ok(sub
            .filter_map(move |m| {
                let client = client.clone();
                async move {
                    let reply_to = m.reply.clone()?;
                    let request: LookupRequest = serde_json::from_slice(&m.payload).ok()?;
                    let (reply, rx) = oneshot::channel::<Sealed>();
                    tokio::spawn(async move {
                        if let Ok(answer) = rx.await {
                            let body = answer.bytes.clone().into();
                            let _ = client.publish_with_headers(reply_to, signed(&answer), body).await;
                        }
                    });
                    Some(LookupCall { subject: m.subject.to_string(), request, reply })
                }
            })
            .boxed())
    }

    fn announcer(&self) -> crate::Announcer {
        crate::Announcer::nats(self.client.clone())
    }
}
