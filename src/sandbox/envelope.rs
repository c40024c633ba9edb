//! BluePay and BluePay JT: the `{appId, param, sign}` envelope checked as the gateway checks it,
//! the param validated against the operation's schema, and the operations run against state.

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::faults::{self, Fault};
use super::notify;
use super::server::{json_response, not_found, Answer};
use super::state::{
    bkk_date, bkk_time, compact, decide, i, new_id, opt_s, s, schedule_outcome, set, Fail, Gateway,
    LoggedRequest, Shared,
};
use super::store::{StoreError, Tx};

/// The merchant balance a gateway starts with, in satang (THB 10,000.00).
pub const INITIAL_BALANCE: i64 = 1_000_000;

/// Refunds are refused for payments completed more than this many days ago (21403).
pub const REFUND_DAYS: i64 = 60;

/// Why a handler stopped: a gateway code, or the store.
#[derive(Debug)]
pub enum HErr {
    /// Answer with this code.
    Fail(Fail),
    /// The store failed.
    Store(StoreError),
}

impl From<StoreError> for HErr {
    fn from(e: StoreError) -> Self {
        HErr::Store(e)
    }
}

impl From<Fail> for HErr {
    fn from(f: Fail) -> Self {
        HErr::Fail(f)
    }
}

impl std::fmt::Display for HErr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HErr::Fail(fail) => write!(f, "{} {}", fail.code, fail.message),
            HErr::Store(e) => write!(f, "{e}"),
        }
    }
}

type HResult = Result<Value, HErr>;

struct Ctx<'a> {
    shared: &'a Shared,
    gw: Gateway,
    now: i64,
    bad_signature: bool,
}

impl Ctx<'_> {
    fn fail(&self, code: i64, detail: impl AsRef<str>) -> HErr {
        HErr::Fail(Fail::new(self.gw, code, detail))
    }
}

fn envelope_reply(code: i64, message: &str, data: Value) -> Response {
    json_response(
        StatusCode::OK,
        &json!({ "code": code, "message": message, "data": data }),
    )
}

/// Handles one request to an envelope gateway.
pub async fn handle(
    shared: &Arc<Shared>,
    gw: Gateway,
    method: &Method,
    rest: &str,
    path_and_query: &str,
    headers: &axum::http::HeaderMap,
    body: Bytes,
) -> Answer {
    let Some(op) = gw
        .operations()
        .iter()
        .find(|o| o.method == method.as_str() && o.path == rest)
    else {
        return not_found(path_and_query).into();
    };
    let mut log = LoggedRequest {
        seq: 0,
        gateway: gw,
        operation: op.id.to_string(),
        method: method.to_string(),
        path: path_and_query.to_string(),
        signature_ok: false,
        param: Value::Null,
        param_text: None,
        code: 0,
        fault: None,
        headers: super::state::logged_headers(headers),
        body: super::state::logged_body(&body),
    };
    let param = match authenticate(shared, gw, &body, &mut log) {
        Ok(param) => param,
        Err(fail) => return finish(shared, log, fail.code, &fail.message, Value::Null),
    };
    let fault = shared
        .with_tx(|tx| faults::take(tx, gw, op.id))
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "faults unreadable");
            None
        });
    if let Some(fault) = &fault {
        log.fault = Some(fault.describe());
        if let Some(answer) = apply_fault(shared, gw, fault, &mut log).await {
            return answer;
        }
    }
    let schema = op.body_schema.unwrap_or_default();
    if let Err(e) = gw.spec().validate(schema, &param) {
        let fail = Fail::new(gw, 21002, e.to_string());
        return finish(shared, log, fail.code, &fail.message, Value::Null);
    }
    if let Err(fail) = check_timestamp(shared, gw, schema, &param) {
        return finish(shared, log, fail.code, &fail.message, Value::Null);
    }
    let ctx = Ctx {
        shared,
        gw,
        now: shared.now_ms(),
        bad_signature: fault.as_ref().is_some_and(|f| f.bad_signature.is_some()),
    };
    let result = shared.with_tx(|tx| dispatch(&ctx, tx, op, &param));
    shared.wake.notify_one();
    match result {
        Ok(data) => finish(shared, log, 10000, "Success", data),
        Err(HErr::Fail(fail)) => finish(shared, log, fail.code, &fail.message, Value::Null),
        Err(HErr::Store(e)) => {
            let fail = Fail::internal(gw, &e);
            finish(shared, log, fail.code, &fail.message, Value::Null)
        }
    }
}

fn finish(
    shared: &Shared,
    mut log: LoggedRequest,
    code: i64,
    message: &str,
    data: Value,
) -> Answer {
    log.code = code;
    shared.log_request(log);
    envelope_reply(code, message, data).into()
}

/// `appId`, signature over `param`, `param` as a JSON object.
fn authenticate(
    shared: &Shared,
    gw: Gateway,
    body: &[u8],
    log: &mut LoggedRequest,
) -> Result<Value, Fail> {
    let envelope: Map<String, Value> = serde_json::from_slice(body)
        .map_err(|_| Fail::new(gw, 21002, "body is not a JSON object"))?;
    let app_id = envelope
        .get("appId")
        .and_then(Value::as_str)
        .ok_or_else(|| Fail::new(gw, 21003, "appId is missing"))?;
    if app_id != shared.app_id(gw) {
        return Err(Fail::new(gw, 21003, "unknown appId"));
    }
    let text = envelope
        .get("param")
        .and_then(Value::as_str)
        .ok_or_else(|| Fail::new(gw, 21002, "param must be a JSON string"))?;
    log.param_text = Some(text.to_string());
    log.param = serde_json::from_str(text).unwrap_or(Value::Null);
    let sign = envelope
        .get("sign")
        .and_then(Value::as_str)
        .ok_or_else(|| Fail::new(gw, 21001, "sign is missing"))?;
    let key = shared.keys.bluepay_merchant.public_key();
    crate::envelope::sign::verify(&key, shared.settings.envelope_hash, text.as_bytes(), sign)
        .map_err(|e| Fail::new(gw, 21001, e.to_string()))?;
    log.signature_ok = true;
    let param: Value =
        serde_json::from_str(text).map_err(|_| Fail::new(gw, 21002, "param is not JSON"))?;
    if !param.is_object() {
        return Err(Fail::new(gw, 21002, "param is not a JSON object"));
    }
    Ok(param)
}

