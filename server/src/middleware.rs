//! Request middleware: request ids and logging, cross-site refusal, body limits, compression
//! security headers, and "service unavailable" while the database does not answer.

use app::state::Db;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Forms are small; the largest legitimate body is far below this.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// HSTS for a year, on https only (a browser ignores it over http, and it must not pin a test
/// server to https).
const HSTS: &str = "max-age=31536000; includeSubDomains";

#[derive(Clone, Default)]
struct RandomRequestId;

impl MakeRequestId for RandomRequestId {
    fn make_request_id<B>(&mut self, _request: &http::Request<B>) -> Option<RequestId> {
        let id: u64 = rand::random();
        HeaderValue::from_str(&format!("{id:016x}")).ok().map(RequestId::new)
    }
}

/// What the middleware needs to know of the deployment.
#[derive(Clone)]
pub struct Site {
    /// `https` or `http`, from `HUB_PUBLIC_URL`: the scheme a same-site `Origin` must have.
    pub scheme: &'static str,
    /// The session cookie's name: a request that carries it is a signed-in user's.
    pub session_cookie: &'static str,
}

pub fn wrap(router: Router, site: Site, db: Db) -> Router {
    let csp = HeaderValue::from_str(&app::api::content_security_policy(None)).expect("the policy is ASCII");
    let https = site.scheme == "https";
    let cross_site = site.clone();
    let trace = TraceLayer::new_for_http().make_span_with(|request: &Request<Body>| {
        let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
        // The path only (query strings may carry tokens), and not even that for a calendar feed,
        // whose path is its secret.
        let path = loggable_path(request.uri().path());
        tracing::info_span!("request", request_id = %id, method = %request.method(), path = %path)
    });
    let router = router
        .layer(axum::middleware::from_fn(move |request: Request, next: Next| {
            let site = cross_site.clone();
            async move { refuse_cross_site(site, request, next).await }
        }))
        .layer(axum::middleware::from_fn(move |request: Request, next: Next| {
            let cookie = site.session_cookie;
            async move { no_store_when_signed_in(cookie, request, next).await }
        }))
        .layer(axum::middleware::from_fn(limit_password_requests))
        .layer(axum::middleware::from_fn(move |request: Request, next: Next| {
            let db = db.clone();
            async move { while_the_database_answers(db, request, next).await }
        }))
        .layer(CompressionLayer::new());
    let router = if https {
        router.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        ))
    } else {
        router
    };
    router
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, csp))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(trace)
        .layer(SetRequestIdLayer::new(REQUEST_ID, RandomRequestId))
}

/// A request's path as logs may show it: a private calendar feed's address is a secret (anyone
/// with it reads the dates), so only its prefix is kept.
pub fn loggable_path(path: &str) -> &str {
    if path.starts_with("/calendar/") {
        "/calendar/[redacted]"
    } else {
        path
    }
}

/// Answers 503 "service unavailable" at once while the database does not answer (a SurrealDB
/// server restarting), and to a request that is waiting on it when it stops answering, instead
/// of letting the request hang until the connection is back. Health checks and built assets
/// pass: they do not need the database.
async fn while_the_database_answers(db: Db, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path == "/healthz" || path == "/readyz" || path.starts_with("/pkg/") {
        return next.run(request).await;
    }
    let wants_json = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json") && !accept.contains("text/html"));
    if !db.is_answering() {
        return unavailable(wants_json);
    }
    tokio::select! {
        response = next.run(request) => response,
        // A write cut off here may still be applied when the connection comes back, as a
        // write whose answer was lost in the network; the user sees it on reloading.
        () = db.stops_answering() => unavailable(wants_json),
    }
}

fn unavailable(wants_json: bool) -> Response {
    let error = app::error::AppError::Unavailable;
    let message = error.to_string();
    // As a server function's error: the error itself, serialised.
    let mut response = if wants_json {
        (StatusCode::SERVICE_UNAVAILABLE, axum::Json(error)).into_response()
    } else {
        let page = format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Service unavailable · Secondment Hub</title></head>\
             <body><main><h1>Service unavailable</h1><p>{message}</p></main></body></html>"
        );
        (StatusCode::SERVICE_UNAVAILABLE, axum::response::Html(page)).into_response()
    };
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
    response
}

