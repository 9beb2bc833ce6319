// Journey J1 (first half): the sandbox tour up to a 200 answer from GET /api/hello,
// then the endpoint picker, the /api/ warning, snippets and history.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchApp, shot } from './harness.mjs';

let app;
before(async () => {
  app = await launchApp();
});
after(async () => {
  await app?.session.end();
});

const s = () => app.session;
const textOf = async (css) => (await s().find(css)).text();

test('sign in to the sandbox and see its apps', async () => {
  await (await s().waitFor('[data-testid="try-sandbox"]')).click();
  await s().waitFor('[data-testid="connection-status"]', {
    timeout: 60000,
    predicate: async (el) => /signed in as alice@example\.com/.test(await el.text()),
  });
  const list = await s().waitFor('[data-testid="apps"]', { timeout: 30000 });
  const text = await list.text();
  for (const name of ['hello', 'sales', 'finance', 'report']) assert.match(text, new RegExp(name));
  assert.match(text, /stopped/);
  assert.match(text, /scopes: sql/);
});

test('GET /api/hello on a running app answers 200 with JSON', async () => {
  await (await s().find('[data-testid="app"][data-name="hello"]')).click();
  const url = await s().waitFor('[data-testid="url"]', {
    predicate: async (el) => /\/api\/hello$/.test(await el.attribute('value') ?? ''),
  });
  assert.match(await url.attribute('value'), /^https:\/\/hello-\d+\.apps\.localhost:\d+\/api\/hello$/);
  await (await s().find('[data-testid="send"]')).click();
  const status = await s().waitFor('[data-testid="response-status"]', { timeout: 30000 });
  assert.match(await status.text(), /200 OK/);
  assert.match(await status.text(), /TLS/);
  assert.match(await textOf('[data-testid="json-tree"]'), /Hello, Alice Analyst!/);
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await shot(s(), 'j1-hello-200');
});

test('the endpoint picker fills the request from the OpenAPI document', async () => {
  const picker = await s().waitFor('[data-testid="operation"]', { timeout: 30000 });
  const options = await s().findAll('[data-testid="operation"] option');
  let target;
  for (const o of options) {
    if (/^GET \/api\/items/.test(await o.text())) target = o;
  }
  assert.ok(target, 'GET /api/items is offered');
  await picker.click();
  await target.click();
  await s().waitFor('[data-testid="url"]', { predicate: async (el) => /\/api\/items$/.test(await el.attribute('value') ?? '') });
  await (await s().find('[data-testid="send"]')).click();
  await s().waitFor('[data-testid="response-status"]', { predicate: async (el) => /200 OK/.test(await el.text()) });
  assert.match(await textOf('[data-testid="json-tree"]'), /items/);
});

test('a path outside /api/ gets a warning, and the answer is the redirect', async () => {
  const url = await s().find('[data-testid="url"]');
  const value = await url.attribute('value');
  await s().execute(
    `const el = document.querySelector('[data-testid="url"]'); el.value = arguments[0]; el.dispatchEvent(new Event('input', { bubbles: true }));`,
    [value.replace(/\/api\/items$/, '/index.html')],
  );
  assert.match(await (await s().waitFor('[data-testid="path-warning"]')).text(), /only on \/api\//);
  await (await s().find('[data-testid="send"]')).click();
  await s().waitFor('[data-testid="response-status"]', { predicate: async (el) => /302/.test(await el.text()) });
});

test('snippets and history', async () => {
  const tabs = await s().findAll('[role="tab"]');
  for (const t of tabs) if ((await t.text()) === 'Snippets') await t.click();
  const curl = await s().waitFor('[data-testid="snippet-curl"]');
  assert.match(await curl.text(), /\$DATABRICKS_TOKEN/);
  assert.doesNotMatch(await curl.text(), /eyJ/);
  for (const t of await s().findAll('[role="tab"]')) if ((await t.text()) === 'History') await t.click();
  const history = await s().waitFor('[data-testid="history"]', { predicate: async (el) => /api\/hello/.test(await el.text()) });
  assert.match(await history.text(), /GET .*\/api\/items/);
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await shot(s(), 'history');
});

test('an answer is shown as the app sent it: key order and numbers kept', async () => {
  const url = await (await s().find('[data-testid="url"]')).attribute('value');
  const origin = new URL(url).origin;
  await s().execute(
    `const el = document.querySelector('[data-testid="url"]'); el.value = arguments[0]; el.dispatchEvent(new Event('input', { bubbles: true }));`,
    [`${origin}/api/stress/as-sent`],
  );
  await (await s().find('[data-testid="send"]')).click();
  await s().waitFor('[data-testid="response-status"]', { predicate: async (el) => /200 OK/.test(await el.text()) });
  const tree = await textOf('[data-testid="json-tree"]');
  assert.match(tree, /zeta:\s*1e3[\s\S]*alpha:\s*12345678901234567890[\s\S]*2:\s*\[2\][\s\S]*1:\s*\{2\}/);
  await (await s().find('.toggle input')).click();
  // Rows wrap at the pane's width; the body has no newline of its own.
  const body = await s().waitFor('[data-testid="response-body"]', { predicate: async (el) => (await el.text()).length > 0 });
  const text = (await body.text()).replace(/\n/g, '');
  assert.equal(text, '{"zeta": 1e3, "alpha": 12345678901234567890, "2": [1.50, -0.0], "1": {"b": true, "a": null}}');
  await shot(s(), 'as-sent');
});
