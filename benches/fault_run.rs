//! Faults end to end (issue 11, item 9): a thousand payouts through the local sandbox — BluePay
//! payouts, BluePay JT payouts and SGATE payment orders — while the sandbox drops connections,
//! answers 5xx and stalls past the client's timeout, each fault either before the gateway
//! committed the payout or after, and while some first attempts meet a refused connection. Every payout follows the README's recipe ("When you do not
//! know whether a request was processed"); at the end the gateway side is counted: every
//! business request exists exactly once, nothing is duplicated, nothing is lost.
//!
//! `cargo run -p paybind-benches --bin fault_run [-- --payouts 1000 --timeout-ms 500]`. It prints
//! the counts and exits 0 only when every check holds; CI runs it (`.ci/run`). Loopback only. It
//! lives with the load generator rather than in `examples/` because `cargo test` builds every
//! example, and this one is a soak run, not a sample to copy.
//!
//! Every payout is one call of the operation's generated `<operation>_reconciled` method, which
//! packages the recipe (sent once; after an unknown outcome looked up by its merchant id and sent
//! again only when the gateway has no such order; a duplicate refusal looked up). The run checks
//! that the way each call took matches its fault: none, created; a fault before the gateway
//! committed, sent again; after, found. A refused connection is the error that says nothing was
//! sent: the reconciled method returns it, and the merchant sends the same request again, which
//! is then created (not found: the first never arrived).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use paybind::keys::PrivateKey;
use paybind::money::Decimal2;
use paybind::reconcile::Reconciled;
use paybind::{bluepay, bluepay_jt, sgate};
use paybind_sandbox::{Admin, Fault, Sandbox, SandboxConfig, SandboxKeys, Storage};
use serde_json::Value;

/// Each payout moves this much (minor units: THB 1.00, SAR 1.00).
const AMOUNT: i64 = 100;
/// Every `N`th faulted payout's first status query is answered 503 (a read: asked again).
const LOOKUP_FAULT_EVERY: u32 = 5;
/// The SGATE payee every payment order pays (a test account of sgate.md §A13).
const PAYEE: &str = "fr001";

/// The fault planned for one payout's first attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    None,
    DropBeforeCommit,
    DropAfterCommit,
    ServerErrorBeforeCommit,
    ServerErrorAfterCommit,
    TimeoutBeforeCommit,
    TimeoutAfterCommit,
    /// The first attempt goes to a port that refuses every connection (not a sandbox fault).
    ConnectRefused,
}

impl Kind {
    /// A fixed plan: about 30 payouts in 100 meet a fault, spread over the three gateways.
    fn of(payout: usize) -> Kind {
        match (payout * 37 + 11) % 100 {
            0..=3 => Kind::DropBeforeCommit,
            4..=9 => Kind::DropAfterCommit,
            10..=15 => Kind::ServerErrorBeforeCommit,
            16..=19 => Kind::ServerErrorAfterCommit,
            20..=22 => Kind::TimeoutBeforeCommit,
            23..=27 => Kind::TimeoutAfterCommit,
            28..=29 => Kind::ConnectRefused,
            _ => Kind::None,
        }
    }

    /// Whether the gateway committed the payout before the fault hit.
    fn committed(self) -> bool {
        matches!(
            self,
            Kind::DropAfterCommit | Kind::ServerErrorAfterCommit | Kind::TimeoutAfterCommit
        )
    }

    /// The sandbox fault (admin `PUT /admin/faults`) for one request.
    fn fault(self, gateway: &str, operation: &str, stall_ms: u64) -> Option<Fault> {
        let what = match self {
            Kind::None | Kind::ConnectRefused => return None,
            Kind::DropBeforeCommit | Kind::DropAfterCommit => Fault {
                drop_connection: true,
                ..Fault::default()
            },
            Kind::ServerErrorBeforeCommit => Fault {
                http_status: Some(503),
                ..Fault::default()
            },
            Kind::ServerErrorAfterCommit => Fault {
                http_status: Some(502),
                ..Fault::default()
            },
            Kind::TimeoutBeforeCommit | Kind::TimeoutAfterCommit => Fault {
                latency_ms: stall_ms,
                ..Fault::default()
            },
        };
        Some(Fault {
            gateway: gateway.into(),
            operation: operation.into(),
            after_commit: self.committed(),
            times: Some(1),
            ..what
        })
    }
}

