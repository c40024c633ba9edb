//! The admin API's client, with the run's token: a method per operation with typed arguments
//! and answers, and the untyped `get` / `post` / `put` / `delete` for anything else.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use super::base::admin_api::{
    ChannelCapabilities, ClockAdvance, ClockState, EnvelopeBalance, Failure, NotificationRecord,
    Rules, SgateBalance, TicketAnswer, Trigger, TriggerOutcome, VaTransfer,
};
use super::base::error::SandboxError;
use super::base::faults::Fault;
use super::base::gateway::Gateway;
use super::base::log::LoggedRequest;
use super::base::rules::OutcomeRule;
use super::Settings;

/// The admin API's client ([`crate::Sandbox::admin`], or [`Admin::connect`] to a sandbox
/// another process runs). `Debug` leaves the token out.
///
/// Each method is one admin call; a refusal is [`SandboxError::Admin`] with the HTTP status
/// and the sandbox's reason (a bad body: 400, naming the member and the rule). Methods on
/// BluePay and JT records take the gateway (`Gateway::BluePay` or `Gateway::BluePayJt`).
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use paybind_sandbox::{Fault, Gateway, Sandbox, SandboxConfig, Storage, Trigger, TriggerEvent};
/// let sandbox = Sandbox::start(SandboxConfig { storage: Storage::Memory, ..Default::default() }).await?;
/// let admin = sandbox.admin();
/// admin.set_faults(&[Fault::new(Gateway::Sgate, "merchant_balance").http_status(503).times(1)]).await?;
/// admin.advance_clock(std::time::Duration::from_secs(3600)).await?;
/// let paid = admin
///     .trigger(Trigger::new(Gateway::BluePay, TriggerEvent::QrPaid).with("amount", 1500))
///     .await?;
/// assert_eq!(paid.object["transactionStatus"], "COMPLETED");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Admin {
    pub(super) http: reqwest::Client,
    pub(super) base: String,
    pub(super) token: String,
}

impl std::fmt::Debug for Admin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Admin")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// An answer read as `T`; an answer of another shape is an admin error with its reason.
fn read<T: DeserializeOwned>(value: Value) -> Result<T, SandboxError> {
    serde_json::from_value(value).map_err(|e| SandboxError::Admin {
        status: 200,
        message: format!("unexpected answer: {e}"),
    })
}

fn body<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

impl Admin {
    /// A client of the admin API at `admin_url` (`{base}/admin`, what `paybind sandbox`
    /// prints as `PAYBIND_SANDBOX_ADMIN_URL`) with the run's `token`
    /// (`PAYBIND_SANDBOX_ADMIN_TOKEN`).
    pub fn connect(admin_url: &str, token: &str) -> Result<Admin, SandboxError> {
        Ok(Admin {
            http: super::base::http::http_client(None)?,
            base: admin_url.trim_end_matches('/').to_string(),
            token: token.to_string(),
        })
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, SandboxError> {
        let url = format!("{}/{}", self.base, path.trim_start_matches('/'));
        let mut request = self.http.request(method, url).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let value: Value = response.json().await.unwrap_or(Value::Null);
        if !(200..300).contains(&status) {
            let message = value
                .get("error")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| value.to_string());
            return Err(SandboxError::Admin { status, message });
        }
        Ok(value)
    }

    /// `GET {base}/admin/{path}`.
    pub async fn get(&self, path: &str) -> Result<Value, SandboxError> {
        self.send(reqwest::Method::GET, path, None).await
    }