async fn apply_fault(
    shared: &Shared,
    gw: Gateway,
    fault: &Fault,
    log: &mut LoggedRequest,
) -> Option<Answer> {
    if let Some(answer) = faults::transport_fault(shared, fault, log).await {
        return Some(answer);
    }
    if fault.malformed_json {
        shared.log_request(log.clone());
        let mut response = json_response(StatusCode::OK, &Value::Null);
        *response.body_mut() = axum::body::Body::from("{\"code\":10000,\"message\":\"Succ");
        return Some(response.into());
    }
    if let Some(code) = fault.error_code {
        let message = fault
            .error_message
            .clone()
            .unwrap_or_else(|| gw.message(code).to_string());
        log.code = code;
        shared.log_request(log.clone());
        return Some(envelope_reply(code, &message, Value::Null).into());
    }
    if let Some(body) = &fault.body {
        log.code = body.get("code").and_then(Value::as_i64).unwrap_or(0);
        shared.log_request(log.clone());
        return Some(json_response(StatusCode::OK, body).into());
    }
    None
}

/// 21008 when the schema has a timestamp and the param lacks a usable one; 21009 when it is
/// outside the window. Seconds and milliseconds are both accepted (the docs use both).
fn check_timestamp(shared: &Shared, gw: Gateway, schema: &str, param: &Value) -> Result<(), Fail> {
    if !gw.spec().has_property(schema, "timestamp") {
        return Ok(());
    }
    let ts = match param.get("timestamp") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(t)) => t.trim().parse().ok(),
        _ => None,
    }
    .filter(|t| *t > 0)
    .ok_or_else(|| Fail::new(gw, 21008, "timestamp is missing"))?;
    let ms = if ts < 100_000_000_000 {
        ts.saturating_mul(1000)
    } else {
        ts
    };
    if let Some(window) = shared.settings.timestamp_window {
        let window = i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
        if (shared.now_ms() - ms).abs() > window {
            return Err(Fail::new(
                gw,
                21009,
                "timestamp outside the accepted window",
            ));
        }
    }
    Ok(())
}

fn dispatch(ctx: &Ctx<'_>, tx: &mut Tx<'_>, op: &crate::spec::Operation, p: &Value) -> HResult {
    match op.id {
        "balance_inquiry" => balance_inquiry(ctx, tx),
        "payout_create" => payout_create(ctx, tx, p),
        "payout_status" => order_view(ctx, tx, p, "payout"),
        "qr_code_create" => pay_create(ctx, tx, p, "qr"),
        "qr_code_detail" => order_view(ctx, tx, p, "qr"),
        "qr_code_payment_list" => qr_payment_list(ctx, tx, p),
        "qr_code_cancel" => qr_cancel(ctx, tx, p),
        "webpay_create" => pay_create(ctx, tx, p, "webpay"),
        "webpay_detail" => order_view(ctx, tx, p, "webpay"),
        "refund_create" => refund_create(ctx, tx, p),
        "refund_payments" => refund_payments(ctx, tx, p),
        "payment_void" => payment_void(ctx, tx, p),
        "direct_debit_token_apply" => token_apply(ctx, tx, p),
        "direct_debit_token_query" => token_query(ctx, tx, p),
        "direct_debit_token_cancel" => token_cancel(ctx, tx, p),
        "direct_debit_pay" => pay_create(ctx, tx, p, "direct_debit"),
        "direct_debit_pay_detail" | "direct_debit_detail" => order_view(ctx, tx, p, "direct_debit"),
        "ticket_add" => ticket_add(ctx, tx, p),
        "ticket_result_query" => ticket_query(ctx, tx, p),
        "report_download" => report_download(ctx, p),
        other => Ok(generic_data(ctx.gw, other)),
    }
}

/// For an operation the sandbox has no behaviour for (added to a spec later): the spec's
/// example data, or data made from the response schema.
pub fn generic_data(gw: Gateway, operation: &str) -> Value {
    let spec = gw.spec();
    let Some(op) = gw.operations().iter().find(|o| o.id == operation) else {
        return Value::Null;
    };
    let doc = spec.document();
    let escaped = op.path.replace('~', "~0").replace('/', "~1");
    let method = op.method.to_ascii_lowercase();
    let content = doc.pointer(&format!(
        "/paths/{escaped}/{method}/responses/200/content/application~1json"
    ));
    if let Some(example) = content.and_then(|c| {
        c.get("example")
            .or_else(|| c.pointer("/examples/docs/value"))
    }) {
        if let Some(data) = example.get("data").filter(|d| !d.is_null()) {
            return data.clone();
        }
    }
    op.response_schema
        .and_then(|r| spec.schema(r))
        .and_then(|r| r.pointer("/properties/data"))
        .map(|schema| synthesize(spec, schema, 0))
        .unwrap_or(Value::Null)
}

/// A value that fits `schema`: its example, its first enum value, or a plain value.
pub fn synthesize(spec: &crate::spec::Spec, schema: &Value, depth: usize) -> Value {
    if depth > 8 {
        return Value::Null;
    }
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        return spec
            .schema(name)
            .map(|s| synthesize(spec, s, depth + 1))
            .unwrap_or(Value::Null);
    }
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
        return first.clone();
    }
    if let Some(code) = schema.pointer("/x-codes/0/code") {
        return code.clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => {
            let mut map = Map::new();
            for (name, prop) in schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                map.insert(name.clone(), synthesize(spec, prop, depth + 1));
            }
            Value::Object(map)
        }
        Some("array") => json!([synthesize(
            spec,
            schema.get("items").unwrap_or(&Value::Null),
            depth + 1
        )]),
        Some("integer") => json!(1),
        Some("number") => json!(1),
        Some("boolean") => json!(true),
        _ => json!("sandbox"),
    }
}

// ---------------------------------------------------------------------------------------------
// Records

fn key(gw: Gateway, id: &str) -> String {
    format!("{}:{id}", gw.name())
}

/// The merchant balance of an envelope gateway, in satang.
pub fn balance(tx: &Tx<'_>, gw: Gateway) -> Result<i64, StoreError> {
    Ok(tx
        .get("balance", gw.name())?
        .map(|v| i(&v, "amount"))
        .unwrap_or(INITIAL_BALANCE))
}

/// Sets the merchant balance of an envelope gateway.
pub fn set_balance(tx: &mut Tx<'_>, gw: Gateway, amount: i64) {
    tx.put("balance", gw.name(), json!({ "amount": amount }));
}

fn add_balance(tx: &mut Tx<'_>, gw: Gateway, delta: i64) -> Result<(), StoreError> {
    let now = balance(tx, gw)?;
    set_balance(tx, gw, now.saturating_add(delta));
    Ok(())
}

/// What a payment channel supports (admin API `PUT /admin/channels/...`); all by default.
pub fn channel(tx: &Tx<'_>, gw: Gateway, code: &str) -> Result<Value, StoreError> {
    let mut caps = json!({ "full_refund": true, "partial_refund": true, "void": true });
    if let Some(stored) = tx.get("channel", &key(gw, code))? {
        set(&mut caps, stored);
    }
    Ok(caps)
}

