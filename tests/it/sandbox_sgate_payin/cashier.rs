//! The hosted cashier: a payer pays with the documented test card through the simulated 3DS
//! page, or with the test STC Pay wallet and its code; the merchant's endpoint gets the
//! unsigned GET callback, checks it with paybind's `Callbacks` against the sandbox, and
//! acknowledges it. A forged callback for an unpaid order is "not paid", through the real
//! sandbox.

use super::*;

use paybind::sgate_payin::{
    CallbackKind, CashierPage, EmbeddedPage, OrderStatus, PaymentMethod, TransactionResult,
};

#[tokio::test]
async fn a_card_payment_on_the_cashier_is_called_back_and_verified() {
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);
    let merchant = Merchant::start(&sandbox).await;
    let created = client
        .merchant_add_order(order("CASH-1", "99.50", Some(&merchant.url)))
        .await
        .unwrap();

    let back = pay_by_card_on_cashier(
        &sandbox,
        &created,
        Some("https://shop.example/thanks?o=1"),
        true,
    )
    .await;
    assert_eq!(back.status(), 303);
    assert_eq!(location(&back), "https://shop.example/thanks?o=1");

    let order = client.order_detail(&created.id).await.unwrap();
    assert_eq!(order.status, OrderStatus::Paid);
    assert_eq!(order.success_payment_method.as_deref(), Some("mastercard"));

    // One GET with the order and its type on the merchant's own URL, acknowledged as the docs
    // say once paybind confirmed the order over the API.
    let callback = callback_with_attempts(&sandbox, &created.id, "payment", 1).await;
    assert_eq!(callback["status"], "delivered", "{callback}");
    assert_eq!(callback["attempts"][0]["http_status"], 200);
    assert_eq!(
        callback["attempts"][0]["answer"],
        format!("COMPLETED::{}", created.id)
    );
    let queries = merchant.queries();
    assert_eq!(
        queries,
        [format!("shop=1&_orderId={}&_type=payment", created.id)]
    );
    // paybind looked the order up before acknowledging: its order_detail is in the log, after
    // the payment.
    assert!(sandbox
        .requests()
        .iter()
        .any(|r| r.operation == "order_detail" && r.code == 200));
    // The transaction counts the callback.
    let transaction = client
        .transaction_detail_for_merchant(&format!("{}_1", created.id))
        .await
        .unwrap();
    assert_eq!(transaction.notification_times, Some(1));
    assert!(transaction.successfully_notified_at.is_some());
}

#[tokio::test]
async fn a_failed_3ds_or_another_card_does_not_pay() {
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);
    let created = client
        .merchant_add_order(order("CASH-2", "5.00", None))
        .await
        .unwrap();
    // The payer fails 3DS: declined, a retry allowed; the result page (no return URL).
    let page = pay_by_card_on_cashier(&sandbox, &created, None, false).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Declined_Retirable"));
    assert_eq!(
        client.order_detail(&created.id).await.unwrap().status,
        OrderStatus::Doing
    );

    // Another card passes 3DS and is declined for good.
    let started = client
        .order_start_by_direct_mastercard(&created.id, card("4111111111111111", "123"))
        .await
        .unwrap();
    pass_three_ds(&browser(), &started.redirect_url, true).await;
    let declined = client
        .transaction_detail_for_merchant(&started.id)
        .await
        .unwrap();
    assert_eq!(declined.result, TransactionResult::DeclinedNoRetry);
    // The test card with a wrong security code is another card.
    let started = client
        .order_start_by_direct_mastercard(&created.id, card(TEST_CARD, "999"))
        .await
        .unwrap();
    pass_three_ds(&browser(), &started.redirect_url, true).await;
    let declined = client
        .transaction_detail_for_merchant(&started.id)
        .await
        .unwrap();
    assert_eq!(declined.result, TransactionResult::DeclinedNoRetry);
    assert_eq!(
        client.order_detail(&created.id).await.unwrap().status,
        OrderStatus::Doing
    );
    assert!(callbacks_of(&sandbox, &created.id, "payment").is_empty());
}

