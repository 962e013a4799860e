//! A catalog of a few hundred made-up elements, as large and as untidy as the
//! platform's: every configuration type, OAuth 1 and OAuth 2, hidden and
//! internal entries, entries without a display order, options of several
//! shapes, and beta, inactive and deleted elements a client must filter out.
//!
//! Everything comes from a fixed seed, so the same sandbox serves the same
//! catalog (and the same ETag) on every run. An element keeps only its
//! [`Recipe`], the few draws that make it, and builds its metadata when
//! asked: holding every element's metadata as JSON values cost the
//! `--sandbox` wizard milliseconds before its first frame and megabytes of
//! memory for elements nobody opens. Three hand-written elements come
//! first, for tests that need to know exactly what they get:
//! [`SHOWCASE_CUSTOM`], [`SHOWCASE_OAUTH1`] and [`SHOWCASE_OAUTH2`].

use crate::element::{Auth, Facts};
use serde_json::{json, Value};
use std::collections::HashSet;

/// Every configuration type, hidden and internal entries, a hidden entry
/// that is required without a default (so it must be asked), and display
/// orders that differ from the array order.
pub const SHOWCASE_CUSTOM: &str = "nimbusdesk";
/// An OAuth 1 element shaped like the platform's Twitter example.
pub const SHOWCASE_OAUTH1: &str = "kestrelsocial";
/// An OAuth 2 element with its own settings besides the app's.
pub const SHOWCASE_OAUTH2: &str = "auroracrm";

const SEED: u64 = 0x5eed_ce01_2024_0001;
/// Enough that a few hundred remain after the inactive and deleted ones.
const RANDOM_ELEMENTS: usize = 340;

/// One element of the generated catalog.
pub struct Generated {
    pub facts: Facts,
    pub active: bool,
    pub deleted: bool,
    pub recipe: Recipe,
}

/// What an element's configuration metadata is built from.
#[derive(Debug, Clone, PartialEq)]
pub enum Recipe {
    Showcase(Showcase),
    Drawn(Draws),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Showcase {
    Custom,
    Oauth1,
    Oauth2,
}

/// The random choices of one made-up element, in the order they were drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Draws {
    auth: Auth,
    /// Custom authentication only.
    subdomain_required: bool,
    site_url: bool,
    /// The shape of the region's options, when it has a region.
    region: Option<u8>,
    sandbox: bool,
    notes: bool,
    account_id: bool,
    page_size: bool,
    /// Display orders, one per entry; `None` leaves the entries unnumbered.
    order: Option<Box<[u8]>>,
}

impl Recipe {
    /// The configuration metadata, as `GET /elements/{key}/configuration`
    /// answers it.
    pub fn configuration(&self, key: &str) -> Vec<Value> {
        match self {
            Recipe::Showcase(Showcase::Custom) => custom_showcase(),
            Recipe::Showcase(Showcase::Oauth1) => oauth1_showcase(),
            Recipe::Showcase(Showcase::Oauth2) => oauth2_showcase(),
            Recipe::Drawn(draws) => draws.configuration(key),
        }
    }
}

/// The showcase elements, then the random ones. `taken` keys (the bundled
/// elements) are never generated.
pub fn generate(taken: &[&str]) -> Vec<Generated> {
    let mut rng = Rng(SEED);
    let mut keys: HashSet<String> = taken.iter().map(|k| k.to_ascii_lowercase()).collect();
    let mut out = showcases();
    keys.extend(out.iter().map(|g| g.facts.key.clone()));
    while out.len() < RANDOM_ELEMENTS + 3 {
        let hub = HUBS[rng.below(HUBS.len())];
        let name = format!(
            "{} {}",
            PREFIXES[rng.below(PREFIXES.len())],
            hub.1[rng.below(hub.1.len())]
        );
        let key: String = name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if !keys.insert(key.clone()) {
            continue;
        }
        out.push(random_element(&mut rng, &key, &name, hub.0));
    }
    out
}

const PREFIXES: &[&str] = &[
    "Acme", "Apex", "Aurora", "Beacon", "Bluebird", "Bright", "Cedar", "Cinder", "Cobalt", "Coral",
    "Crest", "Delta", "Echo", "Ember", "Falcon", "Fjord", "Flux", "Granite", "Harbor", "Helix",
    "Indigo", "Iris", "Juniper", "Kestrel", "Lumen", "Maple", "Meridian", "Nimbus", "Nova", "Onyx",
    "Orbit", "Pine", "Pixel", "Prism", "Quartz", "Quill", "Raven", "Ridge", "Sable", "Sierra",
    "Slate", "Solar", "Spruce", "Summit", "Tidal", "Topaz", "Umber", "Vector", "Velvet", "Willow",
    "Zephyr",
];

