//! The shapes of the admin API: the bodies its endpoints take (each refuses an unknown member,
//! so a typo is named rather than ignored) and the answers that have a stable shape. The
//! server reads them and [`crate::Admin`] sends and reads them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::gateway::Gateway;
use super::rules::OutcomeRule;

/// How a record fails (`POST …/fail` of an order or refund): the `failedCode` and
/// `failedMessage` the notification carries (a documented default when absent).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Failure {
    /// `failedCode` (−10004 for orders, −10010 for refunds when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_code: Option<i64>,
    /// `failedMessage` (the code's documented message when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_message: Option<String>,
}

/// `POST /admin/clock/advance`: by how much (the first given of `ms`, `seconds`, `days`;
/// negative moves back).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockAdvance {
    /// Milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ms: Option<i64>,
    /// Seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<i64>,
    /// Days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<i64>,
}

/// The sandbox clock (`GET /admin/clock`, and the answer to an advance).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockState {
    /// Sandbox time, ms since the epoch.
    pub now_ms: i64,
    /// How far the sandbox clock is from real time, in ms.
    pub offset_ms: i64,
    /// The sandbox time in Bangkok (BluePay's times).
    #[serde(default)]
    pub bangkok: String,
    /// The sandbox time in Riyadh (SGATE's times).
    #[serde(default)]
    pub riyadh: String,
}

/// The settings (`GET|PUT /admin/settings`, the config file's and the fixtures' `settings`):
/// where notifications that belong to no request go. A `PUT` sets the members it gives.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Where BluePay's payout notifications go (the URL a merchant registers with BluePay).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bluepay_payout_notify_url: Option<String>,
    /// Where BluePay JT's payout notifications go.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bluepay_jt_payout_notify_url: Option<String>,
    /// Where SGATE's callbacks go.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sgate_callback_url: Option<String>,
}

/// The outcome rules (`GET /admin/rules`): the user's, tried first, and the built-in ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// The user's rules (admin API, config file, fixtures).
    pub rules: Vec<OutcomeRule>,
    /// The built-in rules.
    pub builtin: Vec<OutcomeRule>,
}

/// What a BluePay or JT payment channel supports (`PUT /admin/channels/{gateway}/{code}`,
/// which replaces what was set before); a member not given is supported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelCapabilities {
    /// Full refunds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_refund: Option<bool>,
    /// Partial refunds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial_refund: Option<bool>,
    /// Same-day voids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub void: Option<bool>,
}

/// `PUT /admin/{bluepay|bluepay-jt}/balance`: the merchant balance in minor units (satang).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvelopeBalance {
    /// Minor units.
    pub amount: i64,
}

/// `PUT /admin/sgate/balance`: one currency's balance, as decimal text or a number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SgateBalance {
    /// `SAR` (when absent), `KWD` or `AED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The amount (`"1000.125"`), at most three decimals.
    pub amount: Value,
}

/// The status a JT ticket moves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TicketStatus {
    /// Being looked at.
    Processing,
    /// Resolved.
    Closed,
    /// Refused.
    Rejected,
}

impl TicketStatus {
    /// As the gateway writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::Processing => "PROCESSING",
            TicketStatus::Closed => "CLOSED",
            TicketStatus::Rejected => "REJECTED",
        }
    }
}

/// `POST /admin/bluepay-jt/tickets/{ticketNo}/status`: JT's customer service answers a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TicketAnswer {
    /// The ticket's new status.
    pub ticket_status: TicketStatus,
    /// The transaction's status the ticket reports, if it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_status: Option<String>,
    /// `customerServiceReply` of the notification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
}

/// `POST /admin/sgate/virtual-account/transfers`: a transfer arrives in a virtual account.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaTransfer {
    /// The amount, decimal text or a number, at most three decimals.
    pub amount: Value,
    /// `SAR` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The virtual account credited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The payer's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custname: Option<String>,
    /// The payer's account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custacc: Option<String>,
    /// The payer's bank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bankbic: Option<String>,
    /// The payment's remarks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paymentremarks: Option<String>,
}

/// One notification the sandbox queued, with every delivery attempt
/// (`GET /admin/notifications`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NotificationRecord {
    /// `N00000001`…
    pub id: String,
    /// Whose notification it is.
    pub gateway: Gateway,
    /// BluePay's `eventName` or SGATE's `event` (`qrcode.payment.success`,
    /// `SALARY_STATUS_CHANGE`).
    pub event: String,
    /// Where it goes.
    pub url: String,
    /// What it says: the param (BluePay, JT) or the callback (SGATE, sensitive members
    /// encrypted).
    pub payload: Value,
    /// The body as sent: BluePay's and JT's `{"param", "sign"}`, SGATE's callback JSON (its
    /// `V-*` headers are signed at each attempt).
    pub body: String,
    /// Signed wrongly on purpose (a fault).
    #[serde(default)]
    pub bad_signature: bool,
    /// `pending`, `retrying`, `delivered`, `failed` (attempts exhausted) or `undeliverable`.
    pub status: String,
    /// Every attempt, oldest first.
    #[serde(default)]
    pub attempts: Vec<DeliveryAttempt>,
    /// When it was queued (sandbox clock, ms).
    #[serde(default)]
    pub created_ms: i64,
    /// When the next attempt is due, if one is.
    #[serde(default)]
    pub next_attempt_ms: Option<i64>,
}