/// Which way one payout reached the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Way {
    Created,
    AlreadyThere,
    Resent,
}

impl Way {
    fn of<C, F>(outcome: Reconciled<C, F>) -> Way {
        match outcome {
            Reconciled::Created(_) => Way::Created,
            Reconciled::AlreadyThere(_) => Way::AlreadyThere,
            Reconciled::Resent(_) => Way::Resent,
            _ => Way::Created,
        }
    }
}

/// A payout call that ended in an error.
#[derive(Debug)]
struct Failed {
    message: String,
    /// [`paybind::error::Error::may_have_been_sent`]: `false` when the request certainly never
    /// left the client.
    may_have_been_sent: bool,
}

impl From<Failed> for String {
    fn from(failed: Failed) -> String {
        failed.message
    }
}

/// One gateway's money-moving operation.
enum Api {
    BluePay(bluepay::Client),
    Jt(bluepay_jt::Client),
    Sgate(sgate::Client),
}

impl Api {
    /// Gateway, create operation, status operation, id prefix.
    fn names(&self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Api::BluePay(_) => ("bluepay", "payout_create", "payout_status", "FRBP"),
            Api::Jt(_) => ("bluepay-jt", "payout_create", "payout_status", "FRJT"),
            Api::Sgate(_) => (
                "sgate",
                "payment_order_create",
                "payment_order_detail",
                "FRSG",
            ),
        }
    }

    /// Business request `id` (always the same request for the same id), reconciled.
    async fn pay(&self, id: &str) -> Result<Way, Failed> {
        macro_rules! failed {
            () => {
                |e| Failed {
                    message: format!("{id}: {e}"),
                    may_have_been_sent: e.may_have_been_sent(),
                }
            };
        }
        match self {
            Api::BluePay(c) => {
                let payout = bluepay::types::PayoutCreateParam::builder()
                    .mch_order_id(id)
                    .idempotency_id(format!("{id}I"))
                    .amount(AMOUNT)
                    .pay_method_code("PROMPTPAY")
                    .promptpay_account_type("MSISDN")
                    .account_no("0812345678");
                let outcome = c.payout_create_reconciled(payout).await;
                outcome.map(Way::of).map_err(failed!())
            }
            Api::Jt(c) => {
                let payout = bluepay_jt::types::PayoutCreateParam::builder()
                    .mch_order_id(id)
                    .idempotency_id(format!("{id}I"))
                    .amount(AMOUNT)
                    .pay_method_code("PROMPTPAY")
                    .promptpay_account_type("MSISDN")
                    .account_no("0812345678");
                let outcome = c.payout_create_reconciled(payout).await;
                outcome.map(Way::of).map_err(failed!())
            }
            Api::Sgate(c) => {
                let order = sgate::types::PaymentOrderCreateParam::builder()
                    .mercustomid(PAYEE)
                    .payeeuid(id)
                    .amount(Decimal2::from_minor_units(AMOUNT))
                    .currency("SAR")
                    .paymentmethod("bankTransfer");
                let outcome = c.payment_order_create_reconciled(order).await;
                outcome.map(Way::of).map_err(failed!())
            }
        }
    }
}

/// What the run counted, by name (summed over the lanes), and what went against the plan.
#[derive(Debug, Default)]
struct Counts {
    by_name: BTreeMap<String, u32>,
    /// Problems of the recovery itself (each one a failure of the run).
    violations: Vec<String>,
}

impl Counts {
    fn bump(&mut self, what: impl Into<String>) {
        *self.by_name.entry(what.into()).or_default() += 1;
    }

    fn add(&mut self, other: Counts) {
        for (what, n) in other.by_name {
            *self.by_name.entry(what).or_default() += n;
        }
        self.violations.extend(other.violations);
    }
}

