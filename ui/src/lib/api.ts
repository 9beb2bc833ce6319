// The only module that talks to the Rust side. Every command goes through `call`,
// so every failure reaches the UI as one typed value with a `kind`.
import { Channel, invoke } from '@tauri-apps/api/core';
import { t } from './i18n.svelte';
import type {
  Command,
  LanguageSettings,
  AppInfo,
  AccessFormat,
  AccessMatrix,
  AppView,
  CheckFileView,
  CheckOutcome,
  CheckRun,
  ReportFormat,
  EndpointsView,
  ExportedReport,
  Finding,
  HistoryView,
  Report,
  ScopeMatrix,
  NetworkSettings,
  RequestInput,
  ResponseView,
  SavedBody,
  SavedView,
  SearchHit,
  SnippetsView,
  StreamUpdate,
  TextRows,
  TreeRows,
  ConnectionView,
  ConnectionsOverview,
  CurlImport,
  NewConnection,
  SignInStarted,
  TokenInspection,
  UiError,
} from './bindings';

/** A failure of the bridge itself (no Tauri, a command not granted), not of a command. */
export type BridgeError = { kind: 'Bridge'; message: string };
export type AppError = UiError | BridgeError;

export class CommandFailed extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
    this.name = 'CommandFailed';
  }
}

/** Turns whatever `invoke` rejected with into an `AppError`. */
export function toAppError(raw: unknown): AppError {
  if (raw instanceof CommandFailed) return raw.error;
  if (raw && typeof raw === 'object' && 'kind' in raw && 'message' in raw) {
    const { kind, message } = raw as { kind: unknown; message: unknown };
    if (typeof kind === 'string' && typeof message === 'string') return raw as AppError;
  }
  const text = typeof raw === 'string' ? raw : raw instanceof Error ? raw.message : String(raw);
  return {
    kind: 'Bridge',
    message: t('bridge-error', { detail: text }),
  };
}

async function call<T>(command: Command, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    throw new CommandFailed(toAppError(raw));
  }
}

