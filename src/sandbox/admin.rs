//! The admin API (`{base}/admin/...`, JSON): what a test or a person does to the sandbox from
//! outside the gateways' own APIs — pay a QR code, approve a customer, advance the clock,
//! inject faults, read the request log and every notification attempt.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;
use serde_json::{json, Value};

use super::envelope::{self, HErr};
use super::faults::{self, Fault};
use super::server::json_response;
use super::state::{opt_s, s, set, Gateway, OutcomeRule, Shared};
use super::store::StoreError;

type St = State<Arc<Shared>>;

/// The admin routes.
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/admin", get(index))
        .route("/admin/requests", get(requests))
        .route("/admin/notifications", get(notifications))
        .route("/admin/notifications/{id}", get(notification))
        .route("/admin/notifications/{id}/retry", post(retry))
        .route(
            "/admin/faults",
            get(list_faults).put(put_fault).delete(clear_faults),
        )
        .route(
            "/admin/faults/{gateway}/{operation}",
            axum::routing::delete(delete_fault),
        )
        .route("/admin/rules", get(get_rules).put(put_rules))
        .route("/admin/clock", get(clock))
        .route("/admin/clock/advance", post(advance))
        .route("/admin/settings", get(get_settings).put(put_settings))
        .route("/admin/channels/{gateway}/{code}", put(put_channel))
        .route(
            "/admin/sgate/balance",
            get(sgate_balance).put(sgate_set_balance),
        )
        .route("/admin/sgate/customers/{id}", get(sgate_customer))
        .route(
            "/admin/sgate/customers/{id}/{action}",
            post(sgate_customer_action),
        )
        .route("/admin/sgate/orders/{id}", get(sgate_order))
        .route(
            "/admin/sgate/orders/{id}/{action}",
            post(sgate_order_action),
        )
        .route(
            "/admin/sgate/virtual-account/transfers",
            post(sgate_transfer),
        )
        .route("/admin/sgate/otp", get(sgate_otp))
        .route(
            "/admin/bluepay-jt/tickets/{ticket}/status",
            post(ticket_status),
        )
        .route("/admin/{gw}/balance", get(balance).put(set_balance))
        .route("/admin/{gw}/orders/{mch}", get(order))
        .route("/admin/{gw}/orders/{mch}/{action}", post(order_action))
        .route("/admin/{gw}/transactions/{txn}/settle", post(settle))
        .route("/admin/{gw}/refunds/{id}/{action}", post(refund_action))
        .route(
            "/admin/{gw}/direct-debit/{request}/{action}",
            post(authorization).get(authorization),
        )
}

fn ok(value: Value) -> Response {
    json_response(StatusCode::OK, &value)
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    json_response(status, &json!({ "error": message.into() }))
}

fn store_error(e: &StoreError) -> Response {
    error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
}

fn herr(e: HErr) -> Response {
    match e {
        HErr::Store(e) => store_error(&e),
        HErr::Fail(f) => {
            let status = u16::try_from(f.code)
                .ok()
                .and_then(|c| StatusCode::from_u16(c).ok())
                .filter(|s| s.is_client_error())
                .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            json_response(status, &json!({ "error": f.message, "code": f.code }))
        }
    }
}

fn done(shared: &Shared, result: Result<Value, HErr>) -> Response {
    shared.wake.notify_one();
    match result {
        Ok(v) => ok(v),
        Err(e) => herr(e),
    }
}

fn gateway(name: &str) -> Result<Gateway, Box<Response>> {
    Gateway::from_name(name)
        .ok_or_else(|| Box::new(error(StatusCode::NOT_FOUND, format!("no gateway {name}"))))
}

fn envelope_gateway(name: &str) -> Result<Gateway, Box<Response>> {
    match gateway(name)? {
        Gateway::Sgate => Err(Box::new(error(
            StatusCode::NOT_FOUND,
            "use /admin/sgate/... for SGATE",
        ))),
        gw => Ok(gw),
    }
}

