// A team's check file on the Checks board: one check fails (alice may not call finance),
// the board says so in words with the Doctor's short form, the full Doctor is one click
// away, and the JUnit report is written beside the file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { launchApp, shot, typeInto } from './harness.mjs';

let app;
before(async () => {
  app = await launchApp();
});
after(async () => {
  await app?.session.end();
});

const s = () => app.session;

const type = (testid, text) => typeInto(s(), testid, text);

const CHECKS = {
  name: 'Team checks',
  checks: [
    { name: 'hello greets its caller', app: 'hello', path: '/api/hello', expect: { status: 200, json: [{ pointer: '/app', equals: 'hello' }] } },
    { name: 'items list pages', app: 'hello', path: '/api/items', query: { limit: '3' }, expect: { json: [{ pointer: '/items', type: 'array' }] } },
    { name: 'finance month-end', app: 'finance', path: '/api/hello', expect: { status: 200 } },
  ],
};

test('a check file with one failing check: the board, the Doctor and the JUnit report', async () => {
  const dir = path.join(app.home, 'team-repo');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'checks.json');
  writeFileSync(file, JSON.stringify(CHECKS, null, 2));

  await (await s().waitFor('[data-testid="try-sandbox"]')).click();
  await s().waitFor('[data-testid="connection-status"]', { timeout: 60000, predicate: async (el) => /signed in as/.test(await el.text()) });
  // The sign-in has ended (its apps are listed), not just a token from an earlier journey shown.
  await s().waitFor('[data-testid="apps"]', { timeout: 30000 });
  await (await s().waitFor('[data-testid="open-checks"]')).click();
  await s().waitFor('[data-testid="checks-board"]');

  // A file with a secret in it is refused, with the check named; nothing runs.
  const leaky = path.join(dir, 'leaky.json');
  writeFileSync(leaky, JSON.stringify({ checks: [{ name: 'leaky', app: 'hello', path: '/api/hello', headers: { Authorization: 'Bearer dapi-leaked-123' } }] }));
  await type('check-path', leaky);
  await (await s().find('[data-testid="check-open"]')).click();
  const refused = await s().waitFor('[data-testid="check-problem"]');
  assert.match(await refused.text(), /check 1 \("leaky"\): the Authorization header carries a credential/);
  assert.doesNotMatch(await refused.text(), /dapi-leaked-123/);

  await type('check-path', file);
  await (await s().find('[data-testid="check-open"]')).click();
  await s().waitFor('[data-testid="check-row"][data-name="finance month-end"]');
  assert.equal((await s().findAll('[data-testid="check-row"]')).length, 3);
  await (await s().find('[data-testid="check-run"]')).click();
  const summary = await s().waitFor('[data-testid="check-summary"]', { timeout: 60000, predicate: async (el) => /2 of 3 passed, 1 failed/.test(await el.text()) });
  assert.match(await summary.text(), /in \d+\.\d s/);
  const finance = await s().find('[data-testid="check-row"][data-name="finance month-end"]');
  assert.equal(await finance.attribute('data-result'), 'fail');
  assert.match(await finance.text(), /Fail/);
  assert.match(await finance.text(), /403/);
  assert.match(await finance.text(), /status 403, expected 200/);
  const doctor = await s().waitFor('[data-testid="check-row"][data-name="finance month-end"] [data-testid="check-doctor"]');
  assert.match(await doctor.text(), /finance/);
  const hello = await s().find('[data-testid="check-row"][data-name="hello greets its caller"]');
  assert.equal(await hello.attribute('data-result'), 'pass');
  assert.match(await hello.text(), /Pass/);
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await shot(s(), 'checks-board');

  // The JUnit report, proposed beside the check file.
  const reportPath = await (await s().find('[data-testid="report-path"]')).attribute('value');
  assert.equal(reportPath, path.join(dir, 'checks.junit.xml'));
  await (await s().find('[data-testid="report-save"]')).click();
  await s().waitFor('[data-testid="report-saved"]');
  const junit = readFileSync(reportPath, 'utf8');
  assert.match(junit, /<testsuite name="Team checks" tests="3" failures="1" errors="0"/);
  assert.match(junit, /<testcase name="finance month-end"[^>]*>\s*<failure message="status 403, expected 200"/);
  assert.doesNotMatch(junit, /Bearer|eyJ/);
  // Written again, it asks before replacing.
  await (await s().find('[data-testid="report-save"]')).click();
  await s().waitFor('[data-testid="report-replace"]');
  await shot(s(), 'checks-report');

  // The full Doctor, one click away, on the failing check's URL.
  const open = await s().waitFor('[data-testid="check-row"][data-name="finance month-end"] [data-testid="check-doctor"] button');
  await open.click();
  const url = await s().waitFor('[data-testid="doctor-url"]');
  assert.match(await url.attribute('value'), /^https:\/\/finance-.*\/api\/hello$/);
});

test('saved requests become a check file, and it runs', async () => {
  // Save the hello request from the request builder, in the default collection.
  await (await s().find('[data-testid="app"][data-name="hello"]')).click();
  await s().waitFor('[data-testid="url"]', { predicate: async (el) => /\/api\/hello$/.test((await el.attribute('value')) ?? '') });
  await (await s().find('#tab-history')).click();
  await s().execute(`const el = document.querySelector('#save-name'); el.value = 'hello greets'; el.dispatchEvent(new Event('input', { bubbles: true }));`);
  await s().execute(`document.querySelector('#save-name').form.requestSubmit();`);
  await s().waitFor('.entries', { predicate: async (el) => /Saved \/ hello greets/.test(await el.text()) });

  await (await s().find('[data-testid="open-checks"]')).click();
  const target = path.join(app.home, 'team-repo', 'from-saved.json');
  await s().waitFor('[data-testid="check-collection"]');
  await typeInto(s(), 'new-check-path', target);
  await (await s().find('[data-testid="check-from-saved"]')).click();
  await s().waitFor('[data-testid="check-row"][data-name="hello greets"]');
  const shownTarget = await s().execute(`return document.querySelector('[data-testid="check-row"] .target').textContent;`);
  assert.equal(shownTarget, 'GET hello /api/hello');
  const written = JSON.parse(readFileSync(target, 'utf8'));
  assert.equal(written.checks[0].app, 'hello');
  assert.equal(written.checks[0].path, '/api/hello');
  assert.doesNotMatch(JSON.stringify(written), /Authorization|Bearer/);
  await (await s().find('[data-testid="check-run"]')).click();
  await s().waitFor('[data-testid="check-summary"]', { timeout: 60000, predicate: async (el) => /1 of 1 passed/.test(await el.text()) });
});
