//! The SGATE Payin events of `POST /admin/trigger`: an order paid as a payer pays it on the
//! cashier (the documented test card through 3-D Secure), through the same business functions
//! as the cashier's pages, so the order, its transaction and its `payment` callback are the
//! ones a real payment leaves; and a refund ended as the gateway ends it, through the same
//! functions as `order_refund` and the refund's scheduled outcome.

use serde_json::{json, Value};

use super::World;
use crate::base::gateway::Gateway;
use crate::base::http::{HandlerError, HandlerResult};
use crate::base::json::text;
use crate::sgate_payin::orders::{add_own_order, load_order};
use crate::sgate_payin::payments::pay_with_test_card;
use crate::sgate_payin::records::view;
use crate::sgate_payin::refunds::{finish_refund, refund_own, refundable_text};
use crate::wire::sgate_payin::refusal::PayinError;

/// Overrides of a refund event that are the refund's, not the order's made for it.
const REFUND_MEMBERS: &[&str] = &["id", "orderId", "amount", "reason", "merchantRefundId"];

impl World<'_, '_> {
    /// `payin_order.paid`: pays the order `id`, made first when no `id` is given. An `id` no
    /// order has is refused: the sandbox, not the merchant, numbers Payin orders.
    pub(super) fn pay_payin_order(&mut self) -> HandlerResult {
        let now = self.shared.now_ms();
        let id = match self.given("id") {
            Some(id) => id,
            None => self.add_payin_order(now, &[])?,
        };
        self.pay(&id, now)
    }

    /// Pays the order `id` with the test card; the paid order.
    fn pay(&mut self, id: &str, now: i64) -> HandlerResult {
        let root_url = self.shared.gateway_url(Gateway::SgatePayin);
        pay_with_test_card(self.tx, self.shared, id, &root_url, now).map_err(refused)?;
        let order = load_order(self.tx, id, now).map_err(refused)?;
        Ok(view("Order", &order))
    }

    /// `payin_refund.completed` and `.failed`: ends the pending refund `id`, made first when no
    /// `id` is given. An `id` no refund has is refused, as for orders.
    pub(super) fn end_payin_refund(&mut self, completed: bool) -> HandlerResult {
        let id = match self.given("id") {
            Some(id) => id,
            None => self.add_payin_refund()?,
        };
        let end = self.end(completed)?;
        finish_refund(self.tx, self.shared, &id, &end)
    }

    /// A refund made as `order_refund` makes it: of the paid order `orderId`, or of one paid
    /// first; `amount` (all that is refundable unless given), `reason`, `merchantRefundId`.
    fn add_payin_refund(&mut self) -> Result<String, HandlerError> {
        let now = self.shared.now_ms();
        let order_id = match self.given("orderId") {
            Some(id) => id,
            None => {
                let id = self.add_payin_order(now, REFUND_MEMBERS)?;
                self.pay(&id, now)?;
                id
            }
        };
        let order = load_order(self.tx, &order_id, now).map_err(refused)?;
        let mut body = json!({
            "amount": self.given("amount").unwrap_or_else(|| refundable_text(&order)),
            "reason": self.given("reason").unwrap_or_else(|| "sandbox trigger".into()),
        });
        if let Some(id) = self.given("merchantRefundId") {
            body["merchantRefundId"] = Value::String(id);
        }
        let made = refund_own(self.tx, self.shared, &order_id, body, now).map_err(refused)?;
        let id = text(&made, "id").to_string();
        self.created.push(format!("refund {id}"));
        Ok(id)
    }

    /// An order made as `merchant_add_order` makes it, from the overrides (`merchantOrderId`,
    /// `name`, `amount`, `currency`, `notificationURL`…) but the `skipped` ones, over a SAR
    /// 10.00 order; its id.
    fn add_payin_order(&mut self, now: i64, skipped: &[&str]) -> Result<String, HandlerError> {
        let merchant_order_id = match self.given("merchantOrderId") {
            Some(id) => id,
            None => self.new_id("TRIG")?,
        };
        let body = self.object_without(
            skipped,
            json!({
            "merchantOrderId": merchant_order_id,
            "name": "sandbox trigger",
            "amount": "10.00",
            "currency": "SAR",
            }),
        );
        let created = add_own_order(self.shared, self.tx, body, now).map_err(refused)?;
        let id = text(&created, "id").to_string();
        self.created.push(format!("order {id}"));
        Ok(id)
    }
}

/// A Payin refusal as the admin API's: its HTTP status and why, in the gateway's words.
fn refused(error: PayinError) -> HandlerError {
    match error {
        PayinError::Refused(refusal) => {
            HandlerError::admin(refusal.status.as_u16().into(), refusal.logged())
        }
        PayinError::Store(error) => HandlerError::Store(error),
    }
}
