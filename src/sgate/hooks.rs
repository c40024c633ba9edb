//! The hooks around the generated client.
//!
//! `pre` checks the request against the spec (body schema, query parameters, `x-rules`) while
//! it is still plain, encrypts its `x-sensitive` members, and signs the exact path, query and
//! body that will be sent. `exec` sends it, verifies the answer's signature **before** reading
//! anything in it, decrypts the members `sensitiveFields` names, and marks answers that cannot
//! become data (business failure, unsigned, forged, undecryptable) with a synthetic status and
//! a [`Verdict`], body intact, so the generated code reports them as unexpected and the call
//! path turns them into typed errors.

use bytes::Bytes;
use serde_json::{Map, Value};

use super::crypto::{decrypt_field, encrypt_field};
use super::signing::{
    read_signature, ResponseSignature, SgateContext, SignatureError, API_VERSION, HEADER_API_KEY,
    HEADER_API_VERSION, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP, USER_AGENT,
};
use crate::keys::PrivateKey;
use crate::spec::{Operation, Spec};

/// Status given to a rebuilt answer that must not be parsed as data.
pub(crate) const VERDICT_STATUS: http::StatusCode = http::StatusCode::UNPROCESSABLE_ENTITY;

/// Why a rebuilt answer carries [`VERDICT_STATUS`].
#[derive(Debug, Clone)]
pub(crate) enum Verdict {
    /// Verified, but `code` is not 200.
    Rejected,
    /// `V-Signature` was empty: SGATE could not authenticate the merchant.
    Unauthenticated { status: http::StatusCode },
    /// The signature is missing or wrong; the body was not read.
    BadSignature {
        status: http::StatusCode,
        reason: SignatureError,
    },
    /// A sensitive member could not be decrypted.
    Undecryptable { field: String, reason: String },
}

/// The path and query of a URL exactly as they go on the wire (what `url` signs).
pub(crate) fn path_and_query(url: &reqwest::Url) -> String {
    match url.query() {
        Some(query) => format!("{}?{}", url.path(), query),
        None => url.path().to_string(),
    }
}

/// Adds the five signing headers and the User-Agent.
pub(crate) fn apply_signature(
    ctx: &SgateContext,
    request: &mut reqwest::Request,
    body: &str,
) -> Result<(), String> {
    let url = path_and_query(request.url());
    let method = request.method().as_str().to_string();
    let signed = ctx.sign_request(&method, &url, body);
    let headers = request.headers_mut();
    let mut set = |name: &'static str, value: &str| -> Result<(), String> {
        let value = http::HeaderValue::from_str(value)
            .map_err(|_| format!("{name} is not a valid header value"))?;
        headers.insert(name, value);
        Ok(())
    };
    set(HEADER_API_KEY, ctx.api_key.expose())?;
    set(HEADER_API_VERSION, API_VERSION)?;
    set(HEADER_TIMESTAMP, &signed.timestamp.to_string())?;
    set(HEADER_NONCE, &signed.nonce)?;
    set(HEADER_SIGNATURE, &signed.signature)?;
    if !headers.contains_key(http::header::USER_AGENT) {
        headers.insert(
            http::header::USER_AGENT,
            http::HeaderValue::from_static(USER_AGENT),
        );
    }
    Ok(())
}

/// Whether a property or parameter is carried encrypted.
fn is_sensitive(schema: &Value) -> bool {
    schema.get("x-sensitive").and_then(Value::as_bool) == Some(true)
}

/// Names of the query parameters of an operation marked `x-sensitive`.
fn sensitive_parameters(spec: &Spec, op: &Operation) -> Vec<String> {
    spec.operation(op.method, op.path)
        .and_then(|o| o.get("parameters"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|p| is_sensitive(p) || p.get("schema").is_some_and(is_sensitive))
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_string))
        .collect()
}

