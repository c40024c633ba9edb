//! Admin calls about the simulated world as a whole: the request log, notifications and their
//! attempts, faults, outcome rules, the clock and settings.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde_json::{json, Value};

use super::reply::{body_json, done, refuse, success, typed_body, typed_value, Reply};
use crate::base::admin_api::{ClockAdvance, ClockState, Settings};
use crate::base::clock::{bangkok_time, riyadh_time};
use crate::base::faults::{self, Fault};
use crate::base::http::HandlerError;
use crate::base::json::{set, text};
use crate::base::rules::{builtin_rules, OutcomeRule};
use crate::base::shared::Shared;
use crate::base::store::StoreError;

type SharedState = State<Arc<Shared>>;

/// List filters.
#[derive(serde::Deserialize)]
pub struct Filter {
    gateway: Option<String>,
    operation: Option<String>,
    status: Option<String>,
}

fn wanted(filter: &Option<String>, value: &str) -> bool {
    filter.as_deref().is_none_or(|required| required == value)
}

/// `GET /admin/requests?gateway=&operation=`: sensitive members masked (see `mask`).
pub async fn requests(State(shared): SharedState, Query(filter): Query<Filter>) -> Reply {
    let list: Vec<Value> = shared
        .requests()
        .into_iter()
        .filter(|request| wanted(&filter.gateway, request.gateway.id()))
        .filter(|request| wanted(&filter.operation, &request.operation))
        .map(super::mask::mask_logged)
        .filter_map(|request| serde_json::to_value(request).ok())
        .collect();
    success(Value::Array(list))
}

/// `GET /admin/notifications?status=&gateway=`.
pub async fn notifications(State(shared): SharedState, Query(filter): Query<Filter>) -> Reply {
    let rows = shared.read(|store| store.list("notification"))?;
    success(Value::Array(
        rows.into_iter()
            .map(|(_, notification)| notification)
            .filter(|notification| wanted(&filter.status, text(notification, "status")))
            .filter(|notification| wanted(&filter.gateway, text(notification, "gateway")))
            .collect(),
    ))
}

/// `GET /admin/notifications/{id}`.
pub async fn notification(State(shared): SharedState, Path(id): Path<String>) -> Reply {
    match shared.read(|store| store.get("notification", &id))? {
        Some(notification) => success(notification),
        None => Err(refuse(
            StatusCode::NOT_FOUND,
            format!("no notification {id}"),
        )),
    }
}

/// `POST /admin/notifications/{id}/retry`: delivered again now.
pub async fn retry(State(shared): SharedState, Path(id): Path<String>) -> Reply {
    let now = shared.now_ms();
    let result = shared.with_tx(|tx| {
        let Some(mut notification) = tx.get("notification", &id)? else {
            return Err(HandlerError::admin(404, format!("no notification {id}")));
        };
        set(
            &mut notification,
            json!({ "status": "pending", "next_attempt_ms": now }),
        );
        tx.put("notification", &id, notification.clone());
        tx.put("outbox", &id, json!({ "due_ms": now }));
        Ok(notification)
    });
    done(&shared, result)
}

/// `GET /admin/faults`.
pub async fn list_faults(State(shared): SharedState) -> Reply {
    let list = shared.with_tx(|tx| faults::list(tx))?;
    success(serde_json::to_value(list).unwrap_or(Value::Null))
}

/// `PUT /admin/faults`: one fault or a list. A member that is not a fault's (a typo) is named.
pub async fn put_fault(State(shared): SharedState, body: Bytes) -> Reply {
    let list: Vec<Fault> = match body_json(&body)? {
        value @ Value::Array(_) => typed_value(value)?,
        other => vec![typed_value(other)?],
    };
    if list.is_empty() {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            "expected a fault object (or a non-empty list) with gateway and operation",
        ));
    }
    if let Some(why) = list.iter().find_map(faults::refusal) {
        return Err(refuse(StatusCode::BAD_REQUEST, why));
    }
    shared.with_tx(|tx| list.iter().try_for_each(|fault| faults::put(tx, fault)))?;
    success(serde_json::to_value(&list).unwrap_or(Value::Null))
}

