//! Render once, serve many. The public pages that are the same for every visitor are kept rendered for
//! `page_cache_seconds` (5 by default) and answered from memory, with an `ETag` so that a browser or a
//! proxy revalidates with a 304. A post that succeeds on this instance empties the cache, so what a
//! resident or a reviewer changed shows on their next page; other instances show it within the period.
//! The pages vary only by the elder-mode cookie, which is part of the key.
//!
//! A resident's status page is kept the same way, under the application's reference, for the one who
//! opened it: the session cookie is checked on every request before the kept page is answered, a page
//! showing a failed form (`?flash=`) is never kept, and it is marked for the browser only (`private`).
//! A resident waiting for news reloads it; kept, a reload costs what a public page costs instead of
//! the reads, the unsealing and the rendering of a whole page.
//!
//! Pages are rendered at most `render_places` at once, the others waiting their turn in arrival order:
//! begun all at once, 256 first views of status pages shared the two cores between them and every one
//! finished late; in turn, the first to come finish first (`with_render_places`).
//!
//! Hand-written rather than a cache crate: the whole policy is "everything for N seconds, emptied by any
//! change", a map suffices.

use app::auth::{cookie_in, elder_mode, status_from_token, CheckedStatusSession, STATUS_COOKIE};
use app::services::Clock;
use axum::{
    body::{to_bytes, Body},
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri},
    middleware::Next,
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Bounds memory: the filters of the lists make many addresses; past this the cache starts over.
const MAX_ENTRIES: usize = 2_000;
/// Bounds the residents' status pages apart (about 3 KB each), so that many residents looking at their
/// own page do not push the public pages out.
const MAX_STATUS_PAGES: usize = 500;
/// No public page comes near this; a larger body is served but not kept.
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The pages kept: public, the same for everyone, no form state in them.
fn cacheable(path: &str) -> bool {
    matches!(
        path,
        "/" | "/guide"
            | "/announcements"
            | "/notices"
            | "/notices/recipients"
            | "/stats"
            | app::routes::STATS_CSV
            | "/contact"
    ) || path.starts_with("/guide/")
        || path.starts_with("/announcements/")
}

/// A kept page: its address, elder mode, and for a status page the application it shows.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    address: String,
    elder: bool,
    reference: Option<String>,
}

/// A rendered page with its answer's headers (its own, plus `ETag`, `Cache-Control` and `Vary`) made
/// once; shared, so that serving it copies only the header map.
struct Kept {
    at: Instant,
    headers: HeaderMap,
    body: axum::body::Bytes,
    etag: HeaderValue,
}

/// The kept pages, and how many times they were emptied: a page whose rendering began before a change
/// finished is not kept (it may show the data from before the change).
#[derive(Default)]
struct Pages {
    emptied: u64,
    public: HashMap<Key, Arc<Kept>>,
    status: HashMap<Key, Arc<Kept>>,
}

impl Pages {
    fn of(&mut self, key: &Key) -> (&mut HashMap<Key, Arc<Kept>>, usize) {
        match key.reference {
            None => (&mut self.public, MAX_ENTRIES),
            Some(_) => (&mut self.status, MAX_STATUS_PAGES),
        }
    }
}

/// What a status page's session cookie is checked with: the key it is signed with and the clock its
/// expiry is read by.
#[derive(Clone)]
pub struct StatusSessions {
    pub secret: Arc<str>,
    pub clock: Arc<dyn Clock>,
}

pub struct PageCache {
    lifetime: Duration,
    pages: Arc<Mutex<Pages>>,
    /// Present when status pages are kept too.
    sessions: Option<StatusSessions>,
    /// When a page expires under load, every request that asks for it would render it at once: a page
    /// that takes a second to render then took all of them many seconds. One renders; the others asking
    /// for the same page wait on its lock, held while it renders (locks shared by hash made unrelated
    /// pages wait for each other: a status page's first views at 256 connections queued in convoys).
    renders: Mutex<HashMap<Key, Arc<tokio::sync::Mutex<()>>>>,
    /// Renders under way at once, when bounded.
    render_places: Option<tokio::sync::Semaphore>,
}

