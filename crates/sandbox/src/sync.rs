//! Locking that survives a panicking handler.

use std::sync::{Mutex, MutexGuard};

/// A panicking handler must not take the whole sandbox down with a
/// poisoned lock; the data behind it stays consistent because every update
/// is a single push, insert or remove.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
