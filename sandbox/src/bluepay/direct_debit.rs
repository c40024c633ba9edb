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

pub fn token_apply(context: &RequestContext<'_>, tx: &mut Tx<'_>, param: &Value) -> HandlerResult {
    let request_id = text(param, "requestId");
    let authorization_key = key(context.gateway, request_id);
    if tx.get("dd_auth", &authorization_key)?.is_some() {
        return Err(context.fail(21007, format!("requestId {request_id} was used already")));
    }
    let authorization_url = format!(
        "{}/admin/{}/direct-debit/{request_id}/authorize",
        context.shared.base_url,
        context.gateway.id()
    );
    tx.put(
        "dd_auth",
        &authorization_key,
        json!({
            "gw": context.gateway.id(), "userId": text(param, "userId"), "requestId": request_id,
            "channelCode": text(param, "channelCode"), "notifyUrl": text(param, "notifyUrl"),
            "redirectUrl": text(param, "redirectUrl"), "status": "PENDING", "createMs": context.now,
        }),
    );
    Ok(json!({
        "userId": text(param, "userId"),
        "requestId": request_id,
        "channelCode": text(param, "channelCode"),
        "authUrl": authorization_url,
    }))
}

fn token_view(token: &Value) -> Value {
    compact(json!({
        "channelCode": token["channelCode"],
        "payToken": token["payToken"],
        "tokenStatus": token["tokenStatus"],
        "expiresTime": time_or_null(integer(token, "expiresMs")),
        "inactiveTime": time_or_null(integer(token, "inactiveMs")),
        "inactiveType": member(token, "inactiveType"),
    }))
}

pub fn token_query(context: &RequestContext<'_>, tx: &mut Tx<'_>, param: &Value) -> HandlerResult {
    let user = text(param, "userId");
    let tokens: Vec<Value> = tx
        .records("dd_token")?
        .into_iter()
        .filter(|token| text(token, "gw") == context.gateway.id() && text(token, "userId") == user)
        .filter(|token| {
            optional_text(param, "payToken")
                .is_none_or(|pay_token| text(token, "payToken") == pay_token)
        })
        .map(|token| token_view(&token))
        .collect();
    Ok(json!({ "userId": user, "tokenList": tokens }))
}

pub fn token_cancel(context: &RequestContext<'_>, tx: &mut Tx<'_>, param: &Value) -> HandlerResult {
    let token_key = key(context.gateway, text(param, "payToken"));
    let Some(mut token) = tx
        .get("dd_token", &token_key)?
        .filter(|stored| text(stored, "userId") == text(param, "userId"))
    else {
        return Err(context.fail(21006, "no such token for this user"));
    };
    if text(&token, "tokenStatus") != "ACTIVED" {
        return Err(context.fail(21025, "the token is inactive already"));
    }
    set(
        &mut token,
        json!({
            "tokenStatus": "INACTIVED", "inactiveMs": context.now, "inactiveType": "MCH_CANCEL",
        }),
    );
    tx.put("dd_token", &token_key, token.clone());
    authorization_notification(
        tx,
        context.shared,
        context.gateway,
        &token,
        "token.cancel.success",
        context.bad_signature,
    )?;
    Ok(compact(json!({
        "userId": token["userId"],
        "payToken": token["payToken"],
        "tokenStatus": "INACTIVED",
        "inactiveTime": bangkok_time(context.now),
        "inactiveType": "MCH_CANCEL",
    })))
}

fn authorization_notification(
    tx: &mut Tx<'_>,
    shared: &Shared,
    gateway: Gateway,
    token_or_authorization: &Value,
    event: &str,
    bad_signature: bool,
) -> Result<(), StoreError> {
    let authorization = tx.get(
        "dd_auth",
        &key(gateway, text(token_or_authorization, "requestId")),
    )?;
    let Some(authorization) = authorization else {
        return Ok(());
    };
    let payload = compact(json!({
        "eventName": event,
        "userId": authorization["userId"],
        "requestId": authorization["requestId"],
        "channelCode": authorization["channelCode"],
        "paytoken": member(token_or_authorization, "payToken"),
        "tokenStatus": member(token_or_authorization, "tokenStatus"),
        "expiresTime": time_or_null(integer(token_or_authorization, "expiresMs")),
        "inactiveTime": time_or_null(integer(token_or_authorization, "inactiveMs")),
        "inactiveType": member(token_or_authorization, "inactiveType"),
    }));
    enqueue(
        tx,
        shared,
        gateway,
        event,
        text(&authorization, "notifyUrl"),
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
    let authorization_key = key(gateway, request_id);
    let Some(mut authorization) = tx.get("dd_auth", &authorization_key)? else {
        return Err(HandlerError::admin(
            404,
            format!("no authorization request {request_id}"),
        ));
    };
    if text(&authorization, "status") != "PENDING" {
        return Err(HandlerError::admin(409, "authorization is decided already"));
    }
    let now = shared.now_ms();
    if !approve {
        set(&mut authorization, json!({ "status": "FAILED" }));
        tx.put("dd_auth", &authorization_key, authorization.clone());
        authorization_notification(
            tx,
            shared,
            gateway,
            &authorization,
            "token.create.failed",
            false,
        )?;
        return Ok(authorization);
    }
    let number = next_number(tx, "token")?;
    let token = format!("TK{}{number:08}", random_token(8).to_uppercase());
    let record = json!({
        "gw": gateway.id(), "userId": authorization["userId"], "requestId": request_id,
        "payToken": token, "channelCode": authorization["channelCode"], "tokenStatus": "ACTIVED",
        "expiresMs": plus_seconds(now, 10 * 365 * 24 * 3600), "createMs": now,
    });
    tx.put("dd_token", &key(gateway, &token), record.clone());
    set(
        &mut authorization,
        json!({ "status": "AUTHORIZED", "payToken": token }),
    );
    tx.put("dd_auth", &authorization_key, authorization);
    authorization_notification(tx, shared, gateway, &record, "token.create.success", false)?;
    Ok(token_view(&record))
}
