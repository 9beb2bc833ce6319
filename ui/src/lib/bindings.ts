// Generated from the Rust types listed in src-tauri/bindings.rs and the commands'
// signatures in src-tauri/gui/commands.rs.
// Do not edit: run `make bindings` (a test fails when this file is stale).

/** What a command streams to: a Tauri `Channel` (made in api.ts, the only caller). */
export type Listener<T> = { onmessage: (message: T) => void };

export type AppInfo = { name: string, version: string, 
/**
 * Operating system and CPU, e.g. `linux x86_64`.
 */
platform: string, 
/**
 * Where settings and connections are kept (secrets never are: they go to the keychain).
 */
configDir: string, 
/**
 * Where history and saved requests are kept.
 */
dataDir: string, 
/**
 * Whether this installation can open the window: built with the `gui` feature, with
 * `lakegate-window` next to the running program.
 */
hasWindow: boolean, };

export type UiError = { "kind": "Storage", message: string, path: string | null, } | { "kind": "Keychain", message: string, } | { "kind": "InvalidInput", message: string, field: string, } | { "kind": "SignInNeeded", message: string, connection: string, } | { "kind": "SignInAgain", message: string, connection: string, } | { "kind": "NotDatabricks", message: string, } | { "kind": "Network", message: string, } | { "kind": "Refused", message: string, } | { "kind": "Cancelled", message: string, } | { "kind": "TimedOut", message: string, } | { "kind": "TlsUntrusted", message: string, } | { "kind": "Proxy", message: string, } | { "kind": "Cli", message: string, } | { "kind": "Sandbox", message: string, } | { "kind": "TokenRefused", message: string, host: string, } | { "kind": "NotFound", message: string, } | { "kind": "FileExists", message: string, path: string, } | { "kind": "System", message: string, };

export type ConnectionView = { name: string, host: string, kind: ConnectionKindName, 
/**
 * e.g. "user sign-in", "service principal".
 */
kindLabel: string, clientId: string | null, scopes: Array<string>, origin: OriginName, signedInAs: string | null, 
/**
 * The refresh token died: the user must sign in again.
 */
needsSignIn: boolean, 
/**
 * A token, refresh token, secret or PAT is available.
 */
hasCredentials: boolean, 
/**
 * Unix seconds, when known.
 */
expiresAt: number | null, 
/**
 * For a person's sign-in: false when the workspace gave no refresh token (its OAuth
 * app does not grant `offline_access`), so the sign-in ends at `expires_at`.
 */
refreshable: boolean | null, 
/**
 * Saved connections can be removed; the others live in the environment or a file.
 */
removable: boolean, 
/**
 * Hosts typed in as trusted with this connection's token (`host` or `host:port`).
 */
trustedHosts: Array<string>, };

export type ConnectionKindName = "user" | "servicePrincipal" | "pat" | "cliProfile";

export type OriginName = "saved" | "environment" | "profile" | "sandbox";

export type KeychainStatus = { available: boolean, 
/**
 * The user chose to keep secrets in memory for this run.
 */
inMemory: boolean, 
/**
 * Why the keychain cannot be used, when it cannot.
 */
problem: string | null, };

export type ConnectionsOverview = { connections: Array<ConnectionView>, 
/**
 * Things noticed while reading files and the environment.
 */
notes: Array<string>, keychain: KeychainStatus, 
/**
 * The sandbox workspace this window started, if any.
 */
sandbox: SandboxView | null, };

export type SandboxView = { host: string, 
/**
 * Point other clients at it with this CA file.
 */
caFile: string, users: Array<string>, };

export type NewConnection = { name: string, host: string, kind: ConnectionKindName, clientId: string | null, redirectUri: string | null, scopes: Array<string>, 
/**
 * Client secret (service principal) or personal access token.
 */
secret: string | null, 
/**
 * The databricks CLI profile for `cliProfile`.
 */
profile: string | null, 
/**
 * A PEM CA bundle file to trust for this connection.
 */
caBundle: string | null, };

export type SignInStarted = { connection: string, 
/**
 * The link the browser was asked to open (for "copy the sign-in link").
 */
link: string, 
/**
 * Whether a browser was opened; when not, the link must be opened by hand.
 */
browserOpened: boolean, browserProblem: string | null, };

