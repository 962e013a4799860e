//! Which step or view is on screen. A leaf: every step's model and
//! handlers may name a step without importing the model that holds them.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Connection,
    Element,
    Configure,
    Authorize,
    Review,
    Creating,
    Done,
    /// The account's instances: opened from the Element step, or the whole
    /// run with `ce-wizard instances`.
    Instances,
}

impl Step {
    pub fn title(self) -> &'static str {
        match self {
            Step::Connection => "Connection",
            Step::Element => "Element",
            Step::Configure => "Configure",
            Step::Authorize => "Authorize",
            Step::Review => "Review",
            Step::Creating => "Creating",
            Step::Done => "Done",
            Step::Instances => "Instances",
        }
    }
}
