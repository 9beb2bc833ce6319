//! History and saved requests.

use crate::base::error::UiError;
use crate::base::i18n::wsay;
use crate::bridge::{HistoryView, RequestInput, SavedView};
use crate::engine::Engine;

impl Engine {
    pub fn history(
        &self,
        connection: Option<&str>,
        filter: &str,
    ) -> Result<Vec<HistoryView>, UiError> {
        let (entries, _) = self.history.list(connection, filter, 200)?;
        Ok(entries
            .into_iter()
            .map(|e| HistoryView {
                id: e.id,
                at: e.at,
                request: e.request,
                status: e.status,
                total_ms: e.total_ms,
                size: e.size,
                error: e.error,
            })
            .collect())
    }

    pub fn save_request(
        &self,
        collection: &str,
        name: &str,
        request: RequestInput,
    ) -> Result<(), UiError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(UiError::invalid("name", wsay!("saved-request-no-name")));
        }
        let collection = if collection.trim().is_empty() {
            "Saved"
        } else {
            collection.trim()
        };
        Ok(self.history.save(collection, name, &request)?)
    }

    pub fn saved_requests(&self) -> Result<Vec<SavedView>, UiError> {
        Ok(self
            .history
            .saved()?
            .into_iter()
            .map(|s| SavedView {
                collection: s.collection,
                name: s.name,
                request: s.request,
            })
            .collect())
    }
}
