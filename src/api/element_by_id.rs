//! `GET /elements/{id}`: the key of an element a body names by id only
//! (`"element": {"id": 1234}`, which the platform takes as well as a key).
//! The key is what the wizard finds the element's form by, and what the
//! check after a lost create compares.

use super::{ApiError, Client};
use serde_json::Value;

impl Client {
    /// The key of the element with this id; a 404 is the platform's
    /// "no such element" as it came.
    pub async fn element_key_by_id(&self, id: i64) -> Result<String, ApiError> {
        let v: Value = self.get(&format!("/elements/{id}"), &[]).await?;
        v.get("key")
            .and_then(Value::as_str)
            .filter(|k| crate::sanitize::is_clean_token(k))
            .map(str::to_string)
            .ok_or_else(|| ApiError::Decode {
                detail: format!("element {id} has no usable key"),
            })
    }
}
