//! Sends the queued status messages in the background. Each case transition queues one message in the
//! same transaction as the transition (see `CaseChange::notify`); this worker sends what is due and,
//! when the gateway fails, tries again after a growing pause, giving up after a day of attempts.
//! Every instance of the server runs this worker: each batch is claimed with a lease (see
//! `claim_due_sms`), so a message goes to one worker, and comes back after the lease if that worker dies
//! before recording the outcome. The one case of a message sent twice is a worker dying between the
//! gateway's acceptance and the record of it.

use app::domain::phone::MobileNumber;
use app::sealing::Sealer;
use app::services::Services;
use app::sms::{SmsMessage, SmsSender};
use app::store::{Store, StoreError};
use std::time::Duration;

const BATCH: u32 = 50;
const MAX_ATTEMPTS: u32 = 12;
/// Longer than a batch can take (50 messages, each at most the gateway's 10 s timeout).
const LEASE_SECONDS: i64 = 10 * 60;

/// Seconds to wait after the `attempts`-th failure: 30 s, 1 min, 2 min … at most 2 hours.
pub fn retry_pause(attempts: u32) -> i64 {
    (30_i64 << attempts.min(12)).min(2 * 3600)
}

/// Sends every message due now; returns how many were sent.
pub async fn send_due(
    store: &dyn Store,
    sealer: &Sealer,
    sms: &dyn SmsSender,
    now: i64,
) -> Result<usize, StoreError> {
    let mut sent = 0;
    for queued in store.claim_due_sms(now, now + LEASE_SECONDS, BATCH).await? {
        let outcome = match sealer.open::<app::sms::StatusPayload>(&queued.payload_sealed) {
            Ok((phone, status, next)) => match MobileNumber::parse(&phone) {
                Ok(phone) => sms
                    .send(&phone, &SmsMessage::StatusUpdate { status, next })
                    .await
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            },
            Err(e) => Err(e.to_string()),
        };
        match outcome {
            Ok(()) => {
                store.sms_sent(queued.id, now).await?;
                sent += 1;
            }
            Err(error) => {
                let attempts = queued.attempts + 1;
                let next_attempt =
                    if attempts >= MAX_ATTEMPTS { i64::MAX } else { now + retry_pause(attempts) };
                tracing::warn!(id = queued.id, attempts, %error, "status SMS not sent");
                store.sms_failed(queued.id, next_attempt, &error).await?;
            }
        }
    }
    Ok(sent)
}

/// Runs `send_due` every `every` until the task is aborted.
pub fn spawn(services: Services, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            if let Err(e) =
                send_due(services.store.as_ref(), &services.sealer, services.sms.as_ref(), services.now())
                    .await
            {
                tracing::error!(error = %e, "SMS queue");
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::retry_pause;

    #[test]
    fn pauses_grow_and_are_capped() {
        assert_eq!(retry_pause(0), 30);
        assert_eq!(retry_pause(1), 60);
        assert_eq!(retry_pause(3), 240);
        assert_eq!(retry_pause(11), 7200);
        assert_eq!(retry_pause(40), 7200);
    }
}
