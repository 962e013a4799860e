//! Deleting one instance, the same in `ce-wizard instances delete` and the
//! wizard: `DELETE /instances/{id}` is sent once, and when its answer is
//! lost (a timeout, a dropped connection, a gateway error) the instance is
//! read again, so the person learns whether it is gone or still there
//! instead of a guess.

use crate::api::{ApiError, Client};

/// What became of a delete that was sent.
#[derive(Debug)]
pub enum Deleted {
    /// The platform said so.
    Yes,
    /// The answer was lost (`cause`), but the instance is gone.
    AnswerLostButGone { cause: ApiError },
    /// The answer was lost, and the instance is still there: it was not
    /// deleted.
    AnswerLostStillThere { cause: ApiError },
    /// The answer was lost, and reading the instance again failed too: it
    /// may or may not be deleted.
    Unknown { cause: ApiError, reread: ApiError },
}

/// Sends the delete; `Err` is a clear refusal (nothing was deleted).
pub async fn delete(client: &Client, id: i64) -> Result<Deleted, ApiError> {
    let cause = match client.delete_instance(id).await {
        Ok(()) => return Ok(Deleted::Yes),
        Err(e) if e.create_outcome_unknown() => e,
        Err(e) => return Err(e),
    };
    Ok(match client.get_instance(id).await {
        Err(ApiError::NoSuchInstance { .. }) => Deleted::AnswerLostButGone { cause },
        Ok(_) => Deleted::AnswerLostStillThere { cause },
        Err(reread) => Deleted::Unknown { cause, reread },
    })
}
