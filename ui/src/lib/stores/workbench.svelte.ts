// The request workbench's state and what changes it: the apps of the selected
// connection, the endpoint picker, the draft, the answer, the short Doctor after a
// failure, snippets, history and saved requests. App.svelte only routes views.
import { api, toAppError, type AppError } from '../api';
import type { AppView, CurlImport, EndpointsView, Finding, HistoryView, ResponseView, SavedView, SnippetsView, StreamEvent } from '../bindings';
import { shortForm } from '../doctor';
import { applyOperation, emptyDraft, fromInput, toInput, type Draft } from '../request';
import type { RequestInput } from '../bindings';

/** Events kept in the page while a stream arrives (the core keeps 5,000; the view draws 300). */
const MAX_LIVE_EVENTS = 1000;

/** Errors of a request that the short Doctor has nothing to add to. */
const QUIET: string[] = ['Cancelled', 'InvalidInput', 'TokenRefused'];

export class Workbench {
  apps = $state<AppView[] | null>(null);
  appsLoading = $state(false);
  appsProblem = $state<string | null>(null);
  selectedApp = $state<AppView | null>(null);
  endpoints = $state<EndpointsView | null>(null);
  draft = $state<Draft>(emptyDraft());
  response = $state<ResponseView | null>(null);
  responseError = $state<AppError | null>(null);
  sending = $state(false);
  requestId = $state<string | null>(null);
  snippets = $state<SnippetsView | null>(null);
  history = $state<HistoryView[]>([]);
  saved = $state<SavedView[]>([]);
  autoDoctor = $state<Finding[] | null>(null);
  diagnosing = $state(false);
  /** The answer while it arrives: its status once started, bytes so far, a stream's events. */
  live = $state<{ status: number | null; streaming: boolean; bytes: number; events: StreamEvent[]; total: number } | null>(null);
  /** What the last curl import said (a token left out, options not used), or why it failed. */
  importNotes = $state<string[]>([]);
  importProblem = $state<string | null>(null);
  /** The link last copied for the draft's request. */
  linkCopied = $state<string | null>(null);
  /** The History tab is open: each answer refreshes it (else it is read when opened). */
  private historyShown = false;

  /** `fail` reports what went wrong outside the answer pane (a notice). */
  constructor(private readonly fail: (e: unknown) => void) {}

  /** Lists the apps of `connection` when it can have any. */
  async loadApps(connection: { name: string; hasCredentials: boolean; needsSignIn: boolean } | null) {
    this.apps = null;
    this.appsProblem = null;
    if (!connection || !connection.hasCredentials || connection.needsSignIn) return;
    this.appsLoading = true;
    try {
      this.apps = await api.listApps(connection.name);
    } catch (e) {
      this.appsProblem = toAppError(e).message;
    } finally {
      this.appsLoading = false;
    }
  }

  /** Forgets the picked app (another connection was selected). */
  forgetApp() {
    this.selectedApp = null;
    this.endpoints = null;
  }

  async pickApp(a: AppView, connection: string | null) {
    this.selectedApp = a;
    this.endpoints = null;
    if (a.url) this.draft = { ...emptyDraft(a.url.replace(/\/+$/, '') + '/api/hello') };
    if (a.url && connection) {
      try {
        this.endpoints = await api.discoverEndpoints(connection, a.url);
      } catch (e) {
        this.endpoints = { source: null, operations: [], problem: toAppError(e).message };
      }
    }
  }

  pickOperation(i: number) {
    const op = this.endpoints?.operations[i];
    if (op && this.selectedApp?.url) this.draft = applyOperation(this.selectedApp.url, op, i);
  }

  forgetImport() {
    if (this.importProblem !== null) this.importProblem = null;
    if (this.importNotes.length > 0) this.importNotes = [];
    if (this.linkCopied !== null) this.linkCopied = null;
  }

  /**
   * A pasted curl command becomes the draft; its credentials were left out in Rust.
   * `choose` selects the connection whose workspace owns the URL's host.
   */
  importCurl(text: string, connection: string | null, choose: (name: string) => void) {
    return this.fill(() => api.importCurl(text, connection), connection, choose);
  }

