//! What paybind does with aws-lc through its C interface, where aws-lc-rs's safe API leaves
//! something out or costs more per call:
//! - PKCS#1 v1.5 signatures with MD5 and SHA-1 (`RSA_sign` with `NID_md5` / `NID_sha1`):
//!   aws-lc-rs signs only with SHA-2 and verifies no MD5. SGATE signs every request and answer
//!   with MD5withRSA and BluePay may use SHA1withRSA; RustCrypto's `rsa` for these was measured
//!   4–8× slower and would be a second RSA implementation to keep.
//! - Verification with every hash (`RSA_verify` on the `RSA` parsed once with the key):
//!   aws-lc-rs's `ParsedPublicKey` sets up an `EVP` digest-and-verify context per call, a
//!   measurable share of an RSA-2048 verification (see `cargo xtask bench`).
//! - Key generation at the documented sizes aws-lc-rs does not offer (`RSA_generate_key_fips`:
//!   6144 bits).
//!
//! aws-lc blinds the private-key operation and checks the result with the public key before
//! returning it, as it does for SHA-256 signing through the safe API.
//!
//! Every `unsafe` block of paybind is in this file. The invariants:
//! - an [`Rsa`] owns exactly one reference to a non-null `RSA` (freed once, in `Drop`);
//! - buffers handed to C are Rust slices whose pointer and length are passed together, and the
//!   output buffer is `RSA_size` bytes, the most `RSA_sign` writes;
//! - aws-lc's `RSA` is safe to use from several threads at once for signing and verifying (its
//!   blinding cache is locked inside); aws-lc-rs relies on the same property for its `Send +
//!   Sync` RSA keys.

#[cfg(any(feature = "envelope", feature = "sgate"))]
use std::os::raw::c_uint;
use std::os::raw::{c_int, c_long};
use std::ptr::NonNull;

use aws_lc_sys as ffi;
use zeroize::Zeroizing;

/// The hash inside a PKCS#1 v1.5 signature.
/// Each variant exists with the gateway that uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg(any(feature = "envelope", feature = "sgate"))]
pub(crate) enum Pkcs1Hash {
    /// MD5 (16-byte digest): SGATE.
    #[cfg(feature = "sgate")]
    Md5,
    /// SHA-1 (20-byte digest): BluePay's SHA1withRSA.
    #[cfg(feature = "envelope")]
    Sha1,
    /// SHA-256 (32-byte digest): BluePay's SHA256withRSA (verified here; signed by aws-lc-rs).
    #[cfg(feature = "envelope")]
    Sha256,
}

#[cfg(any(feature = "envelope", feature = "sgate"))]
impl Pkcs1Hash {
    fn nid(self) -> i32 {
        match self {
            #[cfg(feature = "sgate")]
            Self::Md5 => ffi::NID_md5,
            #[cfg(feature = "envelope")]
            Self::Sha1 => ffi::NID_sha1,
            #[cfg(feature = "envelope")]
            Self::Sha256 => ffi::NID_sha256,
        }
    }

    fn digest_len(self) -> usize {
        match self {
            #[cfg(feature = "sgate")]
            Self::Md5 => 16,
            #[cfg(feature = "envelope")]
            Self::Sha1 => 20,
            #[cfg(feature = "envelope")]
            Self::Sha256 => 32,
        }
    }
}

/// An aws-lc `RSA` key (private or public), owned.
pub(crate) struct Rsa(NonNull<ffi::RSA>);

// SAFETY: see the module notes; aws-lc locks the mutable parts of an `RSA` (blinding, cached
// Montgomery contexts) itself, and nothing here mutates the key after it is built.
unsafe impl Send for Rsa {}
// SAFETY: as above.
unsafe impl Sync for Rsa {}

impl Drop for Rsa {
    fn drop(&mut self) {
        // SAFETY: the pointer is owned by `self` and freed only here. aws-lc wipes the key's
        // memory when it frees it (`OPENSSL_free` cleanses every allocation).
        unsafe { ffi::RSA_free(self.0.as_ptr()) }
    }
}

impl Rsa {
    /// Parses a private key from PKCS#8 or PKCS#1 DER. `None` if it is not an RSA private key.
    pub(crate) fn private_from_der(der: &[u8]) -> Option<Self> {
        let len = c_long::try_from(der.len()).ok()?;
        let mut input = der.as_ptr();
        // SAFETY: `input` points at `len` readable bytes; aws-lc advances it and reads no
        // further. The returned `EVP_PKEY` (or null) is owned here and freed below.
        let pkey = unsafe { ffi::d2i_AutoPrivateKey(std::ptr::null_mut(), &mut input, len) };
        let pkey = NonNull::new(pkey)?;
        // SAFETY: `pkey` is a valid `EVP_PKEY`. `get1` returns a new reference to its `RSA` (or
        // null if it is not RSA); freeing the `EVP_PKEY` afterwards leaves that reference ours.
        let rsa = unsafe {
            let rsa = ffi::EVP_PKEY_get1_RSA(pkey.as_ptr());
            ffi::EVP_PKEY_free(pkey.as_ptr());
            rsa
        };
        NonNull::new(rsa).map(Self)
    }