fn order(tx: &Tx<'_>, gw: Gateway, mch: &str) -> Result<Option<Value>, StoreError> {
    tx.get("bp_order", &key(gw, mch))
}

fn order_by_txn(tx: &Tx<'_>, gw: Gateway, txn: &str) -> Result<Option<Value>, StoreError> {
    let Some(link) = tx.get("bp_txn", &key(gw, txn))? else {
        return Ok(None);
    };
    tx.get("bp_order", s(&link, "order"))
}

fn put_order(tx: &mut Tx<'_>, order: &Value) {
    let gw = Gateway::from_name(s(order, "gw")).unwrap_or(Gateway::BluePay);
    let k = key(gw, s(order, "mchOrderId"));
    tx.put(
        "bp_txn",
        &key(gw, s(order, "transactionId")),
        json!({ "order": k }),
    );
    tx.put("bp_order", &k, order.clone());
}

fn require_new_order(ctx: &Ctx<'_>, tx: &Tx<'_>, mch: &str) -> Result<(), HErr> {
    if order(tx, ctx.gw, mch)?.is_some() {
        return Err(ctx.fail(21007, mch));
    }
    Ok(())
}

fn time_or_null(ms: i64) -> Value {
    if ms > 0 {
        json!(bkk_time(ms))
    } else {
        Value::Null
    }
}

// ---------------------------------------------------------------------------------------------
// Operations

fn balance_inquiry(ctx: &Ctx<'_>, tx: &mut Tx<'_>) -> HResult {
    let minor = balance(tx, ctx.gw)?;
    Ok(match ctx.gw {
        // JT returns integer satang; BluePay a decimal string.
        Gateway::BluePayJt => json!({ "balance": minor }),
        _ => json!({ "balance": crate::money::DecimalAmount::from_minor_units(minor).to_string() }),
    })
}

fn new_order(ctx: &Ctx<'_>, tx: &mut Tx<'_>, kind: &str, p: &Value) -> HResult {
    let prefix = match kind {
        "payout" => "D",
        "qr" => "C1",
        "webpay" => "C4",
        _ => "CU",
    };
    let txn = new_id(tx, prefix)?;
    let expire_seconds = p
        .get("expireSeconds")
        .and_then(Value::as_i64)
        .unwrap_or(3600)
        .clamp(30, 3600);
    Ok(json!({
        "gw": ctx.gw.name(),
        "kind": kind,
        "mchOrderId": s(p, "mchOrderId"),
        "transactionId": txn,
        "amount": i(p, "amount"),
        "fee": 0,
        "channelCode": opt_s(p, "channelCode"),
        "notifyUrl": opt_s(p, "notifyUrl"),
        "remark": opt_s(p, "remark"),
        "status": "PENDING",
        "createMs": ctx.now,
        "updateMs": ctx.now,
        "expiresMs": ctx.now + expire_seconds * 1000,
        "refunded": 0,
        "voided": false,
        "settled": false,
        "param": p,
    }))
}

fn payout_create(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value) -> HResult {
    let mch = s(p, "mchOrderId");
    require_new_order(ctx, tx, mch)?;
    let idem = key(ctx.gw, s(p, "idempotencyId"));
    if tx.get("bp_idem", &idem)?.is_some() {
        return Err(ctx.fail(21015, s(p, "idempotencyId")));
    }
    let amount = i(p, "amount");
    if amount <= 0 {
        return Err(ctx.fail(21021, "amount must be positive"));
    }
    if amount > balance(tx, ctx.gw)? {
        return Err(ctx.fail(21014, ""));
    }
    add_balance(tx, ctx.gw, -amount)?;
    let record = new_order(ctx, tx, "payout", p)?;
    tx.put("bp_idem", &idem, json!({ "order": key(ctx.gw, mch) }));
    put_order(tx, &record);
    let rule = decide(tx, ctx.gw, "payout", amount)?;
    schedule_job(tx, ctx, &rule, &record)?;
    Ok(json!({
        "mchOrderId": mch,
        "transactionId": record["transactionId"],
        "transactionStatus": "PENDING",
        "transactionTime": bkk_time(ctx.now),
    }))
}

fn schedule_job(
    tx: &mut Tx<'_>,
    ctx: &Ctx<'_>,
    rule: &super::state::OutcomeRule,
    record: &Value,
) -> Result<(), StoreError> {
    schedule_outcome(
        tx,
        ctx.shared,
        rule,
        json!({
            "type": "bp_order",
            "key": key(ctx.gw, s(record, "mchOrderId")),
            "bad_signature": ctx.bad_signature,
        }),
    )
}

/// QR code, WebPay order or direct debit.
fn pay_create(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value, kind: &str) -> HResult {
    let mch = s(p, "mchOrderId");
    require_new_order(ctx, tx, mch)?;
    let mut record = new_order(ctx, tx, kind, p)?;
    if kind == "qr" {
        set(&mut record, json!({ "qrStatus": "ACTIVE" }));
    }
    if kind == "direct_debit" {
        let token_key = key(ctx.gw, s(p, "payToken"));
        let token = tx.get("dd_token", &token_key)?;
        let usable = token.as_ref().is_some_and(|t| {
            s(t, "tokenStatus") == "ACTIVED" && s(t, "channelCode") == s(p, "channelCode")
        });
        if !usable {
            let code = if ctx.gw == Gateway::BluePayJt {
                21710
            } else {
                21006
            };
            return Err(ctx.fail(code, "payToken is unknown, inactive or for another channel"));
        }
    }
    if kind == "webpay" {
        let pay_url = format!(
            "{}/pay/{}",
            ctx.shared.gateway_url(ctx.gw),
            s(&record, "transactionId")
        );
        set(&mut record, json!({ "payUrl": pay_url }));
    }
    put_order(tx, &record);
    let rule = decide(tx, ctx.gw, kind, i(p, "amount"))?;
    schedule_job(tx, ctx, &rule, &record)?;
    Ok(match kind {
        "webpay" => json!({
            "mchOrderId": mch,
            "payUrl": record["payUrl"],
            "transactionId": record["transactionId"],
            "expiresTime": bkk_time(i(&record, "expiresMs")),
        }),
        "direct_debit" => json!({
            "mchOrderId": mch,
            "transactionId": record["transactionId"],
            "transactionStatus": "PENDING",
            "channelCode": record["channelCode"],
        }),
        _ => view(ctx.shared, &record),
    })
}

