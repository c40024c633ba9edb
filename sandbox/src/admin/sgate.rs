//! Admin calls on SGATE: balances per currency, customers' review, payment orders' end, a
//! transfer into a virtual account, and the OTP inbox.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{json, Value};

use super::mask::mask_sensitive;
use super::reply::{done, plain_end, refuse, success, typed_body, Reply};
use crate::base::admin_api::{SgateBalance, VaTransfer};
use crate::base::http::HandlerError;
use crate::base::shared::Shared;
use crate::base::store::{StoreError, Tx};
use crate::sgate::{common, customers, orders, otp, va};
use paybind::money::Decimal2;

type SharedState = State<Arc<Shared>>;

/// `GET /admin/sgate/balance`: every currency's balance.
pub async fn balance(State(shared): SharedState) -> Reply {
    let balances = shared.with_tx(|tx| {
        let mut by_currency = serde_json::Map::new();
        for currency in common::CURRENCIES {
            let amount = common::currency_balance(tx, currency)?;
            by_currency.insert(
                currency.to_string(),
                json!(Decimal2::from_scaled(amount, common::PLACES)
                    .unwrap_or_default()
                    .to_string()),
            );
        }
        Ok::<_, StoreError>(Value::Object(by_currency))
    })?;
    success(balances)
}

/// `PUT /admin/sgate/balance {currency, amount}`.
pub async fn set_balance(State(shared): SharedState, body: Bytes) -> Reply {
    let input: SgateBalance = typed_body(&body)?;
    let currency = input.currency.unwrap_or_else(|| "SAR".to_string());
    if !common::CURRENCIES.contains(&currency.as_str()) {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            "currency is SAR, KWD or AED",
        ));
    }
    let amount = serde_json::from_value::<Decimal2>(input.amount)
        .ok()
        .and_then(|amount| amount.to_scaled(common::PLACES));
    let Some(amount) = amount else {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            "give {\"currency\": \"SAR\", \"amount\": 1000.00}",
        ));
    };
    shared.with_tx(|tx| {
        common::set_currency_balance(tx, &currency, amount);
        Ok::<_, StoreError>(())
    })?;
    let shown = Decimal2::from_scaled(amount, common::PLACES).unwrap_or_default();
    success(json!({ "currency": currency, "amount": shown.to_string() }))
}

/// A record of `table` by an id that `resolve` turns into its key.
fn record(
    shared: &Shared,
    table: &str,
    id: &str,
    resolve: fn(&Tx<'_>, &str) -> Result<Option<String>, StoreError>,
) -> Result<Option<Value>, StoreError> {
    shared.with_tx(|tx| match resolve(tx, id)? {
        Some(key) => tx.get(table, &key),
        None => Ok(None),
    })
}

/// `GET /admin/sgate/customers/{customid or mercustomid}`.
pub async fn customer(State(shared): SharedState, Path(id): Path<String>) -> Reply {
    match record(&shared, "sg_customer", &id, customers::customer_id)? {
        Some(mut customer) => {
            mask_sensitive(&mut customer);
            success(customer)
        }
        None => Err(refuse(StatusCode::NOT_FOUND, format!("no customer {id}"))),
    }
}

/// `POST /admin/sgate/customers/{id}/{approve|reject|ban|unban}`.
pub async fn customer_action(
    State(shared): SharedState,
    Path((id, action)): Path<(String, String)>,
) -> Reply {
    let (status, description) = match action.as_str() {
        "approve" | "unban" => (1, "Approved"),
        "reject" => (2, "Rejected"),
        "ban" => (3, "Banned"),
        _ => {
            return Err(refuse(
                StatusCode::NOT_FOUND,
                "action is approve, reject, ban or unban",
            ))
        }
    };
    let result = shared.with_tx(|tx| {
        let Some(customid) = customers::customer_id(tx, &id)? else {
            return Err(HandlerError::admin(404, format!("no customer {id}")));
        };
        customers::set_customer_status(tx, &shared, &customid, status, description)
    });
    done(&shared, result)
}

/// `GET /admin/sgate/orders/{ticketid or payeeuid}`.
pub async fn order(State(shared): SharedState, Path(id): Path<String>) -> Reply {
    match record(&shared, "sg_order", &id, orders::order_id)? {
        Some(mut order) => {
            mask_sensitive(&mut order);
            success(order)
        }
        None => Err(refuse(
            StatusCode::NOT_FOUND,
            format!("no payment order {id}"),
        )),
    }
}

/// `POST /admin/sgate/orders/{id}/{complete|fail}`.
pub async fn order_action(
    State(shared): SharedState,
    Path((id, action)): Path<(String, String)>,
) -> Reply {
    let end = plain_end(&action)?;
    let result = shared.with_tx(|tx| {
        let Some(ticketid) = orders::order_id(tx, &id)? else {
            return Err(HandlerError::admin(404, format!("no payment order {id}")));
        };
        orders::finish_order(tx, &shared, &ticketid, &end)
    });
    done(&shared, result)
}

/// `POST /admin/sgate/virtual-account/transfers {amount, currency, ...}`.
pub async fn transfer(State(shared): SharedState, body: Bytes) -> Reply {
    let transfer: VaTransfer = typed_body(&body)?;
    let input = serde_json::to_value(&transfer).unwrap_or(Value::Null);
    let result = shared.with_tx(|tx| va::receive_transfer(tx, &shared, &input));
    done(&shared, result)
}

/// `GET /admin/sgate/otp`: every OTP task with its code.
pub async fn otp_inbox(State(shared): SharedState) -> Reply {
    success(Value::Array(shared.with_tx(|tx| otp::otp_inbox(tx))?))
}
