//! `xtask spec-diff` on real revisions of this repository's `openapi/` history (skipped, with a
//! message, outside a git checkout or in a clone without those commits, such as a shallow one;
//! a failure under CI), and on hand-made changes for the rules the history does not exercise.

use std::process::Command;

use serde_json::{json, Value};
use xtask::spec_diff::classify::{changes, Change, Impact};
use xtask::spec_diff::{self, SpecChanges};
use xtask::workspace_root;

/// `spec-diff <rev>^ <rev>` as printed, or `None` (with a message) when the commit is not here.
fn report_of(rev: &str) -> Option<String> {
    let root = workspace_root();
    let known = Command::new("git")
        .arg("-C")
        .arg(&root)
        .args(["cat-file", "-e", &format!("{rev}^^{{commit}}")])
        .status()
        .is_ok_and(|s| s.success());
    if !known && xtask::in_ci() {
        panic!(
            "CI needs the git history: {rev} and its parent are not in {} (a shallow clone?)",
            root.display()
        );
    }
    if !known {
        eprintln!(
            "SKIPPED: {rev} and its parent are not in a git checkout at {}",
            root.display()
        );
        return None;
    }
    let parent = format!("{rev}^");
    let specs =
        spec_diff::between_revisions(&root, &parent, Some(rev), &root.join("openapi")).unwrap();
    Some(spec_diff::report(&format!("spec-diff {parent} {rev}"), &specs, "0.1.0").unwrap())
}

/// BluePay gains the notification acknowledgement body: additions only, a patch release.
#[test]
fn history_9dc1ce6_notification_ack_is_an_addition() {
    let Some(report) = report_of("9dc1ce6") else {
        return;
    };
    assert!(report.contains("0.1.0 -> 0.1.1 (addition change)"));
    insta::assert_snapshot!(report);
}

/// customer_create starts requiring bankcode, cardno and ibanaccount together: requests that
/// passed are refused, a breaking change (minor release while the major version is 0).
#[test]
fn history_05facbd_new_request_rule_is_breaking() {
    let Some(report) = report_of("05facbd") else {
        return;
    };
    assert!(report.contains("0.1.0 -> 0.2.0 (breaking change)"));
    insta::assert_snapshot!(report);
}

/// Recorded decisions only: documentation, a patch release.
#[test]
fn history_6b3d0e3_decisions_are_docs() {
    let Some(report) = report_of("6b3d0e3") else {
        return;
    };
    assert!(report.contains("0.1.0 -> 0.1.1 (docs change)"));
    insta::assert_snapshot!(report);
}

/// An unused common component dropped (not part of any bundle) and SGATE's callback envelope
/// exposed from info.
#[test]
fn history_6c6f7e5_callback_envelope() {
    let Some(report) = report_of("6c6f7e5") else {
        return;
    };
    insta::assert_snapshot!(report);
}

/// A small spec and a changed copy: one change of each rule.
fn small_spec() -> Value {
    json!({
        "paths": {
            "/pay": { "post": {
                "operationId": "pay",
                "requestBody": { "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/PayParam" } } } },
                "responses": { "200": { "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/Order" } } } } }
            } },
            "/list": { "get": {
                "operationId": "list",
                "parameters": [{ "name": "page", "in": "query", "schema": { "type": "integer", "maximum": 1000 } }],
                "responses": { "200": { "description": "ok" } }
            } }
        },
        "components": { "schemas": {
            "PayParam": { "type": "object", "required": ["amount"], "properties": {
                "amount": { "type": "number" },
                "currency": { "type": "string", "enum": ["SAR", "KWD"] },
                "note": { "type": "string", "maxLength": 64 }
            } },
            "Order": { "type": "object", "required": ["id"], "properties": {
                "id": { "type": "string" },
                "status": { "$ref": "#/components/schemas/Status" },
                "fee": { "type": "number" }
            } },
            "Status": { "type": "string", "enum": ["paid", "failed"] }
        } }
    })
}

fn find<'a>(list: &'a [Change], at: &str, what: &str) -> &'a Change {
    list.iter()
        .find(|c| c.at == at && c.what.contains(what))
        .unwrap_or_else(|| panic!("no {at}: {what} in {list:#?}"))
}