/// One gateway's payouts, one at a time, so a fault set for the next request is the one it
/// meets (faults are per gateway and operation).
struct Lane {
    api: Api,
    /// The same gateway's client whose every connection is refused.
    refused: Api,
    admin: Admin,
    stall_ms: u64,
    counts: Counts,
    /// Payouts given a fault so far.
    faulted: u32,
}

impl Lane {
    async fn set_fault(&self, fault: Option<Fault>) -> Result<(), String> {
        match fault {
            Some(fault) => self.admin.set_faults(&[fault]).await.map(drop),
            None => Ok(()),
        }
        .map_err(|e| format!("admin: {e}"))
    }

    /// Whether the fault set for `operation` was spent (so it met the request it was set for).
    async fn fault_spent(&self, operation: &str) -> Result<bool, String> {
        let (gateway, ..) = self.api.names();
        let left = self.admin.faults().await.map_err(|e| e.to_string())?;
        Ok(!left
            .iter()
            .any(|f| f.gateway == gateway && f.operation == operation))
    }

    /// One business request to its end through the reconciled method; checks the way it took
    /// against its fault.
    async fn pay(&mut self, id: &str, kind: Kind) -> Result<(), String> {
        let (gateway, create_op, status_op, _) = self.api.names();
        let mut status_fault = false;
        let fault = kind.fault(gateway, create_op, self.stall_ms);
        let injected = fault.is_some();
        if kind == Kind::ConnectRefused {
            self.counts.bump(format!("faults injected: {kind:?}"));
            self.first_attempt_refused(id).await;
        }
        if let Some(fault) = fault {
            self.counts.bump(format!("faults injected: {kind:?}"));
            self.set_fault(Some(fault)).await?;
            self.faulted += 1;
            // Every few faulted payouts, the first status query fails too (a read: asked again).
            // Every faulted payout is looked up, so the fault meets a status query.
            if self.faulted.is_multiple_of(LOOKUP_FAULT_EVERY) {
                self.counts.bump("503s injected on status queries");
                self.set_fault(Kind::ServerErrorBeforeCommit.fault(gateway, status_op, 0))
                    .await?;
                status_fault = true;
            }
        }
        let way = self.api.pay(id).await?;
        if injected && !self.fault_spent(create_op).await? {
            return Err(format!("{id}: the {kind:?} fault did not meet its request"));
        }
        if status_fault && !self.fault_spent(status_op).await? {
            return Err(format!("{id}: no status query met its fault"));
        }
        self.counts.bump(format!("{way:?}"));
        let expected = match kind {
            Kind::None | Kind::ConnectRefused => Way::Created,
            kind if kind.committed() => Way::AlreadyThere,
            _ => Way::Resent,
        };
        if way != expected {
            self.counts
                .violations
                .push(format!("{id}: {kind:?} came to {way:?}, not {expected:?}"));
        }
        Ok(())
    }
}

impl Lane {
    /// The first attempt of `id` through the refused client must end in an error saying nothing
    /// was sent (the reconciled method's "nothing was sent" branch), so that sending the same
    /// request again is safe.
    async fn first_attempt_refused(&mut self, id: &str) {
        match self.refused.pay(id).await {
            Err(Failed {
                may_have_been_sent: false,
                ..
            }) => self.counts.bump("refused first attempts: nothing sent"),
            other => self.counts.violations.push(format!(
                "{id}: a refused connection came to {other:?}, not an error saying nothing was sent"
            )),
        }
    }
}

/// Runs one lane over `ids` (`(id, kind)`).
async fn run_lane(mut lane: Lane, ids: Vec<(String, Kind)>) -> Result<Counts, String> {
    for (id, kind) in ids {
        lane.pay(&id, kind).await?;
    }
    Ok(lane.counts)
}

/// The merchant ids of one gateway's orders, as the sandbox holds them (`GET /admin/objects`).
fn gateway_ids(objects: &Value, gateway: &str) -> Vec<String> {
    let (table, member) = match gateway {
        "sgate" => ("payment_orders", "payeeuid"),
        _ => ("orders", "mchOrderId"),
    };
    objects[gateway]["objects"][table]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| o[member].as_str().map(str::to_string))
        .collect()
}