/// Whether a state-changing request comes from another site. Browsers send `Sec-Fetch-Site`
/// (and `Origin` on POST); scripts and tests send neither and are judged by their session alone.
/// An `Origin` must match this site in scheme and host (with port): `http://` posting to an
/// https site is another origin.
pub fn is_cross_site(headers: &HeaderMap, scheme: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return true;
        }
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let Ok(origin) = origin.to_str() else {
        return true;
    };
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    !origin.eq_ignore_ascii_case(&format!("{scheme}://{host}"))
}

async fn refuse_cross_site(site: Site, request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && is_cross_site(request.headers(), site.scheme) {
        tracing::warn!(path = %loggable_path(request.uri().path()), "cross-site request refused");
        return (StatusCode::FORBIDDEN, "Cross-site requests are not allowed.").into_response();
    }
    next.run(request).await
}

/// The endpoints that hash a password (argon2id: a core and 19 MiB for tens of milliseconds).
const PASSWORD_PATHS: [&str; 4] =
    ["/api/login", "/api/account/password", "/api/password/reset", "/api/invitation/accept"];

/// Requests to those endpoints handled at once. The hashes themselves run one per core; this
/// bounds the requests waiting for them, each of which holds memory while it is handled, so a
/// burst of hundreds waits here, cheaply, before its body is read.
const PASSWORD_REQUESTS_AT_ONCE: usize = 32;

async fn limit_password_requests(request: Request, next: Next) -> Response {
    static AT_ONCE: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    if request.method() != Method::POST || !PASSWORD_PATHS.contains(&request.uri().path()) {
        return next.run(request).await;
    }
    let permits = AT_ONCE.get_or_init(|| tokio::sync::Semaphore::new(PASSWORD_REQUESTS_AT_ONCE));
    match tokio::time::timeout(app::auth::password::MAX_WAIT, permits.acquire()).await {
        Ok(Ok(_permit)) => next.run(request).await,
        _ => {
            tracing::warn!(path = %request.uri().path(), "too many password requests at once; answering busy");
            let mut response =
                (StatusCode::SERVICE_UNAVAILABLE, "The server is busy. Please try again in a moment.").into_response();
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
            response
        }
    }
}

/// A signed-in user's pages hold their data: no cache (the browser's, a proxy's, a shared
/// computer's back button) may keep them.
async fn no_store_when_signed_in(session_cookie: &'static str, request: Request, next: Next) -> Response {
    let signed_in = app::cookies::cookie_value(request.headers(), session_cookie).is_some();
    let mut response = next.run(request).await;
    if signed_in {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(HeaderName::from_bytes(k.as_bytes()).unwrap(), HeaderValue::from_str(v).unwrap());
        }
        map
    }

    #[test]
    fn l4_calendar_addresses_are_never_logged() {
        assert_eq!(loggable_path("/calendar/abc123-0.deadbeef.ics"), "/calendar/[redacted]");
        assert_eq!(loggable_path("/nominations/abc"), "/nominations/abc");
    }

    #[test]
    fn same_origin_requests_pass() {
        assert!(!is_cross_site(
            &headers(&[("host", "hub.example"), ("origin", "https://hub.example"), ("sec-fetch-site", "same-origin")]),
            "https"
        ));
        assert!(!is_cross_site(&headers(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:3000")]), "http"));
        assert!(!is_cross_site(&headers(&[("host", "127.0.0.1:3000")]), "http"), "no browser headers: a script");
    }

    #[test]
    fn other_sites_are_refused() {
        let https = |pairs: &[(&str, &str)]| is_cross_site(&headers(pairs), "https");
        assert!(https(&[("host", "hub.example"), ("origin", "https://evil.example")]));
        assert!(https(&[("host", "hub.example"), ("sec-fetch-site", "cross-site")]));
        assert!(https(&[("host", "hub.example"), ("sec-fetch-site", "same-site")]));
        assert!(https(&[("host", "hub.example"), ("origin", "null")]));
        assert!(https(&[("host", "hub.example"), ("origin", "https://hub.example.evil.example")]));
        // Same host, other scheme: a page served over plain http is another origin.
        assert!(https(&[("host", "hub.example"), ("origin", "http://hub.example")]));
        // Same host, other port.
        assert!(https(&[("host", "hub.example"), ("origin", "https://hub.example:8443")]));
    }
}
