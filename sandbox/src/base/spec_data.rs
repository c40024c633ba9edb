//! Answers made from a spec: the documented example of an operation. (Every operation has its
//! behaviour, matched exhaustively in `sandbox::bluepay` and `sandbox::sgate`; there is no
//! answer made up for an operation nobody wrote.)

use serde_json::Value;

/// The `data` of the documented example answer of `method path`, when it has one.
pub fn documented_data(spec: &paybind::spec::Spec, method: &str, path: &str) -> Option<Value> {
    let content = spec
        .operation(method, path)?
        .pointer("/responses/200/content/application~1json")?;
    let example = content
        .get("example")
        .or_else(|| content.pointer("/examples/docs/value"))?;
    example.get("data").filter(|data| !data.is_null()).cloned()
}
