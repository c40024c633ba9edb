//! The background worker: runs due jobs and delivers due notifications until the sandbox
//! stops. What a job does is not known here: the sandbox starts the worker with a runner.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use super::delivery::{attempt, due_notifications};
use super::jobs::{due, Job};
use crate::base::shared::{lock, Shared};
use crate::base::store::{StoreError, Tx};

/// What runs a due job, in the transaction that removes it.
pub type JobRunner = fn(&mut Tx<'_>, &Shared, &Job) -> Result<(), StoreError>;

/// The loop: wakes on a change (or every 25 ms), runs due jobs, starts due deliveries.
pub async fn worker(
    shared: Arc<Shared>,
    mut stop: tokio::sync::watch::Receiver<bool>,
    run: JobRunner,
) {
    let in_flight = Arc::new(std::sync::Mutex::new(HashSet::<String>::new()));
    loop {
        tokio::select! {
            _ = shared.wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_millis(25)) => {}
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    break;
                }
            }
        }
        run_due_jobs(&shared, run);
        let due_notification_ids = match due_notifications(&shared) {
            Ok(due_notification_ids) => due_notification_ids,
            Err(error) => {
                tracing::warn!(error = %error, "sandbox outbox unreadable");
                continue;
            }
        };
        for id in due_notification_ids {
            if !lock(&in_flight).insert(id.clone()) {
                continue;
            }
            let shared = shared.clone();
            let in_flight = in_flight.clone();
            tokio::spawn(async move {
                if let Err(error) = attempt(&shared, &id).await {
                    tracing::warn!(error = %error, notification = %id, "sandbox delivery bookkeeping failed");
                }
                lock(&in_flight).remove(&id);
            });
        }
    }
}

fn run_due_jobs(shared: &Shared, run: JobRunner) {
    let due_jobs = match due(shared, shared.now_ms()) {
        Ok(due_jobs) => due_jobs,
        Err(error) => {
            tracing::warn!(error = %error, "sandbox jobs unreadable");
            return;
        }
    };
    for (key, job) in due_jobs {
        let result = shared.with_tx(|tx| {
            tx.delete("job", &key);
            match &job {
                Some(job) => run(tx, shared, job),
                None => {
                    tracing::warn!(job = %key, "unknown sandbox job; dropped");
                    Ok(())
                }
            }
        });
        if let Err(error) = result {
            tracing::warn!(error = %error, job = %key, "sandbox job failed; dropped");
            let _ = shared.with_tx(|tx| {
                tx.delete("job", &key);
                Ok::<_, StoreError>(())
            });
        }
        shared.wake.notify_one();
    }
}