#[tokio::test]
async fn a_wallet_payment_on_the_cashier() {
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);
    let created = client
        .merchant_add_order(order("CASH-3", "20", None))
        .await
        .unwrap();
    let browser = browser();
    let cashier = sandbox.sgate_payin_cashier_url(
        &created.id,
        &created.ticket,
        Some("https://shop.example/back"),
    );
    let html = page_html(&browser, &cashier).await;
    let wallet = form(&html, &origin(&cashier), "/stcpay");
    let code_page = submit(
        &browser,
        &wallet,
        &[("mobile", &format!("+966{TEST_WALLET}"))],
    )
    .await;
    assert_eq!(code_page.status(), 200);
    let html = code_page.text().await.unwrap();
    // A wrong code first: declined; a new attempt aborts nothing and pays.
    let wrong = submit(
        &browser,
        &form(&html, &origin(&cashier), "/stcpay/code"),
        &[("OtpValue", "99999")],
    )
    .await;
    assert_eq!(wrong.status(), 303, "back to the merchant either way");
    assert_eq!(
        client.order_detail(&created.id).await.unwrap().status,
        OrderStatus::Doing
    );
    let html = page_html(&browser, &cashier).await;
    let html = submit(
        &browser,
        &form(&html, &origin(&cashier), "/stcpay"),
        &[("mobile", TEST_WALLET)],
    )
    .await
    .text()
    .await
    .unwrap();
    let paid = submit(
        &browser,
        &form(&html, &origin(&cashier), "/stcpay/code"),
        &[("OtpValue", TEST_CODE)],
    )
    .await;
    assert_eq!(location(&paid), "https://shop.example/back");
    let order = client.order_detail(&created.id).await.unwrap();
    assert_eq!(order.status, OrderStatus::Paid);
    assert_eq!(order.success_payment_method.as_deref(), Some("stcpay"));
    let first = client
        .transaction_detail_for_merchant(&format!("{}_1", created.id))
        .await
        .unwrap();
    assert_eq!(first.result, TransactionResult::DeclinedRetirable);
    let second = client
        .transaction_detail_for_merchant(&format!("{}_2", created.id))
        .await
        .unwrap();
    assert_eq!(second.result, TransactionResult::Approved);
    assert_eq!(second.payment_method, Some(PaymentMethod::Stcpay));
    // A paid order's cashier takes no more payment.
    let html = page_html(&browser, &cashier).await;
    assert!(
        html.contains("can no longer be paid") && !html.contains("<form"),
        "{html}"
    );
}

/// The cashier needs the order's ticket; a page of an order is no page of another.
#[tokio::test]
async fn the_cashier_needs_the_ticket() {
    let sandbox = common::sandbox().await;
    let created = client(&sandbox)
        .merchant_add_order(order("CASH-4", "1.00", None))
        .await
        .unwrap();
    let forged = sandbox.sgate_payin_cashier_url(&created.id, "not-the-ticket", None);
    let page = browser().get(&forged).send().await.unwrap();
    assert_eq!(page.status(), 403);
    let unknown = sandbox.sgate_payin_cashier_url("M100001T0", &created.ticket, None);
    assert_eq!(browser().get(&unknown).send().await.unwrap().status(), 404);
}

