//! The Review step: the request that will be sent, as a body or a curl
//! command, secrets masked until revealed.

mod curl;
#[cfg(test)]
mod screen_tests;
pub mod start;
pub mod state;
#[cfg(test)]
mod tests;
mod view;

pub use state::{ReviewState, ReviewView};

use self::start::{is_secret_key, request};
use super::creating::start::{check_cancelled_create, start_create};
use super::{Drawn, Screen};
use crate::secret::Secret;
use crate::tui::action::CopyTarget;
use crate::tui::app::App;
use crate::tui::clock::Reading;
use crate::tui::effect::Effect;
use crate::tui::keymap::{b, ch, ctrl, extra, key, Binding, Command, DOWN, ENTER, ESC, TAB, UP};
use crate::tui::step::Step;
use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::Frame;

pub struct Review;

impl Screen for Review {
    fn bindings(&self, app: &App) -> Vec<Binding> {
        bindings(app)
    }

    fn command(&self, app: &mut App, cmd: Command) -> Vec<Effect> {
        review_command(app, cmd)
    }

    fn render(&self, app: &App, _time: &Reading, frame: &mut Frame, area: Rect) -> Drawn {
        Drawn {
            review_max_scroll: view::render(app, frame, area),
            ..Drawn::default()
        }
    }
}

fn bindings(app: &App) -> Vec<Binding> {
    // After a cancelled create, Enter first looks for the instance it may
    // have made.
    let enter = if app.review.cancelled.is_some() {
        "look for it, then create"
    } else {
        "create"
    };
    vec![
        b(&[ENTER], "Enter", enter, Command::Continue),
        b(&[ESC], "Esc", "back", Command::Back),
        b(&[ch('c')], "c", "copy curl", Command::CopyCurl),
        b(
            &[ctrl('r'), ch('r')],
            "r",
            if app.review.reveal { "hide" } else { "reveal" },
            Command::Reveal,
        )
        .with_detail("show or hide secret values in the body and the curl command"),
        b(&[TAB], "Tab", "body/curl", Command::SwitchView)
            .with_detail("switch between the request body and the curl command"),
        extra(&[ch('b')], "b", "copy the request body", Command::CopyBody),
        extra(
            &[DOWN, key(KeyCode::PageDown), ch('j')],
            "↓/PgDn",
            "scroll down",
            Command::PageDown,
        ),
        extra(
            &[UP, key(KeyCode::PageUp), ch('k')],
            "↑/PgUp",
            "scroll up",
            Command::PageUp,
        ),
    ]
}

fn review_command(app: &mut App, cmd: Command) -> Vec<Effect> {
    let review = &mut app.review;
    match cmd {
        Command::SwitchView => {
            review.view = match review.view {
                ReviewView::Body => ReviewView::Curl,
                ReviewView::Curl => ReviewView::Body,
            };
            review.scroll = 0;
        }
        Command::Reveal => review.reveal = !review.reveal,
        Command::PageDown => review.scroll = review.scroll.saturating_add(5).min(review.max_scroll),
        Command::PageUp => review.scroll = review.scroll.saturating_sub(5),
        Command::CopyCurl | Command::CopyBody => {
            let Some(req) = request(app) else {
                return vec![];
            };
            let Some(form) = app.form() else {
                return vec![];
            };
            let secret = |k: &str| is_secret_key(form, k);
            let reveal = app.review.reveal;
            let (what, text) = if cmd == Command::CopyCurl {
                let c = curl::copied_curl(&req, &app.connection.base_url(), reveal, &secret);
                app.review.copy_note = Some(if reveal {
                    "it holds your secrets in plain text: paste it only where no one else reads it"
                        .to_string()
                } else {
                    format!("set {} before running it", c.variables.join(", "))
                });
                (CopyTarget::Curl, c.text)
            } else {
                (CopyTarget::Body, req.to_json(reveal, &secret))
            };
            return vec![Effect::Copy {
                what,
                text: Secret::new(text),
            }];
        }
        Command::Back => {
            app.step = Step::Configure;
            app.notice = None;
        }
        Command::Continue => match app.review.cancelled.take() {
            Some(check) => return check_cancelled_create(app, check),
            None => return start_create(app),
        },
        _ => {}
    }
    vec![]
}
