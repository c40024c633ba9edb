//! A bounded set that remembers what it saw, oldest forgotten first: the one mechanism behind
//! SGATE's nonce memory and the envelope gateways' memory of handled notifications.

use std::collections::{HashSet, VecDeque};
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard};

/// At most `capacity` keys; inserting into a full set forgets the oldest key.
#[derive(Debug)]
pub(crate) struct BoundedSet<K> {
    capacity: usize,
    seen: Mutex<Seen<K>>,
}

#[derive(Debug)]
struct Seen<K> {
    set: HashSet<K>,
    order: VecDeque<K>,
}

impl<K: Hash + Eq + Clone> BoundedSet<K> {
    /// A set of at most `capacity` keys (at least one).
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            seen: Mutex::new(Seen {
                set: HashSet::new(),
                order: VecDeque::new(),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Seen<K>> {
        // A poisoned lock only means another thread panicked mid-insert; the sets stay usable.
        self.seen.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records `key`; `false` when it was already there.
    pub(crate) fn first_time(&self, key: &K) -> bool {
        let mut seen = self.lock();
        if seen.set.contains(key) {
            return false;
        }
        if seen.order.len() >= self.capacity {
            if let Some(oldest) = seen.order.pop_front() {
                seen.set.remove(&oldest);
            }
        }
        seen.set.insert(key.clone());
        seen.order.push_back(key.clone());
        true
    }

    /// Whether `key` is remembered.
    // Only the envelope gateways' memory asks (SGATE's nonce memory never forgets).
    #[cfg_attr(not(feature = "envelope"), allow(dead_code))]
    pub(crate) fn contains(&self, key: &K) -> bool {
        self.lock().set.contains(key)
    }

    /// Forgets `key`, if it is remembered.
    #[cfg_attr(not(feature = "envelope"), allow(dead_code))]
    pub(crate) fn forget(&self, key: &K) {
        let mut seen = self.lock();
        if seen.set.remove(key) {
            seen.order.retain(|k| k != key);
        }
    }

    /// How many keys are remembered.
    #[cfg_attr(not(feature = "envelope"), allow(dead_code))]
    pub(crate) fn len(&self) -> usize {
        self.lock().set.len()
    }
}
