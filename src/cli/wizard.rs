//! The interactive wizard's entry from the command line.

use super::{resolve_connection, Failure, GlobalArgs};

pub async fn run(
    g: &GlobalArgs,
    print_token: bool,
    element: Option<String>,
) -> Result<i32, Failure> {
    let _ = (resolve_connection(g)?, print_token, element);
    Err(Failure::invalid(
        "the interactive wizard lands with the terminal UI",
    ))
}
