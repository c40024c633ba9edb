#![allow(dead_code)]

use std::time::{Duration, Instant};

use paybind::{bluepay, sgate};
use paybind_sandbox::{Sandbox, SandboxConfig, Settings, Storage};
use shop::web::{self, AppState, LedgerEntry};

pub struct World {
    pub sandbox: Sandbox,
    pub bluepay: bluepay::Client,
    pub sgate: sgate::Client,
    pub state: AppState,
    pub shop_url: String,
}

/// The sandbox (in memory) plus the shop's webhooks on a free port, wired together.
pub async fn world() -> World {
    let sandbox = Sandbox::start(SandboxConfig {
        storage: Storage::Memory,
        auto_delay: Duration::from_millis(100),
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts");
    let bluepay = bluepay::Client::new(sandbox.bluepay_config()).unwrap();
    let sgate = sgate::Client::new(sandbox.sgate_config()).unwrap();
    let state = AppState::new(&bluepay, &sgate);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let shop_url = format!("http://{}", listener.local_addr().unwrap());
    let app = web::app(state.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    sandbox
        .admin()
        .set_settings(&Settings {
            bluepay_payout_notify_url: Some(format!("{shop_url}/bluepay/notify")),
            sgate_callback_url: Some(format!("{shop_url}/sgate/callback")),
            ..Settings::default()
        })
        .await
        .unwrap();
    World {
        sandbox,
        bluepay,
        sgate,
        state,
        shop_url,
    }
}

/// Waits (10 s at most) for the webhooks to record an entry matching `want`.
pub async fn recorded(state: &AppState, want: impl Fn(&LedgerEntry) -> bool) -> LedgerEntry {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(found) = state.ledger.lock().unwrap().iter().find(|e| want(e)) {
            return found.clone();
        }
        assert!(
            Instant::now() < deadline,
            "nothing recorded; ledger: {:?}",
            state.ledger.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}