/// An order as the detail and create operations show it (members the operation does not
/// declare are kept by the clients' models as extra fields).
fn view(shared: &Shared, o: &Value) -> Value {
    let gw = Gateway::from_name(s(o, "gw")).unwrap_or(Gateway::BluePay);
    let txn = s(o, "transactionId");
    let param = o.get("param").cloned().unwrap_or(Value::Null);
    let mut v = json!({
        "mchOrderId": o["mchOrderId"],
        "transactionId": txn,
        "channelCode": o["channelCode"],
        "notifyUrl": o["notifyUrl"],
        "remark": o["remark"],
        "amount": o["amount"],
        "transactionStatus": o["status"],
        "createTime": time_or_null(i(o, "createMs")),
        "updateTime": time_or_null(i(o, "updateMs")),
        "returnTime": time_or_null(i(o, "returnMs")),
        "failedCode": o.get("failedCode").cloned().unwrap_or(Value::Null),
        "failedMessage": o.get("failedMessage").cloned().unwrap_or(Value::Null),
    });
    match s(o, "kind") {
        "qr" => set(
            &mut v,
            json!({
                "qrCodeId": txn,
                "qrCodeContent": format!("00020101021229370016A000000677010111sandbox{txn}5303764540{}6304SBOX", o["amount"]),
                "qrStatus": o["qrStatus"],
                "qrLink": format!("{}/admin/{}/orders/{}", shared.base_url, gw.name(), s(o, "mchOrderId")),
                "expiresTime": time_or_null(i(o, "expiresMs")),
                "transactionCreateTime": time_or_null(i(o, "createMs")),
                "transactionReturnTime": time_or_null(i(o, "returnMs")),
                "fee": o["fee"],
                "totalAmount": i(o, "amount").saturating_add(i(o, "fee")),
                "businessType": param.get("businessType").cloned().unwrap_or(Value::Null),
                "projectType": param.get("projectType").cloned().unwrap_or(Value::Null),
                "items": param.get("items").cloned().unwrap_or(Value::Null),
            }),
        ),
        "webpay" => set(
            &mut v,
            json!({
                "payUrl": o["payUrl"],
                "customerName": param.get("customerName").cloned().unwrap_or(Value::Null),
                "email": param.get("email").cloned().unwrap_or(Value::Null),
                "redirectUrl": param.get("redirectUrl").cloned().unwrap_or(Value::Null),
                "expiresTime": time_or_null(i(o, "expiresMs")),
            }),
        ),
        "direct_debit" => set(
            &mut v,
            json!({
                "transactionCreateTime": time_or_null(i(o, "createMs")),
                "transactionReturnTime": time_or_null(i(o, "returnMs")),
                "fee": o["fee"],
                "totalAmount": i(o, "amount").saturating_add(i(o, "fee")),
                "businessType": param.get("businessType").cloned().unwrap_or(Value::Null),
                "projectType": param.get("projectType").cloned().unwrap_or(Value::Null),
                "items": param.get("items").cloned().unwrap_or(Value::Null),
            }),
        ),
        _ => {}
    }
    compact(v)
}

fn order_view(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value, kind: &str) -> HResult {
    let mch = s(p, "mchOrderId");
    match order(tx, ctx.gw, mch)? {
        Some(o) if s(&o, "kind") == kind => Ok(view(ctx.shared, &o)),
        _ => Err(ctx.fail(21006, mch)),
    }
}

fn qr_payment_list(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value) -> HResult {
    let start = chrono::NaiveDate::parse_from_str(s(p, "startDate"), "%Y-%m-%d")
        .map_err(|_| ctx.fail(21002, "startDate"))?;
    let end = chrono::NaiveDate::parse_from_str(s(p, "endDate"), "%Y-%m-%d")
        .map_err(|_| ctx.fail(21002, "endDate"))?;
    let mut orders = Vec::new();
    if let Some(mch) = opt_s(p, "mchOrderId") {
        match order(tx, ctx.gw, mch)? {
            Some(o) if s(&o, "kind") == "qr" => orders.push(o),
            _ => return Err(ctx.fail(21006, mch)),
        }
    } else if let Some(sub) = opt_s(p, "subOrderId") {
        for (_, o) in tx.list("bp_order")? {
            let has_sub = o
                .pointer("/param/items")
                .and_then(Value::as_array)
                .is_some_and(|items| items.iter().any(|it| s(it, "subOrderId") == sub));
            if s(&o, "gw") == ctx.gw.name() && s(&o, "kind") == "qr" && has_sub {
                orders.push(o);
            }
        }
    }
    let mut list = Vec::new();
    for o in orders {
        if s(&o, "status") == "PENDING" {
            continue;
        }
        let day = bkk_date(i(&o, "returnMs"));
        if day.is_some_and(|d| d < start || d > end) {
            continue;
        }
        let mut item = view(ctx.shared, &o);
        set(
            &mut item,
            json!({ "transactionAmount": o["amount"], "subOrderId": p.get("subOrderId").cloned().unwrap_or(Value::Null) }),
        );
        list.push(compact(item));
    }
    Ok(Value::Array(list))
}

fn qr_cancel(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value) -> HResult {
    let mch = s(p, "mchOrderId");
    let Some(mut o) = order(tx, ctx.gw, mch)?.filter(|o| s(o, "kind") == "qr") else {
        return Err(ctx.fail(21006, mch));
    };
    if s(&o, "status") != "PENDING" || s(&o, "qrStatus") != "ACTIVE" {
        return Err(ctx.fail(21025, "the QR code is paid, failed or cancelled already"));
    }
    set(
        &mut o,
        json!({ "qrStatus": "CANCELLED", "status": "FAILED", "updateMs": ctx.now, "returnMs": ctx.now,
                "failedMessage": "QR code cancelled by the merchant" }),
    );
    put_order(tx, &o);
    Ok(json!({ "mchOrderId": mch, "transactionId": o["transactionId"], "qrStatus": "CANCELLED" }))
}

