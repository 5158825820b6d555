//! A batch the database refuses (a value it cannot store) is split in halves, and each half tried
//! again, until the one message at fault is alone: it goes to the dead-letter table as
//! `unstorable` with its raw bytes, and every other message of the batch goes on as usual.

use std::collections::VecDeque;

use bus::Delivery;
use store::{AppendBatch, NewDeadLetter};

use super::{BatchReport, Processed};
use crate::reasons::UNSTORABLE;
use crate::{Ingest, IngestError};

impl Ingest {
    /// Finds the messages of a refused batch that the database cannot store and dead-letters
    /// them alone; commits the rest.
    pub(crate) async fn isolate(&mut self, refused: Vec<Delivery>, why: String) -> Result<BatchReport, IngestError> {
        let mut report = BatchReport::default();
        // Batches in delivery order, each with why it was refused, or `None` if not yet tried.
        let mut queue = VecDeque::from([(refused, Some(why))]);
        while let Some((batch, refused)) = queue.pop_front() {
            let (mut batch, why) = match refused {
                Some(why) => (batch, why),
                None => match self.process(batch).await? {
                    Processed::Committed(r) => {
                        report.add(&r);
                        continue;
                    }
                    Processed::Refused(batch, why) => (batch, why),
                },
            };
            if batch.len() == 1 {
                self.dead_letter_alone(batch.pop().expect("one delivery"), &why).await?;
                report.dead_lettered += 1;
                continue;
            }
            let second = batch.split_off(batch.len() / 2);
            queue.push_front((second, None));
            queue.push_front((batch, None));
        }
        Ok(report)
    }

    async fn dead_letter_alone(&mut self, d: Delivery, why: &str) -> Result<(), IngestError> {
        tracing::warn!(reason = UNSTORABLE, "a message the database cannot store was dead-lettered alone");
        let letter = NewDeadLetter {
            subject: d.subject.clone(),
            event_id: None,
            station_id: None,
            station_seq: None,
            reason: UNSTORABLE.into(),
            detail: format!("the database refused it: {why}"),
            raw: d.bytes.to_vec(),
            signature: d.signature.clone(),
            chain_advanced: false,
            receipt_status: None,
        };
        let batch = AppendBatch { dead_letters: vec![letter], ..Default::default() };
        self.writer.append(&batch).await?;
        if let Err(e) = d.ack().await {
            tracing::warn!(error = %e, "ack failed; the message will come again");
        }
        Ok(())
    }
}
