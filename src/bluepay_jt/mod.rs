//! BluePay JT Open API (courier cash-on-delivery): direct debit, Thai dynamic QR, abnormal-
//! transaction tickets, settlement notifications, report download and payouts.
//!
//! Same `{appId, param, sign}` envelope and signing as [`crate::bluepay`] — one mechanism, in
//! [`crate::envelope`] — with JT's own spec (`openapi/bluepay-jt.yaml`) and code table: where a
//! JT code means something else than the same number in the main BluePay list, the JT meaning
//! is the one in [`ResultCode`] here.

// The module's skeleton (`types`, `Error`, `spec()`, `Client`, `Notifications`…), its
// operations and models, generated from the gateway table and the spec (paybind-codegen).
include!(concat!(env!("OUT_DIR"), "/bluepay_jt_extras.rs"));

mod report;
pub use report::DownloadedReport;
