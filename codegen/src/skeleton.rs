//! The skeleton of every gateway module, from the gateway's row: the models progenitor generated
//! (`types`), the `Error` of its calls, its bundled spec and operations, and its facade
//! `Client` (built from its `Config`, with `with_timeout`, `notifications()` and its pipeline).
//! Both signing families get the same skeleton; what differs by family is said here, once, by
//! `match` on the row's [`Signing`] — the context the client signs with and how its
//! notification verifier is made (every config has the key that verifies). The envelope family's notification
//! verifier, typed per gateway, is generated here too; SGATE's is hand-written beside its
//! signing (`src/sgate/notifications.rs`), the same type name in the same place of the module.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::emit::doc_attrs;
use crate::gateways::{GatewayRow, Signing};
use crate::notes::notes_within;

/// The items every gateway module starts with.
pub fn module_skeleton(gateway: &GatewayRow, spec: &Value) -> TokenStream {
    let name = gateway.name;
    let variant = format_ident!("{}", gateway.variant);
    let client_file = format!("/{}_client.rs", gateway.module);
    let types_doc =
        format!("The models progenitor generated from the {name} spec, public as [`types`].");
    let error_doc = format!("The error of every {name} call.");
    let spec_error = format!("the bundled {name} spec is JSON");
    let client = client(gateway, spec);
    let from_env = config_from_env(gateway);
    let family = match gateway.signing {
        Signing::Envelope => envelope_notifications(gateway),
        // SGATE's verifier and SGATE Payin's callback handler are hand-written beside their
        // signing.
        Signing::HeaderSigned | Signing::HmacHeaders => TokenStream::new(),
    };
    quote! {
        #[doc = #types_doc]
        #[allow(missing_docs, clippy::all, clippy::pedantic, unused_imports, dead_code)]
        mod generated {
            include!(concat!(env!("OUT_DIR"), #client_file));
        }

        pub use generated::types;

        #[doc = #error_doc]
        pub type Error = crate::error::Error<ResultCode>;

        /// The bundled spec, with its shared components, parsed once.
        pub fn spec() -> &'static crate::spec::Spec {
            static SPEC: ::std::sync::OnceLock<crate::spec::Spec> = ::std::sync::OnceLock::new();
            // The generator proved the embedded text is JSON; a failure here is a build bug.
            SPEC.get_or_init(|| crate::spec::Spec::parse(SPEC_JSON).expect(#spec_error))
        }

        /// Every operation of the spec.
        pub fn operations() -> &'static [crate::spec::Operation] {
            OPERATIONS
        }

        static GATEWAY: crate::pipeline::GatewayCode = crate::pipeline::GatewayCode {
            gateway: crate::gateways::Gateway::#variant,
            sensitive: SENSITIVE_MEMBERS,
        };

        #client
        #from_env
        #family
    }
}

/// `config_from_env()`: the gateway's `Config` from its variables (`PAYBIND_<GATEWAY>_*`, the
/// names the command line reads), as the table's settings name them.
fn config_from_env(gateway: &GatewayRow) -> TokenStream {
    let listed = |optional: bool| {
        gateway
            .signing
            .settings()
            .iter()
            .filter(|setting| setting.is_optional() == optional)
            .map(|setting| {
                let variable = gateway.variable(*setting);
                let source = if setting.is_key() {
                    let file = gateway.file_variable(*setting);
                    format!("`{file}` (a file holding it, or `{variable}` its text)")
                } else {
                    format!("`{variable}`")
                };
                format!("{source}: {}", gateway.about(*setting))
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let optional = listed(true);
    let optional = if optional.is_empty() {
        String::new()
    } else {
        format!(" Optional: {optional}.")
    };
    let doc = format!(
        "The {}'s configuration from the environment, as the `paybind` command line reads it: \
         {}.{optional} A missing or unreadable variable is [`ConfigError::Variable`] naming it \
         (never its value).",
        gateway.name,
        listed(false),
    );
    let variant = format_ident!("{}", gateway.variant);
    quote! {
        #[doc = #doc]
        pub fn config_from_env() -> ::std::result::Result<Config, ConfigError> {
            Config::from_env(crate::gateways::Gateway::#variant.row())
        }
    }
}

/// The facade client: the same fields and methods in every family, but for what each family
/// keeps for the messages the gateway sends the merchant. Its docs carry what the spec leaves
/// open about the gateway as a whole (its servers, its signing scheme), since no generated item
/// stands for those.
fn client(gateway: &GatewayRow, spec: &Value) -> TokenStream {
    let mut doc = format!(
        "A client of the {}. Cheap to clone; share one per merchant app.",
        gateway.name
    );
    let none = Value::Null;
    doc += &notes_within(spec.get("servers").unwrap_or(&none), "servers");
    for signing in ["/info/x-envelope", "/info/x-signing"] {
        doc += &notes_within(spec.pointer(signing).unwrap_or(&none), "signing");
    }
    // Payin's callbacks have no generated notification enum to carry their notes.
    if gateway.signing == Signing::HmacHeaders {
        for callbacks in [
            "/info/x-callbacks",
            "/info/x-callback-ack",
            "/info/x-callback-retry",
        ] {
            doc += &notes_within(spec.pointer(callbacks).unwrap_or(&none), "callbacks");
        }
    }
    let doc = doc_attrs(&doc);
    let family = family_client(gateway.signing);
    let context = &family.context;
    let (field, init, clone) = match &family.notifications {
        Some((kept, verifier)) => (
            quote!(notifications: #kept,),
            quote!(notifications: #verifier,),
            quote!(notifications: self.notifications.clone(),),
        ),
        None => (TokenStream::new(), TokenStream::new(), TokenStream::new()),
    };
    let accessor = &family.accessor;
    quote! {
        #doc
        #[derive(Debug, Clone)]
        pub struct Client {
            endpoint: crate::pipeline::Endpoint<#context>,
            #field
        }

        impl Client {
            /// Builds a client (and its HTTP connection pool). Keys were parsed when the config
            /// was made; a bad base URL or an environment without a known host fails here.
            pub fn new(config: Config) -> ::std::result::Result<Self, ConfigError> {
                let parts = config.into_parts(&GATEWAY)?;
                Ok(Self {
                    endpoint: crate::pipeline::Endpoint::new(&parts.base_url, parts.http, parts.context),
                    #init
                })
            }

            /// The same client (configuration and connection pool) whose calls each get
            /// `timeout` instead of the config's: for the one call that may take longer, or
            /// must not. Cheap.
            pub fn with_timeout(&self, timeout: ::std::time::Duration) -> Self {
                Self {
                    endpoint: self.endpoint.with_timeout(timeout),
                    #clone
                }
            }

            #accessor

            /// The one pipeline of this client's calls (for the hand-written calls of a gateway
            /// module; the generated ones reach it through the endpoint).
            #[allow(dead_code)]
            fn pipeline(&self) -> crate::pipeline::Pipeline<'_, #context> {
                crate::pipeline::Pipeline::of(&self.endpoint)
            }
        }
    }
}

/// What a family's client holds beside its endpoint, and how it hands out what handles the
/// messages the gateway sends.
struct FamilyClient {
    /// The wire the endpoint seals and opens with.
    context: TokenStream,
    /// The type of the kept verifier and how `Client::new` makes it from the config's parts;
    /// `None` when the family keeps none.
    notifications: Option<(TokenStream, TokenStream)>,
    /// `notifications()`.
    accessor: TokenStream,
}

fn family_client(signing: Signing) -> FamilyClient {
    match signing {
        // Every envelope config has the gateway's public key, which verifies notifications.
        Signing::Envelope => FamilyClient {
            context: quote!(crate::envelope::EnvelopeContext),
            notifications: Some((
                quote!(Notifications),
                quote!(Notifications(parts.notifications)),
            )),
            accessor: quote! {
                /// The verifier of the notifications the gateway sends, built from this
                /// client's config (the gateway's public key and hash). Answer a verified
                /// notification with HTTP 200 and [`ACK_BODY`]; anything else makes the gateway
                /// deliver it again.
                pub fn notifications(&self) -> &Notifications {
                    &self.notifications
                }
            },
        },
        // SGATE's callbacks are verified with keys every config has.
        Signing::HeaderSigned => FamilyClient {
            context: quote!(signing::SgateContext),
            notifications: Some((quote!(Notifications), quote!(parts.notifications))),
            accessor: quote! {
                /// The verifier of the callbacks SGATE sends (SGATE's word for notifications),
                /// built from this client's keys and clock. Answer a verified callback with
                /// HTTP 200 ([`ACK_STATUS`]); anything else makes SGATE retry.
                pub fn notifications(&self) -> &Notifications {
                    &self.notifications
                }
            },
        },
        // SGATE Payin's callbacks are unsigned: they are checked by asking the API, with this
        // very client.
        Signing::HmacHeaders => FamilyClient {
            context: quote!(wire::HmacContext),
            notifications: None,
            accessor: quote! {
                /// The handler of the callbacks SGATE sends (unsigned `GET`s carrying an order
                /// ID): it looks the order up with this client and says whether its state
                /// confirms the callback, with the body to answer. See [`Callbacks`].
                pub fn notifications(&self) -> Callbacks {
                    Callbacks::new(self.clone())
                }
            },
        },
    }
}

/// The envelope family's notifications, typed per gateway: the verifier and the axum extractor.
fn envelope_notifications(gateway: &GatewayRow) -> TokenStream {
    let name = gateway.name;
    let verifier_doc = format!("Verifies the notifications {name} sends and types them.");
    let extractor_doc = format!(
        "An axum extractor: a {name} notification whose signature verified with the \
         [`Notifications`] in the router's state, typed. Answer it with HTTP 200 and \
         [`ACK_BODY`]; a refused one is answered for you with an error status, and the gateway \
         delivers a genuine one again. See [`crate::envelope::axum`]."
    );
    quote! {
        pub use crate::envelope::{
            Config, ConfigError, Environment, EventKey, HashAlgorithm, NotificationError,
            SeenEvents, TimestampUnit,
        };

        #[doc = #verifier_doc]
        #[derive(Debug, Clone)]
        pub struct Notifications(crate::envelope::NotificationVerifier);

        impl Notifications {
            /// A verifier for the gateway's public key and signature hash.
            pub fn new(public_key: crate::keys::PublicKey, hash: HashAlgorithm) -> Self {
                Self(crate::envelope::NotificationVerifier::new(public_key, hash))
            }

            /// Checks the signature over `param`, then returns the typed notification. Answer a
            /// verified notification with HTTP 200 and [`ACK_BODY`]; a refused one with an
            /// error status so a genuine notification is delivered again.
            pub fn verify(&self, body: &[u8]) -> ::std::result::Result<Notification, NotificationError> {
                self.0.verify_typed(body, NOTIFICATION_KINDS, Notification::from_kind)
            }

            /// The untyped verifier underneath.
            pub fn verifier(&self) -> &crate::envelope::NotificationVerifier {
                &self.0
            }
        }

        #[cfg(feature = "axum")]
        impl crate::envelope::axum::VerifyNotification for Notifications {
            type Event = Notification;
            fn verify(&self, body: &[u8]) -> ::std::result::Result<Notification, NotificationError> {
                Notifications::verify(self, body)
            }
        }

        /// The acknowledgement of a verified notification, as an axum response: HTTP 200 with
        /// [`ACK_BODY`] as `application/json`. Anything else makes the gateway deliver the
        /// notification again.
        #[cfg(feature = "axum")]
        #[derive(Debug, Clone, Copy, Default)]
        pub struct Ack;

        #[cfg(feature = "axum")]
        impl ::axum::response::IntoResponse for Ack {
            fn into_response(self) -> ::axum::response::Response {
                (
                    [(::axum::http::header::CONTENT_TYPE, "application/json")],
                    ACK_BODY,
                )
                    .into_response()
            }
        }

        #[doc = #extractor_doc]
        #[cfg(feature = "axum")]
        #[derive(Debug, Clone)]
        pub struct VerifiedNotification(pub Notification);

        #[cfg(feature = "axum")]
        impl<S> ::axum::extract::FromRequest<S> for VerifiedNotification
        where
            S: Send + Sync,
            Notifications: ::axum::extract::FromRef<S>,
        {
            type Rejection = crate::envelope::axum::Rejection;

            async fn from_request(
                request: ::axum::extract::Request,
                state: &S,
            ) -> ::std::result::Result<Self, Self::Rejection> {
                let verifier = <Notifications as ::axum::extract::FromRef<S>>::from_ref(state);
                crate::envelope::axum::verify_request(request, state, &verifier)
                    .await
                    .map(VerifiedNotification)
            }
        }
    }
}
