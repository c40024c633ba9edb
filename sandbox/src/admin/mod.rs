//! The admin API (`{base}/admin/...`, JSON): what a test or a person does to the sandbox from
//! outside the gateways' own APIs — pay a QR code, approve a customer, advance the clock,
//! inject faults, read the request log and every notification attempt. Every call carries the
//! run's token (`Authorization: Bearer ...`).

mod bluepay;
pub mod guard;
mod mask;
mod objects;
mod reply;
mod sgate;
mod sgate_payin;
mod trigger;
mod world;

use std::sync::Arc;

use axum::extract::State;
use axum::routing::{get, post, put};
use axum::Router;
use serde_json::{json, Map, Value};

use crate::base::admin_api::TriggerEvent;
use crate::base::gateway::Gateway;
use crate::base::shared::Shared;
use reply::{success, Reply};

type SharedState = State<Arc<Shared>>;

/// The admin routes, each behind the token and JSON-body checks of [`guard::admin_only`].
pub fn routes(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    Router::new()
        .route("/admin", get(index))
        .route("/admin/requests", get(world::requests))
        .route("/admin/objects", get(objects::objects))
        .route("/admin/notifications", get(world::notifications))
        .route("/admin/notifications/{id}", get(world::notification))
        .route("/admin/notifications/{id}/retry", post(world::retry))
        .route(
            "/admin/faults",
            get(world::list_faults)
                .put(world::put_fault)
                .delete(world::clear_faults),
        )
        .route(
            "/admin/faults/{gateway}/{operation}",
            axum::routing::delete(world::delete_fault),
        )
        .route("/admin/rules", get(world::get_rules).put(world::put_rules))
        .route("/admin/trigger", post(trigger::trigger))
        .route("/admin/reset", post(world::reset))
        .route("/admin/clock", get(world::clock))
        .route("/admin/clock/advance", post(world::advance))
        .route(
            "/admin/settings",
            get(world::get_settings).put(world::put_settings),
        )
        .route(
            "/admin/channels/{gateway}/{code}",
            put(bluepay::put_channel),
        )
        .route(
            "/admin/sgate/balance",
            get(sgate::balance).put(sgate::set_balance),
        )
        .route("/admin/sgate/customers/{id}", get(sgate::customer))
        .route(
            "/admin/sgate/customers/{id}/{action}",
            post(sgate::customer_action),
        )
        .route("/admin/sgate/orders/{id}", get(sgate::order))
        .route(
            "/admin/sgate/orders/{id}/{action}",
            post(sgate::order_action),
        )
        .route(
            "/admin/sgate/virtual-account/transfers",
            post(sgate::transfer),
        )
        .route("/admin/sgate/otp", get(sgate::otp_inbox))
        .route("/admin/sgate-payin/orders/{id}", get(sgate_payin::order))
        .route(
            "/admin/sgate-payin/refunds/{id}/{action}",
            post(sgate_payin::refund_action),
        )
        .route(
            "/admin/bluepay-jt/tickets/{ticket}/status",
            post(bluepay::ticket_status),
        )
        .route(
            "/admin/{gateway}/balance",
            get(bluepay::balance).put(bluepay::set_balance),
        )
        .route(
            "/admin/{gateway}/orders/{merchant_order_id}",
            get(bluepay::order),
        )
        .route(
            "/admin/{gateway}/orders/{merchant_order_id}/{action}",
            post(bluepay::order_action),
        )
        .route(
            "/admin/{gateway}/transactions/{transaction_id}/settle",
            post(bluepay::settle),
        )
        .route(
            "/admin/{gateway}/refunds/{id}/{action}",
            post(bluepay::refund_action),
        )
        .route(
            "/admin/{gateway}/direct-debit/{request}/{action}",
            post(bluepay::authorization).get(bluepay::authorization),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            shared,
            guard::admin_only,
        ))
}

async fn index(State(shared): SharedState) -> Reply {
    success(json!({
        "gateways": Gateway::ALL
            .iter()
            .map(|&gateway| (gateway.id().to_string(), json!(shared.gateway_url(gateway))))
            .collect::<Map<String, Value>>(),
        "endpoints": [
            "GET /admin/requests?gateway=&operation=", "GET /admin/objects",
            "GET /admin/notifications?status=&gateway=", "GET /admin/notifications/{id}",
            "POST /admin/notifications/{id}/retry",
            "GET|PUT|DELETE /admin/faults", "DELETE /admin/faults/{gateway}/{operation}",
            "GET|PUT /admin/rules", "GET /admin/clock", "POST /admin/clock/advance {seconds}",
            "GET|PUT /admin/settings", "PUT /admin/channels/{gateway}/{channelCode}",
            "GET|PUT /admin/{bluepay|bluepay-jt}/balance",
            "GET /admin/{gateway}/orders/{mchOrderId}",
            "POST /admin/{gateway}/orders/{mchOrderId}/{pay|complete|fail}",
            "POST /admin/{gateway}/transactions/{transactionId}/settle",
            "POST /admin/{gateway}/refunds/{mchRefundOrderId}/{complete|fail}",
            "POST /admin/{gateway}/direct-debit/{requestId}/{authorize|reject}",
            "POST /admin/bluepay-jt/tickets/{ticketNo}/status {ticketStatus, transactionStatus, reply}",
            "GET|PUT /admin/sgate/balance", "GET /admin/sgate/customers/{id}",
            "POST /admin/sgate/customers/{id}/{approve|reject|ban|unban}",
            "GET /admin/sgate/orders/{id}", "POST /admin/sgate/orders/{id}/{complete|fail}",
            "POST /admin/sgate/virtual-account/transfers", "GET /admin/sgate/otp",
            "GET /admin/sgate-payin/orders/{id or merchantOrderId}",
            "POST /admin/sgate-payin/refunds/{id}/{complete|fail}",
            "POST /admin/trigger {gateway, event, overrides}",
            "POST /admin/reset",
        ],
        "trigger_events": TriggerEvent::ALL
            .iter()
            .map(|event| json!({
                "event": event.id(),
                "gateways": event.gateways().iter().map(|g| g.id()).collect::<Vec<_>>(),
                "description": event.description(),
            }))
            .collect::<Vec<_>>(),
    }))
}
