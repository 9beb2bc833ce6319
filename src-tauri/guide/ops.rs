//! The guide's operations: the page's requirements checked live on a connection's
//! workspace and app, each step in the person's tools, and which steps are done.

use super::{said, tools, AppRun, GuideView, Met, Place, Requirement, TrialApp, STEPS};
use secrecy::{ExposeSecret, SecretString};

use crate::access::{judge, Permission, Who};
use crate::base::error::UiError;
use crate::base::i18n::{wsay, Localize};
use crate::connections::{ConnectionKind, Origin};
use crate::engine::Engine;
use crate::workspace::{self, AppSummary};

/// A folder of its own for one run of the headless side; removed when dropped.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new(data_dir: &std::path::Path) -> Result<Scratch, UiError> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = data_dir.join(format!("guide-app-run-{}-{nanos}", std::process::id()));
        crate::base::platform::create_private_dir(&dir).map_err(|e| UiError::Storage {
            message: e.to_string(),
            path: Some(dir.display().to_string()),
        })?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

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
                .map(|run| run.sandbox.info.ca_file.display().to_string()),
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

        // Who sends, as the workspace knows them (for CAN USE).
        let who = match &token {
            Ok(t) => workspace::me(&client, &conn.host, &t.token)
                .await
                .ok()
                .map(|m| Who {
                    user_name: m.user_name,
                    groups: Some(m.groups),
                }),
            Err(_) => None,
        };
        let permission_on = |name: String| {
            let (client, who, token, host) = (&client, &who, &token, &conn.host);
            async move {
                let Ok(t) = token else {
                    return Permission::Unknown;
                };
                let acl = workspace::app_permissions(client, host, &t.token, &name)
                    .await
                    .ok();
                judge(acl.as_deref(), who.as_ref()).0
            }
        };

        // CAN USE on the app, as the access view finds it.
        let can_use = match (picked, &token) {
            (Some(a), Ok(_)) => {
                let permission = permission_on(a.name.clone()).await;
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
        let send_url = picked
            .and_then(|a| a.url.as_deref())
            .map(|u| format!("{}{path}", u.trim_end_matches('/')));

        // The scopes a person's token holds now.
        let person = matches!(conn.kind, ConnectionKind::User { .. });
        let held = match person && token.is_ok() {
            true => self.inspect_token(connection).await.ok().map(|i| i.scopes),
            false => None,
        };

        // The playground, on the window's sandbox: its apps as they are now.
        let mut trials = Vec::new();
        if conn.origin == Origin::Sandbox {
            // CAN USE as the workspace's permissions say, else as the sandbox's own proxy
            // decides for who sends (a person cannot always read an app's permissions).
            let sender = match &conn.kind {
                ConnectionKind::ServicePrincipal { client_id, .. } => Some(client_id.clone()),
                _ => conn.signed_in_as.clone(),
            };
            let mut can_use = Vec::new();
            for a in &apps {
                can_use.push(match permission_on(a.name.clone()).await {
                    Permission::CanUse | Permission::CanManage => Some(true),
                    Permission::None => Some(false),
                    Permission::Unknown => {
                        let guard = self.sandbox.lock().await;
                        match (guard.as_ref(), &sender) {
                            (Some(run), Some(who)) => run.sandbox.may_use(who, &a.name),
                            _ => None,
                        }
                    }
                });
            }
            let found: Vec<TrialApp> = apps
                .iter()
                .zip(&can_use)
                .map(|(a, can)| TrialApp {
                    name: &a.name,
                    url: a.url.as_deref(),
                    running: a.compute_state.as_deref() == Some("ACTIVE"),
                    scopes: &a.user_api_scopes,
                    can_use: *can,
                })
                .collect();
            // A person's token is held to an app's scopes; a service principal's is not
            // known to be (nothing on record), so it gets no scopes trial.
            trials = super::trials(
                &found,
                picked.map(|a| a.name.as_str()),
                &path,
                held.as_deref(),
            );
        }

        // The requirements are a step done once all three are met.
        let mut done = self.guide_done()?;
        if requirements.iter().all(|r| r.state == Met::Yes)
            && !done.iter().any(|d| d == "requirements")
        {
            done = self.mark_guide_step("requirements", true)?;
        }
        Ok(GuideView {
            connection: conn.name.clone(),
            host: conn.host.clone(),
            sandbox: conn.origin == Origin::Sandbox,
            apps: apps.iter().map(|a| a.name.clone()).collect(),
            app: picked.map(|a| a.name.clone()),
            app_url: picked.and_then(|a| a.url.clone()),
            app_scopes,
            person,
            held_scopes: held,
            page_scopes: super::PAGE_SCOPES.iter().map(|s| s.to_string()).collect(),
            page_scope_hints: crate::oauth::scope_hints(&super::PAGE_SCOPES.join(" ")),
            path,
            steps: STEPS.iter().map(|s| s.to_string()).collect(),
            send_url,
            trials,
            requirements,
            tools,
            done,
        })
    }

    /// The page's "one Databricks App calling another", done for real on the window's
    /// sandbox: Lakegate's own headless side (`lakegate call GET <url> --include`) runs as a
    /// process of its own with only what a Databricks App's environment holds —
    /// `DATABRICKS_HOST`, `DATABRICKS_CLIENT_ID`, `DATABRICKS_CLIENT_SECRET` of the sandbox's
    /// service principal, the sandbox's CA — and empty folders, so no saved connection,
    /// profile or sign-in can help it: no explicit credentials are needed.
    pub async fn guide_run_as_app(&self, url: &str) -> Result<AppRun, UiError> {
        let parsed = url::Url::parse(url.trim())
            .ok()
            .filter(|u| u.scheme() == "https")
            .ok_or_else(|| UiError::invalid("url", wsay!("guide-run-bad-url")))?;
        let (host, ca_file, client_id, secret) = {
            let guard = self.sandbox.lock().await;
            let run = guard
                .as_ref()
                .ok_or_else(|| UiError::invalid("connection", wsay!("sandbox-not-started")))?;
            let sp = run
                .sandbox
                .info
                .service_principals
                .iter()
                .find(|sp| sp.allowed_scopes.is_none())
                .ok_or_else(|| UiError::invalid("connection", wsay!("sandbox-not-started")))?;
            (
                run.sandbox.info.host.clone(),
                run.sandbox.info.ca_file.clone(),
                sp.client_id.clone(),
                SecretString::from(sp.client_secret.clone()),
            )
        };
        let chosen = crate::base::platform::lock(&self.headless_exe).clone();
        let exe = match chosen {
            Some(exe) => exe,
            None => std::env::current_exe().map_err(|e| UiError::System {
                message: wsay!("guide-run-failed", reason = e.to_string()),
            })?,
        };
        // Folders of its own, new for each run and gone after it, however it ends.
        let scratch = Scratch::new(&self.data_dir)?;
        let home = scratch.0.clone();
        let mut cmd = tokio::process::Command::new(exe);
        cmd.env_clear();
        for keep in ["PATH", "SystemRoot", "SYSTEMROOT", "LANG"] {
            if let Some(v) = std::env::var_os(keep) {
                cmd.env(keep, v);
            }
        }
        cmd.env("HOME", &home)
            .env("USERPROFILE", &home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("APPDATA", home.join("config"))
            .env("LOCALAPPDATA", home.join("data"))
            .env("DATABRICKS_CONFIG_FILE", home.join("none.databrickscfg"))
            .env("SSL_CERT_FILE", &ca_file)
            .env("DATABRICKS_HOST", &host)
            .env("DATABRICKS_CLIENT_ID", &client_id)
            .env("DATABRICKS_CLIENT_SECRET", secret.expose_secret())
            .args(["call", "GET", parsed.as_str(), "--include"])
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true);
        let command = format!(
            "export SSL_CERT_FILE={ca}\nexport DATABRICKS_HOST={host}\nexport DATABRICKS_CLIENT_ID={client_id}\n\
             export DATABRICKS_CLIENT_SECRET=…  # {secret_note}\nlakegate call GET {url} --include",
            ca = crate::snippets::shell_quote(&ca_file.display().to_string()),
            host = crate::snippets::shell_quote(&host),
            url = crate::snippets::shell_quote(parsed.as_str()),
            secret_note = wsay!("guide-run-secret-note"),
        );
        let out = tokio::time::timeout(std::time::Duration::from_secs(60), cmd.output())
            .await
            .map_err(|_| UiError::System {
                message: wsay!("guide-run-failed", reason = "60 s"),
            })?
            .map_err(|e| UiError::System {
                message: wsay!("guide-run-failed", reason = e.to_string()),
            })?;
        let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
        let err = String::from_utf8_lossy(&out.stderr);
        if !err.trim().is_empty() {
            text.push_str(&err);
        }
        // Redacted whole, then cut (a token cut in two would escape the redaction).
        let redacted = crate::base::redaction::redact_text(&text);
        let mut shown: String = redacted.chars().take(4000).collect();
        if shown.len() < redacted.len() {
            shown.push('…');
        }
        drop(scratch);
        let exit_code = out.status.code();
        // The step is done when the app answered the app that called it.
        let done = if exit_code == Some(0) {
            self.mark_guide_step("from-app", true)?
        } else {
            self.guide_done()?
        };
        Ok(AppRun {
            command,
            exit_code,
            output: shown,
            done,
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

    /// Makes the window's sandbox fail as the playground's trial `id` asks: `expired`, the
    /// next call to an app takes its token as past its expiry; `proxy`, Settings → Network
    /// goes through a company proxy that blocks the apps' domain until the person clears it
    /// there (refused when a proxy is set already: it is never replaced). Other trials fail
    /// by themselves: nothing to do.
    pub async fn arm_guide_trial(&self, id: &str) -> Result<(), UiError> {
        let mut guard = self.sandbox.lock().await;
        let run = guard
            .as_mut()
            .ok_or_else(|| UiError::invalid("connection", wsay!("sandbox-not-started")))?;
        match id {
            "expired" => {
                let mut faults = run.sandbox.faults();
                faults.expired_tokens = 1;
                run.sandbox.set_faults(faults);
            }
            "proxy" => {
                let now = self.network_settings()?;
                // Never over a proxy the person set, in Settings or in the environment.
                if now.proxy.is_some() || now.env_proxy.is_some() {
                    return Err(UiError::invalid("proxy", wsay!("guide-proxy-already")));
                }
                if run.company_proxy.is_none() {
                    let started =
                        crate::sandbox::company_proxy::CompanyProxy::start(run.sandbox.addr.port())
                            .await
                            .map_err(|e| UiError::Sandbox {
                                message: e.to_string(),
                            })?;
                    run.company_proxy = Some(started);
                }
                let Some(url) = run.company_proxy.as_ref().map(|p| p.url.clone()) else {
                    return Ok(());
                };
                // Where NO_PROXY lets the apps' domain bypass it, the trial would teach nothing.
                let app = run.sandbox.info.apps.first().map(|a| a.url.clone());
                let through = app.and_then(|a| url::Url::parse(&a).ok()).is_some_and(|a| {
                    crate::http::call::proxy_for(
                        &a,
                        &crate::http::call::ProxySettings {
                            proxy: Some(url.clone()),
                            no_proxy: now.no_proxy.clone(),
                            ..Default::default()
                        },
                    )
                    .is_some()
                });
                if !through {
                    return Err(UiError::invalid("proxy", wsay!("guide-proxy-bypassed")));
                }
                drop(guard);
                self.save_network_settings(crate::bridge::NetworkSettings {
                    proxy: Some(url.clone()),
                    ..now
                })?;
                // Remembered as the playground's, so a later start takes it away.
                let mut s = crate::base::settings::load(&self.config_dir).map_err(|e| {
                    UiError::Storage {
                        message: e.in_window(),
                        path: None,
                    }
                })?;
                s.guide_proxy = Some(url);
                crate::base::settings::save(&self.config_dir, &s).map_err(|e| {
                    UiError::Storage {
                        message: e.in_window(),
                        path: None,
                    }
                })?;
            }
            "scopes" | "no-can-use" | "wrong-app" | "stopped" | "wrong-path" => {}
            other => {
                return Err(UiError::invalid(
                    "id",
                    wsay!("guide-no-such-trial", trial = format!("{other:?}")),
                ))
            }
        }
        Ok(())
    }

    /// Takes away the playground's company proxy from Settings → Network when it is still
    /// there (its sandbox, and so the proxy, ended with the last run): a new sandbox run
    /// and the window's start call it. A proxy the person typed since is left alone.
    pub fn forget_guide_proxy(&self) {
        let Ok(mut s) = crate::base::settings::load(&self.config_dir) else {
            return;
        };
        let Some(trial) = s.guide_proxy.take() else {
            return;
        };
        if s.proxy.as_deref() == Some(trial.as_str()) {
            s.proxy = None;
        }
        if crate::base::settings::save(&self.config_dir, &s).is_ok() {
            self.session.set_network(s, self.proxy_password());
        }
    }

    /// Opens `connection`'s workspace page of service principals in the system browser,
    /// where one is created and its OAuth secret generated. The path is the one Databricks'
    /// web app routes that page to (`SERVICE_PRINCIPALS_PAGE`); the sandbox has no such page.
    pub async fn open_service_principals_page(&self, connection: &str) -> Result<(), UiError> {
        let conn = self.find(connection).await?;
        if conn.origin == Origin::Sandbox {
            return Err(UiError::invalid("connection", wsay!("guide-no-sp-page")));
        }
        let url = format!(
            "{}{}",
            conn.host.trim_end_matches('/'),
            super::SERVICE_PRINCIPALS_PAGE
        );
        self.session
            .host()
            .open_url(&url)
            .map_err(|e| UiError::System {
                message: wsay!(
                    "guide-open-failed",
                    reason = e.in_window(),
                    url = url.clone()
                ),
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
