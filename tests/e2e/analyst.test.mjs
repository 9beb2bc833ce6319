// An analyst's day: a colleague's curl line pasted into the URL field becomes the request
// (its token left out and said so), answers with the connection's token; a typed path
// lets go of the endpoint that was picked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { launchApp, shot } from './harness.mjs';

let app;
before(async () => {
  app = await launchApp();
});
after(async () => {
  await app?.session.end();
});

const s = () => app.session;
const PASTED = 'dapi-pasted-0123456789abcdef';

async function typeUrl(text) {
  await s().execute(
    `const el = document.querySelector('[data-testid="url"]'); el.value = arguments[0]; el.dispatchEvent(new Event('input', { bubbles: true }));`,
    [text],
  );
}

const pageText = () => s().execute('return document.body.innerText;');

let origin;

test('a pasted curl line becomes the request, without its token', async () => {
  await (await s().waitFor('[data-testid="try-sandbox"]')).click();
  await s().waitFor('[data-testid="connection-status"]', { timeout: 60000, predicate: async (el) => /signed in as/.test(await el.text()) });
  // The sign-in has ended (its apps are listed), not just a token from an earlier journey shown.
  await s().waitFor('[data-testid="apps"]', { timeout: 30000 });
  await (await s().waitFor('[data-testid="app"][data-name="hello"]', { timeout: 30000 })).click();
  const url = await s().waitFor('[data-testid="url"]', { predicate: async (el) => /\/api\/hello$/.test((await el.attribute('value')) ?? '') });
  origin = new URL(await url.attribute('value')).origin;

  await typeUrl(`curl -X POST -H "Authorization: Bearer ${PASTED}" -H 'X-Trace: 7' --json '{"name": "Widget", "quantity": 2}' '${origin}/api/echo?tag=pasted'`);
  const notes = await s().waitFor('[data-testid="curl-notes"]', { timeout: 30000 });
  assert.match(await notes.text(), /This command carried a token; Lakegate used the connection's own and kept nothing of it/);
  await s().waitFor('[data-testid="url"]', { predicate: async (el) => (await el.attribute('value')) === `${origin}/api/echo` });
  assert.equal(await (await s().find('[data-testid="method"]')).attribute('value'), 'POST');
  assert.doesNotMatch(await pageText(), new RegExp(PASTED));

  await (await s().find('[data-testid="send"]')).click();
  const status = await s().waitFor('[data-testid="response-status"]', { timeout: 30000 });
  assert.match(await status.text(), /200 OK/);
  // The header the command set reached the app (found by searching the answer).
  await s().execute(
    `const el = document.querySelector('[data-testid="body-search"]'); el.value = 'x-trace'; el.dispatchEvent(new Event('input', { bubbles: true }));`,
  );
  await s().waitFor('[data-testid="body-search-status"]', { predicate: async (el) => /1 of 1/.test(await el.text()) });
  await s().waitFor('[data-testid="json-tree"] .row.hit', { predicate: async (el) => /x-trace: "7"/.test(await el.text()) });
  assert.doesNotMatch(await pageText(), new RegExp(PASTED));
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await shot(s(), 'curl-imported');
});

test('a curl line that cannot be read says why', async () => {
  await typeUrl(`curl --frobnicate ${origin}/api/hello`);
  const problem = await s().waitFor('[data-testid="curl-problem"]');
  assert.match(await problem.text(), /--frobnicate is not understood/);
});

test('typing another path lets go of the picked endpoint and its query', async () => {
  await (await s().find('[data-testid="app"][data-name="hello"]')).click();
  const picker = await s().waitFor('[data-testid="operation"]', { timeout: 30000 });
  let items;
  for (const o of await s().findAll('[data-testid="operation"] option')) if (/^GET \/api\/items/.test(await o.text())) items = o;
  await picker.click();
  await items.click();
  await s().waitFor('[data-testid="url"]', { predicate: async (el) => /\/api\/items$/.test((await el.attribute('value')) ?? '') });
  const params = () => s().execute(`return [...document.querySelectorAll('table.rows tbody input:not([type=checkbox])')].map((i) => i.value).filter(Boolean);`);
  assert.ok((await params()).includes('limit'), 'the endpoint brought its query');
  await typeUrl(`${origin}/index.html`);
  await s().waitFor('[data-testid="operation"]', { predicate: async (el) => (await el.attribute('value')) === '-1' });
  assert.deepEqual(await params(), []);
});

const count = async () => Number(((await s().execute(`return document.querySelector('[data-testid="stream-count"]')?.textContent ?? '0';`)) || '0').replace(/[^\d].*$/, ''));

test('a streamed answer is shown event by event as it arrives', async () => {
  await typeUrl(`${origin}/api/chat?prompt=hi&delay_ms=120`);
  await (await s().find('[data-testid="send"]')).click();
  // While it arrives: events with their time, a running count, and Stop.
  await s().waitFor('[data-testid="stop-stream"]', { timeout: 30000 });
  await s().waitFor('[data-testid="stream"]', { predicate: async () => (await count()) >= 4 });
  assert.equal(await (await s().find('[data-testid="cancel-request"]')).text(), 'Stop');
  const live = await (await s().find('[data-testid="stream"]')).text();
  assert.match(live, /Receiving/);
  assert.match(live, /token/);
  assert.match(live, /text:\s*"You "/);
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await shot(s(), 'stream-live');
  const status = await s().waitFor('[data-testid="response-status"]', { timeout: 30000 });
  assert.match(await status.text(), /200 OK/);
  const done = await (await s().find('[data-testid="stream"]')).text();
  assert.match(done, /done/);
  assert.doesNotMatch(done, /Receiving/);
});

test('Stop ends a stalled stream and keeps what came', async () => {
  await typeUrl(`${origin}/api/chat/stall?delay_ms=50`);
  await (await s().find('[data-testid="send"]')).click();
  await s().waitFor('[data-testid="stream"]', { timeout: 30000, predicate: async () => (await count()) >= 3 });
  await (await s().find('[data-testid="stop-stream"]')).click();
  const stopped = await s().waitFor('[data-testid="stopped"]', { timeout: 10000 });
  assert.match(await stopped.text(), /Stopped after/);
  assert.equal(await count(), 3);
  await shot(s(), 'stream-stopped');
});

test('a stream that arrives all at once is said to be buffered', async () => {
  await typeUrl(`${origin}/api/chat/buffered`);
  await (await s().find('[data-testid="send"]')).click();
  const note = await s().waitFor('[data-testid="stream-note"]', { timeout: 30000 });
  assert.match(await note.text(), /buffering the stream/);
  assert.deepEqual(await s().seriousA11yViolations(), []);
});

test('Copy link gives a lakegate:// link without any secret, and opening it fills the request', async () => {
  await typeUrl(`curl -X POST -H 'X-Trace: 7' --json '{"name": "Linked"}' '${origin}/api/echo?tag=linked'`);
  await s().waitFor('[data-testid="url"]', { predicate: async (el) => (await el.attribute('value')) === `${origin}/api/echo` });
  await (await s().find('[data-testid="copy-link"]')).click();
  const shown = await s().waitFor('[data-testid="request-link"]');
  const link = await shown.attribute('value');
  assert.match(link, /^lakegate:\/\/open\?method=POST&url=https%3A%2F%2Fhello-/);
  assert.match(decodeURIComponent(link.replace(/\+/g, ' ')), /tag=linked/);

  // A pasted secret header never enters the request (the notes name it), so no link can
  // carry it. (A link refusing a secret header typed by hand: src-tauri/links.rs.)
  await typeUrl(`curl -H 'X-Api-Key: k-123' '${origin}/api/hello'`);
  await s().waitFor('[data-testid="url"]', { predicate: async (el) => /\/api\/hello$/.test((await el.attribute('value')) ?? '') });
  const left = await s().waitFor('[data-testid="curl-notes"]', { predicate: async (el) => /X-Api-Key/.test(await el.text()) });
  assert.match(await left.text(), /Left out of the request and never kept: X-Api-Key/);
  await (await s().find('[data-testid="copy-link"]')).click();
  const second = await s().waitFor('[data-testid="request-link"]', { predicate: async (el) => /api%2Fhello/.test((await el.attribute('value')) ?? '') });
  assert.doesNotMatch(await second.attribute('value'), /k-123|X-Api-Key/i);

  // Opening the link (as a browser would, by starting lakegate with it): the running
  // window comes forward with the request filled in; nothing is sent.
  await typeUrl(`${origin}/api/hello`);
  const opened = spawnSync(process.env.LAKEGATE_BIN, [link], {
    env: { ...process.env, HOME: app.home, ...app.env },
    timeout: 30000,
    encoding: 'utf8',
  });
  assert.equal(opened.status, 0, `${opened.stderr}`);
  await s().waitFor('[data-testid="url"]', { timeout: 20000, predicate: async (el) => (await el.attribute('value')) === `${origin}/api/echo` });
  assert.equal(await (await s().find('[data-testid="method"]')).attribute('value'), 'POST');
  const notes = await s().waitFor('[data-testid="curl-notes"]');
  assert.match(await notes.text(), /Opened from a link: nothing is sent until you press Send/);
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await shot(s(), 'link-opened');
});
