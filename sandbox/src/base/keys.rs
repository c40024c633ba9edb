//! The key pairs of the simulated merchant and gateways: generated, or read from and written to
//! a key directory so a restart (or the next run) reuses them instead of generating again.

use std::path::{Path, PathBuf};

use super::error::{io_error, SandboxError};
use paybind::keys::{PrivateKey, PublicKey};

/// The key pairs of the simulated merchant and gateways. `Debug` shows only key sizes.
#[derive(Debug, Clone)]
pub struct SandboxKeys {
    /// The merchant's private key for BluePay and JT (give it to the clients); the sandbox
    /// verifies requests with its public half.
    pub bluepay_merchant: PrivateKey,
    /// BluePay's private key: signs notifications (verify them with its public half).
    pub bluepay_gateway: PrivateKey,
    /// The merchant's SGATE private key (signs requests, decrypts answers).
    pub sgate_merchant: PrivateKey,
    /// SGATE's system private key (signs answers and callbacks, decrypts requests).
    pub sgate_system: PrivateKey,
}

/// The four roles, in the order of [`SandboxKeys`]' members (and of the key file names).
const KEY_ROLES: [&str; 4] = [
    "bluepay-merchant",
    "bluepay-gateway",
    "sgate-merchant",
    "sgate-system",
];

impl SandboxKeys {
    /// Four new RSA key pairs of `bits` bits (generated in parallel; 4096 bits takes a while).
    pub async fn generate(bits: usize) -> Result<Self, SandboxError> {
        Self::from_list(fill(vec![None, None, None, None], bits).await?)
    }

    fn from_list(keys: Vec<PrivateKey>) -> Result<Self, SandboxError> {
        let mut keys = keys.into_iter();
        let mut next = || {
            keys.next()
                .ok_or_else(|| SandboxError::Config("key generation".into()))
        };
        Ok(Self {
            bluepay_merchant: next()?,
            bluepay_gateway: next()?,
            sgate_merchant: next()?,
            sgate_system: next()?,
        })
    }

    /// BluePay's (and JT's) public key, to verify notifications.
    pub fn bluepay_gateway_public(&self) -> PublicKey {
        self.bluepay_gateway.public_key()
    }

    /// SGATE's system public key, to verify answers and callbacks and encrypt requests.
    pub fn sgate_system_public(&self) -> PublicKey {
        self.sgate_system.public_key()
    }
}

/// Generates the missing keys of `slots`, all at once on the blocking pool.
async fn fill(
    slots: Vec<Option<PrivateKey>>,
    bits: usize,
) -> Result<Vec<PrivateKey>, SandboxError> {
    let tasks: Vec<_> = slots
        .into_iter()
        .map(|slot| match slot {
            Some(key) => tokio::task::spawn_blocking(move || Ok(key)),
            None => tokio::task::spawn_blocking(move || PrivateKey::generate(bits)),
        })
        .collect();
    let mut keys = Vec::new();
    for task in tasks {
        let key = task
            .await
            .map_err(|e| SandboxError::Config(format!("key generation stopped: {e}")))??;
        keys.push(key);
    }
    Ok(keys)
}

/// A key file the sandbox wrote or read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFile {
    /// What the key is for (`bluepay-merchant-private`, ...).
    pub role: String,
    /// Where it is.
    pub path: PathBuf,
}

/// The keys of `directory`: read when present, generated (in parallel) and written when missing.
pub async fn keys_from_directory(
    directory: &Path,
    bits: usize,
) -> Result<(SandboxKeys, Vec<KeyFile>), SandboxError> {
    std::fs::create_dir_all(directory)
        .map_err(io_error(format!("cannot create {}", directory.display())))?;
    let mut slots = Vec::new();
    let mut files = Vec::new();
    for role in KEY_ROLES {
        let private = directory.join(format!("{role}-private.pem"));
        let public = directory.join(format!("{role}-public.pem"));
        slots.push(if private.exists() {
            Some(PrivateKey::from_file(&private)?)
        } else {
            None
        });
        files.push((role, private, public));
    }
    let existed: Vec<bool> = slots.iter().map(Option::is_some).collect();
    let keys = fill(slots, bits).await?;
    let mut key_files = Vec::new();
    for (((role, private, public), key), existed) in files.into_iter().zip(&keys).zip(existed) {
        if !existed {
            write_secret(&private, key.to_pkcs8_pem()?.as_bytes())?;
        }
        if !existed || !public.exists() {
            let pem = key.public_key().to_spki_pem()?;
            std::fs::write(&public, pem)
                .map_err(io_error(format!("cannot write {}", public.display())))?;
        }
        key_files.push(KeyFile {
            role: format!("{role}-private"),
            path: private,
        });
        key_files.push(KeyFile {
            role: format!("{role}-public"),
            path: public,
        });
    }
    Ok((SandboxKeys::from_list(keys)?, key_files))
}

/// Writes a private key readable by its owner only.
fn write_secret(path: &Path, bytes: &[u8]) -> Result<(), SandboxError> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(io_error(format!("cannot write {}", path.display())))?;
    file.write_all(bytes)
        .map_err(io_error(format!("cannot write {}", path.display())))
}