/// The standard link shows both methods; a method's link with `lockPayMethod=yes` only its
/// own; STC Pay only for SAR orders.
#[tokio::test]
async fn the_links_show_the_methods_they_name() {
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);
    let sar = client
        .merchant_add_order(order("LINK-1", "1.00", None))
        .await
        .unwrap();
    let page = |url: String| async move { page_html(&browser(), &url).await };
    let standard = page(sandbox.sgate_payin_cashier_url(&sar.id, &sar.ticket, None)).await;
    assert!(standard.contains("Pay by card") && standard.contains("STC Pay"));
    let base = sandbox.sgate_payin_url().replace("/api_v1", "");
    let locked = |method: &str| {
        format!(
            "{base}/order/{}/{method}?ticket={}&language=AR&lockPayMethod=yes",
            sar.id, sar.ticket
        )
    };
    let wallet_only = page(locked("stcpay")).await;
    assert!(wallet_only.contains("STC Pay") && !wallet_only.contains("Pay by card"));
    assert!(
        wallet_only.contains("dir=\"rtl\""),
        "Arabic pages read right to left"
    );
    let card_only = page(locked("mada")).await;
    assert!(card_only.contains("Pay by card") && !card_only.contains("STC Pay"));

    let kuwaiti = client
        .merchant_add_order(order("LINK-2", "1.00", None).currency("KWD"))
        .await
        .unwrap();
    let standard = page(sandbox.sgate_payin_cashier_url(&kuwaiti.id, &kuwaiti.ticket, None)).await;
    assert!(standard.contains("Pay by card") && !standard.contains("STC Pay"));
}

/// A callback nobody can trust: `_orderId` of an unpaid order and `_type=payment`, sent to the
/// merchant by anyone. paybind's `Callbacks` asks the sandbox and says "not paid"; the
/// merchant's endpoint refuses it, so nothing is acknowledged.
#[tokio::test]
async fn a_forged_callback_for_an_unpaid_order_is_not_paid() {
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);
    let merchant = Merchant::start(&sandbox).await;
    let created = client
        .merchant_add_order(order("FORGED-1", "10.00", Some(&merchant.url)))
        .await
        .unwrap();
    let verified = client
        .notifications()
        .verify_query(&format!("_orderId={}&_type=payment", created.id))
        .await
        .unwrap();
    assert_eq!(verified.kind, CallbackKind::Payment);
    assert!(!verified.is_paid());
    assert!(!verified.is_confirmed());
    assert_eq!(verified.ack(), None);
    assert_eq!(verified.order.status, OrderStatus::Pending);

    let forged = reqwest::get(format!(
        "{}&_orderId={}&_type=payment",
        merchant.url, created.id
    ))
    .await
    .unwrap();
    assert_eq!(forged.status(), 409);
    assert!(!forged.text().await.unwrap().contains("COMPLETED::"));
    // A made-up order: the sandbox knows none, so there is nothing to acknowledge either.
    let made_up = reqwest::get(format!(
        "{}&_orderId=M100001T20240101000000000&_type=payment",
        merchant.url
    ))
    .await
    .unwrap();
    assert_eq!(made_up.status(), 502);
    assert!(callbacks_of(&sandbox, &created.id, "payment").is_empty());
}

/// What a page of the cashier sends for framing (`frame-ancestors` of its policy).
fn frame_ancestors(page: &reqwest::Response) -> String {
    let policy = page.headers()["content-security-policy"].to_str().unwrap();
    let directive = policy
        .split(';')
        .map(str::trim)
        .find(|directive| directive.starts_with("frame-ancestors "))
        .expect("a frame-ancestors directive");
    directive["frame-ancestors ".len()..].to_string()
}

/// Opens `link` as the payer's browser: the page's framing and HTML when the sandbox
/// simulates it; `None` when it answers that it does not.
async fn open(link: reqwest::Url) -> Option<(String, String)> {
    let page = browser().get(link.as_str()).send().await.unwrap();
    if page.status() == 404 {
        let html = page.text().await.unwrap();
        assert!(
            html.contains("simulates card and STC Pay payments only"),
            "{html}"
        );
        return None;
    }
    assert_eq!(page.status(), 200, "{link}");
    let framing = frame_ancestors(&page);
    Some((framing, page.text().await.unwrap()))
}