/// One delivery attempt of a notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeliveryAttempt {
    /// 1 for the first.
    pub attempt: u32,
    /// When (sandbox clock, ms).
    pub at_ms: i64,
    /// The HTTP status answered, if the endpoint answered.
    pub http_status: Option<u16>,
    /// Why nothing was answered (connection failed, timed out, not a loopback URL).
    pub error: Option<String>,
    /// The start of the answer's body.
    pub answer: Option<String>,
    /// Whether the answer acknowledged the notification.
    pub acknowledged: bool,
    /// How long the attempt took, in ms.
    pub duration_ms: u64,
}

/// Something that happens in the world of a gateway, performed on demand by
/// `POST /admin/trigger` (`paybind sandbox trigger`) with the state change and the signed
/// notification it implies. [`TriggerEvent::ALL`] lists them; [`TriggerEvent::gateways`] says
/// where each happens and [`TriggerEvent::description`] what it does and creates first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub enum TriggerEvent {
    /// The payer pays a QR code.
    #[serde(rename = "qr.paid")]
    QrPaid,
    /// A QR code's payment fails.
    #[serde(rename = "qr.failed")]
    QrFailed,
    /// The payer pays a WebPay order.
    #[serde(rename = "webpay.paid")]
    WebpayPaid,
    /// A WebPay order's payment fails.
    #[serde(rename = "webpay.failed")]
    WebpayFailed,
    /// A payout reaches the payee.
    #[serde(rename = "payout.completed")]
    PayoutCompleted,
    /// A payout fails (the money returns to the balance).
    #[serde(rename = "payout.failed")]
    PayoutFailed,
    /// The payer approves a direct-debit authorization: a token is issued.
    #[serde(rename = "direct_debit.authorized")]
    DirectDebitAuthorized,
    /// The payer refuses a direct-debit authorization.
    #[serde(rename = "direct_debit.rejected")]
    DirectDebitRejected,
    /// A direct debit is settled: the money is taken from the payer.
    #[serde(rename = "direct_debit.paid")]
    DirectDebitPaid,
    /// A direct debit fails.
    #[serde(rename = "direct_debit.failed")]
    DirectDebitFailed,
    /// A refund completes.
    #[serde(rename = "refund.completed")]
    RefundCompleted,
    /// A refund fails.
    #[serde(rename = "refund.failed")]
    RefundFailed,
    /// A completed payment is settled (JT notifies; BluePay only marks it).
    #[serde(rename = "payment.settled")]
    PaymentSettled,
    /// JT's customer service answers a ticket (`ticketStatus` CLOSED unless overridden).
    #[serde(rename = "ticket.result")]
    TicketResult,
    /// SGATE approves a customer.
    #[serde(rename = "customer.approved")]
    CustomerApproved,
    /// SGATE rejects a customer.
    #[serde(rename = "customer.rejected")]
    CustomerRejected,
    /// An SGATE payment order is transferred.
    #[serde(rename = "payment_order.completed")]
    PaymentOrderCompleted,
    /// An SGATE payment order fails (the money returns to the balance).
    #[serde(rename = "payment_order.failed")]
    PaymentOrderFailed,
    /// The payer pays an SGATE Payin order on the cashier.
    #[serde(rename = "payin_order.paid")]
    PayinOrderPaid,
    /// An SGATE Payin refund completes.
    #[serde(rename = "payin_refund.completed")]
    PayinRefundCompleted,
    /// An SGATE Payin refund fails.
    #[serde(rename = "payin_refund.failed")]
    PayinRefundFailed,
}

