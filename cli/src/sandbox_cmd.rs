//! `paybind sandbox`: the local simulator of BluePay, BluePay JT, SGATE and SGATE Payin on
//! 127.0.0.1. Prints
//! one JSON line — where each gateway is, the credentials it accepts, its key files and the
//! `PAYBIND_*` variables that point `paybind call` at it (and the admin API's token) — then
//! serves until stopped. Keys are generated once and kept in a directory (beside the data
//! file, or a per-user cache directory with `--memory`), so later starts are quick.

//!
//! `paybind sandbox trigger <gateway> <event>` makes a running sandbox (found by the
//! `PAYBIND_SANDBOX_ADMIN_*` variables it printed) perform an event now, through its admin API.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use paybind::gateways::{Setting, Signing};
use paybind_sandbox::{
    Admin, FixtureSource, Gateway, Sandbox, SandboxConfig, SandboxError, Storage, Trigger,
    TriggerEvent,
};
use serde_json::{json, Map, Value};

use crate::output::{chain, print_json, print_line, CliError};
use clap::Args;

use crate::gateway_arg::Api;
use crate::keygen::Bits;

/// The variable `paybind sandbox` prints its admin API's URL in, which `trigger` reads.
const ADMIN_URL: &str = "PAYBIND_SANDBOX_ADMIN_URL";
/// The variable `paybind sandbox` prints its admin token in, which `trigger` reads.
const ADMIN_TOKEN: &str = "PAYBIND_SANDBOX_ADMIN_TOKEN";

/// What `paybind sandbox` does besides serving.
#[derive(Debug, clap::Subcommand)]
pub enum SandboxCommand {
    /// Make a running sandbox perform an event now (a QR code paid, a payout failed, a
    /// customer approved…), with its state change and signed notification.
    Trigger(TriggerArgs),
}

#[derive(Debug, clap::Args)]
#[command(after_help = "\
The sandbox finds (or, when there is none, first makes) the object the event acts on, performs
the event and sends the notification it implies, signed as the gateway signs it. Overrides are
members of that object in the gateway's own names: the id that finds an existing one
(mchOrderId, requestId, mchRefundOrderId, transactionId, ticketNo, customid, mercustomid,
ticketid, payeeuid), members of one made first (amount, notifyUrl, channelCode, currency…) and
the event's own (failedCode, failedMessage, ticketStatus, transactionStatus,
customerServiceReply). NAME=TEXT gives text (read as a number where the member is one),
NAME:=JSON any JSON. Objects made first notify their notifyUrl, else the gateway's payout notify
URL setting; SGATE calls its callback URL setting. Prints what the sandbox did: the objects it
made first, the object the event ended in, and the ids of the notifications it queued.

Example:
  eval \"$(paybind sandbox --memory | jq -r '.env | to_entries[] | \"export \\(.key)=\\(.value)\"')\"
  paybind sandbox trigger --list
  paybind sandbox trigger bluepay qr.paid --override notifyUrl=http://127.0.0.1:3000/notify --override amount=1500
  paybind sandbox trigger bluepay payout.failed --override mchOrderId=PO0001 --override failedCode=-10001
  paybind sandbox trigger sgate customer.approved --override mercustomid=u001")]
pub struct TriggerArgs {
    /// Print every event, one JSON object per line, and exit.
    #[arg(long)]
    list: bool,
    /// The gateway the event happens on.
    #[arg(value_parser = Api::parser(None), required_unless_present = "list")]
    gateway: Option<Api>,
    /// The event (`paybind sandbox trigger --list`).
    #[arg(value_parser = event_parser(), required_unless_present = "list")]
    event: Option<TriggerEvent>,
    /// A member of the object acted on: NAME=TEXT or NAME:=JSON (repeatable).
    #[arg(long = "override", value_name = "NAME=VALUE", value_parser = parse_override)]
    overrides: Vec<(String, Value)>,
    /// The sandbox's admin API ({base}/admin).
    #[arg(long, value_name = "URL", env = ADMIN_URL)]
    admin_url: Option<String>,
    /// The sandbox's admin token.
    #[arg(
        long,
        value_name = "TOKEN",
        env = ADMIN_TOKEN,
        hide_env_values = true
    )]
    admin_token: Option<String>,
}

