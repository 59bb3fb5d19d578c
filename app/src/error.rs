//! The one application error type. Every server function returns it.
//!
//! Its variants are safe to show to a user. Internal failures are logged in full on the server
//! (see [`AppError::internal`]) and reach the browser only as a generic message.
//!
//! This module depends on nothing else in the crate: how an error becomes a response (status
//! code, flash, redirect) is `crate::api`'s business.

use serde::{Deserialize, Serialize};

/// A message that belongs to one form field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Field errors collected while validating one form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        // One message per field is enough for the person fixing it.
        if !self.0.iter().any(|e| e.field == field) {
            self.0.push(FieldError { field: field.to_string(), message: message.into() });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    /// `Ok(value)` when nothing was added, otherwise the collected errors.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, AppError> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(AppError::invalid(self.0))
        }
    }

    /// Like [`finish`](Self::finish), for content made of the fields' parsed values: `build`
    /// takes each with `?`, as each is there when no error was added.
    pub fn complete<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, AppError> {
        if !self.0.is_empty() {
            return Err(AppError::invalid(self.0));
        }
        // Unreachable while each `take` that gave `None` added its error.
        build().ok_or(AppError::Internal)
    }

    /// Records the error of a field parser and returns its value when it succeeded.
    pub fn take<T>(&mut self, field: &str, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(message) => {
                self.add(field, message);
                None
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("You do not have permission to do this.")]
    Forbidden,
    /// A staff member signed in without a second factor: they must set one up first.
    #[error("Set up two-step verification for your account before you continue.")]
    SecondFactorRequired,
    #[error("That record does not exist, or you cannot see it.")]
    NotFound,
    #[error("{message}")]
    Invalid { message: String, errors: Vec<FieldError> },
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("The request could not be read. Please reload the page and try again.")]
    BadRequest,
    /// Others were changing the same records and the change could not be made after several
    /// attempts. Nothing was saved; trying again normally works.
    #[error("The system is busy with other changes to this record. Nothing was saved; please try again.")]
    Busy,
    /// The database does not answer (a SurrealDB server restarting, or the link to it down).
    #[error("The service is unavailable for a moment: its database is not answering. Please try again in a minute.")]
    Unavailable,
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
}

impl AppError {
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        let message = if errors.len() == 1 {
            "Please correct the highlighted field.".to_string()
        } else {
            "Please correct the highlighted fields.".to_string()
        };
        AppError::Invalid { message, errors }
    }

    /// A single field error.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::invalid(vec![FieldError { field: field.into(), message: message.into() }])
    }

    /// Logs the detail on the server and returns the generic variant for the user.
    #[cfg(feature = "ssr")]
    pub fn internal(context: &str, detail: impl std::fmt::Display) -> Self {
        tracing::error!(context, error = %detail, "internal error");
        AppError::Internal
    }

    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden | AppError::SecondFactorRequired => 403,
            AppError::NotFound => 404,
            AppError::Invalid { .. } => 422,
            AppError::Conflict(_) => 409,
            AppError::TooManyRequests(_) => 429,
            AppError::BadRequest => 400,
            AppError::Busy | AppError::Unavailable => 503,
            AppError::Internal => 500,
        }
    }

    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            AppError::Invalid { errors, .. } => errors,
            _ => &[],
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complete_gives_the_content_or_every_fields_message() {
        let mut errors = FieldErrors::new();
        let name = errors.take("name", Ok::<_, String>("Kumari Silva"));
        let email = errors.take("email", crate::domain::Email::parse("not-an-address"));
        match errors.complete(|| Some((name?, email?))) {
            Err(AppError::Invalid { errors, .. }) => assert_eq!(errors.len(), 1, "{errors:?}"),
            other => panic!("expected the e-mail's message, got {other:?}"),
        }
        let mut errors = FieldErrors::new();
        let email = errors.take("email", crate::domain::Email::parse("K.Silva@Immigration.LK.example"));
        let done = errors.complete(|| email).unwrap();
        assert_eq!(done.as_str(), "k.silva@immigration.lk.example");
    }
}
