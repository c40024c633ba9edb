//! Telling a repeated notification from a new one. No gateway paybind binds stamps its
//! notifications with an event id: BluePay and BluePay JT sign theirs with no time and no
//! nonce, SGATE signs each delivery afresh, and all deliver one event again until the merchant
//! acknowledges it — so one event can arrive twice, legitimately or replayed by someone who saw
//! it. [`EventKey`] names an event by the fields that identify it; [`SeenEvents`] remembers the
//! keys already handled.
//!
//! The fields of a key (after the gateway and the notification kind) are each kind's
//! `event-key` in its spec (`info.x-notifications`, SGATE's `info.x-callbacks`), listed in the
//! gateway's `NOTIFICATION_KINDS`: the ids of the order, refund, token or ticket, and the event
//! name and status that say what happened to it, so a later state of the same order (a payout
//! `SUCCESS` after a `PENDING`, a token cancelled after it was created) is a new event. Times,
//! amounts, fees and messages describe an event without identifying it and are left out: a
//! gateway delivering one event again may stamp them anew (SGATE's keys keep the object's
//! `updated_at`, which a retry repeats; the spec says why). An absent field is simply not part
//! of the key; a kind paybind does not recognise is keyed by every field.

use serde_json::{Map, Value};

use crate::memory::BoundedSet;
use crate::spec::NotificationKind;

/// What identifies one notification event: the gateway, the kind, and the identifying fields
/// with their values (see the [module](self) for which). Two deliveries of one event have equal
/// keys; a different order or a different state of the same order has another.
///
/// Its text ([`EventKey::as_str`]) is stable JSON, e.g.
/// `["bluepay","Payout",{"eventName":"disbursement.success","mchOrderId":"M1","transactionId":"D1","transactionStatus":"SUCCESS"}]`:
/// store it in a unique column to remember handled events across restarts and servers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventKey(String);

impl EventKey {
    /// The key of a notification of `gateway` given as paybind serialises a typed
    /// notification: `{"kind": "<variant>", "event": {..wire fields..}}`.
    pub(crate) fn of(
        gateway: &str,
        kinds: &'static [NotificationKind],
        notification: &Value,
    ) -> EventKey {
        let kind = notification
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("Unrecognized");
        let empty = Map::new();
        let fields = notification
            .get("event")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let picked = match kinds.iter().find(|k| k.kind == kind) {
            Some(known) => known
                .event_key
                .iter()
                .filter_map(|name| Some((name.to_string(), member(fields, name)?.clone())))
                .collect(),
            // Nothing is known about it: every field identifies it.
            None => fields.clone(),
        };
        let key = Value::Array(vec![gateway.into(), kind.into(), Value::Object(picked)]);
        EventKey(key.to_string())
    }

    /// The key of a typed notification of `gateway` (`Notification::event_key`).
    pub(crate) fn of_notification<N>(
        gateway: &str,
        kinds: &'static [NotificationKind],
        notification: &N,
    ) -> EventKey
    where
        N: serde::Serialize + std::fmt::Debug,
    {
        match serde_json::to_value(notification) {
            Ok(value) => EventKey::of(gateway, kinds, &value),
            // Not reached with paybind's models. Never merge distinct events into one key: the
            // whole notification is the key then.
            Err(_) => {
                let whole = format!("{notification:?}");
                EventKey(Value::Array(vec![gateway.into(), whole.into()]).to_string())
            }
        }
    }

    /// The key as text (stable across versions of paybind for the kinds above).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The member `name` of `fields`; a dotted name (`data.status`) reaches into object members.
fn member<'a>(fields: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    let mut parts = name.split('.');
    let mut value = fields.get(parts.next()?)?;
    for part in parts {
        value = value.as_object()?.get(part)?;
    }
    Some(value)
}

impl std::fmt::Display for EventKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<EventKey> for String {
    fn from(key: EventKey) -> String {
        key.0
    }
}

/// A bounded in-memory record of the notification events already handled, for one process.
/// When full, the oldest key is forgotten. Share one (it is `Sync`) between the handlers of a
/// merchant; across restarts or several servers, keep [`EventKey::as_str`] in a unique column of
/// your database instead.
///
/// The handler's order: verify; if [`first_time`](SeenEvents::first_time) says the event was
/// seen, acknowledge it and do nothing else; otherwise handle it, and if handling fails,
/// [`forget`](SeenEvents::forget) the key and answer an error status so the gateway delivers
/// the event again.
///
/// ```
/// use paybind::bluepay::{types, Notification, SeenEvents};
///
/// let payout = |status: &str| {
///     Notification::Payout(
///         serde_json::from_value::<types::PayoutNotification>(serde_json::json!({
///             "eventName": "disbursement.success", "mchOrderId": "M1", "transactionId": "D1",
///             "amount": 1000, "transactionStatus": status,
///         }))
///         .unwrap(),
///     )
/// };
/// let seen = SeenEvents::new(10_000);
/// // In the notification handler, after `verify`:
/// let event = payout("SUCCESS");
/// assert!(seen.first_time(&event.event_key()), "new: handle it");
/// assert!(!seen.first_time(&payout("SUCCESS").event_key()), "delivered again: only acknowledge");
/// assert!(seen.first_time(&payout("FAILED").event_key()), "another state is another event");
/// ```
#[derive(Debug)]
pub struct SeenEvents(BoundedSet<EventKey>);

impl SeenEvents {
    /// A memory of at most `capacity` events (at least one). Size it above the number of
    /// notifications the gateway may deliver again while retrying (BluePay retries for hours).
    pub fn new(capacity: usize) -> Self {
        Self(BoundedSet::new(capacity))
    }

    /// Records `key`: `true` when the event was not seen before (handle it), `false` when it
    /// was (acknowledge it and do nothing). Atomic: of two deliveries arriving together, one
    /// gets `true`.
    pub fn first_time(&self, key: &EventKey) -> bool {
        self.0.first_time(key)
    }

    /// The recipe above in one call: runs `handle` only if the event was not seen before, and
    /// forgets the key when `handle` returns `false`, so that the gateway's next delivery is
    /// handled. Returns whether to acknowledge: `true` when the event was handled now or seen
    /// before (answer HTTP 200 and the acknowledgement), `false` when handling failed (answer an
    /// error status).
    ///
    /// ```
    /// # use paybind::events::{EventKey, SeenEvents};
    /// # fn run(seen: &SeenEvents, key: &EventKey, record: impl Fn() -> bool) -> u16 {
    /// if seen.handle_once(key, || record()) { 200 } else { 500 }
    /// # }
    /// ```
    pub fn handle_once(&self, key: &EventKey, handle: impl FnOnce() -> bool) -> bool {
        if !self.first_time(key) {
            return true;
        }
        let handled = handle();
        if !handled {
            self.forget(key);
        }
        handled
    }

    /// Whether `key` is remembered.
    pub fn contains(&self, key: &EventKey) -> bool {
        self.0.contains(key)
    }

    /// Forgets `key`: its handling failed, the next delivery must be handled.
    pub fn forget(&self, key: &EventKey) {
        self.0.forget(key);
    }

    /// How many events are remembered.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether none is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