fn options() -> Result<(usize, u64), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str, default: u64| -> Result<u64, String> {
        match args.iter().position(|a| a == name) {
            Some(i) => args
                .get(i + 1)
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{name} takes a number")),
            None => Ok(default),
        }
    };
    let payouts = usize::try_from(value("--payouts", 1000)?.clamp(3, 100_000)).unwrap_or(1000);
    Ok((payouts, value("--timeout-ms", 500)?.clamp(50, 60_000)))
}

async fn start_sandbox() -> Result<Sandbox, String> {
    let key = |text: &str| PrivateKey::from_text(text).map_err(|e| e.to_string());
    let keys = SandboxKeys {
        bluepay_merchant: key(include_str!("../tests/fixtures/merchant-2048.pem"))?,
        bluepay_gateway: key(include_str!("../tests/fixtures/gateway-2048.pem"))?,
        sgate_merchant: key(include_str!("../tests/fixtures/sgate-merchant-2048.pem"))?,
        sgate_system: key(include_str!("../tests/fixtures/sgate-system-2048.pem"))?,
    };
    Sandbox::start(SandboxConfig {
        storage: Storage::Memory,
        keys: Some(keys),
        // Orders stay pending: the run counts them, not their endings.
        auto_delay: Duration::from_secs(3600),
        ..SandboxConfig::default()
    })
    .await
    .map_err(|e| e.to_string())
}

