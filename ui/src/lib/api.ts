// The only module that talks to the Rust side. Every command goes through `call`,
// so every failure reaches the UI as one typed value with a `kind`.
import { Channel, invoke } from '@tauri-apps/api/core';
import { t } from './i18n.svelte';
import type {
  Command,
  CommandArgs,
  CommandReturns,
  AccessFormat,
  CheckOutcome,
  ReportFormat,
  Finding,
  NetworkSettings,
  RequestInput,
  StreamUpdate,
  NewConnection,
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

/**
 * Calls `command` with exactly the arguments its Rust signature takes; resolves to what it
 * returns (both generated from `gui/commands.rs`: a changed signature is a compile error here).
 */
async function call<C extends Command>(
  command: C,
  ...args: keyof CommandArgs[C] extends never ? [] : [CommandArgs[C]]
): Promise<CommandReturns[C]> {
  try {
    return await invoke<CommandReturns[C]>(command, args[0]);
  } catch (raw) {
    throw new CommandFailed(toAppError(raw));
  }
}

export const api = {
  appInfo: () => call('app_info'),
  overview: () => call('connections_overview'),
  startSandbox: () => call('start_sandbox'),
  beginSignIn: (name: string) => call('begin_sign_in', { name }),
  finishSignIn: (name: string) => call('finish_sign_in', { name }),
  cancelSignIn: (name: string) => call('cancel_sign_in', { name }),
  signOut: (name: string) => call('sign_out', { name }),
  addConnection: (input: NewConnection) => call('add_connection', { input }),
  removeConnection: (name: string) => call('remove_connection', { name }),
  /** Replaces the hosts trusted with a connection's token (typed by the person only). */
  setTrustedHosts: (name: string, hosts: string[]) => call('set_trusted_hosts', { name, hosts }),
  inspectToken: (name: string) => call('inspect_token', { name }),
  /** Copies the token from Rust; resolves to the seconds until the clipboard is cleared. */
  copyToken: (name: string) => call('copy_token', { name }),
  useMemorySecrets: () => call('use_memory_secrets'),
  listApps: (connection: string) => call('list_apps', { connection }),
  discoverEndpoints: (connection: string, appUrl: string) =>
    call('discover_endpoints', { connection, appUrl }),
  /** Sends a request; `onUpdate` hears when the answer starts and what arrived since (every ~50 ms). */
  sendRequest: (id: string, request: RequestInput, onUpdate: (u: StreamUpdate) => void = () => {}) => {
    const progress = new Channel<StreamUpdate>();
    progress.onmessage = onUpdate;
    return call('send_request', { id, request, progress });
  },
  cancelRequest: (id: string) => call('cancel_request', { id }),
  /** A check file, read and checked in Rust (the page never reads files). */
  openCheckFile: (path: string) => call('open_check_file', { path }),
  /** Runs a check file as `connection`; `onOutcome` hears each check as it ends. */
  runCheckFile: (path: string, connection: string, onOutcome: (o: CheckOutcome) => void) => {
    const progress = new Channel<CheckOutcome>();
    progress.onmessage = onOutcome;
    return call('run_check_file', { path, connection, progress });
  },
  /** Who can call which app in `connection`'s workspace; with `path`, every app is called as every identity. */
  accessView: (connection: string, path: string | null) => call('access_view', { connection, path }),
  saveAccessReport: (format: AccessFormat, path: string, replace: boolean) =>
    call('save_access_report', { format, path, replace }),
  /** Writes a check file made of a collection of saved requests (no credentials in it), and opens it. */
  checkFileFromSaved: (collection: string, connection: string | null, path: string, replace: boolean) =>
    call('check_file_from_saved', { collection, connection, path, replace }),
  saveCheckReport: (format: ReportFormat, path: string, replace: boolean) =>
    call('save_check_report', { format, path, replace }),
  /** The body stays in the core: the window asks for the rows it draws. */
  textRows: (id: string, cols: number, from: number, count: number) => call('text_rows', { id, cols, from, count }),
  treeRows: (id: string, from: number, count: number) => call('tree_rows', { id, from, count }),
  /** Opens or closes a node (`deep`: everything inside it); resolves to the tree's row count. */
  toggleNode: (id: string, node: number, open: boolean, deep: boolean) => call('toggle_node', { id, node, open, deep }),
  searchBody: (id: string, query: string, index: number, tree: boolean, cols: number) =>
    call('search_body', { id, query, index, tree, cols }),
  saveBody: (id: string, path: string, replace: boolean) => call('save_body', { id, path, replace }),
  releaseBody: (id: string) => call('release_body', { id }),
  /** A pasted curl command as a request; its credentials are left out, never kept. */
  importCurl: (text: string, current: string | null) => call('import_curl', { text, current }),
  /** Copies (from Rust) a lakegate:// link that opens the request; never holds a token. */
  copyLink: (request: RequestInput) => call('copy_link', { request }),
  scopeHints: (scopes: string) => call('scope_hints', { scopes }),
  urlWarning: (url: string) => call('url_warning', { url }),
  endpointFits: (template: string, url: string) => call('endpoint_fits', { template, url }),
  /** Hears lakegate:// links opened from outside (those that came before too). */
  watchLinks: (onLink: (link: string) => void) => {
    const channel = new Channel<string>();
    channel.onmessage = onLink;
    return call('watch_links', { channel });
  },
  openLink: (link: string, current: string | null) => call('open_link', { link, current }),
  snippets: (request: RequestInput) => call('snippets', { request }),
  history: (connection: string | null, filter: string) => call('history', { connection, filter }),
  saveRequest: (collection: string, name: string, request: RequestInput) =>
    call('save_request', { collection, name, request }),
  savedRequests: () => call('saved_requests'),
  networkSettings: () => call('network_settings'),
  saveNetworkSettings: (settings: NetworkSettings) => call('save_network_settings', { settings }),
  languageSettings: (browser: string[]) => call('language_settings', { browser }),
  /** The window speaks `language` (none: the system's); `remember` keeps it in settings.json. */
  setLanguage: (language: string | null, remember: boolean) => call('set_language', { language, remember }),
  /**
   * Runs the Doctor; `onFinding` sees each check as it completes. `after` is the id of the
   * request this run follows: its answer is used, and the request is never sent again.
   */
  diagnose: (connection: string | null, url: string, method: string, onFinding: (f: Finding) => void, after: string | null = null) => {
    const progress = new Channel<Finding>();
    progress.onmessage = onFinding;
    return call('diagnose', { connection, url, method, after, progress });
  },
  exportReport: () => call('export_report'),
  /** The guide on `connection`'s workspace (with `appName`, else its first running app). */
  guide: (connection: string, appName: string | null) => call('guide', { connection, appName }),
  markGuideStep: (step: string, done: boolean) => call('mark_guide_step', { step, done }),
  resetGuide: () => call('reset_guide'),
  /** Opens one of the guide's reading pages (by id; the page never names a URL). */
  openGuideReading: (page: string) => call('open_guide_reading', { page }),
  /** Adds the sandbox's service principal as a connection (its secret stays in Rust). */
  addSandboxServicePrincipal: () => call('add_sandbox_service_principal'),
  /** Runs Lakegate's headless side with only a Databricks App's environment, calling `url`. */
  guideRunAsApp: (url: string) => call('guide_run_as_app', { url }),
  /** Opens the connection's workspace page of service principals in the system browser. */
  openServicePrincipalsPage: (connection: string) => call('open_service_principals_page', { connection }),
  /** Makes the sandbox fail as a playground trial asks, for the next request. */
  armGuideTrial: (id: string) => call('arm_guide_trial', { id }),
  /** Hands a waiting sign-in the address its browser ended on (a browser that could not reach Lakegate). */
  pasteSignIn: (name: string, address: string) => call('paste_sign_in', { name, address }),
  scopeMatrix: (connection: string) => call('scope_matrix', { connection }),
  signInWithScopes: (connection: string, scopes: string[]) =>
    call('sign_in_with_scopes', { connection, scopes }),
};
