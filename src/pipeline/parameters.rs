//! The path and header parameters of an operation (SGATE Payin's `{ORDER_ID}` and its payer
//! headers): given by the caller or, for a path parameter the configuration holds (the merchant
//! ID), by the wire; checked against the spec's parameters before anything is signed or sent,
//! then written into the URL and the request's headers.

use super::wire::Wire;
use crate::spec::{Operation, ValidationError};

/// The path and header values of one call.
#[derive(Debug, Default, Clone)]
pub(crate) struct Parameters {
    path: Vec<(&'static str, String)>,
    headers: Vec<(&'static str, String)>,
}

// Only SGATE Payin's operations have path or header parameters.
#[cfg_attr(not(feature = "sgate-payin"), allow(dead_code))]
impl Parameters {
    /// Sets path parameter `name` (`ORDER_ID`).
    pub(crate) fn path(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.path.push((name, value.into()));
        self
    }

    /// Sets header parameter `name` (`x-auth-uuid`).
    pub(crate) fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

/// The request of `op` below the base URL: its path with each `{NAME}` replaced by its value
/// (the caller's, else the wire's), every value checked against its parameter's schema first.
pub(crate) fn filled_path<W: Wire>(
    wire: &W,
    op: &Operation,
    parameters: &Parameters,
) -> Result<String, ValidationError> {
    let mut pairs: Vec<(String, String)> = parameters
        .path
        .iter()
        .map(|(name, value)| (name.to_string(), value.clone()))
        .collect();
    for name in op.path_parameters {
        if !pairs.iter().any(|(given, _)| given == name) {
            if let Some(value) = wire.path_value(name) {
                pairs.push((name.to_string(), value.to_string()));
            }
        }
    }
    if !op.path_parameters.is_empty() || !pairs.is_empty() {
        let spec = wire.gateway().spec();
        spec.validate_parameters(op.method, op.path, "path", &pairs)?;
    }
    let mut path = op.path.to_string();
    for (name, value) in &pairs {
        // A URL parser reads these as "this segment" and "the one above", whatever the spec's
        // pattern allows: the request would go to another path than the one signed.
        if matches!(value.as_str(), "" | "." | "..") {
            return Err(ValidationError::new(name, "is not a path segment"));
        }
        path = path.replace(&format!("{{{name}}}"), &encode_segment(value));
    }
    Ok(path)
}

/// The header parameters of `op`, checked against their schemas, as header values.
pub(crate) fn checked_headers<W: Wire>(
    wire: &W,
    op: &Operation,
    parameters: &Parameters,
) -> Result<Vec<(http::HeaderName, http::HeaderValue)>, ValidationError> {
    if op.headers.is_empty() && parameters.headers.is_empty() {
        return Ok(Vec::new());
    }
    let pairs: Vec<(String, String)> = parameters
        .headers
        .iter()
        .map(|(name, value)| (name.to_string(), value.clone()))
        .collect();
    let spec = wire.gateway().spec();
    spec.validate_parameters(op.method, op.path, "header", &pairs)?;
    let mut out = Vec::with_capacity(pairs.len());
    for (name, value) in parameters.headers.iter() {
        let header = http::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| ValidationError::new(*name, "is not a valid HTTP header name"))?;
        let value = http::HeaderValue::from_str(value)
            .map_err(|_| ValidationError::new(*name, "is not a valid HTTP header value"))?;
        out.push((header, value));
    }
    Ok(out)
}

/// A path segment's value with every byte but ASCII letters, digits and `-_.~` as `%XX`: a
/// value can never add a segment, a query or a fragment (the spec's patterns already refuse
/// such values; this holds whatever a spec says).
fn encode_segment(value: &str) -> String {
    crate::percent::percent_encode(value, b"-_.~")
}