export type TokenInspection = { connection: string, 
/**
 * "jwt", or "opaque" for tokens with no readable claims (PATs).
 */
format: string, 
/**
 * Pretty JSON.
 */
header: string | null, claims: string | null, subject: string | null, client: string | null, issuer: string | null, audience: string | null, scopes: Array<string>, issuedAt: number | null, expiresAt: number | null, 
/**
 * Why the claims could not be read, when they could not.
 */
problem: string | null, };

export type AppView = { name: string, 
/**
 * The app's address from the API; `None` when it has never been deployed.
 */
url: string | null, description: string | null, appState: string | null, appMessage: string | null, computeState: string | null, computeMessage: string | null, deploymentState: string | null, userApiScopes: Array<string>, effectiveUserApiScopes: Array<string>, creator: string | null, };

export type ParameterView = { name: string, 
/**
 * "path", "query", "header".
 */
location: string, required: boolean, description: string | null, 
/**
 * A type hint such as "integer" or "string".
 */
kind: string | null, default: string | null, };

export type OperationView = { method: string, path: string, summary: string | null, operationId: string | null, parameters: Array<ParameterView>, 
/**
 * Pretty JSON shaped like the request body's schema.
 */
bodySkeleton: string | null, 
/**
 * Where the operation is on the app that served the document (its path on the app's
 * origin, `{parameters}` as written); none when the path could leave that origin.
 */
url: string | null, };

export type EndpointsView = { 
/**
 * Where the OpenAPI document was found.
 */
source: string | null, operations: Array<OperationView>, 
/**
 * Why there is no list (the app has no reachable OpenAPI document): type the path.
 */
problem: string | null, };

export type RequestInput = { connection: string | null, method: string, url: string, query: Array<[string, string]>, headers: Array<[string, string]>, body: string | null, 
/**
 * (`timeout_secs` in history files written before this was one type.)
 */
timeoutSecs: number, 
/**
 * Send without the connection's token (after Lakegate refused to send it to this host).
 */
withoutToken?: boolean, };

export type TimingsView = { dnsMs: number, connectMs: number, tlsMs: number, firstByteMs: number, totalMs: number, };

export type ResponseView = { status: number, reason: string, headers: Array<[string, string]>, 
/**
 * "json", "text", "binary" or "empty".
 */
bodyKind: BodyKind, 
/**
 * The body's text as received; `None` for binary bodies, and in the window for
 * bodies over 64 KiB (it asks for the rows it draws through `body_id`).
 */
bodyText: string | null, contentType: string | null, 
/**
 * Bytes received.
 */
size: number, 
/**
 * The body was larger than the cap: the view holds its beginning only.
 */
truncated: boolean, cap: number, timings: TimingsView, remote: string | null, viaProxy: string | null, 
/**
 * The window's handle on the body kept in the core (rows, search, save).
 */
bodyId: string | null, 
/**
 * Where Save to file proposes to write the body.
 */
saveAs: string | null, 
/**
 * Stop was pressed while the body arrived: it holds what came until then.
 */
stopped: boolean, 
/**
 * A streamed answer's events (server-sent events, JSON lines or streamed text), at
 * most 5,000; `events_total` counts them all.
 */
events: Array<StreamEvent> | null, eventsTotal: number | null, 
/**
 * The Doctor's note on a stream that came all at once after a wait (buffered).
 */
streamNote: string | null, 
/**
 * Each wait a rate limit asked for (429 or 503 with `Retry-After`, seconds) before the
 * request, safe to repeat, was sent again; empty when it was sent once.
 */
waitedSecs: Array<number>, 
/**
 * The answer is a refusal, not the one asked for (`http::refused`: anything but a
 * 2xx, a redirect too — an app's domain answers a token it does not take with one).
 */
refused: boolean, };

export type SnippetsView = { curl: string, pythonRequests: string, pythonSdk: string, 
/**
 * Python with a `~/.databrickscfg` profile's token (`Config(profile=…).oauth_token()`).
 */
pythonCliProfile: string, };

export type HistoryView = { id: string, at: number, request: RequestInput, status: number | null, totalMs: number | null, size: number | null, error: string | null, };

export type SavedView = { collection: string, name: string, request: RequestInput, };

