// Big answers: a 20 MiB JSON document from a sandbox app (through the Apps proxy, with a
// real token) is shown as a tree drawn row by row, searched, shown as text, and saved to a
// file byte for byte; then a small answer replaces it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { launchApp, shot } from './harness.mjs';

const BYTES = 20 * 1024 * 1024;

let app;
before(async () => {
  app = await launchApp();
});
after(async () => {
  await app?.session.end();
});

const s = () => app.session;
const textOf = async (css) => (await s().find(css)).text();

async function setUrl(url) {
  await s().execute(
    `const el = document.querySelector('[data-testid="url"]'); el.value = arguments[0]; el.dispatchEvent(new Event('input', { bubbles: true }));`,
    [url],
  );
}

async function typeInto(css, text) {
  await s().execute(
    `const el = document.querySelector(arguments[0]); el.value = arguments[1]; el.dispatchEvent(new Event('input', { bubbles: true }));`,
    [css, text],
  );
}

/** Clicks the button with this text (rows are redrawn around it, so no element is kept). */
async function clickButton(text) {
  const clicked = await s().execute(
    `const b = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === arguments[0]); b?.click(); return !!b;`,
    [text],
  );
  assert.ok(clicked, `a button "${text}"`);
}

let origin;

test('a 20 MiB answer from an app is shown as a tree, drawn row by row', async () => {
  await (await s().waitFor('[data-testid="try-sandbox"]')).click();
  await s().waitFor('[data-testid="connection-status"]', {
    timeout: 60000,
    predicate: async (el) => /signed in as/.test(await el.text()),
  });
  await (await s().waitFor('[data-testid="app"][data-name="hello"]', { timeout: 30000 })).click();
  const url = await s().waitFor('[data-testid="url"]', {
    predicate: async (el) => /\/api\/hello$/.test((await el.attribute('value')) ?? ''),
  });
  origin = new URL(await url.attribute('value')).origin;
  // The endpoint is in the app's OpenAPI document.
  await s().waitFor('[data-testid="operation"]', { timeout: 30000 });
  const offered = [];
  for (const o of await s().findAll('[data-testid="operation"] option')) offered.push(await o.text());
  assert.ok(offered.some((o) => /^GET \/api\/export/.test(o)), offered.join(', '));

  await setUrl(`${origin}/api/export?bytes=${BYTES}`);
  await (await s().find('[data-testid="send"]')).click();
  const status = await s().waitFor('[data-testid="response-status"]', { timeout: 120000 });
  assert.match(await status.text(), /200 OK/);
  assert.match(await status.text(), /20\.0 MB/);
  const tree = await s().waitFor('[data-testid="json-tree"]', {
    timeout: 60000,
    predicate: async (el) => Number(await el.attribute('data-rows')) > 100000,
  });
  // The first two levels are open: the root, rows[…] and note.
  assert.match(await tree.text(), /rows: \[\d+\][\s\S]*0: \{8\}/);
  // Only what is on screen is in the page.
  const drawn = await s().execute(`return document.querySelectorAll('[data-testid="json-tree"] .row').length;`);
  assert.ok(drawn > 5 && drawn < 200, `${drawn} rows drawn`);
});

test('search finds a value deep in the document and jumps to it', async () => {
  await typeInto('[data-testid="body-search"]', 'Widget 54321"');
  await s().waitFor('[data-testid="body-search-status"]', { timeout: 60000, predicate: async (el) => /1 of 1/.test(await el.text()) });
  const hit = await s().waitFor('[data-testid="json-tree"] .row.hit', { timeout: 20000 });
  assert.match(await hit.text(), /name: "Widget 54321"/);
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await shot(s(), 'big-answer-search');
});

test('the text view shows the same match, and closing the tree is instant', async () => {
  await (await s().find('.toggle input')).click();
  const marked = () => s().execute(`return document.querySelector('[data-testid="response-body"] mark')?.textContent ?? null;`);
  await s().waitFor('[data-testid="response-body"]', { timeout: 20000, predicate: async () => (await marked()) !== null });
  assert.equal(await marked(), 'Widget 54321"');
  await (await s().find('.toggle input')).click();
  await s().waitFor('[data-testid="json-tree"] .row');
  // Collapse all leaves the root and its two members.
  await clickButton('Collapse all');
  await s().waitFor('[data-testid="json-tree"]', { predicate: async (el) => (await el.attribute('data-rows')) === '3' });
  await clickButton('Expand all');
  await s().waitFor('[data-testid="json-tree"]', { timeout: 30000, predicate: async (el) => Number(await el.attribute('data-rows')) > 500000 });
});

test('Save to file writes the exact bytes', async () => {
  const file = path.join(app.home, 'export.json');
  await (await s().find('[data-testid="save-body"]')).click();
  const suggested = await (await s().waitFor('[data-testid="save-path"]')).attribute('value');
  assert.match(suggested, /export-\d+\.json$/);
  await typeInto('[data-testid="save-path"]', file);
  await (await s().find('[data-testid="save-confirm"]')).click();
  const saved = await s().waitFor('[data-testid="body-saved"]', { timeout: 30000 });
  assert.match(await saved.text(), /20,971,520 bytes/);
  assert.equal(statSync(file).size, BYTES);
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(doc.rows[54320].name, 'Widget 54321');
  // Saving again over it asks first.
  await (await s().find('[data-testid="save-body"]')).click();
  await typeInto('[data-testid="save-path"]', file);
  await (await s().find('[data-testid="save-confirm"]')).click();
  await s().waitFor('[data-testid="save-replace"]');
  assert.match(await textOf('form.save [role="alert"]'), /exists already/);
  await shot(s(), 'big-answer-save');
});

test('a small answer replaces it', async () => {
  await setUrl(`${origin}/api/hello`);
  await (await s().find('[data-testid="send"]')).click();
  await s().waitFor('[data-testid="json-tree"]', { timeout: 30000, predicate: async (el) => /Hello, Alice Analyst!/.test(await el.text()) });
  assert.equal(await textOf('[data-testid="body-search"]'), '');
});