/// The `pre` hook: validate, encrypt, sign.
pub(crate) async fn prepare<E>(
    ctx: &SgateContext,
    request: &mut reqwest::Request,
    info: &progenitor_client::OperationInfo,
) -> Result<(), progenitor_client::Error<E>> {
    use progenitor_client::Error as P;
    // progenitor adds the spec's version as a header; SGATE has its own V-Api-Version.
    request.headers_mut().remove("api-version");
    let spec = super::spec();
    let op = super::operations()
        .iter()
        .find(|op| op.id == info.operation_id)
        .ok_or_else(|| P::Custom(format!("unknown operation {}", info.operation_id)))?;

    let pairs: Vec<(String, String)> = request
        .url()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if op.method == "GET" || !pairs.is_empty() {
        spec.validate_query(op.method, op.path, &pairs)
            .map_err(|e| P::InvalidRequest(e.to_string()))?;
    }
    let sensitive = sensitive_parameters(spec, op);
    if pairs.iter().any(|(k, _)| sensitive.contains(k)) {
        let mut encrypted = Vec::with_capacity(pairs.len());
        for (name, value) in pairs {
            let value = if sensitive.contains(&name) {
                encrypt_field(&ctx.system_key, &value)
                    .map_err(|e| P::Custom(format!("cannot encrypt {name}: {e}")))?
            } else {
                value
            };
            encrypted.push((name, value));
        }
        request
            .url_mut()
            .query_pairs_mut()
            .clear()
            .extend_pairs(encrypted);
    }

    let body = match (
        op.body_schema,
        request.body().and_then(reqwest::Body::as_bytes),
    ) {
        (Some(schema), Some(bytes)) => {
            let mut value: Value = serde_json::from_slice(bytes)
                .map_err(|e| P::Custom(format!("request body is not JSON: {e}")))?;
            spec.validate(schema, &value)
                .map_err(|e| P::InvalidRequest(e.to_string()))?;
            encrypt_members(ctx, spec, schema, &mut value).map_err(P::Custom)?;
            let text = serde_json::to_string(&value)
                .map_err(|e| P::Custom(format!("cannot serialise the body: {e}")))?;
            *request.body_mut() = Some(text.clone().into());
            text
        }
        (None, None) => String::new(),
        (Some(_), None) => return Err(P::Custom("request has no JSON body".into())),
        (None, Some(_)) => return Err(P::Custom("unexpected request body".into())),
    };
    apply_signature(ctx, request, &body).map_err(P::Custom)
}

/// Encrypts, in place, the members of a request body whose property is `x-sensitive`.
fn encrypt_members(
    ctx: &SgateContext,
    spec: &Spec,
    schema: &str,
    value: &mut Value,
) -> Result<(), String> {
    let Some(properties) = spec
        .schema(schema)
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
    else {
        return Ok(());
    };
    let Value::Object(object) = value else {
        return Ok(());
    };
    for (name, property) in properties {
        if !is_sensitive(property) {
            continue;
        }
        if let Some(Value::String(plain)) = object.get_mut(name) {
            *plain = encrypt_field(&ctx.system_key, plain)
                .map_err(|e| format!("cannot encrypt {name}: {e}"))?;
        }
    }
    Ok(())
}

/// The `exec` hook: send, then verify and open the answer.
pub(crate) async fn send(
    client: &reqwest::Client,
    ctx: &SgateContext,
    request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    let url = path_and_query(request.url());
    let method = request.method().as_str().to_string();
    let response = execute(client, ctx, request).await?;
    open(ctx, &url, &method, response).await
}

/// Sends a signed request, retrying only a connection that was never established (with the
/// same signed request: it never reached SGATE). The answer is returned unread.
pub(crate) async fn execute(
    client: &reqwest::Client,
    ctx: &SgateContext,
    request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    let mut request = request;
    let mut attempt = 0;
    loop {
        let spare = (attempt < ctx.connect_retries)
            .then(|| request.try_clone())
            .flatten();
        match (client.execute(request).await, spare) {
            (Err(e), Some(spare)) if e.is_connect() => {
                attempt += 1;
                tracing::debug!(attempt, "connection failed before sending; retrying");
                tokio::time::sleep(std::time::Duration::from_millis(100u64 << attempt.min(6)))
                    .await;
                request = spare;
            }
            (result, _) => return result,
        }
    }
}

/// Verifies an answer to `method url` and rebuilds it: decrypted data on success, a
/// [`Verdict`] otherwise.
pub(crate) async fn open(
    ctx: &SgateContext,
    url: &str,
    method: &str,
    response: reqwest::Response,
) -> reqwest::Result<reqwest::Response> {
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let body: Bytes = response.bytes().await?;
    let rebuild = |body: Bytes, verdict: Option<Verdict>| {
        let mut rebuilt = http::Response::new(body);
        *rebuilt.version_mut() = version;
        *rebuilt.headers_mut() = headers.clone();
        *rebuilt.status_mut() = status;
        if let Some(verdict) = verdict {
            *rebuilt.status_mut() = VERDICT_STATUS;
            rebuilt.extensions_mut().insert(verdict);
        }
        Ok(reqwest::Response::from(rebuilt))
    };
    match check_signature(ctx, url, method, status, &headers, &body) {
        Ok(true) => {}
        // An unsigned platform fault (HTTP 5xx without V-* headers): reported as HTTP, unread.
        Ok(false) => return rebuild(body, None),
        Err(verdict) => return rebuild(body, Some(verdict)),
    }
    if status != http::StatusCode::OK {
        return rebuild(body, None);
    }
    let Ok(mut envelope) = serde_json::from_slice::<Map<String, Value>>(&body) else {
        // Not the documented JSON; the generated code reports it with the raw bytes.
        return rebuild(body, None);
    };
    if code_of(&envelope) != Some(200) {
        return rebuild(body, Some(Verdict::Rejected));
    }
    match decrypt_sensitive(ctx, &mut envelope) {
        Ok(false) => rebuild(body, None),
        Ok(true) => match serde_json::to_vec(&envelope) {
            Ok(decrypted) => rebuild(decrypted.into(), None),
            Err(e) => rebuild(
                body,
                Some(Verdict::Undecryptable {
                    field: "data".into(),
                    reason: e.to_string(),
                }),
            ),
        },
        Err((field, reason)) => rebuild(body, Some(Verdict::Undecryptable { field, reason })),
    }
}