const HUBS: &[(&str, &[&str])] = &[
    ("crm", &["CRM", "Contacts", "Sales", "Pipeline", "Deals"]),
    (
        "marketing",
        &["Mail", "Campaigns", "Leads", "Forms", "Automation"],
    ),
    ("helpdesk", &["Desk", "Support", "Tickets", "Service"]),
    (
        "finance",
        &["Books", "Ledger", "Invoices", "Accounting", "Billing"],
    ),
    ("documents", &["Drive", "Files", "Docs", "Vault", "Box"]),
    (
        "ecommerce",
        &["Shop", "Store", "Cart", "Commerce", "Market"],
    ),
    ("messaging", &["Chat", "Messenger", "SMS", "Talk"]),
    ("payments", &["Pay", "Payments", "Checkout"]),
    ("humancapital", &["HR", "People", "Payroll", "Staff"]),
    ("collaboration", &["Tasks", "Projects", "Boards", "Teams"]),
    ("social", &["Social", "Feed", "Posts"]),
    ("erp", &["ERP", "Ops", "Supply", "Inventory"]),
    ("general", &["API", "Connect", "Data"]),
];

/// splitmix64: tiny, good enough for made-up data, and fixed forever.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn facts(key: &str, name: &str, hub: &str, auth: Auth, beta: bool) -> Facts {
    Facts {
        key: key.to_string(),
        name: name.to_string(),
        hub: hub.to_string(),
        auth,
        description: format!(
            "Connect a {name} account to read and update its {} data.",
            hub_phrase(hub)
        ),
        beta,
    }
}

fn hub_phrase(hub: &str) -> &str {
    match hub {
        "crm" => "customer",
        "helpdesk" => "support",
        "documents" => "file",
        "humancapital" => "employee",
        "collaboration" => "project",
        other => other,
    }
}

/// One configuration entry; `extra` adds or overrides fields.
fn entry(key: &str, name: &str, kind: &str, required: bool, extra: Value) -> Value {
    let mut e = json!({
        "key": key,
        "name": name,
        "description": format!("{name} of the account"),
        "type": kind,
        "required": required,
        "hideFromConsole": false,
        "internal": false,
        "active": true,
        "resellerConfig": false,
        "companyConfig": false,
    });
    if let (Value::Object(map), Value::Object(more)) = (&mut e, extra) {
        map.extend(more);
    }
    e
}

fn hidden_default(key: &str, name: &str, kind: &str, required: bool, default: &str) -> Value {
    entry(
        key,
        name,
        kind,
        required,
        json!({"hideFromConsole": true, "defaultValue": default}),
    )
}

fn internal(key: &str, name: &str, required: bool, default: Option<&str>) -> Value {
    let mut extra = json!({"internal": true, "hideFromConsole": true});
    if let Some(d) = default {
        extra["defaultValue"] = json!(d);
    }
    entry(key, name, "TEXTFIELD_1000", required, extra)
}

/// The entries every element carries: the platform's own settings (mostly
/// hidden) and the common event settings.
fn platform_entries(key: &str) -> Vec<Value> {
    vec![
        hidden_default(
            "base.url",
            "Base URL",
            "TEXTFIELD_1000",
            false,
            &format!("https://api.{key}.example.com/v1"),
        ),
        hidden_default(
            "pagination.max",
            "Max Page Size",
            "TEXTFIELD_32",
            false,
            "100",
        ),
        entry(
            "event.notification.enabled",
            "Enable Event Notifications",
            "BOOLEAN",
            false,
            json!({"defaultValue": "false"}),
        ),
        entry(
            "event.notification.callback.url",
            "Event Notification Callback URL",
            "TEXTFIELD_1000",
            false,
            json!({}),
        ),
        internal(
            "event.vendor.type",
            "Vendor Event Type",
            false,
            Some("polling"),
        ),
        entry(
            "filter.response.nulls",
            "Filter null values from the response",
            "BOOLEAN",
            false,
            json!({"defaultValue": "true"}),
        ),
    ]
}

