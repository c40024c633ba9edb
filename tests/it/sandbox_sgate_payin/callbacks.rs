//! SGATE Payin's callback schedule (`info.x-callback-retry`), on the sandbox clock: an answer
//! other than `COMPLETED::{ORDER_ID}` is asked again every 15 minutes until the right one
//! comes, and then never again; an endpoint that does not answer is asked 3 more times, 5 s
//! apart, then given up.

use super::*;

use axum::routing::get;

/// An endpoint answering HTTP 200 with whatever `answer` holds at the time.
async fn scripted(answer: Arc<Mutex<String>>) -> String {
    let app = axum::Router::new().route(
        "/hook",
        get(move || {
            let answer = answer.clone();
            async move { answer.lock().unwrap().clone() }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    format!("http://{address}/hook")
}

/// Pays `order` directly with the test card (its 3DS passed): the `payment` callback follows.
async fn pay(client: &Client, created: &types::CreatedOrder) {
    let started = client
        .order_start_by_direct_mastercard(&created.id, card(TEST_CARD, "100"))
        .await
        .unwrap();
    pass_three_ds(&browser(), &started.redirect_url, true).await;
}

fn attempts(callback: &Value) -> &Vec<Value> {
    callback["attempts"].as_array().unwrap()
}

#[tokio::test]
async fn retries_go_on_every_15_minutes_until_completed_and_stop_then() {
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);
    let answer = Arc::new(Mutex::new("OK".to_string()));
    let url = scripted(answer.clone()).await;
    let created = client
        .merchant_add_order(order("RETRY-1", "1.00", Some(&url)))
        .await
        .unwrap();
    pay(&client, &created).await;

    let first = callback_with_attempts(&sandbox, &created.id, "payment", 1).await;
    assert_eq!(first["status"], "retrying", "{first}");
    assert_eq!(attempts(&first)[0]["acknowledged"], false);
    let at = attempts(&first)[0]["at_ms"].as_i64().unwrap();
    let next = first["next_attempt_ms"].as_i64().unwrap();
    assert!(
        (next - at - 900_000).abs() < 1_000,
        "15 minutes later: {}",
        next - at
    );

    // Still a wrong answer (another order's ID): asked again, 15 minutes on.
    *answer.lock().unwrap() = "COMPLETED::M100001T0".into();
    sandbox
        .admin()
        .advance_clock(Duration::from_secs(900))
        .await
        .unwrap();
    let second = callback_with_attempts(&sandbox, &created.id, "payment", 2).await;
    assert_eq!(second["status"], "retrying", "{second}");

    // The exact acknowledgement: delivered, and never asked again.
    *answer.lock().unwrap() = format!("COMPLETED::{}", created.id);
    sandbox
        .admin()
        .advance_clock(Duration::from_secs(900))
        .await
        .unwrap();
    let third = callback_with_attempts(&sandbox, &created.id, "payment", 3).await;
    assert_eq!(third["status"], "delivered", "{third}");
    assert_eq!(attempts(&third)[2]["acknowledged"], true);
    assert!(third["next_attempt_ms"].is_null());
    sandbox
        .admin()
        .advance_clock(Duration::from_secs(3 * 900))
        .await
        .unwrap();
    // The worker wakes on a clock change and runs every 25 ms: give it a few rounds.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let settled = callbacks_of(&sandbox, &created.id, "payment");
    assert_eq!(settled.len(), 1);
    assert_eq!(
        attempts(&settled[0]).len(),
        3,
        "no attempt after the acknowledgement"
    );
}

#[tokio::test]
async fn an_endpoint_that_does_not_answer_is_asked_3_more_times_5_seconds_apart() {
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);
    // A port nobody listens on: no answer at all.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", closed.local_addr().unwrap());
    drop(closed);
    let created = client
        .merchant_add_order(order("RETRY-2", "1.00", Some(&url)))
        .await
        .unwrap();
    pay(&client, &created).await;

    for number in 1..=3 {
        let callback = callback_with_attempts(&sandbox, &created.id, "payment", number).await;
        assert_eq!(callback["status"], "retrying", "{callback}");
        let last = &attempts(&callback)[number - 1];
        assert!(
            last["http_status"].is_null() && last["error"].is_string(),
            "{last}"
        );
        let pause = callback["next_attempt_ms"].as_i64().unwrap() - last["at_ms"].as_i64().unwrap();
        assert!((pause - 5_000).abs() < 1_000, "5 seconds later: {pause}");
        sandbox
            .admin()
            .advance_clock(Duration::from_secs(5))
            .await
            .unwrap();
    }
    let given_up = callback_with_attempts(&sandbox, &created.id, "payment", 4).await;
    assert_eq!(given_up["status"], "failed", "{given_up}");
    assert!(given_up["next_attempt_ms"].is_null());
}
