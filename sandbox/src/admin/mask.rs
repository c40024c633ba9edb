//! Members a gateway's spec marks `x-sensitive` (ID numbers, card, account and STCPay numbers,
//! photo URLs, a payee's name, tax id or mobile; Payin's card number and security code) are
//! shown by the admin API only as a mask: the sandbox keeps them in plain text (Payin's not at
//! all), and neither the admin API nor the page may hand them out. The request log of an
//! envelope gateway (BluePay, JT: the members travel in plain text inside the signed param) is
//! masked the same way in `GET /admin/requests`; in-process, `Sandbox::requests()` keeps the
//! exact wire record.

use paybind::gateways::Gateway;
use serde_json::Value;

use crate::base::log::LoggedRequest;

/// What a sensitive member is replaced with.
pub const MASK: &str = "•••• (sensitive)";

/// Shown in place of a text that holds a sensitive value the mask could not find exactly.
const HIDDEN_TEXT: &str = "(hidden: holds a sensitive member)";

/// Replaces, at any depth, every non-empty string member whose name an SGATE spec (payout or
/// Payin) marks `x-sensitive` (the generated `SENSITIVE_MEMBERS` of both).
pub fn mask_sensitive(value: &mut Value) {
    mask_gateway(Gateway::Sgate, value);
    mask_gateway(Gateway::SgatePayin, value);
}

/// Replaces, at any depth, every non-empty string member whose name `gateway`'s spec marks
/// `x-sensitive`.
pub fn mask_gateway(gateway: Gateway, value: &mut Value) {
    mask_members(value, gateway.sensitive_members(), &mut Vec::new());
}

/// Replaces, at any depth, every non-empty string member whose name any gateway's spec marks
/// `x-sensitive`: for an answer that may hold any gateway's records.
pub fn mask_every_gateway(value: &mut Value) {
    for &gateway in Gateway::ALL {
        mask_gateway(gateway, value);
    }
}

/// Replaces, at any depth, every non-empty string member named in `names`, collecting the
/// values replaced.
fn mask_members(value: &mut Value, names: &[&str], masked: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (name, member) in map.iter_mut() {
                match member {
                    Value::String(text) if names.contains(&name.as_str()) && !text.is_empty() => {
                        masked.push(std::mem::replace(text, MASK.to_string()));
                    }
                    other => mask_members(other, names, masked),
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| mask_members(item, names, masked)),
        _ => {}
    }
}

/// A logged request as the admin API shows it: for an envelope gateway, the sensitive members
/// of its param masked in the parsed param, in the param text and in the body. A text in which
/// a masked value is still found (written with escapes the mask does not match) is hidden
/// whole. SGATE's log holds those members as sent, encrypted, and is shown as it is.
pub fn mask_logged(mut request: LoggedRequest) -> LoggedRequest {
    if request.gateway == Gateway::Sgate {
        return request;
    }
    let names = request.gateway.sensitive_members();
    if !request.param.is_object() {
        // A param too long to be parsed: a text naming a sensitive member is hidden whole.
        let names_one = |text: &str| names.iter().any(|name| text.contains(*name));
        if names_one(&request.body) {
            request.body = HIDDEN_TEXT.to_string();
        }
        if request.param_text.as_deref().is_some_and(names_one) {
            request.param_text = Some(HIDDEN_TEXT.to_string());
        }
        return request;
    }
    let mut masked = Vec::new();
    mask_members(&mut request.param, names, &mut masked);
    if masked.is_empty() {
        return request;
    }
    request.param_text = request
        .param_text
        .map(|text| mask_text(&text, &masked, Nesting::Param));
    request.body = mask_text(&request.body, &masked, Nesting::Envelope);
    request
}

/// Where the param's JSON is in a text: as it is, or as the JSON string `param` of the envelope.
#[derive(Clone, Copy)]
enum Nesting {
    Param,
    Envelope,
}

/// `value` as it is written in a text at `nesting`.
fn written(value: &str, nesting: Nesting) -> String {
    let quoted = Value::String(value.to_string()).to_string();
    match nesting {
        Nesting::Param => quoted,
        Nesting::Envelope => {
            let twice = Value::String(quoted).to_string();
            twice[1..twice.len() - 1].to_string()
        }
    }
}

fn mask_text(text: &str, masked: &[String], nesting: Nesting) -> String {
    let mut out = text.to_string();
    for value in masked {
        out = out.replace(&written(value, nesting), &written(MASK, nesting));
    }
    if masked.iter().any(|value| out.contains(value.as_str())) {
        return HIDDEN_TEXT.to_string();
    }
    out
}