/// The events, each with the gateways it happens on as help.
fn event_parser() -> impl TypedValueParser<Value = TriggerEvent> {
    let choices = TriggerEvent::ALL.iter().map(|event| {
        let on: Vec<&str> = event.gateways().iter().map(|g| g.id()).collect();
        PossibleValue::new(event.id()).help(on.join(", "))
    });
    PossibleValuesParser::new(choices)
        .try_map(|id| TriggerEvent::from_id(&id).ok_or_else(|| format!("no event {id:?}")))
}

/// `NAME=TEXT` (a string) or `NAME:=JSON` (any JSON value).
fn parse_override(text: &str) -> Result<(String, Value), String> {
    let Some((name, value)) = text.split_once('=') else {
        return Err("expected NAME=TEXT or NAME:=JSON".into());
    };
    match name.strip_suffix(':') {
        Some(name) if !name.is_empty() => serde_json::from_str(value)
            .map(|json| (name.to_string(), json))
            .map_err(|e| format!("{name}: the value after := is not JSON ({e})")),
        _ if name.is_empty() => Err("expected NAME=TEXT or NAME:=JSON".into()),
        _ => Ok((name.to_string(), Value::String(value.to_string()))),
    }
}

/// Every event as `--list` prints it.
pub fn event_list() -> Vec<Value> {
    TriggerEvent::ALL
        .iter()
        .map(|event| {
            json!({
                "event": event.id(),
                "gateways": event.gateways().iter().map(|g| g.id()).collect::<Vec<_>>(),
                "description": event.description(),
            })
        })
        .collect()
}

async fn trigger(args: &TriggerArgs, pretty: bool) -> Result<(), CliError> {
    if args.list {
        for event in event_list() {
            if pretty {
                print_json(&event, true);
            } else {
                print_line(&event.to_string());
            }
        }
        return Ok(());
    }
    let (Some(Api(gateway)), Some(event)) = (args.gateway, args.event) else {
        return Err(CliError::usage("give the gateway and the event"));
    };
    if !event.gateways().contains(&gateway) {
        let on: Vec<&str> = event.gateways().iter().map(|g| g.id()).collect();
        return Err(CliError::usage(format!(
            "{event} happens on {}, not {}",
            on.join(", "),
            gateway.id()
        )));
    }
    let (Some(url), Some(token)) = (&args.admin_url, &args.admin_token) else {
        return Err(CliError::usage(
            "which sandbox? give --admin-url and --admin-token, or set the \
             PAYBIND_SANDBOX_ADMIN_URL and PAYBIND_SANDBOX_ADMIN_TOKEN that `paybind sandbox` prints",
        ));
    };
    let admin = Admin::connect(url, token).map_err(|e| admin_error(&e))?;
    let mut request = Trigger::new(gateway, event);
    for (name, value) in &args.overrides {
        request = request.with(name, value.clone());
    }
    let outcome = admin.trigger(request).await.map_err(|e| admin_error(&e))?;
    print_json(
        &serde_json::to_value(outcome).unwrap_or(Value::Null),
        pretty,
    );
    Ok(())
}

/// A refusal or an unreachable sandbox (exit 1).
fn admin_error(error: &SandboxError) -> CliError {
    match error {
        SandboxError::Admin { status, message } => {
            CliError::gateway("sandbox", message.clone()).with("http_status", *status)
        }
        other => CliError::gateway(
            "sandbox",
            format!("the sandbox did not answer: {}", chain(other)),
        ),
    }
}

