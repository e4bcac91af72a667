//! Paginators: a `@paginated` operation as an async stream of pages, or of their items.
//!
//! [`PageStream`] sends the first request as the caller built it, then copies each page's
//! output token into the next request's input token. It stops after a page without a token,
//! with an empty token, or with the token it just sent (a service that repeats itself would
//! otherwise be polled forever), and after the first error.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use futures_core::Stream;

type PageFuture<O, E> = Pin<Box<dyn Future<Output = Result<O, E>> + Send>>;
type Next<O, E> = Box<dyn FnMut(Option<&O>) -> Option<PageFuture<O, E>> + Send>;

/// The pages of a paginated operation: a [`Stream`] of `Result<Output, Error>`.
///
/// Use it with any stream combinator library, or call [`PageStream::next`] in a loop.
pub struct PageStream<O, E> {
    in_flight: Option<PageFuture<O, E>>,
    next: Next<O, E>,
    started: bool,
}

impl<O, E> std::fmt::Debug for PageStream<O, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageStream")
            .field("started", &self.started)
            .field("in_flight", &self.in_flight.is_some())
            .finish_non_exhaustive()
    }
}

impl<O: 'static, E: 'static> PageStream<O, E> {
    /// `send(token)` sends one request with that input token (`first` for the first page);
    /// `token_of(page)` reads the next token from a page (`None`: absent or empty).
    pub(crate) fn new<T, S, F>(first: Option<T>, mut send: S, token_of: fn(&O) -> Option<T>) -> Self
    where
        T: Clone + PartialEq + Send + 'static,
        S: FnMut(Option<T>) -> F + Send + 'static,
        F: Future<Output = Result<O, E>> + Send + 'static,
    {
        let mut first = Some(first);
        let mut sent: Option<T> = None;
        let next = move |page: Option<&O>| -> Option<PageFuture<O, E>> {
            let token = match page {
                None => first.take()?,
                Some(page) => {
                    let token = token_of(page)?;
                    if sent.as_ref() == Some(&token) {
                        return None;
                    }
                    Some(token)
                }
            };
            sent.clone_from(&token);
            Some(Box::pin(send(token)))
        };
        PageStream {
            in_flight: None,
            next: Box::new(next),
            started: false,
        }
    }

    /// The next page, or `None` when there are no more.
    pub async fn next(&mut self) -> Option<Result<O, E>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Every page, or the first error.
    pub async fn try_collect(mut self) -> Result<Vec<O>, E> {
        let mut pages = Vec::new();
        while let Some(page) = self.next().await {
            pages.push(page?);
        }
        Ok(pages)
    }
}

impl<O: 'static, E: 'static> Stream for PageStream<O, E> {
    type Item = Result<O, E>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if !this.started {
            this.started = true;
            this.in_flight = (this.next)(None);
        }
        let Some(request) = this.in_flight.as_mut() else {
            return Poll::Ready(None);
        };
        let result = std::task::ready!(request.as_mut().poll(cx));
        this.in_flight = match &result {
            Ok(page) => (this.next)(Some(page)),
            Err(_) => None,
        };
        Poll::Ready(Some(result))
    }
}

/// The items of every page, in order: a [`Stream`] of `Result<Item, Error>`. Pages are
/// fetched as the items run out.
pub struct ItemStream<I, O, E> {
    pages: PageStream<O, E>,
    items_of: fn(O) -> Vec<I>,
    /// The current page's items not yet returned.
    buffer: std::vec::IntoIter<I>,
}

// Items are never pinned: they are moved out of the buffer by value.
impl<I, O, E> Unpin for ItemStream<I, O, E> {}

impl<I, O, E> std::fmt::Debug for ItemStream<I, O, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ItemStream")
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .finish_non_exhaustive()
    }
}

impl<I, O: 'static, E: 'static> ItemStream<I, O, E> {
    pub(crate) fn new(pages: PageStream<O, E>, items_of: fn(O) -> Vec<I>) -> Self {
        ItemStream {
            pages,
            items_of,
            buffer: Vec::new().into_iter(),
        }
    }

    /// The next item, or `None` when there are no more.
    pub async fn next(&mut self) -> Option<Result<I, E>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Every item of every page, or the first error.
    pub async fn try_collect(mut self) -> Result<Vec<I>, E> {
        let mut items = Vec::new();
        while let Some(item) = self.next().await {
            items.push(item?);
        }
        Ok(items)
    }
}

impl<I, O: 'static, E: 'static> Stream for ItemStream<I, O, E> {
    type Item = Result<I, E>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.buffer.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match std::task::ready!(Pin::new(&mut this.pages).poll_next(cx)) {
                Some(Ok(page)) => this.buffer = (this.items_of)(page).into_iter(),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                None => return Poll::Ready(None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Debug, PartialEq)]
    struct Page {
        items: Vec<u32>,
        next: Option<String>,
    }

    /// The tokens a paginator sent, in order.
    type Sent = Arc<Mutex<Vec<Option<String>>>>;

    /// A paginator over canned pages, keyed by the token sent; records the tokens.
    fn pages(
        canned: Vec<(Option<&'static str>, Result<Page, &'static str>)>,
    ) -> (PageStream<Page, &'static str>, Sent) {
        let sent = Arc::new(Mutex::new(Vec::new()));
        let log = sent.clone();
        let canned = Arc::new(Mutex::new(canned));
        let stream = PageStream::new(
            None,
            move |token: Option<String>| {
                log.lock().unwrap().push(token.clone());
                let mut canned = canned.lock().unwrap();
                let at = canned
                    .iter()
                    .position(|(t, _)| t.map(str::to_string) == token)
                    .expect("a canned page for the token");
                let (_, page) = canned.remove(at);
                async move { page }
            },
            |page: &Page| page.next.clone().filter(|t| !t.is_empty()),
        );
        (stream, sent)
    }

    fn page(items: &[u32], next: Option<&str>) -> Page {
        Page {
            items: items.to_vec(),
            next: next.map(str::to_string),
        }
    }

    #[tokio::test]
    async fn follows_tokens_until_one_is_absent() {
        let (stream, sent) = pages(vec![
            (None, Ok(page(&[1], Some("a")))),
            (Some("a"), Ok(page(&[2], Some("b")))),
            (Some("b"), Ok(page(&[3], None))),
        ]);
        let items = ItemStream::new(stream, |p: Page| p.items)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(items, [1, 2, 3]);
        assert_eq!(
            *sent.lock().unwrap(),
            [None, Some("a".into()), Some("b".into())]
        );
    }

    #[tokio::test]
    async fn an_empty_or_repeated_token_ends_the_stream() {
        let (stream, _) = pages(vec![(None, Ok(page(&[1], Some(""))))]);
        assert_eq!(stream.try_collect().await.unwrap().len(), 1);
        let (stream, sent) = pages(vec![
            (None, Ok(page(&[1], Some("a")))),
            (Some("a"), Ok(page(&[2], Some("a")))),
        ]);
        assert_eq!(stream.try_collect().await.unwrap().len(), 2);
        assert_eq!(
            sent.lock().unwrap().len(),
            2,
            "the repeated token is not sent"
        );
    }

    #[tokio::test]
    async fn an_error_is_yielded_once_and_ends_the_stream() {
        let (mut stream, _) = pages(vec![
            (None, Ok(page(&[1], Some("a")))),
            (Some("a"), Err("throttled")),
        ]);
        assert!(stream.next().await.unwrap().is_ok());
        assert_eq!(stream.next().await.unwrap(), Err("throttled"));
        assert!(stream.next().await.is_none());
        assert!(stream.next().await.is_none());
    }
}
