//! SGATE Payin's callbacks over real loopback HTTP: an unsigned `GET` proves nothing, so
//! paybind believes only the order SGATE's API returns for its `_orderId` (the stand-in API of
//! `stub`), and hands out `COMPLETED::{ORDER_ID}` only when that order confirms the callback.

use axum::http::StatusCode;
use paybind::sgate_payin::{
    Ack, CallbackError, CallbackKind, CheckedCallback, OrderRefundStatus, OrderStatus, ResultCode,
};

use super::stub::{order, Stub};

const UNPAID: &str = "M448726T2022123112531745487632";
const PAID: &str = "M448726T2023010112000000000001";
const REFUNDED: &str = "M448726T2023010112000000000002";

/// A stand-in API that knows three orders: one unpaid, one paid, one paid and fully refunded.
async fn api() -> Stub {
    Stub::start_with("/api_v1", |hit| {
        let id = hit.path.strip_prefix("/api_v1/orders/")?;
        Some(match id {
            UNPAID => (200, order(UNPAID, "pending", "none")),
            PAID => (200, order(PAID, "paid", "none")),
            REFUNDED => (200, order(REFUNDED, "paid", "full")),
            // SGATE answering with another order than the one asked for.
            "M448726T2099" => (200, order(PAID, "paid", "none")),
            _ => (
                404,
                r#"{"code":"notFound","message":"Order not found"}"#.into(),
            ),
        })
    })
    .await
}

/// A forged callback for an order nobody paid: the order is looked up, it says `pending`, and
/// nothing confirms the callback (no acknowledgement to send).
#[tokio::test]
async fn a_forged_callback_for_an_unpaid_order_is_not_paid() {
    let api = api().await;
    let callback = api
        .client()
        .notifications()
        .verify_query(&format!("?_orderId={UNPAID}&_type=payment"))
        .await
        .unwrap();
    assert_eq!(callback.kind, CallbackKind::Payment);
    assert_eq!(callback.order.status, OrderStatus::Pending);
    assert!(!callback.is_paid());
    assert!(!callback.is_confirmed());
    assert_eq!(callback.ack(), None);
    // Looked up over the signed API: one GET of that order, signed as order.detail.
    let hits = api.hits();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].method, "GET");
    assert_eq!(hits[0].path, format!("/api_v1/orders/{UNPAID}"));
    assert_eq!(hits[0].header("x-auth-signature").len(), 44);
}

/// A callback whose order SGATE's API says is paid: confirmed, with the exact body to answer.
#[tokio::test]
async fn a_callback_whose_order_is_paid_yields_the_ack() {
    let api = api().await;
    let callback = api
        .client()
        .notifications()
        .verify(PAID, "payment")
        .await
        .unwrap();
    assert!(callback.is_paid());
    assert!(callback.is_confirmed());
    assert_eq!(callback.order_id(), PAID);
    let ack = callback.ack().expect("confirmed");
    assert_eq!(ack.body(), format!("COMPLETED::{PAID}"));
    assert_eq!(ack.to_string(), ack.body());
}

/// A refund callback is confirmed by the order's refund state: `full` (or `partial`) confirms,
/// `none` does not, however paid the order is.
#[tokio::test]
async fn a_refund_callback_is_confirmed_by_the_orders_refund_state() {
    let api = api().await;
    let callbacks = api.client().notifications();
    let refunded = callbacks.verify(REFUNDED, "refund").await.unwrap();
    assert_eq!(refunded.kind, CallbackKind::Refund);
    assert_eq!(refunded.order.refund_status, Some(OrderRefundStatus::Full));
    assert!(refunded.is_confirmed());
    assert_eq!(
        refunded.ack().map(|ack| ack.body()),
        Some(format!("COMPLETED::{REFUNDED}"))
    );
    let not_refunded = callbacks.verify(PAID, "refund").await.unwrap();
    assert!(not_refunded.is_paid());
    assert!(!not_refunded.is_confirmed());
    assert_eq!(not_refunded.ack(), None);
}

