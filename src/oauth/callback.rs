//! What the provider's redirect carries, read from the callback's query: the
//! code (OAuth 2), the request token and verifier (OAuth 1) or the provider's
//! refusal, and every other value of the redirect (QuickBooks' `realmId` and
//! `dataSource`, the `state`), which the platform wants in `providerData`
//! too. The same parser serves the loopback listener and a person who
//! pastes the redirected address (or the bare code) into the terminal.

use std::collections::BTreeMap;
use url::form_urlencoded;

use super::state::OAuthState;
use crate::secret::Secret;

/// The provider's answer to one authorization attempt.
#[derive(Debug, Clone)]
pub enum CallbackOutcome {
    /// The person approved; what `POST /instances` needs in `providerData`.
    Authorized(ProviderGrant),
    /// The person (or the provider) refused. Both texts come from the provider;
    /// control characters are removed so they can be shown in a terminal.
    Denied {
        error: String,
        description: Option<String>,
    },
}

/// The values of an approved callback. OAuth 2 fills `code`; OAuth 1 fills
/// `oauth_token` and `oauth_verifier`; `extra` holds every other value of
/// the redirect except a refusal's (`error*`, `denied`), the `state`
/// included: the platform's own apps forward the whole query as
/// `providerData`. Names are checked and values bounded where they are read
/// ([`MAX_EXTRA_VALUES`], [`MAX_EXTRA_VALUE_BYTES`]); the values stay
/// secret, as a provider may put a token among them.
#[derive(Debug, Clone, Default)]
pub struct ProviderGrant {
    pub code: Option<Secret>,
    pub oauth_token: Option<String>,
    pub oauth_verifier: Option<Secret>,
    pub extra: BTreeMap<String, Secret>,
}

/// Why a request or a pasted text was not taken as this attempt's callback.
/// No variant carries a code, a state or pasted text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackRejection {
    #[error(
        "the callback's state does not match the current attempt (it comes from an earlier \
         attempt or another page), so it was ignored and nothing was created; finish the \
         authorization in the browser tab opened for this attempt"
    )]
    WrongState,
    #[error(
        "the callback carries no `state`, so it cannot be tied to the current attempt and was \
         ignored; use the address the provider redirected to, including everything after `?`"
    )]
    MissingState,
    #[error(
        "this callback was already used: an authorization is accepted only once, so nothing \
         new was created; start another attempt from the terminal if you need one"
    )]
    AlreadyUsed,
    #[error(
        "the callback carries neither an authorization code nor an error (expected `code`, or \
         `oauth_token` with `oauth_verifier`, or `error`); copy the whole address the provider \
         redirected to"
    )]
    NoCodeOrError,
    #[error(
        "the callback repeats the `{0}` parameter; a genuine callback carries each parameter \
         once, so it was ignored"
    )]
    RepeatedParameter(String),
    #[error("not a callback: {0}")]
    NotACallback(String),
}

/// Longest provider text kept for `Denied`; enough for any real explanation,
/// short enough that a hostile one cannot flood the screen.
const MAX_PROVIDER_TEXT: usize = 1000;

/// Longest bare code accepted from a paste.
const MAX_BARE_CODE: usize = 4096;

/// Most other values kept from one redirect; a provider sends a handful.
pub const MAX_EXTRA_VALUES: usize = 32;
/// Longest other value kept, in bytes; a longer one is left out.
pub const MAX_EXTRA_VALUE_BYTES: usize = 4096;
/// Longest parameter name kept.
const MAX_EXTRA_NAME: usize = 64;

/// Reads a callback query (`code=…&state=…`, a leading `?` allowed) and checks
/// that it belongs to the attempt of `state`. Values are percent-decoded the
/// way browsers encode them (`application/x-www-form-urlencoded`).
pub fn parse_callback_query(
    query: &str,
    state: &OAuthState,
) -> Result<CallbackOutcome, CallbackRejection> {
    let params = Params::parse(query)?;
    match &params.state {
        None => return Err(CallbackRejection::MissingState),
        Some(given) if !state.matches(given.expose()) => return Err(CallbackRejection::WrongState),
        Some(_) => {}
    }
    params.into_outcome()
}

