//! Lists at size: pages after the first start where their link says (keyset paging), so that
//! walking forward and back gives the same pages, with sort values shared by many rows; counts
//! stop at a cap; CSV exports stream every row, past any batch; the nominations' counts by
//! state are kept by the transactions that change them.

use app::listing::{ListQuery, Page, COUNT_CAP, PER_PAGE};
use app::resource::store::ListSql;
use reqwest::header::RETRY_AFTER;
use reqwest::StatusCode;
use surrealdb::types::{RecordId, SurrealValue};

use crate::common::TestApp;

#[derive(Debug, Clone, PartialEq, SurrealValue)]
struct Row {
    id: RecordId,
    start_date: String,
}

const SORTS: &[(&str, &str)] = &[("start", "start_date")];

/// `n` placements over only three start dates, so most pages start inside a run of ties.
async fn placements_sharing_start_dates(app: &TestApp, n: usize) {
    app.state
        .db
        .query(
            "LET $agency = (SELECT VALUE id FROM agency LIMIT 1)[0];
             FOR $i IN 0..$n {
                CREATE placement SET nomination = type::record('nomination', string::concat('p', <string> $i)),
                    state = 'planned', officer_name = 'Officer', officer_email = 'o@agency.example',
                    sending_agency = $agency, host_agency = $agency, supervisor_name = 'Sup',
                    supervisor_email = 'sup@host.example', start_date = ['2027-01-01', '2027-02-01', '2027-03-01'][$i % 3],
                    end_date = '2027-12-31', original_end = '2027-12-31', objectives = 'Work', themes = [],
                    created_at = time::now();
             };",
        )
        .bind(("n", n as i64))
        .await
        .unwrap()
        .check()
        .unwrap();
}

async fn page(app: &TestApp, query: &ListQuery, twins: bool) -> Page<Row> {
    let sql = ListSql::new("placement", "id, start_date", SORTS);
    // Descending through the stored twin `start_date_desc` (migration 0016), read forwards.
    let sql = if twins { sql.with_descending_twins(&["start_date"]) } else { sql };
    sql.page::<Row>(&app.state.db, query).await.unwrap()
}

#[tokio::test]
async fn walking_pages_forward_and_back_gives_the_same_pages_through_runs_of_ties() {
    let app = TestApp::start().await;
    placements_sharing_start_dates(&app, 160).await;
    let total = app.count("placement").await as usize;
    for (dir, twins) in [("asc", false), ("desc", false), ("desc", true)] {
        let mut query = ListQuery { sort: "start".into(), dir: dir.into(), ..Default::default() };
        let mut forward: Vec<Vec<Row>> = Vec::new();
        let mut last = page(&app, &query, twins).await;
        loop {
            assert_eq!(last.page as usize, forward.len() + 1);
            if !query.back.is_empty() {
                // A "next" link says where the page before starts; looking it up agrees.
                let looked_up = page(&app, &ListQuery { back: String::new(), ..query.clone() }, twins).await;
                assert_eq!(looked_up.prev, last.prev, "page {} links back the same ({dir})", last.page);
                assert_eq!(looked_up.items, last.items);
            }
            forward.push(last.items.clone());
            let Some(next) = last.next.clone() else { break };
            assert!(!next.at.is_empty(), "a later page starts at a position, not an offset");
            query = query.with_link(&next);
            last = page(&app, &query, twins).await;
        }
        let seen: Vec<&Row> = forward.iter().flatten().collect();
        let in_order = seen.windows(2).all(|w| {
            if dir == "asc" {
                w[0].start_date <= w[1].start_date
            } else {
                w[0].start_date >= w[1].start_date
            }
        });
        assert!(in_order, "{dir} order (twins: {twins})");
        let mut unique = seen.clone();
        unique.sort_by_key(|r| format!("{:?}", r.id));
        unique.dedup();
        assert_eq!((seen.len(), unique.len()), (total, total), "every row once ({dir})");
        // And back from the last page to the first, by the "previous" links.
        let mut back = last;
        while let Some(prev) = back.prev.clone() {
            query = query.with_link(&prev);
            back = page(&app, &query, twins).await;
            assert_eq!(back.items, forward[back.page as usize - 1], "page {} read backwards ({dir})", back.page);
        }
        assert_eq!(back.page, 1);
    }
}