export type NetworkSettings = { 
/**
 * `http://[user:password@]host:port`; empty: `HTTPS_PROXY` from the environment.
 */
proxy: string | null, 
/**
 * Hosts that skip the proxy, comma-separated.
 */
noProxy: string | null, 
/**
 * A PEM bundle trusted for every connection, on top of the system roots.
 */
caBundle: string | null, 
/**
 * What the environment says, for reference.
 */
envProxy: string | null, };

export type ScopeMatrix = { connection: string, 
/**
 * Every user-authorization scope some app needs.
 */
scopes: Array<string>, 
/**
 * The scopes of the connection's current token.
 */
granted: Array<string>, rows: Array<ScopeMatrixRow>, 
/**
 * Whether "sign in with the missing scopes" is possible (user sign-in connections).
 */
canSignIn: boolean, };

export type ExportedReport = { markdown: string, json: string, 
/**
 * A field recording beside them, when the answer matched none Databricks is on
 * record as giving (no token, cookie or body in it).
 */
recording: string | null, };

export type ScopeMatrixRow = { app: string, required: Array<string>, effective: Array<string>, missing: Array<string>, };

export type BodyKind = "empty" | "json" | "text" | "binary";

export type SavedBody = { path: string, bytes: number, };

export type CurlImport = { 
/**
 * The request, with the connection whose workspace owns its host (when one does).
 */
request: RequestInput, 
/**
 * A connection was found by the host; else the request keeps the one asked for.
 */
connectionFound: boolean, 
/**
 * The command carried a credential, which was left out and not kept.
 */
carriedToken: boolean, 
/**
 * What to tell the person, first things first.
 */
notes: Array<string>, };

export type StreamUpdate = { "kind": "head", status: number, streaming: boolean, } | { "kind": "arrived", bytes: number, events: Array<StreamEvent>, };

export type StreamEvent = { 
/**
 * When it arrived, in ms from the request's start.
 */
atMs: number, 
/**
 * The SSE `event` field (`None`: a plain message, or a piece of a non-SSE stream).
 */
event: string | null, data: string, id: string | null, };

export type JsonKind = "object" | "array" | "string" | "number" | "boolean" | "null";

export type TextRows = { 
/**
 * Rows in the whole body at this width.
 */
total: number, from: number, rows: Array<string>, };

export type TreeRow = { node: number, depth: number, 
/**
 * The member's name (decoded), for members of an object.
 */
key: string | null, 
/**
 * The item's place, for items of an array.
 */
index: number | null, kind: JsonKind, 
/**
 * A value as the app wrote it (strings with their quotes and escapes, numbers as
 * written); empty for objects and arrays.
 */
text: string, 
/**
 * The value is longer than a row shows.
 */
cut: boolean, 
/**
 * Members or items of an object or array.
 */
count: number, open: boolean, };

export type TreeRows = { total: number, from: number, rows: Array<TreeRow>, };

export type SearchHit = { 
/**
 * Matches in the body (at most `MAX_MATCHES`; `more` when there are others).
 */
total: number, more: boolean, 
/**
 * Which match this is (0-based); `None` when nothing matched.
 */
index: number | null, 
/**
 * The row to scroll to, and in the text view the match's columns in it.
 */
row: number | null, column: number | null, length: number | null, 
/**
 * The view's rows after the search opened the match's ancestors (tree view).
 */
rows: number, };

export type Verdict = "pass" | "warn" | "fail" | "unknown" | "skipped";

export type StepId = "url" | "dns" | "tcp" | "tls" | "proxy" | "oauth" | "token" | "identity" | "app" | "permission" | "scopes" | "endpoint" | "request";

export type Facts = { 
/**
 * The host the check is about.
 */
host: string | null, 
/**
 * The HTTP status the request got.
 */
status: number | null, 
/**
 * Scopes the app needs that the token lacks.
 */
missingScopes: Array<string>, 
/**
 * Scopes the token has.
 */
grantedScopes: Array<string>, app: string | null, appState: string | null, computeState: string | null, 
/**
 * The permission levels found for the caller (`CAN_USE`, `CAN_MANAGE`).
 */
permissionLevels: Array<string>, 
/**
 * Who the token speaks for, by display name where the workspace gives one.
 */
identity: string | null, 
/**
 * Who can grant CAN USE on the app.
 */
managers: Array<string>, 
/**
 * The recorded Databricks answer (tests/fixtures/databricks/) the request's answer
 * matches; none for an answer Lakegate has not seen on record.
 */
recordedAs: string | null, };

