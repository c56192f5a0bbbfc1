//! AppError: the one error type that becomes an HTTP response (an HTML page or API JSON, chosen in `web::errors`).

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("This page does not exist. It may have moved, or the link may be mistyped.")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    #[error("Please sign in first.")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("The shop's owner requires two-factor sign-in: turn it on first.")]
    TwoFactorRequired,
    #[error("What you sent is too large.")]
    TooLarge,
    #[error("{message}")]
    TooManyRequests { retry_after: u64, message: String },
    #[error("The shop is busy, please try again in a moment.")]
    Unavailable { retry_after: u64 },
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    pub fn internal(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        AppError::Internal(e.into())
    }

    /// A short machine-readable code for the JSON API.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::BadRequest(_) => "bad_request",
            AppError::Conflict(_) => "conflict",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::TwoFactorRequired => "two_factor_required",
            AppError::TooLarge => "too_large",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::Unavailable { .. } => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }
}

/// What the error renderer needs: carried in the response's extensions.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub code: &'static str,
    pub message: String,
}

/// The log line of a write refused for want of space.
pub const DISK_FULL: &str = "database or disk is full: the change was rolled back; writes answer 503 until space is \
     freed on the disk holding the data folder (reads go on)";

impl From<rusqlite::Error> for AppError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match &e {
            rusqlite::Error::QueryReturnedNoRows => AppError::NotFound,
            rusqlite::Error::SqliteFailure(f, _)
                if matches!(f.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) =>
            {
                tracing::warn!("database busy past the timeout");
                AppError::Unavailable { retry_after: 5 }
            }
            rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::DiskFull => {
                tracing::error!("{DISK_FULL}");
                AppError::Unavailable { retry_after: 60 }
            }
            _ => AppError::internal(e),
        }
    }
}

impl From<r2d2::Error> for AppError {
    fn from(e: r2d2::Error) -> Self {
        tracing::warn!("no database connection free: {e}");
        AppError::Unavailable { retry_after: 2 }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) | AppError::TwoFactorRequired => StatusCode::FORBIDDEN,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let message = match self {
            AppError::Internal(cause) => {
                // Logged once, inside the request's span (so with its id); never shown to the client.
                tracing::error!(error = %cause, "internal error");
                "Something went wrong on our side. Please try again.".to_string()
            }
            other => other.to_string(),
        };
        let mut res = HttpResponse::build(self.status_code());
        if let AppError::TooManyRequests { retry_after, .. } | AppError::Unavailable { retry_after } = self {
            res.insert_header((header::RETRY_AFTER, HeaderValue::from(*retry_after)));
        }
        let mut res = res.finish();
        res.extensions_mut().insert(ErrorInfo { code: self.code(), message });
        res
    }
}
