//! A local, stateful simulator of BluePay, BluePay JT, SGATE and SGATE Payin, for testing code
//! that uses [paybind](https://docs.rs/paybind): add it as a dev-dependency.
//!
//! One loopback HTTP server serves every operation of `openapi/bluepay.yaml`,
//! `openapi/bluepay-jt.yaml`, `openapi/sgate-payout.yaml` and `openapi/sgate-payin.yaml`, each
//! gateway under its own path prefix: `{base}/bluepay`, `{base}/bluepay-jt`, `{base}/sgate`,
//! `{base}/sgate-payin` (its API below `/api_v1`, as SGATE's). Routes and request
//! validation come from the specs' operation tables and schemas (an operation added to a YAML is
//! served, validated, and answered with its documented example until it is given behaviour).
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use paybind_sandbox::{Sandbox, SandboxConfig, Storage};
//! let sandbox = Sandbox::start(SandboxConfig { storage: Storage::Memory, ..Default::default() }).await?;
//! let client = paybind::bluepay::Client::new(sandbox.bluepay_config())?;
//! let balance = client.balance_inquiry(paybind::bluepay::types::BalanceInquiryParam::builder()).await?;
//! assert_eq!(balance.balance.to_string(), "10000.00");
//! # Ok(()) }
//! ```
//!
//! # What it checks
//!
//! BluePay and JT: the `appId` (21003), the RSA signature over `param` with the merchant public
//! key (21001), `param` against the operation's schema and `x-rules` (21002), the timestamp
//! (missing: 21008; further than [`SandboxConfig::timestamp_window`] from the sandbox clock:
//! 21009; seconds and milliseconds are both read), duplicate `mchOrderId` (21007), duplicate
//! `idempotencyId` (21015), unknown transactions (21006), the merchant balance (21014), the
//! refund rules 21401–21409 (60 days against the sandbox clock) and the void rules 21500–21505.
//!
//! SGATE: the `V-*` headers (1200, 1201, 1208, 1209, 1210, 1211), the MD5withRSA signature over
//! the path and query exactly as received — `/sgate` prefix included — (1213), the timestamp
//! window (1204), decryption of sensitive members with the system private key (1203), body and
//! query against the spec (1102 missing, 1103 invalid), then the business codes (1101, 1300,
//! 1302, 1304, 1401–1404, 1501, 1607–1611, …). Every answer is signed with the system private
//! key; authentication failures carry an empty `V-Signature`, as SGATE's do.
//!
//! SGATE Payin: the five `x-auth-*` headers — key, `HmacSHA256`, version `1`, the timestamp
//! window, and the HMAC-SHA256 with [`SandboxConfig::sgate_payin_secret`] over the path below
//! `/api_v1` and the operation's docs name, recomputed from the docs' algorithm (a refusal is
//! HTTP 403 `notAllowed` whose `data` says why and lists the pairs signed, as SGATE's example
//! shows) — then the path, header and body parameters against the spec (`invalidParameter`,
//! 400), the merchant ID of the path, the currency limits, the order's ticket, state and
//! refundable amount. Answers are the records themselves, unsigned. The codes other than
//! `notAllowed` are the sandbox's (`notFound` 404, `invalidParameter` 400, `invalidState` and
//! `duplicated` 409): SGATE documents none. Card numbers and security codes are neither kept
//! nor logged (the request log redacts the spec's `x-sensitive` members).
//!
//! # Lifecycles and who decides them
//!
//! Pending operations end by the first matching [`OutcomeRule`] (admin `PUT /admin/rules`, or
//! the config file), else by the built-in rules:
//!
//! | kind | built-in outcome |
//! |---|---|
//! | `payout`, `direct_debit`, `refund` | amount ending in `04` (minor units): failed, `failedCode` −10004; ending in `99`: stays pending; otherwise completed after [`SandboxConfig::auto_delay`] |
//! | `qr`, `webpay` | pending until the payer pays: `POST /admin/{gateway}/orders/{mchOrderId}/pay` (or `/fail`) |
//! | direct-debit authorization | pending until `POST /admin/{gateway}/direct-debit/{requestId}/authorize` (or `/reject`) |
//! | JT ticket | pending until `POST /admin/bluepay-jt/tickets/{ticketNo}/status` |
//! | SGATE customer | test accounts (the spec's `info.x-test-accounts`, by card number, IBAN or STCPay number) are reviewed automatically after the delay; others stay Incomplete until the ID photo is uploaded, then Pending until `POST /admin/sgate/customers/{id}/approve` (`reject`, `ban`); `autoapproval` 1 approves automatically |
//! | SGATE payment order | test accounts: Transferred or Error per the table after the delay; others pending until `POST /admin/sgate/orders/{id}/complete` (or `fail`) |
//! | SGATE Payin order | pending until paid on the hosted cashier (`{base}/sgate-payin/order/{id}?ticket=…`, [`Sandbox::sgate_payin_cashier_url`]) or directly: the documented test card passes the simulated 3DS page of its `redirectURL` and is approved, any other card is declined; the test STC Pay wallet with its code is approved. Unpaid past `expiredAt` (30 minutes by default): expired |
//! | SGATE Payin refund | the `refund` rules above; pending ones end with `POST /admin/sgate-payin/refunds/{id}/complete` (or `fail`) |
//!
//! Every state change that the docs give a notification for queues it — signed with the gateway
//! key (SGATE: headers signed with the system key, sensitive members encrypted with the
//! merchant public key) — and POSTs it to the `notifyUrl` / `refundCallbackUrl` / configured
//! callback URL with exponential backoff ([`NotifyPolicy`]) until it is acknowledged (BluePay,
//! JT: HTTP 200 with `{"code":10000,...}`; SGATE: HTTP 200). Each attempt is recorded:
//! `GET /admin/notifications`. Only loopback URLs are called unless
//! [`SandboxConfig::allow_external_notify`]. Payout notifications and SGATE callbacks go to
//! the URLs set with `PUT /admin/settings` (`bluepay_payout_notify_url`,
//! `bluepay_jt_payout_notify_url`, `sgate_callback_url`).
//!
//! SGATE Payin's callbacks follow its docs instead: an unsigned `GET` to the order's
//! `notificationURL` with `_orderId` and `_type` (`payment`, `refund`) added to its query,
//! acknowledged only by the body `COMPLETED::{ORDER_ID}`; sent again on the spec's schedule
//! (`info.x-callback-retry`: 5 s apart, 3 times, while unanswered; every 15 minutes while
//! answered otherwise — on the sandbox clock, so `POST /admin/clock/advance` moves them), at
//! most [`NotifyPolicy::max_attempts`] attempts in all.
//!
//! # Admin API and safety
//!
//! `{base}/admin/...` (see `GET /admin`) needs the token of the run: [`Sandbox::admin_token`],
//! sent as `Authorization: Bearer <token>` ([`Sandbox::admin`] does), printed by
//! `paybind sandbox`. Admin bodies are JSON only. Every route refuses a `Host` that is not
//! 127.0.0.1 or localhost (DNS rebinding) and an `Origin` other than the sandbox's own. The
//! request log keeps at most 2000 requests, bodies cut at 8 KiB, 16 MiB in all. What the admin
//! API and the dashboard show masks the members a spec marks `x-sensitive` (an SGATE customer's
//! ID and card numbers, a BluePay or JT payee's account number, name, tax id and mobile), in
//! the objects and in the request log; [`Sandbox::requests`] keeps the exact wire record.
//!
//! # Fault injection
//!
//! Per gateway and operation ([`Fault`]): latency, an HTTP status, a dropped connection,
//! malformed JSON, a bad signature, a documented error code (SGATE Payin's are words:
//! `error_code_text`), or a canned body — with `PUT /admin/faults` or the `faults` list of the config file. Latency, the HTTP status and the
//! dropped connection happen before the operation runs, or with `after_commit` once its state
//! is committed: the payout exists and its answer is lost, the case a merchant reconciles with
//! a status query (`benches/fault_run.rs` runs that recipe over a thousand payouts).
//!
//! # Trigger
//!
//! `POST /admin/trigger {gateway, event, overrides}` ([`Admin::trigger`], `paybind sandbox
//! trigger`) performs a [`TriggerEvent`] now — a QR code paid, a payout failed, a customer
//! approved… — with the state change and the signed notification it implies. The object acted
//! on is found by its id among the overrides (`mchOrderId`, `customid`…); when absent, the
//! least object the event needs is made first through the gateway's own rules, the overrides
//! applied to it ([`TriggerEvent::description`] says which, per event).
//!
//! # Fixtures
//!
//! [`SandboxConfig::fixtures`] (JSON, or TOML by the file's name; `paybind sandbox --fixtures`)
//! is the world a start begins from and `POST /admin/reset` returns to: balances, BluePay and
//! JT orders and refunds, SGATE customers and payment orders in given states, rules, faults and
//! settings, entries referring to each other by fixture `name`. Its JSON Schema is
//! [`fixtures_schema`]; a bad fixture stops the start with the entry, the member and the rule.
//!
//! # Config file
//!
//! [`SandboxConfig::config_file`] is JSON, applied at every start:
//! `{"faults": [Fault...], "rules": [OutcomeRule...], "settings": {"sgate_callback_url": "..."},
//! "channels": {"bluepay": {"TRUEMONEY_URL": {"partial_refund": false}}}}`.