impl TriggerEvent {
    /// Every event.
    pub const ALL: &'static [TriggerEvent] = &[
        TriggerEvent::QrPaid,
        TriggerEvent::QrFailed,
        TriggerEvent::WebpayPaid,
        TriggerEvent::WebpayFailed,
        TriggerEvent::PayoutCompleted,
        TriggerEvent::PayoutFailed,
        TriggerEvent::DirectDebitAuthorized,
        TriggerEvent::DirectDebitRejected,
        TriggerEvent::DirectDebitPaid,
        TriggerEvent::DirectDebitFailed,
        TriggerEvent::RefundCompleted,
        TriggerEvent::RefundFailed,
        TriggerEvent::PaymentSettled,
        TriggerEvent::TicketResult,
        TriggerEvent::CustomerApproved,
        TriggerEvent::CustomerRejected,
        TriggerEvent::PaymentOrderCompleted,
        TriggerEvent::PaymentOrderFailed,
        TriggerEvent::PayinOrderPaid,
        TriggerEvent::PayinRefundCompleted,
        TriggerEvent::PayinRefundFailed,
    ];

    /// The event's name (`qr.paid`), as the admin API and the command line write it.
    pub fn id(self) -> &'static str {
        match self {
            TriggerEvent::QrPaid => "qr.paid",
            TriggerEvent::QrFailed => "qr.failed",
            TriggerEvent::WebpayPaid => "webpay.paid",
            TriggerEvent::WebpayFailed => "webpay.failed",
            TriggerEvent::PayoutCompleted => "payout.completed",
            TriggerEvent::PayoutFailed => "payout.failed",
            TriggerEvent::DirectDebitAuthorized => "direct_debit.authorized",
            TriggerEvent::DirectDebitRejected => "direct_debit.rejected",
            TriggerEvent::DirectDebitPaid => "direct_debit.paid",
            TriggerEvent::DirectDebitFailed => "direct_debit.failed",
            TriggerEvent::RefundCompleted => "refund.completed",
            TriggerEvent::RefundFailed => "refund.failed",
            TriggerEvent::PaymentSettled => "payment.settled",
            TriggerEvent::TicketResult => "ticket.result",
            TriggerEvent::CustomerApproved => "customer.approved",
            TriggerEvent::CustomerRejected => "customer.rejected",
            TriggerEvent::PaymentOrderCompleted => "payment_order.completed",
            TriggerEvent::PaymentOrderFailed => "payment_order.failed",
            TriggerEvent::PayinOrderPaid => "payin_order.paid",
            TriggerEvent::PayinRefundCompleted => "payin_refund.completed",
            TriggerEvent::PayinRefundFailed => "payin_refund.failed",
        }
    }

    /// The event named `id`.
    pub fn from_id(id: &str) -> Option<TriggerEvent> {
        TriggerEvent::ALL
            .iter()
            .copied()
            .find(|event| event.id() == id)
    }

    /// The gateways it happens on.
    pub fn gateways(self) -> &'static [Gateway] {
        const ENVELOPE: &[Gateway] = &[Gateway::BluePay, Gateway::BluePayJt];
        match self {
            TriggerEvent::QrPaid
            | TriggerEvent::QrFailed
            | TriggerEvent::PayoutCompleted
            | TriggerEvent::PayoutFailed
            | TriggerEvent::DirectDebitAuthorized
            | TriggerEvent::DirectDebitRejected
            | TriggerEvent::DirectDebitPaid
            | TriggerEvent::DirectDebitFailed
            | TriggerEvent::PaymentSettled => ENVELOPE,
            TriggerEvent::WebpayPaid
            | TriggerEvent::WebpayFailed
            | TriggerEvent::RefundCompleted
            | TriggerEvent::RefundFailed => &[Gateway::BluePay],
            TriggerEvent::TicketResult => &[Gateway::BluePayJt],
            TriggerEvent::CustomerApproved
            | TriggerEvent::CustomerRejected
            | TriggerEvent::PaymentOrderCompleted
            | TriggerEvent::PaymentOrderFailed => &[Gateway::Sgate],
            TriggerEvent::PayinOrderPaid
            | TriggerEvent::PayinRefundCompleted
            | TriggerEvent::PayinRefundFailed => &[Gateway::SgatePayin],
        }
    }

    /// What it does to which object, what it creates first when that object does not exist,
    /// and the notification it sends.
    pub fn description(self) -> &'static str {
        match self {
            TriggerEvent::QrPaid => "pays the pending QR code `mchOrderId` (created first when absent): qrcode.payment.success",
            TriggerEvent::QrFailed => "fails the pending QR code `mchOrderId` (created first when absent): qrcode.payment.failed",
            TriggerEvent::WebpayPaid => "pays the pending WebPay order `mchOrderId` (created first when absent): order.payment.success",
            TriggerEvent::WebpayFailed => "fails the pending WebPay order `mchOrderId` (created first when absent): order.payment.failed",
            TriggerEvent::PayoutCompleted => "completes the pending payout `mchOrderId` (created first when absent, from the balance): disbursement.success to the payout notify URL setting",
            TriggerEvent::PayoutFailed => "fails the pending payout `mchOrderId` (created first when absent); the money returns: disbursement.failed to the payout notify URL setting",
            TriggerEvent::DirectDebitAuthorized => "approves the pending authorization `requestId` (applied for first when absent): token.create.success",
            TriggerEvent::DirectDebitRejected => "refuses the pending authorization `requestId` (applied for first when absent): token.create.failed",
            TriggerEvent::DirectDebitPaid => "settles the pending direct debit `mchOrderId` (created first when absent, with an authorized token — token.create.success too — unless `payToken` names one): direct.debit.success",
            TriggerEvent::DirectDebitFailed => "fails the pending direct debit `mchOrderId` (created first when absent, as for direct_debit.paid): direct.debit.failed",
            TriggerEvent::RefundCompleted => "completes the pending refund `mchRefundOrderId` (created first when absent, of the payment `originalTransactionId` or `mchOrderId`, or of a QR code paid first — qrcode.payment.success too): payment.refund.success",
            TriggerEvent::RefundFailed => "fails the pending refund `mchRefundOrderId` (created first as for refund.completed): payment.refund.failed",
            TriggerEvent::PaymentSettled => "settles the completed payment `transactionId` or `mchOrderId` (a QR code paid first when absent — qrcode.payment.success too): JT sends settle.payment.success, BluePay none",
            TriggerEvent::TicketResult => "answers the ticket `ticketNo` with `ticketStatus` (CLOSED; PROCESSING, REJECTED), `transactionStatus`, `customerServiceReply` (a ticket is opened first when absent): ticket.status.*",
            TriggerEvent::CustomerApproved => "approves the customer `customid` or `mercustomid` (created first when absent): CUSTOM_STATUS_CHANGE",
            TriggerEvent::CustomerRejected => "rejects the customer `customid` or `mercustomid` (created first when absent): CUSTOM_STATUS_CHANGE",
            TriggerEvent::PaymentOrderCompleted => "transfers the pending payment order `ticketid` or `payeeuid` (created first when absent, to the approved customer `mercustomid`, or to one created and approved quietly): SALARY_STATUS_CHANGE",
            TriggerEvent::PaymentOrderFailed => "fails the pending payment order `ticketid` or `payeeuid` (created first as for payment_order.completed); the money returns: SALARY_STATUS_CHANGE",
            TriggerEvent::PayinOrderPaid => "pays the SGATE Payin order `id` with the documented test card through 3-D Secure, as a payer on the cashier (created first when no `id` is given, from `merchantOrderId`, `name`, `amount`, `currency`, `notificationURL`): the payment callback to its notificationURL",
            TriggerEvent::PayinRefundCompleted => "completes the pending SGATE Payin refund `id` (made first when no `id` is given: `amount`, else all that is refundable, with `reason` and `merchantRefundId`, of the paid order `orderId`, or of an order paid first as for payin_order.paid — its payment callback too): the refund callback to the order's notificationURL",
            TriggerEvent::PayinRefundFailed => "fails the pending SGATE Payin refund `id` (made first as for payin_refund.completed); the order's refund state records it, and no callback is sent (SGATE calls back on a completed refund only)",
        }
    }
}

