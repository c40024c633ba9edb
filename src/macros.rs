//! The two shapes typify cannot generate, written once and instantiated by `build.rs` from the
//! specs: string enums that keep values they do not know, and integer code tables with names.

/// A string enum the gateway sends. A value added by the gateway later arrives as
/// `Unknown(String)` instead of failing the whole response. Each variant lists its spellings;
/// the first is the one paybind writes.
#[doc(hidden)]
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = [$first:literal $(, $alias:literal)*], )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version of paybind does not know, kept exactly as received.
            Unknown(::std::string::String),
        }

        impl $name {
            /// Every value the spec documents, in spec order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),*];

            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $first, )*
                    $name::Unknown(other) => other,
                }
            }

            /// Whether the value is one the spec documents.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(match value {
                    $( $first $(| $alias)* => $name::$variant, )*
                    other => $name::Unknown(other.to_string()),
                })
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                Ok(value.parse().unwrap_or_else(|never: ::std::convert::Infallible| match never {}))
            }
        }
    };
}

/// A table of integer codes with their names, the docs' messages and retryability. A code the
/// gateway adds later arrives as `Unknown(code)`.
#[doc(hidden)]
#[macro_export]
macro_rules! code_table {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = ($code:literal, $inner:literal, $message:literal, $retry:literal), )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A code this version of paybind does not know, kept as received.
            Unknown(i64),
        }

        impl $name {
            /// Every code the spec documents, in spec order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),*];

            /// The number on the wire.
            pub fn code(&self) -> i64 {
                match self {
                    $( $name::$variant => $code, )*
                    $name::Unknown(code) => *code,
                }
            }

            /// The code for a number; unknown numbers are kept.
            pub fn from_code(code: i64) -> Self {
                match code {
                    $( $code => $name::$variant, )*
                    other => $name::Unknown(other),
                }
            }

            /// The docs' message for this code (`None` when unknown).
            pub fn message(&self) -> Option<&'static str> {
                match self {
                    $( $name::$variant => Some($message), )*
                    $name::Unknown(_) => None,
                }
            }

            /// The docs' symbolic name (e.g. `OPI_SIGN_ERROR`), when the docs print one.
            pub fn symbol(&self) -> Option<&'static str> {
                match self {
                    $( $name::$variant => Some($inner).filter(|s: &&str| !s.is_empty()), )*
                    $name::Unknown(_) => None,
                }
            }

            /// Whether sending the same request again later may succeed (server busy, network
            /// error, rate limit). Unknown codes are not retryable.
            pub fn is_retryable(&self) -> bool {
                match self {
                    $( $name::$variant => $retry, )*
                    $name::Unknown(_) => false,
                }
            }
        }

        impl $crate::codes::Code for $name {
            fn code(&self) -> i64 { $name::code(self) }
            fn from_code(code: i64) -> Self { $name::from_code(code) }
            fn message(&self) -> Option<&'static str> { $name::message(self) }
            fn is_retryable(&self) -> bool { $name::is_retryable(self) }
            fn name(&self) -> ::std::borrow::Cow<'static, str> {
                match self {
                    $( $name::$variant => ::std::borrow::Cow::Borrowed(stringify!($variant)), )*
                    $name::Unknown(code) => ::std::borrow::Cow::Owned(format!("Unknown({code})")),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self.message() {
                    Some(message) => write!(f, "{} ({})", self.code(), message),
                    None => write!(f, "{} (unknown code)", self.code()),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_i64(self.code())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                $crate::codes::deserialize_code(d).map($name::from_code)
            }
        }
    };
}