/// The SGATE payee of every payment order, approved.
async fn sgate_payee(sandbox: &Sandbox, client: &sgate::Client) -> Result<(), String> {
    let customer = sgate::types::CustomerCreateParam::builder()
        .name_e("fault run")
        .name_a("fault run")
        .mercustomid(PAYEE)
        .identity("1012345678")
        .bankcode("1174c")
        .cardno("5123450000000001")
        .ibanaccount("SA0000000000000000000001");
    client
        .customer_create(customer)
        .await
        .map_err(|e| e.to_string())?;
    sandbox
        .admin()
        .approve_customer(PAYEE)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// The three gateways' clients of `sandbox`; with `proxy`, each connects only to that proxy.
fn clients(sandbox: &Sandbox, timeout: Duration, proxy: Option<&str>) -> Result<[Api; 3], String> {
    let proxy = proxy
        .map(paybind::reqwest::Proxy::all)
        .transpose()
        .map_err(|e| e.to_string())?;
    let http = || {
        let proxy = proxy.clone();
        move |builder: paybind::reqwest::ClientBuilder| match &proxy {
            Some(proxy) => builder.proxy(proxy.clone()),
            None => builder,
        }
    };
    Ok([
        Api::BluePay(
            bluepay::Client::new(
                sandbox
                    .bluepay_config()
                    .timeout(timeout)
                    .http_client(http()),
            )
            .map_err(|e| e.to_string())?,
        ),
        Api::Jt(
            bluepay_jt::Client::new(
                sandbox
                    .bluepay_jt_config()
                    .timeout(timeout)
                    .http_client(http()),
            )
            .map_err(|e| e.to_string())?,
        ),
        Api::Sgate(
            sgate::Client::new(sandbox.sgate_config().timeout(timeout).http_client(http()))
                .map_err(|e| e.to_string())?,
        ),
    ])
}

async fn run() -> Result<(), String> {
    let (payouts, timeout_ms) = options()?;
    let started = Instant::now();
    let sandbox = start_sandbox().await?;
    let timeout = Duration::from_millis(timeout_ms);
    let apis = clients(&sandbox, timeout, None)?;
    // Bound but not listening: the kernel refuses every connection to this port while the
    // socket lives, and no other process can take the port meanwhile.
    let refusing = tokio::net::TcpSocket::new_v4().map_err(|e| e.to_string())?;
    refusing
        .bind(([127, 0, 0, 1], 0).into())
        .map_err(|e| e.to_string())?;
    let refusing_url = format!(
        "http://{}",
        refusing.local_addr().map_err(|e| e.to_string())?
    );
    let refused = clients(&sandbox, timeout, Some(&refusing_url))?;
    if let Api::Sgate(client) = &apis[2] {
        sgate_payee(&sandbox, client).await?;
    }
    let before = sandbox
        .admin()
        .get("objects")
        .await
        .map_err(|e| e.to_string())?;

    let mut expected: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let mut tasks = Vec::new();
    for (n, (api, refused)) in apis.into_iter().zip(refused).enumerate() {
        let (gateway, .., prefix) = api.names();
        let ids: Vec<(String, Kind)> = (0..payouts)
            .filter(|i| i % 3 == n)
            .map(|i| (format!("{prefix}{i:06}"), Kind::of(i)))
            .collect();
        expected.insert(gateway, ids.iter().map(|(id, _)| id.clone()).collect());
        let lane = Lane {
            api,
            refused,
            admin: sandbox.admin().clone(),
            // Twice the client's timeout: the client has given up long before.
            stall_ms: timeout_ms * 2,
            counts: Counts::default(),
            faulted: 0,
        };
        tasks.push(tokio::spawn(run_lane(lane, ids)));
    }
    let mut counts = Counts::default();
    for task in tasks {
        counts.add(task.await.map_err(|e| e.to_string())??);
    }

    let after = sandbox
        .admin()
        .get("objects")
        .await
        .map_err(|e| e.to_string())?;
    let (mut orders, mut duplicates, mut lost, mut strangers) = (0, 0, 0, 0);
    for (gateway, ids) in &expected {
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for id in gateway_ids(&after, gateway) {
            *seen.entry(id).or_default() += 1;
        }
        let held: usize = seen.values().sum();
        orders += held;
        for id in ids {
            match seen.remove(id) {
                Some(n) => duplicates += n - 1,
                None => lost += 1,
            }
        }
        strangers += seen.len();
        println!("{gateway}: {held} orders for {} payouts", ids.len());
    }
    let moved = money_moved(&before, &after);

    println!("payouts (business requests): {payouts}");
    for (what, n) in &counts.by_name {
        println!("{what}: {n}");
    }
    println!("gateway-side orders: {orders}");
    println!("duplicates: {duplicates}");
    println!("lost: {lost}");
    println!("orders nobody asked for: {strangers}");
    println!("money moved (minor units): {moved:?}");
    println!("elapsed: {:.1} s", started.elapsed().as_secs_f64());

    let mut failures = counts.violations;
    if orders != payouts || duplicates != 0 || lost != 0 || strangers != 0 {
        failures.push(format!(
            "{orders} orders for {payouts} payouts: {duplicates} duplicated, {lost} lost, {strangers} unknown"
        ));
    }
    for (gateway, ids) in &expected {
        let want = i64::try_from(ids.len()).unwrap_or(i64::MAX) * AMOUNT;
        if moved.get(*gateway) != Some(&want) {
            failures.push(format!("{gateway}: {want} minor units should have moved"));
        }
    }
    let kinds = counts
        .by_name
        .keys()
        .filter(|k| k.starts_with("faults injected"));
    if kinds.count() != 7 {
        failures.push("not every kind of fault was injected".to_string());
    }
    sandbox.shutdown().await;
    drop(refusing);
    if failures.is_empty() {
        println!("ok: every payout exists exactly once");
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

/// How much left each gateway's balance between two `GET /admin/objects` (minor units of THB
/// for BluePay and JT, of SAR for SGATE).
fn money_moved(before: &Value, after: &Value) -> BTreeMap<String, i64> {
    let minor = |objects: &Value, gateway: &str| -> Option<i64> {
        let currency = if gateway == "sgate" { "SAR" } else { "THB" };
        let entry = objects[gateway]["balance"]
            .as_array()?
            .iter()
            .find(|b| b["currency"] == currency)?;
        match entry["minor_units"].as_i64() {
            Some(minor) => Some(minor),
            None => entry["amount"]
                .as_str()?
                .parse::<Decimal2>()
                .ok()
                .and_then(Decimal2::minor_units),
        }
    };
    ["bluepay", "bluepay-jt", "sgate"]
        .into_iter()
        .filter_map(|g| Some((g.to_string(), minor(before, g)? - minor(after, g)?)))
        .collect()
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("fault run FAILED:\n{e}");
        std::process::exit(1);
    }
}
