//! Issue 24: the sandbox's test accounts are the spec's `info.x-test-accounts` table. Every row
//! of the table is driven through the sandbox and ends as the table says: the customer reviewed
//! to `customer` (a bank account matched by its card number alone and by its IBAN alone, an
//! STCPay account in another of its four formats), its payment order ended in `payment`, an OTP
//! test number answered with its sessionid and checked with its code. An account the table does
//! not hold stays unreviewed.

use super::*;

/// The table, read from the spec as a merchant would (not through the sandbox).
fn table() -> Value {
    paybind::sgate::spec().document()["info"]["x-test-accounts"].clone()
}

fn rows<'a>(table: &'a Value, kind: &str) -> &'a [Value] {
    table[kind].as_array().map_or(&[], Vec::as_slice)
}

fn text<'a>(row: &'a Value, member: &str) -> &'a str {
    row[member]
        .as_str()
        .unwrap_or_else(|| panic!("{member} of {row}"))
}

/// CustomerStatus / PaymentOrderStatus numbers of the docs' names the table uses.
fn status(name: &str) -> i64 {
    match name {
        "Normal" | "Transferred" => 1,
        "Reject" | "Error" => 2,
        other => panic!("the table names an outcome {other:?}"),
    }
}

/// A customer of the sandbox reaches the table's review result; an approved one's payment order
/// reaches the table's payment result.
async fn follows(sandbox: &Sandbox, mercustomid: &str, method: &str, row: &Value) {
    let path = format!("sgate/customers/{mercustomid}");
    wait_status(sandbox, &path, status(text(row, "customer"))).await;
    if text(row, "customer") != "Normal" {
        return;
    }
    let payee = format!("P{mercustomid}");
    client(sandbox)
        .payment_order_create(payment_order(mercustomid, &payee, "1.00").paymentmethod(method))
        .await
        .unwrap_or_else(|e| panic!("{mercustomid}: {e}"));
    wait_status(
        sandbox,
        &format!("sgate/orders/{payee}"),
        status(text(row, "payment")),
    )
    .await;
}

#[tokio::test]
async fn every_test_account_of_the_spec_gives_its_documented_results() {
    let table = table();
    assert_eq!(rows(&table, "bank").len(), 12, "{table}");
    assert_eq!(rows(&table, "stcpay").len(), 11, "{table}");
    assert_eq!(rows(&table, "otp").len(), 6, "{table}");
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);
    let mut pending = Vec::new();
    for (index, row) in rows(&table, "bank").iter().enumerate() {
        // Even rows are matched by the card number alone, odd rows by the IBAN alone.
        let (cardno, iban) = if index % 2 == 0 {
            (text(row, "cardno").to_string(), format!("SA99{index:020}"))
        } else {
            (
                format!("59990000000000{index:02}"),
                text(row, "iban").to_string(),
            )
        };
        let mercustomid = format!("tb{index}");
        client
            .customer_create(
                bank_customer(&mercustomid, &cardno, &iban).bankcode(text(row, "bankcode")),
            )
            .await
            .unwrap_or_else(|e| panic!("{mercustomid}: {e}"));
        pending.push((mercustomid, "bankTransfer", row));
    }
    for (index, row) in rows(&table, "stcpay").iter().enumerate() {
        let mercustomid = format!("ts{index}");
        client
            .customer_create(
                types::CustomerCreateParam::builder()
                    .name_e("usera")
                    .name_a("usera")
                    .mercustomid(&mercustomid)
                    .identity("1012345678")
                    .stcaccount(format!("+966{}", text(row, "account"))),
            )
            .await
            .unwrap_or_else(|e| panic!("{mercustomid}: {e}"));
        pending.push((mercustomid, "STCPay", row));
    }
    for (mercustomid, method, row) in &pending {
        follows(&sandbox, mercustomid, method, row).await;
    }
    // An account the table does not hold is not reviewed by itself: still Incomplete.
    client
        .customer_create(bank_customer(
            "plain",
            "5999000000000099",
            "SA9900000000000000000099",
        ))
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    wait_status(&sandbox, "sgate/customers/plain", 4).await;

    for row in rows(&table, "otp") {
        let mobile = format!("0{}", text(row, "number"));
        let task = client
            .otp_send(
                types::OtpSendParam::builder()
                    .mobile(&mobile)
                    .appname("TestApp"),
            )
            .await
            .unwrap_or_else(|e| panic!("{mobile}: {e}"));
        assert_eq!(
            task.sessionid.as_deref(),
            Some(text(row, "sessionid")),
            "{mobile}"
        );
        client
            .otp_check(
                types::OtpCheckParam::builder()
                    .mobile(&mobile)
                    .code(text(row, "code"))
                    .sessionid(text(row, "sessionid")),
            )
            .await
            .unwrap_or_else(|e| panic!("{mobile}: {e}"));
    }
}
