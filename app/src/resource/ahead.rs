//! Reading a stream one item ahead of its reader, on a task of its own: an export reads its next
//! batch from the database while the one before is encoded and sent. Server-only.

use futures::StreamExt;

use crate::error::AppError;

/// `batches`, read by a task of their own one batch ahead of the reader. The task stops at the
/// first error (passed on) or when the reader goes away (a download cancelled).
pub fn read_ahead<T: Send + 'static>(
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
