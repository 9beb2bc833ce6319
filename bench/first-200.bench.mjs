// make bench, in the real window (run by tests/e2e/run.sh with E2E_TESTS pointing here):
// a newcomer's way from first start (an empty home) to the first 200 from an app, counted
// in clicks and seconds. Two ways are measured in the same run, each in a fresh home:
//   - the guide's way: the guide shown on first start → Try the sandbox → (sign in in the
//     system browser) → Send it in the guide's send step;
//   - the workbench's way, as it was before the guide (the baseline): the sidebar's Try the
//     sandbox → (sign in) → the hello app → Send.
// A click is any click the person makes in the window; the sign-in page in the system
// browser is the sandbox's (one click there, not counted here: the same on both ways).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { launchApp } from '../tests/e2e/harness.mjs';

const out = process.env.BENCH_OUT;
const RUNS = Number(process.env.BENCH_FIRST_RUNS ?? 3);

/** One way from first start, timed from the window's first screen to the 200 drawn. */
async function way(steps) {
  const app = await launchApp();
  try {
    const s = app.session;
    let clicks = 0;
    const click = async (css, timeout = 60000) => {
      await (await s.waitFor(css, { timeout })).click();
      clicks += 1;
    };
    await s.waitFor('[data-testid="guide"], [data-testid="try-sandbox"]', { timeout: 60000 });
    const t0 = Date.now();
    await steps(s, click);
    return { clicks, seconds: (Date.now() - t0) / 1000 };
  } finally {
    await app.session.end();
  }
}

const guideWay = (s, click) =>
  (async () => {
    await click('[data-testid="guide-try-sandbox"]');
    await s.waitFor('[data-testid="guide-requirement"][data-id="token"][data-state="yes"]', { timeout: 60000 });
    await click('[data-testid="guide-send"]');
    await s.waitFor('[data-testid="guide-sent"]', { timeout: 60000, predicate: async (el) => /Answered 200/.test(await el.text()) });
  })();

const workbenchWay = (s, click) =>
  (async () => {
    await click('[data-testid="try-sandbox"]');
    await s.waitFor('[data-testid="connection-status"]', { timeout: 60000, predicate: async (el) => /signed in as/.test(await el.text()) });
    await click('[data-testid="app"][data-name="hello"]', 30000);
    await s.waitFor('[data-testid="url"]', { predicate: async (el) => /\/api\/hello$/.test((await el.attribute('value')) ?? '') });
    await click('[data-testid="send"]');
    await s.waitFor('[data-testid="response-status"]', { timeout: 60000, predicate: async (el) => /^\W*200 /.test(await el.text()) });
  })();

test('first start to the first 200 from an app, in clicks and seconds', async () => {
  const result = { runs: RUNS, guide: [], workbench: [] };
  for (let i = 0; i < RUNS; i++) {
    result.guide.push(await way(guideWay));
    result.workbench.push(await way(workbenchWay));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const k of ['guide', 'workbench']) {
    result[`${k}_clicks`] = median(result[k].map((r) => r.clicks));
    result[`${k}_seconds`] = median(result[k].map((r) => r.seconds));
  }
  assert.ok(result.guide_clicks <= result.workbench_clicks, JSON.stringify(result));
  if (out) writeFileSync(out, JSON.stringify(result, null, 2));
  console.log(JSON.stringify(result));
});
