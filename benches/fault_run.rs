//! Faults end to end (issue 11, item 9): a thousand payouts through the local sandbox — BluePay
//! payouts, BluePay JT payouts and SGATE payment orders — while the sandbox drops connections,
//! answers 5xx and stalls past the client's timeout, each fault either before the gateway
//! committed the payout or after. Every payout follows the README's recipe ("When you do not
//! know whether a request was processed"); at the end the gateway side is counted: every
//! business request exists exactly once, nothing is duplicated, nothing is lost.
//!
//! `cargo run -p paybind-benches --bin fault_run [-- --payouts 1000 --timeout-ms 500]`. It prints
//! the counts and exits 0 only when every check holds; CI runs it (`.ci/run`). Loopback only. It
//! lives with the load generator rather than in `examples/` because `cargo test` builds every
//! example, and this one is a soak run, not a sample to copy.
//!
//! The recipe, per call of a money-moving operation:
//! - an answer: done; a duplicate refusal (21007, 21015, 1401): the first attempt was processed,
//!   look it up;
//! - `!may_have_been_sent()`: nothing left the machine, send the same request again;
//! - `is_retryable()` (a 5xx on an operation the gateway de-duplicates): send the same request
//!   again, the gateway refuses it if the first one landed;
//! - otherwise (a timeout, a dropped connection): the status query; found: done; not found:
//!   send the same request again. Never a new key.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use paybind::codes::Code;
use paybind::error::Error;
use paybind::keys::PrivateKey;
use paybind::money::Decimal2;
use paybind::{bluepay, bluepay_jt, sgate};
use paybind_sandbox::{Admin, Sandbox, SandboxConfig, SandboxKeys, Storage};
use serde_json::{json, Value};

/// Each payout moves this much (minor units: THB 1.00, SAR 1.00).
const AMOUNT: i64 = 100;
/// Attempts of one business request before the run gives up on it (a failure of the run).
const MAX_ATTEMPTS: u32 = 6;
/// Every `N`th status query is answered 503 first (a status query is read-only: repeat it).
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
}

