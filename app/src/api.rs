//! How server functions answer.
//!
//! API callers (the islands, scripts, tests) get JSON and a real status code. A plain HTML form
//! post (JavaScript off) is redirected back to its page by leptos_axum; we leave a short-lived
//! flash cookie so that page can show the message, the field errors and what was typed.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::Serialize;

use crate::error::{AppError, AppResult};

/// How the server-function framework's own failures (unreadable arguments, a body too large)
/// become our error, and are answered like any other.
impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let error = match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::BadRequest,
            // On the server a body that cannot be read (too large, cut off) is the caller's fault.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Deserialization(_) => AppError::BadRequest,
            #[cfg(not(feature = "ssr"))]
            ServerFnErrorErr::Request(_) => {
                AppError::Conflict("The server could not be reached. Please check your connection.".into())
            }
            #[cfg(feature = "ssr")]
            other => AppError::internal("server function framework", other),
            #[cfg(not(feature = "ssr"))]
            _ => AppError::Internal,
        };
        #[cfg(feature = "ssr")]
        mark_error_response(&error, None);
        error
    }
}

/// Ends a server function: on error, marks the response for the kind of caller.
/// `form` is the raw input, echoed back to a no-JS form (password fields are never echoed).
#[cfg(feature = "ssr")]
pub fn finish<T>(result: AppResult<T>, form: &impl Serialize) -> AppResult<T> {
    if let Err(error) = &result {
        mark_error_response(error, Some(crate::ui::flash::echo_values(form)));
    }
    result
}

#[cfg(not(feature = "ssr"))]
pub fn finish<T>(result: AppResult<T>, _form: &impl Serialize) -> AppResult<T> {
    result
}

/// Ends a server function that takes no form: on error, marks the response.
pub fn answer<T>(result: AppResult<T>) -> AppResult<T> {
    #[cfg(feature = "ssr")]
    if let Err(error) = &result {
        mark_error_response(error, None);
    }
    result
}

/// The request's method and whether it accepts HTML (a browser rather than a script).
#[cfg(feature = "ssr")]
fn request_kind() -> (http::Method, bool, String) {
    match leptos::prelude::use_context::<http::request::Parts>() {
        Some(parts) => {
            let html = parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"));
            let path = parts.uri.path_and_query().map(|p| p.to_string()).unwrap_or_default();
            (parts.method.clone(), html, path)
        }
        None => (http::Method::POST, false, String::new()),
    }
}

/// True when the request is a plain browser form post rather than a fetch from an island.
#[cfg(feature = "ssr")]
pub fn is_form_post() -> bool {
    let (method, html, _) = request_kind();
    html && method == http::Method::POST
}

/// Prepares the response for an error, by kind of caller:
/// - a no-JS form post gets a flash (and leptos_axum redirects it back to its page);
/// - a page being rendered gets its status code, or a redirect to sign in;
/// - an API caller gets the status code with the JSON error.
#[cfg(feature = "ssr")]
pub fn mark_error_response(error: &AppError, values: Option<std::collections::BTreeMap<String, String>>) {
    use leptos::prelude::use_context;
    let (method, html, path) = request_kind();
    if html && method == http::Method::POST {
        let parts = use_context::<http::request::Parts>();
        let form = parts.as_ref().map(|p| p.uri.path().to_string());
        crate::ui::flash::set(crate::ui::flash::Flash::from_error(error, form, values.unwrap_or_default()));
        // Back to the form's page. (Our Location replaces the one server_fn would build, which
        // carries the error in the URL.)
        let back = match error {
            AppError::Unauthenticated => "/login".to_string(),
            AppError::SecondFactorRequired => ENROLMENT_PAGE.to_string(),
            _ => parts.as_ref().map(referer_path).unwrap_or_else(|| "/".into()),
        };
        leptos_axum::redirect(&back);
        return;
    }
    if html && matches!(error, AppError::SecondFactorRequired) {
        leptos_axum::redirect(ENROLMENT_PAGE);
        return;
    }
    if html && matches!(error, AppError::Unauthenticated) {
        let next: String = path
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"/-_.".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        leptos_axum::redirect(&format!("/login?next={next}"));
        return;
    }
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::from_u16(error.status_code()).unwrap_or(http::StatusCode::BAD_REQUEST));
        if matches!(error, AppError::Busy) {
            response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from_static("2"));
        }
    }
}

