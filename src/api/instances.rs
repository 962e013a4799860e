//! The account's instances after their create: the paged list, one
//! instance, its changes and its re-authorization (both `PATCH`), its
//! removal, switching it off and on, and reads made through it with its
//! element token.
//!
//! `GET /instances` is paged: at most 200 a page, the cursor of the next
//! page in the `elements-next-page-token` header, absent on the last one.
//! A list is whole only when that header stopped coming; a failure on any
//! later page, or pages that never end, is an error, never a shorter list.
//! A 404 "No … found" on a page is an empty page, the last one (an empty
//! account answers so); on one instance a 404 is still "no such instance".
//!
//! A listing is bounded, so a hostile or broken platform cannot make the
//! client hold more than a few hundred MiB ([`Paging`]): a page holding
//! more instances than asked for, a cursor that cannot be sent back as it
//! came (not visible ASCII, or too long), and a list past
//! [`MAX_LISTED_INSTANCES`] or [`MAX_LISTED_BYTES`] each end the listing as
//! [`ApiError::ListRefused`], never as a shorter list.
//!
//! A listing may be narrowed on the platform's side ([`Search`]:
//! `searchText` and `tags[]`, the swagger's parameters of `GET /instances`).
//! The platform's search is loose, and an older platform or a proxy may
//! drop the parameters and answer everything: what it answers is only the
//! candidates, and every caller still confirms each one itself.

use super::{interpret, to_json_zeroized, zeroized_bytes, ApiError, Client, Credentials, Instance};
use crate::secret::Secret;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::ops::ControlFlow;

/// The response header that carries the next page's cursor.
pub const NEXT_PAGE_HEADER: &str = "elements-next-page-token";
/// A cursor longer than this is not the platform's: it is refused rather
/// than sent back.
const MAX_TOKEN_LEN: usize = 4096;
/// The most instances one listing reads: 50 full pages, far more than an
/// account is known to hold. Past it the list is incomplete, not cut short.
pub const MAX_LISTED_INSTANCES: usize = 10_000;
/// The most answer bytes one listing reads: 32 MiB, room for 10,000
/// instances of over 3 KiB each. Held as parsed JSON that is a few times
/// as much, so a caller that keeps the whole list stays within a few
/// hundred MiB, where an unbounded one reached 3 GB.
pub const MAX_LISTED_BYTES: usize = 32 * 1024 * 1024;

/// How a list is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// Entries asked for per page; the platform allows at most 200. A page
    /// holding more is refused.
    pub page_size: usize,
    /// The most pages read before giving up: a platform (or proxy) that
    /// keeps handing out cursors must not keep the client reading forever.
    pub max_pages: usize,
    /// The most instances read in all.
    pub max_instances: usize,
    /// The most answer bytes read in all, every page's body counted.
    pub max_bytes: usize,
}

impl Default for Paging {
    /// 200 a page, up to 1,000 pages, [`MAX_LISTED_INSTANCES`] and
    /// [`MAX_LISTED_BYTES`].
    fn default() -> Paging {
        Paging {
            page_size: 200,
            max_pages: 1000,
            max_instances: MAX_LISTED_INSTANCES,
            max_bytes: MAX_LISTED_BYTES,
        }
    }
}

/// What an answer's `elements-next-page-token` header says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) enum Cursor {
    /// No header (or an empty one, which the platform's own clients read as
    /// none): the last page.
    #[default]
    Last,
    /// The next page's cursor, as it can be sent back.
    Next(String),
    /// A header that is there but cannot be sent back: the list goes on,
    /// and cannot be read further. Why, for the message.
    Unusable(String),
}

/// What a paged read learned of its answer besides the value.
#[derive(Debug, Default)]
pub(super) struct PageInfo {
    pub next: Cursor,
    /// The body's length, counted against [`Paging::max_bytes`].
    pub bytes: usize,
}

/// One page of the list, as it arrived.
#[derive(Debug)]
pub struct Page {
    /// 1 for the first page.
    pub number: usize,
    pub instances: Vec<Instance>,
    /// No page follows.
    pub last: bool,
}

/// What a listing read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listed {
    pub pages: usize,
    pub instances: usize,
    /// Every page was read (false only when the caller stopped early).
    pub complete: bool,
}

/// What a listing asks the platform to narrow it to: `searchText` (a loose
/// search, whose exact rules the evidence does not give) and `tags[]` (the
/// instances carrying the tag). Sent with every page, so the next page
/// continues the same search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    pub text: Option<String>,
    pub tag: Option<String>,
}

impl Search {
    /// The instances whose name (or more) holds `text`, as the platform
    /// searches.
    pub fn text(text: &str) -> Search {
        Search {
            text: Some(text.to_string()),
            tag: None,
        }
    }
}

