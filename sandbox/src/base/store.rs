//! Where the sandbox keeps its state: a small key-value trait over JSON records, grouped in
//! tables, and its SQLite implementation (a file by default, in memory for tests).
//!
//! Every change a request makes is collected in a [`Tx`] and written in one SQLite transaction,
//! so a crash or a restart never leaves half an operation behind.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

/// Why the store failed. It never contains record contents.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("sandbox storage: {0}")]
pub struct StoreError(pub String);

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        StoreError(error.to_string())
    }
}

/// One change: `Some(value)` writes the record, `None` deletes it.
pub type Write = ((String, String), Option<Value>);

/// The storage the sandbox state lives in: JSON records keyed by `(table, key)`.
pub trait StateStore: Send {
    /// The record `key` of `table`.
    fn get(&self, table: &str, key: &str) -> Result<Option<Value>, StoreError>;
    /// Every record of `table`, in the order they were first written.
    fn list(&self, table: &str) -> Result<Vec<(String, Value)>, StoreError>;
    /// Applies all writes atomically (all or none).
    fn apply(&mut self, writes: Vec<Write>) -> Result<(), StoreError>;
    /// Forgets every record of every table (`POST /admin/reset`, a start with fixtures). A
    /// store that cannot says so (the default).
    fn clear(&mut self) -> Result<(), StoreError> {
        Err(StoreError("this store cannot be cleared".into()))
    }
}

/// The SQLite store: one table `records(tbl, key, value)`.
pub struct SqliteStore {
    connection: rusqlite::Connection,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteStore")
    }
}

impl SqliteStore {
    /// Opens (or creates) the database file at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(directory) = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
        {
            std::fs::create_dir_all(directory)
                .map_err(|e| StoreError(format!("cannot create {}: {e}", directory.display())))?;
        }
        Self::init(rusqlite::Connection::open(path)?)
    }

    /// A database that lives in memory and disappears with the sandbox.
    pub fn memory() -> Result<Self, StoreError> {
        Self::init(rusqlite::Connection::open_in_memory()?)
    }

    fn init(connection: rusqlite::Connection) -> Result<Self, StoreError> {
        connection.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             CREATE TABLE IF NOT EXISTS records (
                 tbl TEXT NOT NULL,
                 key TEXT NOT NULL,
                 value TEXT NOT NULL,
                 PRIMARY KEY (tbl, key)
             );",
        )?;
        Ok(Self { connection })
    }
}

fn parse(text: &str) -> Result<Value, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError(format!("corrupt record: {e}")))
}

impl StateStore for SqliteStore {
    fn get(&self, table: &str, key: &str) -> Result<Option<Value>, StoreError> {
        let mut statement = self
            .connection
            .prepare_cached("SELECT value FROM records WHERE tbl = ?1 AND key = ?2")?;
        let mut rows = statement.query(rusqlite::params![table, key])?;
        match rows.next()? {
            Some(row) => {
                let text: String = row.get(0)?;
                parse(&text).map(Some)
            }
            None => Ok(None),
        }
    }

    fn list(&self, table: &str) -> Result<Vec<(String, Value)>, StoreError> {
        let mut statement = self
            .connection
            .prepare_cached("SELECT key, value FROM records WHERE tbl = ?1 ORDER BY rowid")?;
        let rows = statement.query_map(rusqlite::params![table], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (key, text) = row?;
            out.push((key, parse(&text)?));
        }
        Ok(out)
    }

    fn apply(&mut self, writes: Vec<Write>) -> Result<(), StoreError> {
        if writes.is_empty() {
            return Ok(());
        }
        let tx = self.connection.transaction()?;
        {
            let mut upsert = tx.prepare_cached(
                "INSERT INTO records (tbl, key, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT (tbl, key) DO UPDATE SET value = excluded.value",
            )?;
            let mut delete =
                tx.prepare_cached("DELETE FROM records WHERE tbl = ?1 AND key = ?2")?;
            for ((table, key), value) in &writes {
                match value {
                    Some(value) => {
                        upsert.execute(rusqlite::params![table, key, value.to_string()])?;
                    }
                    None => {
                        delete.execute(rusqlite::params![table, key])?;
                    }
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn clear(&mut self) -> Result<(), StoreError> {
        self.connection.execute("DELETE FROM records", [])?;
        Ok(())
    }
}

/// The changes one request makes: reads see its own writes; nothing reaches the store until
/// [`Tx::commit`].
pub struct Tx<'s> {
    store: &'s mut dyn StateStore,
    writes: BTreeMap<(String, String), Option<Value>>,
    order: Vec<(String, String)>,
}

impl<'s> Tx<'s> {
    /// A transaction over `store`.
    pub fn new(store: &'s mut dyn StateStore) -> Self {
        Self {
            store,
            writes: BTreeMap::new(),
            order: Vec::new(),
        }
    }

    /// The record, as this transaction sees it.
    pub fn get(&self, table: &str, key: &str) -> Result<Option<Value>, StoreError> {
        match self.writes.get(&(table.to_string(), key.to_string())) {
            Some(pending) => Ok(pending.clone()),
            None => self.store.get(table, key),
        }
    }

    /// The values of every record of a table, as this transaction sees it, in key order.
    pub fn records(&self, table: &str) -> Result<Vec<Value>, StoreError> {
        Ok(self
            .list(table)?
            .into_iter()
            .map(|(_, value)| value)
            .collect())
    }

    /// Every record of a table, as this transaction sees it.
    pub fn list(&self, table: &str) -> Result<Vec<(String, Value)>, StoreError> {
        let mut rows = self.store.list(table)?;
        for id in &self.order {
            if id.0 != table {
                continue;
            }
            let pending = self.writes.get(id).cloned().flatten();
            match (rows.iter().position(|(key, _)| *key == id.1), pending) {
                (Some(position), Some(value)) => rows[position].1 = value,
                (Some(position), None) => {
                    rows.remove(position);
                }
                (None, Some(value)) => rows.push((id.1.clone(), value)),
                (None, None) => {}
            }
        }
        Ok(rows)
    }

    /// Writes a record.
    pub fn put(&mut self, table: &str, key: &str, value: Value) {
        self.record(table, key, Some(value));
    }

    /// Deletes a record.
    pub fn delete(&mut self, table: &str, key: &str) {
        self.record(table, key, None);
    }

    fn record(&mut self, table: &str, key: &str, value: Option<Value>) {
        let id = (table.to_string(), key.to_string());
        if !self.writes.contains_key(&id) {
            self.order.push(id.clone());
        }
        self.writes.insert(id, value);
    }

    /// Writes everything in one transaction.
    pub fn commit(self) -> Result<(), StoreError> {
        let mut writes = self.writes;
        let ordered: Vec<Write> = self
            .order
            .into_iter()
            .filter_map(|id| writes.remove(&id).map(|value| (id, value)))
            .collect();
        self.store.apply(ordered)
    }
}