#[tokio::test]
async fn a_count_stops_at_the_cap_and_says_more() {
    let app = TestApp::start().await;
    placements_sharing_start_dates(&app, COUNT_CAP as usize + 10).await;
    let first = page(&app, &ListQuery::default(), false).await;
    assert!(first.capped);
    assert_eq!(first.total, COUNT_CAP);
    assert!(first.summary().starts_with("more than 1,000 records"), "{}", first.summary());
}

#[tokio::test]
async fn a_csv_export_streams_every_row_past_the_batches() {
    let app = TestApp::start().await;
    // 2,600 audit entries over five instants: every batch boundary falls inside a tie.
    app.state
        .db
        .query(
            "FOR $i IN 0..2600 {
                CREATE audit_event SET at = d'2026-01-01T00:00:00Z' + <duration> string::concat(<string> ($i % 5), 's'),
                    actor_label = 'Bulk', action = 'updated', record_table = 'theme', record_key = <string> $i;
             };",
        )
        .await
        .unwrap()
        .check()
        .unwrap();
    let admin = app.login_as("admin").await;
    let response = admin.get(app.url("/export/audit.csv?table=theme")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    let keys: Vec<&str> = text.lines().skip(1).map(|l| l.split(',').nth(4).unwrap()).collect();
    let mut unique = keys.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((keys.len(), unique.len()), (2600, 2600), "every entry once, none cut off");
}

#[tokio::test]
async fn counts_by_state_follow_every_change_of_a_nomination() {
    let app = TestApp::start().await;
    let grouped = "SELECT state, count() AS n FROM nomination GROUP BY state ORDER BY state";
    let kept = "SELECT string::split(record::id(id), '|')[1] AS state, n FROM tally
        WHERE string::starts_with(record::id(id), 'nomination|') AND string::ends_with(record::id(id), '|all') AND n > 0
        ORDER BY state";
    assert_eq!(app.rows(kept).await, app.rows(grouped).await, "the demo's counts");
    let coordinator = app.login_as("coordinator").await;
    let submitted = app.first_key("SELECT VALUE record::id(id) FROM nomination WHERE state = 'submitted'").await;
    let form = [("id", submitted.as_str()), ("action", "start_review")];
    assert_eq!(app.post(&coordinator, "/api/nominations/act", &form).await.status(), StatusCode::OK);
    assert_eq!(app.rows(kept).await, app.rows(grouped).await, "after a review starts");
    let html = coordinator.get(app.url("/nominations")).send().await.unwrap().text().await.unwrap();
    let under_review = app.rows("RETURN count(SELECT id FROM nomination WHERE state = 'under_review')").await;
    let shown = html.split("status=under_review").nth(1).and_then(|s| s.split("<strong>").nth(1)).unwrap();
    assert!(shown.starts_with(&format!("{under_review}</strong>")), "the page shows the kept count");
}

/// The pages whose queries are counted, and who looks at them.
const COUNTED_PAGES: &[(&str, &str)] = &[
    ("coordinator", "/"),
    ("coordinator", "/nominations"),
    ("coordinator", "/placements"),
    ("coordinator", "/placements/timeline"),
    ("coordinator", "/reports"),
    ("coordinator", "/reports/outcomes"),
    ("coordinator", "/funding/agreements"),
    ("admin", "/mail"),
    ("admin", "/admin/audit"),
    ("admin", "/admin/access"),
    ("donor", "/"),
    ("donor", "/funding"),
    ("nominator", "/"),
    ("nominator", "/nominations"),
    ("host", "/reports"),
];