export type Finding = { check: StepId, title: string, verdict: Verdict, observed: Text, meaning: Text, nextStep: Text, facts: Facts, 
/**
 * The verdict's icon and word (`Verdict::marked`).
 */
mark: Marked, };

export type Report = { url: string, method: string, connection: string | null, 
/**
 * Unix seconds.
 */
at: number, findings: Array<Finding>, };

export type CheckOutcome = { name: string, method: string, 
/**
 * The URL as sent (no credentials: a check file holds none).
 */
url: string, passed: boolean, 
/**
 * The status the answer had; none when no answer came.
 */
status: number | null, ms: number, 
/**
 * What did not hold, in words; empty when it passed.
 */
problems: Array<string>, 
/**
 * No answer came (network, sign-in, an app that is not there).
 */
error: string | null, 
/**
 * The Doctor's short form for a refused or failed request: title, what it saw, what to do.
 */
doctor: Array<DoctorNote>, 
/**
 * The first bytes of the answer, as text (the window shows it; reports do not).
 */
answer?: string, };

export type DoctorNote = { title: string, observed: string, nextStep: string, };

export type CheckRun = { name: string, connection: string, host: string, 
/**
 * Unix seconds.
 */
startedAt: number, totalMs: number, passed: number, failed: number, outcomes: Array<CheckOutcome>, };

export type CheckFileView = { 
/**
 * The file, as read (`~/` expanded).
 */
path: string, name: string, concurrency: number, checks: Array<CheckLine>, };

export type CheckLine = { name: string, method: string, 
/**
 * `app /path` or the URL.
 */
target: string, };

export type ReportFormat = "junit" | "markdown" | "json";

export type Permission = "canManage" | "canUse" | "none" | "unknown";

export type AccessIdentity = { connection: string, 
/**
 * "person" or "service principal".
 */
kind: string, 
/**
 * Who the workspace says it is (e-mail or display name); none when it could not be asked.
 */
who: string | null, 
/**
 * Its groups, as SCIM reports them; none when they could not be read.
 */
groups: Array<string> | null, 
/**
 * Why this identity could not be used (not signed in, refused…).
 */
problem: string | null, };

export type Marked = { mark: string, text: Text, };

export type CellParts = { permission: Marked, scopes: Marked, call: Marked | null, };

export type AccessCell = { connection: string, permission: Permission, 
/**
 * How it is held: "direct", "group NAME", "workspace admin"; or why it is unknown.
 */
via: string | null, 
/**
 * Whether the token covers the app's user-authorization scopes; none when the token
 * could not be read.
 */
scopesCovered: boolean | null, missingScopes: Array<string>, 
/**
 * After Check all: the status a real call got, or why none came.
 */
status: number | null, 
/**
 * What the app (or the Apps proxy in front of it) said when it refused the call: its
 * message, or an error page's words.
 */
said: string | null, error: string | null, 
/**
 * The identity cannot use the app (found, or shown by a refused call): the Doctor's cells.
 */
red: boolean, 
/**
 * How the cell reads (`parts`), made when the cell is complete.
 */
parts: CellParts, };

export type AppAccess = { app: string, url: string | null, scopes: Array<string>, 
/**
 * The identity whose token could read the access control list; none when none could.
 */
aclReadBy: string | null, 
/**
 * Who can grant access: the list's managers when it could be read, else the app's creator.
 */
managers: Array<string>, cells: Array<AccessCell>, };

export type AccessMatrix = { host: string, identities: Array<AccessIdentity>, apps: Array<AppAccess>, 
/**
 * The path Check all called on every app; none before it ran.
 */
checkedPath: string | null, };

export type AccessFormat = "markdown" | "csv";

export type LanguageSettings = { 
/**
 * The language chosen in Settings; none: follow the system.
 */
chosen: string | null, 
/**
 * The language the system's locale asks for, where Lakegate can read it.
 */
system: string | null, 
/**
 * The language the window speaks: the one chosen, else the system's, else the first of
 * the webview's languages Lakegate speaks, else English (decided here, once).
 */
effective: string, };

export type Msg = { id: string, args: Record<string, string | number>, };

export type Text = Array<Msg>;