/// The sandbox's settings from the arguments.
fn config(args: &SandboxArgs) -> SandboxConfig {
    let mut config = SandboxConfig {
        port: args.port,
        ..SandboxConfig::default()
    };
    if args.memory {
        config.storage = Storage::Memory;
    } else if let Some(data) = &args.data {
        config.storage = Storage::File(data.clone());
    }
    config.key_bits = args.key_bits.bits();
    config.keys_dir = match (&args.keys_dir, args.memory) {
        (Some(dir), _) => Some(dir.clone()),
        (None, true) => Some(cached_keys_dir(config.key_bits)),
        (None, false) => None,
    };
    config.config_file = args.config.clone();
    config.fixtures = args.fixtures.clone().map(FixtureSource::File);
    config
}

/// Where `--memory` keeps its keys: `$XDG_CACHE_HOME/paybind/sandbox-keys-{bits}`, else
/// `~/.cache/...`, else the temporary directory (keys of a local simulator, not secrets of
/// anyone's; files are owner-only).
fn cached_keys_dir(bits: usize) -> std::path::PathBuf {
    let name = format!("sandbox-keys-{bits}");
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|home| std::path::PathBuf::from(home).join(".cache"))
        });
    match cache {
        Some(dir) => dir.join("paybind").join(name),
        None => std::env::temp_dir().join(format!("paybind-{name}")),
    }
}

/// The sandbox's value of `gateway`'s `setting`, a key as its file (`file` of the key's role);
/// `None` for a setting left to its default.
fn sandbox_setting(
    sandbox: &Sandbox,
    gateway: Gateway,
    setting: Setting,
    file: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    let envelope = gateway.row().signing == Signing::Envelope;
    match setting {
        Setting::Url => Some(match gateway {
            Gateway::BluePay => sandbox.bluepay_url(),
            Gateway::BluePayJt => sandbox.bluepay_jt_url(),
            Gateway::Sgate => sandbox.sgate_url(),
            Gateway::SgatePayin => sandbox.sgate_payin_url(),
        }),
        Setting::AppId => match gateway {
            Gateway::BluePay => Some(sandbox.bluepay_app_id().to_string()),
            Gateway::BluePayJt => Some(sandbox.bluepay_jt_app_id().to_string()),
            Gateway::Sgate | Gateway::SgatePayin => None,
        },
        Setting::PrivateKey if envelope => file("bluepay-merchant-private"),
        Setting::PrivateKey => file("sgate-merchant-private"),
        Setting::PublicKey => file("bluepay-gateway-public"),
        Setting::SystemPublicKey => file("sgate-system-public"),
        Setting::ApiKey => Some(sandbox.sgate_api_key().to_string()),
        Setting::Key => Some(sandbox.sgate_payin_key().to_string()),
        Setting::Secret => Some(sandbox.sgate_payin_secret().to_string()),
        Setting::MerchantId => Some(sandbox.sgate_payin_merchant_id().to_string()),
        Setting::Hash | Setting::TimestampUnit => None,
    }
}

/// Where the sandbox is and how to reach it. No key material, only key file paths.
fn describe(sandbox: &Sandbox) -> Value {
    let file = |role: &str| {
        sandbox
            .key_paths()
            .iter()
            .find(|k| k.role == role)
            .map(|k| k.path.display().to_string())
    };
    let keys: Map<String, Value> = sandbox
        .key_paths()
        .iter()
        .map(|k| (k.role.clone(), Value::String(k.path.display().to_string())))
        .collect();
    // Every gateway's settings from the table, so `call` and `config_from_env()` read what is
    // printed; a key as the `_FILE` variable naming its file.
    let mut env = Map::new();
    for gateway in Gateway::ALL {
        let row = gateway.row();
        for setting in row.signing.settings() {
            let variable = if setting.is_key() {
                row.file_variable(*setting)
            } else {
                row.variable(*setting)
            };
            if let Some(value) = sandbox_setting(sandbox, *gateway, *setting, &file) {
                env.insert(variable, Value::String(value));
            }
        }
    }
    env.insert(ADMIN_URL.into(), json!(sandbox.admin_url()));
    env.insert(ADMIN_TOKEN.into(), json!(sandbox.admin_token()));
    json!({
        "base_url": sandbox.base_url(),
        "bluepay_url": sandbox.bluepay_url(),
        "bluepay_jt_url": sandbox.bluepay_jt_url(),
        "sgate_url": sandbox.sgate_url(),
        "sgate_payin_url": sandbox.sgate_payin_url(),
        "admin_url": sandbox.admin_url(),
        "root_urls": Gateway::ALL
            .iter()
            .map(|g| (g.id().to_string(), json!(sandbox.root_url(*g))))
            .collect::<Map<String, Value>>(),
        "admin_token": sandbox.admin_token(),
        "dashboard_url": sandbox.dashboard_url(),
        "bluepay_app_id": sandbox.bluepay_app_id(),
        "bluepay_jt_app_id": sandbox.bluepay_jt_app_id(),
        "sgate_api_key": sandbox.sgate_api_key(),
        "key_files": keys,
        "env": env,
    })
}

