//! The many-users scenario: `USERS` people of every role at once, each signing in with their own
//! session and then, until the time is up, opening their home page, browsing their lists,
//! opening a record, writing (a coordinator's comment on a nomination) and downloading a
//! document, reading each page for 3–8 s as a person does. Every answer counts: a 5xx, a
//! refusal or a request that takes over 30 s is an error.

use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::Client;

/// The roles of the people, by share: mostly coordinators and focal points.
const MIX: &[(&str, u32)] =
    &[("coordinator", 40), ("nominator", 25), ("host", 10), ("secondee", 10), ("donor", 10), ("admin", 5)];

/// What the scenario measured.
pub struct Outcome {
    pub users: usize,
    pub requests: usize,
    pub errors: usize,
    pub sign_in_p50_ms: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Error kinds and how often, for the log.
    pub error_kinds: std::collections::BTreeMap<String, usize>,
}

fn role_of(i: usize) -> &'static str {
    let total: u32 = MIX.iter().map(|(_, n)| n).sum();
    let mut at = (i as u32 * 37) % total;
    for (role, n) in MIX {
        if at < *n {
            return role;
        }
        at -= n;
    }
    MIX[0].0
}

/// The first link in `html` that starts with `prefix` followed by a record key.
fn first_link(html: &str, prefix: &str) -> Option<String> {
    html.split('"')
        .filter(|s| s.starts_with(prefix))
        .map(|s| s.split(['?', '#']).next().unwrap_or(s))
        .find(|s| {
            let key = &s[prefix.len()..];
            !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric())
        })
        .map(str::to_string)
}

/// The target of the list's "next" link (`rel="next"`), if the page has one.
fn next_link(html: &str) -> Option<String> {
    let tag_start = html.find("rel=\"next\"").and_then(|at| html[..at].rfind('<'))?;
    let tag = &html[tag_start..];
    let href = tag[tag.find("href=\"")? + 6..].split('"').next()?;
    Some(href.replace("&amp;", "&"))
}

struct Person {
    client: Client,
    base: String,
    times: Vec<Duration>,
    errors: Vec<String>,
    rng: rand::rngs::StdRng,
    role: &'static str,
    /// How long they read a page before the next click, in milliseconds.
    reading: std::ops::Range<u64>,
}

/// How long a person reads a page before the next click, in milliseconds, in a 60 s run (a
/// shorter run reads proportionally faster).
const READING_MS: std::ops::Range<u64> = 3_000..8_000;

impl Person {
    /// A GET as a browser makes it; the page's text when it answered 200.
    /// Reads the last page for a while, as a person does, before the next request.
    async fn read(&mut self) {
        tokio::time::sleep(Duration::from_millis(self.rng.random_range(self.reading.clone()))).await;
    }

    async fn page(&mut self, path: &str) -> Option<String> {
        self.read().await;
        let sent = Instant::now();
        let answer = self.client.get(format!("{}{path}", self.base)).header(ACCEPT, "text/html").send().await;
        let text = match answer {
            Ok(r) if r.status().is_success() => r.text().await.ok(),
            Ok(r) => {
                self.errors.push(format!(
                    "GET {} {} ({})",
                    path.split('?').next().unwrap_or(path),
                    r.status(),
                    self.role
                ));
                return None;
            }
            Err(e) => {
                self.errors.push(format!(
                    "GET {}: {} ({})",
                    path.split('?').next().unwrap_or(path),
                    kind(&e),
                    self.role
                ));
                return None;
            }
        };
        self.times.push(sent.elapsed());
        text
    }

    async fn post(&mut self, path: &str, form: &str) {
        self.read().await;
        let sent = Instant::now();
        let answer = self
            .client
            .post(format!("{}{path}", self.base))
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form.to_string())
            .send()
            .await;
        match answer {
            Ok(r) if r.status().is_success() => {
                let _ = r.bytes().await;
                self.times.push(sent.elapsed());
            }
            Ok(r) => self.errors.push(format!("POST {path} {}", r.status())),
            Err(e) => self.errors.push(format!("POST {path}: {}", kind(&e))),
        }
    }
}

fn kind(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection refused"
    } else {
        "no answer"
    }
}

