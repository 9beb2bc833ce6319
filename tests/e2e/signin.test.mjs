// Journey: first start → "Try the sandbox" → sign in in the system browser → signed in,
// the token inspector, copy with clearing, sign out; and the canary over IPC, DOM and files.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { launchApp, shot } from './harness.mjs';

let app;
before(async () => {
  app = await launchApp();
  // Record every answer the backend sends to the webview, for the canary below.
  await app.session.waitFor('[data-testid="app-info"]');
  // Tauri's IPC answers arrive as responses to fetch() on its ipc: protocol.
  await app.session.execute(`
    window.__ipcLog = [];
    const original = window.fetch.bind(window);
    window.fetch = async (...args) => {
      const response = await original(...args);
      response.clone().text().then((t) => window.__ipcLog.push(String(args[0]) + ' ' + t));
      return response;
    };`);
});
after(async () => {
  await app?.session.end();
});

const SECRET_SHAPES = [/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, /doau[A-Za-z0-9_-]{20,}/, /dapi[0-9a-f]{32}/, /dose[0-9a-f]{32}/];

function clipboard() {
  try {
    return execFileSync('xclip', ['-o', '-selection', 'clipboard'], { encoding: 'utf8', timeout: 5000 });
  } catch {
    return '';
  }
}

const textOf = async (css) => (await app.session.find(css)).text();

test('first start teaches: no connection, try the sandbox', async () => {
  const empty = await app.session.waitFor('[data-testid="connections-empty"]');
  assert.match(await empty.text(), /Try the sandbox/);
  assert.match(await empty.text(), /Add a workspace/);
  assert.deepEqual(await app.session.seriousA11yViolations(), []);
});

test('try the sandbox signs in through the system browser', async () => {
  await (await app.session.find('[data-testid="try-sandbox"]')).click();
  const status = await app.session.waitFor('[data-testid="connection-status"]', {
    timeout: 60000,
    predicate: async (el) => /signed in as alice@example\.com/.test(await el.text()),
  });
  assert.match(await status.text(), /expires in (59 min|1 h)/);
  assert.match(await textOf('[data-testid="notice"]'), /Signed in to Sandbox as alice@example\.com/);
  assert.deepEqual(await app.session.seriousA11yViolations(), []);
  await shot(app.session, 'sandbox-signed-in');
});

test('the token inspector decodes the token without showing it', async () => {
  await (await app.session.find('[data-testid="inspect-token"]')).click();
  await app.session.waitFor('[data-testid="token-inspector"]');
  assert.equal(await textOf('[data-testid="token-subject"]'), 'alice@example.com');
  const scopes = await textOf('[data-testid="token-scopes"]');
  assert.match(scopes, /all-apis/);
  assert.match(scopes, /offline_access/);
  assert.match(await textOf('[data-testid="token-expiry"]'), /expires in/);
  assert.match(await textOf('[data-testid="token-claims"]'), /"client_id": "databricks-cli"/);
  assert.deepEqual(await app.session.seriousA11yViolations(), []);
  await shot(app.session, 'token-inspector');
});

test('copy token puts it on the clipboard from Rust; the canary finds it nowhere else', async () => {
  await (await app.session.find('[data-testid="copy-token"]')).click();
  await app.session.waitFor('[data-testid="copy-note"]');
  const token = clipboard().trim();
  assert.match(token, /^eyJ/, 'the access token is on the clipboard');

  const ipc = await app.session.execute('return window.__ipcLog.join("\\n")');
  assert.ok(ipc.length > 100, 'answers were recorded');
  assert.ok(!ipc.includes(token), 'the token never crossed to the webview');
  for (const shape of SECRET_SHAPES) assert.doesNotMatch(ipc, shape);
  const dom = await app.session.execute('return document.documentElement.outerHTML');
  assert.ok(!dom.includes(token));
  for (const shape of SECRET_SHAPES) assert.doesNotMatch(dom, shape);

  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(app.home);
  for (const f of files) {
    const content = readFileSync(f, 'latin1');
    assert.ok(!content.includes(token), `the token leaked into ${f}`);
    for (const shape of SECRET_SHAPES) assert.doesNotMatch(content, shape, f);
  }
});

test('sign out deletes the secrets and says so', async () => {
  await (await app.session.find('[data-testid="sign-out"]')).click();
  await app.session.waitFor('[data-testid="connection-status"]', {
    predicate: async (el) => /not signed in/.test(await el.text()),
  });
  assert.match(await textOf('[data-testid="notice"]'), /Signed out of Sandbox/);
});

test('the add-connection form explains bad input next to the field', async () => {
  await (await app.session.find('[data-testid="add-connection"]')).click();
  await app.session.waitFor('[data-testid="add-connection-form"]');
  await (await app.session.find('[data-testid="field-name"]')).type('prod');
  await (await app.session.find('[data-testid="field-host"]')).type('http://plain.example');
  await (await app.session.find('[data-testid="save-connection"]')).click();
  const err = await app.session.waitFor('#err-host');
  assert.match(await err.text(), /https/);
  // The guide's own example scope: Lakegate asks whether files.files was meant.
  await (await app.session.find('[data-testid="field-scopes"]')).type('sql file.files');
  const hint = await app.session.waitFor('[data-testid="scope-hint"]', { timeout: 15000 });
  assert.match(await hint.text(), /did you mean files\.files\?/);
  assert.deepEqual(await app.session.seriousA11yViolations(), []);
  await shot(app.session, 'add-connection');
});

test('the copied token is cleared from the clipboard after 30 seconds', async () => {
  const token = clipboard().trim();
  assert.match(token, /^eyJ/);
  await new Promise((r) => setTimeout(r, 31500));
  assert.equal(clipboard().trim(), '', 'cleared');
});