pub async fn run(args: &SandboxArgs, pretty: bool) -> Result<(), CliError> {
    if let Some(SandboxCommand::Trigger(trigger_args)) = &args.command {
        return trigger(trigger_args, pretty).await;
    }
    let sandbox = Sandbox::start(config(args)).await.map_err(|e| {
        CliError::input(
            "sandbox",
            format!("the sandbox did not start: {}", chain(&e)),
        )
    })?;
    print_json(&describe(&sandbox), pretty);
    sandbox.wait().await;
    Ok(())
}

#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "\
Serves BluePay under {base}/bluepay, BluePay JT under {base}/bluepay-jt, SGATE under {base}/sgate,
SGATE Payin under {base}/sgate-payin/api_v1 and the admin API under {base}/admin, verifying signatures and params like the gateways, with
state that survives a restart (--data) or not (--memory). Prints one JSON object: the URLs, the
app ids, API KEY and Payin key and secret it accepts, its key files, and under \"env\" the PAYBIND_* variables for
`paybind call`. Serves until stopped (Ctrl-C). With --fixtures it starts in the world the file
describes (balances, orders, customers, rules, faults; schema/sandbox/fixtures.schema.json) and
returns to it on POST /admin/reset.

Example:
  paybind sandbox --port 8600 --data .paybind-sandbox/state.db
  paybind sandbox --memory --fixtures fixtures.json > sandbox.json &
  export $(jq -r '.env | to_entries[] | \"\\(.key)=\\(.value)\"' sandbox.json)
  paybind call bluepay balance_inquiry
  paybind sandbox trigger bluepay qr.paid --override amount=1500"
)]
pub(crate) struct SandboxArgs {
    #[command(subcommand)]
    command: Option<SandboxCommand>,
    /// TCP port on 127.0.0.1 (0: any free port).
    #[arg(long, value_name = "N", default_value_t = 0)]
    port: u16,
    /// SQLite file holding the state (default .paybind-sandbox/state.db).
    #[arg(long, value_name = "FILE", conflicts_with = "memory")]
    data: Option<std::path::PathBuf>,
    /// Keep the state in memory only.
    #[arg(long)]
    memory: bool,
    /// Directory of the sandbox's key files: read when present, generated when missing
    /// (default: keys/ beside the data file; with --memory, a per-user cache directory).
    #[arg(long, value_name = "DIR")]
    keys_dir: Option<std::path::PathBuf>,
    /// Size of generated keys, in bits (a multiple of 128 from 2048 to 8192).
    #[arg(long, value_name = "BITS", value_parser = Bits::parse, default_value = "2048")]
    key_bits: Bits,
    /// JSON file of faults, outcome rules and settings applied at start.
    #[arg(long, value_name = "FILE")]
    config: Option<std::path::PathBuf>,
    /// Fixtures: the world to start in and to return to on reset (JSON, or TOML by its name).
    #[arg(long, value_name = "FILE")]
    fixtures: Option<std::path::PathBuf>,
}