export const api = {
  appInfo: () => call<AppInfo>('app_info'),
  overview: () => call<ConnectionsOverview>('connections_overview'),
  startSandbox: () => call<ConnectionView>('start_sandbox'),
  beginSignIn: (name: string) => call<SignInStarted>('begin_sign_in', { name }),
  finishSignIn: (name: string) => call<ConnectionView>('finish_sign_in', { name }),
  cancelSignIn: (name: string) => call<void>('cancel_sign_in', { name }),
  signOut: (name: string) => call<ConnectionView>('sign_out', { name }),
  addConnection: (input: NewConnection) => call<ConnectionView>('add_connection', { input }),
  removeConnection: (name: string) => call<void>('remove_connection', { name }),
  /** Replaces the hosts trusted with a connection's token (typed by the person only). */
  setTrustedHosts: (name: string, hosts: string[]) => call<ConnectionView>('set_trusted_hosts', { name, hosts }),
  inspectToken: (name: string) => call<TokenInspection>('inspect_token', { name }),
  /** Copies the token from Rust; resolves to the seconds until the clipboard is cleared. */
  copyToken: (name: string) => call<number>('copy_token', { name }),
  useMemorySecrets: () => call<void>('use_memory_secrets'),
  listApps: (connection: string) => call<AppView[]>('list_apps', { connection }),
  discoverEndpoints: (connection: string, appUrl: string) =>
    call<EndpointsView>('discover_endpoints', { connection, appUrl }),
  /** Sends a request; `onUpdate` hears when the answer starts and what arrived since (every ~50 ms). */
  sendRequest: (id: string, request: RequestInput, onUpdate: (u: StreamUpdate) => void = () => {}) => {
    const progress = new Channel<StreamUpdate>();
    progress.onmessage = onUpdate;
    return call<ResponseView>('send_request', { id, request, progress });
  },
  cancelRequest: (id: string) => call<void>('cancel_request', { id }),
  /** A check file, read and checked in Rust (the page never reads files). */
  openCheckFile: (path: string) => call<CheckFileView>('open_check_file', { path }),
  /** Runs a check file as `connection`; `onOutcome` hears each check as it ends. */
  runCheckFile: (path: string, connection: string, onOutcome: (o: CheckOutcome) => void) => {
    const progress = new Channel<CheckOutcome>();
    progress.onmessage = onOutcome;
    return call<CheckRun>('run_check_file', { path, connection, progress });
  },
  /** Who can call which app in `connection`'s workspace; with `path`, every app is called as every identity. */
  accessView: (connection: string, path: string | null) => call<AccessMatrix>('access_view', { connection, path }),
  saveAccessReport: (format: AccessFormat, path: string, replace: boolean) =>
    call<string>('save_access_report', { format, path, replace }),
  /** Writes a check file made of a collection of saved requests (no credentials in it), and opens it. */
  checkFileFromSaved: (collection: string, connection: string | null, path: string, replace: boolean) =>
    call<CheckFileView>('check_file_from_saved', { collection, connection, path, replace }),
  saveCheckReport: (format: ReportFormat, path: string, replace: boolean) =>
    call<string>('save_check_report', { format, path, replace }),
  /** The body stays in the core: the window asks for the rows it draws. */
  textRows: (id: string, cols: number, from: number, count: number) => call<TextRows>('text_rows', { id, cols, from, count }),
  treeRows: (id: string, from: number, count: number) => call<TreeRows>('tree_rows', { id, from, count }),
  /** Opens or closes a node (`deep`: everything inside it); resolves to the tree's row count. */
  toggleNode: (id: string, node: number, open: boolean, deep: boolean) => call<number>('toggle_node', { id, node, open, deep }),
  searchBody: (id: string, query: string, index: number, tree: boolean, cols: number) =>
    call<SearchHit>('search_body', { id, query, index, tree, cols }),
  saveBody: (id: string, path: string, replace: boolean) => call<SavedBody>('save_body', { id, path, replace }),
  releaseBody: (id: string) => call<void>('release_body', { id }),
  /** A pasted curl command as a request; its credentials are left out, never kept. */
  importCurl: (text: string, current: string | null) => call<CurlImport>('import_curl', { text, current }),
  /** Copies (from Rust) a lakegate:// link that opens the request; never holds a token. */
  copyLink: (request: RequestInput) => call<string>('copy_link', { request }),
  scopeHints: (scopes: string) => call<string[]>('scope_hints', { scopes }),
  urlWarning: (url: string) => call<string | null>('url_warning', { url }),
  endpointFits: (template: string, url: string) => call<boolean>('endpoint_fits', { template, url }),
  /** Hears lakegate:// links opened from outside (those that came before too). */
  watchLinks: (onLink: (link: string) => void) => {
    const channel = new Channel<string>();
    channel.onmessage = onLink;
    return call<void>('watch_links', { channel });
  },
  openLink: (link: string, current: string | null) => call<CurlImport>('open_link', { link, current }),
  snippets: (request: RequestInput) => call<SnippetsView>('snippets', { request }),
  history: (connection: string | null, filter: string) => call<HistoryView[]>('history', { connection, filter }),
  saveRequest: (collection: string, name: string, request: RequestInput) =>
    call<void>('save_request', { collection, name, request }),
  savedRequests: () => call<SavedView[]>('saved_requests'),
  networkSettings: () => call<NetworkSettings>('network_settings'),
  saveNetworkSettings: (settings: NetworkSettings) => call<NetworkSettings>('save_network_settings', { settings }),
  languageSettings: (browser: string[]) => call<LanguageSettings>('language_settings', { browser }),
  /** The window speaks `language` (none: the system's); `remember` keeps it in settings.json. */
  setLanguage: (language: string | null, remember: boolean) => call<void>('set_language', { language, remember }),
  /**
   * Runs the Doctor; `onFinding` sees each check as it completes. `after` is the id of the
   * request this run follows: its answer is used, and the request is never sent again.
   */
  diagnose: (connection: string | null, url: string, method: string, onFinding: (f: Finding) => void, after: string | null = null) => {
    const progress = new Channel<Finding>();
    progress.onmessage = onFinding;
    return call<Report>('diagnose', { connection, url, method, after, progress });
  },
  exportReport: () => call<ExportedReport>('export_report'),
  scopeMatrix: (connection: string) => call<ScopeMatrix>('scope_matrix', { connection }),
  signInWithScopes: (connection: string, scopes: string[]) =>
    call<SignInStarted>('sign_in_with_scopes', { connection, scopes }),
};
