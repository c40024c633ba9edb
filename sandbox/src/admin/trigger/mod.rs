//! `POST /admin/trigger {gateway, event, overrides}`: an event performed now, with the state
//! change and the signed notification it implies (`paybind sandbox trigger`). The object
//! acted on is found by the id among the overrides; when there is none, or no object has it,
//! the least object the event needs is made first through the gateway's own business rules
//! (a QR code to pay, a customer to approve…), the overrides applied to it. Every event is an
//! arm of one exhaustive `match` on [`TriggerEvent`].

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{json, Map, Value};

use super::reply::{done, refuse, typed_body, Reply};
use crate::base::admin_api::{Trigger, TriggerEvent, TriggerOutcome};
use crate::base::gateway::Gateway;
use crate::base::http::{HandlerError, HandlerResult};
use crate::base::ids::next_number;
use crate::base::json::{integer, optional_text, set, text};
use crate::base::shared::Shared;
use crate::base::store::Tx;
use crate::bluepay::records::{self, RequestContext};
use crate::bluepay::{direct_debit, orders, refunds, settlement, tickets};
use crate::scheduler::jobs::End;
use crate::sgate;

mod payin;

/// Override members that belong to the event, not to an object made for it.
const EVENT_MEMBERS: &[&str] = &[
    "failedCode",
    "failedMessage",
    "ticketStatus",
    "transactionStatus",
    "customerServiceReply",
];

/// `POST /admin/trigger`.
pub async fn trigger(State(shared): State<Arc<Shared>>, body: Bytes) -> Reply {
    let request: Trigger = typed_body(&body)?;
    if !request.event.gateways().contains(&request.gateway) {
        let on: Vec<&str> = request.event.gateways().iter().map(|g| g.id()).collect();
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            format!(
                "event: {} happens on {}, not {}",
                request.event,
                on.join(", "),
                request.gateway.id()
            ),
        ));
    }
    let result = shared.with_tx(|tx| {
        let before = notification_count(tx)?;
        let mut world = World {
            tx,
            shared: &shared,
            gateway: request.gateway,
            overrides: &request.overrides,
            created: Vec::new(),
        };
        let object = world.perform(request.event)?;
        let created = world.created;
        let after = notification_count(tx)?;
        let outcome = TriggerOutcome {
            gateway: request.gateway,
            event: request.event,
            created,
            object,
            notifications: (before + 1..=after).map(|n| format!("N{n:08}")).collect(),
        };
        Ok(serde_json::to_value(outcome).unwrap_or(Value::Null))
    });
    done(&shared, result)
}

/// How many notifications were ever queued (their ids are `N` and this number).
fn notification_count(tx: &Tx<'_>) -> Result<i64, HandlerError> {
    Ok(tx
        .get("meta", "seq:notification")?
        .and_then(|stored| stored.as_i64())
        .unwrap_or(0))
}

/// One trigger at work: the transaction, the request, and what it made first.
struct World<'a, 't> {
    tx: &'a mut Tx<'t>,
    shared: &'a Shared,
    gateway: Gateway,
    overrides: &'a Map<String, Value>,
    created: Vec<String>,
}

