//! Secrets never printed by the configuration or the call context.

use super::*;

#[test]
fn config_and_context_never_print_secrets() {
    let config = paybind::sgate::Config::new(
        paybind::sgate::Environment::Sandbox,
        "super-secret-api-key",
        sgate_support::merchant_private(),
        sgate_support::system_public(),
    );
    let client = paybind::sgate::Client::new(config.clone()).unwrap();
    for text in [format!("{config:?}"), format!("{client:?}")] {
        assert!(!text.contains("super-secret-api-key"), "{text}");
        assert!(text.contains("redacted"));
    }
    assert!(format!("{client:?}").contains("http://vbank.test.sgate.sa"));
    let production = paybind::sgate::Client::new(paybind::sgate::Config::new(
        paybind::sgate::Environment::Production,
        "k",
        sgate_support::merchant_private(),
        sgate_support::system_public(),
    ))
    .unwrap();
    assert!(format!("{production:?}").contains("https://vbank.sgate.sa"));
    assert!(paybind::sgate::Client::new(paybind::sgate::Config::new(
        paybind::sgate::Environment::Url("ftp://x".into()),
        "k",
        sgate_support::merchant_private(),
        sgate_support::system_public(),
    ))
    .is_err());
}