export type GuideView = { connection: string, host: string, 
/**
 * Whether this is the window's own sandbox (the playground works there only).
 */
sandbox: boolean, 
/**
 * The workspace's apps, by name (the app to use is chosen among them).
 */
apps: Array<string>, 
/**
 * The app the steps use: named, else the first running one with an address.
 */
app: string | null, appUrl: string | null, 
/**
 * The scopes the app asks of its users (user authorization), as the workspace lists them.
 */
appScopes: Array<string>, 
/**
 * The connection signs in as a person (so it can ask for scopes).
 */
person: boolean, 
/**
 * The scopes its token holds now (a person's; `None` when not known).
 */
heldScopes: Array<string> | null, 
/**
 * The page's own example of custom scopes, as it spells them (`PAGE_SCOPES`).
 */
pageScopes: Array<string>, 
/**
 * What to say of those as typed (the page's `file.files` means `files.files`).
 */
pageScopeHints: Array<string>, 
/**
 * The path the steps call: the app's first `/api/` operation, else `/api/`.
 */
path: string, 
/**
 * The steps, in the page's order.
 */
steps: Array<string>, 
/**
 * The address the send step calls (the app's address and `path`).
 */
sendUrl: string | null, 
/**
 * The troubleshooting playground's failures to try (the window's sandbox only).
 */
trials: Array<Trial>, requirements: Array<Requirement>, tools: Array<StepTools>, 
/**
 * The steps marked done (kept in settings.json).
 */
done: Array<string>, };

export type Requirement = { 
/**
 * `api-endpoint`, `can-use` or `token`.
 */
id: string, state: Met, 
/**
 * What was found and, when it is not met, the fix.
 */
said: Text, };

export type Met = "yes" | "no" | "unknown";

export type StepTools = { step: string, 
/**
 * Shell lines: the `databricks` CLI (and `lakegate` where the CLI has no such command).
 */
cli: string | null, 
/**
 * Python, as the page writes it.
 */
python: string | null, curl: string | null, };

export type Trial = { 
/**
 * `expired`, `scopes`, `no-can-use`, `wrong-app`, `stopped`, `wrong-path` or `proxy`,
 * in the order of the page's section (401, 403, 404, the network).
 */
id: string, url: string, 
/**
 * The sandbox must be told first (`Engine::arm_guide_trial`): the failure is one of
 * its faults, not a request that fails by itself.
 */
armed: boolean, };

export type AppRun = { 
/**
 * The environment's names and the command, the secret's value never shown.
 */
command: string, 
/**
 * The process's exit code (`None`: it did not end by itself).
 */
exitCode: number | null, 
/**
 * What it printed (the status line, headers and the start of the body), redacted.
 */
output: string, 
/**
 * The steps done now (the scenario's is, when the app answered).
 */
done: Array<string>, };

export type Command = "app_info" | "connections_overview" | "start_sandbox" | "begin_sign_in" | "finish_sign_in" | "cancel_sign_in" | "sign_out" | "add_connection" | "scope_hints" | "url_warning" | "endpoint_fits" | "remove_connection" | "set_trusted_hosts" | "inspect_token" | "copy_token" | "use_memory_secrets" | "list_apps" | "discover_endpoints" | "send_request" | "cancel_request" | "text_rows" | "tree_rows" | "toggle_node" | "search_body" | "save_body" | "release_body" | "import_curl" | "copy_link" | "watch_links" | "open_link" | "snippets" | "history" | "save_request" | "saved_requests" | "network_settings" | "save_network_settings" | "language_settings" | "set_language" | "diagnose" | "export_report" | "scope_matrix" | "sign_in_with_scopes" | "open_check_file" | "run_check_file" | "save_check_report" | "check_file_from_saved" | "access_view" | "save_access_report" | "guide" | "mark_guide_step" | "reset_guide" | "open_guide_reading" | "add_sandbox_service_principal" | "guide_run_as_app" | "open_service_principals_page" | "arm_guide_trial" | "paste_sign_in";

