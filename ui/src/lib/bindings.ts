// Generated from the Rust types in src-tauri/bridge.rs and src-tauri/error.rs.
// Do not edit: run `make bindings` (a test fails when this file is stale).

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
 * Whether this build can open the window (the `gui` feature).
 */
hasWindow: boolean, };

export type UiError = { "kind": "Storage", message: string, path: string | null, } | { "kind": "Keychain", message: string, } | { "kind": "InvalidInput", message: string, field: string, } | { "kind": "SignInNeeded", message: string, connection: string, } | { "kind": "SignInAgain", message: string, connection: string, } | { "kind": "NotDatabricks", message: string, } | { "kind": "Network", message: string, } | { "kind": "Refused", message: string, } | { "kind": "Cancelled", message: string, } | { "kind": "TimedOut", message: string, } | { "kind": "Cli", message: string, } | { "kind": "Sandbox", message: string, } | { "kind": "NotFound", message: string, };

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
 * Saved connections can be removed; the others live in the environment or a file.
 */
removable: boolean, };

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