/// The turn to render a page; the page's lock is held, and given back (the page no longer being
/// rendered) when this drops, also if the request is abandoned.
struct Rendering<'a> {
    cache: &'a PageCache,
    key: Key,
    _held: tokio::sync::OwnedMutexGuard<()>,
}

impl Drop for Rendering<'_> {
    fn drop(&mut self) {
        lock(&self.cache.renders).remove(&self.key);
    }
}

/// A poisoned map is still whole: every change to it is one call.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl PageCache {
    pub fn new(seconds: u64) -> Self {
        let lifetime = Duration::from_secs(seconds);
        let (pages, renders) = (Arc::default(), Mutex::default());
        Self { lifetime, pages, sessions: None, renders, render_places: None }
    }

    /// Renders at most `places` pages at once (0: no bound); the others wait in arrival order (holding
    /// their page's lock: who asks for the same page waits for them, not for a place).
    /// Measured on this 2-core machine, status pages' first views at 256 connections with 4 places
    /// against none, 8 alternating rounds: p99 31 to 40 ms against 36 to 53, requests a second 5 %
    /// more, every round.
    pub fn with_render_places(self, places: usize) -> Self {
        Self { render_places: (places > 0).then(|| tokio::sync::Semaphore::new(places)), ..self }
    }

    /// Keeps residents' status pages too, opened by sessions checked with `sessions`.
    pub fn with_status_pages(self, sessions: StatusSessions) -> Self {
        Self { sessions: Some(sessions), ..self }
    }

    /// The key a request's page is kept under, if it may be kept at all; for a status page, with the
    /// session checked to find it.
    fn key_of(&self, uri: &Uri, headers: &HeaderMap) -> Option<(Key, Option<CheckedStatusSession>)> {
        let address = uri.to_string();
        let elder = elder_mode(headers);
        if cacheable(uri.path()) {
            return Some((Key { address, elder, reference: None }, None));
        }
        let sessions = self.sessions.as_ref()?;
        let failed_form = uri.query().is_some_and(|q| q.split('&').any(|pair| pair.starts_with("flash=")));
        if uri.path() != app::routes::STATUS_VIEW || failed_form {
            return None;
        }
        let token = cookie_in(headers, STATUS_COOKIE)?;
        let claims = status_from_token(&sessions.secret, &token, sessions.clock.unix_now())?;
        let key = Key { address, elder, reference: Some(claims.reference.clone()) };
        claims.verified.then_some((key, Some(CheckedStatusSession(claims))))
    }

    /// The turn to render the page, or the lock of the request rendering it, to wait on.
    fn claim(&self, key: &Key) -> Result<Rendering<'_>, Arc<tokio::sync::Mutex<()>>> {
        let mut renders = lock(&self.renders);
        if let Some(rendering) = renders.get(key) {
            return Err(rendering.clone());
        }
        let page_lock = Arc::new(tokio::sync::Mutex::new(()));
        let held = page_lock.clone().try_lock_owned().expect("a new lock is free");
        renders.insert(key.clone(), page_lock);
        Ok(Rendering { cache: self, key: key.clone(), _held: held })
    }

    fn pages(&self) -> MutexGuard<'_, Pages> {
        lock(&self.pages)
    }

    /// The kept page if it is fresh; otherwise the count of emptyings to give back to `keep`.
    fn fresh(&self, key: &Key) -> Result<Arc<Kept>, u64> {
        let mut pages = self.pages();
        let emptied = pages.emptied;
        let (kept, _) = pages.of(key);
        kept.get(key).filter(|kept| kept.at.elapsed() < self.lifetime).cloned().ok_or(emptied)
    }

    fn keep(&self, key: Key, kept: Arc<Kept>, emptied_before: u64) {
        let mut pages = self.pages();
        if pages.emptied != emptied_before {
            return;
        }
        let (map, bound) = pages.of(&key);
        let full = if map.len() >= bound { std::mem::take(map) } else { HashMap::new() };
        map.insert(key, kept);
        drop(pages);
        // Hundreds of pages freed after the lock is let go, not while every request waits for it.
        drop(full);
    }

    fn empty(&self) {
        let mut pages = self.pages();
        pages.emptied += 1;
        let emptied = (std::mem::take(&mut pages.public), std::mem::take(&mut pages.status));
        drop(pages);
        drop(emptied);
    }
}

