//! What the sandbox remembers: the instances created, the OAuth 2 codes and
//! OAuth 1 request tokens its provider issued, and the page tokens of
//! `GET /instances`. Times are passed in, so expiry is testable without
//! waiting.

use crate::instance::Instance;
use crate::secret::Secret;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long an issued code can be exchanged, as with real providers.
pub const CODE_LIFETIME: Duration = Duration::from_secs(10 * 60);
pub const FIRST_INSTANCE_ID: u64 = 1000;
/// Page tokens kept for `GET /instances`; the oldest go first. Enough for
/// dozens of clients walking an account of 10,000 at once.
const MAX_PAGE_TOKENS: usize = 4096;

/// What a provider granted beyond the code or token itself, which the
/// platform checks when it exchanges them: the values it added to its
/// redirect (QuickBooks' `realmId`, `dataSource`), which must come back in
/// `providerData`, and the site the person signed in to (Shopify's shop),
/// which the instance's setting must name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Granted {
    pub redirect_values: Vec<(String, String)>,
    /// The site the person signed in to, for a provider of several.
    pub site: Option<String>,
}

/// Who a code was issued to. It does not hold the code itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedCode {
    pub client_id: String,
    pub redirect_uri: String,
    issued_at: Instant,
    pub granted: Granted,
}

/// An OAuth 1 request token: who asked for it, and, once the person allowed
/// access, the verifier the provider handed out with the redirect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestToken {
    pub element: String,
    pub client_id: String,
    pub callback: String,
    pub secret: Secret,
    pub verifier: Option<Secret>,
    issued_at: Instant,
    /// The state given when the token was asked for: OAuth 1.0a fixes the
    /// callback, state and all, at that moment.
    pub state: Option<String>,
    pub granted: Granted,
}

impl RequestToken {
    pub fn new(
        element: &str,
        client_id: &str,
        callback: &str,
        secret: Secret,
        now: Instant,
    ) -> Self {
        RequestToken {
            element: element.to_string(),
            client_id: client_id.to_string(),
            callback: callback.to_string(),
            secret,
            verifier: None,
            issued_at: now,
            state: None,
            granted: Granted::default(),
        }
    }

    /// The token with the state its callback carries.
    pub fn with_state(mut self, state: Option<&str>) -> Self {
        self.state = state.map(str::to_string);
        self
    }

    /// The token with the site it was asked for, if the provider needs one.
    pub fn with_site(mut self, site: Option<String>) -> Self {
        self.granted.site = site;
        self
    }

    fn expired(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.issued_at) >= CODE_LIFETIME
    }
}

pub struct Store {
    /// By id, so the oldest come first and a page starts anywhere in
    /// O(log n).
    instances: BTreeMap<u64, Instance>,
    /// Element token to instance id, for calls through an instance.
    by_token: HashMap<String, u64>,
    next_id: u64,
    codes: HashMap<String, IssuedCode>,
    request_tokens: HashMap<String, RequestToken>,
    /// Page token to the last id of the page it follows.
    pages: HashMap<String, u64>,
    page_order: VecDeque<String>,
}

impl Default for Store {
    fn default() -> Self {
        Store {
            instances: BTreeMap::new(),
            by_token: HashMap::new(),
            next_id: FIRST_INSTANCE_ID,
            codes: HashMap::new(),
            request_tokens: HashMap::new(),
            pages: HashMap::new(),
            page_order: VecDeque::new(),
        }
    }
}

impl Store {
    /// A code, with what the provider granted besides it.
    pub fn issue_code(
        &mut self,
        code: String,
        client_id: &str,
        redirect_uri: &str,
        granted: Granted,
        now: Instant,
    ) {
        // Expired codes can never be redeemed; dropping them here keeps the
        // map from growing in a long-running standalone sandbox.
        self.codes.retain(|_, c| !expired(c, now));
        self.codes.insert(
            code,
            IssuedCode {
                client_id: client_id.to_string(),
                redirect_uri: redirect_uri.to_string(),
                issued_at: now,
                granted,
            },
        );
    }

    /// Takes the code out whatever happens next: a code is good for one
    /// presentation only. `None` for a code never issued, used or expired.
    pub fn redeem_code(&mut self, code: &str, now: Instant) -> Option<IssuedCode> {
        self.codes.remove(code).filter(|c| !expired(c, now))
    }

    pub fn issue_request_token(&mut self, token: String, issued: RequestToken) {
        let now = issued.issued_at;
        self.request_tokens.retain(|_, t| !t.expired(now));
        self.request_tokens.insert(token, issued);
    }

    /// A live request token that has not been authorized yet.
    pub fn pending_request_token(&self, token: &str, now: Instant) -> Option<&RequestToken> {
        self.request_tokens
            .get(token)
            .filter(|t| !t.expired(now) && t.verifier.is_none())
    }

