// The guide, live: a newcomer with an empty home is shown the guide, starts the sandbox from
// it, sees the page's requirements found on the workspace, reads each step in their own
// tools, sends a request from it, tries a failure in the playground and reads the Doctor,
// starts over; then the same guide in Portuguese. Screenshots of each, axe-clean.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseLanguage as chooseLanguageIn, launchApp, shot } from './harness.mjs';

let app;
before(async () => {
  app = await launchApp();
});
after(async () => {
  // Whatever happened, the home is left in the system's language for the next journeys.
  await chooseLanguage('system').catch(() => {});
  await app?.session.end();
});

const s = () => app.session;
const textOf = async (css) => (await s().find(css)).text();
const step = (id) => `[data-testid="guide-step"][data-step="${id}"]`;

const chooseLanguage = (value) => chooseLanguageIn(s(), value);

test('first start shows the guide, which starts the sandbox and finds the requirements', async () => {
  const guide = await s().waitFor('[data-testid="guide"]', { timeout: 30000 });
  assert.match(await guide.text(), /calling a Databricks App with a token/);
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await (await s().find('[data-testid="guide-try-sandbox"]')).click();
  // Signed in through the system browser, and back on the guide, on the sandbox.
  await s().waitFor('[data-testid="guide-requirement"][data-id="token"][data-state="yes"]', { timeout: 60000 });
  const endpoint = await s().waitFor('[data-testid="guide-requirement"][data-id="api-endpoint"]');
  assert.equal(await endpoint.attribute('data-state'), 'yes', await endpoint.text());
  assert.match(await endpoint.text(), /\/api\//);
  const canUse = await textOf('[data-testid="guide-requirement"][data-id="can-use"]');
  assert.match(canUse, /CAN (USE|MANAGE)|unknown/, canUse);
  // Each step in the person's own tools, with this workspace filled in.
  await s().execute(`document.querySelector('${step('person')} details summary').click();`);
  const person = await textOf(`${step('person')} [data-testid="guide-tools"]`);
  assert.match(person, /databricks auth login --host https:\/\/localhost:\d+ --profile my-env/);
  assert.match(person, /config\.oauth_token\(\)\.access_token/);
  assert.doesNotMatch(person, /eyJ/);
});

test('a step done for real is ticked, and kept', async () => {
  await (await s().find(`${step('send')} [data-testid="guide-send"]`)).click();
  const sent = await s().waitFor('[data-testid="guide-sent"]', { timeout: 30000 });
  assert.match(await sent.text(), /Answered 200/);
  await s().waitFor(`${step('send')} [data-testid="guide-done"]:checked`);
  assert.match(await textOf('[data-testid="guide-progress"]'), /[1-9] of 9 steps done/);
  await s().execute(`document.querySelector('${step('scopes')} details summary').click();`);
  assert.match(await textOf(`${step('scopes')} [data-testid="guide-tools"]`), /oidc\/v1\/token[\s\S]*scope=/);
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await s().execute(`for (const el of document.querySelectorAll('main, main *')) if (el.scrollTop) el.scrollTo({ top: 0, behavior: 'instant' });`);
  await shot(s(), 'guide');
});

test("the page's own scopes, as it spells them, then as the app needs them", async () => {
  const scopes = step('scopes');
  assert.match(await textOf(`${scopes} [data-testid="guide-scope-hint"]`), /files\.files/);
  await (await s().find(`${scopes} [data-testid="guide-scopes-page"]`)).click();
  // Signed in again in the system browser, asking for sql file.files dashboards.genie.
  const held = await s().waitFor(`${scopes} [data-testid="guide-held-scopes"]`, { timeout: 60000, predicate: async (el) => /file\.files/.test(await el.text()) });
  assert.match(await held.text(), /dashboards\.genie/);
  await s().waitFor(`${scopes} [data-testid="guide-done"]:checked`);
});

test('the playground fails one way, and the Doctor explains it', async () => {
  await (await s().find('[data-testid="guide-try"][data-trial="no-can-use"]')).click();
  await s().waitFor('[data-testid="response-status"]', { timeout: 30000, predicate: async (el) => /403/.test(await el.text()) });
  const doctor = await s().waitFor('[data-testid="auto-doctor"] [data-testid="findings"]', { timeout: 30000 });
  assert.match(await doctor.text(), /CAN USE/);
  await shot(s(), 'guide-playground');
  await (await s().find('[data-testid="open-guide"]')).click();
  await (await s().waitFor('[data-testid="guide-try"][data-trial="wrong-path"]')).click();
  await s().waitFor('[data-testid="response-status"]', { timeout: 30000, predicate: async (el) => /404/.test(await el.text()) });
});

test('every playground failure fails, with the Doctor under it', async () => {
  for (const trial of ['expired', 'scopes', 'stopped', 'wrong-app']) {
    await (await s().find('[data-testid="open-guide"]')).click();
    await (await s().waitFor(`[data-testid="guide-try"][data-trial="${trial}"]`, { timeout: 30000 })).click();
    const status = await s().waitFor('[data-testid="response-status"]', { timeout: 30000, predicate: async (el) => /^\W*[345]\d\d /.test(await el.text()) });
    assert.doesNotMatch(await status.text(), /^\W*2\d\d /, trial);
    const doctor = await s().waitFor('[data-testid="auto-doctor"] [data-testid="findings"]', { timeout: 30000 });
    assert.ok((await doctor.text()).length > 20, `${trial}: the Doctor says why`);
    if (trial === 'expired') {
      // The sandbox refused that token once, as a sign-in redirect; sent again, it answers.
      assert.match(await doctor.text(), /sign in/i);
      await s().execute(`document.querySelector('[data-testid="auto-doctor"]').scrollIntoView({ block: 'end', behavior: 'instant' });`);
      await shot(s(), 'guide-expired');
      await (await s().find('[data-testid="send"]')).click();
      await s().waitFor('[data-testid="response-status"]', { timeout: 30000, predicate: async (el) => /^\W*200 /.test(await el.text()) });
    }
  }
});

test('the network: a company proxy blocks the Apps domain until it is cleared in Settings', async () => {
  await (await s().find('[data-testid="open-guide"]')).click();
  await (await s().waitFor('[data-testid="guide-try"][data-trial="proxy"]', { timeout: 30000 })).click();
  const error = await s().waitFor('[data-testid="request-error"]', { timeout: 30000 });
  assert.match(await error.text(), /refused to open a tunnel/);
  const doctor = await s().waitFor('[data-testid="auto-doctor"] [data-testid="findings"]', { timeout: 30000 });
  assert.match(await doctor.text(), /Settings → Network/);
  await shot(s(), 'guide-proxy');
  // The fix: clear the proxy in Settings → Network, then send again.
  await (await s().find('[data-testid="open-settings"]')).click();
  // The field as the window holds it (its property: the attribute is only the first value).
  const proxyField = `document.querySelector('[data-testid="settings"] input[autocomplete="off"]')`;
  await s().waitFor('[data-testid="settings"] input[autocomplete="off"]');
  const typed = async () => s().execute(`return ${proxyField}.value;`);
  for (let i = 0; i < 50 && !(await typed()); i++) await new Promise((r) => setTimeout(r, 100));
  assert.match(await typed(), /^http:\/\/127\.0\.0\.1:\d+$/);
  await s().execute(
    `const el = document.querySelector('[data-testid="settings"] input[autocomplete="off"]');
     el.value = ''; el.dispatchEvent(new Event('input', { bubbles: true }));
     el.form.requestSubmit();`,
  );
  await s().waitFor('[data-testid="settings"] [role="status"]', { timeout: 10000 });
  await (await s().find('[data-testid="open-workbench"]')).click();
  await (await s().waitFor('[data-testid="send"]')).click();
  await s().waitFor('[data-testid="response-status"]', { timeout: 30000, predicate: async (el) => /^\W*200 /.test(await el.text()) });
});

test('the service principal and the app scenarios are done for real', async () => {
  await (await s().find('[data-testid="open-guide"]')).click();
  await (await s().waitFor(`${step('service-principal')} [data-testid="guide-add-sp"]`, { timeout: 30000 })).click();
  const added = await s().waitFor('[data-testid="guide-sp-added"]', { timeout: 30000 });
  assert.match(await added.text(), /Sandbox service principal is a connection now/);
  await s().waitFor(`${step('service-principal')} [data-testid="guide-done"]:checked`);
  // The connection list has it, beside the sandbox's own.
  assert.match(await textOf('[data-testid="guide-connection"]'), /Sandbox service principal/);
  await (await s().find(`${step('from-app')} [data-testid="guide-run-as-app"]`)).click();
  const run = await s().waitFor('[data-testid="guide-app-run"]', { timeout: 60000 });
  assert.equal(await run.attribute('data-exit'), '0', await run.text());
  const said = await run.text();
  assert.match(said, /HTTP 200/);
  assert.match(said, /DATABRICKS_CLIENT_ID=/);
  assert.doesNotMatch(said, /dose[0-9a-f]{32}/, 'no secret shown');
  await s().waitFor(`${step('from-app')} [data-testid="guide-done"]:checked`);
  assert.deepEqual(await s().seriousA11yViolations(), []);
  // (axe scrolls while it checks: the step is brought back into view once it is done.)
  const toStep = `document.querySelector('[data-step="from-app"]').scrollIntoView({ block: 'start', behavior: 'instant' });`;
  await s().execute(toStep);
  await new Promise((r) => setTimeout(r, 300));
  await s().execute(toStep);
  await shot(s(), 'guide-scenarios');
  // The guide as the service principal: its token, the app's answer.
  await s().execute(`(() => { const el = document.querySelector('[data-testid="guide-connection"]'); el.value = 'Sandbox service principal'; el.dispatchEvent(new Event('change', { bubbles: true })); })();`);
  await s().waitFor('[data-testid="guide-requirement"][data-id="token"][data-state="yes"]', { timeout: 30000 });
  await (await s().find(`${step('send')} [data-testid="guide-send"]`)).click();
  await s().waitFor('[data-testid="guide-sent"]', { timeout: 30000, predicate: async (el) => /Answered 200/.test(await el.text()) });
  await s().execute(`(() => { const el = document.querySelector('[data-testid="guide-connection"]'); el.value = 'Sandbox'; el.dispatchEvent(new Event('change', { bubbles: true })); })();`);
  await s().waitFor('[data-testid="guide-requirement"][data-id="token"]', { timeout: 30000 });
});

test('start over forgets the steps done', async () => {
  await (await s().find('[data-testid="open-guide"]')).click();
  await s().waitFor('[data-testid="guide-requirement"][data-id="token"]', { timeout: 30000 });
  await (await s().find('[data-testid="guide-reset"]')).click();
  await s().waitFor('[data-testid="guide-progress"]', { predicate: async (el) => /^0 of 9/.test(await el.text()) });
});

test('the guide in Portuguese', async () => {
  await chooseLanguage('pt-BR');
  await s().waitFor('#connections-heading', { predicate: async (el) => /Conexões/i.test(await el.text()) });
  await (await s().find('[data-testid="open-guide"]')).click();
  const guide = await s().waitFor('[data-testid="guide"]');
  await s().waitFor('[data-testid="guide-requirement"][data-id="token"]', { timeout: 30000 });
  const words = await guide.text();
  assert.match(words, /O guia: chamar um aplicativo Databricks com um token/);
  assert.match(words, /Desenvolvimento local/);
  assert.match(await textOf('[data-testid="guide-requirement"][data-id="token"]'), /Dá para obter um token/);
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await s().execute(`for (const el of document.querySelectorAll('main, main *')) if (el.scrollTop) el.scrollTo({ top: 0, behavior: 'instant' });`);
  await shot(s(), 'pt-guide');
  await chooseLanguage('system');
  await s().waitFor('#connections-heading', { predicate: async (el) => /Connections/i.test(await el.text()) });
});