fn oauth2_entries(key: &str) -> Vec<Value> {
    vec![
        entry(
            "oauth.api.key",
            "OAuth API Key",
            "TEXTFIELD_128",
            true,
            json!({}),
        ),
        entry(
            "oauth.api.secret",
            "OAuth API Secret",
            "PASSWORD",
            true,
            json!({}),
        ),
        entry(
            "oauth.callback.url",
            "OAuth Callback URL",
            "TEXTFIELD_1000",
            true,
            json!({}),
        ),
        hidden_default(
            "oauth.scope",
            "OAuth Scope",
            "TEXTFIELD_1000",
            false,
            "read write",
        ),
        internal(
            "oauth.authorization.url",
            "OAuth Authorization URL",
            true,
            Some(&format!("https://{key}.example.com/oauth/authorize")),
        ),
        internal(
            "oauth.token.url",
            "OAuth Token URL",
            true,
            Some(&format!("https://{key}.example.com/oauth/token")),
        ),
        internal("oauth.user.token", "OAuth Access Token", false, None),
    ]
}

/// Shaped like the platform's Twitter example: the app credentials hidden
/// behind placeholder defaults, the user token internal and required.
fn oauth1_entries(key: &str) -> Vec<Value> {
    vec![
        hidden_default(
            "oauth.api.key",
            "OAuth API Key",
            "TEXTFIELD_128",
            true,
            "API_KEY",
        ),
        hidden_default(
            "oauth.api.secret",
            "OAuth API Secret",
            "TEXTFIELD_128",
            true,
            "API_SECRET",
        ),
        hidden_default(
            "oauth.callback.url",
            "OAuth Callback URL",
            "TEXTFIELD_1000",
            true,
            "https://www.example.com/oauth",
        ),
        hidden_default(
            "oauth.request.url",
            "OAuth Request URL",
            "TEXTFIELD_128",
            true,
            &format!("https://api.{key}.example.com/oauth/request_token"),
        ),
        internal("oauth.user.token", "OAuth Access Token", false, None),
        internal("oauth.user.token.secret", "OAuth User Secret", true, None),
    ]
}

/// Numbers entries 1.. in the given order; `None` leaves an entry without.
fn number(entries: &mut [Value], order: &[Option<u64>]) {
    for (e, o) in entries.iter_mut().zip(order) {
        if let Some(o) = o {
            e["displayOrder"] = json!(o);
        }
    }
}

fn custom_showcase() -> Vec<Value> {
    let mut custom = vec![
        entry(
            "nimbus.subdomain",
            "Subdomain",
            "TEXTFIELD_32",
            true,
            json!({"description": "The part before .nimbusdesk.example.com"}),
        ),
        entry("nimbus.api.key", "API Key", "PASSWORD", true, json!({})),
        entry(
            "nimbus.region",
            "Data Region",
            "SELECTION",
            true,
            json!({"defaultValue": "us", "options": [
                {"value": "us", "label": "United States"},
                {"value": "eu", "label": "Europe"},
                {"value": "ap", "label": "Asia Pacific"}
            ]}),
        ),
        entry(
            "nimbus.sandbox",
            "Use the sandbox account",
            "BOOLEAN",
            false,
            json!({"defaultValue": "false"}),
        ),
        entry(
            "nimbus.signature",
            "Ticket Signature",
            "TEXTAREA",
            false,
            json!({}),
        ),
        entry(
            "nimbus.agent.email",
            "Agent Email",
            "TEXTFIELD_128",
            false,
            json!({}),
        ),
        entry(
            "nimbus.portal.url",
            "Help Portal URL",
            "TEXTFIELD_1000",
            false,
            json!({}),
        ),
        entry(
            "nimbus.page.size",
            "Page Size",
            "NUMBER",
            false,
            json!({"defaultValue": "50"}),
        ),
        entry(
            "nimbus.account.id",
            "Account ID",
            "TEXTFIELD_64",
            true,
            json!({"hideFromConsole": true}),
        ),
        entry(
            "nimbus.legacy.mode",
            "Legacy Mode",
            "BOOLEAN",
            false,
            json!({"active": false}),
        ),
        internal("nimbus.internal.id", "Internal ID", true, None),
    ];
    number(
        &mut custom,
        &[
            Some(2),
            Some(3),
            Some(4),
            Some(6),
            Some(7),
            Some(5),
            None,
            None,
            Some(1),
            Some(8),
            Some(9),
        ],
    );
    custom.extend(platform_entries(SHOWCASE_CUSTOM));
    custom
}

