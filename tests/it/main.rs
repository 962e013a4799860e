//! The integration tests: one crate, so the library and the helpers are
//! linked once instead of once per file. Each module is one layer of the
//! suite (see the table in docs/testing.md); `common` holds what they share.
//! `cargo test --test it MODULE::` runs one layer.

mod common;
mod evidence;
mod hostile;

mod accessible;
mod accessible_profiles;
mod browser_oauth;
mod catalog_cache;
mod catalog_cli;
mod catalog_sandbox;
mod clear_text;
mod cli_batch;
mod cli_cleanup;
mod cli_create;
mod cli_dry_run;
mod cli_environments;
mod cli_find_by_name;
mod cli_flow;
mod cli_instances;
mod cli_instances_ids;
mod cli_notes;
mod cli_profiles;
mod cli_prompt;
mod cli_proxy;
mod cli_reauth;
mod cli_shells;
mod docs;
mod hostile_lists;
mod hostile_machine;
mod hostile_platform;
mod import_graph;
mod keyring_bound;
mod keyring_profiles;
mod keyring_secret_service;
mod listener_attack;
mod oauth_listener;
mod portable_source;
mod reliability_cli;
mod reliability_faults;
mod reliability_input;
mod reliability_props;
mod reliability_secrets;
mod sandbox_api;
mod sandbox_judges_specs;
mod soft_formats;
mod spec_seeds;
mod terminals;
mod tui_browser;
mod tui_browser_choice;
mod tui_catalog;
mod tui_clipboard;
mod tui_idle;
mod tui_instances;
mod tui_instances_fix;
mod tui_instances_new_from;
mod tui_journeys;
mod tui_newcomer;
mod tui_port_taken;
mod tui_profiles;
mod tui_reliability;
mod tui_signin_late;
mod tui_signin_link;
mod tui_terminal;
