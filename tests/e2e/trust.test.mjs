// The trust boundary in the window: a request to a host that is not the connection's
// workspace or one of its apps is not sent with the token; the person may send it
// without the token, and may trust a host by typing it into the connection's list.
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

async function setUrl(value) {
  await s().execute(
    `const el = document.querySelector('[data-testid="url"]'); el.value = arguments[0]; el.dispatchEvent(new Event('input', { bubbles: true }));`,
    [value],
  );
}

test('a foreign host is refused before connecting, and can get the request without the token', async () => {
  await (await s().waitFor('[data-testid="try-sandbox"]')).click();
  await s().waitFor('[data-testid="connection-status"]', {
    timeout: 60000,
    predicate: async (el) => /signed in as alice@example\.com/.test(await el.text()),
  });
  await setUrl('https://elsewhere.localhost:9/api/items');
  await (await s().find('[data-testid="send"]')).click();
  const refused = await s().waitFor('[data-testid="token-refused"]', { timeout: 30000 });
  const text = await refused.text();
  assert.match(text, /Not sent/);
  assert.match(text, /elsewhere\.localhost:9/);
  assert.match(text, /without the token/);
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await shot(s(), 'trust-refused');

  // Without the token it is sent (nothing listens on port 9: the network error says so).
  await (await s().find('[data-testid="send-without-token"]')).click();
  const error = await s().waitFor('[data-testid="request-error"]', { timeout: 30000 });
  assert.match(await error.text(), /connect/i);
});

test('a host typed into the trusted list is shown on the connection', async () => {
  await (await s().find('[data-testid="open-settings"]')).click();
  const section = await s().waitFor('[data-testid="trusted-hosts"]');
  assert.match(await section.text(), /No other host/);
  await s().execute(
    `const el = document.querySelector('[data-testid="trusted-host-input"]'); el.value = arguments[0]; el.dispatchEvent(new Event('input', { bubbles: true }));`,
    ['https://gw.example.com'],
  );
  await (await s().find('[data-testid="trust-host"]')).click();
  await s().waitFor('[data-testid="trusted-hosts"] [role="alert"]', {
    predicate: async (el) => /not a host name/.test(await el.text()),
  });
  await s().execute(
    `const el = document.querySelector('[data-testid="trusted-host-input"]'); el.value = arguments[0]; el.dispatchEvent(new Event('input', { bubbles: true }));`,
    ['gw.example.com'],
  );
  await (await s().find('[data-testid="trust-host"]')).click();
  await s().waitFor('[data-testid="trusted-hosts"] code', {
    predicate: async (el) => (await el.text()) === 'gw.example.com',
  });
  assert.deepEqual(await s().seriousA11yViolations(), []);
  await shot(s(), 'trust-settings');
  await s().execute(`document.querySelector('[data-testid="settings"] .head button').click();`, []);
  const line = await s().waitFor('[data-testid="trusted-hosts-line"]');
  assert.match(await line.text(), /gw\.example\.com/);
});
