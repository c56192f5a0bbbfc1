//! Small reusable pieces: form fields with their messages, the CSRF input, flash, times.

use maud::{Markup, html};

use crate::domain::FieldErrors;
use crate::domain::zone::Zone;

pub fn csrf(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}

pub fn flash(message: Option<&str>) -> Markup {
    html! {
        @if let Some(m) = message { p.flash role="status" { (m) } }
    }
}

/// A labelled input with its error message tied to it for screen readers.
pub struct Field<'a> {
    pub name: &'static str,
    pub label: &'a str,
    pub value: &'a str,
    pub kind: &'static str,
    pub autocomplete: &'static str,
    pub hint: &'a str,
    pub required: bool,
    /// Keeps ids unique where a page has several forms with the same fields.
    pub scope: &'a str,
    /// A phone's keyboard for a text field ("numeric", "decimal"): unlike `type=number`, it takes
    /// back whatever was typed when the form returns with a message.
    pub inputmode: &'static str,
}

impl<'a> Field<'a> {
    pub fn new(name: &'static str, label: &'a str, value: &'a str) -> Self {
        Field {
            name,
            label,
            value,
            kind: "text",
            autocomplete: "off",
            hint: "",
            required: false,
            scope: "",
            inputmode: "",
        }
    }
    pub fn kind(mut self, kind: &'static str) -> Self {
        self.kind = kind;
        self
    }
    pub fn autocomplete(mut self, ac: &'static str) -> Self {
        self.autocomplete = ac;
        self
    }
    pub fn hint(mut self, hint: &'a str) -> Self {
        self.hint = hint;
        self
    }
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub fn inputmode(mut self, mode: &'static str) -> Self {
        self.inputmode = mode;
        self
    }
    pub fn scope(mut self, scope: &'a str) -> Self {
        self.scope = scope;
        self
    }

    pub fn render(&self, errors: &FieldErrors) -> Markup {
        let error = errors.get(self.name);
        let id =
            if self.scope.is_empty() { format!("f-{}", self.name) } else { format!("f-{}-{}", self.scope, self.name) };
        let err_id = format!("{id}-error");
        let hint_id = format!("{id}-hint");
        let described = match (error.is_some(), !self.hint.is_empty()) {
            (true, true) => Some(format!("{err_id} {hint_id}")),
            (true, false) => Some(err_id.clone()),
            (false, true) => Some(hint_id.clone()),
            (false, false) => None,
        };
        html! {
            div.field.invalid[error.is_some()] {
                label for=(id) { (self.label) }
                @if self.kind == "textarea" {
                    textarea id=(id) name=(self.name) rows="3" required[self.required]
                        aria-invalid=[error.map(|_| "true")] aria-describedby=[described.as_deref()] { (self.value) }
                } @else {
                    input id=(id) name=(self.name) type=(self.kind) value=(self.value) autocomplete=(self.autocomplete)
                        inputmode=[(!self.inputmode.is_empty()).then_some(self.inputmode)]
                        required[self.required] aria-invalid=[error.map(|_| "true")] aria-describedby=[described.as_deref()];
                }
                @if !self.hint.is_empty() { p.hint id=(hint_id) { (self.hint) } }
                @if let Some(e) = error { p.error id=(err_id) { (e) } }
            }
        }
    }
}

/// A summary above a form that failed, so a screen-reader user hears it first.
pub fn error_summary(errors: &FieldErrors) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.error-summary role="alert" {
                p { "Please correct the " (if errors.len() == 1 { "field" } else { "fields" }) " marked below." }
            }
        }
    }
}

/// A stored UTC timestamp shown compactly ("2026-11-22 04:55 UTC") inside a machine-readable `<time>`.
pub fn time(ts: &str, zone: Zone) -> Markup {
    html! { time datetime=(ts) { (time_text(ts, zone)) } }
}

/// A stored time as people read it, in the shop's time zone with the zone named ("2 Dec 2026,
/// 09:31 IST"); a script may show a countdown in the visitor's own.
pub fn time_text(ts: &str, zone: Zone) -> String {
    crate::domain::time::parse_ts(ts).map(|t| zone.format(t)).unwrap_or_else(|| ts.to_string())
}

/// A QR code as inline SVG, drawn here from an address this shop built (never from what someone typed).
pub fn qr(uri: &str, size: u32, label: &str) -> Option<Markup> {
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(size, size).build();
    // Inline in HTML: without the XML declaration.
    let svg = svg.find("<svg").map(|at| svg[at..].to_string())?;
    Some(html! { div.qr role="img" aria-label=(label) { (maud::PreEscaped(svg)) } })
}