fn body_json(body: &axum::body::Bytes) -> Result<Value, Box<Response>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(body).map_err(|e| {
        Box::new(error(
            StatusCode::BAD_REQUEST,
            format!("body is not JSON: {e}"),
        ))
    })
}

async fn index(State(shared): St) -> Response {
    ok(json!({
        "gateways": {
            "bluepay": shared.gateway_url(Gateway::BluePay),
            "bluepay-jt": shared.gateway_url(Gateway::BluePayJt),
            "sgate": shared.gateway_url(Gateway::Sgate),
        },
        "endpoints": [
            "GET /admin/requests?gateway=&operation=",
            "GET /admin/notifications?status=&gateway=", "GET /admin/notifications/{id}",
            "POST /admin/notifications/{id}/retry",
            "GET|PUT|DELETE /admin/faults", "DELETE /admin/faults/{gateway}/{operation}",
            "GET|PUT /admin/rules", "GET /admin/clock", "POST /admin/clock/advance {seconds}",
            "GET|PUT /admin/settings", "PUT /admin/channels/{gateway}/{channelCode}",
            "GET|PUT /admin/{bluepay|bluepay-jt}/balance",
            "GET /admin/{gateway}/orders/{mchOrderId}",
            "POST /admin/{gateway}/orders/{mchOrderId}/{pay|complete|fail}",
            "POST /admin/{gateway}/transactions/{transactionId}/settle",
            "POST /admin/{gateway}/refunds/{mchRefundOrderId}/{complete|fail}",
            "POST /admin/{gateway}/direct-debit/{requestId}/{authorize|reject}",
            "POST /admin/bluepay-jt/tickets/{ticketNo}/status {ticketStatus, transactionStatus, reply}",
            "GET|PUT /admin/sgate/balance", "GET /admin/sgate/customers/{id}",
            "POST /admin/sgate/customers/{id}/{approve|reject|ban|unban}",
            "GET /admin/sgate/orders/{id}", "POST /admin/sgate/orders/{id}/{complete|fail}",
            "POST /admin/sgate/virtual-account/transfers", "GET /admin/sgate/otp",
        ],
    }))
}

#[derive(serde::Deserialize)]
struct Filter {
    gateway: Option<String>,
    operation: Option<String>,
    status: Option<String>,
}

async fn requests(State(shared): St, Query(filter): Query<Filter>) -> Response {
    let list: Vec<Value> = shared
        .requests()
        .into_iter()
        .filter(|r| {
            filter
                .gateway
                .as_deref()
                .is_none_or(|g| g == r.gateway.name())
        })
        .filter(|r| filter.operation.as_deref().is_none_or(|o| o == r.operation))
        .filter_map(|r| serde_json::to_value(r).ok())
        .collect();
    ok(Value::Array(list))
}

async fn notifications(State(shared): St, Query(filter): Query<Filter>) -> Response {
    match shared.read(|store| store.list("notification")) {
        Ok(rows) => ok(Value::Array(
            rows.into_iter()
                .map(|(_, n)| n)
                .filter(|n| {
                    filter
                        .status
                        .as_deref()
                        .is_none_or(|st| s(n, "status") == st)
                })
                .filter(|n| {
                    filter
                        .gateway
                        .as_deref()
                        .is_none_or(|g| s(n, "gateway") == g)
                })
                .collect(),
        )),
        Err(e) => store_error(&e),
    }
}

async fn notification(State(shared): St, Path(id): Path<String>) -> Response {
    match shared.read(|store| store.get("notification", &id)) {
        Ok(Some(n)) => ok(n),
        Ok(None) => error(StatusCode::NOT_FOUND, format!("no notification {id}")),
        Err(e) => store_error(&e),
    }
}

async fn retry(State(shared): St, Path(id): Path<String>) -> Response {
    let now = shared.now_ms();
    let result = shared.with_tx(|tx| {
        let Some(mut n) = tx.get("notification", &id)? else {
            return Err(HErr::Fail(super::state::Fail {
                code: 404,
                message: format!("no notification {id}"),
            }));
        };
        set(
            &mut n,
            json!({ "status": "pending", "next_attempt_ms": now }),
        );
        tx.put("notification", &id, n.clone());
        tx.put("outbox", &id, json!({ "due_ms": now }));
        Ok(n)
    });
    done(&shared, result)
}