/// Whether `query` names `state`, however the rest of it looks. Lets the
/// listener tell a replay of a completed callback from a stranger's request.
pub(crate) fn carries_state(query: &str, state: &OAuthState) -> bool {
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut states = form_urlencoded::parse(query.as_bytes()).filter(|(name, _)| name == "state");
    match (states.next(), states.next()) {
        (Some((_, given)), None) => state.matches(&given),
        _ => false,
    }
}

/// Whether `query` has a non-empty `state` at all.
pub(crate) fn names_a_state(query: &str) -> bool {
    let query = query.strip_prefix('?').unwrap_or(query);
    form_urlencoded::parse(query.as_bytes())
        .any(|(name, value)| name == "state" && !value.is_empty())
}

/// Reads what a person pasted instead of waiting for the listener: the full
/// redirected address, its query (`?code=…&state=…` or without the `?`), or
/// the bare code. Surrounding whitespace is ignored. An address or query must
/// carry this attempt's state; a bare code (no `?`, `=` or `/`, apart from
/// base64 `=` padding at its end) cannot, and is taken as the code,
/// percent-decoded as it would be in the address.
pub fn parse_pasted(input: &str, state: &OAuthState) -> Result<CallbackOutcome, CallbackRejection> {
    let input = input.trim();
    if input.is_empty() {
        return Err(not_a_callback(
            "nothing was pasted; paste the address the browser landed on, or the code",
        ));
    }
    if input.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(not_a_callback(
            "the pasted text has spaces or line breaks inside; paste only the address the \
             browser landed on, or only the code",
        ));
    }

    let query = match input.split_once('?') {
        Some((_, after)) => Some(after),
        None if input.contains('=') && !is_padded_code(input) => Some(input),
        None => None,
    };
    if let Some(query) = query {
        // Browsers keep a fragment after the query; it is never part of it.
        let query = query.split('#').next().unwrap_or_default();
        let params = Params::parse(query)?;
        if params.is_authorization_request() {
            return Err(not_a_callback(
                "that is the provider's authorization address, not the redirect; open it in a \
                 browser, approve, then paste the address you land on",
            ));
        }
        return parse_callback_query(query, state);
    }
    if input.contains('/') {
        return Err(not_a_callback(
            "the address has no query; copy the whole address from the browser's address bar, \
             including everything after `?`",
        ));
    }
    bare_code(input)
}

fn bare_code(input: &str) -> Result<CallbackOutcome, CallbackRejection> {
    if input.contains(['&', '#']) {
        return Err(not_a_callback(
            "a code contains no `&` or `#`; paste the whole address the browser landed on instead",
        ));
    }
    if input.len() > MAX_BARE_CODE {
        return Err(not_a_callback(
            "the pasted text is far longer than an authorization code; paste the address the \
             browser landed on instead",
        ));
    }
    // Decoded exactly as the same text would be as a value in the address,
    // because a code copied out of the address bar is percent-encoded.
    let as_value = zeroize::Zeroizing::new(format!("code={input}"));
    let code = form_urlencoded::parse(as_value.as_bytes())
        .next()
        .map(|(_, decoded)| Secret::new(decoded.into_owned()))
        .unwrap_or_default();
    Ok(CallbackOutcome::Authorized(ProviderGrant {
        code: Some(code),
        ..ProviderGrant::default()
    }))
}

/// A base64 code with its `=` padding (`abc==`): the `=` signs end it and
/// no name comes before them, so it is not a query.
fn is_padded_code(input: &str) -> bool {
    let body = input.trim_end_matches('=');
    !body.is_empty() && !body.contains('=')
}

fn not_a_callback(why: &str) -> CallbackRejection {
    CallbackRejection::NotACallback(why.to_owned())
}

/// The parameters of a callback that matter; everything else is ignored.
#[derive(Default)]
struct Params {
    state: Option<Secret>,
    code: Option<Secret>,
    error: Option<String>,
    error_description: Option<String>,
    oauth_token: Option<String>,
    oauth_verifier: Option<Secret>,
    /// OAuth 1 providers (Twitter among them) report a refusal as `denied=<token>`.
    denied: bool,
    client_id: bool,
    response_type: bool,
    /// Every other value, `state` included, for `providerData`.
    extra: BTreeMap<String, Secret>,
}