fn oauth1_showcase() -> Vec<Value> {
    let mut oauth1 = oauth1_entries(SHOWCASE_OAUTH1);
    oauth1.push(entry(
        "kestrel.include.replies",
        "Include Replies",
        "BOOLEAN",
        false,
        json!({"defaultValue": "true"}),
    ));
    oauth1.extend(platform_entries(SHOWCASE_OAUTH1));
    oauth1
}

fn oauth2_showcase() -> Vec<Value> {
    let mut oauth2 = oauth2_entries(SHOWCASE_OAUTH2);
    oauth2.push(entry(
        "aurora.instance.url",
        "Instance URL",
        "TEXTFIELD_1000",
        true,
        json!({}),
    ));
    oauth2.push(entry(
        "aurora.edition",
        "Edition",
        "SELECTION",
        false,
        json!({"options": ["team", "business", "enterprise"], "defaultValue": "business"}),
    ));
    oauth2.extend(platform_entries(SHOWCASE_OAUTH2));
    oauth2
}

fn showcases() -> Vec<Generated> {
    let showcase = |key, name, hub, auth, beta, which| Generated {
        facts: facts(key, name, hub, auth, beta),
        active: true,
        deleted: false,
        recipe: Recipe::Showcase(which),
    };
    vec![
        showcase(
            SHOWCASE_CUSTOM,
            "Nimbus Desk",
            "helpdesk",
            Auth::Custom,
            false,
            Showcase::Custom,
        ),
        showcase(
            SHOWCASE_OAUTH1,
            "Kestrel Social",
            "social",
            Auth::Oauth1,
            false,
            Showcase::Oauth1,
        ),
        showcase(
            SHOWCASE_OAUTH2,
            "Aurora CRM",
            "crm",
            Auth::Oauth2,
            true,
            Showcase::Oauth2,
        ),
    ]
}

/// The platform's entries every element has, before its own.
const PLATFORM_ENTRIES: usize = 6;

fn random_element(rng: &mut Rng, key: &str, name: &str, hub: &str) -> Generated {
    let auth = match rng.below(100) {
        0..=34 => Auth::Oauth2,
        35..=42 => Auth::Oauth1,
        43..=62 => Auth::Basic,
        _ => Auth::Custom,
    };
    let subdomain_required = auth == Auth::Custom && rng.chance(60);
    let mut draws = Draws {
        auth,
        subdomain_required,
        site_url: rng.chance(40),
        region: rng.chance(30).then(|| rng.below(3) as u8),
        sandbox: rng.chance(25),
        notes: rng.chance(15),
        account_id: rng.chance(15),
        page_size: rng.chance(10),
        order: None,
    };
    // Most elements number their entries in a shuffled order; some leave
    // the numbers out.
    if !rng.chance(15) {
        let n = draws.entry_count();
        let mut order: Vec<u8> = (1..=n as u8).collect();
        for i in (1..n).rev() {
            order.swap(i, rng.below(i + 1));
        }
        draws.order = Some(order.into_boxed_slice());
    }
    let state = rng.below(100);
    Generated {
        facts: facts(key, name, hub, auth, rng.chance(8)),
        active: state >= 4,
        deleted: (4..7).contains(&state),
        recipe: Recipe::Drawn(draws),
    }
}

impl Draws {
    fn own_entries(&self) -> usize {
        let by_auth = match self.auth {
            Auth::Oauth2 => 7,
            Auth::Oauth1 => 6,
            Auth::Basic | Auth::Custom => 2,
        };
        let optional = [
            self.site_url,
            self.region.is_some(),
            self.sandbox,
            self.notes,
            self.account_id,
            self.page_size,
        ];
        by_auth + optional.iter().filter(|on| **on).count()
    }

    fn entry_count(&self) -> usize {
        PLATFORM_ENTRIES + self.own_entries()
    }

