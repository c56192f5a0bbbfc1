//! Scheduled and manual job runs as recorded.

/// One run of a job: when, why, and how it ended.
#[derive(Debug, Clone)]
pub struct JobRun {
    pub id: i64,
    pub job: String,
    pub trigger: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub outcome: String,
    pub message: String,
}
