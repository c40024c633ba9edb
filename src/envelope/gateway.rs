//! The module body every envelope gateway shares: its facade `Client`, its `Notifications`
//! verifier and access to its bundled spec. Each gateway module invokes [`envelope_gateway!`]
//! once, so BluePay and BluePay JT run one mechanism, not two copies.

/// Defines a gateway module's `Client`, `Notifications`, `Error`, `spec()` and `operations()`
/// around its generated code (the models in `types`, and the `*_extras.rs` file included beside
/// it).
macro_rules! envelope_gateway {
    (name: $name:literal, gateway: $gateway:ident, client: $client_file:literal, extras: $extras_file:literal) => {
        use std::sync::OnceLock;

        pub use $crate::envelope::{
            Config, ConfigError, Environment, EventKey, HashAlgorithm, NotificationError, SeenEvents,
            TimestampUnit,
        };

        use $crate::pipeline::{Endpoint, GatewayCode};
        use $crate::spec::Spec;

        #[doc = concat!("The models progenitor generated from the ", $name, " spec, public as [`types`].")]
        #[allow(missing_docs, clippy::all, clippy::pedantic, unused_imports, dead_code)]
        mod generated {
            include!(concat!(env!("OUT_DIR"), "/", $client_file));
        }

        pub use generated::types;

        #[doc = concat!("The error of every ", $name, " call.")]
        pub type Error = $crate::envelope::Error<ResultCode>;

        include!(concat!(env!("OUT_DIR"), "/", $extras_file));

        /// The bundled spec, with its shared components, parsed once.
        pub fn spec() -> &'static Spec {
            static SPEC: OnceLock<Spec> = OnceLock::new();
            // build.rs proved the embedded text is JSON; a failure here is a build bug.
            SPEC.get_or_init(|| Spec::parse(SPEC_JSON).expect(concat!("the bundled ", $name, " spec is JSON")))
        }

        /// Every operation of the spec.
        pub fn operations() -> &'static [$crate::spec::Operation] {
            OPERATIONS
        }

        static GATEWAY: GatewayCode = GatewayCode {
            gateway: $crate::gateways::Gateway::$gateway,
            sensitive: SENSITIVE_MEMBERS,
        };

        #[doc = concat!("A ", $name, " client. Cheap to clone; share one per merchant app.")]
        #[derive(Debug, Clone)]
        pub struct Client {
            endpoint: Endpoint<$crate::envelope::EnvelopeContext>,
            notifications: Option<Notifications>,
        }

        impl Client {
            /// Builds a client. Keys were parsed when the config was made; a bad base URL or
            /// unknown environment host fails here.
            pub fn new(config: Config) -> Result<Self, ConfigError> {
                let parts = config.into_parts(&GATEWAY)?;
                Ok(Self {
                    endpoint: Endpoint::new(&parts.base_url, parts.http, parts.context),
                    notifications: parts.verifier.map(Notifications),
                })
            }

            /// The same client (configuration and connection pool) whose calls each get
            /// `timeout` instead of the config's: for the one call that may take longer, or
            /// must not. Cheap.
            pub fn with_timeout(&self, timeout: ::std::time::Duration) -> Self {
                Self {
                    endpoint: self.endpoint.with_timeout(timeout),
                    notifications: self.notifications.clone(),
                }
            }

            /// The notification verifier, when the config has the gateway's public key.
            pub fn notifications(&self) -> Option<&Notifications> {
                self.notifications.as_ref()
            }
        }

        #[doc = concat!("Verifies the notifications ", $name, " sends and types them.")]
        #[derive(Debug, Clone)]
        pub struct Notifications($crate::envelope::NotificationVerifier);

        impl Notifications {
            /// A verifier for the gateway's public key and signature hash.
            pub fn new(public_key: $crate::keys::PublicKey, hash: HashAlgorithm) -> Self {
                Self($crate::envelope::NotificationVerifier::new(public_key, hash))
            }

            /// Checks the signature over `param`, then returns the typed notification. Answer a
            /// verified notification with HTTP 200 and [`ACK_BODY`]; a refused one with an error
            /// status so a genuine notification is delivered again.
            pub fn verify(&self, body: &[u8]) -> Result<Notification, NotificationError> {
                self.0
                    .verify_typed(body, NOTIFICATION_KINDS, Notification::from_kind)
            }

            /// The untyped verifier underneath.
            pub fn verifier(&self) -> &$crate::envelope::NotificationVerifier {
                &self.0
            }
        }

        impl Notification {
            /// What identifies this event, to tell a delivery of it again from a new event: the
            /// gateway's notifications carry no timestamp or nonce. The fields per kind are in
            /// [`EventKey`]'s module; remember handled keys with [`SeenEvents`] or in your
            /// database.
            pub fn event_key(&self) -> EventKey {
                EventKey::of_notification($crate::gateways::Gateway::$gateway.id(), self)
            }
        }

        #[cfg(feature = "axum")]
        impl $crate::envelope::axum::VerifyNotification for Notifications {
            type Event = Notification;
            fn verify(&self, body: &[u8]) -> Result<Notification, NotificationError> {
                Notifications::verify(self, body)
            }
        }

        #[doc = concat!("An axum extractor: a ", $name, " notification whose signature verified with the [`Notifications`] in the router's state, typed. Answer it with HTTP 200 and [`ACK_BODY`]; a refused one is answered for you with an error status, and the gateway delivers a genuine one again. See [`crate::envelope::axum`].")]
        #[cfg(feature = "axum")]
        #[derive(Debug, Clone)]
        pub struct VerifiedNotification(pub Notification);

        #[cfg(feature = "axum")]
        impl<S> ::axum::extract::FromRequest<S> for VerifiedNotification
        where
            S: Send + Sync,
            Notifications: ::axum::extract::FromRef<S>,
        {
            type Rejection = $crate::envelope::axum::Rejection;

            async fn from_request(request: ::axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
                let verifier = <Notifications as ::axum::extract::FromRef<S>>::from_ref(state);
                $crate::envelope::axum::verify_request(request, state, &verifier)
                    .await
                    .map(VerifiedNotification)
            }
        }
    };
}
pub(crate) use envelope_gateway;
