//! The database side of a resource: one query for a list page and its total, an export, the
//! read of one record, the check that a chosen record exists, and the write of a save.
//! Server-only.

use surrealdb::types::{SurrealValue, Value};

use crate::db::{self, v};
use crate::error::AppError;
use futures::TryStreamExt;

use crate::listing::{ListQuery, Page, PageLink, Position, SortKey, COUNT_CAP, PER_PAGE};
use crate::state::Db;

use super::paging::*;
pub use super::record::{chosen, one, one_in, put};
pub use crate::db::stored::NamedRow;

/// A list query built from fixed SurrealQL parts. `conditions` are static strings with
/// `$parameters`; user input only ever travels in `vars`.
pub struct ListSql {
    pub table: &'static str,
    pub fields: &'static str,
    pub conditions: Vec<&'static str>,
    pub vars: Vec<(&'static str, Value)>,
    pub sorts: &'static [(&'static str, &'static str)],
    /// Sort fields with a stored, indexed twin `<field>_desc` that orders the other way (its
    /// negation). A descending sort reads the twin forwards: on the embedded store a backward
    /// index scan costs tens of milliseconds however few rows it reads.
    pub descending: &'static [&'static str],
    /// The index to read the rows through, where the planner would pick the sort's index and
    /// scan far more rows than a filter's index holds (see [`ListSql::through_index`]).
    pub index: Option<&'static str>,
    /// Sort fields (as read, twins included) with a `(listed, field)` index: the whole list in
    /// that order is read through it, so the store stops at the page (migration 0017 says why).
    pub listed: &'static [&'static str],
}

impl ListSql {
    pub fn new(table: &'static str, fields: &'static str, sorts: &'static [(&'static str, &'static str)]) -> Self {
        ListSql {
            table,
            fields,
            conditions: Vec::new(),
            vars: Vec::new(),
            sorts,
            descending: &[],
            index: None,
            listed: &[],
        }
    }

