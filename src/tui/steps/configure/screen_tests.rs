//! The Configure step's screens: every seed element's form empty and
//! filled, errors, the advanced group, forms from metadata, long and
//! right-to-left values, the cursor, drawn at 80x24 and, where it shows
//! more, 120x40.

use crate::tui::action::Action;
use crate::tui::steps::configure::FormItem;
use crate::tui::tests::screens::*;
use crate::tui::tests::support::*;
use crate::tui::update::update;
use crossterm::event::KeyCode;

#[test]
fn configure_screens() {
    for key in ELEMENTS {
        let mut app = connected();
        crate::tui::steps::element::choose_element(&mut app, key);
        snap!(&format!("configure_{key}_empty"), &app);
        let app = filled(key);
        snap!(&format!("configure_{key}_filled"), &app);
    }
    // Validation errors beside the fields and in the footer.
    let mut app = connected();
    crate::tui::steps::element::choose_element(&mut app, "bigcommerce");
    type_text(&mut app, "ftp://store-abc123.mybigcommerce.com");
    tab(&mut app);
    snap!("configure_bigcommerce_invalid_url", &app);
    // Without its scheme, the address it most likely means is offered.
    let mut app = connected();
    crate::tui::steps::element::choose_element(&mut app, "bigcommerce");
    type_text(&mut app, "store-abc123.mybigcommerce.com/api/v2/");
    snap!("configure_bigcommerce_url_offer", &app);
    ctrl(&mut app, 'u');
    type_text(&mut app, "https://store-abc123.mybigcommerce.com/api/v2/");
    ctrl(&mut app, 's');
    snap!("configure_bigcommerce_submit_errors", &app);

    let mut app = connected();
    crate::tui::steps::element::choose_element(&mut app, "ecwid");
    type_text(&mut app, "10O3");
    enter(&mut app);
    snap!("configure_ecwid_digits_only", &app);

    // The advanced group unfolded, events on: the fields behind `when` appear.
    let mut app = filled("woocommerce");
    app.form_mut()
        .unwrap()
        .focus_item(crate::tui::steps::configure::FormItem::Advanced);
    // Enter unfolds and moves into the group, on its first field.
    enter(&mut app);
    key(&mut app, KeyCode::Char(' '));
    snap!("configure_woocommerce_advanced_events", &app);
    tab(&mut app);
    tab(&mut app);
    snap!("configure_woocommerce_advanced_scrolled", &app);

    // A secret revealed, and the help overlay (F1 in a text field).
    let mut app = filled("magentov20");
    app.form_mut().unwrap().focus =
        crate::tui::steps::configure::FormItem::Field("password".into());
    ctrl(&mut app, 'r');
    snap!("configure_magentov20_revealed", &app);
    key(&mut app, KeyCode::F(1));
    snap!("configure_help", &app);

    // Missing keys reported by the platform.
    let mut app = at_review("bigcommerce");
    let (attempt, ..) = created_config(&enter(&mut app));
    let mut r = report(400, "Missing required configuration entries: username");
    r.missing_keys = vec!["username".into()];
    update(
        &mut app,
        Action::Created {
            attempt,
            result: Err(r),
        },
    );
    snap!("configure_bigcommerce_missing_keys", &app);
}

#[test]
fn metadata_form_screens() {
    let mut app = connected_live(0);
    pick_metadata(&mut app, "nimbus", &nimbusdesk());
    snap!("configure_nimbusdesk_empty", &app);
    let ctx = app.derive_context();
    let form = app.form_mut().unwrap();
    for (k, v) in [
        ("nimbus.account.id", "acct-7"),
        ("nimbus.subdomain", "acme"),
        ("nimbus.api.key", "nk-0123456789"),
        ("nimbus.region", "eu"),
        ("nimbus.agent.email", "agent@acme.example"),
        ("nimbus.sandbox", "true"),
        (
            "nimbus.signature",
            "Thanks for writing,\nThe Acme support team\nhttps://help.acme.example",
        ),
    ] {
        form.inputs.get_mut(k).unwrap().set(v);
        form.edited.insert(k.to_string());
    }
    form.refresh_derived(&ctx);
    form.focus = FormItem::Field("nimbus.signature".into());
    snap!("configure_nimbusdesk_filled", &app);
    app.form_mut().unwrap().focus = FormItem::Field("nimbus.portal.url".into());
    snap!("configure_nimbusdesk_signature_folded", &app);
    ctrl(&mut app, 's');
    app.notice = None;
    snap!("review_nimbusdesk", &app);
}

#[test]
fn long_wide_and_right_to_left_values_render_without_panics() {
    let mut app = connected();
    crate::tui::steps::element::choose_element(&mut app, "bigcommerce");
    type_text(
        &mut app,
        &"https://store-abc123.mybigcommerce.com/api/v2/".repeat(5),
    );
    key(&mut app, KeyCode::Down);
    update(&mut app, Action::Paste("管理者ユーザー名前テスト".into()));
    key(&mut app, KeyCode::Down);
    update(&mut app, Action::Paste("סיסמה-ארוכה-מאוד".into()));
    snap!("configure_long_wide_rtl", &app);
    for w in 60..=80 {
        screen(&app, w, 20);
    }
}

#[test]
fn focused_text_field_places_the_cursor_after_the_text() {
    let mut app = connected();
    crate::tui::steps::element::choose_element(&mut app, "bigcommerce");
    type_text(&mut app, "https://a.b");
    let mut terminal = terminal(&app, 80, 24);
    let pos = terminal.get_cursor_position().unwrap();
    let buf = terminal.backend().buffer();
    let row: String = (0..80)
        .map(|x| buf[(x, pos.y)].symbol().to_string())
        .collect();
    assert!(row.contains("https://a.b"), "{row}");
    let start = row[..row.find("https://a.b").unwrap()].chars().count() as u16;
    assert_eq!(pos.x, start + "https://a.b".len() as u16);
}
