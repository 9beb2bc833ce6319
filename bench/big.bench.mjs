// make bench, in the real window: big answers. JSON documents of 1 MB, 4 MB and 20 MiB
// from a sandbox app (GET /api/export?bytes=N, through the Apps proxy with a real token).
// For each, measured in the page: from the click on Send to the first frame that shows
// the answer, the part of that after the last byte arrived (the app's own timing of the
// request, from its history), and the longest time the page drew no frame from the click
// until half a second after. Then, on the 20 MiB answer: search, collapse all and expand
// all (click to the frame that shows the result), and the whole app's memory (PSS of the
// app and its WebKit processes) before it, with it shown, and after a small answer
// replaced it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { launchApp } from '../tests/e2e/harness.mjs';
import { appPid, findFile, pssByProcess, treePss } from './window.mjs';

const out = process.env.BENCH_OUT;
const SIZES = [1_000_000, 4_000_000, 20 * 1024 * 1024];

let app;
before(async () => {
  app = await launchApp();
});
after(async () => {
  await app?.session.end();
});

const settle = () => new Promise((r) => setTimeout(r, 3000));

// A page script that runs `body` (an async function's body, which may use `frame()`, the
// next frame, and `until(check)`) while watching frames; it resolves with the body's
// result, the milliseconds from its start to its end, and the longest gap between frames
// until 500 ms after. The body is written into the script: the window's CSP allows no eval.
const watchedScript = (body) => `
const done = arguments[arguments.length - 1];
let gap = 0, last = performance.now(), running = true;
const tick = () => { const now = performance.now(); gap = Math.max(gap, now - last); last = now; if (running) requestAnimationFrame(tick); };
requestAnimationFrame(tick);
const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
const until = (check, ms = 120000) => new Promise((resolve, reject) => {
  const t = setTimeout(() => { obs.disconnect(); reject(new Error('not seen in time')); }, ms);
  const obs = new MutationObserver(() => { if (check()) { obs.disconnect(); clearTimeout(t); resolve(); } });
  obs.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
  if (check()) { obs.disconnect(); clearTimeout(t); resolve(); }
});
(async () => {
  await frame(); await frame();
  gap = 0; last = performance.now();
  const t0 = performance.now();
  const result = await (async () => { ${body} })();
  const ms = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 500));
  running = false;
  done(JSON.stringify({ ms, gap, result }));
})().catch((e) => { running = false; done(JSON.stringify({ error: String(e) })); });
`;

const SEND = `
const el = document.querySelector('[data-testid="url"]');
el.value = ${'${url}'}; el.dispatchEvent(new Event('input', { bubbles: true }));
await frame();
const body = () => document.querySelector('[data-testid="json-tree"]')?.dataset.body;
const before = body();
const start = performance.now();
document.querySelector('[data-testid="send"]').click();
await until(() => body() && body() !== before && document.querySelector('[data-testid="json-tree"] .row'));
await frame();
return { drawn: performance.now() - start, status: document.querySelector('[data-testid="response-status"]').textContent };
`;

async function watched(session, body) {
  const r = JSON.parse(await session.executeAsync(watchedScript(body)));
  assert.ok(!r.error, r.error);
  return r;
}

function lastRequestMs(home) {
  const lines = readFileSync(findFile(home, 'history.jsonl'), 'utf8').split('\n').filter(Boolean);
  return JSON.parse(lines[lines.length - 1]).total_ms;
}

test('big answers through the window', async () => {
  const s = app.session;
  await s.setTimeouts(600000);
  await (await s.waitFor('[data-testid="try-sandbox"]', { timeout: 60000 })).click();
  await s.waitFor('[data-testid="connection-status"]', { timeout: 60000, predicate: async (el) => /signed in as/.test(await el.text()) });
  await (await s.waitFor('[data-testid="app"][data-name="hello"]', { timeout: 30000 })).click();
  const urlField = await s.waitFor('[data-testid="url"]', { predicate: async (el) => /\/api\/hello$/.test((await el.attribute('value')) ?? '') });
  const origin = new URL(await urlField.attribute('value')).origin;
  const send = (url) => watched(s, SEND.replace('${url}', JSON.stringify(url)));

  // Warm up (the first tree, the connection), then a small answer as the baseline.
  await send(`${origin}/api/export?bytes=100000`);
  await send(`${origin}/api/hello`);
  const pid = appPid();
  await settle();
  const pssBefore = treePss(pid);
  const processesBefore = pssByProcess(pid);
  // The page at rest, for scale: the longest gap between frames when nothing happens.
  const idle = await watched(s, 'await new Promise((r) => setTimeout(r, 2000)); return null;');

  const answers = [];
  for (const bytes of SIZES) {
    const r = await send(`${origin}/api/export?bytes=${bytes}`);
    assert.match(r.result.status, /200 OK/);
    const requestMs = lastRequestMs(app.home);
    answers.push({ bytes, request_ms: requestMs, click_to_drawn_ms: r.result.drawn, after_last_byte_ms: r.result.drawn - requestMs, longest_frame_gap_ms: r.gap });
  }
  await settle();
  const pssWithBig = treePss(pid);

  const search = await watched(
    s,
    `const q = document.querySelector('[data-testid="body-search"]');
     q.value = 'Widget 99999"'; q.dispatchEvent(new Event('input', { bubbles: true }));
     await until(() => /of 1/.test(document.querySelector('[data-testid="body-search-status"]').textContent));
     await until(() => document.querySelector('[data-testid="json-tree"] .row.hit'));
     await frame(); return document.querySelector('[data-testid="json-tree"]').dataset.rows;`,
  );
  const button = (text) => `[...document.querySelectorAll('button')].find((b) => b.textContent.trim() === '${text}').click();`;
  const collapse = await watched(
    s,
    `${button('Collapse all')} await until(() => document.querySelector('[data-testid="json-tree"]').dataset.rows === '3'); await frame(); return 3;`,
  );
  const expand = await watched(
    s,
    `${button('Expand all')} await until(() => Number(document.querySelector('[data-testid="json-tree"]').dataset.rows) > 100000); await frame();
     return Number(document.querySelector('[data-testid="json-tree"]').dataset.rows);`,
  );

  await send(`${origin}/api/hello`);
  await settle();
  const pssAfter = treePss(pid);
  const processesAfter = pssByProcess(pid);

  const result = {
    answers,
    search_ms: search.ms,
    search_gap_ms: search.gap,
    collapse_all_ms: collapse.ms,
    expand_all_ms: expand.ms,
    expand_all_gap_ms: expand.gap,
    expanded_rows: expand.result,
    pss_before_bytes: pssBefore,
    pss_with_20mib_bytes: pssWithBig,
    pss_after_replaced_bytes: pssAfter,
    idle_frame_gap_ms: idle.gap,
    pss_before_by_process: processesBefore,
    pss_after_by_process: processesAfter,
  };
  if (out) writeFileSync(out, JSON.stringify(result, null, 2));
  console.log(JSON.stringify(result));
});