    /// `POST {base}/admin/{path}` with a JSON body.
    pub async fn post(&self, path: &str, body: Value) -> Result<Value, SandboxError> {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    /// `PUT {base}/admin/{path}` with a JSON body.
    pub async fn put(&self, path: &str, body: Value) -> Result<Value, SandboxError> {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }

    /// `DELETE {base}/admin/{path}`.
    pub async fn delete(&self, path: &str) -> Result<Value, SandboxError> {
        self.send(reqwest::Method::DELETE, path, None).await
    }

    // ------------------------------------------------------------------ the world

    /// Performs `trigger` now: the state change and the signed notification it implies,
    /// making the object it needs first when it does not exist (`POST /admin/trigger`).
    pub async fn trigger(&self, trigger: Trigger) -> Result<TriggerOutcome, SandboxError> {
        read(self.post("trigger", body(&trigger)).await?)
    }

    /// Returns the world to how it started: the config file and the fixtures applied to an
    /// empty world, the clock's offset and the request log cleared (`POST /admin/reset`).
    pub async fn reset(&self) -> Result<(), SandboxError> {
        self.post("reset", json!({})).await.map(|_| ())
    }

    /// Every notification with its delivery attempts, oldest first.
    pub async fn notifications(&self) -> Result<Vec<NotificationRecord>, SandboxError> {
        read(self.get("notifications").await?)
    }

    /// One notification.
    pub async fn notification(&self, id: &str) -> Result<NotificationRecord, SandboxError> {
        read(self.get(&format!("notifications/{id}")).await?)
    }

    /// Delivers a notification again now.
    pub async fn retry_notification(&self, id: &str) -> Result<NotificationRecord, SandboxError> {
        read(
            self.post(&format!("notifications/{id}/retry"), json!({}))
                .await?,
        )
    }

    /// Every request received (the last 2000), oldest first; an envelope param's sensitive
    /// members masked (see `GET /admin/requests`).
    pub async fn requests(&self) -> Result<Vec<LoggedRequest>, SandboxError> {
        read(self.get("requests").await?)
    }

    /// Every object of every gateway, with the balances (sensitive members masked).
    pub async fn objects(&self) -> Result<Value, SandboxError> {
        self.get("objects").await
    }

    /// Adds faults (replacing any for the same gateway and operation); answers them.
    pub async fn set_faults(&self, faults: &[Fault]) -> Result<Vec<Fault>, SandboxError> {
        read(self.put("faults", body(&faults)).await?)
    }

    /// The faults in force.
    pub async fn faults(&self) -> Result<Vec<Fault>, SandboxError> {
        read(self.get("faults").await?)
    }

    /// Removes every fault.
    pub async fn clear_faults(&self) -> Result<(), SandboxError> {
        self.delete("faults").await.map(|_| ())
    }

    /// Replaces the user's outcome rules; answers them.
    pub async fn set_rules(&self, rules: &[OutcomeRule]) -> Result<Vec<OutcomeRule>, SandboxError> {
        read(self.put("rules", body(&rules)).await?)
    }

    /// The user's outcome rules and the built-in ones.
    pub async fn rules(&self) -> Result<Rules, SandboxError> {
        read(self.get("rules").await?)
    }

    /// The sandbox clock.
    pub async fn clock(&self) -> Result<ClockState, SandboxError> {
        read(self.get("clock").await?)
    }

    /// Moves the sandbox clock forward by `by` (jobs that fall due run).
    pub async fn advance_clock(&self, by: Duration) -> Result<ClockState, SandboxError> {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.move_clock(ms).await
    }

    /// Moves the sandbox clock by `ms` milliseconds (negative: back).
    pub async fn move_clock(&self, ms: i64) -> Result<ClockState, SandboxError> {
        let by = ClockAdvance {
            ms: Some(ms),
            ..ClockAdvance::default()
        };
        read(self.post("clock/advance", body(&by)).await?)
    }

    /// Sets the settings `settings` gives (the others keep their value); answers them all.
    pub async fn set_settings(&self, settings: &Settings) -> Result<Settings, SandboxError> {
        read(self.put("settings", body(settings)).await?)
    }

    /// The settings.
    pub async fn settings(&self) -> Result<Settings, SandboxError> {
        read(self.get("settings").await?)
    }

    // ------------------------------------------------------------------ BluePay and JT

    /// The merchant balance of BluePay or JT, in minor units (satang).
    pub async fn balance(&self, gateway: Gateway) -> Result<i64, SandboxError> {
        let answer: EnvelopeBalance = read(self.get(&format!("{}/balance", gateway.id())).await?)?;
        Ok(answer.amount)
    }

    /// Sets the merchant balance of BluePay or JT, in minor units (satang).
    pub async fn set_balance(&self, gateway: Gateway, amount: i64) -> Result<(), SandboxError> {
        let path = format!("{}/balance", gateway.id());
        self.put(&path, body(&EnvelopeBalance { amount }))
            .await
            .map(|_| ())
    }

    /// What a payment channel supports (replaces what was set before).
    pub async fn set_channel(
        &self,
        gateway: Gateway,
        channel_code: &str,
        capabilities: &ChannelCapabilities,
    ) -> Result<Value, SandboxError> {
        let path = format!("channels/{}/{channel_code}", gateway.id());
        self.put(&path, body(capabilities)).await
    }

    /// An order (payout, QR code, WebPay order, direct debit) by its `mchOrderId`, as the
    /// sandbox keeps it.
    pub async fn order(&self, gateway: Gateway, mch_order_id: &str) -> Result<Value, SandboxError> {
        self.get(&format!("{}/orders/{mch_order_id}", gateway.id()))
            .await
    }

    async fn order_action(
        &self,
        gateway: Gateway,
        mch_order_id: &str,
        action: &str,
        failure: Option<&Failure>,
    ) -> Result<Value, SandboxError> {
        let path = format!("{}/orders/{mch_order_id}/{action}", gateway.id());
        self.post(&path, failure.map_or(json!({}), body)).await
    }

    /// The payer pays the QR code (or WebPay order, or direct debit) `mch_order_id`: it
    /// completes and its notification is sent.
    pub async fn pay_qr(
        &self,
        gateway: Gateway,
        mch_order_id: &str,
    ) -> Result<Value, SandboxError> {
        self.order_action(gateway, mch_order_id, "pay", None).await
    }

    /// The payment of the QR code (or WebPay order, or direct debit) `mch_order_id` fails.
    pub async fn fail_qr(
        &self,
        gateway: Gateway,
        mch_order_id: &str,
        failure: &Failure,
    ) -> Result<Value, SandboxError> {
        self.order_action(gateway, mch_order_id, "fail", Some(failure))
            .await
    }

    /// The pending payout `mch_order_id` completes.
    pub async fn complete_payout(
        &self,
        gateway: Gateway,
        mch_order_id: &str,
    ) -> Result<Value, SandboxError> {
        self.order_action(gateway, mch_order_id, "complete", None)
            .await
    }

    /// The pending payout `mch_order_id` fails; the money returns to the balance.
    pub async fn fail_payout(
        &self,
        gateway: Gateway,
        mch_order_id: &str,
        failure: &Failure,
    ) -> Result<Value, SandboxError> {
        self.order_action(gateway, mch_order_id, "fail", Some(failure))
            .await
    }

    /// The completed payment `transaction_id` is settled (it can no longer be voided; JT
    /// notifies).
    pub async fn settle(
        &self,
        gateway: Gateway,
        transaction_id: &str,
    ) -> Result<Value, SandboxError> {
        let path = format!("{}/transactions/{transaction_id}/settle", gateway.id());
        self.post(&path, json!({})).await
    }

    /// The pending refund `mch_refund_order_id` completes.
    pub async fn complete_refund(
        &self,
        gateway: Gateway,
        mch_refund_order_id: &str,
    ) -> Result<Value, SandboxError> {
        let path = format!("{}/refunds/{mch_refund_order_id}/complete", gateway.id());
        self.post(&path, json!({})).await
    }

    /// The pending refund `mch_refund_order_id` fails.
    pub async fn fail_refund(
        &self,
        gateway: Gateway,
        mch_refund_order_id: &str,
        failure: &Failure,
    ) -> Result<Value, SandboxError> {
        let path = format!("{}/refunds/{mch_refund_order_id}/fail", gateway.id());
        self.post(&path, body(failure)).await
    }

    /// The payer approves the direct-debit authorization `request_id`: a token is issued.
    pub async fn authorize_direct_debit(
        &self,
        gateway: Gateway,
        request_id: &str,
    ) -> Result<Value, SandboxError> {
        let path = format!("{}/direct-debit/{request_id}/authorize", gateway.id());
        self.post(&path, json!({})).await
    }

    /// The payer refuses the direct-debit authorization `request_id`.
    pub async fn reject_direct_debit(
        &self,
        gateway: Gateway,
        request_id: &str,
    ) -> Result<Value, SandboxError> {
        let path = format!("{}/direct-debit/{request_id}/reject", gateway.id());
        self.post(&path, json!({})).await
    }

    /// JT's customer service answers the ticket `ticket_no`.
    pub async fn answer_ticket(
        &self,
        ticket_no: &str,
        answer: &TicketAnswer,
    ) -> Result<Value, SandboxError> {
        let path = format!("bluepay-jt/tickets/{ticket_no}/status");
        self.post(&path, body(answer)).await
    }

    // ------------------------------------------------------------------ SGATE

    /// SGATE's balance of every currency, as decimal text (`{"SAR": "1000000.00", …}`).
    pub async fn sgate_balances(&self) -> Result<Value, SandboxError> {
        self.get("sgate/balance").await
    }

    /// Sets SGATE's balance of `currency` (`SAR`, `KWD`, `AED`) to `amount` (decimal text
    /// such as `"1000.125"`).
    pub async fn set_sgate_balance(
        &self,
        currency: &str,
        amount: &str,
    ) -> Result<(), SandboxError> {
        let balance = SgateBalance {
            currency: Some(currency.to_string()),
            amount: json!(amount),
        };
        self.put("sgate/balance", body(&balance)).await.map(|_| ())
    }

    /// A customer by `customid` or `mercustomid` (sensitive members masked).
    pub async fn customer(&self, id: &str) -> Result<Value, SandboxError> {
        self.get(&format!("sgate/customers/{id}")).await
    }

    async fn customer_action(&self, id: &str, action: &str) -> Result<Value, SandboxError> {
        self.post(&format!("sgate/customers/{id}/{action}"), json!({}))
            .await
    }

    /// SGATE approves the customer `id` (`customid` or `mercustomid`): status 1.
    pub async fn approve_customer(&self, id: &str) -> Result<Value, SandboxError> {
        self.customer_action(id, "approve").await
    }

    /// SGATE rejects the customer `id`: status 2.
    pub async fn reject_customer(&self, id: &str) -> Result<Value, SandboxError> {
        self.customer_action(id, "reject").await
    }

    /// SGATE bans the customer `id`: status 3.
    pub async fn ban_customer(&self, id: &str) -> Result<Value, SandboxError> {
        self.customer_action(id, "ban").await
    }

    /// A payment order by `ticketid` or `payeeuid` (sensitive members masked).
    pub async fn payment_order(&self, id: &str) -> Result<Value, SandboxError> {
        self.get(&format!("sgate/orders/{id}")).await
    }

    /// The SGATE payment order `id` (`ticketid` or `payeeuid`) is transferred.
    pub async fn complete_order(&self, id: &str) -> Result<Value, SandboxError> {
        self.post(&format!("sgate/orders/{id}/complete"), json!({}))
            .await
    }

    /// The SGATE payment order `id` fails; the money returns to the balance.
    pub async fn fail_order(&self, id: &str) -> Result<Value, SandboxError> {
        self.post(&format!("sgate/orders/{id}/fail"), json!({}))
            .await
    }

    /// A transfer arrives in a virtual account: credited and announced.
    pub async fn receive_transfer(&self, transfer: &VaTransfer) -> Result<Value, SandboxError> {
        self.post("sgate/virtual-account/transfers", body(transfer))
            .await
    }

    /// The SGATE Payin order `id` (SGATE's order ID, or the `merchantOrderId` it was made
    /// with), as the sandbox keeps it: its `id`, `ticket` and cashier link among its members.
    pub async fn payin_order(&self, id: &str) -> Result<Value, SandboxError> {
        self.get(&format!("sgate-payin/orders/{id}")).await
    }

    /// Every OTP the sandbox sent, with its code.
    pub async fn otp_inbox(&self) -> Result<Value, SandboxError> {
        self.get("sgate/otp").await
    }
}
