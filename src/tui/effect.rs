//! Work that `update` asks for and cannot do itself: network calls, the
//! OAuth listener, the browser, the clipboard, files. The runner (see
//! `runner`) carries each out in a tokio task and reports back with an
//! `Action`.

use super::action::CopyTarget;
use crate::api::{CreateInstance, Credentials};
use crate::config::Environment;
use crate::secret::Secret;
use std::fmt;
use std::path::PathBuf;

pub enum Effect {
    CheckConnection { attempt: u64, base_url: String, creds: Credentials },
    SaveConfig { environment: Environment, secrets: Option<Credentials> },
    BindListener { port: u16 },
    /// A new OAuth attempt: a fresh state, the listener (re)armed with it,
    /// and the provider's URL fetched.
    StartAuthorization {
        attempt: u64,
        base_url: String,
        creds: Credentials,
        element_key: String,
        api_key: String,
        api_secret: Secret,
        callback_url: String,
    },
    OpenBrowser { attempt: u64, url: String },
    /// A redirected URL pasted by hand, checked against the attempt's state.
    ParsePasted { attempt: u64, input: Secret },
    Create { attempt: u64, base_url: String, creds: Credentials, body: Box<CreateInstance> },
    AbortCreate,
    Copy { what: CopyTarget, text: Secret },
    SaveFile { path: PathBuf, contents: Secret, overwrite: bool },
    Quit,
}

/// Names the variant only: effects carry secrets.
impl fmt::Debug for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Effect::CheckConnection { .. } => "CheckConnection",
            Effect::SaveConfig { .. } => "SaveConfig",
            Effect::BindListener { .. } => "BindListener",
            Effect::StartAuthorization { .. } => "StartAuthorization",
            Effect::OpenBrowser { .. } => "OpenBrowser",
            Effect::ParsePasted { .. } => "ParsePasted",
            Effect::Create { .. } => "Create",
            Effect::AbortCreate => "AbortCreate",
            Effect::Copy { what, .. } => return write!(f, "Copy({what:?})"),
            Effect::SaveFile { path, .. } => return write!(f, "SaveFile({})", path.display()),
            Effect::Quit => "Quit",
        };
        f.write_str(name)
    }
}
