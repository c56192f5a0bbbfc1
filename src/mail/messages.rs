//! One function per message: each builds subject, plain text and HTML.

use maud::html;

use crate::domain::outbox::NewMessage;
use crate::domain::shop::ShopSettings;

pub fn test_message(shop: &ShopSettings, to: &str, requested_by: &str) -> NewMessage {
    let subject = format!("Test email from {}", shop.name);
    let text = format!(
        "This is a test email from your shop {}, sent at the request of {requested_by}.\n\nIf you can read this, email works.\n",
        shop.name
    );
    let html = html! {
        p { "This is a test email from your shop " strong { (shop.name) } ", sent at the request of " (requested_by) "." }
        p { "If you can read this, email works." }
    };
    NewMessage {
        kind: "test".into(),
        to: to.into(),
        subject,
        text,
        html: html.into_string(),
        sensitive: false,
        ..Default::default()
    }
}

pub fn invite(shop: &ShopSettings, to: &str, inviter: &str, role: &str, link: &str, hours: i64) -> NewMessage {
    let subject = format!("{inviter} invited you to run {} on Souk", shop.name);
    let text = format!(
        "{inviter} invited you to help run {} as {role}.\n\nChoose your password here (the link works once, for {hours} hours):\n{link}\n\nIf you did not expect this, ignore this email.\n",
        shop.name
    );
    let html = html! {
        p { (inviter) " invited you to help run " strong { (shop.name) } " as " (role) "." }
        p { a href=(link) { "Accept the invitation and choose your password" } }
        p { small { "The link works once, for " (hours) " hours. If you did not expect this, ignore this email." } }
    };
    NewMessage {
        kind: "invite".into(),
        to: to.into(),
        subject,
        text,
        html: html.into_string(),
        sensitive: true,
        ..Default::default()
    }
}