/// Where a staff member without a second factor is sent, whatever page they asked for.
pub const ENROLMENT_PAGE: &str = "/account/two-factor";

/// The path of the page that posted, when it is a page of this site; "/" otherwise.
#[cfg(feature = "ssr")]
fn referer_path(parts: &http::request::Parts) -> String {
    let header = |name| parts.headers.get(name).and_then(|v: &http::HeaderValue| v.to_str().ok());
    let (Some(referer), Some(host)) = (header(http::header::REFERER), header(http::header::HOST)) else {
        return "/".into();
    };
    let rest = referer.strip_prefix("https://").or_else(|| referer.strip_prefix("http://")).unwrap_or("");
    match rest.strip_prefix(host) {
        Some(path) if path.starts_with('/') && !path.starts_with("//") => {
            // Drop what an earlier refused post may have added to the URL.
            let (path, query) = path.split_once('?').unwrap_or((path, ""));
            let kept: Vec<&str> = query
                .split('&')
                .filter(|p| !p.is_empty() && !p.starts_with("__err=") && !p.starts_with("__path="))
                .collect();
            if kept.is_empty() {
                path.to_string()
            } else {
                format!("{path}?{}", kept.join("&"))
            }
        }
        _ => "/".into(),
    }
}

/// What a successful change did, as a service reports it: the notice for the next page and
/// the page to go to. Only a server function turns it into a flash and a redirect
/// ([`respond`]), so a service can be called (and tested) without a request around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Done {
    pub notice: String,
    pub to: String,
}

impl Done {
    pub fn new(notice: impl Into<String>, to: impl Into<String>) -> Done {
        Done { notice: notice.into(), to: to.into() }
    }
}

/// Ends a server function whose service changed something: on success, the notice goes to the
/// next page and the browser is sent there; on error, as [`finish`].
#[cfg(feature = "ssr")]
pub fn respond(result: AppResult<Done>, form: &impl Serialize) -> AppResult<()> {
    let done = finish(result, form)?;
    crate::ui::flash::set(crate::ui::flash::Flash::notice(&done.notice));
    leptos_axum::redirect(&done.to);
    Ok(())
}

#[cfg(not(feature = "ssr"))]
pub fn respond(result: AppResult<Done>, _form: &impl Serialize) -> AppResult<()> {
    result.map(|_| ())
}

/// [`respond`] for a server function that takes no form.
pub fn respond_without_form(result: AppResult<Done>) -> AppResult<()> {
    let done = answer(result)?;
    #[cfg(feature = "ssr")]
    {
        crate::ui::flash::set(crate::ui::flash::Flash::notice(&done.notice));
        leptos_axum::redirect(&done.to);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = done;
    Ok(())
}

/// The Content-Security-Policy: scripts only from this site, plus, on a page, the inline
/// bootstrap script that carries this response's nonce. No `'unsafe-inline'`.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let inline = nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'{inline} 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
    )
}

/// For a page being rendered: a fresh nonce for its scripts, and the policy that allows them.
#[cfg(feature = "ssr")]
pub fn page_policy() {
    use leptos::prelude::use_context;
    leptos::nonce::provide_nonce();
    let nonce = leptos::nonce::use_nonce().map(|n| n.to_string());
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&content_security_policy(nonce.as_deref())),
    ) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// Ids in URLs and forms are record keys ([`crate::domain::RecordKey`]): short and
/// alphanumeric. Anything else is refused as "not found" before it reaches a query.
pub fn parse_key(raw: &str) -> AppResult<String> {
    crate::domain::RecordKey::parse(raw).map(String::from).map_err(|_| AppError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_inline_script_only_by_nonce() {
        let page = content_security_policy(Some("abc123"));
        assert!(page.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"), "{page}");
        assert!(!page.contains("unsafe-inline"));
        let other = content_security_policy(None);
        assert!(other.contains("script-src 'self' 'wasm-unsafe-eval'") && !other.contains("nonce"));
    }

    #[test]
    fn keys_are_alphanumeric_and_short() {
        assert_eq!(parse_key("abc123").unwrap(), "abc123");
        assert_eq!(parse_key("a; DELETE user"), Err(AppError::NotFound));
        assert_eq!(parse_key(""), Err(AppError::NotFound));
        assert_eq!(parse_key(&"a".repeat(41)), Err(AppError::NotFound));
        assert_eq!(parse_key("user:admin"), Err(AppError::NotFound));
    }
}