/// How many queries each page sends, after generating a programme of `scale`.
async fn queries_per_page(app: &TestApp, scale: f64) -> Vec<u64> {
    let plan = app::demo::generate::Plan { years: 2, seed: 7, scale };
    app::demo::generate::run(&app.state, plan, true, &|_| {}).await.unwrap();
    let mut counts = Vec::new();
    let mut clients = std::collections::BTreeMap::new();
    for (role, path) in COUNTED_PAGES {
        if !clients.contains_key(role) {
            clients.insert(*role, app.login_as(role).await);
        }
        let client = &clients[role];
        let before = app.state.db.queries();
        let response = client.get(app.url(path)).header("accept", "text/html").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{role} {path}");
        let html = response.text().await.unwrap();
        counts.push(app.state.db.queries() - before);
        assert!(html.contains("</html>"), "{role} {path} rendered");
    }
    counts
}

#[tokio::test]
async fn no_page_reads_once_per_row() {
    let app = TestApp::start().await;
    let small = queries_per_page(&app, 0.01).await;
    let large = queries_per_page(&app, 0.08).await;
    for (((role, path), small), large) in COUNTED_PAGES.iter().zip(&small).zip(&large) {
        println!("{role:<12} {path:<22} {small:>3} queries with a little data, {large:>3} with eight times as much");
    }
    let rows = app.rows("RETURN [count(SELECT id FROM nomination), count(SELECT id FROM report)]").await;
    assert!(rows[1].as_i64().unwrap() > 300, "the larger programme fills every page: {rows}");
    assert_eq!(small, large, "a page's queries do not grow with its rows");
}

/// The key of the user with this address.
async fn user_key(app: &TestApp, email: &str) -> String {
    app.first_key(&format!("SELECT VALUE record::id(id) FROM user WHERE email = '{email}'")).await
}