/// The body of `PATCH /instances/{id}`: only what is given changes. `tags`
/// replaces the whole list.
#[derive(Clone, Default, Serialize)]
pub struct InstanceChanges {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub configuration: BTreeMap<String, Secret>,
}

impl std::fmt::Debug for InstanceChanges {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InstanceChanges")
            .field("name", &self.name)
            .field("tags", &self.tags)
            .field(
                "configuration_keys",
                &self.configuration.keys().collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl InstanceChanges {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.tags.is_none() && self.configuration.is_empty()
    }
}

/// The body of a re-authorizing `PATCH /instances/{id}`: the fresh sign-in's
/// `providerData`, and only the app settings that changed. The platform
/// re-provisions the instance when a `PATCH` carries `providerData`
/// (churros `updateInstanceWithReprovision`); everything not sent stays as
/// stored.
#[derive(Clone, Default, Serialize)]
pub struct Reprovision {
    #[serde(rename = "providerData")]
    pub provider_data: BTreeMap<String, Secret>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub configuration: BTreeMap<String, Secret>,
}

impl std::fmt::Debug for Reprovision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reprovision")
            .field(
                "provider_data_keys",
                &self.provider_data.keys().collect::<Vec<_>>(),
            )
            .field(
                "configuration_keys",
                &self.configuration.keys().collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// The cursor in a response's headers. A cursor is sent back as it came,
/// so one that is not visible ASCII, or is longer than [`MAX_TOKEN_LEN`],
/// is unusable: never the end of the list.
pub(super) fn next_page_token(headers: &reqwest::header::HeaderMap) -> Cursor {
    let Some(value) = headers.get(NEXT_PAGE_HEADER) else {
        return Cursor::Last;
    };
    let bytes = value.as_bytes().trim_ascii();
    if bytes.is_empty() {
        return Cursor::Last;
    }
    if bytes.len() > MAX_TOKEN_LEN {
        return Cursor::Unusable(format!(
            "the next-page cursor is longer than {MAX_TOKEN_LEN} characters"
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(token) if bytes.iter().all(|b| b.is_ascii_graphic()) => Cursor::Next(token.to_string()),
        _ => Cursor::Unusable(
            "the next-page cursor holds characters other than visible ASCII, so it cannot be sent back"
                .into(),
        ),
    }
}

impl Credentials {
    /// `User …, Organization …, Element …`: for calls through an instance.
    /// Sensitive, in memory zeroed on drop.
    pub(super) fn element_header_value(&self, token: &Secret) -> reqwest::header::HeaderValue {
        let header = zeroize::Zeroizing::new(format!(
            "User {}, Organization {}, Element {}",
            self.user.expose(),
            self.org.expose(),
            token.expose()
        ));
        let bytes = zeroized_bytes(header.as_bytes().to_vec());
        let mut value = reqwest::header::HeaderValue::from_maybe_shared(bytes)
            .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static(""));
        value.set_sensitive(true);
        value
    }
}

/// What a platform instance says of itself beyond [`Instance`]'s fields.
impl Instance {
    /// `valid: false` marks an instance whose provider credentials stopped
    /// working; absent means valid.
    pub fn valid(&self) -> bool {
        self.raw
            .get("valid")
            .and_then(Value::as_bool)
            .unwrap_or(true)
    }

    pub fn disabled(&self) -> bool {
        self.raw
            .get("disabled")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// Its tags, cleaned for the terminal where they enter: they come from
    /// the platform, and every view and command shows them.
    pub fn tags(&self) -> Vec<String> {
        self.raw
            .get("tags")
            .and_then(Value::as_array)
            .map(|t| {
                t.iter()
                    .filter_map(Value::as_str)
                    .map(crate::sanitize::line)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The element's hub (`ecommerce`, `crm`, …), when the answer names it.
    pub fn hub(&self) -> Option<&str> {
        self.raw
            .get("element")
            .and_then(|e| e.get("hub"))
            .and_then(Value::as_str)
            .filter(|h| !h.is_empty())
    }

    /// One stored configuration value, when it is text (secrets come back
    /// masked).
    pub fn configuration_value(&self, key: &str) -> Option<&str> {
        self.raw
            .get("configuration")
            .and_then(|c| c.get(key))
            .and_then(Value::as_str)
    }
}

fn decode_instance(v: Value) -> Result<Instance, ApiError> {
    let instance = Instance::from_value(v).map_err(|detail| ApiError::Decode { detail })?;
    crate::log::add_secret(instance.token.expose());
    Ok(instance)
}

fn no_such_instance(id: i64) -> impl Fn(ApiError) -> ApiError {
    move |e| match e {
        ApiError::Status {
            status: 404,
            request_id,
            ..
        } => ApiError::NoSuchInstance { id, request_id },
        other => other,
    }
}

impl Client {
    /// `GET /instances`, every page, each handed to `on_page` as it
    /// arrives; `on_page` may stop the reading early.
    ///
    /// A failure on the first page is returned as it came. One on a later
    /// page is [`ApiError::ListIncomplete`], more pages than
    /// `paging.max_pages` (or a cursor handed out twice) is
    /// [`ApiError::TooManyPages`], and a page or list past the other bounds
    /// of [`Paging`], or an unusable cursor, is [`ApiError::ListRefused`]:
    /// a caller that must know the whole list (was this instance created?)
    /// never mistakes a part for it.
    pub async fn for_each_instance_page<F>(
        &self,
        paging: Paging,
        on_page: F,
    ) -> Result<Listed, ApiError>
    where
        F: FnMut(Page) -> ControlFlow<()>,
    {
        self.for_each_instance_page_searching(paging, &Search::default(), on_page)
            .await
    }

    /// [`Client::for_each_instance_page`], narrowed by `search` on the
    /// platform's side: the pages hold candidates, to be confirmed by the
    /// caller.
    pub async fn for_each_instance_page_searching<F>(
        &self,
        paging: Paging,
        search: &Search,
        mut on_page: F,
    ) -> Result<Listed, ApiError>
    where
        F: FnMut(Page) -> ControlFlow<()>,
    {
        let page_size = paging.page_size.clamp(1, 200);
        let size = page_size.to_string();
        let mut cursor: Option<String> = None;
        let mut seen: HashSet<String> = HashSet::new();
        let mut listed = 0;
        let mut bytes = 0usize;
        for number in 1..=paging.max_pages.max(1) {
            let mut query = vec![("pageSize", size.as_str())];
            if let Some(text) = search.text.as_deref() {
                query.push(("searchText", text));
            }
            if let Some(tag) = search.tag.as_deref() {
                query.push(("tags[]", tag));
            }
            if let Some(c) = &cursor {
                query.push(("nextPage", c.as_str()));
            }
            let incomplete = |cause: ApiError| {
                if number == 1 {
                    cause
                } else {
                    ApiError::ListIncomplete {
                        page: number,
                        listed,
                        cause: Box::new(cause),
                    }
                }
            };
            let refused = |reason: String| ApiError::ListRefused {
                page: number,
                listed,
                reason,
            };
            // An empty account may answer 404 "No instances found": that
            // page holds nothing and none follows.
            let (values, info): (Vec<Value>, PageInfo) =
                match self.get_with("/instances", &query, None).await {
                    Err(e) if e.is_empty_list() => (Vec::new(), PageInfo::default()),
                    answer => answer.map_err(incomplete)?,
                };
            // Checked before the page is decoded: nothing of a page that
            // breaks a bound is kept.
            if values.len() > page_size {
                return Err(refused(format!(
                    "page {number} holds {} instances where {page_size} were asked for",
                    values.len()
                )));
            }
            bytes = bytes.saturating_add(info.bytes);
            if listed + values.len() > paging.max_instances || bytes > paging.max_bytes {
                return Err(refused(format!(
                    "it is longer than ce-wizard reads, {} instances or {} MiB",
                    paging.max_instances,
                    paging.max_bytes / (1024 * 1024)
                )));
            }
            let instances = values
                .into_iter()
                .map(decode_instance)
                .collect::<Result<Vec<_>, _>>()
                .map_err(incomplete)?;
            listed += instances.len();
            let next = match info.next {
                Cursor::Last => None,
                Cursor::Next(next) => Some(next),
                Cursor::Unusable(why) => {
                    return Err(ApiError::ListRefused {
                        page: number + 1,
                        listed,
                        reason: why,
                    })
                }
            };
            let last = next.is_none();
            let page = Page {
                number,
                instances,
                last,
            };
            if on_page(page).is_break() {
                return Ok(Listed {
                    pages: number,
                    instances: listed,
                    complete: last,
                });
            }
            let Some(next) = next else {
                return Ok(Listed {
                    pages: number,
                    instances: listed,
                    complete: true,
                });
            };
            if !seen.insert(next.clone()) {
                return Err(ApiError::TooManyPages {
                    pages: number,
                    listed,
                    repeated: true,
                });
            }
            cursor = Some(next);
        }
        Err(ApiError::TooManyPages {
            pages: paging.max_pages.max(1),
            listed,
            repeated: false,
        })
    }

    /// `GET /instances`, every page, collected: the account's whole list, or
    /// an error (see [`Client::for_each_instance_page`]).
    pub async fn list_instances(&self) -> Result<Vec<Instance>, ApiError> {
        self.list_instances_with(Paging::default()).await
    }

    pub async fn list_instances_with(&self, paging: Paging) -> Result<Vec<Instance>, ApiError> {
        self.search_instances_with(paging, &Search::default()).await
    }

    /// The candidates the platform finds for `search`, every page of them,
    /// collected (confirm each: the platform's search is loose, and may be
    /// ignored).
    pub async fn search_instances(&self, search: &Search) -> Result<Vec<Instance>, ApiError> {
        self.search_instances_with(Paging::default(), search).await
    }

    pub async fn search_instances_with(
        &self,
        paging: Paging,
        search: &Search,
    ) -> Result<Vec<Instance>, ApiError> {
        let mut all = Vec::new();
        self.for_each_instance_page_searching(paging, search, |page| {
            all.extend(page.instances);
            ControlFlow::Continue(())
        })
        .await?;
        Ok(all)
    }

    /// `GET /instances/{id}`; a 404 is [`ApiError::NoSuchInstance`].
    pub async fn get_instance(&self, id: i64) -> Result<Instance, ApiError> {
        let v: Value = self
            .get(&format!("/instances/{id}"), &[])
            .await
            .map_err(no_such_instance(id))?;
        decode_instance(v)
    }

    /// `PATCH /instances/{id}`: changes the name, the tags (the list given
    /// replaces the old one) or configuration entries. Not retried.
    pub async fn update_instance(
        &self,
        id: i64,
        changes: &InstanceChanges,
    ) -> Result<Instance, ApiError> {
        for v in changes.configuration.values() {
            crate::log::add_secret(v.expose());
        }
        let path = format!("/instances/{id}");
        let json = to_json_zeroized(changes).map_err(|e| ApiError::Decode {
            detail: format!("the request could not be written as JSON: {e}"),
        })?;
        let req = self
            .http
            .patch(self.url(&path))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(json);
        let v: Value = self
            .call("PATCH", &path, req)
            .await
            .map_err(no_such_instance(id))?;
        decode_instance(v)
    }

    /// `PATCH /instances/{id}` with a fresh grant in `providerData`: the
    /// platform signs the instance in again. Not retried: the grant is
    /// single-use.
    pub async fn reauthenticate_instance(
        &self,
        id: i64,
        body: &Reprovision,
    ) -> Result<Instance, ApiError> {
        for v in body
            .provider_data
            .values()
            .chain(body.configuration.values())
        {
            crate::log::add_secret(v.expose());
        }
        let path = format!("/instances/{id}");
        let json = to_json_zeroized(body).map_err(|e| ApiError::Decode {
            detail: format!("the request could not be written as JSON: {e}"),
        })?;
        let req = self
            .http
            .patch(self.url(&path))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(json);
        let v: Value = self
            .call("PATCH", &path, req)
            .await
            .map_err(no_such_instance(id))?;
        decode_instance(v)
    }

    /// `PUT /instances/{id}/enabled`: turns the instance back on. Sent once.
    pub async fn enable_instance(&self, id: i64) -> Result<(), ApiError> {
        self.set_enabled(id, true).await
    }

    /// `DELETE /instances/{id}/enabled`: turns the instance off; calls
    /// through it answer 403 until it is enabled again. Sent once.
    pub async fn disable_instance(&self, id: i64) -> Result<(), ApiError> {
        self.set_enabled(id, false).await
    }

    /// Whatever the body of a 2xx (churros reads none), the switch is made.
    async fn set_enabled(&self, id: i64, on: bool) -> Result<(), ApiError> {
        let path = format!("/instances/{id}/enabled");
        let (method, req) = if on {
            ("PUT", self.http.put(self.url(&path)))
        } else {
            ("DELETE", self.http.delete(self.url(&path)))
        };
        self.switch(method, &path, req, id).await
    }

    /// `DELETE /instances/{id}`, sent once. Whatever the body of a 2xx, the
    /// instance is gone.
    pub async fn delete_instance(&self, id: i64) -> Result<(), ApiError> {
        let path = format!("/instances/{id}");
        let req = self.http.delete(self.url(&path));
        self.switch("DELETE", &path, req, id).await
    }

    /// A call on instance `id` that answers nothing worth reading: any 2xx
    /// is done, anything else the platform's error (a 404 naming the id).
    async fn switch(
        &self,
        method: &str,
        path: &str,
        req: reqwest::RequestBuilder,
        id: i64,
    ) -> Result<(), ApiError> {
        let answer = self
            .exchange(method, path, req, self.creds.header_value())
            .await?;
        if (200..300).contains(&answer.status) {
            return Ok(());
        }
        interpret::<Value>(answer)
            .map(|_| ())
            .map_err(no_such_instance(id))
    }

    /// A `GET` through an instance, with its element token: `path` and
    /// `query` as the element's check names them. Retried like any read.
    pub async fn read_through(
        &self,
        token: &Secret,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Value, ApiError> {
        crate::log::add_secret(token.expose());
        self.get_with(path, query, Some(token))
            .await
            .map(|(v, _)| v)
    }
}

#[cfg(test)]
mod tests;
