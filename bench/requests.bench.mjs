// make bench, in the real window (run by tests/e2e/run.sh with E2E_TESTS pointing here):
// sign in to the sandbox, then send GET /api/hello 1,000 times through the UI. Each
// request is timed in the page from the click on Send to the moment the answer is drawn
// (IPC, the HTTPS call, rendering), and in the app itself (the call's own timings, from
// the history it writes). The whole app's memory (PSS of the app and its
// WebKit processes) is taken after the first request and after the last one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { launchApp } from '../tests/e2e/harness.mjs';
import { appPid, findFile, pssByProcess, treePss } from './window.mjs';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const BATCH = 100;
const out = process.env.BENCH_OUT;

let app;
before(async () => {
  app = await launchApp();
});
after(async () => {
  await app?.session.end();
});

const settle = () => new Promise((r) => setTimeout(r, 3000));

// Clicks Send `arguments[0]` times; resolves with each request's milliseconds from the
// click to the answer drawn (the Send button leaves while the request runs and returns
// with the answer).
const SEND_LOOP = `
const [count, done] = [arguments[0], arguments[arguments.length - 1]];
const times = [];
const button = () => document.querySelector('[data-testid="send"]');
function one() {
  return new Promise((resolve, reject) => {
    let left = false;
    const t0 = performance.now();
    const timer = setTimeout(() => { observer.disconnect(); reject(new Error('no answer in 30 s')); }, 30000);
    const check = () => {
      const b = button();
      if (!b) left = true;
      else if (left) {
        observer.disconnect();
        clearTimeout(timer);
        resolve(performance.now() - t0);
      }
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    button().click();
    check();
  });
}
(async () => {
  for (let i = 0; i < count; i++) times.push(await one());
  done(JSON.stringify({ times, status: document.querySelector('[data-testid="response-status"]')?.textContent ?? '' }));
})().catch((e) => done(JSON.stringify({ error: String(e), times })));
`;

test(`${REQUESTS} requests through the window`, async () => {
  const s = app.session;
  await (await s.waitFor('[data-testid="try-sandbox"]', { timeout: 60000 })).click();
  await s.waitFor('[data-testid="connection-status"]', {
    timeout: 60000,
    predicate: async (el) => /signed in as/.test(await el.text()),
  });
  await (await s.waitFor('[data-testid="app"][data-name="hello"]', { timeout: 30000 })).click();
  await s.waitFor('[data-testid="url"]', {
    predicate: async (el) => /\/api\/hello$/.test((await el.attribute('value')) ?? ''),
  });
  await s.setTimeouts(600000);
  const first = JSON.parse(await s.executeAsync(SEND_LOOP, [1]));
  assert.ok(!first.error, first.error);
  const pid = appPid();
  await settle();
  const pssBefore = treePss(pid);
  const processesBefore = pssByProcess(pid);

  const times = [];
  for (let done = 0; done < REQUESTS; done += BATCH) {
    const r = JSON.parse(await s.executeAsync(SEND_LOOP, [Math.min(BATCH, REQUESTS - done)]));
    assert.ok(!r.error, r.error);
    assert.match(r.status, /200/);
    times.push(...r.times);
  }
  await settle();
  const pssAfter = treePss(pid);
  const processesAfter = pssByProcess(pid);
  assert.equal(times.length, REQUESTS);
  // The request itself as the app measured it (DNS, connect, TLS, answer, body; a new
  // connection each time), from the history it wrote.
  const history = findFile(app.home, 'history.jsonl');
  const totals = readFileSync(history, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l).total_ms)
    .filter((t) => typeof t === 'number')
    .slice(-REQUESTS)
    .sort((a, b) => a - b);
  assert.equal(totals.length, REQUESTS);
  const sorted = [...times].sort((a, b) => a - b);
  const result = {
    requests: REQUESTS,
    median_ms: sorted[Math.floor(sorted.length / 2)],
    p90_ms: sorted[Math.floor(sorted.length * 0.9)],
    min_ms: sorted[0],
    max_ms: sorted[sorted.length - 1],
    in_app_median_ms: totals[Math.floor(totals.length / 2)],
    in_app_min_ms: totals[0],
    in_app_max_ms: totals[totals.length - 1],
    pss_after_first_request_bytes: pssBefore,
    pss_after_all_bytes: pssAfter,
    pss_after_first_request_by_process: processesBefore,
    pss_after_all_by_process: processesAfter,
  };
  if (out) writeFileSync(out, JSON.stringify(result, null, 2));
  console.log(JSON.stringify(result));
});
