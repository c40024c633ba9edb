//! paybind's integration tests, in one binary so the crate and the sandbox are linked once
//! (issue 9: seventeen binaries each linking everything took a 7 GB target directory).
//! Add a new test file as a module here, never as a new `tests/*.rs`.
//!
//! `common` and `sgate_support` are the shared helpers (`crate::common`, `crate::sgate_support`);
//! fixtures stay in `tests/fixtures/`; the insta snapshots are in `tests/it/snapshots/`, named
//! after the module path (`it__snapshots__…`).
//!
//! The dev-dependency on paybind itself enables `sandbox` (and with it every gateway and axum),
//! so plain `cargo test` runs everything but the command line; the `cfg`s below say what each
//! module needs.

mod common;
#[cfg(all(feature = "bluepay", feature = "sgate"))]
mod config_from_env;
#[cfg(feature = "sgate")]
mod sgate_support;

#[cfg(feature = "axum")]
mod axum_extractor;
#[cfg(all(feature = "sgate", feature = "bluepay-jt"))]
mod base_url;
mod bluepay_e2e;
mod bluepay_interop;
#[cfg(feature = "bluepay-jt")]
mod bluepay_jt;
#[cfg(all(feature = "bluepay", feature = "sgate"))]
mod bounded_memory;
#[cfg(all(feature = "sgate", feature = "bluepay-jt"))]
mod download_caps;
#[cfg(feature = "envelope")]
mod envelope_sign;
#[cfg(feature = "sgate")]
mod error_recode;
mod examples_roundtrip;
#[cfg(feature = "sgate")]
mod fidelity;
#[cfg(all(feature = "bluepay", feature = "bluepay-jt", feature = "sgate"))]
mod fidelity_edges;
mod generated;
mod good_citizen;
#[cfg(all(feature = "sgate", feature = "bluepay-jt"))]
mod hardening;
mod identity;
mod keys;
mod money_exact;
#[cfg(feature = "sgate")]
mod money_messages;
#[cfg(all(feature = "sgate", feature = "bluepay"))]
mod no_quoted_values;
mod no_unit_tests_in_src;
#[cfg(feature = "bluepay-jt")]
mod notification_events;
#[cfg(all(feature = "bluepay", feature = "sgate"))]
mod outcome_unknown;
#[cfg(feature = "sgate")]
mod paged_streams;
mod pipeline;
#[cfg(feature = "sgate")]
mod query_validation;
#[cfg(feature = "sgate")]
mod randomness;
#[cfg(feature = "sgate")]
mod received_money;
#[cfg(all(feature = "bluepay", feature = "sgate"))]
mod reconcile;
#[cfg(feature = "sgate")]
mod redaction;
#[cfg(all(feature = "bluepay", feature = "bluepay-jt"))]
mod redaction_payee;
mod redaction_raw_body;
mod retries;
mod sandbox_admin_client;
mod sandbox_base;
mod sandbox_bluepay;
mod sandbox_config_schema;
mod sandbox_dashboard;
mod sandbox_fixtures;
mod sandbox_hostile;
mod sandbox_ops;
mod sandbox_root_ports;
mod sandbox_safety;
mod sandbox_sgate;
#[cfg(all(feature = "sgate-payin", feature = "axum"))]
mod sandbox_sgate_payin;
mod sandbox_transport;
mod sandbox_trigger;
mod schema_export;
#[cfg(all(feature = "bluepay", feature = "bluepay-jt", feature = "sgate"))]
mod setters;
#[cfg(all(feature = "sgate", feature = "axum"))]
mod sgate_axum;
#[cfg(feature = "sgate")]
mod sgate_e2e;
#[cfg(feature = "sgate")]
mod sgate_examples;
#[cfg(all(feature = "sgate-payin", feature = "axum"))]
mod sgate_payin;
#[cfg(feature = "sgate")]
mod sgate_signing;
#[cfg(feature = "sgate")]
mod sgate_snapshots;
mod snapshots;
#[cfg(feature = "sgate")]
mod statement_stream;
#[cfg(feature = "testing")]
mod testing_kit;
#[cfg(feature = "sgate")]
mod tracing_secrets;
mod unconfirmed_notes;
#[cfg(all(feature = "bluepay-jt", feature = "sgate"))]
mod wire_answers;
#[cfg(feature = "bluepay")]
mod your_http_client;
