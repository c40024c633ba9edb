//! A paged list as one stream of items (the generated `<operation>_stream` methods): pages are
//! fetched one at a time, when the items of the one before are used up, until the gateway's
//! list ends — a page shorter than the page size (or empty), or the last page the gateway
//! serves. A failed page ends the stream after its error, so nothing is skipped silently.

use std::collections::VecDeque;
use std::future::Future;

use futures_util::stream::{self, Stream};

use crate::codes::Code;
use crate::error::Error;

/// Where a paged stream is.
struct Cursor<T, F> {
    fetch: F,
    next_page: u64,
    last_page: u64,
    page_size: usize,
    items: VecDeque<T>,
    ended: bool,
}

/// Every item of pages `1..=last_page` of `page_size` items, each page fetched by `fetch(page)`.
pub(crate) fn items<T, C, F, Fut>(
    page_size: u64,
    last_page: u64,
    fetch: F,
) -> impl Stream<Item = Result<T, Error<C>>>
where
    C: Code,
    F: FnMut(u64) -> Fut,
    Fut: Future<Output = Result<Vec<T>, Error<C>>>,
{
    let cursor = Cursor {
        fetch,
        next_page: 1,
        last_page,
        page_size: usize::try_from(page_size).unwrap_or(usize::MAX),
        items: VecDeque::new(),
        ended: false,
    };
    stream::unfold(cursor, |mut cursor| async move {
        loop {
            if let Some(item) = cursor.items.pop_front() {
                return Some((Ok(item), cursor));
            }
            if cursor.ended || cursor.next_page > cursor.last_page {
                return None;
            }
            let page = cursor.next_page;
            cursor.next_page += 1;
            match (cursor.fetch)(page).await {
                Ok(items) => {
                    // No total count comes back: a short page is the last one.
                    cursor.ended = items.len() < cursor.page_size;
                    cursor.items.extend(items);
                }
                Err(error) => {
                    cursor.ended = true;
                    return Some((Err(error), cursor));
                }
            }
        }
    })
}

/// The page size a query asks for, or `default` when it sets none.
pub(crate) fn page_size(query: &super::Query, parameter: &str, default: u64) -> u64 {
    query
        .value_of(parameter)
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}