fn refund_create(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value) -> HResult {
    let mch_refund = s(p, "mchRefundOrderId");
    let refund_key = key(ctx.gw, mch_refund);
    if let Some(existing) = tx.get("bp_refund", &refund_key)? {
        return Err(if s(&existing, "refundStatus") == "PENDING" {
            ctx.fail(21401, mch_refund)
        } else {
            ctx.fail(21407, mch_refund)
        });
    }
    let original_id = s(p, "originalTransactionId");
    let Some(mut original) = order_by_txn(tx, ctx.gw, original_id)? else {
        return Err(ctx.fail(21006, original_id));
    };
    if !matches!(s(&original, "kind"), "qr" | "webpay" | "direct_debit")
        || original["voided"] == true
    {
        return Err(ctx.fail(
            21402,
            "only completed payments that were not voided can be refunded",
        ));
    }
    if s(&original, "status") != "COMPLETED" {
        return Err(ctx.fail(21408, ""));
    }
    let paid_at = i(&original, "returnMs");
    if ctx.now - paid_at > REFUND_DAYS * 24 * 3600 * 1000 {
        return Err(ctx.fail(21403, ""));
    }
    let has_pending = tx.list("bp_refund")?.into_iter().any(|(_, r)| {
        s(&r, "gw") == ctx.gw.name()
            && s(&r, "originalTransactionId") == original_id
            && s(&r, "refundStatus") == "PENDING"
    });
    if has_pending {
        return Err(ctx.fail(21409, ""));
    }
    let amount = i(p, "refundAmount");
    let paid = i(&original, "amount");
    let refundable = paid - i(&original, "refunded");
    if amount <= 0 || amount > refundable {
        return Err(ctx.fail(21406, format!("refundable: {refundable}")));
    }
    let caps = channel(tx, ctx.gw, s(&original, "channelCode"))?;
    let full = amount == paid;
    if full && caps["full_refund"] == false {
        return Err(ctx.fail(21404, ""));
    }
    if !full && caps["partial_refund"] == false {
        return Err(ctx.fail(21405, ""));
    }
    let refund_txn = new_id(tx, "R")?;
    let record = json!({
        "gw": ctx.gw.name(),
        "mchRefundOrderId": mch_refund,
        "refundTransactionId": refund_txn,
        "originalTransactionId": original_id,
        "originalOrder": key(ctx.gw, s(&original, "mchOrderId")),
        "refundAmount": amount,
        "feeRefunded": 0,
        "refundStatus": "PENDING",
        "refundReason": opt_s(p, "refundReason"),
        "refundCallbackUrl": s(p, "refundCallbackUrl"),
        "createMs": ctx.now,
    });
    tx.put("bp_refund", &refund_key, record.clone());
    tx.put(
        "bp_refund_txn",
        &key(ctx.gw, &refund_txn),
        json!({ "refund": refund_key }),
    );
    set(&mut original, json!({ "refundPending": true }));
    put_order(tx, &original);
    let rule = decide(tx, ctx.gw, "refund", amount)?;
    schedule_outcome(
        tx,
        ctx.shared,
        &rule,
        json!({ "type": "bp_refund", "key": refund_key, "bad_signature": ctx.bad_signature }),
    )?;
    Ok(json!({
        "mchRefundOrderId": mch_refund,
        "refundTransactionId": refund_txn,
        "refundCreateTime": bkk_time(ctx.now),
        "refundAmount": amount,
        "refundStatus": "PENDING",
    }))
}

fn refund_view(r: &Value) -> Value {
    compact(json!({
        "mchRefundOrderId": r["mchRefundOrderId"],
        "originalTransactionId": r["originalTransactionId"],
        "refundTransactionId": r["refundTransactionId"],
        "refundAmount": r["refundAmount"],
        "feeRefunded": r["feeRefunded"],
        "refundStatus": r["refundStatus"],
        "refundCreateTime": time_or_null(i(r, "createMs")),
        "refundReturnTime": time_or_null(i(r, "returnMs")),
        "failedCode": r.get("failedCode").cloned().unwrap_or(Value::Null),
        "failedMessage": r.get("failedMessage").cloned().unwrap_or(Value::Null),
    }))
}

fn refund_payments(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value) -> HResult {
    let refunds: Vec<Value> = tx
        .list("bp_refund")?
        .into_iter()
        .map(|(_, r)| r)
        .filter(|r| s(r, "gw") == ctx.gw.name())
        .filter(|r| {
            opt_s(p, "originalTransactionId").is_none_or(|o| s(r, "originalTransactionId") == o)
                && opt_s(p, "refundTransactionId").is_none_or(|t| s(r, "refundTransactionId") == t)
        })
        .collect();
    if refunds.is_empty() {
        let id = opt_s(p, "originalTransactionId")
            .or(opt_s(p, "refundTransactionId"))
            .unwrap_or("");
        let known = order_by_txn(tx, ctx.gw, id)?.is_some();
        if !known {
            return Err(ctx.fail(21006, id));
        }
    }
    Ok(Value::Array(refunds.iter().map(refund_view).collect()))
}

fn payment_void(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value) -> HResult {
    let mch_void = s(p, "mchVoidOrderId");
    let void_key = key(ctx.gw, mch_void);
    if tx.get("bp_void", &void_key)?.is_some() {
        return Err(ctx.fail(21505, mch_void));
    }
    let original_id = s(p, "originalTransactionId");
    let Some(mut original) = order_by_txn(tx, ctx.gw, original_id)? else {
        return Err(ctx.fail(21006, original_id));
    };
    if original["voided"] == true {
        return Err(ctx.fail(21504, ""));
    }
    if s(&original, "status") != "COMPLETED" || s(&original, "kind") == "payout" {
        return Err(ctx.fail(21500, ""));
    }
    let caps = channel(tx, ctx.gw, s(&original, "channelCode"))?;
    if caps["void"] == false || i(&original, "refunded") > 0 || original["refundPending"] == true {
        return Err(ctx.fail(21501, "the channel cannot void, or the payment has refunds"));
    }
    if original["settled"] == true {
        return Err(ctx.fail(21502, ""));
    }
    if bkk_date(i(&original, "returnMs")) != bkk_date(ctx.now) {
        return Err(ctx.fail(21503, ""));
    }
    let void_txn = new_id(tx, "V")?;
    add_balance(tx, ctx.gw, -i(&original, "amount"))?;
    set(
        &mut original,
        json!({ "voided": true, "updateMs": ctx.now }),
    );
    put_order(tx, &original);
    let data = json!({
        "mchVoidOrderId": mch_void,
        "originalTransactionId": original_id,
        "voidTransactionId": void_txn,
    });
    tx.put("bp_void", &void_key, data.clone());
    Ok(data)
}

fn token_apply(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value) -> HResult {
    let request_id = s(p, "requestId");
    let auth_key = key(ctx.gw, request_id);
    if tx.get("dd_auth", &auth_key)?.is_some() {
        return Err(ctx.fail(21007, format!("requestId {request_id} was used already")));
    }
    let auth_url = format!(
        "{}/admin/{}/direct-debit/{request_id}/authorize",
        ctx.shared.base_url,
        ctx.gw.name()
    );
    tx.put(
        "dd_auth",
        &auth_key,
        json!({
            "gw": ctx.gw.name(), "userId": s(p, "userId"), "requestId": request_id,
            "channelCode": s(p, "channelCode"), "notifyUrl": s(p, "notifyUrl"),
            "redirectUrl": s(p, "redirectUrl"), "status": "PENDING", "createMs": ctx.now,
        }),
    );
    Ok(json!({
        "userId": s(p, "userId"),
        "requestId": request_id,
        "channelCode": s(p, "channelCode"),
        "authUrl": auth_url,
    }))
}

