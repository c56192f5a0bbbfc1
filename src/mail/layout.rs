//! The look every message shares: paragraphs written once for the plain text and the HTML, the
//! shop's accent colour, the phone-first HTML document with the logo (attached inline) and the
//! footer with the shop's contacts (a follow-up's with its unsubscribe link).

use maud::{Markup, PreEscaped, html};

use super::notices::{LOGO_CID, UNSUBSCRIBE};
use crate::domain::notify::{Audience, Notice, header_text};
use crate::domain::outbox::NewMessage;
use crate::domain::shop::ShopSettings;
use crate::domain::theme::{Rgb, palette};

/// A message being written: the same paragraphs go to the plain text and the HTML.
pub(super) struct Draft {
    pub(super) text: String,
    pub(super) html: String,
}

impl Draft {
    pub(super) fn new() -> Draft {
        Draft { text: String::new(), html: String::new() }
    }

    pub(super) fn para(&mut self, s: &str) {
        self.text.push_str(s);
        self.text.push_str("\n\n");
        self.html.push_str(&html! { p style="margin:0 0 14px" { (s) } }.into_string());
    }

    pub(super) fn strong(&mut self, s: &str) {
        self.text.push_str(s);
        self.text.push_str("\n\n");
        self.html.push_str(&html! { p style="margin:0 0 14px;font-size:18px" { strong { (s) } } }.into_string());
    }

    /// Lines kept as typed (payment instructions, an address).
    pub(super) fn block(&mut self, s: &str) {
        self.text.push_str(s.trim());
        self.text.push_str("\n\n");
        let markup = html! {
            div style="margin:0 0 14px;padding:10px 12px;background:#f3f4f6;border-radius:6px;white-space:pre-wrap;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:14px;word-break:break-all" { (s.trim()) }
        };
        self.html.push_str(&markup.into_string());
    }

    pub(super) fn button(&mut self, label: &str, href: &str, accent: &Colors) {
        self.text.push_str(&format!("{label}: {href}\n\n"));
        let markup = html! {
            p style="margin:18px 0" {
                a href=(href) style=(format!("display:inline-block;padding:12px 20px;border-radius:6px;background:{};color:{};text-decoration:none;font-weight:bold", accent.color, accent.ink)) { (label) }
            }
        };
        self.html.push_str(&markup.into_string());
    }

    pub(super) fn raw(&mut self, text: &str, markup: Markup) {
        self.text.push_str(text);
        self.text.push('\n');
        self.html.push_str(&markup.into_string());
    }
}

pub(super) struct Colors {
    pub(super) color: String,
    pub(super) ink: String,
}

pub(super) fn colors(shop: &ShopSettings) -> Colors {
    let chosen = Rgb::parse(&shop.accent_color).unwrap_or(Rgb(0x0f, 0x76, 0x6e));
    let (light, _) = palette(chosen);
    Colors { color: light.color.hex(), ink: light.ink.hex() }
}

/// The whole HTML document: the shop's header, the body, the footer with its contacts.
pub(super) fn document(shop: &ShopSettings, preheader: &str, body: &str, footer: Markup) -> String {
    let accent = colors(shop);
    let markup = html! {
        (maud::DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light";
                title { (shop.name) }
            }
            body style="margin:0;padding:0;background:#f6f7f9;color:#1f2328;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5" {
                div style="display:none;max-height:0;overflow:hidden" { (preheader) }
                table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f6f7f9" {
                    tr { td align="center" style="padding:16px 8px" {
                        table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border-radius:8px;overflow:hidden" {
                            tr { td style=(format!("background:{};color:{};padding:16px 20px", accent.color, accent.ink)) {
                                @if !shop.logo_version.is_empty() {
                                    img src=(format!("cid:{LOGO_CID}")) alt=(shop.name) height="40" style="height:40px;width:auto;vertical-align:middle;border:0";
                                } @else {
                                    strong style="font-size:20px" { (shop.name) }
                                }
                            } }
                            tr { td style="padding:20px" { (PreEscaped(body)) } }
                            tr { td style="padding:16px 20px;border-top:1px solid #e5e7eb;font-size:13px;color:#57606a" {
                                (footer)
                            } }
                        }
                    } }
                }
            }
        }
    };
    markup.into_string()
}

pub(super) fn footer_html(shop: &ShopSettings, follow_up: bool) -> Markup {
    html! {
        p style="margin:0 0 6px" { strong { (shop.name) } }
        @if !shop.whatsapp_number.is_empty() {
            p style="margin:0 0 6px" { "WhatsApp: " a href=(format!("https://wa.me/{}", shop.whatsapp_number.trim_start_matches('+'))) { (shop.whatsapp_number) } }
        }
        @if !shop.contact_email.is_empty() {
            p style="margin:0 0 6px" { "Email: " a href=(format!("mailto:{}", shop.contact_email)) { (shop.contact_email) } }
        }
        @if !shop.address.is_empty() { p style="margin:0 0 6px;white-space:pre-wrap" { (shop.address) } }
        @if follow_up {
            p style="margin:10px 0 0" { a href=(UNSUBSCRIBE) style="color:#57606a" { "No more reminders or review requests" } }
        }
    }
}

pub(super) fn footer_text(shop: &ShopSettings, follow_up: bool) -> String {
    let mut t = format!("-- \n{}\n", shop.name);
    if !shop.whatsapp_number.is_empty() {
        t.push_str(&format!(
            "WhatsApp: {} (https://wa.me/{})\n",
            shop.whatsapp_number,
            shop.whatsapp_number.trim_start_matches('+')
        ));
    }
    if !shop.contact_email.is_empty() {
        t.push_str(&format!("Email: {}\n", shop.contact_email));
    }
    if !shop.address.is_empty() {
        t.push_str(&format!("{}\n", shop.address));
    }
    if follow_up {
        t.push_str(&format!("\nNo more reminders or review requests: {UNSUBSCRIBE}\n"));
    }
    t
}

pub(super) fn finish(
    shop: &ShopSettings,
    notice: Notice,
    to: &str,
    subject: String,
    draft: Draft,
    preheader: &str,
) -> NewMessage {
    let follow_up = notice.is_follow_up();
    let (footer_text, footer_html) = match notice.audience() {
        Audience::Customer => (footer_text(shop, follow_up), footer_html(shop, follow_up)),
        Audience::Seller => {
            let words = "Sent by Souk. Choose which messages you get in Settings → Notifications.";
            (format!("-- \n{words}\n"), html! { p style="margin:0" { (words) } })
        }
    };
    NewMessage {
        kind: notice.as_str().into(),
        to: to.into(),
        subject: header_text(&subject),
        text: format!("{}{footer_text}", draft.text),
        html: document(shop, preheader, &draft.html, footer_html),
        sensitive: false,
        ..Default::default()
    }
}