impl Params {
    fn parse(query: &str) -> Result<Params, CallbackRejection> {
        let query = query.strip_prefix('?').unwrap_or(query);
        let mut p = Params::default();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            let value = value.into_owned();
            // An empty value counts as absent: `code=` approves nothing.
            if value.is_empty() {
                continue;
            }
            match name.as_ref() {
                "state" => {
                    set_once(&mut p.state, Secret::new(value.as_str()), "state")?;
                    p.keep_extra("state", value)?;
                }
                "code" => set_once(&mut p.code, Secret::new(value), "code")?,
                "error" => set_once(&mut p.error, value, "error")?,
                "error_description" => {
                    set_once(&mut p.error_description, value, "error_description")?
                }
                "oauth_token" => set_once(&mut p.oauth_token, value, "oauth_token")?,
                "oauth_verifier" => {
                    set_once(&mut p.oauth_verifier, Secret::new(value), "oauth_verifier")?
                }
                "denied" => p.denied = true,
                "client_id" => p.client_id = true,
                "response_type" => p.response_type = true,
                // A refusal's details are shown, never forwarded.
                other if other.starts_with("error") => {}
                other => p.keep_extra(other, value)?,
            }
        }
        Ok(p)
    }

    /// Keeps another value of the redirect for `providerData`. It goes back
    /// to the platform as a JSON key and value, so a name outside
    /// `[A-Za-z0-9._-]`, an over-long value or one with control characters
    /// is left out (the known parameters carry what a sign-in needs), and
    /// so is anything past [`MAX_EXTRA_VALUES`].
    fn keep_extra(&mut self, name: &str, value: String) -> Result<(), CallbackRejection> {
        if self.extra.contains_key(name) {
            return Err(CallbackRejection::RepeatedParameter(name.to_owned()));
        }
        let name_ok = !name.is_empty()
            && name.len() <= MAX_EXTRA_NAME
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        let value_ok = value.len() <= MAX_EXTRA_VALUE_BYTES && !crate::sanitize::has_unsafe(&value);
        if name_ok && value_ok && self.extra.len() < MAX_EXTRA_VALUES {
            self.extra.insert(name.to_owned(), Secret::new(value));
        }
        Ok(())
    }

    fn is_authorization_request(&self) -> bool {
        (self.client_id || self.response_type)
            && self.code.is_none()
            && self.error.is_none()
            && self.oauth_verifier.is_none()
    }

    fn into_outcome(self) -> Result<CallbackOutcome, CallbackRejection> {
        // A refusal wins over anything else in the same callback: creating an
        // instance from a callback that also says "denied" would be a guess.
        if let Some(error) = self.error {
            return Ok(CallbackOutcome::Denied {
                error: terminal_safe(&error),
                description: self.error_description.as_deref().map(terminal_safe),
            });
        }
        if self.denied {
            return Ok(CallbackOutcome::Denied {
                error: "access_denied".to_owned(),
                description: None,
            });
        }
        if let Some(code) = self.code {
            return Ok(CallbackOutcome::Authorized(ProviderGrant {
                code: Some(code),
                extra: self.extra,
                ..ProviderGrant::default()
            }));
        }
        match (self.oauth_token, self.oauth_verifier) {
            (Some(token), Some(verifier)) => Ok(CallbackOutcome::Authorized(ProviderGrant {
                code: None,
                oauth_token: Some(token),
                oauth_verifier: Some(verifier),
                extra: self.extra,
            })),
            _ => Err(CallbackRejection::NoCodeOrError),
        }
    }
}

fn set_once<T>(slot: &mut Option<T>, value: T, name: &str) -> Result<(), CallbackRejection> {
    if slot.is_some() {
        return Err(CallbackRejection::RepeatedParameter(name.to_owned()));
    }
    *slot = Some(value);
    Ok(())
}