fn token_view(t: &Value) -> Value {
    compact(json!({
        "channelCode": t["channelCode"],
        "payToken": t["payToken"],
        "tokenStatus": t["tokenStatus"],
        "expiresTime": time_or_null(i(t, "expiresMs")),
        "inactiveTime": time_or_null(i(t, "inactiveMs")),
        "inactiveType": t.get("inactiveType").cloned().unwrap_or(Value::Null),
    }))
}

fn token_query(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value) -> HResult {
    let user = s(p, "userId");
    let tokens: Vec<Value> = tx
        .list("dd_token")?
        .into_iter()
        .map(|(_, t)| t)
        .filter(|t| s(t, "gw") == ctx.gw.name() && s(t, "userId") == user)
        .filter(|t| opt_s(p, "payToken").is_none_or(|pt| s(t, "payToken") == pt))
        .map(|t| token_view(&t))
        .collect();
    Ok(json!({ "userId": user, "tokenList": tokens }))
}

fn token_cancel(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value) -> HResult {
    let token_key = key(ctx.gw, s(p, "payToken"));
    let Some(mut token) = tx
        .get("dd_token", &token_key)?
        .filter(|t| s(t, "userId") == s(p, "userId"))
    else {
        return Err(ctx.fail(21006, "no such token for this user"));
    };
    if s(&token, "tokenStatus") != "ACTIVED" {
        return Err(ctx.fail(21025, "the token is inactive already"));
    }
    set(
        &mut token,
        json!({ "tokenStatus": "INACTIVED", "inactiveMs": ctx.now, "inactiveType": "MCH_CANCEL" }),
    );
    tx.put("dd_token", &token_key, token.clone());
    auth_notification(
        tx,
        ctx.shared,
        ctx.gw,
        &token,
        "token.cancel.success",
        ctx.bad_signature,
    )?;
    Ok(compact(json!({
        "userId": token["userId"],
        "payToken": token["payToken"],
        "tokenStatus": "INACTIVED",
        "inactiveTime": bkk_time(ctx.now),
        "inactiveType": "MCH_CANCEL",
    })))
}

fn ticket_add(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value) -> HResult {
    let request_id = s(p, "requestId");
    let req_key = key(ctx.gw, request_id);
    if tx.get("jt_ticket_req", &req_key)?.is_some() {
        return Err(ctx.fail(21007, format!("requestId {request_id} was used already")));
    }
    let n = super::state::next_seq(tx, "ticket")?;
    let ticket_no = format!(
        "{}{n:06}",
        chrono::DateTime::from_timestamp_millis(ctx.now)
            .map(|t| t.format("%Y%m%d%H%M").to_string())
            .unwrap_or_default()
    );
    let transaction_status = order(tx, ctx.gw, s(p, "mchOrderId"))?
        .map(|o| s(&o, "status").to_string())
        .unwrap_or_else(|| "PENDING".into());
    tx.put(
        "jt_ticket",
        &ticket_no,
        json!({
            "ticketNo": ticket_no, "requestId": request_id, "mchOrderId": s(p, "mchOrderId"),
            "ticketStatus": "PENDING", "transactionStatus": transaction_status,
            "notifyUrl": s(p, "notifyUrl"), "createMs": ctx.now, "param": p,
        }),
    );
    tx.put("jt_ticket_req", &req_key, json!({ "ticketNo": ticket_no }));
    Ok(json!({ "requestId": request_id, "ticketNo": ticket_no }))
}

fn ticket_query(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value) -> HResult {
    let ticket_no = match opt_s(p, "ticketNo") {
        Some(t) => Some(t.to_string()),
        None => tx
            .get("jt_ticket_req", &key(ctx.gw, s(p, "requestId")))?
            .map(|v| s(&v, "ticketNo").to_string()),
    };
    let ticket = match ticket_no {
        Some(t) => tx.get("jt_ticket", &t)?,
        None => None,
    };
    let Some(ticket) = ticket else {
        return Err(ctx.fail(21006, "no such ticket"));
    };
    Ok(json!({
        "ticketNo": ticket["ticketNo"],
        "ticketStatus": ticket["ticketStatus"],
        "transactionStatus": ticket["transactionStatus"],
    }))
}

fn report_download(ctx: &Ctx<'_>, p: &Value) -> HResult {
    let name = format!(
        "report-{}-{}-{}.csv",
        s(p, "countryCode"),
        s(p, "transDate"),
        i(p, "transType")
    );
    Ok(json!({ "downloadUrl": format!("{}/files/{name}", ctx.shared.gateway_url(ctx.gw)) }))
}

/// `GET /{gateway}/files/report-{country}-{date}-{type}.csv`: the transactions of that Thai
/// date as CSV (the real file is a GPG-encrypted zip; the sandbox serves plain CSV).
pub fn serve_file(shared: &Shared, gw: Gateway, name: &str) -> Response {
    let Some(rest) = name
        .strip_prefix("report-")
        .and_then(|r| r.strip_suffix(".csv"))
    else {
        return not_found(name);
    };
    let parts: Vec<&str> = rest.rsplitn(2, '-').collect();
    let (Some(kind), Some(head)) = (parts.first(), parts.get(1)) else {
        return not_found(name);
    };
    let Some((_, date)) = head.split_once('-') else {
        return not_found(name);
    };
    let Ok(day) = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d") else {
        return not_found(name);
    };
    let want_payout = *kind == "1";
    let rows = shared
        .read(|store| store.list("bp_order"))
        .unwrap_or_default();
    let mut csv =
        String::from("mchOrderId,transactionId,kind,channelCode,amount,status,returnTime\n");
    for (_, o) in rows {
        let payout = s(&o, "kind") == "payout";
        if s(&o, "gw") != gw.name()
            || payout != want_payout
            || bkk_date(i(&o, "returnMs")) != Some(day)
        {
            continue;
        }
        csv += &format!(
            "{},{},{},{},{},{},{}\n",
            s(&o, "mchOrderId"),
            s(&o, "transactionId"),
            s(&o, "kind"),
            s(&o, "channelCode"),
            i(&o, "amount"),
            s(&o, "status"),
            bkk_time(i(&o, "returnMs"))
        );
    }
    ([(axum::http::header::CONTENT_TYPE, "text/csv")], csv).into_response()
}

// ---------------------------------------------------------------------------------------------
// Lifecycle: outcomes (jobs and admin calls) and their notifications