async fn list_faults(State(shared): St) -> Response {
    match shared.with_tx(|tx| faults::list(tx)) {
        Ok(list) => ok(serde_json::to_value(list).unwrap_or(Value::Null)),
        Err(e) => store_error(&e),
    }
}

async fn put_fault(State(shared): St, body: axum::body::Bytes) -> Response {
    let value = match body_json(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let list: Vec<Fault> = match value {
        Value::Array(_) => serde_json::from_value(value),
        other => serde_json::from_value(other).map(|f| vec![f]),
    }
    .unwrap_or_default();
    if list.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            "expected a fault object (or a list) with gateway and operation",
        );
    }
    if let Some(bad) = list
        .iter()
        .find(|f| !faults::valid_target(&f.gateway, &f.operation))
    {
        return error(
            StatusCode::BAD_REQUEST,
            format!("no operation {} on gateway {}", bad.gateway, bad.operation),
        );
    }
    match shared.with_tx(|tx| list.iter().try_for_each(|f| faults::put(tx, f))) {
        Ok(()) => ok(serde_json::to_value(&list).unwrap_or(Value::Null)),
        Err(e) => store_error(&e),
    }
}

async fn clear_faults(State(shared): St) -> Response {
    let result = shared.with_tx(|tx| {
        for (k, _) in tx.list("fault")? {
            tx.delete("fault", &k);
        }
        Ok::<_, StoreError>(())
    });
    match result {
        Ok(()) => ok(json!([])),
        Err(e) => store_error(&e),
    }
}

async fn delete_fault(State(shared): St, Path((gw, op)): Path<(String, String)>) -> Response {
    match shared.with_tx(|tx| {
        tx.delete("fault", &format!("{gw}/{op}"));
        Ok::<_, StoreError>(())
    }) {
        Ok(()) => ok(json!({ "deleted": format!("{gw}/{op}") })),
        Err(e) => store_error(&e),
    }
}

async fn get_rules(State(shared): St) -> Response {
    let user = shared
        .read(|store| store.get("meta", "rules"))
        .ok()
        .flatten()
        .unwrap_or(json!([]));
    ok(json!({ "rules": user, "builtin": super::state::builtin_rules() }))
}

async fn put_rules(State(shared): St, body: axum::body::Bytes) -> Response {
    let value = match body_json(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let rules: Vec<OutcomeRule> = match serde_json::from_value(value) {
        Ok(r) => r,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!("expected a list of rules: {e}"),
            )
        }
    };
    if let Some(bad) = rules
        .iter()
        .find(|r| !matches!(r.outcome.as_str(), "completed" | "failed" | "pending"))
    {
        return error(
            StatusCode::BAD_REQUEST,
            format!(
                "outcome {} is not completed, failed or pending",
                bad.outcome
            ),
        );
    }
    let value = serde_json::to_value(&rules).unwrap_or(json!([]));
    match shared.with_tx(|tx| {
        tx.put("meta", "rules", value.clone());
        Ok::<_, StoreError>(())
    }) {
        Ok(()) => ok(value),
        Err(e) => store_error(&e),
    }
}

async fn clock(State(shared): St) -> Response {
    let now = shared.now_ms();
    ok(
        json!({ "now_ms": now, "offset_ms": shared.clock_offset(), "bangkok": super::state::bkk_time(now), "riyadh": super::state::riyadh_time(now) }),
    )
}

