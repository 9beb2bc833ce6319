//! The one error the UI sees. `kind` is what the UI branches on; `message` is what
//! a person reads: what happened, what it means, what to do next.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, thiserror::Error, Serialize, TS)]
#[serde(tag = "kind", rename_all_fields = "camelCase")]
pub enum UiError {
    /// A folder Lakegate keeps its files in cannot be found or used.
    #[error("{message}")]
    Storage {
        message: String,
        path: Option<String>,
    },
}
