import { num } from './i18n.svelte';
// The request builder's state and the pure rules around it.
import type { OperationView, RequestInput } from './bindings';

export type Row = { key: string; value: string; on: boolean };

export type Draft = {
  method: string;
  url: string;
  params: Row[];
  headers: Row[];
  body: string;
  timeoutSecs: number;
  /** The endpoint the draft was filled from: its place in the picker and its path template. */
  picked?: { index: number; path: string } | null;
};

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

export function emptyDraft(url = ''): Draft {
  return { method: 'GET', url, params: [], headers: [], body: '', timeoutSecs: 60 };
}

const pairs = (rows: Row[]): [string, string][] =>
  rows.filter((r) => r.on && r.key.trim() !== '').map((r) => [r.key.trim(), r.value]);

export function toInput(d: Draft, connection: string | null): RequestInput {
  const sendsBody = !['GET', 'HEAD'].includes(d.method) && d.body.trim() !== '';
  const headers = pairs(d.headers);
  if (sendsBody && !headers.some(([k]) => k.toLowerCase() === 'content-type')) {
    headers.push(['Content-Type', jsonProblem(d.body) === null ? 'application/json' : 'text/plain; charset=utf-8']);
  }
  return {
    connection,
    method: d.method,
    url: d.url.trim(),
    query: pairs(d.params),
    headers,
    body: sendsBody ? d.body : null,
    timeoutSecs: Math.min(600, Math.max(1, Math.round(d.timeoutSecs) || 60)),
  };
}

export function fromInput(r: RequestInput): Draft {
  return {
    method: r.method,
    url: r.url,
    params: r.query.map(([key, value]) => ({ key, value, on: true })),
    headers: r.headers.map(([key, value]) => ({ key, value, on: true })),
    body: r.body ?? '',
    timeoutSecs: r.timeoutSecs,
  };
}

/** What is wrong with a JSON body, or null when it parses (or is empty). */
export function jsonProblem(body: string): string | null {
  if (body.trim() === '') return null;
  try {
    JSON.parse(body);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * The draft after its URL was typed: when the path is no longer the picked endpoint's
 * (`fits`, which the core decides: `api.endpointFits`), what came with that endpoint (query,
 * headers, body) goes, and none is picked.
 */
export function afterUrlTyped(d: Draft, fits: boolean): Draft {
  if (!d.picked || fits) return d;
  return { ...emptyDraft(d.url), method: d.method, timeoutSecs: d.timeoutSecs, picked: null };
}

/** Fills the draft from an OpenAPI operation of the app at `appUrl`. */
export function applyOperation(appUrl: string, op: OperationView, index = -1): Draft {
  // Where the operation is on the app: decided in the core (`openapi::place_on_app`).
  const d = emptyDraft(op.url ?? appUrl);
  d.picked = index >= 0 ? { index, path: op.path } : null;
  d.method = op.method;
  d.params = op.parameters
    .filter((p) => p.location === 'query')
    .map((p) => ({ key: p.name, value: p.default ?? '', on: p.required || p.default !== null }));
  d.headers = op.parameters
    .filter((p) => p.location === 'header')
    .map((p) => ({ key: p.name, value: p.default ?? '', on: p.required }));
  d.body = op.bodySkeleton ?? '';
  return d;
}

export function formatSize(bytes: number): string {
  const one = { minimumFractionDigits: 1, maximumFractionDigits: 1 };
  if (bytes < 1024) return `${num(bytes)} B`;
  if (bytes < 1024 * 1024) return `${num(bytes / 1024, one)} KB`;
  return `${num(bytes / 1024 / 1024, one)} MB`;
}

export function formatMs(ms: number): string {
  return ms < 10 ? `${num(ms, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} ms` : `${num(Math.round(ms))} ms`;
}

/** An icon and a word for an HTTP status class: never colour alone. */
export function statusTone(status: number): { icon: string; tone: 'ok' | 'warn' | 'error' } {
  if (status < 300) return { icon: '✔', tone: 'ok' };
  if (status < 400) return { icon: '↪', tone: 'warn' };
  return { icon: '✖', tone: 'error' };
}