pub async fn serve(State(cache): State<Arc<PageCache>>, mut request: Request, next: Next) -> Response {
    if request.method() != Method::GET {
        let changes = request.method() == Method::POST;
        let response = next.run(request).await;
        if changes && (response.status().is_success() || response.status().is_redirection()) {
            cache.empty();
        }
        return response;
    }
    if cache.lifetime.is_zero() {
        return next.run(request).await;
    }
    let Some((key, session)) = cache.key_of(request.uri(), request.headers()) else {
        return next.run(request).await;
    };
    if let Some(session) = session {
        request.extensions_mut().insert(session);
    }
    let asked_etag = request.headers().get(header::IF_NONE_MATCH).cloned();
    // Until the page is kept (rendered by this request or by the one it waited for), or this request's
    // turn to render it comes.
    let (rendering, emptied_before) = loop {
        let emptied_before = match cache.fresh(&key) {
            Ok(kept) => return answer(&kept, asked_etag.as_ref()),
            Err(emptied_before) => emptied_before,
        };
        match cache.claim(&key) {
            Ok(rendering) => break (rendering, emptied_before),
            Err(being_rendered) => drop(being_rendered.lock().await),
        }
    };
    let place = match &cache.render_places {
        Some(places) => places.acquire().await.ok(),
        None => None,
    };
    let rendered = render(next.run(request).await, cache.lifetime, &key).await;
    drop(place);
    match rendered {
        Ok(kept) => {
            let kept = Arc::new(kept);
            cache.keep(key, kept.clone(), emptied_before);
            drop(rendering);
            answer(&kept, asked_etag.as_ref())
        }
        Err(response) => response,
    }
}

/// The rendered page to keep, or the response itself when it must not be kept (an error, a cookie).
async fn render(response: Response, lifetime: Duration, key: &Key) -> Result<Kept, Response> {
    if response.status() != StatusCode::OK || response.headers().contains_key(header::SET_COOKIE) {
        return Err(response);
    }
    let (mut parts, body) = response.into_parts();
    let body = match to_bytes(body, MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(_) => return Err(super::static_pages::internal_error()),
    };
    let digest = Sha256::digest(&body);
    let etag = HeaderValue::from_str(&format!("\"{}\"", hex::encode(&digest[..12])))
        .expect("hex digits make a valid header value");
    let headers = &mut parts.headers;
    headers.insert(header::ETAG, etag.clone());
    // A proxy may keep a public page as long as this instance does; elder mode is chosen by cookie. A
    // status page keeps the rule every page gets (`security::cache_rule`): the browser's only.
    if key.reference.is_none() {
        if let Ok(rule) = HeaderValue::from_str(&format!("public, max-age={}", lifetime.as_secs())) {
            headers.insert(header::CACHE_CONTROL, rule);
        }
    }
    headers.insert(header::VARY, HeaderValue::from_static("Cookie"));
    Ok(Kept { at: Instant::now(), headers: parts.headers, body, etag })
}

