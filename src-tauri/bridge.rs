//! Everything that crosses between Rust and the UI. Each type here derives its
//! TypeScript twin; `typescript_bindings` writes them all into one file,
//! `ui/src/lib/bindings.ts`, which is committed and checked by a test.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the window shows about this installation.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    /// Operating system and CPU, e.g. `linux x86_64`.
    pub platform: String,
    /// Where settings and connections are kept (secrets never are: they go to the keychain).
    pub config_dir: String,
    /// Where history and saved requests are kept.
    pub data_dir: String,
    /// Whether this installation can open the window: built with the `gui` feature, with
    /// `lakegate-window` next to the running program.
    pub has_window: bool,
}

/// A connection as the sidebar shows it. Never carries a secret.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionView {
    pub name: String,
    pub host: String,
    pub kind: ConnectionKindName,
    /// e.g. "user sign-in", "service principal".
    pub kind_label: String,
    pub client_id: Option<String>,
    pub scopes: Vec<String>,
    pub origin: OriginName,
    pub signed_in_as: Option<String>,
    /// The refresh token died: the user must sign in again.
    pub needs_sign_in: bool,
    /// A token, refresh token, secret or PAT is available.
    pub has_credentials: bool,
    /// Unix seconds, when known.
    pub expires_at: Option<u64>,
    /// For a person's sign-in: false when the workspace gave no refresh token (its OAuth
    /// app does not grant `offline_access`), so the sign-in ends at `expires_at`.
    pub refreshable: Option<bool>,
    /// Saved connections can be removed; the others live in the environment or a file.
    pub removable: bool,
    /// Hosts typed in as trusted with this connection's token (`host` or `host:port`).
    pub trusted_hosts: Vec<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum ConnectionKindName {
    User,
    ServicePrincipal,
    Pat,
    CliProfile,
}

/// Where a connection comes from: the core's own type.
pub type OriginName = crate::connections::Origin;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeychainStatus {
    pub available: bool,
    /// The user chose to keep secrets in memory for this run.
    pub in_memory: bool,
    /// Why the keychain cannot be used, when it cannot.
    pub problem: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionsOverview {
    pub connections: Vec<ConnectionView>,
    /// Things noticed while reading files and the environment.
    pub notes: Vec<String>,
    pub keychain: KeychainStatus,
    /// The sandbox workspace this window started, if any.
    pub sandbox: Option<SandboxView>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SandboxView {
    pub host: String,
    /// Point other clients at it with this CA file.
    pub ca_file: String,
    pub users: Vec<String>,
}

/// What the "Add connection" form sends. The secret crosses once, to be kept in the keychain.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewConnection {
    pub name: String,
    pub host: String,
    pub kind: ConnectionKindName,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Client secret (service principal) or personal access token.
    pub secret: Option<String>,
    /// The databricks CLI profile for `cliProfile`.
    pub profile: Option<String>,
    /// A PEM CA bundle file to trust for this connection.
    pub ca_bundle: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignInStarted {
    pub connection: String,
    /// The link the browser was asked to open (for "copy the sign-in link").
    pub link: String,
    /// Whether a browser was opened; when not, the link must be opened by hand.
    pub browser_opened: bool,
    pub browser_problem: Option<String>,
}

/// What the token inspector shows: decoded header and claims, never the token itself.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TokenInspection {
    pub connection: String,
    /// "jwt", or "opaque" for tokens with no readable claims (PATs).
    pub format: String,
    /// Pretty JSON.
    pub header: Option<String>,
    pub claims: Option<String>,
    pub subject: Option<String>,
    pub client: Option<String>,
    pub issuer: Option<String>,
    pub audience: Option<String>,
    pub scopes: Vec<String>,
    pub issued_at: Option<u64>,
    pub expires_at: Option<u64>,
    /// Why the claims could not be read, when they could not.
    pub problem: Option<String>,
}

/// An app as the explorer shows it: the core's own type, as the Apps API gives it.
pub type AppView = crate::workspace::AppSummary;
/// An operation of an app's OpenAPI document: the core's own type.
pub type OperationView = crate::workspace::openapi::Operation;
/// A parameter of an operation: the core's own type.
pub type ParameterView = crate::workspace::openapi::Parameter;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EndpointsView {
    /// Where the OpenAPI document was found.
    pub source: Option<String>,
    pub operations: Vec<OperationView>,
    /// Why there is no list (the app has no reachable OpenAPI document): type the path.
    pub problem: Option<String>,
}

pub use crate::body::BodyKind;
pub use crate::request::RequestInput;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TimingsView {
    pub dns_ms: f64,
    pub connect_ms: f64,
    pub tls_ms: f64,
    pub first_byte_ms: f64,
    pub total_ms: f64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ResponseView {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    /// "json", "text", "binary" or "empty".
    pub body_kind: BodyKind,
    /// The body's text as received; `None` for binary bodies, and in the window for
    /// bodies over 64 KiB (it asks for the rows it draws through `body_id`).
    pub body_text: Option<String>,
    pub content_type: Option<String>,
    /// Bytes received.
    pub size: u64,
    /// The body was larger than the cap: the view holds its beginning only.
    pub truncated: bool,
    pub cap: u64,
    pub timings: TimingsView,
    pub remote: Option<String>,
    pub via_proxy: Option<String>,
    /// The window's handle on the body kept in the core (rows, search, save).
    pub body_id: Option<String>,
    /// Where Save to file proposes to write the body.
    pub save_as: Option<String>,
    /// Stop was pressed while the body arrived: it holds what came until then.
    pub stopped: bool,
    /// A streamed answer's events (server-sent events, JSON lines or streamed text), at
    /// most 5,000; `events_total` counts them all.
    pub events: Option<Vec<crate::stream::StreamEvent>>,
    pub events_total: Option<u32>,
    /// The Doctor's note on a stream that came all at once after a wait (buffered).
    pub stream_note: Option<String>,
    /// Each wait a rate limit asked for (429 or 503 with `Retry-After`, seconds) before the
    /// request, safe to repeat, was sent again; empty when it was sent once.
    pub waited_secs: Vec<u32>,
    /// The answer is a refusal, not the one asked for (`http::refused`: anything but a
    /// 2xx, a redirect too — an app's domain answers a token it does not take with one).
    pub refused: bool,
}

/// Told to the window while an answer arrives.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum StreamUpdate {
    /// The answer started; `streaming`: it is shown as it arrives.
    Head { status: u16, streaming: bool },
    /// Bytes received so far, and the events completed since the last update.
    Arrived {
        bytes: u64,
        events: Vec<crate::stream::StreamEvent>,
    },
}

/// A pasted curl command as a request of the window (or `lakegate call --curl`).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CurlImport {
    /// The request, with the connection whose workspace owns its host (when one does).
    pub request: RequestInput,
    /// A connection was found by the host; else the request keeps the one asked for.
    pub connection_found: bool,
    /// The command carried a credential, which was left out and not kept.
    pub carried_token: bool,
    /// What to tell the person, first things first.
    pub notes: Vec<String>,
}