    /// Records the person's consent, with the values the provider adds to its redirect; false when the
    /// token is unknown, expired or already authorized.
    pub fn authorize_request_token(
        &mut self,
        token: &str,
        verifier: Secret,
        redirect_values: Vec<(String, String)>,
        now: Instant,
    ) -> bool {
        match self.request_tokens.get_mut(token) {
            Some(t) if !t.expired(now) && t.verifier.is_none() => {
                t.verifier = Some(verifier);
                t.granted.redirect_values = redirect_values;
                true
            }
            _ => false,
        }
    }

    /// Takes the token out whatever happens next, like a code.
    pub fn redeem_request_token(&mut self, token: &str, now: Instant) -> Option<RequestToken> {
        self.request_tokens
            .remove(token)
            .filter(|t| !t.expired(now))
    }

    /// Stores an instance built around the next id and returns it.
    pub fn add_instance(&mut self, build: impl FnOnce(u64) -> Instance) -> &Instance {
        let id = self.next_id;
        let instance = build(id);
        self.next_id += 1;
        self.by_token.insert(instance.token.clone(), id);
        self.instances.entry(id).or_insert(instance)
    }

    /// Oldest first.
    pub fn instances(&self) -> impl Iterator<Item = &Instance> {
        self.instances.values()
    }

    pub fn instance(&self, id: u64) -> Option<&Instance> {
        self.instances.get(&id)
    }

    pub fn instance_mut(&mut self, id: u64) -> Option<&mut Instance> {
        self.instances.get_mut(&id)
    }

    /// The instance a call through it names by its element token.
    pub fn by_token(&mut self, token: &str) -> Option<&mut Instance> {
        let id = self.by_token.get(token)?;
        self.instances.get_mut(id)
    }

    /// Gives an instance a new element token; the old one stops working.
    pub fn rotate_token(&mut self, id: u64, token: String) -> bool {
        let Some(instance) = self.instances.get_mut(&id) else {
            return false;
        };
        self.by_token.remove(&instance.token);
        self.by_token.insert(token.clone(), id);
        instance.token = token;
        true
    }

    pub fn remove_instance(&mut self, id: u64) -> Option<Instance> {
        let instance = self.instances.remove(&id)?;
        self.by_token.remove(&instance.token);
        Some(instance)
    }

    /// Up to `size` of the instances `keep` takes with ids above `after`
    /// (from the first when `None`), and whether any come after them.
    pub fn page_where(
        &self,
        after: Option<u64>,
        size: usize,
        keep: impl Fn(&Instance) -> bool,
    ) -> (Vec<&Instance>, bool) {
        let start = after.map_or(0, |id| id.saturating_add(1));
        let mut rest = self
            .instances
            .range(start..)
            .map(|(_, i)| i)
            .filter(|i| keep(i));
        let page: Vec<&Instance> = rest.by_ref().take(size).collect();
        (page, rest.next().is_some())
    }

    /// Remembers `token` as the cursor after the instance `last_id`.
    pub fn issue_page_token(&mut self, token: String, last_id: u64) {
        if self.page_order.len() >= MAX_PAGE_TOKENS {
            if let Some(oldest) = self.page_order.pop_front() {
                self.pages.remove(&oldest);
            }
        }
        self.page_order.push_back(token.clone());
        self.pages.insert(token, last_id);
    }

    /// The cursor a page token stands for; `None` for a token never issued
    /// (or long forgotten).
    pub fn page_cursor(&self, token: &str) -> Option<u64> {
        self.pages.get(token).copied()
    }
}

fn expired(code: &IssuedCode, now: Instant) -> bool {
    now.saturating_duration_since(code.issued_at) >= CODE_LIFETIME
}