impl<'a> World<'a, '_> {
    fn perform(&mut self, event: TriggerEvent) -> HandlerResult {
        match event {
            TriggerEvent::QrPaid => self.end_order("qr", true),
            TriggerEvent::QrFailed => self.end_order("qr", false),
            TriggerEvent::WebpayPaid => self.end_order("webpay", true),
            TriggerEvent::WebpayFailed => self.end_order("webpay", false),
            TriggerEvent::PayoutCompleted => self.end_order("payout", true),
            TriggerEvent::PayoutFailed => self.end_order("payout", false),
            TriggerEvent::DirectDebitPaid => self.end_order("direct_debit", true),
            TriggerEvent::DirectDebitFailed => self.end_order("direct_debit", false),
            TriggerEvent::DirectDebitAuthorized => self.decide_authorization(true),
            TriggerEvent::DirectDebitRejected => self.decide_authorization(false),
            TriggerEvent::RefundCompleted => self.end_refund(true),
            TriggerEvent::RefundFailed => self.end_refund(false),
            TriggerEvent::PaymentSettled => self.settle(),
            TriggerEvent::TicketResult => self.answer_ticket(),
            TriggerEvent::CustomerApproved => self.review_customer(true),
            TriggerEvent::CustomerRejected => self.review_customer(false),
            TriggerEvent::PaymentOrderCompleted => self.end_payment_order(true),
            TriggerEvent::PaymentOrderFailed => self.end_payment_order(false),
            TriggerEvent::PayinOrderPaid => self.pay_payin_order(),
            TriggerEvent::PayinRefundCompleted => self.end_payin_refund(true),
            TriggerEvent::PayinRefundFailed => self.end_payin_refund(false),
        }
    }

    fn context(&self) -> RequestContext<'a> {
        RequestContext {
            shared: self.shared,
            gateway: self.gateway,
            now: self.shared.now_ms(),
            bad_signature: false,
        }
    }

    /// An override as text (a number given as a number too).
    fn given(&self, name: &str) -> Option<String> {
        match self.overrides.get(name)? {
            Value::String(text) if !text.is_empty() => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            _ => None,
        }
    }

    /// An override as an integer (a number, or text of one).
    fn given_integer(&self, name: &str) -> Result<Option<i64>, HandlerError> {
        let Some(value) = self.overrides.get(name) else {
            return Ok(None);
        };
        value
            .as_i64()
            .or_else(|| value.as_str().and_then(|text| text.trim().parse().ok()))
            .map(Some)
            .ok_or_else(|| HandlerError::admin(400, format!("overrides.{name}: an integer")))
    }

    /// A new id: `prefix` and a number no trigger used.
    fn new_id(&mut self, prefix: &str) -> Result<String, HandlerError> {
        let number = next_number(self.tx, "trigger")?;
        Ok(format!("{prefix}{number:06}"))
    }

    /// `defaults` with the overrides applied (not the event's own members); a number given
    /// as text becomes a number where the default is one.
    fn object(&self, defaults: Value) -> Value {
        self.object_without(&[], defaults)
    }

    /// [`World::object`], the `skipped` overrides left out too.
    fn object_without(&self, skipped: &[&str], mut defaults: Value) -> Value {
        for (name, value) in self.overrides {
            if EVENT_MEMBERS.contains(&name.as_str()) || skipped.contains(&name.as_str()) {
                continue;
            }
            let number = match (defaults.get(name), value) {
                (Some(Value::Number(_)), Value::String(text)) => {
                    text.trim().parse::<i64>().ok().map(Value::from)
                }
                _ => None,
            };
            set(
                &mut defaults,
                json!({ name: number.unwrap_or_else(|| value.clone()) }),
            );
        }
        defaults
    }

    /// Where a made object's notification goes: `notifyUrl`, else the gateway's notify URL
    /// setting (the one payouts use); none when neither is set.
    fn notify_url(&self) -> Result<Option<String>, HandlerError> {
        if let Some(url) = self.given("notifyUrl") {
            return Ok(Some(url));
        }
        let setting = match self.gateway {
            Gateway::BluePayJt => "bluepay_jt_payout_notify_url",
            Gateway::BluePay | Gateway::Sgate => "bluepay_payout_notify_url",
            // A Payin order's `notificationURL` is an override like its other members.
            Gateway::SgatePayin => return Ok(None),
        };
        Ok(self
            .tx
            .get("meta", "settings")?
            .and_then(|settings| optional_text(&settings, setting).map(str::to_string)))
    }

    fn end(&self, completed: bool) -> Result<End, HandlerError> {
        Ok(End {
            outcome: if completed { "completed" } else { "failed" }.into(),
            failed_code: self.given_integer("failedCode")?,
            failed_message: self.given("failedMessage"),
            bad_signature: false,
        })
    }

    /// The order `mchOrderId` of `kind`, made when absent.
    fn order(&mut self, kind: &str) -> Result<Value, HandlerError> {
        if let Some(id) = self.given("mchOrderId") {
            if let Some(record) = records::order(self.tx, self.gateway, &id)? {
                if text(&record, "kind") != kind {
                    return Err(HandlerError::admin(
                        409,
                        format!("order {id} is a {}, not a {kind}", text(&record, "kind")),
                    ));
                }
                return Ok(record);
            }
        }
        let id = match self.given("mchOrderId") {
            Some(id) => id,
            None => self.new_id("TRIG")?,
        };
        let mut defaults = json!({ "mchOrderId": id, "amount": 10000 });
        if let Some(url) = self.notify_url()? {
            set(&mut defaults, json!({ "notifyUrl": url }));
        }
        let channel = match kind {
            "qr" => "THAI_DYNAMIC_QR",
            "webpay" => "TRUEMONEY_URL",
            "payout" => "PROMPTPAY",
            _ => "KBANK_DIRECT_DEBIT",
        };
        set(&mut defaults, json!({ "channelCode": channel }));
        let context = self.context();
        match kind {
            "payout" => {
                set(
                    &mut defaults,
                    json!({
                        "idempotencyId": format!("trigger-{id}"), "payMethodCode": "PROMPTPAY",
                        "promptpayAccountType": "MSISDN", "accountNo": "0812345678",
                    }),
                );
                let param = self.object(defaults);
                orders::payout_create(&context, self.tx, &param)?;
            }
            "direct_debit" => {
                let token = self.active_token()?;
                set(
                    &mut defaults,
                    json!({ "payToken": token["payToken"], "channelCode": token["channelCode"] }),
                );
                let param = self.object(defaults);
                orders::pay_create(&context, self.tx, &param, kind)?;
            }
            _ => {
                let param = self.object(defaults);
                orders::pay_create(&context, self.tx, &param, kind)?;
            }
        }
        self.created.push(format!("{kind} {id}"));
        records::order(self.tx, self.gateway, &id)?
            .ok_or_else(|| HandlerError::admin(500, format!("order {id} was not made")))
    }

    /// The token `payToken`, or an active one made by an authorization approved first.
    fn active_token(&mut self) -> Result<Value, HandlerError> {
        if let Some(token) = self.given("payToken") {
            return self
                .tx
                .get("dd_token", &records::key(self.gateway, &token))?
                .ok_or_else(|| HandlerError::admin(404, format!("no token {token}")));
        }
        let authorization = self.authorization()?;
        let request_id = text(&authorization, "requestId").to_string();
        direct_debit::decide_authorization(self.tx, self.shared, self.gateway, &request_id, true)
    }

    /// The direct-debit authorization request `requestId`, applied for when absent.
    fn authorization(&mut self) -> Result<Value, HandlerError> {
        if let Some(id) = self.given("requestId") {
            if let Some(found) = self.tx.get("dd_auth", &records::key(self.gateway, &id))? {
                return Ok(found);
            }
        }
        let id = match self.given("requestId") {
            Some(id) => id,
            None => self.new_id("TRIGREQ")?,
        };
        let mut defaults = json!({
            "requestId": id, "userId": format!("user-{id}"), "channelCode": "KBANK_DIRECT_DEBIT",
            "redirectUrl": "http://127.0.0.1/authorized",
        });
        if let Some(url) = self.notify_url()? {
            set(&mut defaults, json!({ "notifyUrl": url }));
        }
        let param = self.object(defaults);
        direct_debit::token_apply(&self.context(), self.tx, &param)?;
        self.created
            .push(format!("direct-debit authorization {id}"));
        self.tx
            .get("dd_auth", &records::key(self.gateway, &id))?
            .ok_or_else(|| HandlerError::admin(500, format!("authorization {id} was not made")))
    }

    fn end_order(&mut self, kind: &str, completed: bool) -> HandlerResult {
        let record = self.order(kind)?;
        let order_key = records::key(self.gateway, text(&record, "mchOrderId"));
        let end = self.end(completed)?;
        orders::finish_order(self.tx, self.shared, &order_key, &end)
    }

    fn decide_authorization(&mut self, approve: bool) -> HandlerResult {
        let authorization = self.authorization()?;
        let request_id = text(&authorization, "requestId").to_string();
        direct_debit::decide_authorization(self.tx, self.shared, self.gateway, &request_id, approve)
    }

    /// A completed payment: `transactionId` or `mchOrderId`, else a QR code made and paid.
    fn completed_payment(&mut self) -> Result<Value, HandlerError> {
        for id in ["originalTransactionId", "transactionId"] {
            if let Some(id) = self.given(id) {
                return records::order_by_transaction_id(self.tx, self.gateway, &id)?
                    .ok_or_else(|| HandlerError::admin(404, format!("no transaction {id}")));
            }
        }
        let record = self.order("qr")?;
        if text(&record, "status") != "PENDING" {
            return Ok(record);
        }
        let order_key = records::key(self.gateway, text(&record, "mchOrderId"));
        let paid = End {
            outcome: "completed".into(),
            failed_code: None,
            failed_message: None,
            bad_signature: false,
        };
        orders::finish_order(self.tx, self.shared, &order_key, &paid)?;
        records::order(self.tx, self.gateway, text(&record, "mchOrderId"))?
            .ok_or_else(|| HandlerError::admin(500, "the paid order vanished"))
    }

    fn end_refund(&mut self, completed: bool) -> HandlerResult {
        let existing = match self.given("mchRefundOrderId") {
            Some(id) => self
                .tx
                .get("bp_refund", &records::refund_key(self.gateway, &id))?
                .map(|_| id),
            None => None,
        };
        let id = match existing {
            Some(id) => id,
            None => {
                let payment = self.completed_payment()?;
                let id = match self.given("mchRefundOrderId") {
                    Some(id) => id,
                    None => self.new_id("TRIGRF")?,
                };
                let mut defaults = json!({
                    "mchRefundOrderId": id,
                    "originalTransactionId": payment["transactionId"],
                    "refundAmount": integer(&payment, "amount")
                        .saturating_sub(integer(&payment, "refunded")),
                    "refundReason": "sandbox trigger",
                });
                if let Some(url) = self.given("refundCallbackUrl").or(self.notify_url()?) {
                    set(&mut defaults, json!({ "refundCallbackUrl": url }));
                }
                let param = self.object(defaults);
                refunds::refund_create(&self.context(), self.tx, &param)?;
                self.created.push(format!("refund {id}"));
                id
            }
        };
        let end = self.end(completed)?;
        let refund_key = records::refund_key(self.gateway, &id);
        refunds::finish_refund(self.tx, self.shared, &refund_key, &end)
    }

    fn settle(&mut self) -> HandlerResult {
        let payment = self.completed_payment()?;
        let transaction_id = text(&payment, "transactionId").to_string();
        settlement::settle(self.tx, self.shared, self.gateway, &transaction_id)
    }

    fn answer_ticket(&mut self) -> HandlerResult {
        let existing = match self.given("ticketNo") {
            Some(number) => self.tx.get("jt_ticket", &number)?.map(|_| number),
            None => None,
        };
        let number = match existing {
            Some(number) => number,
            None if self.given("ticketNo").is_some() => {
                return Err(HandlerError::admin(
                    404,
                    "no ticket with that ticketNo (leave it out to open one)",
                ))
            }
            None => {
                let request_id = self.new_id("TRIGTK")?;
                let mut defaults = json!({
                    "requestId": request_id, "mchOrderId": request_id,
                    "ticketType": 1, "description": "opened by a sandbox trigger",
                });
                if let Some(url) = self.notify_url()? {
                    set(&mut defaults, json!({ "notifyUrl": url }));
                }
                let param = self.object(defaults);
                let opened = tickets::ticket_add(&self.context(), self.tx, &param)?;
                let number = text(&opened, "ticketNo").to_string();
                self.created.push(format!("ticket {number}"));
                number
            }
        };
        let status = self
            .given("ticketStatus")
            .unwrap_or_else(|| "CLOSED".into())
            .to_ascii_uppercase();
        tickets::set_ticket_status(
            self.tx,
            self.shared,
            &number,
            &status,
            self.given("transactionStatus").as_deref(),
            self.given("customerServiceReply").as_deref(),
        )
    }

    /// The customer `customid` or `mercustomid`, made when absent; approved quietly first
    /// when `approved` asks for an approved one.
    fn customer(&mut self, approved: bool) -> Result<Value, HandlerError> {
        for id in ["customid", "mercustomid"] {
            let Some(id) = self.given(id) else {
                continue;
            };
            if let Some(key) = sgate::customers::customer_id(self.tx, &id)? {
                let customer = self.tx.get("sg_customer", &key)?.unwrap_or(Value::Null);
                if approved && integer(&customer, "status") != 1 {
                    return Err(HandlerError::admin(
                        409,
                        format!("customer {id} is not approved (status 1)"),
                    ));
                }
                return Ok(customer);
            }
        }
        let id = match self.given("mercustomid") {
            Some(id) => id,
            None => self.new_id("TRIGCU")?,
        };
        let defaults = json!({
            "mercustomid": id, "name_e": "Trigger Customer", "name_a": "Trigger Customer",
            "identity": "1000000001", "bankcode": "1174c", "ibanaccount": "SA4420000001234567891234",
            "address": "Riyadh",
        });
        let now = self.shared.now_ms();
        let body = self.object(defaults);
        let view = sgate::customers::customer_create(self.shared, self.tx, &body, now)?;
        let customid = text(&view, "customid").to_string();
        self.created.push(format!("customer {id}"));
        if approved {
            sgate::customers::set_status_quietly(self.tx, &customid, 1, "Approved")?;
        }
        Ok(self.tx.get("sg_customer", &customid)?.unwrap_or(view))
    }

    fn review_customer(&mut self, approve: bool) -> HandlerResult {
        let customer = self.customer(false)?;
        let customid = text(&customer, "customid").to_string();
        let (status, description) = if approve {
            (1, "Approved")
        } else {
            (2, "Rejected")
        };
        sgate::customers::set_customer_status(self.tx, self.shared, &customid, status, description)
    }

    fn end_payment_order(&mut self, completed: bool) -> HandlerResult {
        let mut existing = None;
        for id in ["ticketid", "payeeuid"] {
            if let Some(id) = self.given(id) {
                existing = existing.or(sgate::orders::order_id(self.tx, &id)?);
            }
        }
        let ticketid = match existing {
            Some(ticketid) => ticketid,
            None => {
                let customer = self.customer(true)?;
                let payee_uid = match self.given("payeeuid") {
                    Some(id) => id,
                    None => self.new_id("TRIGPO")?,
                };
                let defaults = json!({
                    "mercustomid": customer["mercustomid"], "payeeuid": payee_uid,
                    "amount": "100.00", "currency": "SAR", "paymentmethod": "bankTransfer",
                });
                let mut body = self.object(defaults);
                set(&mut body, json!({ "mercustomid": customer["mercustomid"] }));
                let now = self.shared.now_ms();
                let order = sgate::orders::create_order(
                    self.shared,
                    self.tx,
                    &body,
                    &customer,
                    now,
                    "standard",
                )?;
                self.created.push(format!("payment order {payee_uid}"));
                text(&order, "ticketid").to_string()
            }
        };
        let end = self.end(completed)?;
        sgate::orders::finish_order(self.tx, self.shared, &ticketid, &end)
    }
}