  /** A lakegate:// link opened from outside fills the draft; nothing is sent. */
  openLink(link: string, connection: string | null, choose: (name: string) => void) {
    return this.fill(() => api.openLink(link, connection), connection, choose);
  }

  private async fill(read: () => Promise<CurlImport>, connection: string | null, choose: (name: string) => void) {
    this.importProblem = null;
    this.linkCopied = null;
    try {
      const r = await read();
      this.draft = fromInput(r.request);
      this.importNotes = r.notes;
      if (r.connectionFound && r.request.connection && r.request.connection !== connection) choose(r.request.connection);
    } catch (e) {
      this.importNotes = [];
      this.importProblem = toAppError(e).message;
    }
  }

  /** Copies a link to the draft's request (the core refuses one with a secret header). */
  async copyLink(connection: string | null) {
    this.importProblem = null;
    try {
      this.linkCopied = await api.copyLink(toInput(this.draft, connection));
    } catch (e) {
      this.linkCopied = null;
      this.importProblem = toAppError(e).message;
    }
  }

  open(r: RequestInput) {
    this.draft = fromInput(r);
  }

  /** Sends the draft; after a failure the short Doctor reads that answer (never resends). */
  async send(connection: string | null, withoutToken = false) {
    if (this.sending || !connection) return;
    const id = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    this.requestId = id;
    this.sending = true;
    // The answer shown so far is let go: the core frees its body.
    if (this.response?.bodyId) api.releaseBody(this.response.bodyId).catch(() => {});
    this.response = null;
    this.responseError = null;
    this.autoDoctor = null;
    const sent = { ...toInput(this.draft, connection), withoutToken: withoutToken || undefined };
    this.live = { status: null, streaming: false, bytes: 0, events: [], total: 0 };
    try {
      this.response = await api.sendRequest(id, sent, (u) => {
        const live = this.live;
        if (!live || this.requestId !== id) return;
        if (u.kind === 'head') {
          live.status = u.status;
          live.streaming = u.streaming;
        } else {
          live.bytes = u.bytes;
          if (u.events.length > 0) {
            live.total += u.events.length;
            live.events = [...live.events, ...u.events].slice(-MAX_LIVE_EVENTS);
          }
        }
      });
    } catch (e) {
      this.responseError = toAppError(e);
    } finally {
      this.sending = false;
      this.requestId = null;
      this.live = null;
      if (this.historyShown) await this.loadHistory(connection, '');
    }
    const failed =
      (this.response && this.response.refused) || (this.responseError && !QUIET.includes(this.responseError.kind));
    if (failed && !withoutToken) await this.quickDiagnosis(connection, sent.url, sent.method, id);
  }

  cancel() {
    if (this.requestId) api.cancelRequest(this.requestId);
  }

  private async quickDiagnosis(connection: string, url: string, method: string, id: string) {
    this.diagnosing = true;
    try {
      const report = await api.diagnose(connection, url, method, () => {}, id);
      this.autoDoctor = shortForm(report.findings);
    } catch {
      this.autoDoctor = null;
    } finally {
      this.diagnosing = false;
    }
  }

  async loadHistory(connection: string | null, filter: string) {
    try {
      this.history = await api.history(connection, filter);
      this.saved = await api.savedRequests();
    } catch (e) {
      this.fail(e);
    }
  }

  async onTab(connection: string | null, tab: string) {
    this.historyShown = tab === 'history';
    if (tab === 'snippets') {
      try {
        this.snippets = await api.snippets(toInput(this.draft, connection));
      } catch {
        this.snippets = null;
      }
    }
    if (tab === 'history') await this.loadHistory(connection, '');
  }

  /** Saves the draft under `name`; true when it was saved. */
  async save(connection: string | null, name: string): Promise<boolean> {
    try {
      await api.saveRequest('Saved', name, toInput(this.draft, connection));
      await this.loadHistory(connection, '');
      return true;
    } catch (e) {
      this.fail(e);
      return false;
    }
  }
}