/// Waits (at most two seconds) until `user` holds `n` export places: a download's place is
/// given back when the server has sent its last byte, a moment after the client read it.
async fn exports_held_come_to(app: &TestApp, user: &str, n: usize) {
    for _ in 0..100 {
        if app.state.limits.exports.held(user) == n {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("{user} holds {} export places, not {n}", app.state.limits.exports.held(user));
}

/// A refusal for having too much running: 429, when to come back, and what to wait for.
async fn assert_too_many(response: reqwest::Response, says: &str) {
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry = response.headers().get(RETRY_AFTER).expect("Retry-After").to_str().unwrap().parse::<u64>().unwrap();
    assert!(retry > 0);
    let body = response.text().await.unwrap();
    assert!(body.contains(says), "{body}");
}

#[tokio::test]
async fn l9_a_user_downloads_at_most_two_exports_at_once() {
    let app = TestApp::start().await;
    let coordinator = app.login_as("coordinator").await;
    let admin = app.login_as("admin").await;
    let me = user_key(&app, "coordinator@demo.hub").await;
    let export = |client: &reqwest::Client| client.get(app.url("/export/placements.csv")).send();
    // One export of this coordinator still downloading (its place, held here): a second goes.
    let first = app.state.limits.exports.try_acquire(&me).expect("a first place");
    let second = export(&coordinator).await.unwrap();
    assert_eq!(second.status(), StatusCode::OK);
    assert!(second.text().await.unwrap().starts_with("reference,"));
    exports_held_come_to(&app, &me, 1).await;
    // Two still downloading: a third at once is refused, and says when to come back.
    let _second = app.state.limits.exports.try_acquire(&me).expect("a second place");
    assert_too_many(export(&coordinator).await.unwrap(), "2 exports").await;
    for other in ["/export/themes.csv", "/export/mail.csv", "/export/reports.csv"] {
        let refused = coordinator.get(app.url(other)).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS, "{other}");
    }
    // Another user's exports are their own.
    assert_eq!(export(&admin).await.unwrap().status(), StatusCode::OK);
    // One finished: the next goes, and gives its place back once sent.
    drop(first);
    let next = export(&coordinator).await.unwrap();
    assert_eq!(next.status(), StatusCode::OK);
    next.text().await.unwrap();
    exports_held_come_to(&app, &me, 1).await;
}

#[tokio::test]
async fn l9_a_user_runs_at_most_four_searches_at_once() {
    let app = TestApp::start().await;
    let coordinator = app.login_as("coordinator").await;
    let admin = app.login_as("admin").await;
    let me = user_key(&app, "coordinator@demo.hub").await;
    // Four searches of this coordinator still running (their places, held here).
    let mut running: Vec<_> =
        (0..4).map(|i| app.state.limits.searches.try_acquire(&me).unwrap_or_else(|| panic!("place {i}"))).collect();
    let lists = [
        "/api/nominations/list",
        "/api/placements/list",
        "/api/reports/list",
        "/api/mail/list",
        "/api/themes/list",
        "/api/agreements/list",
    ];
    for list in lists {
        assert_too_many(app.post(&coordinator, list, &[("q", "officer")]).await, "4 searches").await;
        // The same list without search text is no search.
        let plain = app.post(&coordinator, list, &[]).await;
        assert_eq!(plain.status(), StatusCode::OK, "{list}: {}", plain.text().await.unwrap());
    }
    // Another user's searches are their own.
    for list in ["/api/placements/list", "/api/audit/list", "/api/users/list"] {
        let theirs = app.post(&admin, list, &[("q", "officer")]).await;
        assert_eq!(theirs.status(), StatusCode::OK, "{list}");
    }
    // One finished: the next search goes, and gives its place back.
    running.pop();
    let next = app.post(&coordinator, "/api/placements/list", &[("q", "officer")]).await;
    assert_eq!(next.status(), StatusCode::OK);
    assert_eq!(app.state.limits.searches.held(&me), 3);
}

#[tokio::test]
async fn l9_a_page_past_the_end_of_a_list_is_refused_without_a_long_read() {
    let app = TestApp::start().await;
    placements_sharing_start_dates(&app, 160).await;
    let total = app.count("placement").await as u32;
    let pages = total.div_ceil(PER_PAGE);
    let sql = || ListSql::new("placement", "id, start_date", SORTS);
    let sorted = |page: u32, at: &str| ListQuery {
        sort: "start".into(),
        page: page.to_string(),
        at: at.into(),
        ..Default::default()
    };
    // The last page reads.
    let last = sql().page::<Row>(&app.state.db, &sorted(pages, "")).await.unwrap();
    assert_eq!(last.items.len() as u32, total - (pages - 1) * PER_PAGE);
    // A page number past the end, near or far, and a position that skips more rows than the
    // list has: refused on the count alone, before any row is read.
    for (page, at) in [(pages + 1, ""), (100_000, ""), (3, "s2027-03-01~5000")] {
        let before = app.state.db.queries();
        let refused = sql().page::<Row>(&app.state.db, &sorted(page, at)).await.unwrap_err();
        assert_eq!(app.state.db.queries() - before, 1, "page {page} at {at:?}: only the count is read");
        assert_eq!(refused.status_code(), 422);
        let message = &refused.field_errors()[0];
        assert_eq!(message.field, "page");
        assert_eq!(message.message, format!("There is no page {page}: this list has {pages} pages."));
    }
    // A position after the last sort value: the seek finds nothing, and says so.
    let refused = sql().page::<Row>(&app.state.db, &sorted(2, "s2099-01-01~0")).await.unwrap_err();
    assert_eq!(refused.field_errors()[0].field, "page");
    // Over HTTP, with the message.
    let coordinator = app.login_as("coordinator").await;
    let response = app.post(&coordinator, "/api/placements/list", &[("page", "99")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("There is no page 99"));
}
