//! `<operation>_stream` of SGATE's paged lists (`x-paged` in the spec): every item across
//! pages, one page fetched at a time, ending at a short page — checked against the sandbox's
//! request log (which pages were asked for) and the customers made.

use futures_util::StreamExt as _;
use paybind::sgate::{types, Client, Error};
use paybind_sandbox::Sandbox;

use crate::sgate_support::bank_customer;

/// `count` customers `pg000`, `pg001`, …
async fn customers(client: &Client, count: usize) {
    for n in 0..count {
        let card = format!("4{:015}", 100_000 + n);
        let iban = format!("SA44200000{:014}", n);
        client
            .customer_create(bank_customer(&format!("pg{n:03}"), &card, &iban))
            .await
            .unwrap_or_else(|e| panic!("customer {n}: {e:?}"));
    }
}

/// The `pageno` of every customer_list request the sandbox received, in order.
fn pages_asked(sandbox: &Sandbox) -> Vec<String> {
    sandbox
        .requests()
        .into_iter()
        .filter(|request| request.operation == "customer_list")
        .map(|request| {
            let query = request
                .path
                .split_once('?')
                .map_or("", |(_, q)| q)
                .to_string();
            query
                .split('&')
                .find_map(|pair| pair.strip_prefix("pageno="))
                .unwrap_or("none")
                .to_string()
        })
        .collect()
}

async fn all(client: &Client, page_size: u64) -> Vec<Result<types::Customer, Error>> {
    client
        .customer_list_stream(|query| query.pagesize(page_size))
        .collect()
        .await
}

#[tokio::test]
async fn every_item_across_pages_ending_at_a_short_page() {
    let sandbox = crate::common::sandbox().await;
    let client = Client::new(sandbox.sgate_config()).unwrap();
    customers(&client, 45).await;
    let items = all(&client, 20).await;
    let mut ids: Vec<String> = items
        .into_iter()
        .map(|item| {
            item.expect("every page answered")
                .mercustomid
                .unwrap_or_default()
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 45, "each customer once");
    assert_eq!(
        pages_asked(&sandbox),
        ["1", "2", "3"],
        "page 3 had 5: the end"
    );
}

#[tokio::test]
async fn a_full_last_page_is_followed_by_one_empty_page() {
    let sandbox = crate::common::sandbox().await;
    let client = Client::new(sandbox.sgate_config()).unwrap();
    customers(&client, 10).await;
    let items = all(&client, 5).await;
    assert_eq!(items.iter().filter(|item| item.is_ok()).count(), 10);
    assert_eq!(pages_asked(&sandbox), ["1", "2", "3"]);
}

#[tokio::test]
async fn a_refused_page_ends_the_stream_with_its_error() {
    let sandbox = crate::common::sandbox().await;
    let client = Client::new(sandbox.sgate_config()).unwrap();
    let items = all(&client, 0).await;
    assert_eq!(items.len(), 1, "one error, then the end");
    assert!(
        matches!(items[0], Err(Error::Validation(_))),
        "{:?}",
        items[0]
    );
    assert!(pages_asked(&sandbox).is_empty(), "nothing was sent");
}
