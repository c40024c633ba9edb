//! The SGATE Payin event of `POST /admin/trigger`: an order paid as a payer pays it on the
//! cashier (the documented test card through 3-D Secure), through the same business functions
//! as the cashier's pages, so the order, its transaction and its `payment` callback are the
//! ones a real payment leaves.

use serde_json::{json, Map, Value};

use super::World;
use crate::base::gateway::Gateway;
use crate::base::http::{HandlerError, HandlerResult};
use crate::base::json::text;
use crate::sgate_payin::orders::{add_order, load_order};
use crate::sgate_payin::payments::pay_with_test_card;
use crate::sgate_payin::records::view;
use crate::wire::sgate_payin::refusal::PayinError;
use crate::wire::sgate_payin::Incoming;

impl World<'_, '_> {
    /// `payin_order.paid`: pays the order `id`, made first when no `id` is given. An `id` no
    /// order has is refused: the sandbox, not the merchant, numbers Payin orders.
    pub(super) fn pay_payin_order(&mut self) -> HandlerResult {
        let now = self.shared.now_ms();
        let id = match self.given("id") {
            Some(id) => id,
            None => self.add_payin_order(now)?,
        };
        let root_url = self.shared.gateway_url(Gateway::SgatePayin);
        pay_with_test_card(self.tx, self.shared, &id, &root_url, now).map_err(refused)?;
        let order = load_order(self.tx, &id, now).map_err(refused)?;
        Ok(view("Order", &order))
    }

    /// An order made as `merchant_add_order` makes it, from the overrides (`merchantOrderId`,
    /// `name`, `amount`, `currency`, `notificationURL`…) over a SAR 10.00 order; its id.
    fn add_payin_order(&mut self, now: i64) -> Result<String, HandlerError> {
        let merchant_order_id = match self.given("merchantOrderId") {
            Some(id) => id,
            None => self.new_id("TRIG")?,
        };
        let body = self.object(json!({
            "merchantOrderId": merchant_order_id,
            "name": "sandbox trigger",
            "amount": "10.00",
            "currency": "SAR",
        }));
        paybind::sgate_payin::spec()
            .validate("MerchantAddOrderParam", &body)
            .map_err(|error| HandlerError::admin(400, format!("overrides: {error}")))?;
        let merchant_id = self.shared.settings.sgate_payin_merchant_id.clone();
        let incoming = Incoming {
            path: Map::from_iter([("MERCHANT_ID".to_string(), Value::String(merchant_id))]),
            headers: Map::new(),
            body,
            root_url: self.shared.gateway_url(Gateway::SgatePayin),
        };
        let created = add_order(self.shared, self.tx, &incoming, now).map_err(refused)?;
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
