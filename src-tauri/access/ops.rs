//! The access view's data: every connection of one workspace, every app of it, what each
//! identity holds on each app and, with a path, what a real call as each got. The same
//! core for the window and `lakegate access`.

use secrecy::ExposeSecret;
use tokio::sync::Semaphore;

use serde::Deserialize;
use ts_rs::TS;

use crate::access::{self, AccessCell, AccessIdentity, AccessMatrix, AppAccess, Permission, Who};
use crate::base::error::UiError;
use crate::base::i18n::{wsay, Localize};
use crate::bridge::{AppView, RequestInput};
use crate::connections::{Connection, ConnectionKind, TokenError};
use crate::engine::Engine;
use crate::oauth::jwt;
use crate::workspace::{self, AclEntry};

/// Calls Check all makes at once.
const CALLS_AT_ONCE: usize = 4;
/// How long one call of Check all may take, its token included (the call itself: 30 s).
const CELL_LIMIT: std::time::Duration = std::time::Duration::from_secs(45);

struct Column {
    conn: Connection,
    token: Option<crate::connections::AccessToken>,
    client: Option<reqwest::Client>,
    who: Option<Who>,
    view: AccessIdentity,
}

fn same_workspace(a: &str, b: &str) -> bool {
    a.trim_end_matches('/')
        .eq_ignore_ascii_case(b.trim_end_matches('/'))
}

#[derive(Debug, Clone, Copy, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum AccessFormat {
    Markdown,
    Csv,
}

impl Engine {
    /// `access_matrix` for the window, which keeps it for its exports.
    pub async fn access_view(
        &self,
        connection: &str,
        path: Option<&str>,
    ) -> Result<AccessMatrix, UiError> {
        let m = self.access_matrix(connection, path).await?;
        *crate::base::platform::lock(&self.last_access) = Some(m.clone());
        Ok(m)
    }

    /// Writes the access view last shown as Markdown or CSV to `path` (an existing file
    /// only when `replace` says so); returns the path written.
    pub fn save_access_report(
        &self,
        format: AccessFormat,
        path: &str,
        replace: bool,
    ) -> Result<String, UiError> {
        let render = |m: &AccessMatrix| match format {
            AccessFormat::Markdown => access::to_markdown(m),
            AccessFormat::Csv => access::to_csv(m),
        };
        let missing = wsay!("access-not-loaded");
        crate::engine::files::save_last(&self.last_access, missing, render, path, replace)
    }

