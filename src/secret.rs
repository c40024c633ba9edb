//! Values the specs mark `x-sensitive` ([`Sensitive`]), and when they may be written in plain
//! text. A [`Sensitive`] value serialises as a redaction marker everywhere — logs, JSON dumps
//! of models, error bodies — except inside `with_plaintext`: the one internal path by which the
//! pipeline serialises a request before it is sealed (SGATE: before its sensitive members are
//! encrypted). A caller who wants the plain value asks for it: `Sensitive::expose`.

use std::cell::Cell;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

thread_local! {
    static PLAINTEXT: Cell<bool> = const { Cell::new(false) };
}

/// What a [`Sensitive`] value serialises as outside the pipeline.
pub const REDACTED: &str = "[redacted]";

/// Whether a sensitive value being serialised now may be written in plain text.
fn plaintext_allowed() -> bool {
    PLAINTEXT.with(Cell::get)
}

/// Runs `f` (synchronous serialisation) with sensitive values written in plain text.
pub(crate) fn with_plaintext<R>(f: impl FnOnce() -> R) -> R {
    let before = PLAINTEXT.with(|p| p.replace(true));
    // Restores the flag even when `f` unwinds.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            PLAINTEXT.with(|p| p.set(self.0));
        }
    }
    let _restore = Restore(before);
    f()
}

/// A plain-text value the spec marks `x-sensitive`: personal data such as an ID number, a bank
/// account, a payee's name or mobile, or a card number or CVV SGATE Payin takes. SGATE Payout
/// carries it encrypted (paybind encrypts it on the way out and decrypts it on the way in);
/// BluePay, JT and SGATE Payin carry it in plain text inside the request. Either way the models
/// hold the plain value — wrapped so that `Debug` and serialisation (and so logs, JSON dumps of
/// a model and error messages built from them) never show it: a model serialises it as
/// `"[redacted]"`. Read it with [`Sensitive::expose`]. The plain text is overwritten with
/// zeros when the value is dropped.
///
/// ```
/// use paybind::secret::Sensitive;
/// let cardno = Sensitive::from("5123450000000001");
/// assert_eq!(cardno.expose(), "5123450000000001");
/// assert_eq!(format!("{cardno:?}"), "Sensitive(redacted)");
/// assert_eq!(serde_json::to_string(&cardno).unwrap(), r#""[redacted]""#);
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Sensitive(String);

impl Sensitive {
    /// Wraps a plain value.
    pub fn new(plain: impl Into<String>) -> Self {
        Self(plain.into())
    }

    /// The plain value. Take care where it goes: this is the one way to read it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The plain value, unwrapped (no longer zeroized on drop: it is the caller's).
    pub fn into_inner(mut self) -> String {
        std::mem::take(&mut self.0)
    }

    /// Whether the value is empty (SGATE sends `""` unencrypted for a missing photo or account).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Drop for Sensitive {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sensitive(redacted)")
    }
}

impl From<String> for Sensitive {
    fn from(plain: String) -> Self {
        Self(plain)
    }
}

impl From<&str> for Sensitive {
    fn from(plain: &str) -> Self {
        Self(plain.to_string())
    }
}

impl From<&String> for Sensitive {
    fn from(plain: &String) -> Self {
        Self(plain.clone())
    }
}

impl Serialize for Sensitive {
    /// Serialises `"[redacted]"`. Only the request pipeline, which encrypts the value before it
    /// is sent, serialises the plain text (see the module's docs).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if plaintext_allowed() {
            s.serialize_str(&self.0)
        } else {
            s.serialize_str(REDACTED)
        }
    }
}

impl<'de> Deserialize<'de> for Sensitive {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self)
    }
}
