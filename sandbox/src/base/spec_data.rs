//! Answers made from a spec: the documented example of an operation. (Every operation has its
//! behaviour, matched exhaustively in `sandbox::bluepay`, `sandbox::sgate` and
//! `sandbox::sgate_payin`; there is no answer made up for an operation nobody wrote.)

use serde_json::Value;

/// The documented example answer (HTTP 200) of `method path`, whole, when it has one.
pub fn documented_example(spec: &paybind::spec::Spec, method: &str, path: &str) -> Option<Value> {
    let content = spec
        .operation(method, path)?
        .pointer("/responses/200/content/application~1json")?;
    content
        .get("example")
        .or_else(|| content.pointer("/examples/docs/value"))
        .cloned()
}

/// The `data` of the documented example answer of `method path`, when it has one.
pub fn documented_data(spec: &paybind::spec::Spec, method: &str, path: &str) -> Option<Value> {
    documented_example(spec, method, path)?
        .get("data")
        .filter(|data| !data.is_null())
        .cloned()
}
