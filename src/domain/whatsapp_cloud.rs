//! WhatsApp notifications through Meta's WhatsApp Business Cloud API: the owner's settings, the
//! request a template message is sent as, and Meta's error answers made readable. Without the
//! Cloud API the seller keeps the order desk's one-tap wa.me buttons.
//!
//! Every template takes the same four body parameters, in this order: {{1}} the customer's first
//! name, {{2}} the order code, {{3}} what the message is about (an amount, a courier and tracking
//! number, a reason), {{4}} the order's link.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::FieldErrors;
use super::notify::{Audience, Notice};

/// Whether WhatsApp messages go, and with email or instead of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Off,
    /// Template messages as well as emails.
    Also,
    /// Template messages instead of emails, for every notice that has a template (others still email).
    Instead,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Off, Mode::Also, Mode::Instead];

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Off => "off",
            Mode::Also => "also",
            Mode::Instead => "instead",
        }
    }

    pub fn parse(s: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Mode::Off => "Off: email only (the order desk's WhatsApp buttons still work)",
            Mode::Also => "WhatsApp as well as email",
            Mode::Instead => "WhatsApp instead of email, where the notice has a template",
        }
    }
}

/// The owner's Cloud API settings. The access token is kept to send with, never shown again.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CloudSettings {
    pub mode: Mode,
    /// The sending number's id in Meta's WhatsApp Manager (digits), not the number itself.
    pub phone_number_id: String,
    pub access_token: String,
    /// The templates' language code as approved (`en`, `en_US`, `hi`).
    pub language: String,
    /// The approved template's name for each customer notice that goes by WhatsApp.
    pub templates: BTreeMap<Notice, String>,
    /// The approved authentication template that carries a sign-in code (empty: sign-in by email only).
    pub sign_in_template: String,
}

impl CloudSettings {
    pub fn is_on(&self) -> bool {
        self.mode != Mode::Off && !self.phone_number_id.is_empty() && !self.access_token.is_empty()
    }

    /// The template a notice goes out with, when WhatsApp is on and the notice has one.
    pub fn template(&self, notice: Notice) -> Option<&str> {
        self.templates.get(&notice).map(String::as_str).filter(|t| self.is_on() && !t.is_empty())
    }

    /// The template sign-in codes go out with, when WhatsApp is on and one is set.
    pub fn sign_in(&self) -> Option<&str> {
        Some(self.sign_in_template.as_str()).filter(|t| self.is_on() && !t.is_empty())
    }

    /// Whether this notice's email is left out because WhatsApp carries it.
    pub fn replaces_email(&self, notice: Notice) -> bool {
        self.mode == Mode::Instead && self.template(notice).is_some()
    }

    /// The templates as stored: `notice=name` pairs, one per line.
    pub fn templates_text(&self) -> String {
        self.templates.iter().map(|(n, t)| format!("{}={t}", n.as_str())).collect::<Vec<_>>().join("\n")
    }

    pub fn templates_from_text(s: &str) -> BTreeMap<Notice, String> {
        s.lines()
            .filter_map(|l| l.split_once('='))
            .filter_map(|(n, t)| Notice::parse(n.trim()).map(|n| (n, t.trim().to_string())))
            .filter(|(_, t)| !t.is_empty())
            .collect()
    }
}

/// The notices a customer can get on WhatsApp.
pub fn customer_notices() -> impl Iterator<Item = Notice> {
    Notice::ALL.into_iter().filter(|n| n.audience() == Audience::Customer)
}

/// The settings form as typed: a template field per customer notice (`t_<notice>`).
#[derive(Debug, Clone, Default)]
pub struct CloudInput {
    pub mode: String,
    pub phone_number_id: String,
    /// Empty keeps the saved token.
    pub access_token: String,
    /// Ticked: forget the saved token.
    pub forget_token: bool,
    pub language: String,
    pub templates: BTreeMap<Notice, String>,
    pub sign_in_template: String,
}

impl CloudInput {
    pub fn from_settings(s: &CloudSettings) -> CloudInput {
        CloudInput {
            mode: s.mode.as_str().into(),
            phone_number_id: s.phone_number_id.clone(),
            access_token: String::new(),
            forget_token: false,
            language: if s.language.is_empty() { "en".into() } else { s.language.clone() },
            templates: s.templates.clone(),
            sign_in_template: s.sign_in_template.clone(),
        }
    }