/// Provider text without control or bidi characters (an escape sequence
/// would reach the terminal, an override reorder the line) and of bounded
/// length.
fn terminal_safe(text: &str) -> String {
    let mut out: String = crate::sanitize::line(text)
        .chars()
        .take(MAX_PROVIDER_TEXT)
        .collect();
    if text.chars().count() > MAX_PROVIDER_TEXT {
        out.push('…');
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> OAuthState {
        OAuthState::generate()
    }

    fn code_of(outcome: CallbackOutcome) -> String {
        match outcome {
            CallbackOutcome::Authorized(grant) => grant.code.expect("a code").expose().to_owned(),
            other => panic!("expected Authorized, got {other:?}"),
        }
    }

    #[test]
    fn reads_the_code_when_the_state_matches() {
        let s = state();
        let q = format!("code=abc123&state={}", s.expose());
        assert_eq!(code_of(parse_callback_query(&q, &s).unwrap()), "abc123");
        let q = format!("?state={}&code=xyz&scope=full", s.expose());
        assert_eq!(code_of(parse_callback_query(&q, &s).unwrap()), "xyz");
    }

    #[test]
    fn percent_decodes_values() {
        let s = state();
        let q = format!("code=a%2Fb%3Dc%2Bd+e&state={}", s.expose());
        assert_eq!(code_of(parse_callback_query(&q, &s).unwrap()), "a/b=c+d e");
        // The state itself may arrive encoded by a provider that escapes everything.
        let encoded: String = form_urlencoded::byte_serialize(s.expose().as_bytes()).collect();
        let q = format!("code=k&state={}", encoded.replace('-', "%2D"));
        assert_eq!(code_of(parse_callback_query(&q, &s).unwrap()), "k");
    }

    #[test]
    fn reads_a_refusal_with_its_description() {
        let s = state();
        let q = format!(
            "error=access_denied&error_description=The+user+said+%22no%22&state={}",
            s.expose()
        );
        match parse_callback_query(&q, &s).unwrap() {
            CallbackOutcome::Denied { error, description } => {
                assert_eq!(error, "access_denied");
                assert_eq!(description.as_deref(), Some("The user said \"no\""));
            }
            other => panic!("expected Denied, got {other:?}"),
        }
        let q = format!("error=access_denied&state={}", s.expose());
        assert!(matches!(
            parse_callback_query(&q, &s).unwrap(),
            CallbackOutcome::Denied {
                description: None,
                ..
            }
        ));
    }

    #[test]
    fn a_refusal_wins_over_a_code_in_the_same_callback() {
        let s = state();
        let q = format!("code=abc&error=server_error&state={}", s.expose());
        assert!(matches!(
            parse_callback_query(&q, &s).unwrap(),
            CallbackOutcome::Denied { error, .. } if error == "server_error"
        ));
    }

    #[test]
    fn provider_text_loses_control_characters_and_is_bounded() {
        let s = state();
        let long = "x".repeat(5000);
        let q = format!(
            "error=bad%1B%5B2J%E2%80%AE%C2%9B&error_description={long}&state={}",
            s.expose()
        );
        match parse_callback_query(&q, &s).unwrap() {
            CallbackOutcome::Denied { error, description } => {
                assert!(!error.contains('\u{1b}'), "escape removed");
                assert!(
                    !error.contains('\u{202e}') && !error.contains('\u{9b}'),
                    "{error:?}"
                );
                assert!(error.starts_with("bad"));
                let d = description.unwrap();
                assert!(d.chars().count() <= MAX_PROVIDER_TEXT + 1);
                assert!(d.ends_with('…'));
            }
            other => panic!("expected Denied, got {other:?}"),
        }
    }

    #[test]
    fn reads_an_oauth1_token_and_verifier() {
        let s = state();
        let q = format!(
            "state={}&oauth_token=req-token&oauth_verifier=ver%21",
            s.expose()
        );
        match parse_callback_query(&q, &s).unwrap() {
            CallbackOutcome::Authorized(grant) => {
                assert!(grant.code.is_none());
                assert_eq!(grant.oauth_token.as_deref(), Some("req-token"));
                assert_eq!(grant.oauth_verifier.unwrap().expose(), "ver!");
            }
            other => panic!("expected Authorized, got {other:?}"),
        }
        // A token without its verifier approves nothing.
        let q = format!("state={}&oauth_token=req-token", s.expose());
        assert_eq!(
            parse_callback_query(&q, &s).unwrap_err(),
            CallbackRejection::NoCodeOrError
        );
        let q = format!("state={}&denied=req-token", s.expose());
        assert!(matches!(
            parse_callback_query(&q, &s).unwrap(),
            CallbackOutcome::Denied { error, .. } if error == "access_denied"
        ));
    }

    fn extra_of(outcome: CallbackOutcome) -> Vec<(String, String)> {
        match outcome {
            CallbackOutcome::Authorized(g) => g
                .extra
                .into_iter()
                .map(|(k, v)| (k, v.expose().to_owned()))
                .collect(),
            other => panic!("expected Authorized, got {other:?}"),
        }
    }

    /// QuickBooks' redirect names the company and the data source; they and
    /// the state go on to `providerData`, a refusal's parameters never do.
    #[test]
    fn keeps_the_redirects_other_values() {
        let s = state();
        let q = format!(
            "state={}&oauth_token=t&oauth_verifier=v&realmId=4620816365&dataSource=QBO&error_uri=x",
            s.expose()
        );
        assert_eq!(
            extra_of(parse_callback_query(&q, &s).unwrap()),
            [
                ("dataSource", "QBO"),
                ("realmId", "4620816365"),
                ("state", s.expose()),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
        );
        let q = format!("code=c&token=revel-token&state={}", s.expose());
        let extra = extra_of(parse_callback_query(&q, &s).unwrap());
        assert!(extra.contains(&("token".into(), "revel-token".into())));
    }

    /// The other values are untrusted: odd names, control characters and
    /// floods are left out, a repeated one refuses the callback, and none
    /// shows in Debug.
    #[test]
    fn other_values_are_bounded_and_cleaned() {
        let s = state();
        let long = "x".repeat(MAX_EXTRA_VALUE_BYTES + 1);
        let q = format!(
            "code=c&state={}&ok=1&bad%20name=2&esc=a%1Bb&bidi=%E2%80%AEx&long={long}&{}=3",
            s.expose(),
            "n".repeat(65)
        );
        let extra = extra_of(parse_callback_query(&q, &s).unwrap());
        let names: Vec<&str> = extra.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["ok", "state"]);

        let flood: String = (0..100).map(|i| format!("&p{i}=v")).collect();
        let q = format!("code=c&state={}{flood}", s.expose());
        assert_eq!(
            extra_of(parse_callback_query(&q, &s).unwrap()).len(),
            MAX_EXTRA_VALUES
        );

        let q = format!("code=c&realmId=1&realmId=2&state={}", s.expose());
        assert_eq!(
            parse_callback_query(&q, &s).unwrap_err(),
            CallbackRejection::RepeatedParameter("realmId".into())
        );

        let q = format!("code=c&access_token=HIDDEN-TOKEN&state={}", s.expose());
        let outcome = parse_callback_query(&q, &s).unwrap();
        assert!(!format!("{outcome:?}").contains("HIDDEN-TOKEN"));
    }

    #[test]
    fn rejects_a_wrong_or_missing_state() {
        let s = state();
        let other = state();
        let q = format!("code=abc&state={}", other.expose());
        assert_eq!(
            parse_callback_query(&q, &s).unwrap_err(),
            CallbackRejection::WrongState
        );
        assert_eq!(
            parse_callback_query("code=abc", &s).unwrap_err(),
            CallbackRejection::MissingState
        );
        assert_eq!(
            parse_callback_query("code=abc&state=", &s).unwrap_err(),
            CallbackRejection::MissingState
        );
        // The state is checked before anything else: a foreign refusal is no refusal.
        let q = format!("error=access_denied&state={}", other.expose());
        assert_eq!(
            parse_callback_query(&q, &s).unwrap_err(),
            CallbackRejection::WrongState
        );
    }

    #[test]
    fn rejects_a_callback_without_code_or_error() {
        let s = state();
        let q = format!("state={}&code=", s.expose());
        assert_eq!(
            parse_callback_query(&q, &s).unwrap_err(),
            CallbackRejection::NoCodeOrError
        );
    }

    #[test]
    fn rejects_repeated_parameters() {
        let s = state();
        let q = format!("code=a&code=b&state={}", s.expose());
        assert_eq!(
            parse_callback_query(&q, &s).unwrap_err(),
            CallbackRejection::RepeatedParameter("code".into())
        );
        let q = format!("code=a&state={0}&state={0}", s.expose());
        assert_eq!(
            parse_callback_query(&q, &s).unwrap_err(),
            CallbackRejection::RepeatedParameter("state".into())
        );
    }

    #[test]
    fn rejections_never_repeat_the_code_or_state() {
        let s = state();
        let q = format!("code=SECRETCODE&code=SECRETCODE2&state={}", s.expose());
        let e = parse_callback_query(&q, &s).unwrap_err();
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains("SECRETCODE"));
        assert!(!shown.contains(s.expose()));
        let e =
            parse_pasted("https://x/cb?client_id=SECRETCODE&response_type=code", &s).unwrap_err();
        assert!(!format!("{e} {e:?}").contains("SECRETCODE"));
    }

    #[test]
    fn pasted_full_address() {
        let s = state();
        let url = format!(
            "  https://app.example.com/auth?code=c0de&state={}#_=_ \n",
            s.expose()
        );
        assert_eq!(code_of(parse_pasted(&url, &s).unwrap()), "c0de");
        let url = format!(
            "http://127.0.0.1:48213/callback?state={}&code=zz",
            s.expose()
        );
        assert_eq!(code_of(parse_pasted(&url, &s).unwrap()), "zz");
    }

    #[test]
    fn pasted_query_with_or_without_question_mark() {
        let s = state();
        let q = format!("?code=q1&state={}", s.expose());
        assert_eq!(code_of(parse_pasted(&q, &s).unwrap()), "q1");
        let q = format!("code=q2&state={}", s.expose());
        assert_eq!(code_of(parse_pasted(&q, &s).unwrap()), "q2");
    }

    #[test]
    fn pasted_address_must_carry_this_attempts_state() {
        let s = state();
        let url = format!(
            "https://app.example.com/auth?code=c0de&state={}",
            state().expose()
        );
        assert_eq!(
            parse_pasted(&url, &s).unwrap_err(),
            CallbackRejection::WrongState
        );
        assert_eq!(
            parse_pasted("https://app.example.com/auth?code=c0de", &s).unwrap_err(),
            CallbackRejection::MissingState
        );
    }

    #[test]
    fn pasted_refusal() {
        let s = state();
        let url = format!(
            "https://app.example.com/auth?error=access_denied&state={}",
            s.expose()
        );
        assert!(matches!(
            parse_pasted(&url, &s).unwrap(),
            CallbackOutcome::Denied { .. }
        ));
    }

    #[test]
    fn pasted_bare_code() {
        let s = state();
        assert_eq!(
            code_of(parse_pasted("  0AbCd-_.~x \n", &s).unwrap()),
            "0AbCd-_.~x"
        );
        // Copied out of the address bar, a code is in its percent-encoded form.
        assert_eq!(code_of(parse_pasted("4%2F0AbC", &s).unwrap()), "4/0AbC");
        // Base64 padding does not make a code a query.
        assert_eq!(code_of(parse_pasted("aGVsbG8==", &s).unwrap()), "aGVsbG8==");
        assert!(matches!(
            parse_pasted("=abc", &s),
            Err(CallbackRejection::MissingState)
        ));
    }

    #[test]
    fn pasted_garbage_is_refused_with_advice() {
        let s = state();
        for input in [
            "",
            "   ",
            "two words",
            "https://app.example.com/auth",
            "abc&def",
            "abc#def",
        ] {
            match parse_pasted(input, &s) {
                Err(CallbackRejection::NotACallback(why)) => assert!(!why.is_empty(), "{input:?}"),
                other => panic!("{input:?} gave {other:?}"),
            }
        }
        assert!(matches!(
            parse_pasted(&"x".repeat(MAX_BARE_CODE + 1), &s),
            Err(CallbackRejection::NotACallback(_))
        ));
    }

    #[test]
    fn pasted_authorization_address_is_recognised() {
        let s = state();
        let url = format!(
            "https://signin.example.com/oauth/authorize?response_type=code&client_id=id&state={}",
            s.expose()
        );
        match parse_pasted(&url, &s) {
            Err(CallbackRejection::NotACallback(why)) => {
                assert!(why.contains("authorization address"), "{why}")
            }
            other => panic!("expected NotACallback, got {other:?}"),
        }
    }

    #[test]
    fn carries_state_recognises_only_that_state() {
        let s = state();
        assert!(carries_state(&format!("state={}", s.expose()), &s));
        assert!(carries_state(
            &format!("code=a&code=b&state={}", s.expose()),
            &s
        ));
        assert!(!carries_state(
            &format!("state={0}&state={0}", s.expose()),
            &s
        ));
        assert!(!carries_state(&format!("state={}", state().expose()), &s));
        assert!(!carries_state("code=abc", &s));
    }
}
