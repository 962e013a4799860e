//! What the platform knows about an element besides its configuration: its
//! key, name, hub and how it authenticates.

/// The platform's authentication types (`authentication.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    Oauth2,
    Oauth1,
    Basic,
    Custom,
}

impl Auth {
    pub fn platform_name(self) -> &'static str {
        match self {
            Auth::Oauth2 => "oauth2",
            Auth::Oauth1 => "oauth1",
            Auth::Basic => "basic",
            Auth::Custom => "custom",
        }
    }

    /// `None` for a name the sandbox does not emulate.
    pub fn from_platform(name: &str) -> Option<Auth> {
        [Auth::Oauth2, Auth::Oauth1, Auth::Basic, Auth::Custom]
            .into_iter()
            .find(|a| a.platform_name() == name)
    }

    pub fn is_oauth(self) -> bool {
        matches!(self, Auth::Oauth2 | Auth::Oauth1)
    }
}

/// An element's own facts, as `GET /elements` lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub key: String,
    pub name: String,
    pub hub: String,
    pub auth: Auth,
    pub description: String,
    pub beta: bool,
}
