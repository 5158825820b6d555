//! The in-process bus of the embedded mode: the same at-least-once semantics as JetStream for a
//! hub and simulated stations living in one process (durability comes from the stations' outboxes).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use futures::stream::BoxStream;
use futures::StreamExt;
use protocol::receipt::{LookupRequest, Sealed};
use tokio::sync::{broadcast, mpsc, oneshot, Notify};

use crate::{Acker, BusError, Delivery, HubLink, LookupCall, OutgoingEvent, PublishAck, Result, StationLink};

pub(crate) struct Queued {
    pub subject: String,
    pub msg_id: Option<String>,
    pub signature: Option<String>,
    pub bytes: bytes::Bytes,
    pub attempt: u64,
}

struct Inner {
    queue: Mutex<VecDeque<Queued>>,
    ready: Notify,
    receipts: Mutex<HashMap<String, broadcast::Sender<Sealed>>>,
    lookup_tx: mpsc::Sender<LookupCall>,
    lookup_rx: Mutex<Option<mpsc::Receiver<LookupCall>>>,
    checkpoints: broadcast::Sender<String>,
}

/// One bus shared by the hub and every simulated station of the process.
#[derive(Clone)]
pub struct MemoryBus {
    inner: Arc<Inner>,
}

impl Default for MemoryBus {
    fn default() -> Self {
        let (lookup_tx, lookup_rx) = mpsc::channel(1024);
        Self {
            inner: Arc::new(Inner {
                queue: Mutex::new(VecDeque::new()),
                ready: Notify::new(),
                receipts: Mutex::new(HashMap::new()),
                lookup_tx,
                lookup_rx: Mutex::new(Some(lookup_rx)),
                checkpoints: broadcast::channel(16).0,
            }),
        }
    }
}

/// Puts a nak'ed delivery back on the queue after its delay.
pub struct Requeue(MemoryBus);

impl Requeue {
    pub(crate) fn after(self, delay: Duration, q: Queued) {
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            self.0.push(q);
        });
    }
}

impl MemoryBus {
    pub fn new() -> Self {
        Self::default()
    }

    fn push(&self, q: Queued) {
        self.inner.queue.lock().expect("queue lock").push_back(q);
        self.inner.ready.notify_one();
    }

    fn receipt_sender(&self, subject: &str) -> broadcast::Sender<Sealed> {
        let mut map = self.inner.receipts.lock().expect("receipts lock");
        map.entry(subject.to_string()).or_insert_with(|| broadcast::channel(4096).0).clone()
    }
}

#[async_trait]
impl StationLink for MemoryBus {
    async fn publish(&self, events: &[OutgoingEvent]) -> Vec<Result<PublishAck>> {
        events
            .iter()
            .map(|e| {
                self.push(Queued {
                    subject: e.subject.clone(),
                    msg_id: Some(e.msg_id.clone()),
                    signature: Some(e.signature.clone()),
                    bytes: e.bytes.clone(),
                    attempt: 1,
                });
                Ok(PublishAck { duplicate: false })
            })
            .collect()
    }

    async fn lookup(&self, subject: &str, request: &LookupRequest) -> Result<Sealed> {
        let (reply, rx) = oneshot::channel();
        let call = LookupCall { subject: subject.to_string(), request: request.clone(), reply };
        self.inner.lookup_tx.send(call).await.map_err(|_| BusError::Unreachable("no hub on the bus".into()))?;
        tokio::time::timeout(Duration::from_secs(10), rx)
            .await
            .map_err(|_| BusError::Timeout("a lookup reply"))?
            .map_err(|_| BusError::Unreachable("the hub dropped the lookup".into()))
    }

    async fn receipts(&self, subject: &str) -> Result<BoxStream<'static, Sealed>> {
        let rx = self.receipt_sender(subject).subscribe();
        Ok(tokio_stream_from(rx))
    }

    async fn checkpoints(&self) -> Result<BoxStream<'static, String>> {
        Ok(tokio_stream_from(self.inner.checkpoints.subscribe()))
    }
}

fn tokio_stream_from<T: Clone + Send + 'static>(rx: broadcast::Receiver<T>) -> BoxStream<'static, T> {
    futures::stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(r) => return Some((r, rx)),
                // A station that falls behind misses receipts and looks them up later.
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
    .boxed()
}

#[async_trait]
impl HubLink for MemoryBus {
    async fn next_batch(&mut self, max: usize, wait: Duration) -> Result<Vec<Delivery>> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let notified = self.inner.ready.notified();
            {
                let mut q = self.inner.queue.lock().expect("queue lock");
                if !q.is_empty() {
                    let n = q.len().min(max);
                    return Ok(q
                        .drain(..n)
                        .map(|m| Delivery {
                            subject: m.subject,
                            msg_id: m.msg_id,
                            signature: m.signature,
                            bytes: m.bytes,
                            attempt: m.attempt,
                            acker: Acker::Memory(Requeue(self.clone())),
                        })
                        .collect());
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return Ok(Vec::new());
            }
        }
    }

    async fn send_receipt(&self, subject: &str, receipt: &Sealed) -> Result<()> {
        let _ = self.receipt_sender(subject).send(receipt.clone());
        Ok(())
    }

    async fn lookups(&self) -> Result<BoxStream<'static, LookupCall>> {
        let rx = self
            .inner
            .lookup_rx
            .lock()
            .expect("lookup lock")
            .take()
            .ok_or_else(|| BusError::Other("the lookup stream of an in-process bus can be taken once".into()))?;
        Ok(futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) }).boxed())
    }

    fn announcer(&self) -> crate::Announcer {
        crate::Announcer::memory(self.inner.checkpoints.clone())
    }
}
