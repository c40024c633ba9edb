//! The one table of the gateways paybind binds.
//!
//! Plain data with no dependencies, read by three: the generator (what to generate, and from
//! which spec), `xtask` (what to export and check) and the library itself
//! (`paybind::gateways`), into which the generator copies this file's items (`gateway_table`)
//! beside the `Gateway` enum it generates from these rows: so nothing here may name anything
//! outside the file. A gateway is added here once; everything else follows from its row, and
//! every `match` on the enum that must handle it fails to compile until it does.

/// How a gateway signs its requests and answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signing {
    /// The signed `{appId, param, sign}` body (BluePay and BluePay JT).
    Envelope,
    /// Signed `V-*` headers and RSA encryption of sensitive fields (SGATE).
    HeaderSigned,
    /// An HMAC-SHA256 of the request's path and operation name in `x-auth-*` headers; bodies,
    /// answers and callbacks unsigned (SGATE Payin).
    HmacHeaders,
}

impl Signing {
    /// The settings a gateway signing this way reads, in the order help texts list them.
    pub const fn settings(self) -> &'static [Setting] {
        match self {
            Signing::Envelope => &[
                Setting::Url,
                Setting::AppId,
                Setting::PrivateKey,
                Setting::PublicKey,
                Setting::Hash,
                Setting::TimestampUnit,
            ],
            Signing::HeaderSigned => &[
                Setting::Url,
                Setting::ApiKey,
                Setting::PrivateKey,
                Setting::SystemPublicKey,
            ],
            Signing::HmacHeaders => &[
                Setting::Url,
                Setting::Key,
                Setting::Secret,
                Setting::MerchantId,
            ],
        }
    }
}

/// One setting of a gateway's configuration, as the generated `config_from_env()` reads it
/// from the environment and the command line from the environment or its config file: the
/// variable `<prefix>_<NAME>` ([`GatewayRow::variable`]), the config file's key `<name>` in
/// lower case. A key is read from the file `<prefix>_<NAME>_FILE` names, or from the variable
/// itself holding the key's text. The names are written here once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// Where the gateway is: `sandbox`, `production` or a base URL.
    Url,
    /// The app id BluePay issued.
    AppId,
    /// The merchant's private key, which signs requests.
    PrivateKey,
    /// The gateway's public key, which verifies its notifications.
    PublicKey,
    /// The signature's hash.
    Hash,
    /// The unit of the stamped `timestamp`.
    TimestampUnit,
    /// The API KEY SGATE issued.
    ApiKey,
    /// SGATE's system public key, which verifies its answers and callbacks.
    SystemPublicKey,
    /// The key SGATE Payin issued for signing.
    Key,
    /// The secret SGATE Payin issued with the key.
    Secret,
    /// The merchant ID SGATE Payin issued (it fills `{MERCHANT_ID}` in paths).
    MerchantId,
}

impl Setting {
    /// The variable's name after the gateway's prefix (`APP_ID`).
    pub const fn name(self) -> &'static str {
        match self {
            Setting::Url => "URL",
            Setting::AppId => "APP_ID",
            Setting::PrivateKey => "PRIVATE_KEY",
            Setting::PublicKey => "PUBLIC_KEY",
            Setting::Hash => "HASH",
            Setting::TimestampUnit => "TIMESTAMP_UNIT",
            Setting::ApiKey => "API_KEY",
            Setting::SystemPublicKey => "SYSTEM_PUBLIC_KEY",
            Setting::Key => "KEY",
            Setting::Secret => "SECRET",
            Setting::MerchantId => "MERCHANT_ID",
        }
    }

    /// Whether it is a key: read from the file `<variable>_FILE` names, or from the variable.
    pub const fn is_key(self) -> bool {
        matches!(
            self,
            Setting::PrivateKey | Setting::PublicKey | Setting::SystemPublicKey
        )
    }

    /// What a help text says of it: its values, its default when it has one.
    pub const fn about(self) -> &'static str {
        match self {
            Setting::Url => "`sandbox`, `production` or a base URL",
            Setting::AppId => "the app id the gateway issued",
            Setting::PrivateKey => "the merchant's private key (PEM or bare Base64)",
            Setting::PublicKey => "the gateway's public key (verifies notifications)",
            Setting::Hash => "`sha256` (the default) or `sha1`",
            Setting::TimestampUnit => "`ms` (the default) or `s`",
            Setting::ApiKey => "the API KEY SGATE issued",
            Setting::SystemPublicKey => "SGATE's system public key",
            Setting::Key => "the key SGATE issued for signing",
            Setting::Secret => "the secret SGATE issued with it",
            Setting::MerchantId => "your merchant ID (fills `{MERCHANT_ID}`)",
        }
    }

    /// Whether it may be left unset (a default applies).
    pub const fn is_optional(self) -> bool {
        matches!(self, Setting::Hash | Setting::TimestampUnit)
    }
}

