//! The workspace's Databricks Apps and the endpoints an app's OpenAPI document lists.

use std::time::Duration;

use crate::base::error::UiError;
use crate::base::i18n::{wsay, Localize};
use crate::bridge::{AppView, EndpointsView};
use crate::engine::Engine;
use crate::http::call::{self, CallSpec};
use crate::workspace::{self, openapi};

impl Engine {
    pub async fn list_apps(&self, connection: &str) -> Result<Vec<AppView>, UiError> {
        let conn = self.find(connection).await?;
        let token = self.session.access_token(&conn).await?;
        let client = self.session.client(&conn)?;
        let apps = workspace::list_apps(&client, &conn.host, &token.token).await?;
        Ok(apps)
    }

    /// The app's OpenAPI document through the same auth: `/openapi.json` (FastAPI's
    /// default; the Apps proxy may send it to sign-in), then `/api/openapi.json`.
    pub async fn discover_endpoints(
        &self,
        connection: &str,
        app_url: &str,
    ) -> Result<EndpointsView, UiError> {
        let conn = self.find(connection).await?;
        let (trust, proxy) = self.session.network_for(&conn);
        let mut tried = Vec::new();
        for path in ["/openapi.json", "/api/openapi.json"] {
            let url = format!("{}{path}", app_url.trim_end_matches('/'));
            let bearer = match url::Url::parse(&url) {
                Ok(u) => match self.session.bearer_for(&conn, &u).await {
                    Ok(b) => b,
                    Err(crate::connections::TokenError::Refused(why)) => {
                        tried.push(format!("{path}: {why}"));
                        continue;
                    }
                    Err(e) => return Err(e.into()),
                },
                Err(e) => {
                    tried.push(format!("{path}: {url:?} is not a URL ({e})"));
                    continue;
                }
            };
            let spec = CallSpec {
                method: "GET".into(),
                url: url.clone(),
                query: vec![],
                headers: vec![("Accept".into(), "application/json".into())],
                body: None,
                timeout: Duration::from_secs(20),
                body_cap: 8 * 1024 * 1024,
            };
            match call::call(&trust, &proxy, &spec, Some(&bearer), std::future::pending()).await {
                Ok(r) if r.status == 200 => match openapi::parse(&r.body) {
                    Ok(mut ops) => {
                        openapi::place_on_app(&mut ops, app_url);
                        return Ok(EndpointsView {
                            source: Some(url),
                            operations: ops,
                            problem: None,
                        });
                    }
                    Err(e) => tried.push(format!("{path}: {}", e.in_window())),
                },
                Ok(r) => tried.push(format!("{path}: {} {}", r.status, r.reason)),
                Err(e) => tried.push(format!("{path}: {}", e.in_window())),
            }
        }
        Ok(EndpointsView {
            source: None,
            operations: Vec::new(),
            problem: Some(wsay!("openapi-none", tried = tried.join("; "))),
        })
    }
}
