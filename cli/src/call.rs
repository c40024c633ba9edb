//! `paybind call` and `paybind operations`: any operation of any spec, by `operationId`, with a
//! JSON param that is validated against the spec before anything is signed or sent.

use std::path::{Path, PathBuf};

use paybind::gateways::Gateway;
use paybind::operations::GatewayOperation;
use paybind::spec::Operation;
use serde_json::{json, Value};

use crate::config::Settings;
use crate::input;
use crate::output::{gateway_error, CliError};
use crate::progress::Download;
use clap::Args;

use crate::config;
use crate::gateway_arg::Api;

/// The operations of an API, in spec order.
pub fn operations_of(api: Api) -> &'static [Operation] {
    api.0.operations()
}

/// How `paybind call` runs an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Calling {
    /// The generic JSON call of the gateway's facade.
    Json,
    /// A file download, written to `--out`.
    Download,
    /// Not from the command line (a multipart upload): the library's builder only.
    Builder,
}

/// How each operation is called. Every operation is listed, so one added to a spec is a
/// compile error here until the command line decides how to call it.
fn calling(operation: GatewayOperation) -> Calling {
    use paybind::bluepay::Operation as BluePay;
    use paybind::bluepay_jt::Operation as BluePayJt;
    use paybind::sgate::Operation as Sgate;
    use paybind::sgate_payin::Operation as Payin;
    match operation {
        GatewayOperation::BluePayJt(BluePayJt::ReportDownload)
        | GatewayOperation::Sgate(Sgate::StatementDownload) => Calling::Download,
        GatewayOperation::Sgate(Sgate::CustomerFileUpload) => Calling::Builder,
        GatewayOperation::BluePay(
            BluePay::BalanceInquiry
            | BluePay::PayoutCreate
            | BluePay::PayoutStatus
            | BluePay::QrCodeCreate
            | BluePay::QrCodeDetail
            | BluePay::QrCodePaymentList
            | BluePay::QrCodeCancel
            | BluePay::WebpayCreate
            | BluePay::WebpayDetail
            | BluePay::RefundCreate
            | BluePay::RefundPayments
            | BluePay::PaymentVoid
            | BluePay::DirectDebitTokenApply
            | BluePay::DirectDebitTokenQuery
            | BluePay::DirectDebitTokenCancel
            | BluePay::DirectDebitPay
            | BluePay::DirectDebitPayDetail,
        )
        | GatewayOperation::BluePayJt(
            BluePayJt::DirectDebitTokenApply
            | BluePayJt::DirectDebitTokenQuery
            | BluePayJt::DirectDebitTokenCancel
            | BluePayJt::DirectDebitPay
            | BluePayJt::DirectDebitDetail
            | BluePayJt::QrCodeCreate
            | BluePayJt::QrCodeDetail
            | BluePayJt::QrCodePaymentList
            | BluePayJt::TicketAdd
            | BluePayJt::TicketResultQuery
            | BluePayJt::PayoutCreate
            | BluePayJt::PayoutStatus,
        )
        | GatewayOperation::Sgate(
            Sgate::MerchantBalance
            | Sgate::CustomerCreate
            | Sgate::CustomerList
            | Sgate::CustomerDetail
            | Sgate::CustomerUpdate
            | Sgate::CustomerStcOtpResend
            | Sgate::CustomerStcOtpSubmit
            | Sgate::BankList
            | Sgate::ExchangeRate
            | Sgate::PaymentOrderCreate
            | Sgate::PaymentOrderList
            | Sgate::PaymentOrderDetail
            | Sgate::PaymentOrderRapid
            | Sgate::OtpSend
            | Sgate::OtpCheck
            | Sgate::OtpDetail
            | Sgate::VaReceivingTransList,
        )
        | GatewayOperation::SgatePayin(
            Payin::MerchantDetail
            | Payin::MerchantAddOrder
            | Payin::OrderDetail
            | Payin::TransactionDetailForMerchant
            | Payin::OrderStartByDirectMastercard
            | Payin::OrderStartByStcpay
            | Payin::TransactionCompleteByStcpay
            | Payin::OrderRefund
            | Payin::RefundDetail
            | Payin::OrderSetLogistics
            | Payin::OrderSetOverseasLogistics
            | Payin::OrderSetDeliveryStatus
            | Payin::OrderSetAfterSaleStatus
            | Payin::OrderShippingEmail,
        ) => Calling::Json,
    }
}