/// One gateway's row: its names, its spec and where its code lives. The library's `Gateway`
/// enum is generated from these rows, one variant each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GatewayRow {
    /// Short name: the command line's argument, the sandbox's path prefix.
    pub id: &'static str,
    /// Name for people.
    pub name: &'static str,
    /// The variant of the library's generated `Gateway` enum.
    pub variant: &'static str,
    /// Spec file under `openapi/`; its stem names the gateway's directory under `schema/`.
    pub spec_file: &'static str,
    /// The library module holding the gateway (`crate::<module>`); also the stem of its
    /// generated files.
    pub module: &'static str,
    /// The Cargo feature that compiles the gateway in.
    pub feature: &'static str,
    /// How the gateway signs.
    pub signing: Signing,
    /// What its base URL (`Environment::Url`, the `URL` setting) is, for help texts.
    pub base_url: &'static str,
}

/// Every gateway, in the order the docs and the command line list them.
pub const GATEWAYS: &[GatewayRow] = &[
    GatewayRow {
        id: "bluepay",
        name: "BluePay Open API",
        variant: "BluePay",
        spec_file: "bluepay.yaml",
        module: "bluepay",
        feature: "bluepay",
        signing: Signing::Envelope,
        base_url: "the host BluePay assigned you",
    },
    GatewayRow {
        id: "bluepay-jt",
        name: "BluePay JT Open API",
        variant: "BluePayJt",
        spec_file: "bluepay-jt.yaml",
        module: "bluepay_jt",
        feature: "bluepay-jt",
        signing: Signing::Envelope,
        base_url: "the host BluePay assigned you",
    },
    GatewayRow {
        id: "sgate",
        name: "SGATE Payout API",
        variant: "Sgate",
        spec_file: "sgate-payout.yaml",
        module: "sgate",
        feature: "sgate",
        signing: Signing::HeaderSigned,
        base_url: "the host without `/openApi/v1`",
    },
    GatewayRow {
        id: "sgate-payin",
        name: "SGATE Payin API",
        variant: "SgatePayin",
        spec_file: "sgate-payin.yaml",
        module: "sgate_payin",
        feature: "sgate-payin",
        signing: Signing::HmacHeaders,
        base_url: "the host with `/api_v1`",
    },
];

impl GatewayRow {
    /// The gateway with short name `id`.
    pub fn by_id(id: &str) -> Option<&'static GatewayRow> {
        GATEWAYS.iter().find(|g| g.id == id)
    }

    /// The prefix of its environment variables: `PAYBIND_BLUEPAY_JT` for `bluepay-jt`.
    pub fn variable_prefix(&self) -> String {
        format!("PAYBIND_{}", self.id.to_ascii_uppercase().replace('-', "_"))
    }

    /// What a help text says of `setting` for this gateway: the setting's own words, the base
    /// URL's for `URL`.
    pub fn about(&self, setting: Setting) -> String {
        match setting {
            Setting::Url => format!("{}: {}", setting.about(), self.base_url),
            _ => setting.about().to_string(),
        }
    }

    /// The environment variable of `setting`: `PAYBIND_SGATE_API_KEY`.
    pub fn variable(&self, setting: Setting) -> String {
        format!("{}_{}", self.variable_prefix(), setting.name())
    }

    /// The variable naming a file that holds the key `setting`:
    /// `PAYBIND_SGATE_PRIVATE_KEY_FILE`.
    pub fn file_variable(&self, setting: Setting) -> String {
        format!("{}_FILE", self.variable(setting))
    }

    /// The spec file's name without `.yaml`.
    pub fn spec_stem(&self) -> &'static str {
        self.spec_file
            .strip_suffix(".yaml")
            .unwrap_or(self.spec_file)
    }
}