/// `DELETE /admin/faults`.
pub async fn clear_faults(State(shared): SharedState) -> Reply {
    shared.with_tx(|tx| {
        for (key, _) in tx.list("fault")? {
            tx.delete("fault", &key);
        }
        Ok::<_, StoreError>(())
    })?;
    success(json!([]))
}

/// `DELETE /admin/faults/{gateway}/{operation}`.
pub async fn delete_fault(
    State(shared): SharedState,
    Path((gateway, operation)): Path<(String, String)>,
) -> Reply {
    shared.with_tx(|tx| {
        tx.delete("fault", &format!("{gateway}/{operation}"));
        Ok::<_, StoreError>(())
    })?;
    success(json!({ "deleted": format!("{gateway}/{operation}") }))
}

/// `GET /admin/rules`: the user's rules and the built-in ones.
pub async fn get_rules(State(shared): SharedState) -> Reply {
    let user = shared
        .read(|store| store.get("meta", "rules"))?
        .unwrap_or(json!([]));
    success(json!({ "rules": user, "builtin": builtin_rules() }))
}

/// `PUT /admin/rules`: replaces the user's rules.
pub async fn put_rules(State(shared): SharedState, body: Bytes) -> Reply {
    let rules: Vec<OutcomeRule> = typed_body(&body)?;
    if let Some((index, bad)) = rules
        .iter()
        .enumerate()
        .find(|(_, rule)| !matches!(rule.outcome.as_str(), "completed" | "failed" | "pending"))
    {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            format!(
                "[{index}].outcome: {} is not completed, failed or pending",
                bad.outcome
            ),
        ));
    }
    let value = serde_json::to_value(&rules).unwrap_or(json!([]));
    shared.with_tx(|tx| {
        tx.put("meta", "rules", value.clone());
        Ok::<_, StoreError>(())
    })?;
    success(value)
}

fn clock_state(shared: &Shared) -> ClockState {
    let now = shared.now_ms();
    ClockState {
        now_ms: now,
        offset_ms: shared.clock.offset(),
        bangkok: bangkok_time(now),
        riyadh: riyadh_time(now),
    }
}

/// `GET /admin/clock`.
pub async fn clock(State(shared): SharedState) -> Reply {
    success(serde_json::to_value(clock_state(&shared)).unwrap_or(Value::Null))
}

/// `POST /admin/clock/advance {seconds | ms | days}` (negative: back).
pub async fn advance(State(shared): SharedState, body: Bytes) -> Reply {
    let by: ClockAdvance = typed_body(&body)?;
    let Some(by_ms) = by
        .ms
        .or_else(|| by.seconds.map(|seconds| seconds.saturating_mul(1000)))
        .or_else(|| by.days.map(|days| days.saturating_mul(86_400_000)))
    else {
        return Err(refuse(StatusCode::BAD_REQUEST, "give seconds, ms or days"));
    };
    shared.advance_clock(by_ms)?;
    success(serde_json::to_value(clock_state(&shared)).unwrap_or(Value::Null))
}

/// `GET /admin/settings`.
pub async fn get_settings(State(shared): SharedState) -> Reply {
    success(
        shared
            .read(|store| store.get("meta", "settings"))?
            .unwrap_or(json!({})),
    )
}

/// `PUT /admin/settings`: merges the given settings.
pub async fn put_settings(State(shared): SharedState, body: Bytes) -> Reply {
    let given: Settings = typed_body(&body)?;
    let value = serde_json::to_value(&given).unwrap_or(json!({}));
    let current = shared.with_tx(|tx| {
        let mut current = tx.get("meta", "settings")?.unwrap_or(json!({}));
        set(&mut current, value.clone());
        tx.put("meta", "settings", current.clone());
        Ok::<_, StoreError>(current)
    })?;
    success(current)
}

/// `POST /admin/reset`: the world as it started — every record, notification, request and
/// the clock's offset forgotten, the config file and the fixtures applied again.
pub async fn reset(State(shared): SharedState) -> Reply {
    shared
        .reset()
        .map_err(|why| refuse(StatusCode::INTERNAL_SERVER_ERROR, why))?;
    success(json!({ "reset": true }))
}
