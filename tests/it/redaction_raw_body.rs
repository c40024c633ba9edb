//! `RawBody` on its own: the members the spec marks and those the answer's `sensitiveFields`
//! names are redacted at any depth in what it shows, a body without them is shown as received,
//! a body that is not JSON but names one is withheld whole, and the received bytes are kept.

use bytes::Bytes;
use paybind::error::RawBody;

/// What paybind shows of a body that is not JSON but names a sensitive member (its members
/// cannot be found, so none of it is shown).
const WITHHELD: &str = "[redacted: a body that is not JSON and names a sensitive member]";

fn shown(body: &str, sensitive: &[&str]) -> String {
    let raw = RawBody::redacted(Bytes::from(body.to_string()), sensitive);
    assert_eq!(raw.expose(), body.as_bytes(), "the received bytes are kept");
    String::from_utf8(raw.to_vec()).unwrap()
}

#[test]
fn members_the_spec_marks_are_redacted_at_any_depth() {
    let body = r#"{"code":1401,"data":[{"custominfo":{"cardno":"QUJD","identity":""}}]}"#;
    assert_eq!(
        shown(body, &["cardno", "identity"]),
        r#"{"code":1401,"data":[{"custominfo":{"cardno":"[redacted]","identity":""}}]}"#
    );
}

#[test]
fn members_the_answer_names_in_sensitive_fields_are_redacted() {
    // Neither member is marked in the spec given here: the answer's plan alone names them.
    let body = r#"{"data":{"bankacct":"123","custominfo":{"iban":7}},"sensitiveFields":{"custominfo":["iban"],"x":{"bankacct":true}}}"#;
    assert_eq!(
        shown(body, &[]),
        r#"{"data":{"bankacct":"[redacted]","custominfo":{"iban":"[redacted]"}},"sensitiveFields":{"custominfo":["iban"],"x":{"bankacct":true}}}"#
    );
    let body = r#"{"data":{"pin":"1234","name_e":"a"},"sensitiveFields":["pin"]}"#;
    assert_eq!(
        shown(body, &[]),
        r#"{"data":{"pin":"[redacted]","name_e":"a"},"sensitiveFields":["pin"]}"#
    );
}

#[test]
fn a_body_without_sensitive_members_is_shown_as_received() {
    let body = "{ \"code\": 21014,  \"message\": \"Merchant balance insufficient\" }";
    let raw = RawBody::redacted(Bytes::from_static(body.as_bytes()), &["cardno"]);
    assert_eq!(&*raw, body.as_bytes());
    assert!(!raw.is_redacted());
    assert_eq!(shown("<html>", &["cardno"]), "<html>");
}

#[test]
fn a_body_that_is_not_json_but_names_a_sensitive_member_is_withheld() {
    let body = r#"{"code":1401,"data":{"cardno":"5123450000000001""#;
    assert_eq!(shown(body, &["cardno"]), WITHHELD);
    let raw = RawBody::redacted(Bytes::from_static(body.as_bytes()), &["cardno"]);
    assert!(raw.is_redacted());
    assert!(!format!("{raw:?}").contains("5123"));
}