#![warn(missing_docs)]
// The one unsafe module of this workspace is paybind's aws-lc interface.
#![deny(unsafe_code)]

mod admin;
mod admin_client;
mod base;
mod bluepay;
mod config_file;
mod dashboard;
mod fixtures;
mod gateways;
mod outcomes;
mod scheduler;
mod server;
mod sgate;
mod sgate_payin;
mod wire;

use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

pub use admin_client::Admin;
pub use base::admin_api::{
    ChannelCapabilities, ClockState, DeliveryAttempt, Failure, NotificationRecord, Rules, Settings,
    TicketAnswer, TicketStatus, Trigger, TriggerEvent, TriggerOutcome, VaTransfer,
};
pub use base::error::SandboxError;
pub use base::faults::{Fault, SignatureFault};
pub use base::gateway::Gateway;
pub use base::keys::{KeyFile, SandboxKeys};
pub use base::log::LoggedRequest;
pub use base::rules::OutcomeRule;
pub use base::settings::{FixtureSource, NotifyPolicy, SandboxConfig, Storage};
pub use base::store;
pub use base::store::{SqliteStore, StateStore, StoreError};
pub use config_file::config_file_schema;
pub use fixtures::fixtures_schema;

use base::error::io_error;
use base::ids::random_token;
use base::keys::keys_from_directory;
use base::shared::{Seed, Shared};
use config_file::{apply_config_file, read_config_file};
use scheduler::worker::worker;

