//! Every status change goes through `app::orders::transition` (issue 5, the seller's order desk):
//! the state machine's refusal names what is allowed, a cancellation gives the stock back, and a
//! person's change is on the order's timeline and in the audit log.

mod common;

use common::shop::{CUSTOMER, add, checkout, stock};
use common::*;
use souk::app::Actor;
use souk::app::orders::{Refusal, Step, Transitioned, transition};
use souk::domain::auth::Role;
use souk::domain::orders::Status;

/// Moves order `id` to `to` as `actor`, in the app's one writer.
async fn change(app: &TestApp, id: i64, to: Status, actor: Actor, note: &'static str) -> Result<Transitioned, String> {
    let step = Step::to(to, if to == Status::Cancelled { "changed their mind" } else { note });
    app.state.db.write(move |tx| Ok(transition(tx, id, &step, &actor, chrono::Utc::now()))).await.unwrap().map_err(
        |e| match e {
            Refusal::Illegal { allowed, message, .. } => {
                let allowed: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
                format!("{message} [{}]", allowed.join(" "))
            }
            Refusal::NotFound => "not found".into(),
            other => panic!("{}", other.message()),
        },
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_status_change_is_checked_recorded_and_gives_stock_back_on_cancel() {
    let app = TestApp::spawn_demo().await;
    let sku = stock(&app, "canvas-tote", 3);
    let shopper = browser();
    add(&app, &shopper, &sku, "2").await;
    checkout(&app, &shopper, CUSTOMER).await;
    let (id, code): (i64, String) =
        app.db().query_row("SELECT id, code FROM orders", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    let hash = souk::domain::auth::hash_password("correct-horse-battery");
    let owner = souk::app::accounts::create_user(&app.db(), "ravi@example.com", "Ravi", Role::Owner, &hash).unwrap();
    let seller = || Actor::user(&owner, "127.0.0.1");

    let refused = change(&app, id, Status::Shipped, seller(), "").await.unwrap_err();
    assert_eq!(refused, "A draft order cannot become shipped; it can become pending, cancelled. [pending cancelled]");
    assert_eq!(app.count("SELECT count(*) FROM order_events"), 1, "a refusal writes nothing");
    assert_eq!(change(&app, 999, Status::Pending, seller(), "").await.unwrap_err(), "not found");

    let moved = change(&app, id, Status::Pending, seller(), "Confirmed on WhatsApp").await.unwrap();
    assert_eq!(moved, Transitioned { order_id: id, code: code.clone(), from: Status::Draft, to: Status::Pending });
    // The seller's words are for the seller (detail); the customer's timeline reads the status.
    let event: (String, String, String, String, String) = app
        .db()
        .query_row(
            "SELECT status, from_status, note, detail, actor FROM order_events ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(
        event,
        (
            "pending".into(),
            "draft".into(),
            "Received".into(),
            "Confirmed on WhatsApp".into(),
            "ravi@example.com".into()
        )
    );
    let audit: (String, String) = app
        .db()
        .query_row("SELECT target, detail FROM audit_log WHERE action = 'order.status'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(audit, (code, "draft → pending: Confirmed on WhatsApp".into()));
    assert_eq!(app.count(&format!("SELECT reserved FROM variants WHERE sku = '{sku}'")), 2, "still held");

    change(&app, id, Status::Cancelled, Actor::customer(), "Cancelled by the customer").await.unwrap();
    assert_eq!(app.count(&format!("SELECT reserved FROM variants WHERE sku = '{sku}'")), 0, "released");
    let reason: String = app.db().query_row("SELECT cancel_reason FROM orders", [], |r| r.get(0)).unwrap();
    assert_eq!(reason, "changed their mind");
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'order.status'"),
        1,
        "a customer is no person here"
    );
}
