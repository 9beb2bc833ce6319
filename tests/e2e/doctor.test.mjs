// Journeys J1 (403 explained), J4 (scope gap → sign in with scopes → green) and
// J5 (paste a failing URL → full Doctor report → export), in the real window.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { launchApp, shot } from './harness.mjs';

let app;
before(async () => {
  app = await launchApp();
  await (await app.session.waitFor('[data-testid="try-sandbox"]')).click();
  await app.session.waitFor('[data-testid="connection-status"]', {
    timeout: 60000,
    predicate: async (el) => /signed in as alice@example\.com/.test(await el.text()),
  });
  await app.session.waitFor('[data-testid="apps"]', { timeout: 30000 });
});
after(async () => {
  await app?.session.end();
});

const s = () => app.session;

async function call(appName) {
  await (await s().find(`[data-testid="app"][data-name="${appName}"]`)).click();
  await s().waitFor('[data-testid="url"]', { predicate: async (el) => new RegExp(`^https://${appName}-`).test((await el.attribute('value')) ?? '') });
  await (await s().find('[data-testid="send"]')).click();
}

test('J1: a 403 on an app the user may not use is explained with who can grant it', async () => {
  await call('finance');
  await s().waitFor('[data-testid="response-status"]', { predicate: async (el) => /403/.test(await el.text()) });
  const doctor = await s().waitFor('[data-testid="auto-doctor"] [data-testid="findings"]', { timeout: 30000 });
  const text = await doctor.text();
  assert.match(text, /CAN USE/);
  assert.match(text, /admin@example\.com/);
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await shot(s(), 'j1-403-doctor');
});

test('J4: the scope matrix shows the gap, one click signs in with the scopes, and it turns green', async () => {
  await (await s().find('[data-testid="open-matrix"]')).click();
  const gap = await s().waitFor('[data-testid="scope-gap"]');
  assert.match(await gap.text(), /sql/);
  assert.match(await gap.text(), /dashboards\.genie/);
  assert.ok((await s().findAll('[data-testid="cell-missing"]')).length >= 3);
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await shot(s(), 'j4-matrix-gap');
  await (await s().find('[data-testid="sign-in-missing"]')).click();
  const ok = await s().waitFor('[data-testid="scope-ok"]', { timeout: 60000 });
  assert.match(await ok.text(), /every scope/);
  assert.equal((await s().findAll('[data-testid="cell-missing"]')).length, 0);
  await shot(s(), 'j4-matrix-green');
});

test('J5: the full Doctor on a failing URL, with progress, then export', async () => {
  await (await s().find('[data-testid="open-doctor"]')).click();
  const input = await s().waitFor('[data-testid="doctor-url"]');
  const current = (await input.attribute('value')) ?? '';
  // The stopped app of the same workspace.
  const failing = current.replace(/^https:\/\/[a-z-]+?-(\d+)\./, 'https://report-$1.');
  assert.match(failing, /^https:\/\/report-\d+\.apps\.localhost:\d+\/api\//);
  await s().execute(
    `const el = document.querySelector('[data-testid="doctor-url"]');
     el.value = arguments[0]; el.dispatchEvent(new Event('input', { bubbles: true }));`,
    [failing],
  );
  await (await s().find('[data-testid="run-doctor"]')).click();
  await s().waitFor('[data-testid="export-report"]', { timeout: 60000 });
  const findings = await (await s().find('[data-testid="doctor"] [data-testid="findings"]')).text();
  assert.match(findings, /STOPPED/);
  assert.match(findings, /Start the app/);
  for (const title of ['URL shape', 'DNS', 'TCP connect', 'TLS', 'Proxy', 'Workspace OAuth', 'Token', 'Identity', 'App', 'Permission', 'Scopes', 'Endpoint', 'Request']) {
    assert.ok(findings.includes(title), `${title} is reported`);
  }
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await shot(s(), 'j5-doctor');
  await (await s().find('[data-testid="export-report"]')).click();
  const exported = await (await s().waitFor('[data-testid="exported"]')).text();
  const paths = [...exported.matchAll(/(\/\S+\.(?:md|json))/g)].map((m) => m[1]);
  assert.equal(paths.length, 2, exported);
  for (const p of paths) {
    assert.ok(existsSync(p), p);
    const text = readFileSync(p, 'utf8');
    assert.match(text, /report/);
    assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{10,}|doau[A-Za-z0-9_-]{20,}|dapi[0-9a-f]{32}|dose[0-9a-f]{32}/);
  }
});
