//! Every file `build.rs` generates, as an insta snapshot: a change to a YAML file or to the
//! generator shows its whole effect — progenitor's client and models, the extras (open enums,
//! code tables, operation table, facade methods, `call_json`, notifications), the bundled spec
//! and the gateway table — as one reviewable diff (`cargo insta review`).

use std::path::Path;

/// One test per generated file, and [`COVERED`], the list of those files.
macro_rules! snapshots {
    ($($test:ident: $file:literal,)*) => {
        $(
            #[test]
            fn $test() {
                snapshot(stringify!($test), $file);
            }
        )*

        /// Every file the tests above snapshot.
        const COVERED: &[&str] = &[$($file),*];
    };
}

snapshots! {
    gateways: "gateways.rs",
    gateway_operations: "gateway_operations.rs",
    bluepay_client: "bluepay_client.rs",
    bluepay_extras: "bluepay_extras.rs",
    bluepay_spec: "bluepay.json",
    bluepay_jt_client: "bluepay_jt_client.rs",
    bluepay_jt_extras: "bluepay_jt_extras.rs",
    bluepay_jt_spec: "bluepay_jt.json",
    sgate_client: "sgate_client.rs",
    sgate_extras: "sgate_extras.rs",
    sgate_spec: "sgate.json",
    sgate_payin_client: "sgate_payin_client.rs",
    sgate_payin_extras: "sgate_payin_extras.rs",
    sgate_payin_spec: "sgate_payin.json",
}

fn out_dir() -> &'static Path {
    Path::new(env!("OUT_DIR"))
}

/// A JSON document with its objects' members in their written order (a `serde_json::Value`
/// sorts them: paybind leaves serde_json's `preserve_order` off).
#[derive(serde::Deserialize, serde::Serialize)]
#[serde(untagged)]
enum Ordered {
    Object(indexmap::IndexMap<String, Ordered>),
    Array(Vec<Ordered>),
    Scalar(serde_json::Value),
}

/// Snapshots `file` of `OUT_DIR` as `name`; the bundled spec (one line of JSON as embedded)
/// pretty-printed so that its diff shows the field that changed.
fn snapshot(name: &str, file: &str) {
    let path = out_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = if file.ends_with(".json") {
        let spec: Ordered = serde_json::from_str(&text).expect("bundled spec is JSON");
        serde_json::to_string_pretty(&spec).expect("a JSON value prints")
    } else {
        text
    };
    insta::assert_snapshot!(name, text);
}

/// Nothing build.rs writes escapes review: the files in `OUT_DIR` are exactly those snapshotted
/// above, and every gateway of the table that is compiled in has its three.
#[test]
fn every_generated_file_is_snapshotted() {
    let mut written: Vec<String> = std::fs::read_dir(out_dir())
        .expect("OUT_DIR is readable")
        .map(|entry| entry.expect("OUT_DIR entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .collect();
    written.sort();
    let mut covered: Vec<String> = COVERED.iter().map(|f| f.to_string()).collect();
    covered.sort();
    assert_eq!(
        written, covered,
        "files in OUT_DIR vs files snapshotted here"
    );

    for gateway in paybind::gateways::GATEWAYS
        .iter()
        .filter(|g| g.is_enabled())
    {
        for suffix in ["_client.rs", "_extras.rs", ".json"] {
            let file = format!("{}{suffix}", gateway.module);
            assert!(
                COVERED.contains(&file.as_str()),
                "{file} is not snapshotted"
            );
        }
    }
}
