//! A base URL is scheme, host, port and path. One with user credentials, a query or a fragment
//! would put that part after (or into) every request and into error text, so it is refused when
//! the client is built, naming the part and never showing it; the command line refuses it from
//! `PAYBIND_BLUEPAY_URL` the same way, before any connection.

use paybind::config::{ConfigError, Environment};

use crate::common;

const SECRET: &str = "tok3n-SECRET";

/// What each gateway's client says of `url`.
fn built(url: &str) -> Vec<Result<(), ConfigError>> {
    let env = || Environment::Url(url.to_string());
    let key = common::key("merchant-2048.pem");
    let bluepay = paybind::bluepay::Client::new(paybind::bluepay::Config::new(
        env(),
        "a",
        key.clone(),
        crate::common::bluepay_gateway_public(),
    ));
    let jt = paybind::bluepay_jt::Client::new(paybind::bluepay_jt::Config::new(
        env(),
        "a",
        key.clone(),
        crate::common::bluepay_gateway_public(),
    ));
    let sgate = paybind::sgate::Client::new(paybind::sgate::Config::new(
        env(),
        "api-key",
        crate::sgate_support::merchant_private(),
        crate::sgate_support::system_public(),
    ));
    vec![bluepay.map(drop), jt.map(drop), sgate.map(drop)]
}

#[test]
fn a_base_url_with_credentials_query_or_fragment_is_refused_unshown() {
    for (url, part) in [
        (format!("http://127.0.0.1:9/?token={SECRET}"), "a query"),
        (
            format!("https://pay.example/base?token={SECRET}"),
            "a query",
        ),
        ("https://pay.example/base?".to_string(), "a query"),
        (format!("https://pay.example/base#{SECRET}"), "a fragment"),
        (
            format!("https://merchant:{SECRET}@pay.example/base"),
            "user credentials",
        ),
        (format!("https://{SECRET}@pay.example"), "user credentials"),
    ] {
        for result in built(&url) {
            let err = result.expect_err(&url);
            assert!(
                matches!(&err, ConfigError::BaseUrlPart { reason, .. } if *reason == part),
                "{url}: {err:?}"
            );
            for text in [err.to_string(), format!("{err:?}")] {
                assert!(!text.contains(SECRET), "{text}");
                assert!(text.contains(part), "{text}");
            }
        }
    }
    // Not http(s): refused without its query or credentials either.
    for url in [
        format!("ftp://u:{SECRET}@pay.example/x?token={SECRET}"),
        format!("pay.example/?token={SECRET}"),
    ] {
        for result in built(&url) {
            let err = result.expect_err(&url);
            assert!(matches!(err, ConfigError::BadUrl(_)), "{url}: {err:?}");
            assert!(!format!("{err} {err:?}").contains(SECRET), "{err:?}");
        }
    }
    // Scheme, host, port and path are a base URL.
    for url in [
        "http://127.0.0.1:9",
        "https://pay.example/base/",
        "http://[::1]:8080/x",
    ] {
        for result in built(url) {
            result.unwrap_or_else(|e| panic!("{url}: {e}"));
        }
    }
}

#[test]
fn a_link_origin_that_is_not_a_url_is_refused_unshown() {
    let key = common::key("merchant-2048.pem");
    let url = format!("ftp://u:{SECRET}@reports.example/?token={SECRET}");
    let config = paybind::bluepay_jt::Config::new(
        Environment::Url("http://127.0.0.1:9".to_string()),
        "a",
        key.clone(),
        crate::common::bluepay_gateway_public(),
    )
    .link_origins([url.clone()]);
    let err = paybind::bluepay_jt::Client::new(config)
        .map(drop)
        .expect_err(&url);
    assert!(
        matches!(&err, ConfigError::BadUrl(shown) if shown == "ftp://reports.example/"),
        "{err:?}"
    );
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(SECRET), "{text}");
    }
}
