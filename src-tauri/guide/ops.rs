//! The guide's operations: the page's requirements checked live on a connection's
//! workspace and app, each step in the person's tools, and which steps are done.

use super::{said, tools, GuideView, Met, Place, Requirement, STEPS};
use crate::access::{judge, Permission, Who};
use crate::base::error::UiError;
use crate::base::i18n::{wsay, Localize};
use crate::connections::Origin;
use crate::engine::Engine;
use crate::workspace::{self, AppSummary};

impl Engine {
    /// The guide on `connection`'s workspace, with `app` (else its first running app with
    /// an address): the requirements as found now, and each step in the person's tools.
    pub async fn guide(&self, connection: &str, app: Option<&str>) -> Result<GuideView, UiError> {
        let conn = self.find(connection).await?;
        let ca_file = match conn.origin {
            Origin::Sandbox => self
                .sandbox
                .lock()
                .await
                .as_ref()
                .map(|(s, _)| s.info.ca_file.display().to_string()),
            // A connection with a CA bundle of its own: that file.
            _ => conn
                .trust()
                .ca_files
                .first()
                .map(|p| p.display().to_string()),
        };
        // Only whether a token can be had, and how long it lasts, leaves this function.
        let token = self
            .session
            .access_token(&conn)
            .await
            .map_err(|e| UiError::from(e).to_string());
        let client = self.session.client(&conn)?;
        let apps = match &token {
            Ok(t) => workspace::list_apps(&client, &conn.host, &t.token)
                .await
                .unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        let picked: Option<&AppSummary> = match app {
            Some(name) => apps.iter().find(|a| a.name == name),
            None => apps
                .iter()
                .find(|a| a.url.is_some() && a.compute_state.as_deref() == Some("ACTIVE"))
                .or_else(|| apps.iter().find(|a| a.url.is_some())),
        };

        let mut requirements = Vec::new();
        // A token can be had.
        requirements.push(match &token {
            Ok(t) => {
                let minutes = t
                    .expires_at
                    .map(|e| e.saturating_sub(crate::oauth::unix_now()) / 60);
                Requirement {
                    id: "token".into(),
                    state: Met::Yes,
                    said: said(
                        "token",
                        Met::Yes,
                        &[("minutes", minutes.map_or("—".into(), |m| m.to_string()))],
                    ),
                }
            }
            Err(e) => Requirement {
                id: "token".into(),
                state: Met::No,
                said: said("token", Met::No, &[("reason", e.clone())]),
            },
        });

        // The app exposes an /api/ endpoint (its OpenAPI document says so).
        let mut path = "/api/".to_string();
        let endpoint = match picked.and_then(|a| a.url.as_deref()) {
            None => Requirement {
                id: "api-endpoint".into(),
                state: Met::No,
                said: said(
                    "api-endpoint",
                    Met::No,
                    &[("app", app.unwrap_or("—").to_string())],
                ),
            },
            Some(url) => {
                let name = picked.map(|a| a.name.clone()).unwrap_or_default();
                match self.discover_endpoints(connection, url).await {
                    // The path to call: the simplest GET (fewest parameters, none required,
                    // the shortest path), else any /api/ one.
                    Ok(found) => match found
                        .operations
                        .iter()
                        .filter(|o| {
                            o.path.starts_with("/api/")
                                && o.method.eq_ignore_ascii_case("GET")
                                && !o.path.contains('{')
                                && !o.parameters.iter().any(|p| p.required)
                        })
                        .min_by_key(|o| (o.parameters.len(), o.path.len()))
                        .or_else(|| {
                            found
                                .operations
                                .iter()
                                .find(|o| o.path.starts_with("/api/"))
                        }) {
                        Some(op) => {
                            path = op.path.clone();
                            Requirement {
                                id: "api-endpoint".into(),
                                state: Met::Yes,
                                said: said(
                                    "api-endpoint",
                                    Met::Yes,
                                    &[
                                        ("app", name),
                                        (
                                            "count",
                                            found
                                                .operations
                                                .iter()
                                                .filter(|o| o.path.starts_with("/api/"))
                                                .count()
                                                .to_string(),
                                        ),
                                        ("path", op.path.clone()),
                                    ],
                                ),
                            }
                        }
                        None => Requirement {
                            id: "api-endpoint".into(),
                            state: Met::Unknown,
                            said: said("api-endpoint", Met::Unknown, &[("app", name)]),
                        },
                    },
                    Err(_) => Requirement {
                        id: "api-endpoint".into(),
                        state: Met::Unknown,
                        said: said("api-endpoint", Met::Unknown, &[("app", name)]),
                    },
                }
            }
        };
        requirements.push(endpoint);

        // CAN USE on the app, as the access view finds it.
        let can_use = match (picked, &token) {
            (Some(a), Ok(t)) => {
                let acl = workspace::app_permissions(&client, &conn.host, &t.token, &a.name)
                    .await
                    .ok();
                let who = workspace::me(&client, &conn.host, &t.token)
                    .await
                    .ok()
                    .map(|m| Who {
                        user_name: m.user_name,
                        groups: Some(m.groups),
                    });
                let (permission, _) = judge(acl.as_deref(), who.as_ref());
                let managers = a
                    .creator
                    .clone()
                    .unwrap_or_else(|| wsay!("access-workspace-admin"));
                let state = match permission {
                    Permission::CanUse | Permission::CanManage => Met::Yes,
                    Permission::None => Met::No,
                    Permission::Unknown => Met::Unknown,
                };
                Requirement {
                    id: "can-use".into(),
                    state,
                    said: said(
                        "can-use",
                        state,
                        &[
                            ("app", a.name.clone()),
                            ("level", permission.words()),
                            ("managers", managers),
                        ],
                    ),
                }
            }
            _ => Requirement {
                id: "can-use".into(),
                state: Met::Unknown,
                said: said(
                    "can-use",
                    Met::Unknown,
                    &[
                        ("app", picked.map_or("—".into(), |a| a.name.clone())),
                        ("level", Permission::Unknown.words()),
                        ("managers", wsay!("access-workspace-admin")),
                    ],
                ),
            },
        };
        requirements.push(can_use);

        let app_scopes = picked
            .map(|a| a.user_api_scopes.clone())
            .unwrap_or_default();
        let place = Place {
            host: &conn.host,
            app: picked.map(|a| a.name.as_str()),
            app_url: picked.and_then(|a| a.url.as_deref()),
            path: &path,
            scopes: &app_scopes,
            ca_file: ca_file.as_deref(),
        };
        let tools = tools(&place);
        Ok(GuideView {
            connection: conn.name.clone(),
            host: conn.host.clone(),
            sandbox: conn.origin == Origin::Sandbox,
            app: picked.map(|a| a.name.clone()),
            app_url: picked.and_then(|a| a.url.clone()),
            app_scopes,
            path,
            requirements,
            tools,
            done: self.guide_done()?,
        })
    }

    /// Opens one of the guide's further reading pages (by id: the window never names a
    /// URL) in the system browser.
    pub fn open_guide_reading(&self, page: &str) -> Result<(), UiError> {
        let url =
            super::reading_url(page, crate::base::i18n::window_language()).ok_or_else(|| {
                UiError::invalid(
                    "page",
                    wsay!("guide-no-such-page", page = format!("{page:?}")),
                )
            })?;
        self.session
            .host()
            .open_url(url)
            .map_err(|e| UiError::System {
                message: wsay!("guide-open-failed", reason = e.in_window(), url = url),
            })
    }

    fn guide_done(&self) -> Result<Vec<String>, UiError> {
        Ok(crate::base::settings::load(&self.config_dir)
            .map_err(|e| UiError::Storage {
                message: e.in_window(),
                path: None,
            })?
            .guide_done)
    }

    /// Marks `step` done (or not); returns the steps done, kept in settings.json.
    pub fn mark_guide_step(&self, step: &str, done: bool) -> Result<Vec<String>, UiError> {
        if !super::is_step(step) {
            return Err(UiError::invalid(
                "step",
                wsay!("guide-no-such-step", step = format!("{step:?}")),
            ));
        }
        self.change_guide(|kept| {
            kept.retain(|s| s != step);
            if done {
                kept.push(step.to_string());
            }
        })
    }

    /// Forgets every step done.
    pub fn reset_guide(&self) -> Result<Vec<String>, UiError> {
        self.change_guide(Vec::clear)
    }

    fn change_guide(&self, change: impl FnOnce(&mut Vec<String>)) -> Result<Vec<String>, UiError> {
        let storage = |e: crate::base::settings::SettingsError| UiError::Storage {
            message: e.in_window(),
            path: None,
        };
        // An unreadable settings.json is reported, never replaced.
        let mut s = crate::base::settings::load(&self.config_dir).map_err(storage)?;
        change(&mut s.guide_done);
        s.guide_done
            .sort_by_key(|d| STEPS.iter().position(|x| x == d));
        s.guide_done.dedup();
        crate::base::settings::save(&self.config_dir, &s).map_err(storage)?;
        Ok(s.guide_done)
    }
}