fn answer(kept: &Kept, asked_etag: Option<&HeaderValue>) -> Response {
    if asked_etag == Some(&kept.etag) {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        for name in [header::ETAG, header::CACHE_CONTROL, header::VARY] {
            if let Some(value) = kept.headers.get(&name) {
                response.headers_mut().insert(name, value.clone());
            }
        }
        return response;
    }
    let mut response = Response::new(Body::from(kept.body.clone()));
    *response.headers_mut() = kept.headers.clone();
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Kept {
        Kept {
            at: Instant::now(),
            headers: HeaderMap::new(),
            body: "页面".into(),
            etag: HeaderValue::from_static("\"1\""),
        }
    }

    #[test]
    fn a_page_rendered_across_a_change_is_not_kept() {
        let cache = PageCache::new(60);
        let key = Key { address: "/notices".to_string(), elder: false, reference: None };
        let before = cache.fresh(&key).err().unwrap();
        cache.empty(); // a post changed something while the page was rendering
        cache.keep(key.clone(), Arc::new(page()), before);
        let now = cache.fresh(&key).err().expect("not kept: it may show the data from before");
        cache.keep(key.clone(), Arc::new(page()), now);
        assert!(cache.fresh(&key).is_ok(), "rendered after the change: kept");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_missing_page_asked_by_many_at_once_is_rendered_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use tower::ServiceExt;
        let renders = Arc::new(AtomicUsize::new(0));
        let counted = renders.clone();
        let slow_page = move || async move {
            counted.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(100)).await;
            "公示"
        };
        let cache = Arc::new(PageCache::new(60));
        let router = axum::Router::new()
            .route("/notices", axum::routing::get(slow_page))
            .layer(axum::middleware::from_fn_with_state(cache, serve));
        let asks = (0..16).map(|_| {
            let router = router.clone();
            tokio::spawn(async move {
                router.oneshot(Request::get("/notices").body(Body::empty()).unwrap()).await.unwrap().status()
            })
        });
        for ask in asks.collect::<Vec<_>>() {
            assert_eq!(ask.await.unwrap(), StatusCode::OK);
        }
        assert_eq!(renders.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn different_pages_are_rendered_at_once_none_waiting_for_another() {
        use tower::ServiceExt;
        // More pages than the locks shared by hash this replaced: each page's rendering finishes only once
        // every page has begun, so any page waiting for another's lock would wait forever.
        const PAGES: usize = 300;
        let all_begun = Arc::new(tokio::sync::Barrier::new(PAGES));
        let page = move || {
            let all_begun = all_begun.clone();
            async move {
                all_begun.wait().await;
                "办事指南"
            }
        };
        let cache = Arc::new(PageCache::new(60));
        let router = axum::Router::new()
            .route("/guide/{topic}", axum::routing::get(page))
            .layer(axum::middleware::from_fn_with_state(cache, serve));
        let asks: Vec<_> = (0..PAGES)
            .map(|topic| {
                let request = Request::get(format!("/guide/{topic}")).body(Body::empty()).unwrap();
                tokio::spawn(router.clone().oneshot(request))
            })
            .collect();
        let answers = async {
            for ask in asks {
                assert_eq!(ask.await.unwrap().unwrap().status(), StatusCode::OK);
            }
        };
        tokio::time::timeout(Duration::from_secs(10), answers)
            .await
            .expect("a page waited for another page's rendering");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_pages_are_rendered_at_once_than_there_are_places() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use tower::ServiceExt;
        let (under_way, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let (counted, highest) = (under_way.clone(), most.clone());
        let page = move || {
            let (under_way, most) = (counted.clone(), highest.clone());
            async move {
                most.fetch_max(under_way.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                under_way.fetch_sub(1, Ordering::SeqCst);
                "办事指南"
            }
        };
        let cache = Arc::new(PageCache::new(60).with_render_places(3));
        let router = axum::Router::new()
            .route("/guide/{topic}", axum::routing::get(page))
            .layer(axum::middleware::from_fn_with_state(cache, serve));
        let asks: Vec<_> = (0..24)
            .map(|topic| {
                let request = Request::get(format!("/guide/{topic}")).body(Body::empty()).unwrap();
                tokio::spawn(router.clone().oneshot(request))
            })
            .collect();
        for ask in asks {
            assert_eq!(ask.await.unwrap().unwrap().status(), StatusCode::OK);
        }
        assert_eq!(most.load(Ordering::SeqCst), 3, "every place used, none more");
    }

    #[test]
    fn only_pages_the_same_for_everyone_are_kept() {
        for kept in ["/", "/guide/dibao", "/notices", "/notices/recipients", "/stats.csv", "/announcements/3"]
        {
            assert!(cacheable(kept), "{kept}");
        }
        for not_kept in ["/status/view", "/apply/form/check", "/notices/12/objection", "/review", "/report"] {
            assert!(!cacheable(not_kept), "{not_kept}");
        }
    }
}