/// A running sandbox. Stops when dropped.
pub struct Sandbox {
    shared: Arc<Shared>,
    base_url: String,
    key_paths: Vec<KeyFile>,
    stop: tokio::sync::watch::Sender<bool>,
    root_urls: Vec<(Gateway, String)>,
    server: Option<tokio::task::JoinHandle<()>>,
    gateway_servers: Vec<tokio::task::JoinHandle<()>>,
    worker: Option<tokio::task::JoinHandle<()>>,
    admin: Admin,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("base_url", &self.base_url)
            .field("key_paths", &self.key_paths)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Opens the state, loads or generates the keys, binds 127.0.0.1 and starts serving.
    pub async fn start(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
        let file_config = match &config.config_file {
            Some(path) => Some(read_config_file(path)?),
            None => None,
        };
        let fixtures = match &config.fixtures {
            Some(source) => Some(fixtures::read_fixtures(source)?),
            None => None,
        };
        let (keys, key_paths) = match (&config.keys, &config.keys_dir, &config.storage) {
            (Some(keys), _, _) => (keys.clone(), Vec::new()),
            (None, Some(directory), _) => keys_from_directory(directory, config.key_bits).await?,
            (None, None, Storage::File(database_path)) => {
                let directory = database_path
                    .parent()
                    .unwrap_or(Path::new("."))
                    .join("keys");
                keys_from_directory(&directory, config.key_bits).await?
            }
            (None, None, Storage::Memory) => {
                (SandboxKeys::generate(config.key_bits).await?, Vec::new())
            }
        };
        let mut store: Box<dyn StateStore> = match &config.storage {
            Storage::File(path) => Box::new(SqliteStore::open(path)?),
            Storage::Memory => Box::new(SqliteStore::memory()?),
        };
        if fixtures.is_some() {
            // Fixtures are where the world starts, whatever the state file held.
            store.clear()?;
        }
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port))
            .await
            .map_err(io_error(format!(
                "cannot listen on 127.0.0.1:{}",
                config.port
            )))?;
        let address = listener
            .local_addr()
            .map_err(io_error("cannot read the listening address"))?;
        let base_url = format!("http://{address}");
        let admin_token = random_token(32);
        let seed: Seed = Box::new(move |shared: &Shared| {
            if let Some(file_config) = &file_config {
                apply_config_file(shared, file_config).map_err(|e| e.to_string())?;
            }
            if let Some(fixtures) = &fixtures {
                fixtures::apply_fixtures(shared, fixtures)?;
            }
            Ok(())
        });
        let shared = Shared::new(
            config,
            admin_token.clone(),
            store,
            keys,
            base_url.clone(),
            seed,
        )?;
        shared.seed().map_err(SandboxError::Config)?;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let server = tokio::spawn(server::serve(
            listener,
            server::router(shared.clone()),
            stopped.clone(),
        ));
        let mut root_urls = Vec::new();
        let mut gateway_servers = Vec::new();
        for &gateway in Gateway::ALL {
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
                .await
                .map_err(io_error("cannot listen on 127.0.0.1"))?;
            let address = listener
                .local_addr()
                .map_err(io_error("cannot read the listening address"))?;
            root_urls.push((gateway, format!("http://{address}")));
            let router = server::gateway_router(shared.clone(), gateway);
            gateway_servers.push(tokio::spawn(server::serve(
                listener,
                router,
                stopped.clone(),
            )));
        }
        let worker = tokio::spawn(worker(shared.clone(), stopped, outcomes::run_job));
        let admin = Admin {
            http: base::http::http_client(None)?,
            base: format!("{base_url}/admin"),
            token: admin_token,
        };
        tracing::info!(%base_url, "paybind sandbox listening");
        Ok(Sandbox {
            shared,
            base_url,
            key_paths,
            stop,
            root_urls,
            server: Some(server),
            gateway_servers,
            worker: Some(worker),
            admin,
        })
    }

    /// `http://127.0.0.1:{port}`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The BluePay base URL, for `Environment::Url`.
    pub fn bluepay_url(&self) -> String {
        self.shared.gateway_url(Gateway::BluePay)
    }

    /// The BluePay JT base URL, for `Environment::Url`.
    pub fn bluepay_jt_url(&self) -> String {
        self.shared.gateway_url(Gateway::BluePayJt)
    }

    /// The SGATE base URL (without `/openApi/v1`), for `Environment::Url`.
    pub fn sgate_url(&self) -> String {
        self.shared.gateway_url(Gateway::Sgate)
    }

    /// The SGATE Payin base URL, `/api_v1` included, for `Environment::Url` (and
    /// `PAYBIND_SGATE_PAYIN_URL`): every signed `uri` is the path below it.
    pub fn sgate_payin_url(&self) -> String {
        format!(
            "{}{}",
            self.shared.gateway_url(Gateway::SgatePayin),
            wire::sgate_payin::auth::API_ROOT
        )
    }

    /// The address of the hosted cashier of an SGATE Payin order (the docs' standard payment
    /// link, `info.x-payment-links`), where a payer pays it with the documented test card or
    /// STC Pay wallet, then goes to `return_url` when one is given.
    pub fn sgate_payin_cashier_url(
        &self,
        order_id: &str,
        ticket: &str,
        return_url: Option<&str>,
    ) -> String {
        let link = sgate_payin::links::payment_link(
            "standard",
            order_id,
            ticket,
            return_url.unwrap_or(""),
            "EN",
        );
        format!("{}{link}", self.shared.gateway_url(Gateway::SgatePayin))
    }

    /// `gateway` at the root of a port of its own (`http://127.0.0.1:{port}`), for clients
    /// that sign production paths: SGATE's `/openApi/v1/...` arrives as signed, without the
    /// `/sgate` prefix (SGATE Payin's API is below `{root}/api_v1`). The same state and checks
    /// as the prefixed URL.
    pub fn root_url(&self, gateway: Gateway) -> &str {
        self.root_urls
            .iter()
            .find(|(root_gateway, _)| *root_gateway == gateway)
            .map_or("", |(_, url)| url.as_str())
    }

    /// The admin API base URL (`{base}/admin`).
    pub fn admin_url(&self) -> String {
        format!("{}/admin", self.base_url)
    }

    /// The dashboard's address, with this run's token: open it in a browser on this machine.
    pub fn dashboard_url(&self) -> String {
        let base = format!("{}/", self.base_url);
        reqwest::Url::parse_with_params(&base, [("token", self.admin_token())])
            .map(String::from)
            .unwrap_or(base)
    }

    /// The admin API's token for this run (send it as `Authorization: Bearer <token>`;
    /// [`Sandbox::admin`] does).
    pub fn admin_token(&self) -> &str {
        &self.shared.admin_token
    }

    /// The keys in use.
    pub fn keys(&self) -> &SandboxKeys {
        &self.shared.keys
    }

    /// The key files read or written (empty when the keys live only in memory).
    pub fn key_paths(&self) -> &[KeyFile] {
        &self.key_paths
    }

    /// The BluePay app id the sandbox accepts.
    pub fn bluepay_app_id(&self) -> &str {
        &self.shared.settings.bluepay_app_id
    }

    /// The JT app id the sandbox accepts.
    pub fn bluepay_jt_app_id(&self) -> &str {
        &self.shared.settings.bluepay_jt_app_id
    }

    /// The SGATE API KEY the sandbox accepts.
    pub fn sgate_api_key(&self) -> &str {
        &self.shared.settings.sgate_api_key
    }

    /// The SGATE Payin key (`x-auth-key`) the sandbox accepts.
    pub fn sgate_payin_key(&self) -> &str {
        &self.shared.settings.sgate_payin_key
    }

    /// The secret SGATE Payin requests are signed with.
    pub fn sgate_payin_secret(&self) -> &str {
        &self.shared.settings.sgate_payin_secret
    }

    /// The SGATE Payin merchant ID.
    pub fn sgate_payin_merchant_id(&self) -> &str {
        &self.shared.settings.sgate_payin_merchant_id
    }

    /// A BluePay client config for this sandbox (URL, app id, merchant key, gateway key).
    pub fn bluepay_config(&self) -> paybind::bluepay::Config {
        let keys = self.keys();
        paybind::bluepay::Config::new(
            paybind::bluepay::Environment::Url(self.bluepay_url()),
            self.bluepay_app_id(),
            keys.bluepay_merchant.clone(),
            keys.bluepay_gateway_public(),
        )
        .hash(self.shared.settings.envelope_hash)
    }

    /// A BluePay JT client config for this sandbox.
    pub fn bluepay_jt_config(&self) -> paybind::bluepay_jt::Config {
        let keys = self.keys();
        paybind::bluepay_jt::Config::new(
            paybind::bluepay_jt::Environment::Url(self.bluepay_jt_url()),
            self.bluepay_jt_app_id(),
            keys.bluepay_merchant.clone(),
            keys.bluepay_gateway_public(),
        )
        .hash(self.shared.settings.envelope_hash)
    }

    /// An SGATE client config for this sandbox.
    pub fn sgate_config(&self) -> paybind::sgate::Config {
        let keys = self.keys();
        paybind::sgate::Config::new(
            paybind::sgate::Environment::Url(self.sgate_url()),
            self.sgate_api_key(),
            keys.sgate_merchant.clone(),
            keys.sgate_system_public(),
        )
    }

    /// An SGATE Payin client config for this sandbox (URL with `/api_v1`, key, secret,
    /// merchant ID).
    pub fn sgate_payin_config(&self) -> paybind::sgate_payin::Config {
        paybind::sgate_payin::Config::new(
            paybind::sgate_payin::Environment::Url(self.sgate_payin_url()),
            self.sgate_payin_key(),
            self.sgate_payin_secret(),
            self.sgate_payin_merchant_id(),
        )
    }

    /// The admin API client.
    pub fn admin(&self) -> &Admin {
        &self.admin
    }

    /// Every request received (newest last; the last 2000), exactly as it arrived: unlike
    /// `GET /admin/requests`, sensitive members are not masked.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.requests()
    }

    /// Every notification with its delivery attempts (as `GET /admin/notifications`).
    pub fn notifications(&self) -> Result<Vec<Value>, SandboxError> {
        Ok(self
            .shared
            .read(|store| store.list("notification"))?
            .into_iter()
            .map(|(_, notification)| notification)
            .collect())
    }

    /// Serves until the process is stopped (or the server task ends).
    pub async fn wait(mut self) {
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }

    /// Stops serving and waits for the server and worker to end.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        let tasks = [self.server.take(), self.worker.take()];
        let all = tasks
            .into_iter()
            .flatten()
            .chain(self.gateway_servers.drain(..));
        for task in all {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        let tasks = [self.server.take(), self.worker.take()];
        for task in tasks
            .into_iter()
            .flatten()
            .chain(self.gateway_servers.drain(..))
        {
            task.abort();
        }
    }
}