    /// Declares the sort fields that have a `(listed, field)` index (see [`ListSql::listed`]).
    pub fn with_listed_order(mut self, fields: &'static [&'static str]) -> Self {
        self.listed = fields;
        self
    }

    /// `listed = true` when the list is unfiltered and read in an order that has a
    /// `(listed, field)` index: the equality that lets the store read that index a page at a time.
    fn through_listed(&self, field: &str) -> Option<&'static str> {
        (self.conditions.is_empty() && self.index.is_none() && self.listed.contains(&field)).then_some("listed = true")
    }

    /// Declares the sort fields that have a `<field>_desc` twin (see [`ListSql::descending`]).
    pub fn with_descending_twins(mut self, fields: &'static [&'static str]) -> Self {
        self.descending = fields;
        self
    }

    /// Reads the rows through `index` and sorts them after: for a filter that keeps a few rows
    /// of a long sort order (placements still running, in order of start since year one).
    pub fn through_index(mut self, index: &'static str) -> Self {
        self.index = Some(index);
        self
    }

    /// The field the query's sort reads and whether it reads it descending.
    fn order(&self, query: &ListQuery) -> (String, bool) {
        let (field, desc) = query.sort_field(self.sorts);
        if desc && self.descending.contains(&field) {
            (format!("{field}_desc"), false)
        } else {
            (field.to_string(), desc)
        }
    }

    /// Adds a condition with its parameter.
    pub fn filter(mut self, condition: &'static str, name: &'static str, value: Value) -> Self {
        self.conditions.push(condition);
        self.vars.push((name, value));
        self
    }

    /// Adds a fixed condition that needs no parameter.
    pub fn condition(mut self, condition: &'static str) -> Self {
        self.conditions.push(condition);
        self
    }

    pub fn condition_if(self, when: bool, condition: &'static str) -> Self {
        if when {
            self.condition(condition)
        } else {
            self
        }
    }

    /// Another set of sorts, where a filter makes another index the one to read in order.
    pub fn sorted_by(mut self, sorts: &'static [(&'static str, &'static str)]) -> Self {
        self.sorts = sorts;
        self
    }

    pub fn filter_if(self, when: bool, condition: &'static str, name: &'static str, value: Value) -> Self {
        if when {
            self.filter(condition, name, value)
        } else {
            self
        }
    }

    /// The text search: `condition` with `$q`, the lower-cased search text, when there is one.
    pub fn search(self, query: &ListQuery, condition: &'static str) -> Self {
        self.filter_if(!query.q.trim().is_empty(), condition, "q", v(query.needle()))
    }

    fn where_clause(&self) -> String {
        self.where_with([])
    }

    /// The conditions, plus `extra` when given.
    fn where_with<'e>(&'e self, extra: impl IntoIterator<Item = Option<&'e str>>) -> String {
        let mut all: Vec<&str> = self.conditions.clone();
        all.extend(extra.into_iter().flatten());
        if all.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", all.join(" AND "))
        }
    }

    /// A page can start at a [`Position`] when its sort is a stored field (an index can seek to
    /// it), not a value computed in the SELECT list.
    fn seekable(&self, field: &str) -> bool {
        !self.fields.contains(&format!("AS {field}"))
    }

    fn bind_all<'a>(&self, mut q: crate::db::engine::Query<'a>) -> crate::db::engine::Query<'a> {
        for (name, value) in &self.vars {
            q = q.bind((*name, value.clone()));
        }
        q
    }

    /// Up to `limit` rows in the query's order from `from` (or from the `offset`-th row), each
    /// with its sort value.
    async fn rows_from(
        &self,
        db: &Db,
        (field, desc): (&str, bool),
        from: Option<&Position>,
        offset: u32,
        limit: usize,
    ) -> Result<Vec<Keyed>, AppError> {
        let seek = if from.is_some() { Seek::From } else { Seek::None };
        let start = from.map(|p| p.skip).unwrap_or(offset);
        let at = from.map(|p| key_value(&p.key)).unwrap_or(Value::None);
        self.read_from(db, self.fields, (field, desc), (seek, at), start, limit).await
    }

    /// The sort values (and ids) of up to `limit` rows strictly before `key` in the list's
    /// order, nearest first: for finding where the page before starts, with no record links
    /// followed and no fields decoded.
    async fn keys_before(
        &self,
        db: &Db,
        (field, desc): (&str, bool),
        key: &SortKey,
        limit: usize,
    ) -> Result<Vec<Keyed>, AppError> {
        self.read_from(db, "id", (field, !desc), (Seek::Past, key_value(key)), 0, limit).await
    }

    async fn read_from(
        &self,
        db: &Db,
        fields: &str,
        (field, desc): (&str, bool),
        (seek, at): (Seek, Value),
        start: u32,
        limit: usize,
    ) -> Result<Vec<Keyed>, AppError> {
        let sql = self.rows_sql(fields, field, desc, seek);
        let q = db.query(sql).bind(("limit", limit as i64)).bind(("start", start as i64));
        let q = self.bind_all(q).bind(("at", at));
        let mut response = q.await.and_then(|r| r.check()).map_err(db::fail("list query"))?;
        let rows: Vec<Value> = response.take(0).map_err(db::fail("list decode"))?;
        rows.into_iter().map(Keyed::split).collect()
    }

    /// The query of [`ListSql::rows_from`]: `$limit` rows from `$start`, from or past the sort
    /// value `$at` as `seek` says.
    fn rows_sql(&self, fields: &str, field: &str, desc: bool, seek: Seek) -> String {
        let from_here = match (seek, desc) {
            (Seek::None, _) => None,
            (Seek::From, true) => Some(format!("{field} <= $at")),
            (Seek::From, false) => Some(format!("{field} >= $at")),
            (Seek::Past, true) => Some(format!("{field} < $at")),
            (Seek::Past, false) => Some(format!("{field} > $at")),
        };
        format!(
            "SELECT {fields}, {field} AS sort_key FROM {table}{with} {w} ORDER BY {field} {dir} LIMIT $limit START $start;",
            table = self.table,
            with = self.index.map(|i| format!(" WITH INDEX {i}")).unwrap_or_default(),
            w = self.where_with([self.through_listed(field), from_here.as_deref()]),
            dir = if desc { "DESC" } else { "ASC" },
        )
    }

    /// How many rows share the sort value `key` (a seek's tie).
    async fn ties(&self, db: &Db, field: &str, key: &Value) -> Result<u32, AppError> {
        let here = format!("{field} = $at");
        let conditions = self.where_with([self.through_listed(field), Some(&here)]);
        let sql = format!("SELECT count() AS total FROM {} {conditions} GROUP ALL;", self.table);
        let q = self.bind_all(db.query(sql)).bind(("at", key.clone()));
        let mut response = q.await.and_then(|r| r.check()).map_err(db::fail("list ties"))?;
        let totals: Vec<Total> = response.take(0).map_err(db::fail("list ties decode"))?;
        Ok(totals.first().map(|t| t.total.clamp(0, u32::MAX as i64) as u32).unwrap_or(0))
    }

    /// The matching rows, counted up to [`COUNT_CAP`] + 1: enough to say "more than".
    async fn count_capped(&self, db: &Db) -> Result<u64, AppError> {
        let unfiltered = self.conditions.is_empty();
        if unfiltered && crate::cache::known_long(self.table) {
            return Ok(COUNT_CAP + 1);
        }
        let sql =
            format!("RETURN array::len((SELECT VALUE id FROM {} {} LIMIT $cap));", self.table, self.where_clause());
        let q = self.bind_all(db.query(sql)).bind(("cap", COUNT_CAP as i64 + 1));
        let mut response = q.await.and_then(|r| r.check()).map_err(db::fail("list count"))?;
        let n: Option<i64> = response.take(0).map_err(db::fail("list count decode"))?;
        let n = n.unwrap_or(0).max(0) as u64;
        if unfiltered && n > COUNT_CAP {
            crate::cache::note_long(self.table);
        }
        Ok(n)
    }

    /// One page of the list. The first page reads from the start of the sort's index; a later
    /// page seeks to the `at` position its link carries (keyset paging), so its cost does not
    /// grow with the table. A sort on a computed value, or a page number without a position,
    /// falls back to skipping rows. A page past the end of the list is refused with a message
    /// at `page`: when the list is counted whole (up to [`COUNT_CAP`] rows) before any row is
    /// read, so a far page number or position costs the count alone; in a longer list, when
    /// its read finds nothing.
    pub async fn page<T: SurrealValue>(self, db: &Db, query: &ListQuery) -> Result<Page<T>, AppError> {
        query.check()?;
        let page = query.page();
        let (field, desc) = self.order(query);
        let seekable = self.seekable(&field);
        let from = if seekable && page > 1 { Position::parse(&query.at) } else { None };
        let offset = if from.is_none() { (page - 1) * PER_PAGE } else { 0 };
        let per_page = PER_PAGE as usize;
        let counted = self.count_capped(db).await?;
        let skipped = from.as_ref().map(|p| p.skip).unwrap_or(offset);
        if page > 1 && counted <= COUNT_CAP && u64::from(skipped) >= counted {
            return Err(past_the_end(page, counted));
        }
        let mut rows = self.rows_from(db, (&field, desc), from.as_ref(), offset, per_page + 1).await?;
        if page > 1 && rows.is_empty() {
            return Err(past_the_end(page, counted));
        }
        let following = (rows.len() > per_page).then(|| rows.split_off(per_page));
        let next = following.map(|following| {
            // The next page starts at the row after this one's last. Where this page is known
            // from its start (a seek, or the first page), say so in the link, and say where this
            // page starts, so that the next one links back without looking.
            if seekable && (from.is_some() || page == 1) {
                let at = position_of(&following[0].key, &rows, from.as_ref());
                PageLink { page: page + 1, at, back: from.as_ref().map(Position::encode).unwrap_or_default() }
            } else {
                PageLink { page: page + 1, ..Default::default() }
            }
        });
        let prev = match &from {
            _ if page == 2 => Some(PageLink { page: 1, ..Default::default() }),
            Some(_) if Position::parse(&query.back).is_some() => {
                Some(PageLink { page: page - 1, at: query.back.clone(), ..Default::default() })
            }
            Some(start) if page > 1 => Some(self.previous(db, (&field, desc), start, page).await?),
            _ => (page > 1).then(|| PageLink { page: page - 1, ..Default::default() }),
        };
        let shown = (page as u64 - 1) * PER_PAGE as u64 + rows.len() as u64;
        let (total, capped) = if counted > COUNT_CAP { (COUNT_CAP.max(shown), true) } else { (counted, false) };
        let items = rows.into_iter().map(|r| T::from_value(r.row)).collect::<Result<Vec<T>, _>>();
        let items = items.map_err(|e| AppError::internal("list decode", e))?;
        Ok(Page { items, total, capped, page, per_page: PER_PAGE, prev, next })
    }

    /// The link to the page before the one starting at `start` (for a page not reached by a
    /// "next" link). The page before ends with the `start.skip` rows of `start`'s sort value
    /// that come before this page; when they fill it, it starts among them. Otherwise it goes
    /// on into the rows before that value, read backwards, and it starts at the last one read:
    /// its place among the rows of its own value needs their count.
    async fn previous(
        &self,
        db: &Db,
        (field, desc): (&str, bool),
        start: &Position,
        page: u32,
    ) -> Result<PageLink, AppError> {
        let per_page = PER_PAGE as usize;
        if start.skip >= PER_PAGE {
            let at = Position { key: start.key.clone(), skip: start.skip - PER_PAGE }.encode();
            return Ok(PageLink { page: page - 1, at, ..Default::default() });
        }
        let wanted = per_page - start.skip as usize;
        let rows = self.keys_before(db, (field, desc), &start.key, wanted).await?;
        let first = match rows.last() {
            Some(first) if page > 2 && rows.len() == wanted => first,
            // Fewer rows than a page before this one: that page is the first.
            _ => return Ok(PageLink { page: 1, ..Default::default() }),
        };
        let its_tie = self.ties(db, field, &first.key).await?;
        let on_that_page = rows.iter().filter(|r| r.key == first.key).count() as u32;
        let before = its_tie.saturating_sub(on_that_page);
        Ok(PageLink { page: page - 1, at: position_text(&first.key, before), ..Default::default() })
    }

    /// The first `limit` matching rows in the query's order (for a home page's short lists).
    pub async fn first<T: SurrealValue>(self, db: &Db, query: &ListQuery, limit: usize) -> Result<Vec<T>, AppError> {
        let (field, desc) = self.order(query);
        let rows = self.rows_from(db, (&field, desc), None, 0, limit).await?;
        rows.into_iter().map(|r| T::from_value(r.row).map_err(|e| AppError::internal("list decode", e))).collect()
    }

    /// Every matching row in the query's order, read in batches of `batch` from one position to
    /// the next (a sort on a computed value reads by offset). For exports: no row limit, and
    /// at most three batches in memory: the one being sent, the next one read ahead while it
    /// is (on another core), and one waiting between them.
    pub fn stream<T: SurrealValue + Send + 'static>(
        self,
        db: Db,
        query: ListQuery,
        batch: usize,
    ) -> impl futures::Stream<Item = Result<T, AppError>> + Send + 'static {
        struct Walk {
            sql: ListSql,
            db: Db,
            query: ListQuery,
            from: Option<Position>,
            /// Rows read so far: where an offset read goes on from.
            read: u32,
            done: bool,
            /// The field read and whether descending.
            order: (String, bool),
        }
        let order = self.order(&query);
        let seekable = self.seekable(&order.0);
        let walk = Walk { sql: self, db, query, from: None, read: 0, done: false, order };
        let batches = futures::stream::try_unfold(walk, move |mut walk| async move {
            if walk.done {
                return Ok(None);
            }
            walk.query.check()?;
            let order = (walk.order.0.as_str(), walk.order.1);
            let mut rows = walk.sql.rows_from(&walk.db, order, walk.from.as_ref(), walk.read, batch + 1).await?;
            let following = (rows.len() > batch).then(|| rows.split_off(batch));
            walk.read += rows.len() as u32;
            match following {
                Some(following) => {
                    // Seek to the next row where its sort value can be carried; else go on by offset.
                    let next = position_of(&following[0].key, &rows, walk.from.as_ref());
                    walk.from = if seekable { Position::parse(&next) } else { None };
                }
                None => walk.done = true,
            }
            let items = rows.into_iter().map(|r| T::from_value(r.row)).collect::<Result<Vec<T>, _>>();
            let items = items.map_err(|e| AppError::internal("export decode", e))?;
            Ok(Some((items, walk)))
        });
        super::ahead::read_ahead(batches).map_ok(|items| futures::stream::iter(items.into_iter().map(Ok))).try_flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SORTS: &[(&str, &str)] = &[("updated", "updated_at"), ("officer", "officer_key")];

    fn list() -> ListSql {
        ListSql::new("nomination", "id, reference", SORTS)
            .with_descending_twins(&["updated_at"])
            .with_listed_order(&["updated_at_desc"])
    }

    fn sorted(sort: &str, dir: &str) -> ListQuery {
        ListQuery { sort: sort.into(), dir: dir.into(), ..Default::default() }
    }

    #[test]
    fn an_unfiltered_list_in_a_listed_order_reads_the_listed_index() {
        let sql = list();
        let (field, desc) = sql.order(&sorted("updated", "desc"));
        assert_eq!((field.as_str(), desc), ("updated_at_desc", false), "newest first reads the twin forwards");
        let first = sql.rows_sql(sql.fields, &field, desc, Seek::None);
        assert!(first.contains("WHERE listed = true ORDER BY updated_at_desc ASC"), "{first}");
        let later = sql.rows_sql(sql.fields, &field, desc, Seek::From);
        assert!(
            later.contains("WHERE listed = true AND updated_at_desc >= $at ORDER BY updated_at_desc ASC"),
            "{later}"
        );
        // Backwards from a page's start, for the link to the page before: strictly before it.
        let back = sql.rows_sql("id", &field, !desc, Seek::Past);
        assert!(
            back.starts_with("SELECT id, updated_at_desc AS sort_key")
                && back.contains("WHERE listed = true AND updated_at_desc < $at ORDER BY updated_at_desc DESC"),
            "{back}"
        );
    }

    #[test]
    fn a_filter_or_another_order_leaves_the_listed_index_alone() {
        // Another order: `listed = true` would make the planner read every row to sort them.
        let sql = list();
        let (field, desc) = sql.order(&sorted("updated", "asc"));
        assert!(!sql.rows_sql(sql.fields, &field, desc, Seek::None).contains("listed"));
        let (field, desc) = sql.order(&sorted("officer", "asc"));
        assert!(!sql.rows_sql(sql.fields, &field, desc, Seek::From).contains("listed"));
        // A filter has its own index, which the planner picks.
        let filtered = list().filter("state = $state", "state", v("approved".to_string()));
        let (field, desc) = filtered.order(&sorted("updated", "desc"));
        let text = filtered.rows_sql(filtered.fields, &field, desc, Seek::None);
        assert!(
            text.contains("WHERE state = $state ORDER BY updated_at_desc ASC") && !text.contains("listed"),
            "{text}"
        );
    }
}
