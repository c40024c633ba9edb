//! Direct debit: authorization requests, tokens the payer's authorization issues, token queries
//! and cancellation, with their notifications.

use serde_json::{json, Value};

use super::records::*;
use crate::base::clock::{bangkok_time, plus_seconds};
use crate::base::gateway::Gateway;
use crate::base::http::{HandlerError, HandlerResult};
use crate::base::ids::{next_number, random_token};
use crate::base::json::{compact, integer, member, optional_text, set, text};
use crate::base::shared::Shared;
use crate::base::store::{StoreError, Tx};
use crate::scheduler::outbox::enqueue;

pub fn token_apply(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value) -> HandlerResult {
    let request_id = text(p, "requestId");
    let auth_key = key(ctx.gateway, request_id);
    if tx.get("dd_auth", &auth_key)?.is_some() {
        return Err(ctx.fail(21007, format!("requestId {request_id} was used already")));
    }
    let auth_url = format!(
        "{}/admin/{}/direct-debit/{request_id}/authorize",
        ctx.shared.base_url,
        ctx.gateway.id()
    );
    tx.put(
        "dd_auth",
        &auth_key,
        json!({
            "gw": ctx.gateway.id(), "userId": text(p, "userId"), "requestId": request_id,
            "channelCode": text(p, "channelCode"), "notifyUrl": text(p, "notifyUrl"),
            "redirectUrl": text(p, "redirectUrl"), "status": "PENDING", "createMs": ctx.now,
        }),
    );
    Ok(json!({
        "userId": text(p, "userId"),
        "requestId": request_id,
        "channelCode": text(p, "channelCode"),
        "authUrl": auth_url,
    }))
}

fn token_view(t: &Value) -> Value {
    compact(json!({
        "channelCode": t["channelCode"],
        "payToken": t["payToken"],
        "tokenStatus": t["tokenStatus"],
        "expiresTime": time_or_null(integer(t, "expiresMs")),
        "inactiveTime": time_or_null(integer(t, "inactiveMs")),
        "inactiveType": member(t, "inactiveType"),
    }))
}

pub fn token_query(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value) -> HandlerResult {
    let user = text(p, "userId");
    let tokens: Vec<Value> = tx
        .records("dd_token")?
        .into_iter()
        .filter(|t| text(t, "gw") == ctx.gateway.id() && text(t, "userId") == user)
        .filter(|t| optional_text(p, "payToken").is_none_or(|pt| text(t, "payToken") == pt))
        .map(|t| token_view(&t))
        .collect();
    Ok(json!({ "userId": user, "tokenList": tokens }))
}

pub fn token_cancel(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value) -> HandlerResult {
    let token_key = key(ctx.gateway, text(p, "payToken"));
    let Some(mut token) = tx
        .get("dd_token", &token_key)?
        .filter(|t| text(t, "userId") == text(p, "userId"))
    else {
        return Err(ctx.fail(21006, "no such token for this user"));
    };
    if text(&token, "tokenStatus") != "ACTIVED" {
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
        ctx.gateway,
        &token,
        "token.cancel.success",
        ctx.bad_signature,
    )?;
    Ok(compact(json!({
        "userId": token["userId"],
        "payToken": token["payToken"],
        "tokenStatus": "INACTIVED",
        "inactiveTime": bangkok_time(ctx.now),
        "inactiveType": "MCH_CANCEL",
    })))
}

fn auth_notification(
    tx: &mut Tx<'_>,
    shared: &Shared,
    gateway: Gateway,
    token_or_auth: &Value,
    event: &str,
    bad_signature: bool,
) -> Result<(), StoreError> {
    let auth = tx.get("dd_auth", &key(gateway, text(token_or_auth, "requestId")))?;
    let Some(auth) = auth else {
        return Ok(());
    };
    let payload = compact(json!({
        "eventName": event,
        "userId": auth["userId"],
        "requestId": auth["requestId"],
        "channelCode": auth["channelCode"],
        "paytoken": member(token_or_auth, "payToken"),
        "tokenStatus": member(token_or_auth, "tokenStatus"),
        "expiresTime": time_or_null(integer(token_or_auth, "expiresMs")),
        "inactiveTime": time_or_null(integer(token_or_auth, "inactiveMs")),
        "inactiveType": member(token_or_auth, "inactiveType"),
    }));
    enqueue(
        tx,
        shared,
        gateway,
        event,
        text(&auth, "notifyUrl"),
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
    gateway: Gateway,
    request_id: &str,
    approve: bool,
) -> HandlerResult {
    let auth_key = key(gateway, request_id);
    let Some(mut auth) = tx.get("dd_auth", &auth_key)? else {
        return Err(HandlerError::admin(
            404,
            format!("no authorization request {request_id}"),
        ));
    };
    if text(&auth, "status") != "PENDING" {
        return Err(HandlerError::admin(409, "authorization is decided already"));
    }
    let now = shared.now_ms();
    if !approve {
        set(&mut auth, json!({ "status": "FAILED" }));
        tx.put("dd_auth", &auth_key, auth.clone());
        auth_notification(tx, shared, gateway, &auth, "token.create.failed", false)?;
        return Ok(auth);
    }
    let n = next_number(tx, "token")?;
    let token = format!("TK{}{n:08}", random_token(8).to_uppercase());
    let record = json!({
        "gw": gateway.id(), "userId": auth["userId"], "requestId": request_id, "payToken": token,
        "channelCode": auth["channelCode"], "tokenStatus": "ACTIVED",
        "expiresMs": plus_seconds(now, 10 * 365 * 24 * 3600), "createMs": now,
    });
    tx.put("dd_token", &key(gateway, &token), record.clone());
    set(
        &mut auth,
        json!({ "status": "AUTHORIZED", "payToken": token }),
    );
    tx.put("dd_auth", &auth_key, auth);
    auth_notification(tx, shared, gateway, &record, "token.create.success", false)?;
    Ok(token_view(&record))
}
