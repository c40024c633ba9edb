//! `<gateway>::config_from_env()`: a config from the `PAYBIND_<GATEWAY>_*` variables the
//! command line reads. One test, run start to end, because the variables are the process's.

use paybind::config::ConfigError;

use crate::common;

const BLUEPAY: &[&str] = &[
    "URL",
    "APP_ID",
    "PRIVATE_KEY_FILE",
    "PRIVATE_KEY",
    "PUBLIC_KEY_FILE",
    "PUBLIC_KEY",
    "HASH",
    "TIMESTAMP_UNIT",
];

fn clear(prefix: &str, names: &[&str]) {
    for name in names {
        std::env::remove_var(format!("{prefix}_{name}"));
    }
}

fn set(prefix: &str, name: &str, value: &str) {
    std::env::set_var(format!("{prefix}_{name}"), value);
}

/// The variable a config error names; panics on any other error.
fn variable(error: ConfigError) -> String {
    match error {
        ConfigError::Variable { variable, .. } => variable,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn configs_come_from_the_variables_the_command_line_reads() {
    let sandbox = common::sandbox().await;
    let prefix = "PAYBIND_BLUEPAY";
    clear(prefix, BLUEPAY);
    assert_eq!(
        variable(paybind::bluepay::config_from_env().unwrap_err()),
        "PAYBIND_BLUEPAY_PRIVATE_KEY_FILE"
    );

    set(
        prefix,
        "PRIVATE_KEY_FILE",
        &common::fixture("merchant-2048.pem"),
    );
    assert_eq!(
        variable(paybind::bluepay::config_from_env().unwrap_err()),
        "PAYBIND_BLUEPAY_URL"
    );
    set(prefix, "URL", &sandbox.bluepay_url());
    set(prefix, "APP_ID", sandbox.bluepay_app_id());
    // The gateway's key is required, as SGATE's system key is: it verifies notifications.
    assert_eq!(
        variable(paybind::bluepay::config_from_env().unwrap_err()),
        "PAYBIND_BLUEPAY_PUBLIC_KEY_FILE"
    );
    set(
        prefix,
        "PUBLIC_KEY_FILE",
        &common::fixture("gateway-2048.pub.pem"),
    );
    // A wrong value is named, not shown.
    set(prefix, "HASH", "md5-secret-ish");
    let error = paybind::bluepay::config_from_env().unwrap_err();
    assert!(!error.to_string().contains("md5-secret-ish"), "{error}");
    assert_eq!(variable(error), "PAYBIND_BLUEPAY_HASH");
    set(prefix, "HASH", "sha256");

    // The config works: a call through it is signed and answered.
    let config = paybind::bluepay::config_from_env().expect("every variable set");
    let client = paybind::bluepay::Client::new(config).unwrap();
    let balance = client
        .balance_inquiry(paybind::bluepay::types::BalanceInquiryParam::builder())
        .await
        .expect("the sandbox accepts the signature");
    assert!(!balance.balance.to_string().is_empty());
    let gateway_key =
        paybind::keys::PrivateKey::from_file(common::fixture("gateway-2048.pem")).unwrap();
    let signer = paybind::testing::bluepay::NotificationSigner::new(
        &gateway_key,
        paybind::bluepay::HashAlgorithm::Sha256,
    );
    let payout = serde_json::json!({
        "eventName": "disbursement.success", "mchOrderId": "M1", "transactionId": "D1",
        "amount": 1000, "transactionStatus": "SUCCESS",
    });
    let body = signer.notification(payout).unwrap();
    assert!(
        client.notifications().verify(&body).is_ok(),
        "the gateway key from PAYBIND_BLUEPAY_PUBLIC_KEY_FILE verifies notifications"
    );
    clear(prefix, BLUEPAY);

    // SGATE: the key text itself instead of a file.
    let prefix = "PAYBIND_SGATE";
    let key_text = std::fs::read_to_string(common::fixture("sgate-merchant-2048.pem")).unwrap();
    set(prefix, "URL", &sandbox.sgate_url());
    set(prefix, "API_KEY", sandbox.sgate_api_key());
    set(prefix, "PRIVATE_KEY", &key_text);
    assert_eq!(
        variable(paybind::sgate::config_from_env().unwrap_err()),
        "PAYBIND_SGATE_SYSTEM_PUBLIC_KEY_FILE"
    );
    set(
        prefix,
        "SYSTEM_PUBLIC_KEY_FILE",
        &common::fixture("sgate-system-2048.pub.pem"),
    );
    let client = paybind::sgate::Client::new(paybind::sgate::config_from_env().unwrap()).unwrap();
    client
        .merchant_balance()
        .await
        .expect("signed and verified both ways");
    clear(
        prefix,
        &["URL", "API_KEY", "PRIVATE_KEY", "SYSTEM_PUBLIC_KEY_FILE"],
    );
}
