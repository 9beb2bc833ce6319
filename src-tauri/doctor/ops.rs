//! The Doctor and the scope matrix, as the window offers them.

use std::path::PathBuf;

use crate::base::error::UiError;
use crate::base::i18n::wsay;
use crate::bridge::{ScopeMatrix, ScopeMatrixRow, SignInStarted};
use crate::connections::{ConnectionKind, Origin};
use crate::doctor::{self, Finding, Report, RequestStep};
use crate::engine::Engine;
use crate::oauth::jwt;
use crate::workspace;

impl Engine {
    /// Runs the Doctor; `progress` sees each finding as it is made. `after` names the
    /// request (the id it was sent with) this run follows: its answer is used instead of
    /// sending it again.
    pub async fn diagnose(
        &self,
        connection: Option<&str>,
        url: &str,
        method: &str,
        after: Option<&str>,
        progress: &(dyn Fn(&Finding) + Send + Sync),
    ) -> Result<Report, UiError> {
        let conn = match connection {
            Some(name) => Some(self.find(name).await?),
            None => None,
        };
        let answered = after.and_then(|id| {
            crate::base::platform::lock(&self.answers)
                .iter()
                .find(|(i, _)| i == id)
                .map(|(_, a)| a.clone())
        });
        let step = match answered {
            Some(a) => RequestStep::Answered(a),
            None => RequestStep::Send,
        };
        let report =
            doctor::diagnose(&self.session, conn.as_ref(), url, method, step, progress).await;
        *crate::base::platform::lock(&self.last_report) = Some(report.clone());
        Ok(report)
    }

    /// The report the Doctor made last.
    fn last_report(&self) -> Result<doctor::Report, UiError> {
        crate::base::platform::lock(&self.last_report)
            .clone()
            .ok_or_else(|| UiError::NotFound {
                message: wsay!("doctor-no-report"),
            })
    }

    /// Writes the last report as Markdown and JSON (secrets redacted); returns both paths.
    pub fn export_report(&self) -> Result<(PathBuf, PathBuf), UiError> {
        let report = self.last_report()?;
        let dir = self.data_dir.join("reports");
        let stem = format!("doctor-{}", report.at);
        let md = dir.join(format!("{stem}.md"));
        let json = dir.join(format!("{stem}.json"));
        let language = self.language();
        write_report(&md, &doctor::to_markdown(&report, language))?;
        write_report(&json, &doctor::to_json(&report, language))?;
        Ok((md, json))
    }

    /// Writes the last report's field recording beside the reports, when it has one (an
    /// answer no recording matched): the path written.
    pub fn export_recording(&self) -> Result<Option<PathBuf>, UiError> {
        let report = self.last_report()?;
        let Some(recording) = report.recording else {
            return Ok(None);
        };
        let path = self
            .data_dir
            .join("reports")
            .join(format!("doctor-{}-recording.json", report.at));
        write_report(&path, &recording)?;
        Ok(Some(path))
    }

    pub async fn scope_matrix(&self, connection: &str) -> Result<ScopeMatrix, UiError> {
        let conn = self.find(connection).await?;
        let token = self.session.access_token(&conn).await?;
        let client = self.session.client(&conn)?;
        let apps = workspace::list_apps(&client, &conn.host, &token.token).await?;
        let mut granted = token.scopes.clone();
        if let Ok(d) = jwt::decode_unverified(secrecy::ExposeSecret::expose_secret(&token.token)) {
            if !d.scopes().is_empty() {
                granted = d.scopes();
            }
        }
        let mut scopes: Vec<String> = Vec::new();
        for a in &apps {
            for s in &a.user_api_scopes {
                if !scopes.contains(s) {
                    scopes.push(s.clone());
                }
            }
        }
        scopes.sort();
        let rows = apps
            .into_iter()
            .map(|a| {
                let missing = a
                    .user_api_scopes
                    .iter()
                    .filter(|s| !granted.contains(s))
                    .cloned()
                    .collect();
                ScopeMatrixRow {
                    app: a.name,
                    required: a.user_api_scopes,
                    effective: a.effective_user_api_scopes,
                    missing,
                }
            })
            .collect();
        let can_sign_in = matches!(conn.kind, ConnectionKind::User { .. });
        Ok(ScopeMatrix {
            connection: connection.into(),
            scopes,
            granted,
            rows,
            can_sign_in,
        })
    }

    /// Signs in again asking for the scopes held so far plus `scopes` (and offline_access).
    pub async fn sign_in_with_scopes(
        &self,
        connection: &str,
        scopes: Vec<String>,
    ) -> Result<SignInStarted, UiError> {
        let conn = self.find(connection).await?;
        let ConnectionKind::User { scopes: held, .. } = &conn.kind else {
            return Err(UiError::invalid(
                "kind",
                wsay!("scopes-not-user", connection = connection),
            ));
        };
        let mut wanted: Vec<String> = if held.is_empty() {
            vec!["all-apis".into()]
        } else {
            held.clone()
        };
        for s in scopes
            .into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
        {
            if !wanted.contains(&s) {
                wanted.push(s);
            }
        }
        self.keep_user_scopes(&conn, wanted).await?;
        self.begin_sign_in(connection).await
    }

    /// Sets the scopes a user connection signs in with (the next sign-in asks for them).
    pub async fn set_scopes(&self, connection: &str, scopes: Vec<String>) -> Result<(), UiError> {
        let conn = self.find(connection).await?;
        self.keep_user_scopes(&conn, scopes).await
    }

    async fn keep_user_scopes(
        &self,
        conn: &crate::connections::Connection,
        scopes: Vec<String>,
    ) -> Result<(), UiError> {
        let connection = conn.name.as_str();
        let ConnectionKind::User {
            client_id,
            redirect_uri,
            ..
        } = &conn.kind
        else {
            return Err(UiError::invalid(
                "kind",
                wsay!("scopes-not-user", connection = connection),
            ));
        };
        let kind = ConnectionKind::User {
            client_id: client_id.clone(),
            redirect_uri: redirect_uri.clone(),
            scopes,
        };
        match conn.origin {
            Origin::Sandbox => {
                self.change_sandbox_connection(connection, |c| c.kind = kind)
                    .await;
            }
            Origin::Saved => self.store.update(connection, |c| c.kind = kind)?,
            _ => {
                return Err(UiError::invalid(
                    "kind",
                    wsay!("scopes-not-saved", connection = connection),
                ))
            }
        }
        Ok(())
    }
}

/// Writes one of the Doctor's files, saying where when it cannot.
fn write_report(path: &std::path::Path, text: &str) -> Result<(), UiError> {
    crate::base::platform::write_atomically(path, text.as_bytes()).map_err(|e| UiError::Storage {
        message: wsay!(
            "file-write",
            path = path.display().to_string(),
            reason = e.to_string()
        ),
        path: Some(path.display().to_string()),
    })
}
