//! The outbox: every state change that the gateways document a notification for queues one
//! here — the envelope gateways' `{param, sign}` signed now with the gateway key, SGATE's
//! callback body (sensitive members encrypted by the caller) signed when it is sent, SGATE
//! Payin's unsigned `GET` (its URL carries the query; the payload records the parameters). The
//! record keeps every delivery attempt (`GET /admin/notifications`).

use serde_json::{json, Value};

use crate::base::faults::corrupt;
use crate::base::gateway::Gateway;
use crate::base::ids::next_number;
use crate::base::shared::Shared;
use crate::base::store::{StoreError, Tx};

/// Queues a notification. `payload` is the param (envelope gateways), the callback JSON
/// (SGATE, sensitive members already encrypted) or the callback's query parameters (SGATE
/// Payin, whose `url` has them already). `bad_signature` signs it wrongly on purpose
/// (fault injection).
pub fn enqueue(
    tx: &mut Tx<'_>,
    shared: &Shared,
    gateway: Gateway,
    event: &str,
    url: &str,
    payload: &Value,
    bad_signature: bool,
) -> Result<String, StoreError> {
    let number = next_number(tx, "notification")?;
    let id = format!("N{number:08}");
    let text = payload.to_string();
    let body = match gateway {
        Gateway::Sgate => text.clone(),
        // A GET has no body.
        Gateway::SgatePayin => String::new(),
        Gateway::BluePay | Gateway::BluePayJt => {
            let mut sign = shared.envelope_signer.sign_base64(text.as_bytes());
            if bad_signature {
                sign = corrupt(&sign);
            }
            json!({ "param": text, "sign": sign }).to_string()
        }
    };
    let now = shared.now_ms();
    tx.put(
        "notification",
        &id,
        json!({
            "id": id,
            "gateway": gateway,
            "event": event,
            "url": url,
            "payload": payload,
            "body": body,
            "bad_signature": bad_signature,
            "status": "pending",
            "attempts": [],
            "created_ms": now,
            "next_attempt_ms": now,
        }),
    );
    tx.put("outbox", &id, json!({ "due_ms": now }));
    Ok(id)
}