/// How `op` of `api` is called.
fn calling_of(api: Api, op: &Operation) -> Calling {
    api.0.operation(op.id).map_or(Calling::Json, calling)
}

/// Every download, as `<api> <operationId>`, for a usage error.
fn downloads() -> String {
    Gateway::ALL
        .iter()
        .flat_map(|gateway| gateway.operations().iter().map(move |op| (gateway, op)))
        .filter(|(gateway, op)| gateway.operation(op.id).map(calling) == Some(Calling::Download))
        .map(|(gateway, op)| format!("{} {}", gateway.id(), op.id))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `paybind operations <api>`: one JSON object per line, or a table with `--pretty`.
pub fn list(api: Api, pretty: bool) -> Vec<String> {
    let ops = operations_of(api);
    if pretty {
        let id_width = ops.iter().map(|op| op.id.len()).max().unwrap_or(0);
        let route_width = ops
            .iter()
            .map(|op| op.method.len() + 1 + op.path.len())
            .max()
            .unwrap_or(0);
        return ops
            .iter()
            .map(|op| {
                let route = format!("{} {}", op.method, op.path);
                format!("{:id_width$}  {route:route_width$}  {}", op.id, op.summary)
            })
            .collect();
    }
    ops.iter()
        .map(|op| {
            let mut line = json!({
                "operationId": op.id,
                "method": op.method,
                "path": op.path,
                "summary": op.summary,
            });
            match calling_of(api, op) {
                Calling::Download => line["download"] = true.into(),
                Calling::Builder => line["callable"] = false.into(),
                Calling::Json => {}
            }
            serde_json::to_string(&line).unwrap_or_default()
        })
        .collect()
}

/// The param: `--param`, `--param-file`, or stdin; `{}` when none is given.
fn param(args: &CallArgs) -> Result<Value, CliError> {
    let text = match (&args.param, &args.param_file) {
        (Some(text), None) => text.clone(),
        (None, Some(path)) => input::utf8(input::read_file(path, "param file")?, "the param file")?,
        (None, None) => match input::read_stdin("the param")? {
            Some(bytes) => input::utf8(bytes, "the param")?,
            None => String::new(),
        },
        _ => {
            return Err(CliError::usage(
                "give at most one of --param and --param-file",
            ))
        }
    };
    if text.trim().is_empty() {
        return Ok(json!({}));
    }
    input::json(&text, "the param")
}

/// `paybind call`: the operation's answer, the members the gateway's spec marks `x-sensitive`
/// shown as `"[redacted]"` unless `--reveal` is given.
pub async fn run(args: &CallArgs) -> Result<Value, CliError> {
    let mut answer = answer(args).await?;
    if !args.reveal {
        redact(&mut answer, args.api.0.sensitive_members());
    }
    Ok(answer)
}

/// Replaces, at any depth, every non-empty string member named in `names` with the redaction
/// marker (`""`, SGATE's "none", stays as it is).
fn redact(value: &mut Value, names: &[&str]) {
    match value {
        Value::Object(map) => {
            for (name, member) in map.iter_mut() {
                match member {
                    Value::String(text) if names.contains(&name.as_str()) && !text.is_empty() => {
                        *text = paybind::secret::REDACTED.to_string();
                    }
                    other => redact(other, names),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| redact(item, names)),
        _ => {}
    }
}

/// The operation's answer as the gateway gave it (decrypted).
async fn answer(args: &CallArgs) -> Result<Value, CliError> {
    let api = args.api;
    let operation = api.0.operation(&args.operation_id).ok_or_else(|| {
        CliError::usage(format!(
            "{} has no operation {:?} (see paybind operations {})",
            api.id(),
            args.operation_id,
            api.id()
        ))
        .with("operationId", args.operation_id.clone())
    })?;
    let op = operation.spec();
    let download = calling(operation) == Calling::Download;
    if args.out.is_some() && !download {
        return Err(CliError::usage(format!(
            "--out is only for file downloads ({})",
            downloads()
        )));
    }
    if calling(operation) == Calling::Builder {
        return Err(CliError::usage(format!(
            "{} is a file upload; use the library's builder for it",
            op.id
        )));
    }
    let param = param(args)?;
    let config = args.config.as_deref();
    let settings = Settings::load(config, api.0)?;
    // The clients are distinct types: here the gateways differ by more than their row.
    match api.0 {
        Gateway::BluePay => {
            let client = paybind::bluepay::Client::new(settings.envelope()?)
                .map_err(|e| CliError::input("config", e.to_string()))?;
            client.call_json(op.id, param).await.map_err(gateway_error)
        }
        Gateway::BluePayJt => {
            let client = paybind::bluepay_jt::Client::new(settings.envelope()?)
                .map_err(|e| CliError::input("config", e.to_string()))?;
            match &args.out {
                Some(out) => report_download(&client, param, out).await,
                None => client.call_json(op.id, param).await.map_err(gateway_error),
            }
        }
        Gateway::Sgate => {
            let client = paybind::sgate::Client::new(settings.sgate()?)
                .map_err(|e| CliError::input("config", e.to_string()))?;
            if download {
                let out = args.out.as_deref().ok_or_else(|| {
                    CliError::usage("statement_download writes a file: give --out FILE")
                })?;
                statement_download(&client, param, out).await
            } else {
                client.call_json(op.id, param).await.map_err(gateway_error)
            }
        }
        Gateway::SgatePayin => {
            let client = paybind::sgate_payin::Client::new(settings.sgate_payin()?)
                .map_err(|e| CliError::input("config", e.to_string()))?;
            client.call_json(op.id, param).await.map_err(gateway_error)
        }
    }
}

/// BluePay JT `report_download` with `--out`: asks for the link, then streams the file.
async fn report_download(
    client: &paybind::bluepay_jt::Client,
    param: Value,
    out: &Path,
) -> Result<Value, CliError> {
    let param: paybind::bluepay_jt::types::ReportDownloadParam = paybind::spec::from_json_param_in(
        paybind::bluepay_jt::spec(),
        "ReportDownloadParam",
        param,
    )?;
    let mut file = Download::create(out, "report")?;
    match client.download_report(param, &mut file).await {
        Ok(report) => {
            let path = file.commit()?;
            Ok(json!({
                "file": path.display().to_string(),
                "bytes": report.bytes,
                "content_type": report.content_type,
                "url": report.url,
            }))
        }
        Err(e) => {
            file.discard();
            Err(gateway_error(e))
        }
    }
}

/// SGATE `statement_download`: `{"day": "yyyy-MM-dd"}` (default yesterday, Riyadh time).
async fn statement_download(
    client: &paybind::sgate::Client,
    param: Value,
    out: &Path,
) -> Result<Value, CliError> {
    use paybind::sgate::StatementOutcome;
    let mut request = client.statement_download();
    let object = match param {
        Value::Object(object) => object,
        _ => {
            return Err(CliError::input(
                "validation",
                "the param of statement_download is an object: {\"day\": \"yyyy-MM-dd\"}",
            ))
        }
    };
    for (name, value) in object {
        match (name.as_str(), value) {
            ("day", Value::String(day)) => {
                let day = day.parse::<chrono::NaiveDate>().map_err(|_| {
                    paybind::spec::ValidationError::new("day", "expected a date yyyy-MM-dd")
                })?;
                request = request.day(day);
            }
            ("day", Value::Null) => {}
            ("day", _) => {
                return Err(paybind::spec::ValidationError::new(
                    "day",
                    "expected a date yyyy-MM-dd",
                )
                .into())
            }
            (other, _) => {
                return Err(paybind::spec::ValidationError::new(
                    other,
                    "is not a parameter of this operation",
                )
                .into())
            }
        }
    }
    let mut file = Download::create(out, "statement")?;
    match request.to_writer(&mut file).await {
        Ok(StatementOutcome::Written {
            bytes,
            content_type,
            file_name,
            content_verified,
        }) => {
            let path = file.commit()?;
            Ok(json!({
                "file": path.display().to_string(),
                "bytes": bytes,
                "content_type": content_type,
                "file_name": file_name,
                "content_verified": content_verified,
            }))
        }
        Ok(StatementOutcome::NotReady(not_ready)) => {
            file.discard();
            let error = CliError::gateway(
                "not_ready",
                format!("the statement is not ready yet: {}", not_ready.message),
            )
            .with("retryable", true)
            .with("gateway_message", not_ready.message);
            Err(match not_ready.code {
                Some(code) => error.with("code", code.code()),
                None => error,
            })
        }
        Ok(_) => {
            file.discard();
            Err(CliError::gateway("error", "unexpected statement outcome"))
        }
        Err(e) => {
            file.discard();
            Err(gateway_error(e))
        }
    }
}

#[derive(Debug, Args)]
#[command(after_long_help = call_help(), after_help = call_help())]
pub(crate) struct CallArgs {
    /// The gateway.
    #[arg(value_parser = Api::parser(None))]
    api: Api,
    /// The operationId (see `paybind operations <api>`).
    operation_id: String,
    /// The param as JSON (the body of a POST operation, the query object of an SGATE GET one).
    #[arg(long, value_name = "JSON", conflicts_with = "param_file")]
    param: Option<String>,
    /// A file holding the param JSON.
    #[arg(long, value_name = "FILE")]
    param_file: Option<PathBuf>,
    /// Where to write the file of a download (sgate statement_download, bluepay-jt report_download).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// TOML config file (default: $PAYBIND_CONFIG).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Print the members the spec marks sensitive (ID, card and account numbers, names,
    /// mobiles) as received, decrypted; without it they print as "[redacted]".
    #[arg(long)]
    reveal: bool,
}

pub(crate) fn call_help() -> String {
    format!(
        "\
The param comes from --param, --param-file or stdin ({{}} when none is given). It is decoded
into the operation's model and checked against the spec (lengths, patterns, enums, conditional
rules) before anything is signed; a violation exits 2 and nothing is sent. On success the
operation's `data` is printed as JSON, the members the spec marks sensitive (SGATE's ID, card
and STCPay numbers and photo URLs, decrypted; a BluePay or JT payee's account number, name, tax
id and mobile) as \"[redacted]\" unless --reveal is given. A gateway error exits 1 with its
code (its raw_body redacted the same way); an SGATE answer whose signature does not verify
exits 3.

Downloads: `sgate statement_download --param '{{\"day\":\"2024-06-26\"}}' --out statement.xlsx`
and `bluepay-jt report_download --param '{{…}}' --out report.gpg` stream the file (a progress bar
on a terminal, nothing when piped); without --out report_download prints the link.

{}

Examples:
  export PAYBIND_BLUEPAY_URL=https://your-bluepay-host PAYBIND_BLUEPAY_APP_ID=… \\
         PAYBIND_BLUEPAY_PRIVATE_KEY_FILE=keys/private.pem
  paybind call bluepay balance_inquiry --param '{{}}'
  echo '{{\"mchOrderId\":\"PC880001\"}}' | paybind call bluepay qr_code_detail
  paybind call sgate customer_list --param '{{\"pagesize\":50}}' --config paybind.toml",
        config::help()
    )
}

#[derive(Debug, Args)]
#[command(after_help = "\
One JSON object per line ({\"operationId\", \"method\", \"path\", \"summary\"}); with --pretty an
aligned table.

Example:
  paybind operations sgate --pretty")]
pub(crate) struct OperationsArgs {
    /// The gateway.
    #[arg(value_parser = Api::parser(None))]
    pub(crate) api: Api,
}