    /// Generates a key of `bits` bits (a multiple of 128, 2048 or more) with public exponent
    /// 65537, and returns it as PKCS#1 `RSAPrivateKey` DER, wiped when dropped. `None` if aws-lc
    /// refuses the size or fails (no randomness, out of memory, or its pairwise check of the
    /// new key failed).
    ///
    /// aws-lc-rs generates only 2048, 3072, 4096 and 8192 bits; aws-lc's FIPS key generation
    /// (FIPS 186-5 primes, rejection of `p` and `q` too close, a sign/verify check of the
    /// result) does every multiple of 128, so the documented sizes in between (6144) work too,
    /// all through this one path.
    pub(crate) fn generate_pkcs1_der(bits: usize) -> Option<Zeroizing<Vec<u8>>> {
        let bits = c_int::try_from(bits).ok()?;
        // SAFETY: `RSA_new` returns a new, empty `RSA` or null; ownership passes to `Rsa`, which
        // frees it once.
        let rsa = Self(NonNull::new(unsafe { ffi::RSA_new() })?);
        // SAFETY: `rsa` is a valid, empty `RSA` owned here; a null callback is allowed. aws-lc
        // generates into scratch space and fills `rsa` only on success.
        if unsafe { ffi::RSA_generate_key_fips(rsa.0.as_ptr(), bits, std::ptr::null_mut()) } != 1 {
            return None;
        }
        let mut out: *mut u8 = std::ptr::null_mut();
        let mut len: usize = 0;
        // SAFETY: `rsa` holds a complete private key; on success aws-lc points `out` at `len`
        // bytes it allocated, which are copied and then freed (and wiped) by `OPENSSL_free`.
        let der = unsafe {
            if ffi::RSA_private_key_to_bytes(&mut out, &mut len, rsa.0.as_ptr()) != 1 {
                return None;
            }
            let out = NonNull::new(out)?;
            let der = Zeroizing::new(std::slice::from_raw_parts(out.as_ptr(), len).to_vec());
            ffi::OPENSSL_free(out.as_ptr().cast());
            der
        };
        Some(der)
    }

    /// Parses a public key from PKCS#1 `RSAPublicKey` DER. `None` if it does not parse.
    #[cfg(any(feature = "envelope", feature = "sgate"))]
    pub(crate) fn public_from_pkcs1_der(der: &[u8]) -> Option<Self> {
        // SAFETY: pointer and length describe `der`; aws-lc copies what it needs.
        let rsa = unsafe { ffi::RSA_public_key_from_bytes(der.as_ptr(), der.len()) };
        NonNull::new(rsa).map(Self)
    }

    /// Modulus size in bits.
    pub(crate) fn bits(&self) -> usize {
        // SAFETY: `self.0` is a valid `RSA`.
        let bits = unsafe { ffi::RSA_bits(self.0.as_ptr()) };
        usize::try_from(bits).unwrap_or(0)
    }

    /// Signature length: the modulus in bytes.
    #[cfg(any(feature = "envelope", feature = "sgate"))]
    fn size(&self) -> usize {
        // SAFETY: `self.0` is a valid `RSA`.
        let size = unsafe { ffi::RSA_size(self.0.as_ptr()) };
        usize::try_from(size).unwrap_or(0)
    }

    /// Signs a `digest` of `hash` (PKCS#1 v1.5, blinded). `None` if the digest has the wrong
    /// length or aws-lc fails (out of memory, or a computation fault its check caught).
    #[cfg(any(feature = "envelope", feature = "sgate"))]
    pub(crate) fn sign(&self, hash: Pkcs1Hash, digest: &[u8]) -> Option<Vec<u8>> {
        if digest.len() != hash.digest_len() {
            return None;
        }
        let mut signature = vec![0u8; self.size()];
        let mut written: c_uint = 0;
        // SAFETY: `digest` is read for `digest.len()` bytes; `signature` has `RSA_size` bytes,
        // the most `RSA_sign` writes, and `written` receives how many it wrote. `RSA_sign`
        // takes `*mut RSA` only to use the key's internal, locked caches.
        let ok = unsafe {
            ffi::RSA_sign(
                hash.nid(),
                digest.as_ptr(),
                digest.len(),
                signature.as_mut_ptr(),
                &mut written,
                self.0.as_ptr(),
            )
        };
        let written = usize::try_from(written).ok()?;
        (ok == 1 && written == signature.len()).then_some(signature)
    }

    /// Opens a PKCS#1 v1.5 signature with the public key: the `DigestInfo` it carries when its
    /// padding is valid, `None` otherwise. For diagnostics only (telling which hash and which
    /// digest a refused signature holds); verification uses [`Rsa::verify`].
    #[cfg(any(feature = "envelope", feature = "sgate"))]
    pub(crate) fn open_signature(&self, signature: &[u8]) -> Option<Vec<u8>> {
        let mut out = vec![0u8; self.size()];
        let mut written: usize = 0;
        // SAFETY: `signature` is read within its length; `out` has `RSA_size` bytes, passed as
        // `max_out`, the most `RSA_verify_raw` writes, and `written` receives how many it wrote.
        let ok = unsafe {
            ffi::RSA_verify_raw(
                self.0.as_ptr(),
                &mut written,
                out.as_mut_ptr(),
                out.len(),
                signature.as_ptr(),
                signature.len(),
                ffi::RSA_PKCS1_PADDING as std::os::raw::c_int,
            )
        };
        if ok != 1 || written > out.len() {
            return None;
        }
        out.truncate(written);
        Some(out)
    }

    /// Whether `signature` is a valid PKCS#1 v1.5 signature of `digest` under `hash`.
    #[cfg(any(feature = "envelope", feature = "sgate"))]
    pub(crate) fn verify(&self, hash: Pkcs1Hash, digest: &[u8], signature: &[u8]) -> bool {
        if digest.len() != hash.digest_len() {
            return false;
        }
        // SAFETY: both slices are read within their lengths; `RSA_verify` writes nothing the
        // caller sees (it takes `*mut RSA` for the same internal caches as above).
        let ok = unsafe {
            ffi::RSA_verify(
                hash.nid(),
                digest.as_ptr(),
                digest.len(),
                signature.as_ptr(),
                signature.len(),
                self.0.as_ptr(),
            )
        };
        ok == 1
    }
}