/// One person's session: sign in, then rounds of browsing and writing until `until`.
async fn person(i: usize, base: String, seconds: f64, password: &'static str) -> (Person, Option<Duration>) {
    let role = role_of(i);
    let client = Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(i as u64);
    let pace = seconds / 60.0;
    let reading = (READING_MS.start as f64 * pace).max(1.0) as u64..(READING_MS.end as f64 * pace).max(2.0) as u64;
    let mut me = Person {
        client,
        base,
        times: Vec::new(),
        errors: Vec::new(),
        rng: rand::rngs::StdRng::seed_from_u64(!(i as u64)),
        role,
        reading,
    };
    // Arrivals spread over the first sixth of the time (ten seconds of a minute), as people come
    // in; each then stays the whole time.
    let spread = (seconds * 1000.0 / 6.0).max(1.0) as u64;
    tokio::time::sleep(Duration::from_millis(rng.random_range(0..spread))).await;
    let until = Instant::now() + Duration::from_secs_f64(seconds);
    let sent = Instant::now();
    let form = format!("email={role}%40demo.hub&password={password}");
    let signed_in = me
        .client
        .post(format!("{}/api/login", me.base))
        .header(ACCEPT, "application/json")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await;
    let sign_in = match signed_in {
        Ok(r) if r.status().is_success() => Some(sent.elapsed()),
        Ok(r) => {
            me.errors.push(format!("sign-in {}", r.status()));
            return (me, None);
        }
        Err(e) => {
            me.errors.push(format!("sign-in: {}", kind(&e)));
            return (me, None);
        }
    };
    let (list, record) = match role {
        "coordinator" => ("/nominations?status=submitted", "/nominations/"),
        "nominator" => ("/nominations", "/nominations/"),
        "host" => ("/placements", "/placements/"),
        "secondee" => ("/reports", "/reports/"),
        "donor" => ("/funding", "/placements/"),
        _ => ("/admin/audit", "/admin/users/"),
    };
    let mut round = 0;
    while Instant::now() < until {
        round += 1;
        me.page("/").await;
        let listed = me.page(list).await.unwrap_or_default();
        if let Some(path) = first_link(&listed, record) {
            let opened = me.page(&path).await.unwrap_or_default();
            if role == "coordinator" {
                let key = &path[record.len()..];
                me.post("/api/nominations/comment", &format!("id={key}&message=Seen+in+round+{round}+by+reviewer+{i}"))
                    .await;
                if let Some(document) = first_link(&opened, "/documents/") {
                    me.page(&document).await;
                }
            }
        }
        // The list's second page through its "next" link, as someone looking further back (a
        // list of one page has no such link: asking for a page past the end is refused).
        if let Some(next) = next_link(&listed) {
            me.page(&next).await;
        }
    }
    (me, sign_in)
}

/// Runs `users` people against `base`, each for `seconds` after their arrival.
pub async fn run(base: &str, users: usize, seconds: f64, password: &'static str) -> Outcome {
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..users {
        tasks.spawn(person(i, base.to_string(), seconds, password));
    }
    let (mut times, mut sign_ins, mut error_kinds) = (Vec::new(), Vec::new(), std::collections::BTreeMap::new());
    let mut errors = 0;
    while let Some(done) = tasks.join_next().await {
        let (person, sign_in) = done.expect("a user's task");
        times.extend(person.times);
        sign_ins.extend(sign_in);
        errors += person.errors.len();
        for e in person.errors {
            *error_kinds.entry(e).or_insert(0) += 1;
        }
    }
    times.sort();
    sign_ins.sort();
    let at = |all: &[Duration], q: f64| {
        all.get(((all.len() as f64 - 1.0) * q).round() as usize).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
    };
    Outcome {
        users,
        requests: times.len() + errors,
        errors,
        sign_in_p50_ms: at(&sign_ins, 0.5),
        p50_ms: at(&times, 0.5),
        p99_ms: at(&times, 0.99),
        error_kinds,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn links_are_found_with_their_key_only() {
        let html = r#"<a href="/nominations?status=x">all</a><a href="/nominations/abc123?tab=1">one</a>"#;
        assert_eq!(super::first_link(html, "/nominations/").as_deref(), Some("/nominations/abc123"));
        assert_eq!(super::first_link(html, "/reports/"), None);
    }

    #[test]
    fn the_next_link_is_followed_only_where_the_list_has_one() {
        let html = r#"<a href="/x?page=1">1</a> <a href="/x?page=2&amp;at=i3~0" rel="next">Next</a>"#;
        assert_eq!(super::next_link(html).as_deref(), Some("/x?page=2&at=i3~0"));
        assert_eq!(super::next_link(r#"<a href="/x?page=1">1</a>"#), None);
    }
}