impl std::fmt::Display for TriggerEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// `POST /admin/trigger`: an event to perform now on a gateway. `overrides` are members of
/// the object acted on, in the gateway's own names: the id that finds an existing object
/// (`mchOrderId`, `requestId`, `mchRefundOrderId`, `transactionId`, `ticketNo`, `customid`,
/// `mercustomid`, `ticketid`, `payeeuid`, SGATE Payin's `id` of an order or a refund), the members of one created first (`amount`,
/// `notifyUrl`, `channelCode`, SGATE's `currency`…), and the event's own (`failedCode`,
/// `failedMessage`, `ticketStatus`, `transactionStatus`, `customerServiceReply`). A number
/// given as text (`"1500"`) is read as a number where the member is one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    /// Where.
    pub gateway: Gateway,
    /// What.
    pub event: TriggerEvent,
    /// Members of the object acted on (see above).
    #[serde(default)]
    pub overrides: Map<String, Value>,
}

impl Trigger {
    /// `event` on `gateway`, without overrides.
    pub fn new(gateway: Gateway, event: TriggerEvent) -> Self {
        Self {
            gateway,
            event,
            overrides: Map::new(),
        }
    }

    /// With the member `name` of the object set to `value`.
    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.overrides.insert(name.to_string(), value.into());
        self
    }
}

/// What a trigger did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TriggerOutcome {
    /// Where.
    pub gateway: Gateway,
    /// What.
    pub event: TriggerEvent,
    /// What was created first because it did not exist (`"qr TRIG000001"`), in order.
    pub created: Vec<String>,
    /// The object the event ended in, as the admin API shows it (sensitive members masked).
    pub object: Value,
    /// The ids of the notifications queued (`GET /admin/notifications/{id}`), in order.
    pub notifications: Vec<String>,
}