    /// Checks the form against what is saved (whose token is kept unless a new one is typed).
    pub fn check(&self, saved: &CloudSettings) -> Result<CloudSettings, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mode = Mode::parse(self.mode.trim()).unwrap_or_else(|| {
            errors.insert("mode", "Choose how WhatsApp messages go.".into());
            Mode::Off
        });
        let id = self.phone_number_id.trim().to_string();
        let id_ok = id.len() <= 30 && id.chars().all(|c| c.is_ascii_digit());
        if !id_ok {
            errors.insert(
                "phone_number_id",
                "The phone number ID is digits only (WhatsApp Manager → Phone numbers).".into(),
            );
        }
        let typed = self.access_token.trim();
        if !typed.is_empty()
            && (typed.len() > 1000 || !typed.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)))
        {
            errors.insert("access_token", "That is not an access token: paste it exactly as Meta shows it.".into());
        }
        let token = match (typed, self.forget_token) {
            ("", true) => String::new(),
            ("", false) => saved.access_token.clone(),
            (t, _) => t.to_string(),
        };
        let language = self.language.trim().to_string();
        let lang_ok = (2..=8).contains(&language.len())
            && language.chars().all(|c| c.is_ascii_alphabetic() || c == '_')
            && language.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        if !lang_ok {
            errors
                .insert("language", "Use the template's language code as Meta shows it: en, en_US, hi, pt_BR.".into());
        }
        let bad_name = |name: &str| {
            name.len() > 512 || !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        };
        const NAMES: &str = "Template names are lower-case letters, digits and underscores, as approved at Meta.";
        let mut templates = BTreeMap::new();
        for (notice, name) in &self.templates {
            let name = name.trim();
            if name.is_empty() {
                continue;
            }
            if bad_name(name) {
                errors.insert(template_field(*notice), NAMES.into());
            }
            templates.insert(*notice, name.to_string());
        }
        let sign_in_template = self.sign_in_template.trim().to_string();
        if bad_name(&sign_in_template) {
            errors.insert("sign_in_template", NAMES.into());
        }
        if mode != Mode::Off && (id.is_empty() || token.is_empty()) {
            errors.insert("mode", "To send on WhatsApp, give the phone number ID and an access token.".into());
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CloudSettings { mode, phone_number_id: id, access_token: token, language, templates, sign_in_template })
    }
}

/// The form field of a notice's template.
pub fn template_field(notice: Notice) -> &'static str {
    match notice {
        Notice::OrderReceived => "t_order_received",
        Notice::PaymentReceived => "t_payment_received",
        Notice::OrderConfirmed => "t_order_confirmed",
        Notice::OrderShipped => "t_order_shipped",
        Notice::OrderDelivered => "t_order_delivered",
        Notice::DeliveryFailed => "t_delivery_failed",
        Notice::OrderCancelled => "t_order_cancelled",
        Notice::OrderRefunded => "t_order_refunded",
        Notice::PaymentReminder => "t_payment_reminder",
        Notice::ReviewRequest => "t_review_request",
        Notice::RequestAnswered => "t_request_answered",
        Notice::SellerNewOrder => "t_seller_new_order",
        Notice::SellerRequest => "t_seller_request",
        Notice::SellerCancelled => "t_seller_cancelled",
        Notice::SellerFlagged => "t_seller_flagged",
        Notice::SellerDailySummary => "t_seller_daily_summary",
    }
}

/// The recipient as the API wants it: the E.164 number's digits, without `+`.
pub fn recipient(phone_e164: &str) -> Option<String> {
    let digits = phone_e164.strip_prefix('+')?;
    (8..=15).contains(&digits.len()).then_some(())?;
    digits.chars().all(|c| c.is_ascii_digit()).then(|| digits.to_string())
}

/// A parameter's text as templates take it: no line breaks or tabs, no more than four spaces in
/// a row, never empty (Meta refuses all three), at most 1,024 characters.
pub fn parameter(s: &str) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let text: String = one_line.chars().take(1024).collect();
    if text.is_empty() { "-".into() } else { text }
}

/// The body of `POST /{phone_number_id}/messages` for a template message with body parameters.
pub fn template_message(to: &str, template: &str, language: &str, params: &[String]) -> Value {
    let parameters: Vec<Value> = params.iter().map(|p| json!({"type": "text", "text": parameter(p)})).collect();
    json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "template",
        "template": {
            "name": template,
            "language": {"code": language},
            "components": [{"type": "body", "parameters": parameters}],
        },
    })
}

/// The body of `POST /{phone_number_id}/messages` for an authentication template carrying a
/// one-time code: the code is the body's one parameter and the copy-code (or one-tap) button's
/// URL parameter, as Meta documents for authentication templates.
pub fn code_message(to: &str, template: &str, language: &str, code: &str) -> Value {
    json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "template",
        "template": {
            "name": template,
            "language": {"code": language},
            "components": [
                {"type": "body", "parameters": [{"type": "text", "text": code}]},
                {"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": code}]},
            ],
        },
    })
}

/// What Meta's answer to a send says: the message id on success.
pub fn message_id(answer: &Value) -> Option<String> {
    answer["messages"][0]["id"].as_str().map(str::to_string)
}