    /// Who can call which app in the workspace of `connection`: its apps as rows, every
    /// connection of that workspace as a column. With `path`, each app is called there
    /// as each identity (GET, sent once).
    pub async fn access_matrix(
        &self,
        connection: &str,
        path: Option<&str>,
    ) -> Result<AccessMatrix, UiError> {
        let path = match path.map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) if !p.starts_with('/') => {
                return Err(UiError::invalid("path", wsay!("access-path-slash")))
            }
            other => other,
        };
        let anchor = self.find(connection).await?;
        let (all, _) = self.all().await?;
        let mut conns: Vec<Connection> = Vec::new();
        for c in all {
            if same_workspace(&c.host, &anchor.host) && !conns.iter().any(|x| x.name == c.name) {
                conns.push(c);
            }
        }
        let columns: Vec<Column> =
            futures_util::future::join_all(conns.into_iter().map(|c| self.column(c))).await;
        // The apps, as the first identity that may list them sees them.
        let mut apps: Option<Vec<AppView>> = None;
        let mut last_error = None;
        for col in &columns {
            let (Some(t), Some(client)) = (&col.token, &col.client) else {
                continue;
            };
            match workspace::list_apps(client, &col.conn.host, &t.token).await {
                Ok(a) => {
                    apps = Some(a);
                    break;
                }
                Err(e) => last_error = Some(e),
            }
        }
        let apps = match (apps, last_error) {
            (Some(a), _) => a,
            (None, Some(e)) => return Err(e.into()),
            (None, None) => {
                return Err(UiError::SignInNeeded {
                    message: wsay!("access-none-signed-in", host = &anchor.host),
                    connection: anchor.name.clone(),
                })
            }
        };
        let rows = futures_util::future::join_all(apps.iter().map(|a| self.row(a, &columns))).await;
        let mut matrix = AccessMatrix {
            host: anchor.host.clone(),
            identities: columns.iter().map(|c| c.view.clone()).collect(),
            apps: rows,
            checked_path: None,
        };
        if let Some(path) = path {
            self.check_all(&mut matrix, &apps, &columns, path).await;
            matrix.checked_path = Some(path.to_string());
        }
        for app in matrix.apps.iter_mut() {
            for cell in app.cells.iter_mut() {
                cell.red = cell.is_red();
                cell.parts = cell.parts(&app.scopes);
            }
        }
        Ok(matrix)
    }

    async fn column(&self, conn: Connection) -> Column {
        let kind = match conn.kind {
            ConnectionKind::ServicePrincipal { .. } => "service principal",
            _ => "person",
        };
        let mut view = AccessIdentity {
            connection: conn.name.clone(),
            kind: kind.into(),
            who: conn.signed_in_as.clone(),
            groups: None,
            problem: None,
        };
        let token = match self.session.access_token(&conn).await {
            Ok(t) => Some(t),
            Err(e) => {
                view.problem = Some(match e {
                    TokenError::SignInNeeded(_) => {
                        "not signed in: sign in to include it".to_string()
                    }
                    other => UiError::from(other).to_string(),
                });
                None
            }
        };
        let client = self.session.client(&conn).ok();
        let mut who = None;
        if let (Some(t), Some(client)) = (&token, &client) {
            match workspace::me(client, &conn.host, &t.token).await {
                Ok(me) => {
                    view.who = Some(
                        me.display_name
                            .clone()
                            .filter(|_| kind != "person")
                            .unwrap_or_else(|| me.user_name.clone()),
                    );
                    view.groups = Some(me.groups.clone());
                    who = Some(Who {
                        user_name: me.user_name,
                        groups: Some(me.groups),
                    });
                }
                Err(e) => {
                    view.problem = Some(wsay!("access-groups-unreadable", reason = e.in_window()))
                }
            }
        }
        Column {
            conn,
            token,
            client,
            who,
            view,
        }
    }

    async fn row(&self, app: &AppView, columns: &[Column]) -> AppAccess {
        // The list as the first identity allowed to read it sees it.
        let mut acl: Option<(Vec<AclEntry>, String)> = None;
        for col in columns {
            let (Some(t), Some(client)) = (&col.token, &col.client) else {
                continue;
            };
            if let Ok(list) =
                workspace::app_permissions(client, &col.conn.host, &t.token, &app.name).await
            {
                acl = Some((list, col.conn.name.clone()));
                break;
            }
        }
        let managers = match &acl {
            Some((list, _)) => list
                .iter()
                .filter(|e| e.levels.iter().any(|l| l == "CAN_MANAGE"))
                .map(|e| e.display.clone().unwrap_or_else(|| e.name.clone()))
                .collect(),
            None => app.creator.iter().cloned().collect(),
        };
        let cells = columns
            .iter()
            .map(|col| {
                let (permission, via) = judge_column(acl.as_ref().map(|(l, _)| l.as_slice()), col);
                let granted = col.token.as_ref().map(granted_scopes);
                let missing: Vec<String> = match &granted {
                    Some(g) => app
                        .user_api_scopes
                        .iter()
                        .filter(|s| !g.contains(s))
                        .cloned()
                        .collect(),
                    None => vec![],
                };
                AccessCell {
                    connection: col.conn.name.clone(),
                    permission,
                    via,
                    // A service principal's token against user-authorization scopes:
                    // unknown (whether apps hold it to them is not on record).
                    scopes_covered: granted
                        .map(|_| missing.is_empty())
                        .filter(|covered| *covered || !service_principal(col)),
                    missing_scopes: missing,
                    status: None,
                    error: None,
                    said: None,
                    red: false,
                    parts: Default::default(),
                }
            })
            .collect();
        AppAccess {
            app: app.name.clone(),
            url: app.url.clone(),
            scopes: app.user_api_scopes.clone(),
            acl_read_by: acl.map(|(_, by)| by),
            managers,
            cells,
        }
    }

    /// Calls `path` on every app as every identity that has a token, a few at a time.
    async fn check_all(
        &self,
        matrix: &mut AccessMatrix,
        apps: &[AppView],
        columns: &[Column],
        path: &str,
    ) {
        let gate = Semaphore::new(CALLS_AT_ONCE);
        let mut calls = Vec::new();
        for (i, app) in apps.iter().enumerate() {
            for (j, col) in columns.iter().enumerate() {
                calls.push((i, j, app, col));
            }
        }
        let results = futures_util::future::join_all(calls.into_iter().map(|(i, j, app, col)| {
            let gate = &gate;
            async move {
                let Some(base) = &app.url else {
                    return (i, j, Err("the app has never been deployed".to_string()));
                };
                if col.token.is_none() {
                    return (
                        i,
                        j,
                        Err(col
                            .view
                            .problem
                            .clone()
                            .unwrap_or_else(|| wsay!("doctor-skip-no-token"))),
                    );
                }
                let _permit = gate.acquire().await;
                let request = RequestInput {
                    connection: Some(col.conn.name.clone()),
                    method: "GET".into(),
                    url: format!("{}{path}", base.trim_end_matches('/')),
                    query: vec![],
                    headers: vec![],
                    body: None,
                    timeout_secs: 30,
                    without_token: None,
                };
                let id = format!("access-{i}-{j}-{}", std::process::id());
                // The call's own timeout starts once it is sent: the whole cell, its token
                // and its route included, is bounded too, so Check all always ends.
                let bounded = tokio::time::timeout(CELL_LIMIT, self.send_unrecorded(&id, request));
                let Ok(sent) = bounded.await else {
                    self.cancel_request(&id);
                    let secs = CELL_LIMIT.as_secs().to_string();
                    return (i, j, Err(wsay!("access-cell-timeout", seconds = secs)));
                };
                let got = sent
                    .map(|r| {
                        let said = crate::http::refused(r.status)
                            .then(|| {
                                let start = &r.body[..r.body.len().min(64 * 1024)];
                                crate::http::words::said(&String::from_utf8_lossy(start), 200)
                            })
                            .filter(|w| !w.is_empty());
                        (r.status, said)
                    })
                    .map_err(|e| e.to_string());
                (i, j, got)
            }
        }))
        .await;
        for (i, j, got) in results {
            let cell = &mut matrix.apps[i].cells[j];
            match got {
                Ok((s, said)) => {
                    cell.status = Some(s);
                    cell.said = said;
                }
                Err(e) => cell.error = Some(e),
            }
        }
    }
}

fn service_principal(col: &Column) -> bool {
    matches!(
        col.conn.kind,
        crate::connections::ConnectionKind::ServicePrincipal { .. }
    )
}

fn judge_column(acl: Option<&[AclEntry]>, col: &Column) -> (Permission, Option<String>) {
    if col.token.is_none() {
        return (Permission::Unknown, col.view.problem.clone());
    }
    access::judge(acl, col.who.as_ref())
}

/// The scopes a token grants: its JWT's claim when it has one, else what the sign-in said.
fn granted_scopes(t: &crate::connections::AccessToken) -> Vec<String> {
    match jwt::decode_unverified(t.token.expose_secret()) {
        Ok(d) if !d.scopes().is_empty() => d.scopes(),
        _ => t.scopes.clone(),
    }
}
