//! The audit log as read back: who did what, when, from where, and the filters of its page.

/// One entry of the audit log.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub ip: String,
}

/// Filters for the audit page; empty strings mean "any". Dates are `YYYY-MM-DD`, inclusive.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct Filter {
    pub actor: String,
    pub action: String,
    pub from: String,
    pub to: String,
    pub before: Option<i64>,
}