/// Runs a scheduled job of an envelope gateway.
pub fn run_job(tx: &mut Tx<'_>, shared: &Shared, action: &Value) -> Result<(), StoreError> {
    let outcome = s(action, "outcome");
    let failed_code = action.get("failed_code").and_then(Value::as_i64);
    let failed_message = opt_s(action, "failed_message");
    let bad = action.get("bad_signature").and_then(Value::as_bool) == Some(true);
    let result = match s(action, "type") {
        "bp_order" => finish_order(
            tx,
            shared,
            s(action, "key"),
            outcome,
            failed_code,
            failed_message,
            bad,
        ),
        "bp_refund" => finish_refund(
            tx,
            shared,
            s(action, "key"),
            outcome,
            failed_code,
            failed_message,
            bad,
        ),
        _ => Ok(Value::Null),
    };
    match result {
        Ok(_) | Err(HErr::Fail(_)) => Ok(()),
        Err(HErr::Store(e)) => Err(e),
    }
}

/// Ends a pending order (`completed` or `failed`), moves the money and queues the
/// notification. Used by jobs and by the admin API ("pay this QR code").
pub fn finish_order(
    tx: &mut Tx<'_>,
    shared: &Shared,
    order_key: &str,
    outcome: &str,
    failed_code: Option<i64>,
    failed_message: Option<&str>,
    bad_signature: bool,
) -> HResult {
    let Some(mut o) = tx.get("bp_order", order_key)? else {
        return Err(HErr::Fail(Fail {
            code: 404,
            message: format!("no order {order_key}"),
        }));
    };
    let gw = Gateway::from_name(s(&o, "gw")).unwrap_or(Gateway::BluePay);
    if s(&o, "status") != "PENDING" {
        return Err(HErr::Fail(Fail {
            code: 409,
            message: format!("order is {} already", s(&o, "status")),
        }));
    }
    let now = shared.now_ms();
    let kind = s(&o, "kind").to_string();
    let amount = i(&o, "amount");
    let completed = outcome == "completed";
    set(
        &mut o,
        json!({ "status": if completed { "COMPLETED" } else { "FAILED" }, "returnMs": now, "updateMs": now }),
    );
    if kind == "qr" {
        set(&mut o, json!({ "qrStatus": "INACTIVE" }));
    }
    if !completed {
        let code = failed_code.unwrap_or(-10004);
        let message = failed_message
            .map(str::to_string)
            .unwrap_or_else(|| failed_message_of(code));
        set(
            &mut o,
            json!({ "failedCode": code, "failedMessage": message }),
        );
    }
    match (kind.as_str(), completed) {
        ("payout", false) => add_balance(tx, gw, amount)?,
        ("payout", true) => {}
        (_, true) => add_balance(tx, gw, amount)?,
        _ => {}
    }
    put_order(tx, &o);
    let (event, url) = match kind.as_str() {
        "payout" => {
            let setting = if gw == Gateway::BluePayJt {
                "bluepay_jt_payout_notify_url"
            } else {
                "bluepay_payout_notify_url"
            };
            let url = tx
                .get("meta", "settings")?
                .and_then(|v| opt_s(&v, setting).map(str::to_string));
            (
                if completed {
                    "disbursement.success"
                } else {
                    "disbursement.failed"
                },
                url,
            )
        }
        "qr" => (
            if completed {
                "qrcode.payment.success"
            } else {
                "qrcode.payment.failed"
            },
            opt_s(&o, "notifyUrl").map(str::to_string),
        ),
        "webpay" => (
            if completed {
                "order.payment.success"
            } else {
                "order.payment.failed"
            },
            opt_s(&o, "notifyUrl").map(str::to_string),
        ),
        _ => (
            if completed {
                "direct.debit.success"
            } else {
                "direct.debit.failed"
            },
            opt_s(&o, "notifyUrl").map(str::to_string),
        ),
    };
    let mut payload = json!({
        "eventName": event,
        "mchOrderId": o["mchOrderId"],
        "transactionId": o["transactionId"],
        "amount": amount,
        "transactionStatus": o["status"],
        "createTime": bkk_time(i(&o, "createMs")),
        "returnTime": bkk_time(now),
        "channelCode": o["channelCode"],
        "remark": s(&o, "remark"),
        "failedCode": o.get("failedCode").cloned().unwrap_or(Value::Null),
        "failedMessage": o.get("failedMessage").cloned().unwrap_or(Value::Null),
    });
    if gw == Gateway::BluePayJt && kind == "qr" {
        set(
            &mut payload,
            json!({ "fee": o["fee"], "totalAmount": amount.saturating_add(i(&o, "fee")) }),
        );
    }
    let payload = compact(payload);
    if let Some(url) = url {
        notify::enqueue(tx, shared, gw, event, &url, &payload, bad_signature)?;
    }
    Ok(view(shared, &o))
}

fn failed_message_of(code: i64) -> String {
    crate::bluepay::FailedCode::from_code(code)
        .message()
        .unwrap_or("Transaction failed")
        .to_string()
}

/// Ends a pending refund; a completed refund takes the money from the balance.
pub fn finish_refund(
    tx: &mut Tx<'_>,
    shared: &Shared,
    refund_key: &str,
    outcome: &str,
    failed_code: Option<i64>,
    failed_message: Option<&str>,
    bad_signature: bool,
) -> HResult {
    let Some(mut r) = tx.get("bp_refund", refund_key)? else {
        return Err(HErr::Fail(Fail {
            code: 404,
            message: format!("no refund {refund_key}"),
        }));
    };
    if s(&r, "refundStatus") != "PENDING" {
        return Err(HErr::Fail(Fail {
            code: 409,
            message: "refund is final already".into(),
        }));
    }
    let gw = Gateway::from_name(s(&r, "gw")).unwrap_or(Gateway::BluePay);
    let now = shared.now_ms();
    let completed = outcome == "completed";
    let amount = i(&r, "refundAmount");
    set(
        &mut r,
        json!({ "refundStatus": if completed { "COMPLETE" } else { "FAILED" }, "returnMs": now }),
    );
    if !completed {
        let code = failed_code.unwrap_or(-10010);
        set(
            &mut r,
            json!({ "failedCode": code, "failedMessage": failed_message.map(str::to_string).unwrap_or_else(|| failed_message_of(code)) }),
        );
    }
    if let Some(mut original) = tx.get("bp_order", s(&r, "originalOrder"))? {
        set(&mut original, json!({ "refundPending": false }));
        if completed {
            let refunded = i(&original, "refunded") + amount;
            set(&mut original, json!({ "refunded": refunded }));
            add_balance(tx, gw, -amount)?;
        }
        put_order(tx, &original);
    }
    tx.put("bp_refund", refund_key, r.clone());
    let event = if completed {
        "payment.refund.success"
    } else {
        "payment.refund.failed"
    };
    let mut payload = refund_view(&r);
    set(
        &mut payload,
        json!({ "eventName": event, "refundReason": r.get("refundReason").cloned().unwrap_or(Value::Null) }),
    );
    let payload = compact(payload);
    notify::enqueue(
        tx,
        shared,
        gw,
        event,
        s(&r, "refundCallbackUrl"),
        &payload,
        bad_signature,
    )?;
    Ok(payload)
}