/// Every link paybind's client builds opens its page on the sandbox: the card and STC Pay
/// pages, hosted and embedded, show their forms for the order; the methods the sandbox does
/// not simulate say so. Hosted pages may not be framed; embedded ones may.
#[tokio::test]
async fn every_payment_link_paybind_builds_opens_its_sandbox_page() {
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);
    let created = client
        .merchant_add_order(order("LINK-1", "20", None))
        .await
        .unwrap();
    let (id, ticket) = (created.id.as_str(), created.ticket.as_str());
    let back = "https://shop.example/back";
    for page in CashierPage::ALL {
        // (card form, wallet form), or not simulated.
        let forms = match page {
            CashierPage::Standard => Some((true, true)),
            CashierPage::Card | CashierPage::IntlCard => Some((true, false)),
            CashierPage::Stcpay => Some((false, true)),
            CashierPage::Applepay | CashierPage::Tamara | CashierPage::Tabby => None,
        };
        let link = client.payment_link(*page, id, ticket).return_url(back);
        let opened = open(link.url().unwrap()).await;
        assert_eq!(opened.is_some(), forms.is_some(), "{page:?}");
        if let (Some((framing, html)), Some((card, wallet))) = (opened, forms) {
            assert_eq!(framing, "'none'", "{page:?}");
            assert!(html.contains(id), "{page:?} shows the order");
            assert_eq!(html.contains("/card\""), card, "{page:?}: {html}");
            assert_eq!(html.contains("/stcpay\""), wallet, "{page:?}: {html}");
        }
    }
    for page in EmbeddedPage::ALL {
        let forms = match page {
            EmbeddedPage::Card => Some((true, false)),
            EmbeddedPage::Stcpay => Some((false, true)),
            EmbeddedPage::Tamara | EmbeddedPage::Tabby => None,
        };
        let link = client.embedded_link(*page, id, ticket).return_url(back);
        let opened = open(link.url().unwrap()).await;
        assert_eq!(opened.is_some(), forms.is_some(), "{page:?}");
        if let (Some((framing, html)), Some((card, wallet))) = (opened, forms) {
            assert_eq!(framing, "*", "{page:?}: any checkout page may frame it");
            assert!(html.contains(id), "{page:?} shows the order");
            assert_eq!(html.contains("/card\""), card, "{page:?}: {html}");
            assert_eq!(html.contains("/stcpay\""), wallet, "{page:?}: {html}");
        }
    }
}

/// A card payment begun in the embedded form stays frameable to its end (the simulated 3DS
/// page included), then returns to the merchant inside the frame; the order is paid.
#[tokio::test]
async fn an_embedded_card_payment_stays_embedded_to_its_end() {
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);
    let created = client
        .merchant_add_order(order("LINK-2", "35", None))
        .await
        .unwrap();
    let link = client
        .embedded_link(EmbeddedPage::Card, &created.id, &created.ticket)
        .return_url("https://shop.example/back")
        .url()
        .unwrap();
    let browser = browser();
    let (framing, html) = open(link.clone())
        .await
        .expect("the card form is simulated");
    assert_eq!(framing, "*");
    let to_three_ds = submit_test_card(&browser, &html, link.as_str()).await;
    assert_eq!(to_three_ds.status(), 303);
    let three_ds_url = location(&to_three_ds);
    let three_ds = browser.get(&three_ds_url).send().await.unwrap();
    assert_eq!(three_ds.status(), 200);
    assert_eq!(frame_ancestors(&three_ds), "*", "{three_ds_url}");
    let back = pass_three_ds(&browser, &three_ds_url, true).await;
    assert_eq!(back.status(), 303);
    assert_eq!(location(&back), "https://shop.example/back");
    assert_eq!(
        client.order_detail(&created.id).await.unwrap().status,
        OrderStatus::Paid
    );
    // The same order's hosted page is still not frameable.
    let hosted = client
        .payment_link(CashierPage::Standard, &created.id, &created.ticket)
        .return_url("https://shop.example/back");
    let page = browser
        .get(hosted.url().unwrap().as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(frame_ancestors(&page), "'none'");
}