/// A body written to a file.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedBody {
    pub path: String,
    pub bytes: u64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SnippetsView {
    pub curl: String,
    pub python_requests: String,
    pub python_sdk: String,
    /// Python with a `~/.databrickscfg` profile's token (`Config(profile=…).oauth_token()`).
    pub python_cli_profile: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HistoryView {
    pub id: String,
    pub at: u64,
    pub request: RequestInput,
    pub status: Option<u16>,
    pub total_ms: Option<f64>,
    pub size: Option<u64>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedView {
    pub collection: String,
    pub name: String,
    pub request: RequestInput,
}

/// Network settings for every call, OAuth included.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NetworkSettings {
    /// `http://[user:password@]host:port`; empty: `HTTPS_PROXY` from the environment.
    pub proxy: Option<String>,
    /// Hosts that skip the proxy, comma-separated.
    pub no_proxy: Option<String>,
    /// A PEM bundle trusted for every connection, on top of the system roots.
    pub ca_bundle: Option<String>,
    /// What the environment says, for reference.
    #[serde(default)]
    pub env_proxy: Option<String>,
}

/// Apps as rows, scopes as columns: what each app needs against what the token has.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScopeMatrix {
    pub connection: String,
    /// Every user-authorization scope some app needs.
    pub scopes: Vec<String>,
    /// The scopes of the connection's current token.
    pub granted: Vec<String>,
    pub rows: Vec<ScopeMatrixRow>,
    /// Whether "sign in with the missing scopes" is possible (user sign-in connections).
    pub can_sign_in: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScopeMatrixRow {
    pub app: String,
    pub required: Vec<String>,
    pub effective: Vec<String>,
    pub missing: Vec<String>,
}

/// Where an exported Doctor report was written.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportedReport {
    pub markdown: String,
    pub json: String,
    /// A field recording beside them, when the answer matched none Databricks is on
    /// record as giving (no token, cookie or body in it).
    pub recording: Option<String>,
}
