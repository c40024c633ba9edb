//! `paybind keygen`: a merchant RSA key pair in the four forms the gateways and their consoles
//! use. The private key is written with owner-only permissions and never printed.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use paybind::keys::PrivateKey;
use serde_json::{json, Value};

use crate::output::CliError;
use clap::Args;

/// `private.pem`: PKCS#8 PEM.
const PRIVATE_PEM: &str = "private.pem";
/// `public.pem`: SPKI PEM.
const PUBLIC_PEM: &str = "public.pem";
/// `private.b64`: bare Base64 of the PKCS#8 DER (BluePay's Java sample reads this form).
const PRIVATE_B64: &str = "private.b64";
/// `public.b64`: bare Base64 of the SPKI DER (what the consoles ask for).
const PUBLIC_B64: &str = "public.b64";

pub fn run(args: &KeygenArgs) -> Result<Value, CliError> {
    let bits = args.bits.bits();
    let dir = &args.out;
    let paths: [PathBuf; 4] =
        [PRIVATE_PEM, PUBLIC_PEM, PRIVATE_B64, PUBLIC_B64].map(|n| dir.join(n));
    let [private_pem, public_pem, private_b64_path, public_b64_path] = &paths;
    if !args.force {
        if let Some(existing) = paths.iter().find(|p| p.exists()) {
            return Err(CliError::input(
                "exists",
                format!(
                    "{} already exists; choose another --out or pass --force to replace the key",
                    existing.display()
                ),
            )
            .with("path", existing.display().to_string()));
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        CliError::input("io", format!("cannot create {}: {e}", dir.display()))
            .with("path", dir.display().to_string())
    })?;

    let key = PrivateKey::generate(bits)?;
    let public = key.public_key();
    let public_b64 = public.to_base64()?;
    write_file(private_pem, key.to_pkcs8_pem()?.as_bytes(), true)?;
    write_file(public_pem, public.to_spki_pem()?.as_bytes(), false)?;
    let mut private_b64 = key.to_base64()?;
    private_b64.push('\n');
    write_file(private_b64_path, private_b64.as_bytes(), true)?;
    write_file(public_b64_path, format!("{public_b64}\n").as_bytes(), false)?;

    let shown = |p: &Path| Value::String(p.display().to_string());
    Ok(json!({
        "bits": bits,
        "files": {
            "private_pem": shown(private_pem),
            "public_pem": shown(public_pem),
            "private_base64": shown(private_b64_path),
            "public_base64": shown(public_b64_path),
        },
        "public_key_base64": public_b64,
    }))
}

/// Writes a file; a secret one is created readable by its owner only.
fn write_file(path: &Path, bytes: &[u8], secret: bool) -> Result<(), CliError> {
    let fail = |e: std::io::Error| {
        CliError::input("io", format!("cannot write {}: {e}", path.display()))
            .with("path", path.display().to_string())
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(fail)?;
    // A replaced file keeps its old mode; make a secret one owner-only again.
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(fail)?;
    }
    #[cfg(not(unix))]
    let _ = secret;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(fail)
}

/// A key size paybind generates (a multiple of 128 from 2048 to 8192; the gateways ask for
/// 2048 or 4096).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bits(usize);

impl Bits {
    pub(crate) fn bits(self) -> usize {
        self.0
    }

    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let bits: usize = text
            .parse()
            .map_err(|_| format!("{text} is not a number of bits"))?;
        if paybind::keys::is_generated_size(bits) {
            Ok(Self(bits))
        } else {
            Err(format!(
                "{bits}-bit keys are not generated: use a multiple of 128 from 2048 to 8192 \
                 (the gateways ask for 2048 or 4096)"
            ))
        }
    }
}

#[derive(Debug, Args)]
#[command(after_help = "\
Writes private.pem (PKCS#8), public.pem (SPKI), private.b64 and public.b64 (bare Base64 of the
DER, one line) into DIR; the private files are readable by their owner only. Prints the file
names and the public key's Base64 (give that to the gateway); never the private key.

Example:
  paybind keygen --bits 4096 --out keys/
  openssl pkey -in keys/private.pem -check -noout")]
pub(crate) struct KeygenArgs {
    /// Key size in bits: 2048 or 4096 for the gateways; any multiple of 128 up to 8192.
    #[arg(long, value_name = "BITS", value_parser = Bits::parse)]
    bits: Bits,
    /// Directory to write the four files into (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Replace existing key files in DIR.
    #[arg(long)]
    force: bool,
}