export type CommandArgs = {
  app_info: {};
  connections_overview: {};
  start_sandbox: {};
  begin_sign_in: { name: string };
  finish_sign_in: { name: string };
  cancel_sign_in: { name: string };
  sign_out: { name: string };
  add_connection: { input: NewConnection };
  scope_hints: { scopes: string };
  url_warning: { url: string };
  endpoint_fits: { template: string; url: string };
  remove_connection: { name: string };
  set_trusted_hosts: { name: string; hosts: Array<string> };
  inspect_token: { name: string };
  copy_token: { name: string };
  use_memory_secrets: {};
  list_apps: { connection: string };
  discover_endpoints: { connection: string; appUrl: string };
  send_request: { id: string; request: RequestInput; progress: Listener<StreamUpdate> };
  cancel_request: { id: string };
  text_rows: { id: string; cols: number; from: number; count: number };
  tree_rows: { id: string; from: number; count: number };
  toggle_node: { id: string; node: number; open: boolean; deep: boolean };
  search_body: { id: string; query: string; index: number; tree: boolean; cols: number };
  save_body: { id: string; path: string; replace: boolean };
  release_body: { id: string };
  import_curl: { text: string; current: string | null };
  copy_link: { request: RequestInput };
  watch_links: { channel: Listener<string> };
  open_link: { link: string; current: string | null };
  snippets: { request: RequestInput };
  history: { connection: string | null; filter: string };
  save_request: { collection: string; name: string; request: RequestInput };
  saved_requests: {};
  network_settings: {};
  save_network_settings: { settings: NetworkSettings };
  language_settings: { browser: Array<string> };
  set_language: { language: string | null; remember: boolean };
  diagnose: { connection: string | null; url: string; method: string; after: string | null; progress: Listener<Finding> };
  export_report: {};
  scope_matrix: { connection: string };
  sign_in_with_scopes: { connection: string; scopes: Array<string> };
  open_check_file: { path: string };
  run_check_file: { path: string; connection: string; progress: Listener<CheckOutcome> };
  save_check_report: { format: ReportFormat; path: string; replace: boolean };
  check_file_from_saved: { collection: string; connection: string | null; path: string; replace: boolean };
  access_view: { connection: string; path: string | null };
  save_access_report: { format: AccessFormat; path: string; replace: boolean };
  guide: { connection: string; appName: string | null };
  mark_guide_step: { step: string; done: boolean };
  reset_guide: {};
  open_guide_reading: { page: string };
  add_sandbox_service_principal: {};
  guide_run_as_app: { url: string };
  open_service_principals_page: { connection: string };
  arm_guide_trial: { id: string };
  paste_sign_in: { name: string; address: string };
};

export type CommandReturns = {
  app_info: AppInfo;
  connections_overview: ConnectionsOverview;
  start_sandbox: ConnectionView;
  begin_sign_in: SignInStarted;
  finish_sign_in: ConnectionView;
  cancel_sign_in: null;
  sign_out: ConnectionView;
  add_connection: ConnectionView;
  scope_hints: Array<string>;
  url_warning: string | null;
  endpoint_fits: boolean;
  remove_connection: null;
  set_trusted_hosts: ConnectionView;
  inspect_token: TokenInspection;
  copy_token: number;
  use_memory_secrets: null;
  list_apps: Array<AppView>;
  discover_endpoints: EndpointsView;
  send_request: ResponseView;
  cancel_request: null;
  text_rows: TextRows;
  tree_rows: TreeRows;
  toggle_node: number;
  search_body: SearchHit;
  save_body: SavedBody;
  release_body: null;
  import_curl: CurlImport;
  copy_link: string;
  watch_links: null;
  open_link: CurlImport;
  snippets: SnippetsView;
  history: Array<HistoryView>;
  save_request: null;
  saved_requests: Array<SavedView>;
  network_settings: NetworkSettings;
  save_network_settings: NetworkSettings;
  language_settings: LanguageSettings;
  set_language: null;
  diagnose: Report;
  export_report: ExportedReport;
  scope_matrix: ScopeMatrix;
  sign_in_with_scopes: SignInStarted;
  open_check_file: CheckFileView;
  run_check_file: CheckRun;
  save_check_report: string;
  check_file_from_saved: CheckFileView;
  access_view: AccessMatrix;
  save_access_report: string;
  guide: GuideView;
  mark_guide_step: Array<string>;
  reset_guide: Array<string>;
  open_guide_reading: null;
  add_sandbox_service_principal: ConnectionView;
  guide_run_as_app: AppRun;
  open_service_principals_page: null;
  arm_guide_trial: null;
  paste_sign_in: null;
};
