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

/// `batches`, read by a task of their own one batch ahead of the reader. The task stops at the
/// first error (passed on) or when the reader goes away (a download cancelled).
pub(super) fn read_ahead<T: Send + 'static>(
    batches: impl futures::Stream<Item = Result<T, AppError>> + Send + 'static,
) -> impl futures::Stream<Item = Result<T, AppError>> + Send + 'static {
    let (sender, receiver) = tokio::sync::mpsc::channel(1);
    tokio::spawn(async move {
        let mut batches = std::pin::pin!(batches);
        while let Some(batch) = batches.next().await {
            let failed = batch.is_err();
            if sender.send(batch).await.is_err() || failed {
                break;
            }
        }
    });
    futures::stream::unfold(receiver, |mut receiver| async move { receiver.recv().await.map(|b| (b, receiver)) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reading_ahead_keeps_the_order_and_stops_at_the_first_error() {
        let batches = futures::stream::iter(vec![Ok(1), Ok(2), Err(AppError::NotFound), Ok(4)]);
        let read: Vec<Result<i32, AppError>> = read_ahead(batches).collect().await;
        assert_eq!(read.len(), 3, "{read:?}");
        assert!(matches!(read[..], [Ok(1), Ok(2), Err(AppError::NotFound)]), "{read:?}");
    }

    #[tokio::test]
    async fn reading_ahead_stays_a_batch_or_two_ahead_and_stops_when_the_reader_goes() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let made = std::sync::Arc::new(AtomicUsize::new(0));
        let counter = made.clone();
        let endless =
            futures::stream::repeat(()).map(move |_| Ok::<_, AppError>(counter.fetch_add(1, Ordering::SeqCst)));
        let mut reader = Box::pin(read_ahead(endless));
        assert_eq!(reader.next().await.map(|b| b.ok()), Some(Some(0)));
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let ahead = made.load(Ordering::SeqCst);
        assert!(ahead <= 3, "read {ahead} batches for one taken");
        drop(reader);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(made.load(Ordering::SeqCst) <= ahead + 1, "the reading went on after the reader left");
    }
}