impl Kind {
    /// A fixed plan: about 28 payouts in 100 meet a fault, spread over the three gateways.
    fn of(payout: usize) -> Kind {
        match (payout * 37 + 11) % 100 {
            0..=3 => Kind::DropBeforeCommit,
            4..=9 => Kind::DropAfterCommit,
            10..=15 => Kind::ServerErrorBeforeCommit,
            16..=19 => Kind::ServerErrorAfterCommit,
            20..=22 => Kind::TimeoutBeforeCommit,
            23..=27 => Kind::TimeoutAfterCommit,
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
    fn fault(self, gateway: &str, operation: &str, stall_ms: u64) -> Option<Value> {
        let mut fault = match self {
            Kind::None => return None,
            Kind::DropBeforeCommit | Kind::DropAfterCommit => json!({"drop_connection": true}),
            Kind::ServerErrorBeforeCommit => json!({"http_status": 503}),
            Kind::ServerErrorAfterCommit => json!({"http_status": 502}),
            Kind::TimeoutBeforeCommit | Kind::TimeoutAfterCommit => json!({"latency_ms": stall_ms}),
        };
        fault["gateway"] = json!(gateway);
        fault["operation"] = json!(operation);
        fault["after_commit"] = json!(self.committed());
        fault["times"] = json!(1);
        Some(fault)
    }
}

/// What one create call came to.
enum Sent {
    Created,
    Duplicate,
    Failed {
        sent: bool,
        retryable: bool,
        what: String,
    },
}

/// What one status query came to.
enum Looked {
    Found,
    NotFound,
    Failed { retryable: bool, what: String },
}

fn sent<T, C: Code>(result: Result<T, Error<C>>, duplicate: &[i64]) -> Sent {
    match result {
        Ok(_) => Sent::Created,
        Err(e) if e.code().is_some_and(|c| duplicate.contains(&c.code())) => Sent::Duplicate,
        Err(e) => Sent::Failed {
            sent: e.may_have_been_sent(),
            retryable: e.is_retryable(),
            what: e.to_string(),
        },
    }
}

fn looked<T, C: Code>(result: Result<T, Error<C>>, not_found: i64) -> Looked {
    match result {
        Ok(_) => Looked::Found,
        Err(e) if e.code().is_some_and(|c| c.code() == not_found) => Looked::NotFound,
        Err(e) => Looked::Failed {
            retryable: e.is_retryable(),
            what: e.to_string(),
        },
    }
}

/// One gateway's money-moving operation and its status query.
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

    /// Sends business request `id` (always the same request for the same id).
    async fn create(&self, id: &str) -> Sent {
        match self {
            Api::BluePay(c) => {
                let payout = bluepay::types::PayoutCreateParam::builder()
                    .mch_order_id(id)
                    .idempotency_id(format!("{id}I"))
                    .amount(AMOUNT)
                    .pay_method_code("PROMPTPAY")
                    .promptpay_account_type("MSISDN")
                    .account_no("0812345678");
                sent(c.payout_create(payout).await, &[21007, 21015])
            }
            Api::Jt(c) => {
                let payout = bluepay_jt::types::PayoutCreateParam::builder()
                    .mch_order_id(id)
                    .idempotency_id(format!("{id}I"))
                    .amount(AMOUNT)
                    .pay_method_code("PROMPTPAY")
                    .promptpay_account_type("MSISDN")
                    .account_no("0812345678");
                sent(c.payout_create(payout).await, &[21007, 21015])
            }
            Api::Sgate(c) => {
                let order = sgate::types::PaymentOrderCreateParam::builder()
                    .mercustomid(PAYEE)
                    .payeeuid(id)
                    .amount(Decimal2::from_minor_units(AMOUNT))
                    .currency("SAR")
                    .paymentmethod("bankTransfer");
                sent(c.payment_order_create(order).await, &[1401])
            }
        }
    }

    /// The status query of business request `id`.
    async fn lookup(&self, id: &str) -> Looked {
        match self {
            Api::BluePay(c) => {
                let q = bluepay::types::PayoutStatusParam::builder().mch_order_id(id);
                looked(c.payout_status(q).await, 21006)
            }
            Api::Jt(c) => {
                let q = bluepay_jt::types::PayoutStatusParam::builder().mch_order_id(id);
                looked(c.payout_status(q).await, 21006)
            }
            Api::Sgate(c) => looked(c.payment_order_detail(|q| q.payeeuid(id)).await, 1101),
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
    admin: Admin,
    stall_ms: u64,
    counts: Counts,
    lookups: u32,
}

impl Lane {
    async fn set_fault(&self, fault: Option<Value>) -> Result<(), String> {
        match fault {
            Some(fault) => self.admin.put("faults", fault).await.map(drop),
            None => Ok(()),
        }
        .map_err(|e| format!("admin: {e}"))
    }

    /// Whether the fault set for `operation` was spent (so it met the request it was set for).
    async fn fault_spent(&self, operation: &str) -> Result<bool, String> {
        let (gateway, ..) = self.api.names();
        let left = self.admin.get("faults").await.map_err(|e| e.to_string())?;
        Ok(!left
            .as_array()
            .into_iter()
            .flatten()
            .any(|f| f["gateway"] == gateway && f["operation"] == operation))
    }

    /// The status query until it answers (a failed query is repeated: it only reads).
    async fn lookup(&mut self, id: &str) -> Result<bool, String> {
        for _ in 0..MAX_ATTEMPTS {
            self.lookups += 1;
            self.counts.bump("status queries");
            let (gateway, _, status_op, _) = self.api.names();
            if self.lookups.is_multiple_of(LOOKUP_FAULT_EVERY) {
                self.counts.bump("503s injected on status queries");
                self.set_fault(Kind::ServerErrorBeforeCommit.fault(gateway, status_op, 0))
                    .await?;
            }
            match self.api.lookup(id).await {
                Looked::Found => return Ok(true),
                Looked::NotFound => return Ok(false),
                Looked::Failed { retryable, what } => {
                    if !retryable {
                        self.counts.bump("failures nobody planned (a slow machine)");
                    }
                    tracing_line(id, "status query failed, asking again", &what);
                }
            }
        }
        Err(format!("{id}: no status query answered"))
    }

    /// One business request to its end by the recipe; checks what it saw against the plan.
    async fn pay(&mut self, id: &str, kind: Kind) -> Result<(), String> {
        let (gateway, create_op, ..) = self.api.names();
        let mut created = 0;
        // What the first look after the fault said: the gateway had (true) or had not (false)
        // committed the first attempt.
        let mut first_evidence: Option<bool> = None;
        let mut settled = false;
        for attempt in 1..=MAX_ATTEMPTS {
            self.counts.bump("create attempts");
            if attempt == 1 {
                if let Some(fault) = kind.fault(gateway, create_op, self.stall_ms) {
                    self.counts.bump(format!("faults injected: {kind:?}"));
                    self.set_fault(Some(fault)).await?;
                }
            }
            let outcome = self.api.create(id).await;
            if attempt == 1 && kind != Kind::None && !self.fault_spent(create_op).await? {
                return Err(format!("{id}: the {kind:?} fault did not meet its request"));
            }
            match outcome {
                Sent::Created => {
                    created += 1;
                    first_evidence.get_or_insert(attempt == 1);
                    settled = true;
                    break;
                }
                Sent::Duplicate => {
                    self.counts.bump("repeats refused as duplicates");
                    first_evidence.get_or_insert(true);
                    if !self.lookup(id).await? {
                        return Err(format!("{id}: refused as a duplicate, yet not found"));
                    }
                    self.counts.bump("status queries that found it");
                    settled = true;
                    break;
                }
                Sent::Failed { sent: false, .. } => continue,
                Sent::Failed {
                    retryable: true, ..
                } => self.counts.bump("same request again on is_retryable()"),
                Sent::Failed { what, .. } => {
                    if attempt > 1 || kind == Kind::None {
                        self.counts.bump("failures nobody planned (a slow machine)");
                        tracing_line(id, "unplanned failure", &what);
                    }
                    let found = self.lookup(id).await?;
                    first_evidence.get_or_insert(found);
                    if found {
                        self.counts.bump("status queries that found it");
                        settled = true;
                        break;
                    }
                    self.counts.bump("not found, same request again");
                }
            }
        }
        if !settled {
            return Err(format!("{id}: not settled after {MAX_ATTEMPTS} attempts"));
        }
        if kind != Kind::None && first_evidence != Some(kind.committed()) {
            self.counts.violations.push(format!(
                "{id}: {kind:?}, yet the recovery saw committed = {first_evidence:?}"
            ));
        }
        if kind.committed() && created > 0 {
            self.counts.violations.push(format!(
                "{id}: committed by the faulted attempt and created again"
            ));
        }
        Ok(())
    }
}

fn tracing_line(id: &str, what: &str, detail: &str) {
    if std::env::var_os("FAULT_RUN_VERBOSE").is_some() {
        eprintln!("{id}: {what}: {detail}");
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
        .post(&format!("sgate/customers/{PAYEE}/approve"), json!({}))
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

async fn run() -> Result<(), String> {
    let (payouts, timeout_ms) = options()?;
    let started = Instant::now();
    let sandbox = start_sandbox().await?;
    let timeout = Duration::from_millis(timeout_ms);
    let apis = [
        Api::BluePay(
            bluepay::Client::new(sandbox.bluepay_config().timeout(timeout))
                .map_err(|e| e.to_string())?,
        ),
        Api::Jt(
            bluepay_jt::Client::new(sandbox.bluepay_jt_config().timeout(timeout))
                .map_err(|e| e.to_string())?,
        ),
        Api::Sgate(
            sgate::Client::new(sandbox.sgate_config().timeout(timeout))
                .map_err(|e| e.to_string())?,
        ),
    ];
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
    for (n, api) in apis.into_iter().enumerate() {
        let (gateway, .., prefix) = api.names();
        let ids: Vec<(String, Kind)> = (0..payouts)
            .filter(|i| i % 3 == n)
            .map(|i| (format!("{prefix}{i:06}"), Kind::of(i)))
            .collect();
        expected.insert(gateway, ids.iter().map(|(id, _)| id.clone()).collect());
        let lane = Lane {
            api,
            admin: sandbox.admin().clone(),
            // Twice the client's timeout: the client has given up long before.
            stall_ms: timeout_ms * 2,
            counts: Counts::default(),
            lookups: 0,
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
    if kinds.count() != 6 {
        failures.push("not every kind of fault was injected".to_string());
    }
    sandbox.shutdown().await;
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
