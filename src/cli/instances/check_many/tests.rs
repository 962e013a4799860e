use super::*;
use crate::api::{ApiError, Instance};
use crate::flow::check::{Outcome, Remedy};
use serde_json::json;

fn inst(id: i64, name: &str, valid: bool) -> Instance {
    Instance::from_value(json!({"id": id, "name": name, "token": "t",
        "element": {"key": "ecwid"}, "valid": valid, "disabled": false}))
    .unwrap()
}

fn ended(id: i64, valid: bool, result: Result<Outcome, ApiError>) -> Ended {
    Ended {
        instance: inst(id, &format!("shop {id}"), valid),
        result,
    }
}

fn broken(remedy: Remedy) -> Outcome {
    Outcome::Broken {
        problem: "the provider refused the instance's credentials".into(),
        provider_message: None,
        request_id: Some("req-1".into()),
        remedy,
    }
}

#[test]
fn jobs_take_1_to_64() {
    assert_eq!(jobs("8"), Ok(8));
    assert_eq!(jobs(" 64"), Ok(64));
    for bad in ["0", "65", "-1", "x", ""] {
        assert!(jobs(bad).unwrap_err().contains("1 to 64"), "{bad}");
    }
}

#[test]
fn the_line_says_done_left_rate_and_time_left() {
    let l = line(120, 500, Duration::from_secs(2));
    assert_eq!(
        l,
        "[####················]  120/500 checked, 380 left, 60/s, about 7 s left"
    );
    assert_eq!(
        line(0, 10, Duration::ZERO),
        "[····················]  0/10 checked, 10 left"
    );
    let slow = line(3, 1000, Duration::from_secs(2));
    assert!(slow.contains("1.5/s, about 11 min 5 s left"), "{slow}");
    let done = line(10, 10, Duration::from_secs(1));
    assert!(
        done.starts_with("[####################]  10/10 checked, 0 left, 10/s"),
        "{done}"
    );
    assert!(!done.contains("about"), "{done}");
}

/// A thousand ends in one second redraw the line at most ten times a
/// second (and once at the start and the end), each drawing erasing the
/// last; elsewhere than on a terminal nothing is drawn.
#[test]
fn the_line_is_redrawn_at_most_ten_times_a_second() {
    let t0 = Instant::now();
    let mut p = Progress::new(1000, Some(Vec::new()), t0);
    for i in 1..=1000u64 {
        p.ended(t0 + Duration::from_micros(i * 1000));
    }
    let drawn = String::from_utf8(p.out.take().unwrap()).unwrap();
    let drawings: Vec<&str> = drawn
        .split("\r\u{1b}[2K")
        .filter(|s| !s.is_empty())
        .collect();
    assert!(drawings.len() <= 12, "{} drawings", drawings.len());
    assert!(drawings.len() >= 10, "{} drawings", drawings.len());
    assert!(drawings
        .last()
        .unwrap()
        .contains("1000/1000 checked, 0 left"));

    let mut quiet: Progress<Vec<u8>> = Progress::new(3, None, t0);
    quiet.ended(t0);
    quiet.clear();
    assert!(quiet.out.is_none());
}

#[test]
fn the_summary_counts_and_lists_the_fix_for_each_broken_one() {
    let mut t = Tally::default();
    t.add(ended(
        1,
        true,
        Ok(Outcome::Works {
            read: "GET /hubs/ecommerce/ping".into(),
        }),
    ));
    t.add(ended(9, true, Ok(broken(Remedy::Reauthorize))));
    t.add(ended(4, false, Ok(broken(Remedy::Update))));
    t.add(ended(7, true, Ok(Outcome::Disabled)));
    t.add(ended(
        5,
        true,
        Ok(Outcome::NotChecked {
            reason: "no hub".into(),
        }),
    ));
    t.add(ended(6, true, Err(ApiError::Timeout)));
    assert_eq!(t.exit_code(), exit::CHECK_FAILED);
    let s = t.summary(Duration::from_millis(1500));
    assert!(
        s.starts_with("Checked 6 instances in 1.5 s: 1 work, 2 broken, 1 disabled, 2 not checked."),
        "{s}"
    );
    // By ID, each with its fix.
    let at = |needle: &str| s.find(needle).unwrap_or_else(|| panic!("{needle} in {s}"));
    assert!(at("Instance 4 ") < at("Instance 7 ") && at("Instance 7 ") < at("Instance 9 "));
    assert!(
        s.contains("ce-wizard instances update 4 --set KEY=VALUE"),
        "{s}"
    );
    assert!(s.contains("ce-wizard instances enable 7"), "{s}");
    assert!(s.contains("ce-wizard instances reauth 9"), "{s}");
    assert!(s.contains("request ID: req-1"), "{s}");
    assert!(at("Not checked:") < at("Instance 5 "));
    assert!(
        s.contains("Instance 6 \"shop 6\": not checked: the platform could not be asked"),
        "{s}"
    );

    let mut fine = Tally::default();
    fine.add(ended(1, true, Ok(Outcome::Works { read: "r".into() })));
    fine.add(ended(
        2,
        true,
        Ok(Outcome::NotChecked {
            reason: "no hub".into(),
        }),
    ));
    assert_eq!(fine.exit_code(), exit::CREATED);
    fine.add(ended(3, true, Err(ApiError::Timeout)));
    assert_eq!(fine.exit_code(), exit::API_FAILED);
}

#[test]
fn a_json_line_has_the_fields_scripts_read() {
    let v = json_line(&ended(4, false, Ok(broken(Remedy::Update))));
    assert_eq!(v["id"], 4);
    assert_eq!(v["name"], "shop 4");
    assert_eq!(v["element"], "ecwid");
    assert_eq!(v["status"], "invalid");
    assert!(v["reason"].as_str().unwrap().starts_with("broken: "), "{v}");
    assert!(
        v["fix"].as_str().unwrap().contains("instances update 4"),
        "{v}"
    );
    let v = json_line(&ended(
        5,
        true,
        Ok(Outcome::NotChecked {
            reason: "no hub".into(),
        }),
    ));
    assert_eq!(v["status"], "not checked");
    assert_eq!(v["fix"], serde_json::Value::Null);
}

/// Dropped with its line on the screen (Ctrl-C ends the run), it erases
/// the line; one already erased is left alone.
#[test]
fn a_dropped_progress_erases_its_line() {
    struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let t0 = Instant::now();
    let mut p = Progress::new(5, Some(Shared(seen.clone())), t0);
    p.ended(t0 + Duration::from_millis(200));
    drop(p);
    let text = String::from_utf8(seen.borrow().clone()).unwrap();
    assert!(
        text.ends_with("left, 5.0/s, about 1 s left\r\u{1b}[2K"),
        "{text:?}"
    );

    seen.borrow_mut().clear();
    let mut p = Progress::new(5, Some(Shared(seen.clone())), t0);
    p.clear();
    let erased = seen.borrow().len();
    drop(p);
    assert_eq!(seen.borrow().len(), erased);
}