#[test]
fn each_rule_on_a_small_spec() {
    let old = small_spec();
    let mut new = small_spec();
    let schemas = &mut new["components"]["schemas"];
    schemas["PayParam"]["required"] = json!(["amount", "currency"]);
    schemas["PayParam"]["properties"]["currency"]["enum"] = json!(["SAR"]);
    schemas["PayParam"]["properties"]["note"]["maxLength"] = json!(128);
    schemas["PayParam"]["properties"]["memo"] = json!({ "type": "string" });
    schemas["Order"]["properties"]
        .as_object_mut()
        .unwrap()
        .remove("fee");
    schemas["Order"]["properties"]["address"] = json!({ "type": "string" });
    schemas["Status"]["enum"] = json!(["paid", "failed", "refunded"]);
    new["paths"]["/list"]["get"]["parameters"][0]["schema"]["maximum"] = json!(100);
    new["paths"]["/list"]["get"]["parameters"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "name": "size", "in": "query", "schema": { "type": "integer" } }));
    new["paths"].as_object_mut().unwrap().remove("/pay");
    new["paths"]["/refund"] = json!({ "post": { "operationId": "refund", "responses": {} } });

    let list = changes(&old, &new);
    let check = |at: &str, what: &str, for_crate: Impact, for_schema: Impact| {
        let c = find(&list, at, what);
        assert_eq!(
            (c.for_crate, c.for_schema),
            (for_crate, for_schema),
            "{c:?}"
        );
    };
    use Impact::*;
    check("operation pay", "operation removed", Breaking, Breaking);
    check("operation refund", "operation added", Addition, Addition);
    check(
        "schema PayParam.currency",
        "now required",
        Breaking,
        Breaking,
    );
    check(
        "schema PayParam.currency",
        "values removed: \"KWD\"",
        Breaking,
        Breaking,
    );
    check("schema PayParam.note", "maxLength 128 (was 64)", Docs, Docs);
    check(
        "schema PayParam.memo",
        "optional member added",
        Breaking,
        Addition,
    );
    check("schema Order", "member fee removed", Breaking, Breaking);
    check(
        "schema Order.address",
        "optional member added",
        Breaking,
        Addition,
    );
    check(
        "schema Status",
        "values added: \"refunded\"",
        Breaking,
        Breaking,
    );
    check(
        "operation list parameter page",
        "maximum 100 (was 1000)",
        Breaking,
        Breaking,
    );
    check(
        "operation list parameter size",
        "optional parameter added",
        Addition,
        Addition,
    );

    let specs = [SpecChanges {
        file: "small.yaml".into(),
        changes: list.clone(),
    }];
    assert_eq!(spec_diff::heaviest(&specs), Some(Breaking));
    let draft = spec_diff::changelog("0.2.0", &specs);
    assert!(draft.starts_with("## [0.2.0] - unreleased\n\n### Breaking\n"));
    assert!(draft.contains("- small: operation refund: operation added (POST /refund) (crate: addition, schema/: addition)"));
}

/// A response enum marked open (x-open-enum) takes new values without breaking schema users.
#[test]
fn open_enums_take_new_values() {
    let old = small_spec();
    let mut new = small_spec();
    new["components"]["schemas"]["Status"]["x-open-enum"] = json!(true);
    new["components"]["schemas"]["Status"]["enum"] = json!(["paid", "failed", "refunded"]);
    let list = changes(&old, &new);
    let c = find(&list, "schema Status", "values added");
    assert_eq!(
        (c.for_crate, c.for_schema),
        (Impact::Breaking, Impact::Addition)
    );
}

/// Nothing changed, nothing to release.
#[test]
fn identical_specs_have_no_changes() {
    let spec = small_spec();
    assert!(changes(&spec, &spec).is_empty());
    let specs = [SpecChanges {
        file: "small.yaml".into(),
        changes: Vec::new(),
    }];
    let report = spec_diff::report("t", &specs, "0.1.0").unwrap();
    assert!(report.contains("No change: no version bump"));
}

/// The repeat marks are behaviour (`is_retryable()`, a merchant's own retries), never prose:
/// becoming safe to repeat is an addition, losing it or changing the key is breaking.
#[test]
fn repeat_safety_changes_are_not_docs() {
    let old = small_spec();
    let mut new = small_spec();
    new["paths"]["/pay"]["post"]["x-idempotency-key"] = json!("mchOrderId");
    new["paths"]["/pay"]["post"]["x-idempotency-fact"] = json!("the docs say so");
    new["paths"]["/list"]["get"]["x-read-only"] = json!(true);
    let gained = changes(&old, &new);
    let pay = find(&gained, "operation pay", "repeat safety");
    assert_eq!(
        pay.what,
        "repeat safety: a repeat refused by its mchOrderId (was a repeat may act twice)"
    );
    assert_eq!(
        (pay.for_crate, pay.for_schema),
        (Impact::Addition, Impact::Addition)
    );
    let list = find(&gained, "operation list", "repeat safety: read-only");
    assert_eq!(list.for_crate, Impact::Addition);
    assert!(
        gained.iter().all(|c| c.for_crate != Impact::Docs),
        "{gained:#?}"
    );

    let lost = changes(&new, &old);
    for at in ["operation pay", "operation list"] {
        let c = find(&lost, at, "(was ");
        assert!(
            c.what.ends_with("now") || c.what.contains("a repeat may act twice (was"),
            "{c:?}"
        );
        assert_eq!(
            (c.for_crate, c.for_schema),
            (Impact::Breaking, Impact::Breaking),
            "{c:?}"
        );
    }
    let mut rekeyed = new.clone();
    rekeyed["paths"]["/pay"]["post"]["x-idempotency-key"] = json!("requestId");
    let rekeyed = changes(&new, &rekeyed);
    let c = find(&rekeyed, "operation pay", "refused by its requestId");
    assert_eq!(c.for_crate, Impact::Breaking);
}
