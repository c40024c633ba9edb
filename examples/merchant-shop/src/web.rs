//! The shop's payment webhooks: each gateway's `VerifiedNotification` extractor verifies the
//! signature before a handler sees the event.

use std::sync::{Arc, Mutex};

use axum::{extract::FromRef, extract::State, http::StatusCode, routing::post, Router};
use paybind::bluepay::{self, Notification, SeenEvents, TransactionStatus};
use paybind::sgate;

/// What the webhooks recorded; a real shop writes its orders table here.
#[derive(Debug, Clone, PartialEq)]
pub enum LedgerEntry {
    QrPaid { order: String, satang: i64 },
    QrFailed { order: String },
    PayoutDone { order: String, ok: bool },
    SgateOrder { payeeuid: String, status: String },
    SgateCustomer { customid: String, status: String },
}

/// The routes' state: the gateways' verifiers (the extractors take them by `FromRef`), the
/// BluePay events handled, the ledger.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub bluepay: bluepay::Notifications,
    pub sgate: sgate::Notifications,
    pub seen: Arc<SeenEvents>,
    pub ledger: Arc<Mutex<Vec<LedgerEntry>>>,
}

impl AppState {
    pub fn new(bluepay: &bluepay::Client, sgate: &sgate::Client) -> Self {
        AppState {
            bluepay: bluepay.notifications().clone(),
            sgate: sgate.notifications().clone(),
            seen: Arc::new(SeenEvents::new(100_000)),
            ledger: Arc::default(),
        }
    }

    /// False when the ledger cannot be written (a handler panicked holding it).
    fn record(&self, entry: LedgerEntry) -> bool {
        self.ledger.lock().map(|mut l| l.push(entry)).is_ok()
    }

    /// False when the event is ours and was not recorded: BluePay is to deliver it again.
    fn handle(&self, event: Notification) -> bool {
        let entry = match event {
            Notification::QrCodePayment(paid) => {
                let order = paid.mch_order_id.unwrap_or_default();
                match (paid.transaction_status, paid.amount.minor_units()) {
                    (TransactionStatus::Completed, Some(satang)) => {
                        LedgerEntry::QrPaid { order, satang }
                    }
                    // BluePay pays whole satang; anything finer is for a person to look at.
                    (TransactionStatus::Completed, None) => return false,
                    _ => LedgerEntry::QrFailed { order },
                }
            }
            Notification::Payout(payout) => LedgerEntry::PayoutDone {
                order: payout.mch_order_id,
                ok: payout.transaction_status == TransactionStatus::Completed,
            },
            _ => return true, // not ours to handle
        };
        self.record(entry)
    }
}

pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/bluepay/notify", post(bluepay_notify))
        .route("/sgate/callback", post(sgate_callback))
        .with_state(state)
}

async fn bluepay_notify(
    State(state): State<AppState>,
    bluepay::VerifiedNotification(event): bluepay::VerifiedNotification,
) -> Result<bluepay::Ack, StatusCode> {
    // Handled once: a delivery again is acknowledged; a failure is forgotten and answered 500,
    // so that BluePay's next delivery is handled.
    let handled = state
        .seen
        .handle_once(&event.event_key(), || state.handle(event));
    handled
        .then_some(bluepay::Ack)
        .ok_or(StatusCode::INTERNAL_SERVER_ERROR)
}

async fn sgate_callback(
    State(state): State<AppState>,
    sgate::VerifiedNotification(event): sgate::VerifiedNotification,
) -> Result<sgate::Ack, StatusCode> {
    let entry = match event {
        sgate::Notification::SalaryStatusChange(cb) => LedgerEntry::SgateOrder {
            payeeuid: cb.data.payeeuid.unwrap_or_default(),
            status: cb.data.status.map(|s| format!("{s:?}")).unwrap_or_default(),
        },
        sgate::Notification::CustomStatusChange(cb) => LedgerEntry::SgateCustomer {
            customid: cb.data.customid.unwrap_or_default(),
            status: cb.data.status.map(|s| format!("{s:?}")).unwrap_or_default(),
        },
        _ => return Ok(sgate::Ack), // not ours to handle
    };
    // Not recorded: answered 500, and SGATE calls back again.
    let recorded = state.record(entry);
    recorded
        .then_some(sgate::Ack)
        .ok_or(StatusCode::INTERNAL_SERVER_ERROR)
}