/// `2024-05-01T12:34:56Z`: RFC 3339 in UTC, whole seconds, as the platform
/// writes `createdDate`.
pub fn rfc3339(time: SystemTime) -> String {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// algorithm, which works in 400-year eras so leap years need no table).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_format_as_rfc3339_utc() {
        let at = |s: u64| rfc3339(UNIX_EPOCH + Duration::from_secs(s));
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(at(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(at(1_709_251_199), "2024-02-29T23:59:59Z");
        assert_eq!(at(4_102_444_800), "2100-01-01T00:00:00Z");
    }

    #[test]
    fn codes_are_single_use() {
        let mut store = Store::default();
        let now = Instant::now();
        store.issue_code(
            "c1".into(),
            "client",
            "http://127.0.0.1/cb",
            Granted::default(),
            now,
        );
        let issued = store.redeem_code("c1", now).unwrap();
        assert_eq!(issued.client_id, "client");
        assert_eq!(issued.redirect_uri, "http://127.0.0.1/cb");
        assert_eq!(store.redeem_code("c1", now), None);
        assert_eq!(store.redeem_code("never", now), None);
    }

    #[test]
    fn codes_expire_after_ten_minutes() {
        let mut store = Store::default();
        let now = Instant::now();
        store.issue_code("fresh".into(), "c", "u", Granted::default(), now);
        store.issue_code("stale".into(), "c", "u", Granted::default(), now);
        let almost = now + CODE_LIFETIME - Duration::from_secs(1);
        assert!(store.redeem_code("fresh", almost).is_some());
        assert_eq!(store.redeem_code("stale", now + CODE_LIFETIME), None);
    }

    #[test]
    fn issuing_drops_expired_codes() {
        let mut store = Store::default();
        let now = Instant::now();
        store.issue_code("old".into(), "c", "u", Granted::default(), now);
        store.issue_code(
            "new".into(),
            "c",
            "u",
            Granted::default(),
            now + CODE_LIFETIME,
        );
        assert_eq!(store.codes.len(), 1);
        assert!(store.codes.contains_key("new"));
    }

    #[test]
    fn request_tokens_are_authorized_once_and_redeemed_once() {
        let mut store = Store::default();
        let now = Instant::now();
        let issued = RequestToken::new("e", "client", "http://127.0.0.1/cb", "s".into(), now);
        store.issue_request_token("t1".into(), issued);
        assert!(store.pending_request_token("t1", now).is_some());
        assert!(store.authorize_request_token("t1", "v".into(), vec![], now));
        assert!(store.pending_request_token("t1", now).is_none());
        assert!(!store.authorize_request_token("t1", "v2".into(), vec![], now));
        let t = store.redeem_request_token("t1", now).unwrap();
        assert_eq!(t.verifier.unwrap().expose(), "v");
        assert!(store.redeem_request_token("t1", now).is_none());

        let stale = RequestToken::new("e", "c", "u", "s".into(), now);
        store.issue_request_token("t2".into(), stale);
        let later = now + CODE_LIFETIME;
        assert!(store.pending_request_token("t2", later).is_none());
        assert!(!store.authorize_request_token("t2", "v".into(), vec![], later));
        assert!(store.redeem_request_token("t2", later).is_none());
        assert!(
            !format!("{:?}", RequestToken::new("e", "c", "u", "hush".into(), now)).contains("hush")
        );
    }

    fn instance(id: u64, name: &str) -> Instance {
        Instance {
            id,
            name: name.into(),
            token: format!("token-{name}"),
            element_key: "ecwid".into(),
            configuration: Default::default(),
            tags: vec![],
            valid: true,
            disabled: false,
            created: "2024-01-01T00:00:00Z".into(),
        }
    }

    #[test]
    fn instances_get_increasing_ids_and_can_be_removed() {
        let mut store = Store::default();
        let a = store.add_instance(|id| instance(id, "a")).id;
        let b = store.add_instance(|id| instance(id, "b")).id;
        assert_eq!((a, b), (1000, 1001));
        assert_eq!(store.instance(1001).unwrap().name, "b");
        assert_eq!(store.by_token("token-b").unwrap().id, 1001);
        assert_eq!(store.remove_instance(1000).unwrap().name, "a");
        assert!(store.instance(1000).is_none());
        assert!(store.by_token("token-a").is_none());
        assert!(store.remove_instance(1000).is_none());
        let c = store.add_instance(|id| instance(id, "c")).id;
        assert_eq!(c, 1002, "ids are never reused");
        assert_eq!(store.instances().count(), 2);
    }

    #[test]
    fn rotating_a_token_retires_the_old_one() {
        let mut store = Store::default();
        store.add_instance(|id| instance(id, "a"));
        assert!(store.rotate_token(1000, "fresh".into()));
        assert!(store.by_token("token-a").is_none());
        assert_eq!(store.by_token("fresh").unwrap().token, "fresh");
        assert!(!store.rotate_token(4242, "x".into()));
    }

    impl Store {
        fn page(&self, after: Option<u64>, size: usize) -> (Vec<&Instance>, bool) {
            self.page_where(after, size, |_| true)
        }
    }

    #[test]
    fn pages_follow_the_ids_and_survive_removals() {
        let mut store = Store::default();
        for i in 0..5 {
            store.add_instance(|id| instance(id, &format!("i{i}")));
        }
        let ids = |page: &[&Instance]| page.iter().map(|i| i.id).collect::<Vec<_>>();
        let (first, more) = store.page(None, 2);
        assert_eq!((ids(&first), more), (vec![1000, 1001], true));
        store.remove_instance(1002);
        let (second, more) = store.page(Some(1001), 2);
        assert_eq!((ids(&second), more), (vec![1003, 1004], false));
        let (exact, more) = store.page(None, 4);
        assert_eq!((exact.len(), more), (4, false));
        assert!(store.page(Some(1004), 2).0.is_empty());
        assert!(store.page(Some(u64::MAX), 2).0.is_empty());
    }

    #[test]
    fn page_tokens_are_remembered_within_a_bound() {
        let mut store = Store::default();
        store.issue_page_token("t0".into(), 1001);
        assert_eq!(store.page_cursor("t0"), Some(1001));
        assert_eq!(store.page_cursor("never"), None);
        for i in 1..=MAX_PAGE_TOKENS {
            store.issue_page_token(format!("t{i}"), i as u64);
        }
        assert_eq!(store.page_cursor("t0"), None, "the oldest went first");
        assert_eq!(store.page_cursor("t1"), Some(1));
        assert_eq!(store.pages.len(), MAX_PAGE_TOKENS);
    }
}