async fn advance(State(shared): St, body: axum::body::Bytes) -> Response {
    let value = match body_json(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let ms = value
        .get("ms")
        .and_then(Value::as_i64)
        .or_else(|| {
            value
                .get("seconds")
                .and_then(Value::as_i64)
                .map(|s| s.saturating_mul(1000))
        })
        .or_else(|| {
            value
                .get("days")
                .and_then(Value::as_i64)
                .map(|d| d.saturating_mul(86_400_000))
        });
    let Some(ms) = ms else {
        return error(StatusCode::BAD_REQUEST, "give seconds, ms or days");
    };
    match shared.advance_clock(ms) {
        Ok(offset) => ok(json!({ "offset_ms": offset, "now_ms": shared.now_ms() })),
        Err(e) => store_error(&e),
    }
}

/// Names of the settings the admin API accepts.
pub const SETTINGS: &[&str] = &[
    "bluepay_payout_notify_url",
    "bluepay_jt_payout_notify_url",
    "sgate_callback_url",
];

async fn get_settings(State(shared): St) -> Response {
    match shared.read(|store| store.get("meta", "settings")) {
        Ok(v) => ok(v.unwrap_or(json!({}))),
        Err(e) => store_error(&e),
    }
}

async fn put_settings(State(shared): St, body: axum::body::Bytes) -> Response {
    let value = match body_json(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let Some(map) = value.as_object() else {
        return error(StatusCode::BAD_REQUEST, "expected an object");
    };
    if let Some(unknown) = map.keys().find(|k| !SETTINGS.contains(&k.as_str())) {
        return error(
            StatusCode::BAD_REQUEST,
            format!("unknown setting {unknown}; known: {}", SETTINGS.join(", ")),
        );
    }
    let result = shared.with_tx(|tx| {
        let mut current = tx.get("meta", "settings")?.unwrap_or(json!({}));
        set(&mut current, value.clone());
        tx.put("meta", "settings", current.clone());
        Ok::<_, StoreError>(current)
    });
    match result {
        Ok(v) => ok(v),
        Err(e) => store_error(&e),
    }
}

async fn put_channel(
    State(shared): St,
    Path((gw, code)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Response {
    let gw = match envelope_gateway(&gw) {
        Ok(g) => g,
        Err(r) => return *r,
    };
    let value = match body_json(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let mut caps = json!({});
    for k in ["full_refund", "partial_refund", "void"] {
        if let Some(b) = value.get(k).and_then(Value::as_bool) {
            set(&mut caps, json!({ k: b }));
        }
    }
    let result = shared.with_tx(|tx| {
        tx.put("channel", &format!("{}:{code}", gw.name()), caps.clone());
        envelope::channel(tx, gw, &code)
    });
    match result {
        Ok(v) => ok(v),
        Err(e) => store_error(&e),
    }
}

async fn balance(State(shared): St, Path(gw): Path<String>) -> Response {
    let gw = match envelope_gateway(&gw) {
        Ok(g) => g,
        Err(r) => return *r,
    };
    match shared.with_tx(|tx| envelope::balance(tx, gw)) {
        Ok(b) => ok(json!({ "amount": b })),
        Err(e) => store_error(&e),
    }
}

async fn set_balance(
    State(shared): St,
    Path(gw): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let gw = match envelope_gateway(&gw) {
        Ok(g) => g,
        Err(r) => return *r,
    };
    let Some(amount) = body_json(&body)
        .ok()
        .and_then(|v| v.get("amount").and_then(Value::as_i64))
    else {
        return error(StatusCode::BAD_REQUEST, "give {\"amount\": minor units}");
    };
    match shared.with_tx(|tx| {
        envelope::set_balance(tx, gw, amount);
        Ok::<_, StoreError>(())
    }) {
        Ok(()) => ok(json!({ "amount": amount })),
        Err(e) => store_error(&e),
    }
}

async fn order(State(shared): St, Path((gw, mch)): Path<(String, String)>) -> Response {
    let gw = match envelope_gateway(&gw) {
        Ok(g) => g,
        Err(r) => return *r,
    };
    match shared.with_tx(|tx| envelope::find_order(tx, gw, &mch)) {
        Ok(Some((_, o))) => ok(o),
        Ok(None) => error(StatusCode::NOT_FOUND, format!("no order {mch}")),
        Err(e) => store_error(&e),
    }
}

async fn order_action(
    State(shared): St,
    Path((gw, mch, action)): Path<(String, String, String)>,
    body: axum::body::Bytes,
) -> Response {
    let gw = match envelope_gateway(&gw) {
        Ok(g) => g,
        Err(r) => return *r,
    };
    let input = body_json(&body).unwrap_or(json!({}));
    let outcome = match action.as_str() {
        "pay" | "complete" => "completed",
        "fail" => "failed",
        _ => return error(StatusCode::NOT_FOUND, "action is pay, complete or fail"),
    };
    let result = shared.with_tx(|tx| {
        let Some((key, _)) = envelope::find_order(tx, gw, &mch)? else {
            return Err(HErr::Fail(super::state::Fail {
                code: 404,
                message: format!("no order {mch}"),
            }));
        };
        envelope::finish_order(
            tx,
            &shared,
            &key,
            outcome,
            input.get("failed_code").and_then(Value::as_i64),
            opt_s(&input, "failed_message"),
            false,
        )
    });
    done(&shared, result)
}

async fn settle(State(shared): St, Path((gw, txn)): Path<(String, String)>) -> Response {
    let gw = match envelope_gateway(&gw) {
        Ok(g) => g,
        Err(r) => return *r,
    };
    let result = shared.with_tx(|tx| envelope::settle(tx, &shared, gw, &txn));
    done(&shared, result)
}

async fn refund_action(
    State(shared): St,
    Path((gw, id, action)): Path<(String, String, String)>,
    body: axum::body::Bytes,
) -> Response {
    let gw = match envelope_gateway(&gw) {
        Ok(g) => g,
        Err(r) => return *r,
    };
    let input = body_json(&body).unwrap_or(json!({}));
    let outcome = match action.as_str() {
        "complete" => "completed",
        "fail" => "failed",
        _ => return error(StatusCode::NOT_FOUND, "action is complete or fail"),
    };
    let key = envelope::refund_key(gw, &id);
    let result = shared.with_tx(|tx| {
        envelope::finish_refund(
            tx,
            &shared,
            &key,
            outcome,
            input.get("failed_code").and_then(Value::as_i64),
            opt_s(&input, "failed_message"),
            false,
        )
    });
    done(&shared, result)
}

async fn authorization(
    State(shared): St,
    Path((gw, request, action)): Path<(String, String, String)>,
) -> Response {
    let gw = match envelope_gateway(&gw) {
        Ok(g) => g,
        Err(r) => return *r,
    };
    let approve = match action.as_str() {
        "authorize" => true,
        "reject" => false,
        _ => return error(StatusCode::NOT_FOUND, "action is authorize or reject"),
    };
    let result =
        shared.with_tx(|tx| envelope::decide_authorization(tx, &shared, gw, &request, approve));
    done(&shared, result)
}

async fn ticket_status(
    State(shared): St,
    Path(ticket): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let input = match body_json(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let status = s(&input, "ticketStatus").to_ascii_uppercase();
    let result = shared.with_tx(|tx| {
        envelope::set_ticket_status(
            tx,
            &shared,
            &ticket,
            &status,
            opt_s(&input, "transactionStatus"),
            opt_s(&input, "reply"),
        )
    });
    done(&shared, result)
}

async fn sgate_balance(State(shared): St) -> Response {
    let result = shared.with_tx(|tx| {
        let mut out = serde_json::Map::new();
        for currency in ["SAR", "KWD", "AED"] {
            let amount = tx
                .get("sg_balance", currency)?
                .map(|v| super::state::i(&v, "amount"))
                .unwrap_or(super::sgate::INITIAL_BALANCE);
            out.insert(
                currency.to_string(),
                json!(crate::money::Decimal2::from_minor_units(amount).to_string()),
            );
        }
        Ok::<_, StoreError>(Value::Object(out))
    });
    match result {
        Ok(v) => ok(v),
        Err(e) => store_error(&e),
    }
}

async fn sgate_set_balance(State(shared): St, body: axum::body::Bytes) -> Response {
    let input = match body_json(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let currency = opt_s(&input, "currency").unwrap_or("SAR").to_string();
    if !super::sgate::CURRENCIES.contains(&currency.as_str()) {
        return error(StatusCode::BAD_REQUEST, "currency is SAR, KWD or AED");
    }
    let amount = input
        .get("amount")
        .and_then(|v| serde_json::from_value::<crate::money::Decimal2>(v.clone()).ok());
    let Some(amount) = amount else {
        return error(
            StatusCode::BAD_REQUEST,
            "give {\"currency\": \"SAR\", \"amount\": 1000.00}",
        );
    };
    match shared.with_tx(|tx| {
        super::sgate::set_currency_balance(tx, &currency, amount.minor_units());
        Ok::<_, StoreError>(())
    }) {
        Ok(()) => ok(json!({ "currency": currency, "amount": amount.to_string() })),
        Err(e) => store_error(&e),
    }
}

async fn sgate_customer(State(shared): St, Path(id): Path<String>) -> Response {
    let result = shared.with_tx(|tx| {
        let found = match super::sgate::customer_id(tx, &id)? {
            Some(cid) => tx.get("sg_customer", &cid)?,
            None => None,
        };
        Ok::<_, StoreError>(found)
    });
    match result {
        Ok(Some(c)) => ok(c),
        Ok(None) => error(StatusCode::NOT_FOUND, format!("no customer {id}")),
        Err(e) => store_error(&e),
    }
}

async fn sgate_customer_action(
    State(shared): St,
    Path((id, action)): Path<(String, String)>,
) -> Response {
    let (status, desc) = match action.as_str() {
        "approve" | "unban" => (1, "Approved"),
        "reject" => (2, "Rejected"),
        "ban" => (3, "Banned"),
        _ => {
            return error(
                StatusCode::NOT_FOUND,
                "action is approve, reject, ban or unban",
            )
        }
    };
    let result = shared.with_tx(|tx| {
        let Some(cid) = super::sgate::customer_id(tx, &id)? else {
            return Err(HErr::Fail(super::state::Fail {
                code: 404,
                message: format!("no customer {id}"),
            }));
        };
        super::sgate::set_customer_status(tx, &shared, &cid, status, desc)
    });
    done(&shared, result)
}

async fn sgate_order(State(shared): St, Path(id): Path<String>) -> Response {
    let result = shared.with_tx(|tx| {
        let found = match super::sgate::order_id(tx, &id)? {
            Some(tid) => tx.get("sg_order", &tid)?,
            None => None,
        };
        Ok::<_, StoreError>(found)
    });
    match result {
        Ok(Some(o)) => ok(o),
        Ok(None) => error(StatusCode::NOT_FOUND, format!("no payment order {id}")),
        Err(e) => store_error(&e),
    }
}

async fn sgate_order_action(
    State(shared): St,
    Path((id, action)): Path<(String, String)>,
) -> Response {
    let outcome = match action.as_str() {
        "complete" => "completed",
        "fail" => "failed",
        _ => return error(StatusCode::NOT_FOUND, "action is complete or fail"),
    };
    let result = shared.with_tx(|tx| {
        let Some(tid) = super::sgate::order_id(tx, &id)? else {
            return Err(HErr::Fail(super::state::Fail {
                code: 404,
                message: format!("no payment order {id}"),
            }));
        };
        super::sgate::finish_order(tx, &shared, &tid, outcome, false)
    });
    done(&shared, result)
}

async fn sgate_transfer(State(shared): St, body: axum::body::Bytes) -> Response {
    let input = match body_json(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let result = shared.with_tx(|tx| super::sgate::receive_transfer(tx, &shared, &input));
    done(&shared, result)
}

async fn sgate_otp(State(shared): St) -> Response {
    match shared.with_tx(|tx| super::sgate::otp_inbox(tx)) {
        Ok(list) => ok(Value::Array(list)),
        Err(e) => store_error(&e),
    }
}
