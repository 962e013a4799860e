//! The Done step's model: the created instance and saving it to a file.

use crate::api::Instance;
use crate::tui::instance_ops::check::Check;
use crate::tui::report::LostAnswer;
use crate::tui::widgets::TextField;
use std::fmt;
use std::path::PathBuf;

pub struct SavePrompt {
    pub path: TextField,
    /// The file exists and the person is asked whether to replace it.
    pub confirm_overwrite: bool,
}

pub struct DoneState {
    pub instance: Instance,
    pub prompt: Option<SavePrompt>,
    pub saved_to: Option<PathBuf>,
    /// The token (alone or in the JSON) went to a clipboard.
    pub copied: bool,
    /// Set when the create's answer was lost and the instance was found in
    /// the platform's list instead.
    pub recovered: Option<LostAnswer>,
    /// Whether the new instance works: checked as soon as Done opens.
    pub check: Option<Check>,
}

impl DoneState {
    /// Whether the token is kept somewhere once the screen is cleared:
    /// until then, quitting asks first.
    pub fn token_kept(&self) -> bool {
        self.copied || self.saved_to.is_some()
    }
}

impl fmt::Debug for DoneState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DoneState")
            .field("instance_id", &self.instance.id)
            .field("prompting", &self.prompt.is_some())
            .field("saved_to", &self.saved_to)
            .field("copied", &self.copied)
            .field("recovered", &self.recovered)
            .field("check", &self.check)
            .finish()
    }
}