/// `Ok(true)`: verified. `Ok(false)`: an error status with no signature at all (nothing will be
/// parsed). `Err`: unauthenticated or bad signature.
pub(crate) fn check_signature(
    ctx: &SgateContext,
    url: &str,
    method: &str,
    status: http::StatusCode,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Result<bool, Verdict> {
    if !status.is_success() && !headers.contains_key(HEADER_SIGNATURE) {
        return Ok(false);
    }
    let bad = |reason| Verdict::BadSignature { status, reason };
    match read_signature(headers).map_err(bad)? {
        ResponseSignature::Empty => Err(Verdict::Unauthenticated { status }),
        ResponseSignature::Present {
            timestamp,
            nonce,
            signature,
        } => {
            let body = std::str::from_utf8(body).map_err(|_| bad(SignatureError::Mismatch))?;
            ctx.verify(timestamp, nonce, signature, url, method, body)
                .map_err(bad)?;
            Ok(true)
        }
    }
}

/// The envelope's `code`, as an integer (SGATE sends a number; a digit string is accepted).
pub(crate) fn code_of(envelope: &Map<String, Value>) -> Option<i64> {
    match envelope.get("code")? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Decrypts the members of `data` that `sensitiveFields` names. Both documented shapes: an
/// array of member names (applied to `data`, or to each element when `data` is an array) and
/// an object keyed by nested member (`{"custominfo": [...]}`), nested to any depth. Returns
/// whether anything was decrypted; an error names the member.
pub(crate) fn decrypt_sensitive(
    ctx: &SgateContext,
    envelope: &mut Map<String, Value>,
) -> Result<bool, (String, String)> {
    let Some(plan) = envelope.get("sensitiveFields").cloned() else {
        return Ok(false);
    };
    let Some(data) = envelope.get_mut("data") else {
        return Ok(false);
    };
    let mut changed = false;
    decrypt_by_plan(&ctx.merchant_key, &plan, data, "data", &mut changed)?;
    Ok(changed)
}

/// Applies a `sensitiveFields`-shaped plan to a value: an array of member names to decrypt, or
/// an object whose members are nested plans (or `true`: decrypt this member). A plan applies to
/// each element of an array.
pub(crate) fn decrypt_by_plan(
    key: &PrivateKey,
    plan: &Value,
    target: &mut Value,
    path: &str,
    changed: &mut bool,
) -> Result<(), (String, String)> {
    let join = |name: &str| {
        if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    match target {
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                decrypt_by_plan(key, plan, item, &format!("{path}[{i}]"), changed)?;
            }
            Ok(())
        }
        Value::Object(object) => match plan {
            Value::Array(names) => {
                for name in names.iter().filter_map(Value::as_str) {
                    if let Some(member) = object.get_mut(name) {
                        decrypt_member(key, member, &join(name), changed)?;
                    }
                }
                Ok(())
            }
            Value::Object(members) => {
                for (name, inner) in members {
                    let Some(member) = object.get_mut(name) else {
                        continue;
                    };
                    if inner == &Value::Bool(true) {
                        decrypt_member(key, member, &join(name), changed)?;
                    } else {
                        decrypt_by_plan(key, inner, member, &join(name), changed)?;
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

/// Decrypts one member in place; `""` (SGATE's "none") and non-strings are left alone.
fn decrypt_member(
    key: &PrivateKey,
    member: &mut Value,
    path: &str,
    changed: &mut bool,
) -> Result<(), (String, String)> {
    if let Value::String(text) = member {
        if !text.is_empty() {
            let plain = decrypt_field(key, text).map_err(|e| (path.to_string(), e.to_string()))?;
            *text = plain.into_inner();
            *changed = true;
        }
    }
    Ok(())
}

/// Replaces every member that paybind decrypts by `"<redacted>"` (bodies kept in errors).
/// A body that is not JSON is returned as it is: nothing in it was decrypted.
pub(crate) fn redact(body: &[u8]) -> Bytes {
    const MEMBERS: &[&str] = &["identity", "identitypic", "signpic", "stcaccount", "cardno"];
    fn walk(value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (k, v) in map.iter_mut() {
                    if MEMBERS.contains(&k.as_str()) && v.is_string() {
                        *v = Value::String("<redacted>".into());
                    } else {
                        walk(v);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(mut value) => {
            walk(&mut value);
            serde_json::to_vec(&value).unwrap_or_default().into()
        }
        // Only parsed JSON is ever decrypted, so an unparseable body holds no plaintext.
        Err(_) => Bytes::copy_from_slice(body),
    }
}

impl progenitor_client::ClientHooks<SgateContext> for super::generated::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &progenitor_client::OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        prepare(progenitor_client::ClientInfo::inner(self), request, info).await
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &progenitor_client::OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        send(
            progenitor_client::ClientInfo::client(self),
            progenitor_client::ClientInfo::inner(self),
            request,
        )
        .await
    }
}