/// A `_type` SGATE does not document is refused with a typed error before anything is looked
/// up; so are missing and repeated parameters, and an ID that is not an ID (the spec's pattern
/// of path IDs).
#[tokio::test]
async fn what_is_not_a_callback_is_refused_unlooked() {
    let api = api().await;
    let callbacks = api.client().notifications();
    let unknown = callbacks
        .verify_query(&format!("_orderId={PAID}&_type=chargeback"))
        .await
        .unwrap_err();
    assert!(matches!(unknown, CallbackError::UnknownType), "{unknown:?}");
    assert!(!unknown.to_string().contains("chargeback"), "{unknown}");
    let missing = callbacks.verify_query("_type=payment").await.unwrap_err();
    assert!(
        matches!(
            missing,
            CallbackError::Parameter {
                name: "_orderId",
                ..
            }
        ),
        "{missing:?}"
    );
    let twice = callbacks
        .verify_query(&format!("_orderId={PAID}&_orderId={UNPAID}&_type=payment"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            twice,
            CallbackError::Parameter {
                name: "_orderId",
                ..
            }
        ),
        "{twice:?}"
    );
    let not_an_id = callbacks
        .verify_query("_orderId=..%2Fmerchants%2FM448726&_type=payment")
        .await
        .unwrap_err();
    match not_an_id {
        CallbackError::Lookup(error) => {
            assert!(matches!(*error, paybind::sgate_payin::Error::Validation(_)))
        }
        other => panic!("{other:?}"),
    }
    assert!(api.hits().is_empty(), "nothing was looked up");
}

/// An order SGATE does not know, and an answer about another order: no verified state.
#[tokio::test]
async fn an_unknown_or_mismatched_order_is_not_verified() {
    let api = api().await;
    let callbacks = api.client().notifications();
    match callbacks
        .verify("M448726T2000", "payment")
        .await
        .unwrap_err()
    {
        CallbackError::Lookup(error) => {
            assert_eq!(error.code(), Some(ResultCode::Unknown("notFound".into())));
            assert!(!error.outcome_unknown());
        }
        other => panic!("{other:?}"),
    }
    let mismatch = callbacks
        .verify("M448726T2099", "payment")
        .await
        .unwrap_err();
    assert!(
        matches!(mismatch, CallbackError::OrderMismatch),
        "{mismatch:?}"
    );
}

/// The axum extractor, mounted as a merchant would: SGATE's `GET` is answered 200
/// `COMPLETED::{ORDER_ID}` only for a confirmed callback; the handler's own status for an
/// unconfirmed one; 400 for an unknown type, and 503 while SGATE cannot be asked.
#[tokio::test]
async fn the_axum_extractor_answers_sgate() {
    async fn on_callback(CheckedCallback(callback): CheckedCallback) -> Result<Ack, StatusCode> {
        callback.ack().ok_or(StatusCode::CONFLICT)
    }
    let api = api().await;
    let app = axum::Router::new()
        .route("/hooks/sgate-payin", axum::routing::get(on_callback))
        .with_state(api.client().notifications());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let shop = format!(
        "http://{}/hooks/sgate-payin",
        listener.local_addr().unwrap()
    );
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });

    let http = reqwest::Client::new();
    let get = |query: String| {
        let request = http.get(format!("{shop}?{query}"));
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let content_type = response
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_string());
            (status, content_type, response.text().await.unwrap())
        }
    };
    let (status, content_type, body) = get(format!("_orderId={PAID}&_type=payment")).await;
    assert_eq!(
        (status, body.as_str()),
        (200, format!("COMPLETED::{PAID}").as_str())
    );
    assert_eq!(content_type.as_deref(), Some("text/plain; charset=utf-8"));
    let (status, _, body) = get(format!("_orderId={UNPAID}&_type=payment")).await;
    assert_eq!(status, 409);
    assert!(!body.contains("COMPLETED"), "{body}");
    let (status, _, body) = get(format!("_orderId={PAID}&_type=something")).await;
    assert_eq!(status, 400);
    assert!(!body.contains("something"), "{body}");

    // SGATE out of reach: the callback cannot be checked yet; SGATE is told to come back.
    let unreachable =
        paybind::sgate_payin::Client::new(super::stub::config("http://127.0.0.1:9/api_v1"))
            .unwrap();
    let app = axum::Router::new()
        .route("/cb", axum::routing::get(on_callback))
        .with_state(unreachable.notifications());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    let response = http
        .get(format!("http://{address}/cb?_orderId={PAID}&_type=payment"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 503);
}