/// Meta's error answer as one line for the outbox (`(#132001) Template name does not exist …`).
pub fn error_line(status: u16, body: &str) -> String {
    let parsed: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let e = &parsed["error"];
    let mut line = format!("answered {status}");
    let message: String = e["message"].as_str().unwrap_or("").chars().take(300).collect();
    match e["code"].as_i64() {
        // Meta's messages usually start with their code already.
        Some(code) if !message.starts_with("(#") => line.push_str(&format!(": (#{code}) {message}")),
        _ if !message.is_empty() => line.push_str(&format!(": {message}")),
        _ => {}
    }
    if let Some(details) = e["error_data"]["details"].as_str() {
        line.push_str(&format!(" — {}", details.chars().take(300).collect::<String>()));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_has_the_documented_shape() {
        let body = template_message(
            "919812345678",
            "order_shipped",
            "en",
            &["Meera".into(), "ORD-1".into(), "India\nPost  EE1".into(), String::new()],
        );
        assert_eq!(body["messaging_product"], "whatsapp");
        assert_eq!(body["type"], "template");
        assert_eq!(body["template"]["language"]["code"], "en");
        let params = &body["template"]["components"][0]["parameters"];
        assert_eq!(params[2], json!({"type": "text", "text": "India Post EE1"}));
        assert_eq!(params[3]["text"], "-", "never empty");
    }

    #[test]
    fn a_sign_in_code_goes_in_the_body_and_the_copy_code_button() {
        let body = code_message("919812345678", "sign_in_code", "en", "123456");
        let c = &body["template"]["components"];
        assert_eq!(c[0], json!({"type": "body", "parameters": [{"type": "text", "text": "123456"}]}));
        assert_eq!(c[1]["type"], "button");
        assert_eq!((c[1]["sub_type"].as_str(), c[1]["index"].as_str()), (Some("url"), Some("0")));
        assert_eq!(c[1]["parameters"][0]["text"], "123456");
        let on = CloudSettings {
            mode: Mode::Also,
            phone_number_id: "1".into(),
            access_token: "t".into(),
            sign_in_template: "sign_in_code".into(),
            ..Default::default()
        };
        assert_eq!(on.sign_in(), Some("sign_in_code"));
        assert_eq!(CloudSettings { mode: Mode::Off, ..on.clone() }.sign_in(), None);
        assert_eq!(CloudSettings { sign_in_template: String::new(), ..on }.sign_in(), None);
    }

    #[test]
    fn recipients_are_digits_of_an_e164_number() {
        assert_eq!(recipient("+919812345678").as_deref(), Some("919812345678"));
        assert_eq!(recipient("919812345678"), None);
        assert_eq!(recipient("+91 98123"), None);
    }

    #[test]
    fn the_form_keeps_the_saved_token_unless_a_new_one_is_typed_or_it_is_forgotten() {
        let saved = CloudSettings { access_token: "EAAG123".into(), ..Default::default() };
        let mut input = CloudInput::from_settings(&saved);
        input.mode = "also".into();
        input.phone_number_id = "106540352242922".into();
        input.templates.insert(Notice::OrderShipped, "order_shipped_v2".into());
        let s = input.check(&saved).unwrap();
        assert_eq!(s.access_token, "EAAG123");
        assert!(s.is_on() && s.template(Notice::OrderShipped) == Some("order_shipped_v2"));
        assert_eq!(s.template(Notice::OrderDelivered), None);
        assert!(!s.replaces_email(Notice::OrderShipped));
        input.forget_token = true;
        let e = input.check(&saved).unwrap_err();
        assert!(e.contains_key("mode"), "on without a token: {e:?}");
        input.forget_token = false;
        input.phone_number_id = "+91 98".into();
        input.language = "English".into();
        input.templates.insert(Notice::OrderDelivered, "Order Delivered!".into());
        let e = input.check(&saved).unwrap_err();
        assert!(e.contains_key("phone_number_id") && e.contains_key("language") && e.contains_key("t_order_delivered"));
        let text = s.templates_text();
        assert_eq!(CloudSettings::templates_from_text(&text), s.templates);
    }

    #[test]
    fn meta_errors_read_as_one_line() {
        let body = r#"{"error":{"message":"(#132001) Template name does not exist in the translation","type":"OAuthException","code":132001,"error_data":{"messaging_product":"whatsapp","details":"template name (order_x) does not exist in en"},"fbtrace_id":"A"}}"#;
        assert_eq!(
            error_line(400, body),
            "answered 400: (#132001) Template name does not exist in the translation — template name (order_x) does not exist in en"
        );
        assert_eq!(error_line(502, "<html>"), "answered 502");
        assert_eq!(message_id(&json!({"messages": [{"id": "wamid.X"}]})).as_deref(), Some("wamid.X"));
    }
}
