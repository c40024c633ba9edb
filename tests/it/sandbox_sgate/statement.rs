//! Statement, virtual account, banks and exchange rates.

use super::*;

#[tokio::test]
async fn statement_virtual_account_banks_and_rates() {
    let sandbox = Sandbox::start(SandboxConfig {
        timestamp_window: None,
        ..common::config()
    })
    .await
    .unwrap();
    // The test advances the sandbox clock a day: its answers are then signed a day ahead of
    // this machine's clock, outside the default freshness window.
    let client = Client::new(
        sandbox
            .sgate_config()
            .freshness_window(Some(std::time::Duration::from_secs(2 * 86_400))),
    )
    .unwrap();
    let receiver = common::Receiver::start(0).await;
    sandbox
        .admin()
        .put(
            "settings",
            json!({"sgate_callback_url": receiver.url("/cb")}),
        )
        .await
        .unwrap();
    // Without a day the request carries none and SGATE serves yesterday's (Riyadh) file, which
    // is always made: the file, with its header line and no payment (there is none yet).
    let mut file = Vec::new();
    let outcome = client
        .statement_download()
        .to_writer(&mut file)
        .await
        .unwrap();
    match outcome {
        StatementOutcome::Written {
            bytes,
            content_verified,
            ..
        } => {
            assert!(content_verified);
            assert_eq!(bytes, file.len() as u64);
        }
        other => panic!("yesterday's statement is ready: {other:?}"),
    }
    let text = String::from_utf8(file).unwrap();
    assert!(text.starts_with("Merchant_ID,"), "{text}");
    assert_eq!(text.lines().count(), 1, "no payment yet: {text}");
    let sent = sandbox.requests().pop().unwrap();
    assert_eq!(sent.operation, "statement_download");
    assert!(!sent.path.contains("day="), "{}", sent.path);
    // Today's statement is not ready (202); it is once a day has passed.
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(3 * 3600).unwrap())
        .date_naive();
    match client
        .statement_download()
        .day(today)
        .to_writer(&mut Vec::new())
        .await
        .unwrap()
    {
        StatementOutcome::NotReady(n) => {
            assert_eq!(n.code, Some(ResultCode::StatementFileProcessing))
        }
        other => panic!("{other:?}"),
    }
    client
        .customer_create(bank_customer(
            "s001",
            "5123450000000002",
            "SA0000000000000000000002",
        ))
        .await
        .unwrap();
    wait_status(&sandbox, "sgate/customers/s001", 1).await;
    client
        .payment_order_create(payment_order("s001", "STMT1", "20.00"))
        .await
        .unwrap();
    wait_status(&sandbox, "sgate/orders/STMT1", 1).await;
    sandbox
        .admin()
        .post("clock/advance", json!({"days": 1}))
        .await
        .unwrap();
    let mut file = Vec::new();
    let outcome = client
        .statement_download()
        .day(today)
        .to_writer(&mut file)
        .await
        .unwrap();
    match outcome {
        StatementOutcome::Written {
            content_verified,
            file_name,
            ..
        } => {
            assert!(content_verified);
            assert!(file_name.unwrap().starts_with("GCCRECO_"));
        }
        other => panic!("{other:?}"),
    }
    let text = String::from_utf8(file).unwrap();
    assert!(
        text.contains("STMT1") && text.contains("512345******0002"),
        "{text}"
    );

    // A transfer into a virtual account: listed, credited, called back.
    sandbox
        .admin()
        .post("sgate/virtual-account/transfers", json!({"account": "SA9080000000000000000001", "amount": 50, "custname": "Muhammad Ali"}))
        .await
        .unwrap();
    let transfers = client
        .va_receiving_trans_list(|q| q.account("SA9080000000000000000001"))
        .await
        .unwrap();
    assert_eq!(transfers.len(), 1);
    assert_eq!(transfers[0].amount, Some(Decimal2::from_minor_units(5000)));
    let n = common::settled_notification(&sandbox, "RECEIVING_TRANS_NOTIFICATION").await;
    assert_eq!(n["status"], "delivered");
    match client
        .notifications()
        .verify(
            &receiver.processed().last().unwrap().headers,
            "/cb",
            &receiver.processed().last().unwrap().body,
        )
        .unwrap()
    {
        Notification::ReceivingTransNotification(event) => {
            assert_eq!(event.data.amount, Some(Decimal2::from_minor_units(5000)))
        }
        other => panic!("{other:?}"),
    }
    // Banks and rates come from the spec's documented data.
    assert_eq!(
        client
            .bank_list(|q| q.country(types::BankListCountry::All))
            .await
            .unwrap()
            .len(),
        168
    );
    assert_eq!(client.bank_list(|q| q).await.unwrap().len(), 12);
    let rates = client.exchange_rate().await.unwrap();
    assert_eq!(rates[0].ratenm.as_deref(), Some("KWD/SAR"));
}
