//! A CSV export as a stream: the header, then each row as the list's query reads it in batches.
//! Nothing caps the rows and only one batch is in memory, so a ten-year export costs the same
//! memory as a short one. Server-only.

use axum::body::Body;
use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use surrealdb::types::SurrealValue;

use super::store::ListSql;
use crate::error::AppError;
use crate::listing::{csv_field, ListQuery};
use crate::state::Db;

/// Rows read from the database per batch.
pub const BATCH: usize = 1_000;
/// Lines gathered into one chunk of the response body.
const LINES_PER_CHUNK: usize = 200;

pub struct CsvExport {
    header: Vec<String>,
    rows: BoxStream<'static, Result<Vec<String>, AppError>>,
}

impl CsvExport {
    /// Every row of `sql` in the order of `query`, each turned into cells by `cells`.
    pub fn rows<T, F>(header: &[&str], sql: ListSql, db: &Db, query: ListQuery, mut cells: F) -> Self
    where
        T: SurrealValue + Send + 'static,
        F: FnMut(T) -> Result<Vec<String>, AppError> + Send + 'static,
    {
        let rows = sql.stream::<T>(db.clone(), query, BATCH).map(move |row| row.and_then(&mut cells));
        CsvExport { header: header.iter().map(|h| h.to_string()).collect(), rows: rows.boxed() }
    }

    /// An export whose rows are already in memory (small, aggregated exports).
    pub fn lines(header: &[&str], lines: Vec<Vec<String>>) -> Self {
        CsvExport {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: futures::stream::iter(lines.into_iter().map(Ok)).boxed(),
        }
    }

    /// The response body. A failure half-way ends the body early (the client sees an
    /// incomplete download, not a file that looks whole) and is logged.
    pub fn into_body(self) -> Body {
        let header = line(&self.header);
        let chunks = self.rows.chunks(LINES_PER_CHUNK).map(|rows| {
            let mut chunk = String::new();
            for row in rows {
                chunk.push_str(&line(&row?));
            }
            Ok::<_, AppError>(chunk)
        });
        let body = futures::stream::once(async move { Ok(header) }).chain(chunks).map_err(|error| {
            tracing::error!(%error, "CSV export stopped");
            std::io::Error::other("export failed")
        });
        Body::from_stream(body)
    }

    /// The whole export as text (tests and small callers).
    pub async fn text(self) -> Result<String, AppError> {
        let mut out = line(&self.header);
        let mut rows = self.rows;
        while let Some(row) = rows.next().await {
            out.push_str(&line(&row?));
        }
        Ok(out)
    }
}

/// One CSV line ended by CRLF (RFC 4180), with the same quoting as [`crate::listing::csv`].
fn line(cells: &[String]) -> String {
    let mut out = cells.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    out
}