    fn configuration(&self, key: &str) -> Vec<Value> {
        let mut own = match self.auth {
            Auth::Oauth2 => oauth2_entries(key),
            Auth::Oauth1 => oauth1_entries(key),
            Auth::Basic => vec![
                entry("username", "Username", "TEXTFIELD_64", true, json!({})),
                entry("password", "Password", "PASSWORD", true, json!({})),
            ],
            Auth::Custom => vec![
                entry(
                    &format!("{key}.api.key"),
                    "API Key",
                    "PASSWORD",
                    true,
                    json!({}),
                ),
                entry(
                    "subdomain",
                    "Subdomain",
                    "TEXTFIELD_32",
                    self.subdomain_required,
                    json!({}),
                ),
            ],
        };
        if self.site_url {
            own.push(entry(
                "site.url",
                "Site URL",
                "TEXTFIELD_1000",
                true,
                json!({}),
            ));
        }
        if let Some(shape) = self.region {
            own.push(entry(
                "region",
                "Region",
                "SELECTION",
                false,
                json!({"defaultValue": "us", "options": option_shape(shape)}),
            ));
        }
        if self.sandbox {
            own.push(entry(
                "sandbox",
                "Sandbox account",
                "BOOLEAN",
                false,
                json!({"defaultValue": "false"}),
            ));
        }
        if self.notes {
            own.push(entry("notes", "Notes", "TEXTAREA", false, json!({})));
        }
        if self.account_id {
            own.push(entry(
                "account.id",
                "Account ID",
                "TEXTFIELD_64",
                true,
                json!({"hideFromConsole": true}),
            ));
        }
        if self.page_size {
            own.push(entry(
                "page.size",
                "Page Size",
                "NUMBER",
                false,
                json!({"defaultValue": "50"}),
            ));
        }
        let mut configuration = platform_entries(key);
        configuration.append(&mut own);
        if let Some(order) = &self.order {
            let order: Vec<Option<u64>> = order.iter().map(|o| Some(u64::from(*o))).collect();
            number(&mut configuration, &order);
        }
        configuration
    }
}

/// SELECTION options come in several shapes in the wild.
fn option_shape(shape: u8) -> Value {
    match shape {
        0 => json!(["us", "eu", "ap"]),
        1 => {
            json!([{"value": "us", "label": "US"}, {"value": "eu", "label": "EU"}, {"value": "ap", "label": "APAC"}])
        }
        _ => json!({"us": "US", "eu": "EU", "ap": "APAC"}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_catalog() {
        let a = generate(&["bigcommerce"]);
        let b = generate(&["bigcommerce"]);
        assert_eq!(a.len(), RANDOM_ELEMENTS + 3);
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.facts, y.facts);
            assert_eq!(x.recipe, y.recipe);
            let key = &x.facts.key;
            assert_eq!(x.recipe.configuration(key), y.recipe.configuration(key));
            assert_eq!((x.active, x.deleted), (y.active, y.deleted));
        }
        let keys: HashSet<&str> = a.iter().map(|g| g.facts.key.as_str()).collect();
        assert_eq!(keys.len(), a.len(), "keys are unique");
    }

    /// The display orders are drawn before the entries are built, so their
    /// count must match the entries exactly.
    #[test]
    fn every_numbered_entry_gets_one_order() {
        let mut numbered = 0;
        for g in generate(&[]) {
            let Recipe::Drawn(draws) = &g.recipe else {
                continue;
            };
            let configuration = g.recipe.configuration(&g.facts.key);
            assert_eq!(draws.entry_count(), configuration.len(), "{}", g.facts.key);
            if let Some(order) = &draws.order {
                numbered += 1;
                let mut given: Vec<u64> = configuration
                    .iter()
                    .map(|e| e["displayOrder"].as_u64().unwrap())
                    .collect();
                given.sort_unstable();
                assert_eq!(given, (1..=order.len() as u64).collect::<Vec<_>>());
            }
        }
        assert!(numbered > 200, "{numbered}");
    }

    #[test]
    fn the_mix_is_realistic() {
        let all = generate(&[]);
        let count = |f: &dyn Fn(&Generated) -> bool| all.iter().filter(|g| f(g)).count();
        let listed = count(&|g| g.active && !g.deleted);
        assert!(listed >= 300, "{listed} usable elements");
        assert!(count(&|g| !g.active) > 0 && count(&|g| g.deleted) > 0);
        assert!(count(&|g| g.facts.beta) > 0);
        for auth in [Auth::Oauth1, Auth::Oauth2, Auth::Basic, Auth::Custom] {
            assert!(count(&|g| g.facts.auth == auth) > 10, "{auth:?}");
        }
        let configurations: Vec<Vec<Value>> = all
            .iter()
            .map(|g| g.recipe.configuration(&g.facts.key))
            .collect();
        let types: HashSet<&str> = configurations
            .iter()
            .flatten()
            .filter_map(|e| e["type"].as_str())
            .collect();
        for t in [
            "TEXTFIELD_32",
            "TEXTFIELD_64",
            "TEXTFIELD_128",
            "TEXTFIELD_1000",
            "TEXTAREA",
            "PASSWORD",
            "BOOLEAN",
            "SELECTION",
            "NUMBER",
        ] {
            assert!(types.contains(t), "{t}");
        }
    }
}