fn auth_notification(
    tx: &mut Tx<'_>,
    shared: &Shared,
    gw: Gateway,
    token_or_auth: &Value,
    event: &str,
    bad_signature: bool,
) -> Result<(), StoreError> {
    let auth = tx.get("dd_auth", &key(gw, s(token_or_auth, "requestId")))?;
    let Some(auth) = auth else {
        return Ok(());
    };
    let payload = compact(json!({
        "eventName": event,
        "userId": auth["userId"],
        "requestId": auth["requestId"],
        "channelCode": auth["channelCode"],
        "paytoken": token_or_auth.get("payToken").cloned().unwrap_or(Value::Null),
        "tokenStatus": token_or_auth.get("tokenStatus").cloned().unwrap_or(Value::Null),
        "expiresTime": time_or_null(i(token_or_auth, "expiresMs")),
        "inactiveTime": time_or_null(i(token_or_auth, "inactiveMs")),
        "inactiveType": token_or_auth.get("inactiveType").cloned().unwrap_or(Value::Null),
    }));
    notify::enqueue(
        tx,
        shared,
        gw,
        event,
        s(&auth, "notifyUrl"),
        &payload,
        bad_signature,
    )?;
    Ok(())
}

/// The payer completes (or refuses) a direct-debit authorization: a token is issued and the
/// authorization notification is queued.
pub fn decide_authorization(
    tx: &mut Tx<'_>,
    shared: &Shared,
    gw: Gateway,
    request_id: &str,
    approve: bool,
) -> HResult {
    let auth_key = key(gw, request_id);
    let Some(mut auth) = tx.get("dd_auth", &auth_key)? else {
        return Err(HErr::Fail(Fail {
            code: 404,
            message: format!("no authorization request {request_id}"),
        }));
    };
    if s(&auth, "status") != "PENDING" {
        return Err(HErr::Fail(Fail {
            code: 409,
            message: "authorization is decided already".into(),
        }));
    }
    let now = shared.now_ms();
    if !approve {
        set(&mut auth, json!({ "status": "FAILED" }));
        tx.put("dd_auth", &auth_key, auth.clone());
        auth_notification(tx, shared, gw, &auth, "token.create.failed", false)?;
        return Ok(auth);
    }
    let n = super::state::next_seq(tx, "token")?;
    let token = format!("TK{}{n:08}", super::state::random_token(8).to_uppercase());
    let record = json!({
        "gw": gw.name(), "userId": auth["userId"], "requestId": request_id, "payToken": token,
        "channelCode": auth["channelCode"], "tokenStatus": "ACTIVED",
        "expiresMs": now + 10 * 365 * 24 * 3600 * 1000, "createMs": now,
    });
    tx.put("dd_token", &key(gw, &token), record.clone());
    set(
        &mut auth,
        json!({ "status": "AUTHORIZED", "payToken": token }),
    );
    tx.put("dd_auth", &auth_key, auth);
    auth_notification(tx, shared, gw, &record, "token.create.success", false)?;
    Ok(token_view(&record))
}

/// A JT ticket moves to `status` (PROCESSING, CLOSED, REJECTED); the result notification is
/// queued.
pub fn set_ticket_status(
    tx: &mut Tx<'_>,
    shared: &Shared,
    ticket_no: &str,
    status: &str,
    transaction_status: Option<&str>,
    reply: Option<&str>,
) -> HResult {
    let Some(mut ticket) = tx.get("jt_ticket", ticket_no)? else {
        return Err(HErr::Fail(Fail {
            code: 404,
            message: format!("no ticket {ticket_no}"),
        }));
    };
    let event = match status {
        "PROCESSING" => "ticket.status.processing",
        "CLOSED" => "ticket.status.closed",
        "REJECTED" => "ticket.status.rejected",
        _ => {
            return Err(HErr::Fail(Fail {
                code: 400,
                message: "status is PROCESSING, CLOSED or REJECTED".into(),
            }))
        }
    };
    set(&mut ticket, json!({ "ticketStatus": status }));
    if let Some(t) = transaction_status {
        set(&mut ticket, json!({ "transactionStatus": t }));
    }
    tx.put("jt_ticket", ticket_no, ticket.clone());
    let payload = compact(json!({
        "eventName": event,
        "ticketId": ticket_no,
        "ticketStatus": status,
        "transactionStatus": ticket["transactionStatus"],
        "customerServiceReply": reply.unwrap_or(""),
    }));
    notify::enqueue(
        tx,
        shared,
        Gateway::BluePayJt,
        event,
        s(&ticket, "notifyUrl"),
        &payload,
        false,
    )?;
    Ok(ticket)
}

/// Marks a completed payment settled (it can no longer be voided); JT sends the settled
/// notification.
pub fn settle(tx: &mut Tx<'_>, shared: &Shared, gw: Gateway, transaction_id: &str) -> HResult {
    let Some(mut o) = order_by_txn(tx, gw, transaction_id)? else {
        return Err(HErr::Fail(Fail {
            code: 404,
            message: format!("no transaction {transaction_id}"),
        }));
    };
    if s(&o, "status") != "COMPLETED" {
        return Err(HErr::Fail(Fail {
            code: 409,
            message: "only completed payments settle".into(),
        }));
    }
    let now = shared.now_ms();
    set(&mut o, json!({ "settled": true, "settledMs": now }));
    put_order(tx, &o);
    if gw == Gateway::BluePayJt {
        if let Some(url) = opt_s(&o, "notifyUrl") {
            let payload = compact(json!({
                "eventName": "settle.payment.success",
                "mchOrderId": o["mchOrderId"],
                "transactionId": o["transactionId"],
                "amount": o["amount"],
                "fee": o["fee"],
                "settledReturnTime": bkk_time(now),
                "channelCode": o["channelCode"],
                "projectType": o.pointer("/param/projectType").cloned().unwrap_or(Value::Null),
                "remark": s(&o, "remark"),
            }));
            notify::enqueue(
                tx,
                shared,
                gw,
                "settle.payment.success",
                url,
                &payload,
                false,
            )?;
        }
    }
    Ok(view(shared, &o))
}

/// An order by gateway and merchant order id (admin API).
pub fn find_order(
    tx: &Tx<'_>,
    gw: Gateway,
    mch: &str,
) -> Result<Option<(String, Value)>, StoreError> {
    Ok(order(tx, gw, mch)?.map(|o| (key(gw, mch), o)))
}

/// A refund by gateway and merchant refund id (admin API).
pub fn refund_key(gw: Gateway, mch_refund: &str) -> String {
    key(gw, mch_refund)
}
